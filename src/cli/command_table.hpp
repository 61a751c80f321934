#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command.hpp"
#include "shell/command_spec.hpp"

namespace sesame {

/// Every command, in the order `--help` lists them: the one table that help, dispatch
/// (cli/app.cpp), the man page and the completions are all built from.
std::span<const Command> commands();

/// The command named `name`, or nullptr.
const Command* find_command(std::string_view name);

/// What sesame is, in one line: the first line of `--help` and the man page's NAME.
inline constexpr const char* k_tagline =
    "run commands with temporary AWS credentials from an encrypted vault";

/// A command declared into the parser: its CLI11 subcommand, and what runs it with the options
/// its declaration bound (they live as long as `run`).
struct DeclaredCommand {
    const Command* command;
    CLI::App* parser;
    CommandRun run;
    ValueLists values;  ///< the value lists its declaration named
};

/// Declares the global flags (--version, --debug) and the commands into `app`. `only` non-empty
/// declares that one command alone (building every command's options costs more than the rest of
/// a cached `sesame exec`); empty declares all of them (help, man page, completions).
std::vector<DeclaredCommand> declare_commands(CLI::App& app, std::string_view only);

/// The options every command takes (--help, --debug, --version), and every command with its
/// arguments, read from the very declarations the parser uses: the man page and the
/// completions are generated from this, so they show exactly what `--help` shows.
struct CommandSpecs {
    std::vector<OptionSpec> global;
    std::vector<CommandSpec> commands;
};
CommandSpecs command_specs();

}  // namespace sesame
