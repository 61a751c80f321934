#include "shell/export_format.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "temp_dir.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

Credentials temporary() {
    Credentials c;
    c.access_key_id = "ASIAEXAMPLEEXAMPLE12";
    c.secret_access_key = Secret("se'cr$et`x\nnew");
    c.session_token = Secret("TOKEN/with+chars=");
    c.expiration = parse_rfc3339("2026-11-20T23:07:19Z");
    return c;
}

TEST(ExportFormat, ParsesKnownNamesAndRejectsOthers) {
    EXPECT_EQ(parse_export_format("json").value(), ExportFormat::Json);
    EXPECT_EQ(parse_export_format("export-env").value(), ExportFormat::ExportEnv);
    auto bad = parse_export_format("yaml");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("yaml"), std::string::npos);
    EXPECT_NE(bad.error().hint.find("powershell"), std::string::npos);
}

TEST(ExportFormat, JsonIsTheCredentialProcessFormat) {
    auto j = nlohmann::json::parse(render_export(ExportFormat::Json, temporary(), "eu-west-1", "dev"));
    EXPECT_EQ(j["Version"], 1);
    EXPECT_EQ(j["AccessKeyId"], "ASIAEXAMPLEEXAMPLE12");
    EXPECT_EQ(j["SecretAccessKey"], "se'cr$et`x\nnew");
    EXPECT_EQ(j["SessionToken"], "TOKEN/with+chars=");
    EXPECT_EQ(j["Expiration"], "2026-11-20T23:07:19Z");
}

TEST(ExportFormat, LongTermKeysHaveNoTokenOrExpiration) {
    Credentials c;
    c.access_key_id = "AKIAEXAMPLEEXAMPLE12";
    c.secret_access_key = Secret("secret");
    auto j = nlohmann::json::parse(render_export(ExportFormat::Json, c, "", ""));
    EXPECT_FALSE(j.contains("SessionToken"));
    EXPECT_FALSE(j.contains("Expiration"));
    std::string sh = render_export(ExportFormat::ExportEnv, c, "", "");
    EXPECT_NE(sh.find("unset AWS_SESSION_TOKEN"), std::string::npos);
    EXPECT_NE(sh.find("unset AWS_SECURITY_TOKEN"), std::string::npos);
    EXPECT_EQ(sh.find("export AWS_SECURITY_TOKEN"), std::string::npos);
}

TEST(ExportFormat, SessionTokenAlsoUnderItsOldName) {
    std::vector<std::pair<std::string, std::string>> expected{{"AWS_SESSION_TOKEN", "TOKEN/with+chars="},
                                                              {"AWS_SECURITY_TOKEN", "TOKEN/with+chars="}};
    auto vars = credential_variables(temporary(), "", "dev");
    for (const auto& pair : expected)
        EXPECT_NE(std::find(vars.begin(), vars.end(), pair), vars.end()) << pair.first;
    Credentials keys;
    keys.access_key_id = "AKIAEXAMPLEEXAMPLE12";
    keys.secret_access_key = Secret("secret");
    for (const auto& [name, value] : credential_variables(keys, "", "dev"))
        EXPECT_NE(name, "AWS_SECURITY_TOKEN");
    // Each shell format clears an inherited one before setting the new token under both names.
    std::string sh = render_export(ExportFormat::ExportEnv, temporary(), "", "dev");
    EXPECT_LT(sh.find("unset AWS_SECURITY_TOKEN"), sh.find("export AWS_SECURITY_TOKEN='TOKEN/with+chars='"));
    EXPECT_NE(render_export(ExportFormat::Fish, temporary(), "", "dev")
                  .find("set -gx AWS_SECURITY_TOKEN 'TOKEN/with+chars='"),
              std::string::npos);
    EXPECT_NE(render_export(ExportFormat::PowerShell, temporary(), "", "dev")
                  .find("$env:AWS_SECURITY_TOKEN = 'TOKEN/with+chars='"),
              std::string::npos);
}

TEST(ExportFormat, ShellQuotingSurvivesHostileBytes) {
    EXPECT_EQ(shell_quote("a'b"), "'a'\\''b'");
    std::string sh = render_export(ExportFormat::ExportEnv, temporary(), "eu-west-1", "dev");
    // A newline would not survive an unquoted eval: written as printf %b octal.
    EXPECT_NE(sh.find("AWS_SECRET_ACCESS_KEY=\"$(printf '%bx' 'se'\\''cr$et`x\\0012new')\"; "
                      "export AWS_SECRET_ACCESS_KEY=\"${AWS_SECRET_ACCESS_KEY%x}\";\n"),
              std::string::npos)
        << sh;
    EXPECT_NE(sh.find("unset AWS_PROFILE;\n"), std::string::npos);
    EXPECT_NE(sh.find("export AWS_REGION='eu-west-1';\n"), std::string::npos);
    EXPECT_NE(sh.find("export SESAME_PROFILE='dev';\n"), std::string::npos);

    std::string fish = render_export(ExportFormat::Fish, temporary(), "", "dev");
    EXPECT_NE(fish.find("set -e AWS_PROFILE; or true;\n"), std::string::npos)
        << "sourcing must end with status 0";
    EXPECT_NE(fish.find("set -gx AWS_SECRET_ACCESS_KEY 'se\\'cr$et`x'\\n'new';"), std::string::npos) << fish;

    std::string ps = render_export(ExportFormat::PowerShell, temporary(), "", "dev");
    EXPECT_NE(ps.find("$env:AWS_SECRET_ACCESS_KEY = 'se''cr$et`x\nnew';"), std::string::npos) << ps;
}

/// What `sh -c SCRIPT` prints, run with the shell at `shell`.
std::string run_shell(const std::string& shell, const std::string& script) {
    std::string command = shell + " -c '";
    for (char c : script) command += c == '\'' ? std::string("'\\''") : std::string(1, c);
    command += "'";
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) return "popen failed";
    std::string out;
    char buf[4096];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    ::pclose(p);
    return out;
}

/// Issue 15: `eval $(sesame export --format export-env)`, unquoted as SWISS TXT's aws-session
/// users type it, set nothing in bash and failed in zsh. Every byte of every value survives both
/// evals in each POSIX shell here, and nothing in a value runs.
TEST(ExportFormat, ExportEnvSurvivesQuotedAndUnquotedEvalInEveryShell) {
    testing::TempDir dir;
    const std::string canary = dir / "ran";
    Credentials c = temporary();
    c.secret_access_key =
        Secret("se'cr$et`x\nnew\\n  two\tspaces*?[a] $(touch " + canary + ") `touch " + canary + "` \"q\"\n");
    const std::string profile = "dev  * $(touch " + canary + ")";
    const std::string file = dir / "exports";
    std::ofstream(file) << render_export(ExportFormat::ExportEnv, c, "eu-west-1", profile);
    // Files a pathname expansion of the values could match.
    std::ofstream(dir / "a") << "";
    std::ofstream(dir / "dev") << "";

    int shells = 0;
    for (std::string shell : {"/bin/sh", "/bin/bash", "/bin/dash", "/usr/bin/zsh", "/bin/zsh"}) {
        if (!std::filesystem::exists(shell)) continue;
        ++shells;
        for (std::string eval : {"eval \"$(cat " + file + ")\"", "eval $(cat " + file + ")"}) {
            SCOPED_TRACE(shell + ": " + eval);
            std::string out =
                run_shell(shell, "cd " + dir.path() + " && AWS_PROFILE=stale; export AWS_PROFILE; " + eval +
                                     " && printf '%s|%s|%s|%s' \"$AWS_SECRET_ACCESS_KEY\" " +
                                     "\"$SESAME_PROFILE\" \"$AWS_REGION\" \"${AWS_PROFILE-unset}\"");
            EXPECT_EQ(out, c.secret_access_key.reveal() + "|" + profile + "|eu-west-1|unset");
            EXPECT_FALSE(std::filesystem::exists(canary)) << "a value ran as a command";
        }
    }
    EXPECT_GT(shells, 0);
}

TEST(ExportFormat, IniAndEnv) {
    std::string ini = render_export(ExportFormat::Ini, temporary(), "eu-west-1", "dev");
    EXPECT_EQ(ini.rfind("[dev]\naws_access_key_id = ASIAEXAMPLEEXAMPLE12\n", 0), 0u) << ini;
    EXPECT_NE(ini.find("aws_session_token = TOKEN/with+chars=\n"), std::string::npos);
    std::string env = render_export(ExportFormat::Env, temporary(), "", "dev");
    EXPECT_NE(env.find("AWS_ACCESS_KEY_ID=ASIAEXAMPLEEXAMPLE12\n"), std::string::npos);
    EXPECT_NE(env.find("AWS_CREDENTIAL_EXPIRATION=2026-11-20T23:07:19Z\n"), std::string::npos);
}

}  // namespace
}  // namespace sesame
