#pragma once

#include <string>

#include "cli/context.hpp"

namespace sesame {

struct PromptOptions {
    std::string shell = "plain";  ///< bash|zsh|fish|plain: how colour codes are wrapped
    std::string color = "auto";   ///< auto|always|never
    bool seconds_left = false;    ///< print the seconds left instead (negative once expired)
};

/// `sesame prompt`: the prompt segment, from SESAME_PROFILE and AWS_CREDENTIAL_EXPIRATION
/// alone — no config, no vault, no network — so it can run before every prompt.
Result<int> run_prompt(const PromptOptions& options, Context& ctx);

/// Colour on "auto": not with NO_COLOR, not on a dumb or unknown terminal, and only when
/// stderr is a terminal (stdout is the prompt's command substitution).
bool prompt_wants_color(const Env& env, bool stderr_is_tty);

}  // namespace sesame
