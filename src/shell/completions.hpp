#pragma once

#include <string>
#include <vector>

#include "shell/command_spec.hpp"
#include "util/error.hpp"

namespace sesame {

enum class ShellKind { Bash, Zsh, Fish };

Result<ShellKind> parse_shell_kind(std::string_view name);

/// The completion script for `shell`: commands, each command's flags, profile names where a
/// command takes one, and the shells `init` knows. It runs `${__sesame_bin:-sesame} list
/// --names` for profile names and treats every name as data: a name such as `x$(touch f)` is
/// offered quoted and never evaluated. `sesame completion SHELL` prints it, the installed
/// vendor completion files are it, and `sesame init SHELL` includes it.
std::string completion_script(ShellKind shell, const std::vector<CommandSpec>& commands);

}  // namespace sesame
