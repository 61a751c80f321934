#include "shell/prompt_segment.hpp"

#include <gtest/gtest.h>

namespace sesame {
namespace {

using namespace std::chrono;

const TimePoint k_now = sys_days{2026y / 11 / 20} + 12h;

TEST(PromptSegment, ShowsProfileAndTimeLeft) {
    struct Case {
        std::optional<seconds> left;
        const char* expected;
    } cases[] = {
        {seconds(42 * 60 + 30), "[admin 42m] "}, {seconds(3900), "[admin 1h05m] "},
        {seconds(59), "[admin 59s] "},           {seconds(0), "[admin expired] "},
        {seconds(-10), "[admin expired] "},      {std::nullopt, "[admin] "},
    };
    for (const auto& c : cases) {
        std::optional<TimePoint> exp;
        if (c.left) exp = k_now + *c.left;
        EXPECT_EQ(prompt_segment("admin", "", exp, k_now, false, PromptShell::Plain), c.expected);
    }
    EXPECT_EQ(prompt_segment("", "", k_now, k_now, true, PromptShell::Bash), "");
}

TEST(PromptSegment, YellowUnderFiveMinutesRedUnderOneWrappedPerShell) {
    EXPECT_EQ(prompt_segment("a", "", k_now + minutes(30), k_now, true, PromptShell::Plain), "[a 30m] ")
        << "no colour while there is time";
    EXPECT_EQ(prompt_segment("a", "", k_now + minutes(4), k_now, true, PromptShell::Plain),
              "\x1b[33m[a 4m]\x1b[0m ");
    EXPECT_EQ(prompt_segment("a", "", k_now + seconds(30), k_now, true, PromptShell::Bash),
              "\x01\x1b[31m\x02[a 30s]\x01\x1b[0m\x02 ");
    EXPECT_EQ(prompt_segment("a", "", k_now - seconds(1), k_now, true, PromptShell::Zsh),
              "%{\x1b[31m%}[a expired]%{\x1b[0m%} ");
    EXPECT_EQ(prompt_segment("a", "", k_now + minutes(4), k_now, false, PromptShell::Zsh), "[a 4m] ");
}

TEST(PromptSegment, ShowsTheAccountWhenKnown) {
    EXPECT_EQ(prompt_segment("admin", "123456789012", k_now + minutes(42), k_now, false, PromptShell::Plain),
              "[admin 123456789012 42m] ");
    EXPECT_EQ(prompt_segment("admin", "123456789012", std::nullopt, k_now, false, PromptShell::Plain),
              "[admin 123456789012] ");
    EXPECT_EQ(prompt_segment("admin", "123456789012", k_now + minutes(4), k_now, true, PromptShell::Plain),
              "\x1b[33m[admin 123456789012 4m]\x1b[0m ");
}

TEST(PromptSegment, ZshPercentInAProfileNameIsEscaped) {
    EXPECT_EQ(prompt_segment("100%", "", std::nullopt, k_now, false, PromptShell::Zsh), "[100%%] ");
}

Env env_of(std::map<std::string, std::string> vars) {
    return Env(std::move(vars));
}

TEST(PromptColor, AutoFollowsNoColorTermAndTheTerminalsColours) {
    // No file descriptor is consulted: the prompt runs inside $(…).
    EXPECT_TRUE(prompt_wants_color(env_of({{"TERM", "xterm-256color"}}), std::nullopt));
    EXPECT_TRUE(prompt_wants_color(env_of({{"TERM", "xterm-256color"}}), 256));
    EXPECT_TRUE(prompt_wants_color(env_of({{"TERM", "xterm"}}), 8));
    EXPECT_FALSE(prompt_wants_color(env_of({{"TERM", "xterm"}}), 2)) << "tput colors under 8";
    EXPECT_FALSE(prompt_wants_color(env_of({{"TERM", "xterm"}}), 0));
    EXPECT_FALSE(prompt_wants_color(env_of({{"TERM", "xterm-256color"}, {"NO_COLOR", "1"}}), 256));
    EXPECT_TRUE(prompt_wants_color(env_of({{"TERM", "xterm-256color"}, {"NO_COLOR", ""}}), 256))
        << "an empty NO_COLOR is unset (no-color.org)";
    EXPECT_FALSE(prompt_wants_color(env_of({{"TERM", "dumb"}}), std::nullopt));
    EXPECT_FALSE(prompt_wants_color(env_of({{"TERM", ""}}), 256));
    EXPECT_FALSE(prompt_wants_color(Env{}, std::nullopt));
}

TEST(PromptShell, ParsesTheFourNamesAndNothingElse) {
    EXPECT_EQ(parse_prompt_shell("bash"), PromptShell::Bash);
    EXPECT_EQ(parse_prompt_shell("zsh"), PromptShell::Zsh);
    EXPECT_EQ(parse_prompt_shell("fish"), PromptShell::Fish);
    EXPECT_EQ(parse_prompt_shell("plain"), PromptShell::Plain);
    EXPECT_EQ(parse_prompt_shell("Bash"), std::nullopt);
    EXPECT_EQ(parse_prompt_shell(""), std::nullopt);
}

}  // namespace
}  // namespace sesame
