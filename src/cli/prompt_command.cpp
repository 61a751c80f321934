#include "cli/prompt_command.hpp"

#include <fmt/format.h>

#include <memory>

#include "app/settings.hpp"
#include "shell/prompt_segment.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

Result<bool> prompt_color(const PromptOptions& options, const Env& env) {
    if (options.color == "always") return true;
    if (options.color == "never") return false;
    if (options.color != "auto")
        return fail(fmt::format("--color {}: use auto, always or never", options.color));
    auto chosen = read_setting(env, *find_setting("SESAME_PROMPT_COLORS"));
    if (!chosen) return std::unexpected(std::move(chosen.error()));
    if (*chosen) return std::get<bool>(**chosen);
    std::optional<int> colors;
    if (options.terminal_colors >= 0) colors = options.terminal_colors;
    return prompt_wants_color(env, colors);
}

}  // namespace

CommandRun declare_prompt(CommandFlags& flags) {
    auto options = std::make_shared<PromptOptions>();
    flags.option("--shell", options->shell, "SHELL", "bash, zsh, fish or plain (how colours are marked)",
                 {"bash", "zsh", "fish", "plain"});
    flags.option("--color", options->color, "WHEN",
                 "auto (SESAME_PROMPT_COLORS, else NO_COLOR and the terminal decide), always or never",
                 {"auto", "always", "never"});
    flags.option("--terminal-colors", options->terminal_colors, "N",
                 "How many colours the terminal has (tput colors); auto wants 8 or more. The init "
                 "scripts pass it");
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
    auto color = prompt_color(options, ctx.env());
    if (!color) return std::unexpected(std::move(color.error()));
    auto account = text_setting(ctx.env(), "SESAME_ACCOUNT");
    if (!account) return std::unexpected(std::move(account.error()));
    const std::string account_id = account->value_or("");
    if (!account_id.empty() &&
        (account_id.size() != 12 || account_id.find_first_not_of("0123456789") != std::string::npos))
        return fail(
            fmt::format("SESAME_ACCOUNT=\"{}\" is not a 12-digit account id", printable(account_id, 40)),
            "sesame sets it for the shells it starts; unset it");
    ctx.out(prompt_segment(profile, account_id, expiration, ctx.clock().now(), *color, *shell));
    return 0;
}

}  // namespace sesame
