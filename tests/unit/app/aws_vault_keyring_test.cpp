#include "app/aws_vault_keyring.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <fstream>

#include "fakes.hpp"
#include "temp_dir.hpp"

namespace sesame {
namespace {

#include "../crypto/jwe_vectors.inc"

/// Answers passphrase questions from a script and counts them.
class ScriptedPrompt final : public Prompt {
  public:
    explicit ScriptedPrompt(std::deque<std::string> answers) : m_answers(std::move(answers)) {}
    Result<std::string> ask(std::string_view) override { return fail("unexpected question"); }
    Result<Secret> ask_secret(std::string_view) override {
        ++asked;
        if (m_answers.empty()) return fail("no more answers");
        Secret s(m_answers.front());
        m_answers.pop_front();
        return s;
    }
    void tell(std::string_view message) override { told += std::string(message) + "\n"; }
    int asked = 0;
    std::string told;

  private:
    std::deque<std::string> m_answers;
};

void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

TEST(AwsVaultFileKeyring, ListsEveryFileUnescapedAndReadsItsItem) {
    testing::TempDir dir;
    write(dir / "alice", k_jwe_token);
    write(dir / "oidc:https:%2F%2Fx.awsapps.com%2Fstart", "x");
    std::filesystem::create_directory(dir / "subfolder");
    AwsVaultFileKeyring keyring(dir.path(), {Secret(k_jwe_passphrase), nullptr});
    auto keys = keyring.keys();
    ASSERT_TRUE(keys) << keys.error().message;
    EXPECT_EQ(*keys, (std::vector<std::string>{"alice", "oidc:https://x.awsapps.com/start"}));
    auto item = keyring.get("alice");
    ASSERT_TRUE(item) << item.error().message;
    EXPECT_EQ(item->reveal(), k_jwe_item);
    EXPECT_NE(keyring.describe().find(dir.path()), std::string::npos);
}

TEST(AwsVaultFileKeyring, AMissingFolderHoldsNothing) {
    testing::TempDir dir;
    AwsVaultFileKeyring keyring(dir / "nope", {});
    auto keys = keyring.keys();
    ASSERT_TRUE(keys);
    EXPECT_TRUE(keys->empty());
}

TEST(AwsVaultFileKeyring, AWrongPassphraseFromTheVariableNamesIt) {
    testing::TempDir dir;
    write(dir / "alice", k_jwe_token);
    AwsVaultFileKeyring keyring(dir.path(), {Secret("wrong"), nullptr});
    auto item = keyring.get("alice");
    ASSERT_FALSE(item);
    EXPECT_NE(item.error().message.find("AWS_VAULT_FILE_PASSPHRASE is not the passphrase"),
              std::string::npos);
}

TEST(AwsVaultFileKeyring, TheTerminalIsAskedAgainAfterAWrongPassphraseThreeTimesAtMost) {
    testing::TempDir dir;
    write(dir / "alice", k_jwe_token);
    write(dir / "bob", k_jwe_token);
    ScriptedPrompt prompt({"wrong", "also wrong", k_jwe_passphrase});
    AwsVaultFileKeyring keyring(dir.path(), {std::nullopt, &prompt});
    auto item = keyring.get("alice");
    ASSERT_TRUE(item) << item.error().message;
    EXPECT_EQ(prompt.asked, 3);
    EXPECT_NE(prompt.told.find("Wrong passphrase"), std::string::npos);
    // The passphrase that opened one item opens the next without asking.
    ASSERT_TRUE(keyring.get("bob"));
    EXPECT_EQ(prompt.asked, 3);

    ScriptedPrompt wrong({"a", "b", "c", k_jwe_passphrase});
    AwsVaultFileKeyring refused(dir.path(), {std::nullopt, &wrong});
    auto none = refused.get("alice");
    ASSERT_FALSE(none);
    EXPECT_EQ(wrong.asked, 3);
    EXPECT_NE(none.error().message.find("wrong passphrase"), std::string::npos);
    EXPECT_NE(none.error().hint.find("AWS_VAULT_FILE_PASSPHRASE"), std::string::npos);
}

TEST(AwsVaultFileKeyring, WithoutATerminalOrTheVariableItSaysWhichVariableToSet) {
    testing::TempDir dir;
    write(dir / "alice", k_jwe_token);
    struct Closed final : Prompt {
        Result<std::string> ask(std::string_view) override { return fail("x"); }
        Result<Secret> ask_secret(std::string_view) override { return fail("x"); }
        void tell(std::string_view) override {}
        bool can_ask() override { return false; }
    } closed;
    AwsVaultFileKeyring keyring(dir.path(), {std::nullopt, &closed});
    auto item = keyring.get("alice");
    ASSERT_FALSE(item);
    EXPECT_EQ(item.error().hint, "set AWS_VAULT_FILE_PASSPHRASE to it");
}

TEST(AwsVaultFileKeyring, ItemNamesWithSlashesAreReadFromTheirEscapedFile) {
    testing::TempDir dir;
    write(dir / "team%2Falice%25", k_jwe_token);
    AwsVaultFileKeyring keyring(dir.path(), {Secret(k_jwe_passphrase), nullptr});
    auto keys = keyring.keys();
    ASSERT_TRUE(keys);
    EXPECT_EQ(*keys, std::vector<std::string>{"team/alice%"});
    EXPECT_TRUE(keyring.get("team/alice%"));
}

TEST(AwsVaultPassKeyring, ListsGpgFilesUnderThePrefixAndShowsEachWithPass) {
    testing::TempDir dir;
    std::filesystem::create_directories(dir / "aws/team");
    write(dir / "aws/alice.gpg", "");
    write(dir / "aws/team/bob.gpg", "");
    write(dir / "aws/notes.txt", "");
    write(dir / "elsewhere.gpg", "");
    std::vector<std::vector<std::string>> ran;
    std::string store_dir;
    auto run = [&](const std::vector<std::string>& argv,
                   const std::map<std::string, std::string>& env) -> Result<CapturedOutput> {
        ran.push_back(argv);
        store_dir = env.at("PASSWORD_STORE_DIR");
        if (argv[2] == "aws/alice") return CapturedOutput{0, k_jwe_item};
        return CapturedOutput{1, ""};
    };
    AwsVaultPassKeyring keyring(dir.path(), "aws", "my-pass", {{"PATH", "/usr/bin"}}, run);
    auto keys = keyring.keys();
    ASSERT_TRUE(keys) << keys.error().message;
    EXPECT_EQ(*keys, (std::vector<std::string>{"alice", "team/bob"}));
    auto item = keyring.get("alice");
    ASSERT_TRUE(item) << item.error().message;
    EXPECT_EQ(item->reveal(), k_jwe_item);
    EXPECT_EQ(ran.back(), (std::vector<std::string>{"my-pass", "show", "aws/alice"}));
    EXPECT_EQ(store_dir, dir.path());
    auto failed = keyring.get("team/bob");
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message.find("`my-pass show aws/team/bob` failed (exit status 1)"),
              std::string::npos);
}

TEST(AwsVaultLocations, AwsVaultsVariablesAndDefaults) {
    auto defaults = aws_vault_locations(Env(std::map<std::string, std::string>{{"HOME", "/home/u"}}));
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->file_dir, "/home/u/.awsvault/keys");
    EXPECT_EQ(defaults->pass_dir, "/home/u/.password-store");
    EXPECT_EQ(defaults->pass_prefix, "");
    EXPECT_EQ(defaults->pass_cmd, "pass");
    EXPECT_EQ(defaults->backend, "");
    auto set = aws_vault_locations(
        Env(std::map<std::string, std::string>{{"HOME", "/home/u"},
                                               {"AWS_VAULT_FILE_DIR", "~/vault/"},
                                               {"AWS_VAULT_PASS_PASSWORD_STORE_DIR", "/srv/pass"},
                                               {"AWS_VAULT_PASS_PREFIX", "aws"},
                                               {"AWS_VAULT_PASS_CMD", "gopass"},
                                               {"AWS_VAULT_BACKEND", "pass"}}));
    ASSERT_TRUE(set);
    EXPECT_EQ(set->file_dir, "/home/u/vault");
    EXPECT_EQ(set->pass_dir, "/srv/pass");
    EXPECT_EQ(set->pass_prefix, "aws");
    EXPECT_EQ(set->pass_cmd, "gopass");
    EXPECT_EQ(set->backend, "pass");
    EXPECT_FALSE(aws_vault_locations(Env(std::map<std::string, std::string>{
        {"HOME", "/h"}, {"AWS_VAULT_PASS_PASSWORD_STORE_DIR", "~bob/x"}})));
}

}  // namespace
}  // namespace sesame
