#include "prompt/mfa_source.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace sesame {
namespace {

/// Answers from a script; records what it was told.
class ScriptedPrompt final : public Prompt {
  public:
    explicit ScriptedPrompt(std::deque<std::string> answers) : m_answers(std::move(answers)) {}
    Result<std::string> ask(std::string_view question) override {
        asked.emplace_back(question);
        if (m_answers.empty()) return fail("no terminal");
        std::string a = m_answers.front();
        m_answers.pop_front();
        return a;
    }
    Result<Secret> ask_secret(std::string_view) override { return fail("not used"); }
    void tell(std::string_view m) override { told.emplace_back(m); }
    bool can_ask() override { return m_terminal; }
    std::vector<std::string> asked, told;

  private:
    std::deque<std::string> m_answers;
    bool m_terminal = !m_answers.empty();  ///< an empty script stands for no terminal
};

TEST(PromptMfaSource, AsksAgainWhenTheCodeIsNotSixDigits) {
    ScriptedPrompt prompt({"12345", " 123456 "});
    PromptMfaSource source(prompt);
    auto code = source.code_for("arn:aws:iam::123456789012:mfa/me");
    ASSERT_TRUE(code) << code.error().message;
    EXPECT_EQ(code->reveal(), "123456");
    ASSERT_EQ(prompt.asked.size(), 2u);
    EXPECT_EQ(prompt.asked[0], "Enter MFA code for arn:aws:iam::123456789012:mfa/me: ");
    ASSERT_EQ(prompt.told.size(), 1u);
}

TEST(PromptMfaSource, GivesUpAfterThreeTries) {
    ScriptedPrompt prompt({"1", "abcdef", "1234567", "123456"});
    PromptMfaSource source(prompt);
    auto code = source.code_for("SERIAL");
    ASSERT_FALSE(code);
    EXPECT_NE(code.error().message.find("6 digits"), std::string::npos);
    EXPECT_EQ(prompt.asked.size(), 3u);
}

TEST(PromptMfaSource, WithoutATerminalSaysHowToGiveTheCode) {
    ScriptedPrompt prompt({});
    PromptMfaSource source(prompt);
    auto code = source.code_for("SERIAL");
    ASSERT_FALSE(code);
    EXPECT_NE(code.error().hint.find("--mfa-token"), std::string::npos);
}

TEST(PromptMfaSource, ACancelledQuestionIsPassedOnNotExplainedAsNoTerminal) {
    class Cancelling final : public Prompt {
      public:
        Result<std::string> ask(std::string_view) override {
            return std::unexpected(cancelled("Enter MFA code"));
        }
        Result<Secret> ask_secret(std::string_view) override { return fail("not used"); }
        void tell(std::string_view) override {}
    } prompt;
    PromptMfaSource source(prompt);
    auto code = source.code_for("SERIAL");
    ASSERT_FALSE(code);
    EXPECT_TRUE(is_cancel(code.error()));
    EXPECT_EQ(code.error().exit_code, 130);
    EXPECT_EQ(code.error().hint.find("--mfa-token"), std::string::npos);
}

TEST(PromptDrivers, TheTerminalIsTheDefaultAndAnUnknownNameGetsADidYouMean) {
    ASSERT_FALSE(prompt_drivers().empty());
    EXPECT_EQ(prompt_drivers().front().name, "terminal");
    ScriptedPrompt prompt({"654321"});
    DriverContext context{prompt, [](const std::vector<std::string>&) -> Result<CapturedOutput> {
                              ADD_FAILURE() << "the terminal runs nothing";
                              return fail("not used");
                          }};
    auto terminal = make_prompt_driver("terminal", context);
    ASSERT_TRUE(terminal);
    EXPECT_EQ(terminal->prompt, nullptr) << "the terminal driver asks on the terminal";
    EXPECT_EQ(terminal->mfa->code_for("S")->reveal(), "654321");
    auto typo = make_prompt_driver("termnal", context);
    ASSERT_FALSE(typo);
    EXPECT_NE(typo.error().hint.find("did you mean \"terminal\""), std::string::npos) << typo.error().hint;
}

}  // namespace
}  // namespace sesame
