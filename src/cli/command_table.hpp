#pragma once

#include <string>
#include <vector>

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

}  // namespace sesame
