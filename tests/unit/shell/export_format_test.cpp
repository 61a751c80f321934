#include "shell/export_format.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

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
    EXPECT_NE(sh.find("export AWS_SECRET_ACCESS_KEY='se'\\''cr$et`x\nnew'\n"), std::string::npos) << sh;
    EXPECT_NE(sh.find("unset AWS_PROFILE\n"), std::string::npos);
    EXPECT_NE(sh.find("export AWS_REGION='eu-west-1'\n"), std::string::npos);
    EXPECT_NE(sh.find("export SESAME_PROFILE='dev'\n"), std::string::npos);

    std::string fish = render_export(ExportFormat::Fish, temporary(), "", "dev");
    EXPECT_NE(fish.find("set -e AWS_PROFILE; or true;\n"), std::string::npos)
        << "sourcing must end with status 0";
    EXPECT_NE(fish.find("set -gx AWS_SECRET_ACCESS_KEY 'se\\'cr$et`x\nnew';"), std::string::npos) << fish;

    std::string ps = render_export(ExportFormat::PowerShell, temporary(), "", "dev");
    EXPECT_NE(ps.find("$env:AWS_SECRET_ACCESS_KEY = 'se''cr$et`x\nnew'"), std::string::npos) << ps;
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
