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

/// Colour on "auto": not with NO_COLOR, not on a dumb or unknown terminal, and only when
/// stderr is a terminal (stdout is the prompt's command substitution).
bool prompt_wants_color(const Env& env, bool stderr_is_tty);

/// `[admin 42m] `, `[admin 1h05m] `, `[admin expired] `: the profile and the time its
/// credentials have left. Yellow under 5 minutes, red under 1 (and expired), when `color`;
/// colour codes are wrapped so each shell's line editor knows they take no width.
/// Empty when there is no profile.
std::string prompt_segment(const std::string& profile, std::optional<TimePoint> expiration, TimePoint now,
                           bool color, PromptShell shell);

}  // namespace sesame
