#pragma once

#include <optional>
#include <string>

#include "platform/clock.hpp"

namespace sesame {

enum class PromptShell { Plain, Bash, Zsh, Fish };

/// `[admin 42m] `, `[admin 1h05m] `, `[admin expired] `: the profile and the time its
/// credentials have left. Yellow under 5 minutes, red under 1 (and expired), when `color`;
/// colour codes are wrapped so each shell's line editor knows they take no width.
/// Empty when there is no profile.
std::string prompt_segment(const std::string& profile, std::optional<TimePoint> expiration, TimePoint now,
                           bool color, PromptShell shell);

}  // namespace sesame
