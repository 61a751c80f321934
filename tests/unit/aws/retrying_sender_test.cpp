#include "aws/retrying_sender.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aws/sigv4.hpp"
#include "fake_http.hpp"
#include "util/strings.hpp"

namespace sesame {
namespace {

using namespace std::chrono_literals;
using testing::FakeHttp;

std::vector<std::string> headers_named(const HttpRequest& request, std::string_view name) {
    std::vector<std::string> out;
    for (const auto& [key, value] : request.headers)
        if (to_lower(key) == to_lower(name)) out.push_back(value);
    return out;
}

/// A sender over a fake, with recorded sleeps and debug lines.
struct Harness {
    FakeHttp http;
    FixedClock clock{std::chrono::sys_days{std::chrono::year{2015} / 8 / 30} + 12h + 36min};
    std::vector<std::string> debug;
    RetryingSender sender{http,
                          clock,
                          RetryPolicy{},
                          [](std::chrono::milliseconds) {},
                          [this](const std::string& line) { debug.push_back(line); },
                          [](std::uint32_t upper) { return upper; }};
    Credentials caller{"AKIDEXAMPLE", Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), Secret(), {}};
    HttpRequest request{"POST", "https://oidc.us-east-1.amazonaws.com/token", {{"Content-Type", "x"}}, "{}"};
    RetryingSender::Target target{"sso-oauth", "CreateToken", "us-east-1"};

    static std::optional<AwsError> no_error(const HttpResponse&) { return std::nullopt; }
};

TEST(RequestAuth, NoneSendsNoAuthorizationHeader) {
    Harness h;
    h.http.reply(200, "{}");
    ASSERT_TRUE(h.sender.send(RequestAuth::none(), h.request, h.target, Harness::no_error));
    ASSERT_EQ(h.http.requests.size(), 1u);
    const HttpRequest& sent = h.http.requests[0];
    EXPECT_TRUE(headers_named(sent, "Authorization").empty());
    EXPECT_TRUE(headers_named(sent, "X-Amz-Date").empty()) << "nothing of SigV4";
    EXPECT_EQ(sent.headers, h.request.headers);
    EXPECT_EQ(sent.body, "{}");
}

TEST(RequestAuth, BearerSendsTheTokenAndNeverLogsIt) {
    Harness h;
    const std::string token = "aoaAAAAAGsecret-bearer-token-value";
    h.http.reply(500, "<html>busy</html>");
    h.http.reply(200, "{}");
    ASSERT_TRUE(h.sender.send(RequestAuth::bearer(Secret(token)), h.request, h.target, Harness::no_error));
    ASSERT_EQ(h.http.requests.size(), 2u);
    for (const auto& sent : h.http.requests) {
        EXPECT_EQ(headers_named(sent, "Authorization"), std::vector<std::string>{"Bearer " + token});
        EXPECT_TRUE(headers_named(sent, "X-Amz-Date").empty());
    }
    ASSERT_EQ(h.debug.size(), 2u);
    for (const auto& line : h.debug) EXPECT_EQ(line.find("secret-bearer"), std::string::npos) << line;
}

TEST(RequestAuth, BearerTokenStaysOutOfErrors) {
    Harness h;
    const std::string token = "aoaAAAAAGsecret-bearer-token-value";
    h.http.reply(401, "");
    auto r = h.sender.send(RequestAuth::bearer(Secret(token)), h.request, h.target, Harness::no_error);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message.find("secret-bearer"), std::string::npos) << r.error().message;
    EXPECT_EQ(r.error().hint.find("secret-bearer"), std::string::npos);
}

TEST(RequestAuth, SigV4IsWhatItWasAndStaysTheDefault) {
    Harness h;
    HttpRequest expected = h.request;
    sigv4::sign_http(expected, h.caller, "us-east-1", "sso-oauth", h.clock.now());
    h.http.reply(200, "{}");
    h.http.reply(200, "{}");
    ASSERT_TRUE(h.sender.send(h.caller, h.request, h.target, Harness::no_error));
    ASSERT_TRUE(h.sender.send(RequestAuth::sigv4(h.caller), h.request, h.target, Harness::no_error));
    ASSERT_EQ(h.http.requests.size(), 2u);
    for (const auto& sent : h.http.requests) {
        EXPECT_EQ(sent.headers, expected.headers);
        ASSERT_EQ(headers_named(sent, "Authorization").size(), 1u);
        EXPECT_TRUE(
            headers_named(sent, "Authorization")[0].starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"));
    }
}

TEST(RequestAuth, OnlyASessionCountsAsTemporaryCredentials) {
    Credentials keys{"AKID", Secret("s"), Secret(), {}};
    Credentials session{"ASIA", Secret("s"), Secret("token"), {}};
    EXPECT_FALSE(RequestAuth::sigv4(keys).temporary_credentials());
    EXPECT_TRUE(RequestAuth::sigv4(session).temporary_credentials());
    EXPECT_FALSE(RequestAuth::bearer(Secret("t")).temporary_credentials());
    EXPECT_FALSE(RequestAuth::none().temporary_credentials());
}

TEST(WipeSentRequest, ZeroesTheSecretHeadersAndTheBody) {
    HttpRequest r{"POST",
                  "https://x/",
                  {{"authorization", "Bearer t"}, {"X-Amz-Security-Token", "tok"}, {"A", "b"}},
                  "code=123456"};
    wipe_sent_request(r);
    EXPECT_EQ(r.headers[0].second, std::string(8, '\0'));
    EXPECT_EQ(r.headers[1].second, std::string(3, '\0'));
    EXPECT_EQ(r.headers[2].second, "b");
    EXPECT_EQ(r.body, std::string(11, '\0'));
}

}  // namespace
}  // namespace sesame
