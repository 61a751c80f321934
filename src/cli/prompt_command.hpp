#pragma once

#include <string>

#include "app/context.hpp"
#include "cli/command.hpp"

namespace sesame {

/// `sesame prompt` prints the shell prompt segment; not to be confused with src/prompt/, the
/// questions sesame asks the user.
struct PromptOptions {
    std::string shell = "plain";  ///< bash|zsh|fish|plain: how colour codes are wrapped
    std::string color = "auto";   ///< auto|always|never
    /// `tput colors` as the init script found it (once, at init); negative: not known.
    int terminal_colors = -1;
    bool seconds_left = false;  ///< print the seconds left instead (negative once expired)
};

CommandRun declare_prompt(CommandFlags& flags);

/// `sesame prompt`: the prompt segment, from SESAME_PROFILE and AWS_CREDENTIAL_EXPIRATION
/// alone — no config, no vault, no network — so it can run before every prompt. Colours:
/// --color always/never, else SESAME_PROMPT_COLORS (or aws-session's AWS_SESSION_COLORS), else
/// prompt_wants_color.
Result<int> run_prompt(const PromptOptions& options, Context& ctx);

}  // namespace sesame
