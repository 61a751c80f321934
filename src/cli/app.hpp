#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/context.hpp"
#include "shell/init_scripts.hpp"

namespace sesame {

/// One row of the command table: the name users type, the one-line summary `--help` shows, and
/// for completions its flags and whether it takes a profile.
struct CommandInfo {
    const char* name;
    const char* summary;
    std::vector<std::string> flags;
    bool takes_profile = false;
};

const std::vector<CommandInfo>& commands();

/// The table in the form the shell integration's completions use.
std::vector<CompletionCommand> completion_commands();

/// Parses the arguments (without argv[0]) and runs the command. Returns the exit code; prints
/// errors as "sesame: <message>" and "hint: <next step>" on stderr via `err`.
int run_app(const std::vector<std::string>& args, Context& ctx, const Context::Writer& err);

/// The two hot commands in their plainest forms, `exec PROFILE -- CMD...` and
/// `export PROFILE --format F`, recognised without building the option parser.
struct QuickCommand {
    enum Kind { Exec, Export } kind;
    std::string profile;
    std::vector<std::string> command;  ///< exec
    std::string format;                ///< export
};
std::optional<QuickCommand> parse_quick(const std::vector<std::string>& args);

/// True when the arguments ask for --debug (checked before the Context is built).
bool wants_debug(const std::vector<std::string>& args);

}  // namespace sesame
