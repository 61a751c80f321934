// The vault passphrase on a scripted terminal: a mismatch or an empty passphrase while creating
// is asked again (three tries), a wrong one when unlocking is asked again only from a person, and
// a cancelled question is passed on as it is.

#include "prompt/passphrase.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace sesame {
namespace {

/// Answers secrets from a script (an Error entry cancels); records what it was told.
class ScriptedPrompt final : public Prompt {
  public:
    explicit ScriptedPrompt(std::deque<Result<std::string>> answers) : m_answers(std::move(answers)) {}
    Result<std::string> ask(std::string_view) override { return fail("not used"); }
    Result<Secret> ask_secret(std::string_view question) override {
        asked.emplace_back(question);
        if (m_answers.empty()) return fail("no terminal");
        auto a = std::move(m_answers.front());
        m_answers.pop_front();
        if (!a) return std::unexpected(a.error());
        return Secret(std::move(*a));
    }
    void tell(std::string_view m) override { told.emplace_back(m); }
    std::vector<std::string> asked, told;

  private:
    std::deque<Result<std::string>> m_answers;
};

TEST(PromptPassphrase, AMismatchWhileCreatingIsAskedAgain) {
    ScriptedPrompt prompt({"one", "two", "", "right", "right"});
    PromptPassphrase source(std::nullopt, prompt, "/v");
    auto p = source.passphrase(true);
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->reveal(), "right");
    EXPECT_EQ(prompt.asked.size(), 5u);
    ASSERT_EQ(prompt.told.size(), 3u);
    EXPECT_EQ(prompt.told[1], "The two passphrases do not match; try again.");
    EXPECT_EQ(prompt.told[2], "The passphrase must not be empty; try again.");
}

TEST(PromptPassphrase, ThreeMismatchesCreateNothing) {
    ScriptedPrompt prompt({"a", "b", "c", "d", "e", "f", "g", "g"});
    PromptPassphrase source(std::nullopt, prompt, "/v");
    auto p = source.passphrase(true);
    ASSERT_FALSE(p);
    EXPECT_NE(p.error().message.find("do not match (3 tries); nothing was created"), std::string::npos)
        << p.error().message;
    EXPECT_EQ(prompt.asked.size(), 6u);
}

TEST(PromptPassphrase, ACancelledQuestionIsPassedOn) {
    ScriptedPrompt prompt({std::unexpected(cancelled("Choose a passphrase for the new vault"))});
    PromptPassphrase source(std::nullopt, prompt, "/v");
    auto p = source.passphrase(true);
    ASSERT_FALSE(p);
    EXPECT_TRUE(is_cancel(p.error()));
    EXPECT_EQ(p.error().message.find("no terminal"), std::string::npos) << p.error().message;
}

TEST(PromptPassphrase, OnlyAPersonIsAskedAgainAfterAWrongPassphrase) {
    ScriptedPrompt prompt({});
    PromptPassphrase asked(std::nullopt, prompt, "/v");
    EXPECT_TRUE(asked.ask_again());
    EXPECT_EQ(prompt.told, (std::vector<std::string>{"Wrong passphrase; try again."}));
    PromptPassphrase preset(Secret("from the environment"), prompt, "/v");
    EXPECT_FALSE(preset.ask_again()) << "SESAME_FILE_PASSPHRASE would be wrong again";
}

}  // namespace
}  // namespace sesame
