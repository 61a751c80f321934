// cli/app.cpp applies the one settings policy (app/settings.hpp) before any command runs.

#include <gtest/gtest.h>

#include <filesystem>

#include "cli/app.hpp"
#include "fakes.hpp"
#include "platform/clock.hpp"
#include "prompt/prompt.hpp"
#include "temp_dir.hpp"

namespace sesame {
namespace {

using NoPrompt = testing::NoTerminal;

struct Ran {
    int code;
    std::string out, err;
};

/// `sesame ARGS` with HOME and the vault in a fresh folder plus `vars`.
Ran run(const std::vector<std::string>& args, std::map<std::string, std::string> vars,
        const testing::TempDir& home) {
    vars.emplace("HOME", home.path());
    vars.emplace("XDG_DATA_HOME", home / "data");
    SystemClock clock;
    NoPrompt prompt;
    Ran ran{0, "", ""};
    Log log([&](std::string_view s) { ran.err += std::string(s) + "\n"; }, false);
    Context ctx(Env(std::move(vars)), clock, prompt, log, [&](std::string_view s) { ran.out += s; }, {});
    ran.code = run_app(args, ctx, [&](std::string_view s) { ran.err += s; });
    return ran;
}

TEST(SettingsGate, ABadValueFailsEveryCommandBeforeItStartsNamingTheVariable) {
    const std::vector<std::pair<std::string, std::string>> bad{
        {"SESAME_LOCK_WAIT", "5mins"},
        {"SESAME_KEY_CACHE", "agnet"},
        {"SESAME_UNLOCK_TTL", "xyz"},
    };
    // prompt reads none of these: the policy does not depend on what a command reads.
    const std::vector<std::vector<std::string>> commands{
        {"status"}, {"lock"}, {"prompt", "--shell", "plain"}, {"exec", "p", "--", "true"}, {"--version"}};
    for (const auto& [name, value] : bad) {
        for (const auto& args : commands) {
            SCOPED_TRACE(name + " " + args.front());
            testing::TempDir home;
            auto ran = run(args, {{name, value}}, home);
            EXPECT_EQ(ran.code, 1);
            EXPECT_TRUE(ran.err.starts_with("sesame: " + name + "=\"" + value + "\" is not ")) << ran.err;
            EXPECT_NE(ran.err.find("\nhint: "), std::string::npos) << ran.err;
            EXPECT_EQ(ran.out, "");
            EXPECT_FALSE(std::filesystem::exists(home / "data")) << "the vault folder was made";
        }
    }
}

TEST(SettingsGate, HelpReadsNoSettingAndStillWorks) {
    testing::TempDir home;
    auto ran = run({"--help"}, {{"SESAME_LOCK_WAIT", "5mins"}}, home);
    EXPECT_EQ(ran.code, 0);
    EXPECT_NE(ran.out.find("Usage"), std::string::npos) << ran.out;
}

TEST(SettingsGate, ATypoOfASettingIsAWarningAndOtherProgramsNamesAreLeftAlone) {
    testing::TempDir home;
    auto ran =
        run({"prompt", "--shell", "plain"}, {{"SESAME_MINTTL", "1h"}, {"SESAME_BIN", "/bin/true"}}, home);
    EXPECT_EQ(ran.code, 0) << ran.err;
    EXPECT_EQ(
        ran.err,
        "sesame: warning: SESAME_MINTTL is not a sesame setting: ignored (did you mean SESAME_MIN_TTL?)\n");
}

}  // namespace
}  // namespace sesame
