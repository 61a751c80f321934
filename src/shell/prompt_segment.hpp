#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "platform/env.hpp"
#include "util/clock.hpp"

namespace sesame {

enum class PromptShell { Plain, Bash, Zsh, Fish };

/// The shell named "bash", "zsh", "fish" or "plain"; nullopt for any other name.
std::optional<PromptShell> parse_prompt_shell(std::string_view name);

/// Colour on "auto" when nothing chose it: not with NO_COLOR (set and not empty), not on a dumb or
/// unknown TERM, and not when the terminal has fewer than 8 colours. `terminal_colors` is what
/// `tput colors` said when the init script ran (nullopt: not known, TERM decides). No file
/// descriptor is looked at: the prompt runs inside $(…), where none is the terminal.
bool prompt_wants_color(const Env& env, std::optional<int> terminal_colors);

/// `[admin 42m] `, `[admin 123456789012 1h05m] `, `[admin expired] `: the profile, the account
/// when known (empty: left out) and the time its credentials have left. Yellow under 5 minutes, red under 1
/// (and expired), when `color`; colour codes are wrapped so each shell's line editor knows they take no
/// width. Empty when there is no profile.
std::string prompt_segment(const std::string& profile, const std::string& account,
                           std::optional<TimePoint> expiration, TimePoint now, bool color, PromptShell shell);

}  // namespace sesame
