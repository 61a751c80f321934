#include "server/ecs_endpoint.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace sesame {
namespace {

using namespace std::chrono;

/// STS that must not be called: the role tests here only exercise refusals before any call.
class NoHttp final : public HttpClient {
  public:
    int calls = 0;
    Result<HttpResponse> send(const HttpRequest&) override {
        ++calls;
        return fail("no network in unit tests");
    }
};

class Ecs : public ::testing::Test {
  protected:
    Ecs() { EXPECT_TRUE(creds.start(false)); }
    ServerRequest req(std::string path, Headers headers, std::string method = "GET") {
        ServerRequest r;
        r.method = std::move(method);
        r.target = r.path = std::move(path);
        r.headers = std::move(headers);
        return r;
    }

    FixedClock clock{sys_days{2026y / 11 / 20}};
    std::vector<std::string> logged;
    Log log{[this](std::string_view line) { logged.emplace_back(line); }, true};
    RefreshingCredentials creds{[this]() -> Result<Credentials> {
                                    Credentials c;
                                    c.access_key_id = "ASIAECS";
                                    c.secret_access_key = Secret("ecs-secret");
                                    c.session_token = Secret("ecs-token");
                                    c.expiration = clock.now() + hours(1);
                                    return c;
                                },
                                clock, log};
    NoHttp http;
    QueryApi api{http, clock, ServiceEndpoint{"http://127.0.0.1:9", "us-east-1"}, RetryPolicy{1}};
    Sts sts{api};
    RoleCache roles{creds, sts, clock, RefreshPolicy{}};
    EcsEndpoint endpoint{creds, roles, Secret("0123456789abcdef0123456789abcdef"), log};
};

TEST_F(Ecs, ServesTheContainerFormatWithTheRightToken) {
    auto r = endpoint.handle(req("/credentials", {{"authorization", "0123456789abcdef0123456789abcdef"}}));
    ASSERT_EQ(r.status, 200);
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["AccessKeyId"], "ASIAECS");
    EXPECT_EQ(j["SecretAccessKey"], "ecs-secret");
    EXPECT_EQ(j["Token"], "ecs-token");
    EXPECT_EQ(j["Expiration"], "2026-11-20T01:00:00Z");
}

TEST_F(Ecs, RefusesMissingOrWrongTokens) {
    for (const Headers& h :
         {Headers{}, Headers{{"authorization", "0123456789abcdef0123456789abcdee"}},
          Headers{{"authorization", "0123456789abcdef"}}, Headers{{"authorization", ""}}}) {
        auto r = endpoint.handle(req("/credentials", h));
        EXPECT_EQ(r.status, 401);
        EXPECT_EQ(r.body.find("ASIAECS"), std::string::npos);
    }
}

TEST_F(Ecs, OtherPathsAndMethods) {
    Headers auth{{"authorization", "0123456789abcdef0123456789abcdef"}};
    EXPECT_EQ(endpoint.handle(req("/", auth)).status, 404);
    EXPECT_EQ(endpoint.handle(req("/credentials", auth, "PUT")).status, 405);
    auto bad_arn = endpoint.handle(req("/role-arn/not-an-arn", auth));
    EXPECT_EQ(bad_arn.status, 503);
    EXPECT_NE(bad_arn.body.find("not a role ARN"), std::string::npos);
    EXPECT_EQ(http.calls, 0);
    auto sts_down = endpoint.handle(req("/role-arn/arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fadmin", auth));
    EXPECT_EQ(sts_down.status, 503) << "a failed AssumeRole is a JSON 5xx";
    EXPECT_EQ(http.calls, 1) << "the percent-encoded ARN was decoded and tried";
}

TEST_F(Ecs, AFailedAssumeRoleIsAnsweredFromMemoryUntilItsRetry) {
    Headers auth{{"authorization", "0123456789abcdef0123456789abcdef"}};
    const char* path = "/role-arn/arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fadmin";
    for (int i = 0; i < 50; ++i) EXPECT_EQ(endpoint.handle(req(path, auth)).status, 503);
    EXPECT_EQ(http.calls, 1) << "50 requests for a failing role: one AssumeRole";
    clock.advance(seconds(31));
    EXPECT_EQ(endpoint.handle(req(path, auth)).status, 503);
    EXPECT_EQ(http.calls, 2) << "retried once retry_after has passed";
}

/// A request path is the requester's text: CR, LF and escape bytes in it must not reach the log
/// (forged lines, terminal control) raw.
TEST_F(Ecs, ARoleArnPathReachesTheLogEscaped) {
    Headers auth{{"authorization", "0123456789abcdef0123456789abcdef"}};
    auto r = endpoint.handle(req("/role-arn/x%0D%0Asesame: warning: forged%1B%5B2J", auth));
    EXPECT_EQ(r.status, 503);
    int escaped = 0;
    for (const auto& line : logged) {
        EXPECT_EQ(line.find_first_of("\r\n\x1b"), std::string::npos) << line;
        escaped += line.find("x\\x0d\\x0asesame: warning: forged\\x1b[2J") != std::string::npos;
    }
    EXPECT_EQ(escaped, 1) << "the warning names the path, escaped";
}

TEST(PercentDecode, DecodesEscapesOnly) {
    EXPECT_EQ(percent_decode("arn%3Aaws%2Fx"), "arn:aws/x");
    EXPECT_EQ(percent_decode("100%"), "100%");
    EXPECT_EQ(percent_decode("%zz"), "%zz");
}

}  // namespace
}  // namespace sesame
