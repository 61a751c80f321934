#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/context.hpp"
#include "cli/command_table.hpp"

namespace sesame {

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
