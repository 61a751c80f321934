#include "cli/prompt.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include "shell/prompt_segment.hpp"
#include "util/time.hpp"

namespace sesame {

bool prompt_wants_color(const Env& env, bool stderr_is_tty) {
    if (env.get("NO_COLOR")) return false;
    auto term = env.get("TERM");
    return stderr_is_tty && term && *term != "dumb";
}

Result<int> run_prompt(const PromptOptions& options, Context& ctx) {
    std::string profile = ctx.env().get_or("SESAME_PROFILE", "");
    std::optional<TimePoint> expiration;
    if (auto e = ctx.env().get("AWS_CREDENTIAL_EXPIRATION")) expiration = parse_rfc3339(*e);

    if (options.seconds_left) {
        // Long-term keys (no expiry) never need a refresh.
        long long left =
            expiration
                ? std::chrono::duration_cast<std::chrono::seconds>(*expiration - ctx.clock().now()).count()
                : 999'999'999;
        ctx.out(fmt::format("{}\n", left));
        return 0;
    }
    PromptShell shell;
    if (options.shell == "bash")
        shell = PromptShell::Bash;
    else if (options.shell == "zsh")
        shell = PromptShell::Zsh;
    else if (options.shell == "fish")
        shell = PromptShell::Fish;
    else if (options.shell == "plain")
        shell = PromptShell::Plain;
    else
        return fail(fmt::format("--shell {}: use bash, zsh, fish or plain", options.shell));
    bool color;
    if (options.color == "always")
        color = true;
    else if (options.color == "never")
        color = false;
    else if (options.color == "auto")
        color = prompt_wants_color(ctx.env(), ::isatty(STDERR_FILENO) == 1);
    else
        return fail(fmt::format("--color {}: use auto, always or never", options.color));
    ctx.out(prompt_segment(profile, expiration, ctx.clock().now(), color, shell));
    return 0;
}

}  // namespace sesame
