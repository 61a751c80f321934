#include "cli/prompt_command.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <memory>

#include "app/settings.hpp"
#include "shell/prompt_segment.hpp"
#include "util/time.hpp"

namespace sesame {

CommandRun declare_prompt(CommandFlags& flags) {
    auto options = std::make_shared<PromptOptions>();
    flags.option("--shell", options->shell, "SHELL", "bash, zsh, fish or plain (how colours are marked)",
                 {"bash", "zsh", "fish", "plain"});
    flags.option("--color", options->color, "WHEN", "auto, always or never", {"auto", "always", "never"});
    flags.flag("--seconds-left", options->seconds_left,
               "Print the seconds the credentials have left (negative once expired)");
    flags.example("Example: PS1='$(sesame prompt --shell plain)'\"$PS1\"");
    return [options](Context& ctx, const std::vector<std::string>&) { return run_prompt(*options, ctx); };
}

Result<int> run_prompt(const PromptOptions& options, Context& ctx) {
    auto profile_setting = text_setting(ctx.env(), "SESAME_PROFILE");
    if (!profile_setting) return std::unexpected(std::move(profile_setting.error()));
    const std::string profile = profile_setting->value_or("");
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
    auto shell = parse_prompt_shell(options.shell);
    if (!shell) return fail(fmt::format("--shell {}: use bash, zsh, fish or plain", options.shell));
    bool color;
    if (options.color == "always")
        color = true;
    else if (options.color == "never")
        color = false;
    else if (options.color == "auto")
        color = prompt_wants_color(ctx.env(), ::isatty(STDERR_FILENO) == 1);
    else
        return fail(fmt::format("--color {}: use auto, always or never", options.color));
    ctx.out(prompt_segment(profile, expiration, ctx.clock().now(), color, *shell));
    return 0;
}

}  // namespace sesame
