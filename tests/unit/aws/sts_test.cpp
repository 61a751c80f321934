#include "aws/sts.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "fake_http.hpp"

namespace sesame {
namespace {

using namespace std::chrono;
using namespace std::chrono_literals;

/// Records every request and answers from a script.
using testing::FakeHttp;

// Response samples from the STS API reference (docs.aws.amazon.com/STS/latest/APIReference),
// including its habit of wrapping tokens over indented lines.
const std::string k_session_token_xml =
    R"(<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetSessionTokenResult>
    <Credentials>
      <SessionToken>
       AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/L
       To6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/IvU1dYUg2RVAJBanLiHb4IgRmpRV3z
       rkuWJOgQs8IZZaIv2BXIa2R4OlgkBN9bkUDNCJiBeb/AXlzBBko7b15fjrBs2+cTQtp
       Z3CYWFXG8C5zqx37wnOE49mRl/+OtkIKGO7fAE
      </SessionToken>
      <SecretAccessKey>
      wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY
      </SecretAccessKey>
      <Expiration>2011-07-11T19:55:29.611Z</Expiration>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
  </GetSessionTokenResult>
  <ResponseMetadata>
    <RequestId>58c5dbae-abef-11e0-8cfe-09039844ac7d</RequestId>
  </ResponseMetadata>
</GetSessionTokenResponse>)";

const std::string k_session_token =
    "AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/"
    "IvU1dYUg2RVAJBanLiHb4IgRmpRV3zrkuWJOgQs8IZZaIv2BXIa2R4OlgkBN9bkUDNCJiBeb/"
    "AXlzBBko7b15fjrBs2+cTQtpZ3CYWFXG8C5zqx37w"
    "nOE49mRl/+OtkIKGO7fAE";

const std::string k_assume_role_xml =
    R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
<AssumeRoleResult>
  <SourceIdentity>Alice</SourceIdentity>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <SessionToken>
       AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW
       LWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGd
       QrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU
       9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz
       +scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==
      </SessionToken>
      <Expiration>2019-11-09T13:34:41Z</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>)";

const std::string k_caller_identity_xml =
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

const std::string k_federation_xml =
    R"(<GetFederationTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetFederationTokenResult>
    <Credentials>
      <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <Expiration>2011-07-15T23:28:33.359Z</Expiration>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
    <FederatedUser>
      <Arn>arn:aws:sts::123456789012:federated-user/Bob</Arn>
      <FederatedUserId>123456789012:Bob</FederatedUserId>
    </FederatedUser>
    <PackedPolicySize>6</PackedPolicySize>
  </GetFederationTokenResult>
  <ResponseMetadata>
    <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</GetFederationTokenResponse>)";

const std::string k_caller_secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYCALLERSECRET";

Credentials caller() {
    return Credentials{"AKIAIOSFODNN7EXAMPLE", Secret(k_caller_secret), Secret(), std::nullopt};
}

TimePoint utc(int y, unsigned mo, unsigned d, int h, int mi, int s) {
    return sys_days{year{y} / mo / d} + hours{h} + minutes{mi} + seconds{s};
}

/// Sts over a fake, with retries instant.
struct Harness {
    FakeHttp http;
    FixedClock clock{utc(2024, 5, 1, 10, 0, 0)};
    QueryApi api{http, clock, {"https://sts.eu-west-1.amazonaws.com/", "eu-west-1"}, {}, [](milliseconds) {}};
    Sts sts{api};

    void reply(long status, std::string body) { http.reply(status, std::move(body)); }

    /// Every request carries SigV4 and none contains the caller's secret, anywhere.
    void expect_signed_without_secret() const {
        ASSERT_FALSE(http.requests.empty());
        for (const HttpRequest& r : http.requests) {
            bool has_authorization = false;
            for (const auto& [name, value] : r.headers) {
                has_authorization |= name == "Authorization" && value.starts_with("AWS4-HMAC-SHA256 ");
                EXPECT_EQ(value.find(k_caller_secret), std::string::npos) << name;
            }
            EXPECT_TRUE(has_authorization);
            EXPECT_EQ(r.body.find(k_caller_secret), std::string::npos);
            EXPECT_EQ(r.url.find(k_caller_secret), std::string::npos);
        }
    }
};

TEST(Sts, GetSessionTokenWithMfaSendsTheFormAndParsesCredentials) {
    Harness h;
    h.reply(200, k_session_token_xml);

    auto creds =
        h.sts.get_session_token(caller(), {3600s, "arn:aws:iam::123456789012:mfa/alice", Secret("123456")});

    ASSERT_TRUE(creds) << creds.error().message;
    EXPECT_EQ(h.http.requests.at(0).body,
              "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=3600"
              "&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice&TokenCode=123456");
    EXPECT_EQ(h.http.requests.at(0).url, "https://sts.eu-west-1.amazonaws.com/");
    h.expect_signed_without_secret();
    EXPECT_EQ(creds->access_key_id, "ASIAIOSFODNN7EXAMPLE");
    EXPECT_EQ(creds->secret_access_key.reveal(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
    EXPECT_EQ(creds->session_token.reveal(), k_session_token);
    EXPECT_EQ(creds->expiration, utc(2011, 7, 11, 19, 55, 29));
    EXPECT_TRUE(creds->is_temporary());
}

TEST(Sts, GetSessionTokenWithoutMfaOrDurationSendsOnlyTheAction) {
    Harness h;
    h.reply(200, k_session_token_xml);

    ASSERT_TRUE(h.sts.get_session_token(caller(), {}));

    EXPECT_EQ(h.http.requests.at(0).body, "Action=GetSessionToken&Version=2011-06-15");
}

TEST(Sts, AssumeRoleSendsEveryParameterInStsNames) {
    Harness h;
    h.reply(200, k_assume_role_xml);
    AssumeRoleInput in;
    in.role_arn = "arn:aws:iam::123456789012:role/demo";
    in.session_name = "alice";
    in.external_id = "ext-123";
    in.duration = 900s;
    in.mfa_serial = "arn:aws:iam::123456789012:mfa/alice";
    in.mfa_code = Secret("654321");
    in.tags = {{"Project", "Pegasus"}, {"Cost Center", "98765"}};
    in.transitive_tag_keys = {"Project", "Cost Center"};
    in.source_identity = "alice@example.com";
    in.policy = R"({"Version":"2012-10-17"})";

    auto role = h.sts.assume_role(caller(), in);

    ASSERT_TRUE(role) << role.error().message;
    EXPECT_EQ(h.http.requests.at(0).body,
              "Action=AssumeRole&Version=2011-06-15"
              "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=alice"
              "&DurationSeconds=900&ExternalId=ext-123"
              "&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice&TokenCode=654321"
              "&Policy=%7B%22Version%22%3A%222012-10-17%22%7D&SourceIdentity=alice%40example.com"
              "&Tags.member.1.Key=Project&Tags.member.1.Value=Pegasus"
              "&Tags.member.2.Key=Cost%20Center&Tags.member.2.Value=98765"
              "&TransitiveTagKeys.member.1=Project&TransitiveTagKeys.member.2=Cost%20Center");
    h.expect_signed_without_secret();
    EXPECT_EQ(role->assumed_role_arn, "arn:aws:sts::123456789012:assumed-role/demo/TestAR");
    EXPECT_EQ(role->assumed_role_id, "ARO123EXAMPLE123:TestAR");
    EXPECT_EQ(role->credentials.access_key_id, "ASIAIOSFODNN7EXAMPLE");
    EXPECT_TRUE(role->credentials.session_token.reveal().starts_with(
        "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM"));
    EXPECT_TRUE(role->credentials.session_token.reveal().ends_with("wj2ICCR/oLxBA=="));
    EXPECT_EQ(role->credentials.expiration, utc(2019, 11, 9, 13, 34, 41));
}

TEST(Sts, AssumeRoleMinimalSendsOnlyArnAndSessionName) {
    Harness h;
    h.reply(200, k_assume_role_xml);

    ASSERT_TRUE(h.sts.assume_role(
        caller(), {.role_arn = "arn:aws:iam::123456789012:role/demo", .session_name = "sesame-1714557600"}));

    EXPECT_EQ(h.http.requests.at(0).body,
              "Action=AssumeRole&Version=2011-06-15"
              "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=sesame-1714557600");
}

TEST(Sts, GetCallerIdentityParsesAccountArnAndUserId) {
    Harness h;
    h.reply(200, k_caller_identity_xml);

    auto who = h.sts.get_caller_identity(caller());

    ASSERT_TRUE(who) << who.error().message;
    EXPECT_EQ(h.http.requests.at(0).body, "Action=GetCallerIdentity&Version=2011-06-15");
    h.expect_signed_without_secret();
    EXPECT_EQ(who->account, "123456789012");
    EXPECT_EQ(who->arn, "arn:aws:iam::123456789012:user/Alice");
    EXPECT_EQ(who->user_id, "AKIAI44QH8DHBEXAMPLE");
}

TEST(Sts, GetFederationTokenSendsNameDurationPolicy) {
    Harness h;
    h.reply(200, k_federation_xml);

    auto user = h.sts.get_federation_token(caller(), {"Bob", R"({"Statement":[]})", 43200s});

    ASSERT_TRUE(user) << user.error().message;
    EXPECT_EQ(h.http.requests.at(0).body,
              "Action=GetFederationToken&Version=2011-06-15&Name=Bob&DurationSeconds=43200"
              "&Policy=%7B%22Statement%22%3A%5B%5D%7D");
    h.expect_signed_without_secret();
    EXPECT_EQ(user->arn, "arn:aws:sts::123456789012:federated-user/Bob");
    EXPECT_EQ(user->credentials.expiration, utc(2011, 7, 15, 23, 28, 33));
}

TEST(Sts, ResponseMissingAFieldIsAnErrorNamingIt) {
    struct Case {
        std::string remove;
        std::string missing;
    };
    const std::vector<Case> cases = {
        {"<AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>", "Credentials/AccessKeyId"},
        {"<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>",
         "Credentials/SecretAccessKey"},
        {"<Expiration>2019-11-09T13:34:41Z</Expiration>", "Credentials/Expiration"},
        {"<Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>", "AssumedRoleUser/Arn"},
        {"<AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>", "AssumedRoleUser/AssumedRoleId"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.missing);
        std::string xml = k_assume_role_xml;
        auto at = xml.find(c.remove);
        ASSERT_NE(at, std::string::npos);
        xml.erase(at, c.remove.size());
        Harness h;
        h.reply(200, xml);

        auto role = h.sts.assume_role(
            caller(), {.role_arn = "arn:aws:iam::123456789012:role/demo", .session_name = "s"});

        ASSERT_FALSE(role);
        EXPECT_EQ(role.error().message, "malformed AssumeRole response from STS: missing " + c.missing);
    }
}

TEST(Sts, EmptySessionTokenAndBadExpirationAreErrors) {
    Harness h;
    std::string xml = k_session_token_xml;
    xml.replace(xml.find("<SessionToken>"), xml.find("</SessionToken>") - xml.find("<SessionToken>"),
                "<SessionToken>  ");
    h.reply(200, xml);
    std::string bad_time = k_session_token_xml;
    bad_time.replace(bad_time.find("2011-07-11T19:55:29.611Z"), 24, "next tuesday");
    h.reply(200, bad_time);

    auto empty = h.sts.get_session_token(caller(), {});
    auto bad = h.sts.get_session_token(caller(), {});

    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().message,
              "malformed GetSessionToken response from STS: missing Credentials/SessionToken");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message,
              "malformed GetSessionToken response from STS: Credentials/Expiration \"next tuesday\" is not a "
              "timestamp");
}

TEST(Sts, ResponseForAnotherActionIsAnError) {
    Harness h;
    h.reply(200, k_caller_identity_xml);

    auto creds = h.sts.get_session_token(caller(), {});

    ASSERT_FALSE(creds);
    EXPECT_EQ(creds.error().message,
              "malformed GetSessionToken response from STS: missing GetSessionTokenResult");
}

TEST(Sts, AwsErrorsPassThroughWithHints) {
    Harness h;
    h.reply(403, R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>MultiFactorAuthentication failed with invalid MFA one time pass code. </Message>
  </Error>
  <RequestId>9f1c2a3b-1111-4c5d-8e9f-0123456789ab</RequestId>
</ErrorResponse>)");

    auto creds =
        h.sts.get_session_token(caller(), {3600s, "arn:aws:iam::123456789012:mfa/alice", Secret("000000")});

    ASSERT_FALSE(creds);
    EXPECT_EQ(creds.error().message,
              "GetSessionToken failed: AccessDenied: MultiFactorAuthentication failed with invalid MFA one "
              "time pass code.");
    EXPECT_NE(creds.error().hint.find("MFA code"), std::string::npos);
    EXPECT_EQ(h.http.requests.size(), 1u);
}

}  // namespace
}  // namespace sesame

namespace sesame {
namespace {

TEST(DefaultRoleSessionName, NamesSesameAndTheUnixTime) {
    TimePoint t = std::chrono::sys_days{std::chrono::year{2026} / 11 / 20} + std::chrono::seconds(5);
    EXPECT_EQ(default_role_session_name(t), "sesame-1795132805");
}

}  // namespace
}  // namespace sesame
