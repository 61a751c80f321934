#include "providers/process_provider.hpp"

#include <gtest/gtest.h>

#include "util/time.hpp"

namespace sesame {
namespace {

TEST(CredentialProcess, ParsesBotocoreFormat) {
    auto c = parse_credential_process_output(
        R"({"Version":1,"AccessKeyId":"ASIAX","SecretAccessKey":"s","SessionToken":"t","Expiration":"2026-11-20T23:07:19Z"})",
        "here");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "ASIAX");
    EXPECT_EQ(c->session_token.reveal(), "t");
    EXPECT_EQ(c->expiration, parse_rfc3339("2026-11-20T23:07:19Z"));
}

TEST(CredentialProcess, RejectsBadOutputNamingWhere) {
    struct Case {
        const char* json;
        const char* expect;
    } cases[] = {
        {"not json", "not a JSON object"},
        {R"({"Version":2,"AccessKeyId":"a","SecretAccessKey":"s"})", "Version"},
        {R"({"Version":1,"SecretAccessKey":"s"})", "AccessKeyId is missing"},
        {R"({"Version":1,"AccessKeyId":"a"})", "SecretAccessKey is missing"},
        {R"({"Version":1,"AccessKeyId":"a","SecretAccessKey":"s","Expiration":"soon"})", "Expiration"},
    };
    for (const auto& c : cases) {
        auto r = parse_credential_process_output(c.json, "credential_process of profile \"p\"");
        ASSERT_FALSE(r) << c.json;
        EXPECT_NE(r.error().message.find(c.expect), std::string::npos) << r.error().message;
        EXPECT_EQ(r.error().message.rfind("credential_process of profile \"p\"", 0), 0u);
    }
}

TEST(CredentialProcess, SplitsTheCommandAsBotocoreAndRunsNoShell) {
    // botocore: shlex.split, then Popen without a shell. "$KEY", "#" and "2>/dev/null" are words.
    ProcessProvider p(
        "dev",
        R"(printf '{"Version": 1, "AccessKeyId": "%s%s%s", "SecretAccessKey": "s"}' "$KEY" #x 2>/dev/null)",
        {{"KEY", "AKIAFROMENV"}, {"PATH", "/usr/bin:/bin"}});
    auto c = p.retrieve();
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->access_key_id, "$KEY#x2>/dev/null");

    ProcessProvider failing("dev", "sh -c 'echo oops >&2; exit 3'", {{"PATH", "/usr/bin:/bin"}});
    auto f = failing.retrieve();
    ASSERT_FALSE(f);
    EXPECT_NE(f.error().message.find("exited with status 3"), std::string::npos) << f.error().message;

    ProcessProvider unclosed("dev", "printf 'oops", {{"PATH", "/usr/bin:/bin"}});
    auto u = unclosed.retrieve();
    ASSERT_FALSE(u);
    EXPECT_NE(u.error().message.find("cannot split"), std::string::npos) << u.error().message;

    ProcessProvider missing("dev", "no-such-program-sesame --json", {{"PATH", "/usr/bin:/bin"}});
    auto m = missing.retrieve();
    ASSERT_FALSE(m);
    EXPECT_NE(m.error().message.find("\"no-such-program-sesame\": not found in PATH"), std::string::npos)
        << m.error().message;
}

TEST(CredentialProcess, AFarExpirationMeansNotSoonNotLongAgo) {
    // Year 9999 used to overflow into a time long past: `sesame server` then refreshed without end.
    auto c = parse_credential_process_output(
        R"({"Version":1,"AccessKeyId":"a","SecretAccessKey":"s","Expiration":"9999-12-31T23:59:59Z"})",
        "here");
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_TRUE(c->expiration);
    EXPECT_GT(*c->expiration, *parse_rfc3339("2262-01-01T00:00:00Z"));
}

TEST(CredentialProcess, VersionIsExactlyOne) {
    for (const char* version :
         {"4294967297", "18446744073709551617", "-4294967295", "1.0", "\"1\"", "true"}) {
        auto r = parse_credential_process_output(
            std::string(R"({"Version":)") + version + R"(,"AccessKeyId":"a","SecretAccessKey":"s"})", "here");
        EXPECT_FALSE(r) << version;
    }
}

}  // namespace
}  // namespace sesame
