#pragma once

#include <string>
#include <vector>

#include "shell/command_spec.hpp"

namespace sesame {

/// One row of the command table: the name users type and the one-line summary `--help` shows.
/// Each command's arguments are declared in cli/command_line.cpp.
struct CommandInfo {
    const char* name;
    const char* summary;
};

const std::vector<CommandInfo>& commands();

/// What sesame is, in one line: the first line of `--help` and the man page's NAME.
inline constexpr const char* k_tagline =
    "run commands with temporary AWS credentials from an encrypted vault";

/// The options every command takes (--help, --debug, --version), and every command with its
/// arguments, read from the very declarations the parser uses: the man page and the
/// completions are generated from this, so they show exactly what `--help` shows.
struct CommandSpecs {
    std::vector<OptionSpec> global;
    std::vector<CommandSpec> commands;
};
CommandSpecs command_specs();

}  // namespace sesame
