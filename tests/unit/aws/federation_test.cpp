// The console sign-in: partition hosts, the destination URL, the Session JSON, getSigninToken
// against a fake HTTP client, and the login URL.

#include "aws/federation.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <nlohmann/json.hpp>

#include "fake_http.hpp"
#include "util/strings.hpp"

namespace sesame {
namespace {

using namespace std::chrono_literals;

using testing::FakeHttp;

Credentials session() {
    Credentials c;
    c.access_key_id = "ASIAEXAMPLE";
    c.secret_access_key = Secret("wJalr/XUtn+FEMI=");
    c.session_token = Secret("IQoJb3Jp\"Z2lu\\X2Vj");
    return c;
}

/// The query parameters of `url`, decoded.
std::map<std::string, std::string> query_of(const std::string& url) {
    std::map<std::string, std::string> out;
    auto q = url.find('?');
    for (const auto& pair : split(url.substr(q + 1), '&')) {
        auto eq = pair.find('=');
        std::string value = pair.substr(eq + 1), decoded;
        for (size_t i = 0; i < value.size(); ++i) {
            if (value[i] == '%' && i + 2 < value.size()) {
                decoded.push_back(static_cast<char>(std::stoi(value.substr(i + 1, 2), nullptr, 16)));
                i += 2;
            } else {
                decoded.push_back(value[i]);
            }
        }
        out[pair.substr(0, eq)] = decoded;
    }
    return out;
}

TEST(ConsoleHosts, EachPartitionHasItsOwn) {
    struct Case {
        const char* partition;
        const char* federation;
        const char* console;
    };
    for (const auto& c : std::vector<Case>{
             {"aws", "https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/"},
             {"aws-cn", "https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/"},
             {"aws-us-gov", "https://signin.amazonaws-us-gov.com/federation",
              "https://console.amazonaws-us-gov.com/"},
             {"", "https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/"},
         }) {
        auto hosts = console_hosts(c.partition);
        EXPECT_EQ(hosts.federation, c.federation) << c.partition;
        EXPECT_EQ(hosts.console, c.console) << c.partition;
    }
}

TEST(ConsoleDestination, PathRegionAndFragment) {
    struct Case {
        const char* path;
        const char* region;
        const char* expected;
    };
    const std::string console = "https://console.aws.amazon.com/";
    for (const auto& c : std::vector<Case>{
             {"", "", "https://console.aws.amazon.com/"},
             {"", "eu-west-1", "https://console.aws.amazon.com/?region=eu-west-1"},
             {"/s3/home", "us-east-1", "https://console.aws.amazon.com/s3/home?region=us-east-1"},
             {"s3/home", "", "https://console.aws.amazon.com/s3/home"},
             {"/ec2/home#Instances:", "eu-west-1",
              "https://console.aws.amazon.com/ec2/home?region=eu-west-1#Instances:"},
             {"/cloudwatch/home?x=1", "eu-west-1",
              "https://console.aws.amazon.com/cloudwatch/home?x=1&region=eu-west-1"},
         }) {
        auto d = console_destination(console, c.path, c.region);
        ASSERT_TRUE(d) << c.path << ": " << d.error().message;
        EXPECT_EQ(*d, c.expected) << c.path;
    }
    auto cn = console_destination(console_hosts("aws-cn").console, "/s3/home", "cn-north-1");
    EXPECT_EQ(*cn, "https://console.amazonaws.cn/s3/home?region=cn-north-1");
    for (const char* bad : {"/s3 home", "https://evil.example/", "/x\ny"}) {
        auto d = console_destination(console, bad, "us-east-1");
        ASSERT_FALSE(d) << bad;
        EXPECT_NE(d.error().message.find("--path"), std::string::npos);
    }
}

TEST(FederationSession, IsJsonWithTheThreeFieldsEscaped) {
    Secret json = federation_session_json(session());
    auto parsed = nlohmann::json::parse(json.reveal());
    EXPECT_EQ(parsed.size(), 3u);
    EXPECT_EQ(parsed["sessionId"], "ASIAEXAMPLE");
    EXPECT_EQ(parsed["sessionKey"], "wJalr/XUtn+FEMI=");
    EXPECT_EQ(parsed["sessionToken"], "IQoJb3Jp\"Z2lu\\X2Vj");
}

TEST(GetSigninToken, SendsTheSessionAndReadsTheToken) {
    FakeHttp http;
    http.script.push_back(HttpResponse{200, {}, R"({"SigninToken":"tok+en/1"})"});
    auto token = get_signin_token(http, "https://signin.aws.amazon.com/federation", session(), std::nullopt);
    ASSERT_TRUE(token) << token.error().message;
    EXPECT_EQ(token->reveal(), "tok+en/1");
    ASSERT_EQ(http.requests.size(), 1u);
    EXPECT_EQ(http.requests[0].method, "GET");
    const std::string& url = http.requests[0].url;
    EXPECT_TRUE(url.starts_with("https://signin.aws.amazon.com/federation?Action=getSigninToken&Session="))
        << url;
    auto q = query_of(url);
    EXPECT_EQ(q.count("SessionDuration"), 0u);
    auto parsed = nlohmann::json::parse(q["Session"]);
    EXPECT_EQ(parsed["sessionToken"], "IQoJb3Jp\"Z2lu\\X2Vj");
}

TEST(GetSigninToken, SessionDurationOnlyWhenAsked) {
    FakeHttp http;
    http.script.push_back(HttpResponse{200, {}, R"({"SigninToken":"t"})"});
    ASSERT_TRUE(get_signin_token(http, "http://127.0.0.1:1/federation?x=1", session(), 7200s));
    auto q = query_of(http.requests[0].url);
    EXPECT_EQ(q["SessionDuration"], "7200");
    EXPECT_EQ(q["x"], "1");
    EXPECT_EQ(q["Action"], "getSigninToken");
}

TEST(GetSigninToken, FailuresNeverShowTheSessionOrTheBody) {
    struct Case {
        const char* name;
        Result<HttpResponse> response;
        const char* says;
    };
    const std::string echo = "you sent IQoJb3Jp and wJalr";
    std::vector<Case> cases;
    cases.push_back({"refused", HttpResponse{400, {}, echo}, "refused the session (HTTP 400)"});
    cases.push_back({"server error", HttpResponse{503, {}, echo}, "answered HTTP 503"});
    cases.push_back({"no token", HttpResponse{200, {}, R"({"Other":"x"})"}, "without a SigninToken"});
    cases.push_back({"not json", HttpResponse{200, {}, echo}, "without a SigninToken"});
    cases.push_back({"empty token", HttpResponse{200, {}, R"({"SigninToken":""})"}, "without a SigninToken"});
    cases.push_back({"transport",
                     std::unexpected(Error{"cannot connect to https://signin.example/federation"}),
                     "getSigninToken: cannot connect"});
    for (auto& c : cases) {
        FakeHttp http;
        http.script.push_back(std::move(c.response));
        auto token = get_signin_token(http, "https://signin.example/federation", session(), std::nullopt);
        ASSERT_FALSE(token) << c.name;
        std::string text = token.error().message + token.error().hint;
        EXPECT_NE(text.find(c.says), std::string::npos) << c.name << ": " << text;
        for (const char* secret : {"IQoJb3Jp", "wJalr", "Session="})
            EXPECT_EQ(text.find(secret), std::string::npos);
    }
}

TEST(GetSigninToken, RefusesLongTermKeysWithoutSendingThem) {
    FakeHttp http;
    Credentials key;
    key.access_key_id = "AKIAEXAMPLE";
    key.secret_access_key = Secret("long-term");
    auto token = get_signin_token(http, "https://signin.aws.amazon.com/federation", key, std::nullopt);
    ASSERT_FALSE(token);
    EXPECT_NE(token.error().message.find("temporary credentials"), std::string::npos);
    EXPECT_TRUE(http.requests.empty());
}

TEST(ConsoleLoginUrl, CarriesIssuerDestinationAndToken) {
    Secret url =
        console_login_url("https://signin.aws.amazon.com/federation", "sesame",
                          "https://console.aws.amazon.com/s3/home?region=eu-west-1", Secret("a+b/c="));
    EXPECT_TRUE(
        url.reveal().starts_with("https://signin.aws.amazon.com/federation?Action=login&Issuer=sesame&"))
        << url.reveal();
    auto q = query_of(url.reveal());
    EXPECT_EQ(q["Destination"], "https://console.aws.amazon.com/s3/home?region=eu-west-1");
    EXPECT_EQ(q["SigninToken"], "a+b/c=");
    EXPECT_EQ(url.redacted().find("a+b"), std::string::npos);
}

}  // namespace
}  // namespace sesame
