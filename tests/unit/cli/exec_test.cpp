#include "cli/exec.hpp"

#include <gtest/gtest.h>

#include "shell/export_format.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

TEST(ChildEnvironment, ReplacesEveryInheritedCredential) {
    Env parent({{"PATH", "/bin"},
                {"AWS_PROFILE", "old"},
                {"AWS_DEFAULT_PROFILE", "old"},
                {"AWS_SECURITY_TOKEN", "stale"},
                {"AWS_ACCESS_KEY_ID", "AKIAOLD"},
                {"AWS_SESSION_TOKEN", "stale"},
                {"AWS_CREDENTIAL_EXPIRATION", "2000-01-01T00:00:00Z"},
                {"SESAME_PROFILE", "outer"},
                {"AWS_ENDPOINT_URL", "http://127.0.0.1:1"}});
    ObtainedCredentials o;
    o.credentials.access_key_id = "AKIANEW";
    o.credentials.secret_access_key = Secret("secret");
    o.profile = "dev";
    o.region = "eu-west-1";
    auto env = child_environment(parent, credential_variables(o.credentials, o.region, o.profile));
    EXPECT_EQ(env["AWS_ACCESS_KEY_ID"], "AKIANEW");
    EXPECT_EQ(env["AWS_SECRET_ACCESS_KEY"], "secret");
    EXPECT_EQ(env["AWS_REGION"], "eu-west-1");
    EXPECT_EQ(env["AWS_DEFAULT_REGION"], "eu-west-1");
    EXPECT_EQ(env["SESAME_PROFILE"], "dev");
    EXPECT_EQ(env["PATH"], "/bin");
    EXPECT_EQ(env["AWS_ENDPOINT_URL"], "http://127.0.0.1:1");
    for (const char* gone : {"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN", "AWS_SESSION_TOKEN",
                             "AWS_CREDENTIAL_EXPIRATION"}) {  // long-term keys: no token under either name
        EXPECT_EQ(env.count(gone), 0u) << gone;
    }
}

TEST(ChildEnvironment, TemporaryCredentialsCarryTokenAndExpiration) {
    ObtainedCredentials o;
    o.credentials.access_key_id = "ASIANEW";
    o.credentials.secret_access_key = Secret("secret");
    o.credentials.session_token = Secret("token");
    o.credentials.expiration = parse_rfc3339("2026-11-20T23:07:19Z");
    o.profile = "dev";
    auto env = child_environment(Env(std::map<std::string, std::string>{{"AWS_SECURITY_TOKEN", "stale"}}),
                                 credential_variables(o.credentials, o.region, o.profile));
    EXPECT_EQ(env["AWS_SESSION_TOKEN"], "token");
    EXPECT_EQ(env["AWS_SECURITY_TOKEN"], "token") << "the old name, as aws-session sets it";
    EXPECT_EQ(env["AWS_CREDENTIAL_EXPIRATION"], "2026-11-20T23:07:19Z");
    EXPECT_EQ(env.count("AWS_REGION"), 0u);
}

}  // namespace
}  // namespace sesame
