#include "aws/query_api.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "fake_http.hpp"
#include "util/strings.hpp"

namespace sesame {
namespace {

using namespace std::chrono_literals;

/// Records every request and answers from a script; runs out -> a transport error.
using testing::FakeHttp;

std::string header(const HttpRequest& request, std::string_view name) {
    for (const auto& [key, value] : request.headers) {
        if (key.size() == name.size() && std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            }))
            return value;
    }
    return {};
}

std::string error_xml(std::string_view code, std::string_view message) {
    return fmt::format(R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>{}</Code>
    <Message>{}</Message>
  </Error>
  <RequestId>4a6d2a5b-0000-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>)",
                       code, message);
}

const std::string k_identity_xml =
    R"(<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::123456789012:user/Alice</Arn>
    <UserId>AKIAI44QH8DHBEXAMPLE</UserId>
    <Account>123456789012</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata>
    <RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId>
  </ResponseMetadata>
</GetCallerIdentityResponse>)";

Credentials long_term() {
    return Credentials{"AKIDEXAMPLE", Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), Secret(),
                       std::nullopt};
}

const QueryCall k_identity_call{"sts", "GetCallerIdentity", "2011-06-15", {}};

/// A QueryApi over a fake with recorded sleeps and debug lines; random() returns its upper bound
/// so backoff delays are the caps themselves.
struct Harness {
    FakeHttp http;
    FixedClock clock{std::chrono::sys_days{std::chrono::year{2015} / 8 / 30} + 12h + 36min};
    std::vector<std::chrono::milliseconds> sleeps;
    std::vector<std::string> debug;
    RetryPolicy retry;

    QueryApi api() {
        return QueryApi(
            http, clock, {"https://sts.us-east-1.amazonaws.com/", "us-east-1"}, retry,
            [this](std::chrono::milliseconds d) {
                sleeps.push_back(d);
                clock.advance(1s);
            },
            [this](const std::string& line) { debug.push_back(line); },
            [](std::uint32_t upper) { return upper; });
    }
};

TEST(QueryFormBody, EncodesActionVersionAndParamsInOrder) {
    QueryCall call{"sts",
                   "AssumeRole",
                   "2011-06-15",
                   {{"RoleArn", "arn:aws:iam::123456789012:role/demo"},
                    {"RoleSessionName", "alice@example.com"},
                    {"Policy", R"({"Version":"2012-10-17"})"},
                    {"Tags.member.1.Value", "a b&c=d/é~"}}};
    EXPECT_EQ(query_form_body(call),
              "Action=AssumeRole&Version=2011-06-15"
              "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo"
              "&RoleSessionName=alice%40example.com"
              "&Policy=%7B%22Version%22%3A%222012-10-17%22%7D"
              "&Tags.member.1.Value=a%20b%26c%3Dd%2F%C3%A9~");
}

TEST(QueryApi, SignsAndPostsTheFormAndReturnsTheDocument) {
    Harness h;
    h.http.reply(200, k_identity_xml);

    auto doc = h.api().call(long_term(), k_identity_call);

    ASSERT_TRUE(doc) << doc.error().message;
    EXPECT_EQ(text_at(*doc, {"GetCallerIdentityResponse", "GetCallerIdentityResult", "Account"}),
              "123456789012");
    ASSERT_EQ(h.http.requests.size(), 1u);
    const HttpRequest& sent = h.http.requests[0];
    EXPECT_EQ(sent.method, "POST");
    EXPECT_EQ(sent.url, "https://sts.us-east-1.amazonaws.com/");
    EXPECT_EQ(sent.body, "Action=GetCallerIdentity&Version=2011-06-15");
    EXPECT_EQ(header(sent, "Content-Type"), "application/x-www-form-urlencoded; charset=utf-8");
    EXPECT_EQ(header(sent, "X-Amz-Date"), "20150830T123600Z");
    EXPECT_TRUE(
        header(sent, "Authorization")
            .starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request"))
        << header(sent, "Authorization");
    EXPECT_EQ(header(sent, "X-Amz-Security-Token"), "");
}

TEST(QueryApi, TemporaryCallerSendsItsTokenOnlyInTheTokenHeader) {
    Harness h;
    h.http.reply(200, k_identity_xml);
    Credentials temp{
        "ASIAEXAMPLE", Secret("temp-secret-value-0123456789"), Secret("FwoGZXIvYXdzEXAMPLETOKEN"), {}};

    ASSERT_TRUE(h.api().call(temp, k_identity_call));

    const HttpRequest& sent = h.http.requests[0];
    EXPECT_EQ(header(sent, "X-Amz-Security-Token"), "FwoGZXIvYXdzEXAMPLETOKEN");
    for (const auto& [name, value] : sent.headers) {
        EXPECT_EQ(value.find("temp-secret-value"), std::string::npos) << name;
    }
    EXPECT_EQ(sent.body.find("temp-secret-value"), std::string::npos);
}

struct ErrorCase {
    long status;
    std::string code;
    std::string message;
    std::string action;
    std::string hint_part;
};

TEST(QueryApi, MapsAwsErrorsToMessagesAndHintsWithoutRetrying) {
    const std::vector<ErrorCase> cases = {
        {403, "InvalidClientTokenId", "The security token included in the request is invalid.",
         "GetSessionToken", "sesame add"},
        {403, "SignatureDoesNotMatch",
         "The request signature we calculated does not match the signature you provided.", "GetSessionToken",
         "sesame add"},
        {403, "SignatureDoesNotMatch",
         "Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z", "GetCallerIdentity",
         "clock"},
        {400, "ExpiredToken", "The security token included in the request is expired", "AssumeRole",
         "sesame clear"},
        {403, "AccessDenied", "MultiFactorAuthentication failed with invalid MFA one time pass code. ",
         "GetSessionToken", "MFA code"},
        {403, "AccessDenied",
         "User: arn:aws:iam::123456789012:user/alice is not authorized to perform: sts:AssumeRole on "
         "resource: "
         "arn:aws:iam::123456789012:role/demo",
         "AssumeRole", "trust policy"},
        {403, "AccessDenied", "Cannot call GetSessionToken with session credentials", "GetSessionToken",
         "long-term access keys"},
        {403, "AccessDenied", "not authorized to perform: sts:DecodeAuthorizationMessage",
         "DecodeAuthorizationMessage", "allow sts:DecodeAuthorizationMessage"},
        {403, "RegionDisabledException", "STS is not activated in this region for account:123456789012.",
         "AssumeRole", "not activated in us-east-1"},
        {400, "ValidationError",
         "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", "AssumeRole",
         "MaxSessionDuration"},
        {400, "MalformedPolicyDocument", "Syntax errors in policy.", "AssumeRole", ""},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.code + " " + c.message);
        Harness h;
        h.http.reply(c.status, error_xml(c.code, c.message));

        auto doc = h.api().call(long_term(), {"sts", c.action, "2011-06-15", {}});

        ASSERT_FALSE(doc);
        EXPECT_EQ(doc.error().message, std::string(trim(c.action + " failed: " + c.code + ": " + c.message)));
        if (c.hint_part.empty()) {
            EXPECT_EQ(doc.error().hint, "");
        } else {
            EXPECT_NE(doc.error().hint.find(c.hint_part), std::string::npos) << doc.error().hint;
        }
        EXPECT_EQ(h.http.requests.size(), 1u);
        EXPECT_TRUE(h.sleeps.empty());
    }
}

TEST(QueryApi, RetriesServerErrorsThenSucceedsWithAFreshSignature) {
    Harness h;
    h.http.reply(500, error_xml("InternalFailure", "An internal error occurred."));
    h.http.reply(503, "<html>Service Unavailable</html>");
    h.http.reply(200, k_identity_xml);

    auto doc = h.api().call(long_term(), k_identity_call);

    ASSERT_TRUE(doc) << doc.error().message;
    ASSERT_EQ(h.http.requests.size(), 3u);
    EXPECT_EQ(h.sleeps, (std::vector<std::chrono::milliseconds>{200ms, 400ms}));
    EXPECT_EQ(header(h.http.requests[0], "X-Amz-Date"), "20150830T123600Z");
    EXPECT_EQ(header(h.http.requests[1], "X-Amz-Date"), "20150830T123601Z");
    EXPECT_EQ(header(h.http.requests[2], "X-Amz-Date"), "20150830T123602Z");
    EXPECT_NE(header(h.http.requests[0], "Authorization"), header(h.http.requests[1], "Authorization"));
}

TEST(QueryApi, RetriesThrottlingCodesTransportErrorsAnd429) {
    for (std::string code : {"Throttling", "ThrottlingException", "RequestLimitExceeded",
                             "TooManyRequestsException", "RequestThrottled", "IDPCommunicationError"}) {
        SCOPED_TRACE(code);
        Harness h;
        h.http.reply(400, error_xml(code, "Rate exceeded"));
        h.http.refuse("cannot reach https://sts.us-east-1.amazonaws.com/: Couldn't connect to server");
        h.http.reply(429, "Too Many Requests");
        h.http.reply(200, k_identity_xml);

        auto doc = h.api().call(long_term(), k_identity_call);

        ASSERT_TRUE(doc) << doc.error().message;
        EXPECT_EQ(h.http.requests.size(), 4u);
        EXPECT_EQ(h.sleeps.size(), 3u);
    }
}

TEST(QueryApi, GivesUpAfterMaxAttemptsWithTheLastError) {
    Harness h;
    h.retry.max_delay = 500ms;
    for (int i = 0; i < 6; ++i) h.http.reply(400, error_xml("Throttling", "Rate exceeded"));

    auto doc = h.api().call(long_term(), k_identity_call);

    ASSERT_FALSE(doc);
    EXPECT_EQ(doc.error().message,
              "GetCallerIdentity failed: Throttling: Rate exceeded (gave up after 4 attempts)");
    EXPECT_NE(doc.error().hint.find("rate-limiting"), std::string::npos);
    EXPECT_EQ(h.http.requests.size(), 4u);
    EXPECT_EQ(h.sleeps, (std::vector<std::chrono::milliseconds>{200ms, 400ms, 500ms}));
}

TEST(QueryApi, TransportErrorIsReturnedAfterRetries) {
    Harness h;
    h.retry.max_attempts = 2;

    auto doc = h.api().call(long_term(), k_identity_call);

    ASSERT_FALSE(doc);
    EXPECT_EQ(doc.error().message, "fake: no scripted response (gave up after 2 attempts)");
    EXPECT_EQ(h.http.requests.size(), 2u);
}

TEST(QueryApi, DefaultRandomJitterStaysWithinTheCap) {
    Harness h;
    std::vector<std::chrono::milliseconds> sleeps;
    QueryApi api(h.http, h.clock, {"https://sts.amazonaws.com/", "us-east-1"}, {4, 100ms, 150ms},
                 [&](std::chrono::milliseconds d) { sleeps.push_back(d); });
    for (int i = 0; i < 4; ++i) h.http.reply(500, "");

    ASSERT_FALSE(api.call(long_term(), k_identity_call));

    ASSERT_EQ(sleeps.size(), 3u);
    EXPECT_LE(sleeps[0], 100ms);
    EXPECT_LE(sleeps[1], 150ms);
    EXPECT_LE(sleeps[2], 150ms);
    for (auto d : sleeps) EXPECT_GE(d, 0ms);
}

TEST(QueryApi, NonXmlErrorBodyIsShownSanitisedAndShort) {
    Harness h;
    std::string page =
        "<html>\r\n<body>\tAccess\x01 blocked by proxy" + std::string(300, 'x') + "</body></html>";
    h.http.reply(403, page);
    h.http.reply(404, "");

    auto doc = h.api().call(long_term(), k_identity_call);
    auto empty = h.api().call(long_term(), k_identity_call);

    ASSERT_FALSE(doc);
    const std::string prefix = "GetCallerIdentity failed: HTTP 403: <html> <body> Access blocked by proxyxxx";
    EXPECT_TRUE(doc.error().message.starts_with(prefix)) << doc.error().message;
    EXPECT_TRUE(doc.error().message.ends_with("x…"));
    EXPECT_EQ(doc.error().message.size(),
              std::string("GetCallerIdentity failed: HTTP 403: ").size() + 200 + std::string("…").size());
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().message, "GetCallerIdentity failed: HTTP 404 with an empty body");
    EXPECT_EQ(h.http.requests.size(), 2u);
}

TEST(QueryApi, MalformedSuccessBodyIsAnErrorWithoutRetry) {
    Harness h;
    h.http.reply(200, "<GetCallerIdentityResponse><GetCallerIdentityResult>");

    auto doc = h.api().call(long_term(), k_identity_call);

    ASSERT_FALSE(doc);
    EXPECT_TRUE(doc.error().message.starts_with(
        "malformed response to GetCallerIdentity from https://sts.us-east-1.amazonaws.com/: "))
        << doc.error().message;
    EXPECT_EQ(h.http.requests.size(), 1u);
}

TEST(QueryApi, DebugLinesDescribeAttemptsButNoSecrets) {
    Harness h;
    h.http.reply(500, error_xml("InternalFailure", "oops"));
    h.http.reply(200, k_identity_xml);
    QueryCall call{"sts", "GetSessionToken", "2011-06-15", {{"TokenCode", "654321"}}};
    Credentials temp{
        "ASIAEXAMPLE", Secret("temp-secret-value-0123456789"), Secret("FwoGZXIvYXdzEXAMPLETOKEN"), {}};

    ASSERT_TRUE(h.api().call(temp, call));

    ASSERT_EQ(h.debug.size(), 2u);
    EXPECT_EQ(h.debug[0],
              "sts GetSessionToken attempt 1/4: POST https://sts.us-east-1.amazonaws.com/ -> HTTP 500 "
              "InternalFailure "
              "(request id 4a6d2a5b-0000-11e0-8154-cbc7ccf896c7) in 0 ms; retrying in 200 ms");
    EXPECT_EQ(
        h.debug[1],
        "sts GetSessionToken attempt 2/4: POST https://sts.us-east-1.amazonaws.com/ -> HTTP 200 in 0 ms");
    for (const auto& line : h.debug) {
        for (std::string_view secret : {"temp-secret", "FwoGZXIv", "654321", "Signature=", "ASIAEXAMPLE"}) {
            EXPECT_EQ(line.find(secret), std::string::npos) << secret;
        }
    }
}

TEST(ParseAwsError, IgnoresNamespacesAndFindsEc2StyleErrors) {
    auto prefixed =
        parse_aws_error(R"(<aws:ErrorResponse xmlns:aws="https://iam.amazonaws.com/doc/2010-05-08/">
        <aws:Error><aws:Type>Sender</aws:Type><aws:Code>NoSuchEntity</aws:Code>
        <aws:Message>The user with name bob cannot be found.</aws:Message></aws:Error>
        <aws:RequestId>abc-123</aws:RequestId></aws:ErrorResponse>)");
    ASSERT_TRUE(prefixed);
    EXPECT_EQ(prefixed->code, "NoSuchEntity");
    EXPECT_EQ(prefixed->message, "The user with name bob cannot be found.");
    EXPECT_EQ(prefixed->request_id, "abc-123");

    auto ec2 = parse_aws_error(
        "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>"
        "</Error></Errors><RequestID>r-1</RequestID></Response>");
    ASSERT_TRUE(ec2);
    EXPECT_EQ(ec2->code, "RequestLimitExceeded");
    EXPECT_EQ(ec2->request_id, "r-1");

    EXPECT_FALSE(parse_aws_error("<html><body>Bad gateway</body></html>"));
    EXPECT_FALSE(parse_aws_error("not xml at all"));
    EXPECT_FALSE(parse_aws_error(""));
}

TEST(IsThrottlingCode, KnowsTheRetryableCodesOnly) {
    EXPECT_TRUE(is_throttling_code("Throttling"));
    EXPECT_TRUE(is_throttling_code("IDPCommunicationError"));
    EXPECT_FALSE(is_throttling_code("AccessDenied"));
    EXPECT_FALSE(is_throttling_code("throttling"));
}

}  // namespace
}  // namespace sesame
