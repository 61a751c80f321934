#pragma once

#include <string>
#include <vector>

#include "util/error.hpp"

namespace sesame {

enum class ShellKind { Bash, Zsh, Fish };

Result<ShellKind> parse_shell_kind(std::string_view name);

/// One command for completion: its name, summary and flags ("--duration --region ...").
struct CompletionCommand {
    std::string name;
    std::string summary;
    std::vector<std::string> flags;
    bool takes_profile = false;
};

/// The integration `sesame init SHELL` prints and `sesame shell` loads: a prompt segment showing
/// the profile and time left, `sesame-refresh` and an `aws` wrapper that re-export fresh
/// credentials into the live shell when they are expired or about to be, and completions.
/// `sesame_path` is the absolute path of this binary, so it works without sesame on PATH.
std::string init_script(ShellKind shell, const std::string& sesame_path,
                        const std::vector<CompletionCommand>& commands);

}  // namespace sesame
