#include "shell/prompt_segment.hpp"

#include <fmt/format.h>

#include "util/time.hpp"

namespace sesame {
namespace {

std::string wrap(std::string_view code, PromptShell shell) {
    std::string esc = fmt::format("\x1b[{}m", code);
    switch (shell) {
        case PromptShell::Bash:
            return "\x01" + esc + "\x02";  // readline's ignore markers
        case PromptShell::Zsh:
            return "%{" + esc + "%}";
        default:
            return esc;
    }
}

}  // namespace

std::optional<PromptShell> parse_prompt_shell(std::string_view name) {
    if (name == "bash") return PromptShell::Bash;
    if (name == "zsh") return PromptShell::Zsh;
    if (name == "fish") return PromptShell::Fish;
    if (name == "plain") return PromptShell::Plain;
    return std::nullopt;
}

bool prompt_wants_color(const Env& env, std::optional<int> terminal_colors) {
    if (!env.get_or("NO_COLOR", "").empty()) return false;
    const std::string term = env.get_or("TERM", "");
    if (term.empty() || term == "dumb") return false;
    return !terminal_colors || *terminal_colors >= 8;
}

std::string prompt_segment(const std::string& profile, const std::string& account,
                           std::optional<TimePoint> expiration, TimePoint now, bool color,
                           PromptShell shell) {
    if (profile.empty()) return "";
    std::string label = profile;
    if (!account.empty()) {
        label += ' ';
        label += account;
    }
    if (shell == PromptShell::Zsh) {
        // A '%' in a profile name must not start a zsh prompt escape.
        std::string escaped;
        for (char c : label) escaped += c == '%' ? std::string("%%") : std::string(1, c);
        label = escaped;
    }
    const char* colour = nullptr;
    if (expiration) {
        auto left = std::chrono::duration_cast<std::chrono::seconds>(*expiration - now);
        if (left.count() <= 0) {
            label += " expired";
            colour = "31";
        } else {
            label += ' ';  // not `" " + ...`: g++ 12 -O3 reports a false -Wrestrict for it
            label += format_duration_short(left);
            if (left < std::chrono::minutes(1))
                colour = "31";
            else if (left < std::chrono::minutes(5))
                colour = "33";
        }
    }
    if (color && colour) return wrap(colour, shell) + "[" + label + "]" + wrap("0", shell) + " ";
    return "[" + label + "] ";
}

}  // namespace sesame
