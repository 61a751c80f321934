// The rotation's AWS backend sends each call to its service. (The store side is the key
// service's: tests/unit/app/key_service_test.cpp.)

#include "rotation/rotation_backends.hpp"

#include <gtest/gtest.h>

#include <deque>

#include "fake_http.hpp"
#include "platform/files.hpp"
#include "temp_dir.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

/// Answers by service: the Authorization header's credential scope names it.
using testing::FakeHttp;

TEST(AwsRotationApi, AsksStsForTheCallerAndIamForTheUser) {
    FakeHttp http;
    FixedClock clock{*parse_rfc3339("2026-03-04T05:06:07Z")};
    QueryApi sts_api{http, clock, {"https://sts.amazonaws.com/", "us-east-1"}, RetryPolicy{1}, [](auto) {}};
    QueryApi iam_api{http, clock, {"https://iam.amazonaws.com/", "us-east-1"}, RetryPolicy{1}, [](auto) {}};
    Sts sts(sts_api);
    Iam iam(iam_api);
    AwsRotationApi api(sts, iam);
    http.reply(
        200,
        "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::1:user/alice</Arn>"
        "<UserId>AIDA</UserId><Account>1</Account></GetCallerIdentityResult></GetCallerIdentityResponse>");
    http.reply(
        200,
        "<GetUserResponse><GetUserResult><User><UserName>alice</UserName><Arn>arn:aws:iam::1:user/alice</Arn>"
        "<UserId>AIDA</UserId></User></GetUserResult></GetUserResponse>");
    Credentials key;
    key.access_key_id = "AKIAOLD";
    key.secret_access_key = Secret("old-secret");
    EXPECT_EQ(*api.caller_arn(key), "arn:aws:iam::1:user/alice");
    EXPECT_EQ(*api.user_arn(key), "arn:aws:iam::1:user/alice");
    ASSERT_EQ(http.requests.size(), 2u);
    EXPECT_EQ(http.requests[0].url, "https://sts.amazonaws.com/");
    EXPECT_NE(http.requests[0].body.find("Action=GetCallerIdentity"), std::string::npos);
    EXPECT_EQ(http.requests[1].url, "https://iam.amazonaws.com/");
    EXPECT_NE(http.requests[1].body.find("Action=GetUser"), std::string::npos);
}

}  // namespace
}  // namespace sesame
