// The prompt drivers that run a program (zenity, kdialog, osascript, ykman, a profile's
// mfa_process), on a fake runner that records each command line and answers from a script: the
// command lines are aws-vault's, the answer comes back on stdout, Cancel is a cancel. The real
// zenity is driven under Xvfb by tests/integration/test_prompt_drivers.py.

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <functional>

#include "prompt/mfa_process.hpp"
#include "prompt/mfa_source.hpp"

namespace sesame {
namespace {

using Argv = std::vector<std::string>;
constexpr std::string_view k_serial = "arn:aws:iam::123456789012:mfa/alice";

/// Answers each program run from a script (exit status, stdout); records the command lines.
struct FakeRunner {
    std::deque<CapturedOutput> answers;
    std::vector<Argv> ran;
    RunProgram runner() {
        return [this](const Argv& argv) -> Result<CapturedOutput> {
            ran.push_back(argv);
            if (answers.empty()) return fail("cannot run \"" + argv[0] + "\": not found in PATH");
            auto a = answers.front();
            answers.pop_front();
            return a;
        };
    }
};

/// A terminal that must not be used.
class NoTerminal final : public Prompt {
  public:
    Result<std::string> ask(std::string_view q) override {
        ADD_FAILURE() << "asked on the terminal: " << q;
        return fail("no terminal");
    }
    Result<Secret> ask_secret(std::string_view q) override {
        ADD_FAILURE() << "asked on the terminal: " << q;
        return fail("no terminal");
    }
    void tell(std::string_view) override {}
    bool can_ask() override { return false; }
};

struct Driver {
    NoTerminal terminal;
    FakeRunner run;
    MadeDriver made;
    explicit Driver(std::string_view name, std::deque<CapturedOutput> answers, bool display = true,
                    YkmanOptions ykman = {}) {
        run.answers = std::move(answers);
        DriverContext context{terminal, run.runner(), display, std::move(ykman)};
        auto m = make_prompt_driver(name, context);
        EXPECT_TRUE(m) << m.error().message;
        if (m) made = std::move(*m);
    }
};

TEST(ZenityDriver, AsksInAnEntryDialogAndReadsTheCodeFromStdout) {
    Driver d("zenity", {{0, "123456\n"}});
    auto code = d.made.mfa->code_for(k_serial);
    ASSERT_TRUE(code) << code.error().message;
    EXPECT_EQ(code->reveal(), "123456");
    ASSERT_EQ(d.run.ran.size(), 1u);
    EXPECT_EQ(d.run.ran[0], (Argv{"zenity", "--entry", "--title", "sesame", "--text",
                                  "Enter MFA code for arn:aws:iam::123456789012:mfa/alice"}));
}

TEST(ZenityDriver, AsksThePassphraseHiddenAndKeepsItsSpaces) {
    Driver d("zenity", {{0, " my pass phrase \n"}});
    ASSERT_NE(d.made.prompt, nullptr) << "the passphrase follows the driver";
    auto p = d.made.prompt->ask_secret("Enter passphrase to unlock the sesame vault: ");
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->reveal(), " my pass phrase ");
    ASSERT_EQ(d.run.ran.size(), 1u);
    EXPECT_EQ(d.run.ran[0], (Argv{"zenity", "--entry", "--hide-text", "--title", "sesame", "--text",
                                  "Enter passphrase to unlock the sesame vault"}));
}

TEST(ZenityDriver, CancelIsACancelledQuestionAsCtrlDIs) {
    Driver d("zenity", {{1, ""}});
    auto code = d.made.mfa->code_for(k_serial);
    ASSERT_FALSE(code);
    EXPECT_TRUE(is_cancel(code.error()));
    EXPECT_EQ(code.error().exit_code, k_cancelled_exit_code);
    EXPECT_NE(code.error().message.find("cancelled"), std::string::npos) << code.error().message;
}

TEST(ZenityDriver, AFailedDialogSaysSoAndIsNotCalledAMissingTerminal) {
    Driver d("zenity", {{255, ""}});
    auto code = d.made.mfa->code_for(k_serial);
    ASSERT_FALSE(code);
    EXPECT_FALSE(is_cancel(code.error()));
    EXPECT_NE(code.error().message.find("zenity exited with status 255"), std::string::npos)
        << code.error().message;
    EXPECT_EQ(code.error().message.find("no terminal"), std::string::npos) << code.error().message;

    Driver missing("zenity", {});
    code = missing.made.mfa->code_for(k_serial);
    ASSERT_FALSE(code);
    EXPECT_NE(code.error().message.find("not found in PATH"), std::string::npos) << code.error().message;
}

TEST(ZenityDriver, WithoutADisplayRunsNothingAndNamesTheVariables) {
    Driver d("zenity", {{1, ""}}, /*display=*/false);
    auto code = d.made.mfa->code_for(k_serial);
    ASSERT_FALSE(code);
    EXPECT_FALSE(is_cancel(code.error())) << "zenity's status 1 without a display is not a Cancel";
    EXPECT_NE(code.error().message.find("DISPLAY"), std::string::npos) << code.error().message;
    EXPECT_TRUE(d.run.ran.empty());
}

TEST(ZenityDriver, WhatTheDriverSaysIsShownInTheNextDialog) {
    Driver d("zenity", {{0, "12345\n"}, {0, "654321\n"}, {0, "111111\n"}});
    auto code = d.made.mfa->code_for(k_serial);
    ASSERT_TRUE(code) << code.error().message;
    EXPECT_EQ(code->reveal(), "654321");
    ASSERT_EQ(d.run.ran.size(), 2u);
    EXPECT_EQ(d.run.ran[1].back(),
              "An MFA code is 6 digits; try again.\n\nEnter MFA code for " + std::string(k_serial));
    // AWS refused the code: asked again, saying why.
    EXPECT_TRUE(d.made.mfa->ask_again(k_serial));
    ASSERT_TRUE(d.made.mfa->code_for(k_serial));
    EXPECT_TRUE(d.run.ran[2].back().starts_with("AWS refused that code")) << d.run.ran[2].back();
}

TEST(KdialogDriver, UsesInputboxAndPassword) {
    Driver d("kdialog", {{0, "222333\n"}, {0, "secret\n"}});
    ASSERT_EQ(d.made.mfa->code_for(k_serial)->reveal(), "222333");
    ASSERT_EQ(d.made.prompt->ask_secret("Choose a passphrase for the new vault: ")->reveal(), "secret");
    ASSERT_EQ(d.run.ran.size(), 2u);
    EXPECT_EQ(d.run.ran[0], (Argv{"kdialog", "--title", "sesame", "--inputbox",
                                  "Enter MFA code for arn:aws:iam::123456789012:mfa/alice"}));
    EXPECT_EQ(d.run.ran[1],
              (Argv{"kdialog", "--title", "sesame", "--password", "Choose a passphrase for the new vault"}));
}

TEST(OsascriptDriver, PassesTheQuestionAsAnArgumentAndNeedsNoDisplay) {
    Driver d("osascript", {{0, "444555\n"}, {0, "pw\n"}}, /*display=*/false);
    ASSERT_EQ(d.made.mfa->code_for("a\"b")->reveal(), "444555");
    ASSERT_TRUE(d.made.prompt->ask_secret("Enter passphrase: "));
    ASSERT_EQ(d.run.ran.size(), 2u);
    EXPECT_EQ(d.run.ran[0].front(), "osascript");
    EXPECT_EQ(d.run.ran[0].back(), "Enter MFA code for a\"b") << "an argument: no quoting to get wrong";
    EXPECT_EQ(d.run.ran[0][4].find("hidden"), std::string::npos);
    EXPECT_NE(d.run.ran[1][4].find("with hidden answer"), std::string::npos) << d.run.ran[1][4];
}

TEST(YkmanDriver, RunsAwsVaultsCommandForTheSerial) {
    Driver d("ykman", {{0, "987654\n"}});
    EXPECT_EQ(d.made.prompt, nullptr) << "ykman has no passphrase dialog: the terminal asks";
    auto code = d.made.mfa->code_for(k_serial);
    ASSERT_TRUE(code) << code.error().message;
    EXPECT_EQ(code->reveal(), "987654");
    ASSERT_EQ(d.run.ran.size(), 1u);
    EXPECT_EQ(d.run.ran[0], (Argv{"ykman", "oath", "accounts", "code", "--single", std::string(k_serial)}));
    EXPECT_FALSE(d.made.mfa->ask_again(k_serial)) << "ykman would print the same code";
}

TEST(YkmanDriver, HonoursTheAccountTheDeviceAndAnOldYkman) {
    Driver d("ykman", {{0, "987654\n"}}, true, YkmanOptions{"aws-work", "12345678", 3});
    ASSERT_TRUE(d.made.mfa->code_for(k_serial));
    EXPECT_EQ(d.run.ran[0], (Argv{"ykman", "--device", "12345678", "oath", "code", "--single", "aws-work"}));
}

TEST(YkmanDriver, FailuresSayWhatToCheck) {
    Driver d("ykman", {{1, ""}, {0, "Touch your YubiKey...\n"}});
    auto failed = d.made.mfa->code_for(k_serial);
    ASSERT_FALSE(failed);
    EXPECT_FALSE(is_cancel(failed.error()));
    EXPECT_NE(failed.error().message.find("ykman exited with status 1"), std::string::npos);
    EXPECT_NE(failed.error().hint.find("ykman oath accounts list"), std::string::npos);
    auto garbled = d.made.mfa->code_for(k_serial);
    ASSERT_FALSE(garbled);
    EXPECT_NE(garbled.error().message.find("6-digit"), std::string::npos) << garbled.error().message;
}

TEST(MfaProcess, SplitsLikeCredentialProcessAndRunsWithoutAShell) {
    FakeRunner run{{{0, "  135790\n"}}};
    ProcessMfaSource source("work", "op item get \"AWS work\" --otp", run.runner());
    auto code = source.code_for(k_serial);
    ASSERT_TRUE(code) << code.error().message;
    EXPECT_EQ(code->reveal(), "135790");
    ASSERT_EQ(run.ran.size(), 1u);
    EXPECT_EQ(run.ran[0], (Argv{"op", "item", "get", "AWS work", "--otp"}));
    EXPECT_FALSE(source.ask_again(k_serial));
}

TEST(MfaProcess, FailuresNameTheProfileNeverTheCommand) {
    const std::string command = "oathtool --totp -b JBSWY3DPEHPK3PXP";  // the seed is a secret
    FakeRunner run{{{3, ""}, {0, "not a code\n"}}};
    ProcessMfaSource source("work", command, run.runner());
    for (std::string_view expected : {"exited with status 3", "did not print a 6-digit code"}) {
        auto code = source.code_for(k_serial);
        ASSERT_FALSE(code);
        EXPECT_NE(code.error().message.find("mfa_process of profile \"work\""), std::string::npos);
        EXPECT_NE(code.error().message.find(expected), std::string::npos) << code.error().message;
        EXPECT_EQ((code.error().message + code.error().hint).find("JBSWY3DPEHPK3PXP"), std::string::npos);
        EXPECT_NE(code.error().hint.find("sh -c"), std::string::npos) << code.error().hint;
    }
    FakeRunner none;
    ProcessMfaSource unclosed("work", "get-code 'oops", none.runner());
    auto code = unclosed.code_for(k_serial);
    ASSERT_FALSE(code);
    EXPECT_NE(code.error().message.find("unclosed quote"), std::string::npos) << code.error().message;
    EXPECT_TRUE(none.ran.empty());
}

TEST(ChoosePromptDriver, AutoIsTheTerminalElseAnInstalledDialogWithADisplay) {
    auto installed = [](std::initializer_list<std::string_view> programs) {
        std::vector<std::string_view> list(programs);
        return [list](std::string_view p) { return std::find(list.begin(), list.end(), p) != list.end(); };
    };
    struct Case {
        std::string_view setting;
        bool terminal, display;
        std::function<bool(std::string_view)> installed;
        std::string_view chosen;  ///< empty: an error
    };
    const std::vector<Case> cases{
        {"auto", true, true, installed({"zenity"}), "terminal"},
        {"auto", false, true, installed({"zenity", "kdialog"}), "zenity"},
        {"auto", false, true, installed({"kdialog"}), "kdialog"},
        {"auto", false, true, installed({"ykman", "osascript"}), ""},  // never chosen by auto
        {"auto", false, false, installed({"zenity"}), ""},
        {"zenity", true, false, installed({}), "zenity"},  // named: what was asked for
        {"terminal", false, true, installed({"zenity"}), "terminal"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(::testing::Message()
                     << c.setting << " terminal=" << c.terminal << " display=" << c.display);
        auto chosen = choose_prompt_driver(c.setting, {c.terminal, c.display, c.installed});
        if (!c.chosen.empty()) {
            ASSERT_TRUE(chosen) << chosen.error().message;
            EXPECT_EQ(*chosen, c.chosen);
            continue;
        }
        ASSERT_FALSE(chosen);
        EXPECT_NE(chosen.error().hint.find("--prompt"), std::string::npos) << chosen.error().hint;
        EXPECT_NE(chosen.error().hint.find("mfa_process"), std::string::npos) << chosen.error().hint;
        MfaUnavailable source(chosen.error());
        auto code = source.code_for(k_serial);
        ASSERT_FALSE(code);
        EXPECT_TRUE(
            code.error().message.starts_with("an MFA code for " + std::string(k_serial) + " is needed, but "))
            << code.error().message;
    }
}

}  // namespace
}  // namespace sesame
