#include "cli/aws_vault_flags.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace sesame {
namespace {

using Words = std::vector<std::string>;

Words normalized(const Words& args, Env& env) {
    auto out = normalize_habits(args, env);
    EXPECT_TRUE(out) << out.error().message;
    return out ? *out : Words{};
}

TEST(AwsVaultHabits, DebugGoesAnywhereBeforeTheCommand) {
    Env env;
    EXPECT_EQ(normalized({"exec", "admin", "--debug"}, env), (Words{"exec", "admin"}));
    EXPECT_EQ(normalized({"list", "--debug"}, env), (Words{"list"}));
    EXPECT_EQ(normalized({"--debug", "list"}, env), (Words{"list"}));
}

TEST(AwsVaultHabits, GlobalFlagsThatAreSesamesBehaviourAreTakenOut) {
    Env env;
    EXPECT_EQ(normalized({"--backend", "file", "list"}, env), (Words{"list"}));
    EXPECT_EQ(normalized({"list", "--backend=file"}, env), (Words{"list"}));
    EXPECT_EQ(normalized({"add", "alice", "--add-config", "--env"}, env), (Words{"add", "alice", "--env"}));
}

TEST(AwsVaultHabits, BackendSetsTheBackendVariable) {
    Env env;
    EXPECT_EQ(normalized({"--backend", "keyctl", "list"}, env), (Words{"list"}));
    EXPECT_EQ(env.get("SESAME_BACKEND"), "keyctl");
    EXPECT_EQ(normalized({"list", "--backend=secret-service"}, env), (Words{"list"}));
    EXPECT_EQ(env.get("SESAME_BACKEND"), "secret-service");
    EXPECT_EQ(normalized({"--pass-dir", "/p", "--pass-prefix", "aws", "--pass-cmd=gopass", "list"}, env),
              (Words{"list"}));
    EXPECT_EQ(env.get("PASSWORD_STORE_DIR"), "/p");
    EXPECT_EQ(env.get("SESAME_PASS_PREFIX"), "aws");
    EXPECT_EQ(env.get("SESAME_PASS_CMD"), "gopass");
}

TEST(AwsVaultHabits, FileDirSetsTheVaultFolder) {
    Env env(std::map<std::string, std::string>{{"HOME", "/home/u"}});
    EXPECT_EQ(normalized({"--file-dir", "/tmp/v", "list"}, env), (Words{"list"}));
    EXPECT_EQ(env.get("SESAME_FILE_DIR"), "/tmp/v");
    EXPECT_EQ(normalized({"list", "--file-dir=~/keys"}, env), (Words{"list"}));
    EXPECT_EQ(env.get("SESAME_FILE_DIR"), "/home/u/keys");
    EXPECT_EQ(normalized({"list", "--file-dir", "rel/keys"}, env), (Words{"list"}));
    EXPECT_EQ(env.get("SESAME_FILE_DIR"), (std::filesystem::current_path() / "rel/keys").string());
    auto empty = normalize_habits({"list", "--file-dir="}, env);
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().exit_code, 2);
}

/// --prompt NAME chooses the prompt driver (SESAME_PROMPT), over SESAME_PROMPT and
/// AWS_VAULT_PROMPT; a driver sesame lacks is refused naming the flag.
TEST(AwsVaultHabits, PromptChoosesThePromptDriver) {
    Env env(std::map<std::string, std::string>{{"SESAME_PROMPT", "terminal"}});
    EXPECT_EQ(normalized({"exec", "admin", "--prompt", "zenity"}, env), (Words{"exec", "admin"}));
    EXPECT_EQ(env.get("SESAME_PROMPT"), "zenity");
    EXPECT_EQ(normalized({"--prompt=ykman", "list"}, env), (Words{"list"}));
    EXPECT_EQ(env.get("SESAME_PROMPT"), "ykman");
    auto bad = normalize_habits({"list", "--prompt", "zenitty"}, env);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().exit_code, 2);
    EXPECT_NE(bad.error().message.find("--prompt=\"zenitty\""), std::string::npos) << bad.error().message;
    EXPECT_NE(bad.error().hint.find("did you mean \"zenity\""), std::string::npos) << bad.error().hint;
    EXPECT_EQ(env.get("SESAME_PROMPT"), "ykman") << "a refused value changes nothing";
}

TEST(AwsVaultHabits, RefusedFlagsNameWhatSesameSupports) {
    Env env;
    struct Case {
        Words args;
        std::string message, hint;
    };
    for (const auto& c : std::vector<Case>{
             {{"--backend", "keychain", "list"},
              "--backend=\"keychain\" is not a valid choice: it must be file, secret-service",
              "SESAME_BACKEND"},
             {{"--keychain", "login", "list"}, "--keychain login: ", "--backend NAME"},
             {{"list", "--backend"}, "--backend needs a value", ""},
         }) {
        auto out = normalize_habits(c.args, env);
        ASSERT_FALSE(out) << c.args.front();
        EXPECT_TRUE(out.error().message.starts_with(c.message)) << out.error().message;
        EXPECT_NE(out.error().hint.find(c.hint), std::string::npos) << out.error().hint;
        EXPECT_EQ(out.error().exit_code, 2);
    }
}

TEST(AwsVaultHabits, KingpinHelpAndAliasesBecomeSesamesOwn) {
    Env env;
    EXPECT_EQ(normalized({"help"}, env), (Words{"--help"}));
    EXPECT_EQ(normalized({"help", "exec"}, env), (Words{"exec", "--help"}));
    EXPECT_EQ(normalized({"exec", "--help-long"}, env), (Words{"exec", "--help"}));
    EXPECT_EQ(normalized({"--help-man"}, env), (Words{"__man"}));
    EXPECT_EQ(normalized({"--completion-script-zsh"}, env), (Words{"completion", "zsh"}));
    EXPECT_EQ(normalized({"ls", "--profiles"}, env), (Words{"list", "--profiles"}));
    EXPECT_EQ(normalized({"rm", "-f", "alice"}, env), (Words{"remove", "-f", "alice"}));
    // Only the command word is an alias: a profile named "ls" stays one.
    EXPECT_EQ(normalized({"exec", "ls"}, env), (Words{"exec", "ls"}));
}

/// README's migration table has a row for every flag of aws-vault's that sesame does not
/// declare itself, so that the table cannot fall behind what sesame does with them.
TEST(AwsVaultHabits, ReadmeTableNamesEveryEntry) {
    std::ifstream in(SESAME_SOURCE_DIR "/README.md");
    std::stringstream text;
    text << in.rdbuf();
    const std::string readme = text.str();
    const auto start = readme.find("### aws-vault flags");
    ASSERT_NE(start, std::string::npos);
    const std::string table = readme.substr(start, readme.find("\n#", start + 1) - start);
    for (const AwsVaultFlag& f : aws_vault_flags())
        EXPECT_NE(table.find(f.name), std::string::npos) << f.name;
}

}  // namespace
}  // namespace sesame
