#include "aws/json_api.hpp"

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
    for (const auto& [key, value] : request.headers)
        if (to_lower(key) == to_lower(name)) return value;
    return {};
}

/// A JsonApi over a fake with recorded sleeps and debug lines; random() returns its upper bound
/// so backoff delays are the caps themselves.
struct Harness {
    FakeHttp http;
    FixedClock clock{std::chrono::sys_days{std::chrono::year{2015} / 8 / 30} + 12h + 36min};
    std::vector<std::chrono::milliseconds> sleeps;
    std::vector<std::string> debug;
    JsonApi api{http,
                clock,
                {"https://organizations.us-east-1.amazonaws.com", "us-east-1"},
                RetryPolicy{},
                [this](std::chrono::milliseconds d) { sleeps.push_back(d); },
                [this](const std::string& line) { debug.push_back(line); },
                [](std::uint32_t upper) { return upper; }};
    Credentials caller{"AKIDEXAMPLE", Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), Secret(), {}};
    JsonCall list_accounts{"organizations", "AWSOrganizationsV20161128", "ListAccounts", {{"MaxResults", 2}}};
};

TEST(JsonApi, PostsSignedJsonWithTheTargetHeader) {
    Harness h;
    h.http.reply(200, R"({"Accounts": [], "NextToken": null})");

    auto body = h.api.call(h.caller, h.list_accounts);

    ASSERT_TRUE(body) << body.error().message;
    EXPECT_TRUE(body->at("Accounts").is_array());
    ASSERT_EQ(h.http.requests.size(), 1u);
    const HttpRequest& sent = h.http.requests[0];
    EXPECT_EQ(sent.method, "POST");
    EXPECT_EQ(sent.url, "https://organizations.us-east-1.amazonaws.com");
    EXPECT_EQ(sent.body, R"({"MaxResults":2})");
    EXPECT_EQ(header(sent, "Content-Type"), "application/x-amz-json-1.1");
    EXPECT_EQ(header(sent, "X-Amz-Target"), "AWSOrganizationsV20161128.ListAccounts");
    EXPECT_EQ(header(sent, "X-Amz-Date"), "20150830T123600Z");
    const std::string auth = header(sent, "Authorization");
    EXPECT_TRUE(auth.starts_with(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/organizations/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="))
        << auth;
}

TEST(JsonApi, EmptyObjectBodyAndEmptySuccessBody) {
    Harness h;
    h.http.reply(200, "");

    auto body = h.api.call(h.caller, {"organizations", "AWSOrganizationsV20161128", "DescribeOrganization"});

    ASSERT_TRUE(body) << body.error().message;
    EXPECT_EQ(*body, nlohmann::json::object());
    EXPECT_EQ(h.http.requests[0].body, "{}");
}

TEST(JsonApi, MalformedSuccessBodyIsAnErrorWithoutRetry) {
    Harness h;
    h.http.reply(200, R"({"Accounts": [)");

    auto body = h.api.call(h.caller, h.list_accounts);

    ASSERT_FALSE(body);
    EXPECT_EQ(
        body.error().message,
        "malformed response to ListAccounts from https://organizations.us-east-1.amazonaws.com: not JSON");
    EXPECT_EQ(h.http.requests.size(), 1u);
}

TEST(ParseJsonError, ReadsTheCodeAsBotocoreDoes) {
    struct Case {
        std::string body;
        Headers headers;
        std::optional<std::string> code;
        std::string message;
        std::string request_id;
    };
    const std::vector<Case> cases = {
        {R"({"__type":"AccessDeniedException","Message":"You don't have permissions to access this resource."})",
         {{"x-amzn-RequestId", "r-1"}},
         "AccessDeniedException",
         "You don't have permissions to access this resource.",
         "r-1"},
        {R"({"__type":"com.amazon.coral.service#UnrecognizedClientException","message":"The security token included in the request is invalid."})",
         {},
         "UnrecognizedClientException",
         "The security token included in the request is invalid.",
         ""},
        {R"({"__type":"ThrottlingException:http://internal.amazon.com/coral/","message":"Rate exceeded"})",
         {{"X-Amzn-RequestId", " r-2 "}},
         "ThrottlingException",
         "Rate exceeded",
         "r-2"},
        {R"({"message":"Missing Authentication Token"})",
         {{"x-amzn-ErrorType", "MissingAuthenticationTokenException:http://internal.amazon.com/coral/"}},
         "MissingAuthenticationTokenException",
         "Missing Authentication Token",
         ""},
        {"<html>Bad gateway</html>", {{"x-amzn-ErrorType", "InternalFailure"}}, "InternalFailure", "", ""},
        {R"({"code":"ValidationException","Message":"bad\nvalue"})",
         {},
         "ValidationException",
         "bad value",
         ""},
        {"<html>Bad gateway</html>", {}, std::nullopt, "", ""},
        {R"({"message":"no code"})", {}, std::nullopt, "", ""},
        {R"(["__type"])", {}, std::nullopt, "", ""},
        {"", {}, std::nullopt, "", ""},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.body);
        auto error = parse_json_error(HttpResponse{400, c.headers, c.body});
        ASSERT_EQ(error.has_value(), c.code.has_value());
        if (!error) continue;
        EXPECT_EQ(error->code, *c.code);
        EXPECT_EQ(error->message, c.message);
        EXPECT_EQ(error->request_id, c.request_id);
    }
}

TEST(JsonApi, AwsErrorsBecomeMessagesWithHintsWithoutRetrying) {
    struct Case {
        long status;
        std::string body;
        std::string message;
        std::string hint_part;
    };
    const std::vector<Case> cases = {
        {400,
         R"({"__type":"AccessDeniedException","Message":"You don't have permissions to access this resource."})",
         "ListAccounts failed: AccessDeniedException: You don't have permissions to access this resource.",
         "management account"},
        {400,
         R"({"__type":"AWSOrganizationsNotInUseException","Message":"Your account is not a member of an organization."})",
         "ListAccounts failed: AWSOrganizationsNotInUseException: Your account is not a member of an "
         "organization.",
         "not in an organization"},
        {400,
         R"({"__type":"com.amazon.coral.service#UnrecognizedClientException","message":"The security token included in the request is invalid."})",
         "ListAccounts failed: UnrecognizedClientException: The security token included in the request is "
         "invalid.",
         "sesame add"},
        {400,
         R"({"__type":"InvalidSignatureException","message":"Signature expired: 20150830T123600Z is now earlier than 20150830T124100Z"})",
         "ListAccounts failed: InvalidSignatureException: Signature expired: 20150830T123600Z is now earlier "
         "than "
         "20150830T124100Z",
         "clock"},
        {400, R"({"__type":"InvalidInputException","Message":"NextToken is invalid."})",
         "ListAccounts failed: InvalidInputException: NextToken is invalid.", ""},
        {403, "<html>blocked by proxy</html>", "ListAccounts failed: HTTP 403: <html>blocked by proxy</html>",
         ""},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.message);
        Harness h;
        h.http.reply(c.status, c.body);

        auto body = h.api.call(h.caller, h.list_accounts);

        ASSERT_FALSE(body);
        EXPECT_EQ(body.error().message, c.message);
        if (c.hint_part.empty()) {
            EXPECT_EQ(body.error().hint, "");
        } else {
            EXPECT_NE(body.error().hint.find(c.hint_part), std::string::npos) << body.error().hint;
        }
        EXPECT_EQ(h.http.requests.size(), 1u);
        EXPECT_TRUE(h.sleeps.empty());
    }
}

TEST(JsonApi, RetriesThrottlingServerAndTransportErrorsWithBackoff) {
    Harness h;
    h.http.reply(
        400,
        R"({"__type":"TooManyRequestsException","Message":"AWS Organizations can't complete your request because another request is already in progress."})",
        {{"x-amzn-RequestId", "req-1"}});
    h.http.reply(503, "");
    h.http.script.push_back(fail("cannot reach https://organizations.us-east-1.amazonaws.com: timeout"));
    h.http.reply(200, R"({"Accounts": []})");

    auto body = h.api.call(h.caller, h.list_accounts);

    ASSERT_TRUE(body) << body.error().message;
    EXPECT_EQ(h.http.requests.size(), 4u);
    EXPECT_EQ(h.sleeps, (std::vector<std::chrono::milliseconds>{200ms, 400ms, 800ms}));
    ASSERT_EQ(h.debug.size(), 4u);
    EXPECT_EQ(h.debug[0],
              "organizations ListAccounts attempt 1/4: POST https://organizations.us-east-1.amazonaws.com -> "
              "HTTP 400 "
              "TooManyRequestsException (request id req-1) in 0 ms; retrying in 200 ms");
    EXPECT_EQ(h.debug[3],
              "organizations ListAccounts attempt 4/4: POST https://organizations.us-east-1.amazonaws.com -> "
              "HTTP 200 "
              "in 0 ms");
    for (const auto& line : h.debug) EXPECT_EQ(line.find("AKIDEXAMPLE"), std::string::npos);
}

TEST(JsonApi, GivesUpAfterMaxAttempts) {
    Harness h;
    for (int i = 0; i < 4; ++i)
        h.http.reply(400, R"({"__type":"ThrottlingException","message":"Rate exceeded"})");

    auto body = h.api.call(h.caller, h.list_accounts);

    ASSERT_FALSE(body);
    EXPECT_EQ(body.error().message,
              "ListAccounts failed: ThrottlingException: Rate exceeded (gave up after 4 attempts)");
    EXPECT_NE(body.error().hint.find("rate-limiting"), std::string::npos);
    EXPECT_EQ(h.http.requests.size(), 4u);
}

}  // namespace
}  // namespace sesame
