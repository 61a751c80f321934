#pragma once

#include <string>
#include <vector>

#include "shell/completions.hpp"

namespace sesame {

/// The integration `sesame init SHELL` prints and `sesame shell` loads: a prompt segment showing
/// the profile and time left, `sesame-refresh` and an `aws` wrapper that re-export fresh
/// credentials into the live shell when they are expired or about to be, and completions.
/// `sesame_path` is the absolute path of this binary, so it works without sesame on PATH.
std::string init_script(ShellKind shell, const std::string& sesame_path,
                        const std::vector<CommandSpec>& commands);

}  // namespace sesame
