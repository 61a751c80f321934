#include "app/aws_vault_items.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sesame {
namespace {

// Item names, as 99designs/aws-vault vault/sessionkeyring.go (IsSessionKey: sessionKeyPattern,
// oldSessionKeyPatterns, base64url-decodable parts) and vault/oidctokenkeyring.go decide them.
TEST(AwsVaultItems, SessionAndSsoNamesAreToldFromProfiles) {
    struct Case {
        const char* name;
        bool session;
        bool oidc;
    };
    const Case cases[] = {
        {"alice", false, false},
        {"work-admin", false, false},
        // v6/v7: TYPE,base64url(profile),base64url(mfa),expiry
        {"sts.GetSessionToken,YWxpY2U,YXJuOmF3czppYW06OjEyMzQ1Njc4OTAxMjptZmEvYWxpY2U,1700000000", true,
         false},
        {"sts.AssumeRole,YWRtaW4,,1700000000", true, false},
        {"sso.GetRoleCredentials,cHJvZA,,9", true, false},
        {"sts.GetSessionToken,YWxpY2U=,,1700000000", false, false},  // padding: Go's decoder refuses it
        {"sts.GetSessionToken,!!,,1700000000", false, false},        // not base64url
        {"sts.GetSessionToken,YWxpY2U,,", false, false},             // no expiry
        {"a,b,c", false, false},
        // the older forms, each still a session for aws-vault (it deletes them)
        {"session,YWxpY2U,,1700000000", true, false},
        {"session,alice,,12", true, false},
        {"session,alice,,1", false, false},  // {2,} digits in that form; "alice" is not base64url-decodable
        {"session:alice:arn:aws:iam::1:mfa/a:1700000000", true, false},
        {"session:alice::1700000000", true, false},
        {"session:al ice::1700000000", false, false},
        {"alice session (1700000000)", true, false},
        {"alice session ()", false, false},
        {"x session (1)", true, false},
        {" session (1)", false, false},  // (.+?) needs something before " session ("
        {"oidc:https://example.awsapps.com/start", false, true},
    };
    for (const auto& c : cases) {
        EXPECT_EQ(is_aws_vault_session_name(c.name), c.session) << c.name;
        EXPECT_EQ(is_aws_vault_oidc_name(c.name), c.oidc) << c.name;
    }
}

// mtibben/percent Decode, the inverse of file.go's filenameEscape (percent.Encode(key, "/")).
TEST(AwsVaultItems, FileNamesUnescapeAsPercentDecode) {
    EXPECT_EQ(keyring_filename_unescape("alice"), "alice");
    EXPECT_EQ(keyring_filename_unescape("oidc:https:%2F%2Fx.awsapps.com%2Fstart"),
              "oidc:https://x.awsapps.com/start");
    EXPECT_EQ(keyring_filename_unescape("100%25"), "100%");
    EXPECT_EQ(keyring_filename_unescape("a%2fb"), "a/b");
    EXPECT_EQ(keyring_filename_unescape("abc%2F..%2F.%2F123"), "abc/.././123");  // keyring's own test
    EXPECT_EQ(keyring_filename_unescape("%zz%4"), "%zz%4");
    EXPECT_EQ(keyring_filename_unescape("x%41"), "xA");
    EXPECT_EQ(keyring_filename_unescape("x%41y"), "xAy");
}

std::string item(const std::string& data_b64) {
    return R"json({"Key":"alice","Data":")json" + data_b64 +
           R"json(","Label":"aws-vault (alice)","Description":"","KeychainNotTrustApplication":true,)json"
           R"json("KeychainNotSynchronizable":false})json";
}

// base64 of
// {"AccessKeyID":"AKIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
// "SessionToken":"","Source":"","CanExpire":false,"Expires":"0001-01-01T00:00:00Z"} (aws.Credentials, v7)
constexpr const char* k_v7_data =
    "eyJBY2Nlc3NLZXlJRCI6IkFLSUFJT1NGT0ROTjdFWEFNUExFIiwiU2VjcmV0QWNjZXNzS2V5Ijoid0phbHJYVXRuRkVNSS9LN01ERU5H"
    "L2JQeFJm"
    "aUNZRVhBTVBMRUtFWSIsIlNlc3Npb25Ub2tlbiI6IiIsIlNvdXJjZSI6IiIsIkNhbkV4cGlyZSI6ZmFsc2UsIkV4cGlyZXMiOiIwMDAx"
    "LTAxLTAx"
    "VDAwOjAwOjAwWiJ9";
// base64 of
// {"AccessKeyId":"ASIAEXAMPLE","SecretAccessKey":"s","SessionToken":"t","Expiration":"2100-01-01T00:00:00Z"}
// (sts.Credentials: a session; Go matches AccessKeyId to AccessKeyID in any case)
constexpr const char* k_session_data =
    "eyJBY2Nlc3NLZXlJZCI6IkFTSUFFWEFNUExFIiwiU2VjcmV0QWNjZXNzS2V5IjoicyIsIlNlc3Npb25Ub2tlbiI6InQiLCJFeHBpcmF0"
    "aW9uIjoi"
    "MjEwMC0wMS0wMVQwMDowMDowMFoifQ==";

TEST(AwsVaultItems, ParsesCredentialsItems) {
    auto c = parse_aws_vault_item(Secret(item(k_v7_data)));
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->key, "alice");
    EXPECT_EQ(c->access_key_id, "AKIAIOSFODNN7EXAMPLE");
    EXPECT_EQ(c->secret_access_key.reveal(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    EXPECT_FALSE(c->has_session_token);

    auto s = parse_aws_vault_item(Secret(item(k_session_data)));
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->access_key_id, "ASIAEXAMPLE");
    EXPECT_TRUE(s->has_session_token);
}

TEST(AwsVaultItems, RefusesWhatIsNotCredentialsWithoutQuotingIt) {
    const std::string cases[] = {
        "not json",
        "[]",
        item("!!!"),
        item("bm90IGpzb24="),  // "not json"
        item(
            "eyJBY2Nlc3NLZXlJRCI6IiIsIlNlY3JldEFjY2Vzc0tleSI6IiJ9"),  // {"AccessKeyID":"","SecretAccessKey":""}
        item("eyJBY2Nlc3NLZXlJRCI6MX0="),                             // {"AccessKeyID":1}
        R"({"Key":1})",
    };
    for (const auto& c : cases) {
        auto parsed = parse_aws_vault_item(Secret(c));
        ASSERT_FALSE(parsed) << c;
        EXPECT_EQ(parsed.error().message.find("wJalr"), std::string::npos);
    }
}

}  // namespace
}  // namespace sesame
