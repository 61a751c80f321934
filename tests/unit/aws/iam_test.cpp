#include "aws/iam.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "fake_http.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

using namespace std::chrono_literals;

/// Records every request and answers from a script.
using testing::FakeHttp;

struct Harness {
    FakeHttp http;
    FixedClock clock{std::chrono::sys_days{std::chrono::year{2024} / 5 / 1}};
    QueryApi api{http, clock, {"https://iam.amazonaws.com", "us-east-1"}, RetryPolicy{2}, [](auto) {}};
    Iam iam{api};
    Credentials caller{"AKIDEXAMPLE", Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), Secret(), {}};

    std::vector<std::string> bodies() const {
        std::vector<std::string> out;
        for (const auto& r : http.requests) out.push_back(r.body);
        return out;
    }
};

/// A response shaped as the IAM API reference shows them.
std::string response(std::string_view action, std::string_view result) {
    return fmt::format(R"(<{0}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <{0}Result>{1}</{0}Result>
  <ResponseMetadata>
    <RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId>
  </ResponseMetadata>
</{0}Response>)",
                       action, result);
}

std::string empty_response(std::string_view action) {
    return fmt::format(R"(<{0}Response xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <ResponseMetadata><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></ResponseMetadata>
</{0}Response>)",
                       action);
}

std::string error_xml(std::string_view code, std::string_view message) {
    return fmt::format(R"(<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">
  <Error><Type>Sender</Type><Code>{}</Code><Message>{}</Message></Error>
  <RequestId>4a6d2a5b-0000-11e0-8154-cbc7ccf896c7</RequestId>
</ErrorResponse>)",
                       code, message);
}

TimePoint at(std::string_view rfc3339) {
    return *parse_rfc3339(rfc3339);
}

/// Success or the error of any result, for tables of calls with different result types.
template <class T>
Result<void> status(const Result<T>& result) {
    if (!result) return std::unexpected(result.error());
    return {};
}

TEST(Iam, GetUserOfTheCallerSendsNoUserNameAndReadsTheUser) {
    Harness h;
    h.http.reply(200, response("GetUser", R"(
      <User>
         <UserId>AIDACKCEVSQ6C2EXAMPLE</UserId>
         <Path>/division_abc/subdivision_xyz/</Path>
         <UserName>Bob</UserName>
         <Arn>arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob</Arn>
         <CreateDate>2013-10-02T17:01:44Z</CreateDate>
         <PasswordLastUsed>2014-10-10T14:37:51Z</PasswordLastUsed>
      </User>)"));

    auto user = h.iam.get_user(h.caller);

    ASSERT_TRUE(user) << user.error().message;
    EXPECT_EQ(user->user_name, "Bob");
    EXPECT_EQ(user->arn, "arn:aws:iam::123456789012:user/division_abc/subdivision_xyz/Bob");
    EXPECT_EQ(user->user_id, "AIDACKCEVSQ6C2EXAMPLE");
    EXPECT_EQ(h.bodies(), std::vector<std::string>{"Action=GetUser&Version=2010-05-08"});
    EXPECT_EQ(h.http.requests[0].url, "https://iam.amazonaws.com");
}

TEST(Iam, GetUserOfRootHasNoUserName) {
    Harness h;
    h.http.reply(200, response("GetUser", R"(<User><UserId>123456789012</UserId>
        <Arn>arn:aws:iam::123456789012:root</Arn><CreateDate>2013-10-02T17:01:44Z</CreateDate></User>)"));

    auto user = h.iam.get_user(h.caller, "Bob Smith");

    ASSERT_TRUE(user) << user.error().message;
    EXPECT_EQ(user->user_name, "");
    EXPECT_EQ(user->arn, "arn:aws:iam::123456789012:root");
    EXPECT_EQ(h.bodies(), std::vector<std::string>{"Action=GetUser&Version=2010-05-08&UserName=Bob%20Smith"});
}

TEST(Iam, MissingFieldsAreErrorsNamingThem) {
    struct Case {
        std::function<Result<void>(Iam&, const Credentials&)> call;
        std::string body;
        std::string message;
    };
    const std::vector<Case> cases = {
        {[](Iam& iam, const Credentials& c) { return status(iam.get_user(c)); },
         response("GetUser", "<User><UserId>AIDA</UserId></User>"),
         "malformed GetUser response from IAM: missing User/Arn"},
        {[](Iam& iam, const Credentials& c) { return status(iam.get_user(c)); }, "<Other/>",
         "malformed GetUser response from IAM: missing User/Arn"},
        {[](Iam& iam, const Credentials& c) { return status(iam.create_access_key(c)); },
         response("CreateAccessKey", "<AccessKey><AccessKeyId>AKIA</AccessKeyId></AccessKey>"),
         "malformed CreateAccessKey response from IAM: missing SecretAccessKey"},
        {[](Iam& iam, const Credentials& c) { return status(iam.create_virtual_mfa_device(c, "x")); },
         response("CreateVirtualMFADevice",
                  "<VirtualMFADevice><Base32StringSeed>AB</Base32StringSeed>"
                  "</VirtualMFADevice>"),
         "malformed CreateVirtualMFADevice response from IAM: missing VirtualMFADevice/SerialNumber"},
        {[](Iam& iam, const Credentials& c) { return status(iam.list_access_keys(c)); },
         response("ListAccessKeys", "<IsTruncated>false</IsTruncated>"),
         "malformed ListAccessKeys response from IAM: missing AccessKeyMetadata"},
        {[](Iam& iam, const Credentials& c) { return status(iam.list_mfa_devices(c)); },
         response("ListMFADevices",
                  "<MFADevices><member><SerialNumber>s</SerialNumber>"
                  "<EnableDate>yesterday</EnableDate></member></MFADevices>"),
         "malformed ListMFADevices response from IAM: EnableDate \"yesterday\" is not a timestamp"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.message);
        Harness h;
        h.http.reply(200, c.body);
        auto result = c.call(h.iam, h.caller);
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().message, c.message);
    }
}

TEST(Iam, ListMfaDevicesFollowsMarkersAcrossPages) {
    Harness h;
    h.http.reply(200, response("ListMFADevices", R"(
      <IsTruncated>true</IsTruncated>
      <Marker>page/2+</Marker>
      <MFADevices>
         <member>
            <UserName>Bob</UserName>
            <SerialNumber>R1234</SerialNumber>
            <EnableDate>2011-10-12T23:30:00Z</EnableDate>
         </member>
      </MFADevices>)"));
    h.http.reply(200, response("ListMFADevices", R"(
      <IsTruncated>false</IsTruncated>
      <MFADevices>
         <member>
            <UserName>Bob</UserName>
            <SerialNumber>arn:aws:iam::123456789012:mfa/Bob</SerialNumber>
         </member>
      </MFADevices>)"));

    auto devices = h.iam.list_mfa_devices(h.caller, "Bob");

    ASSERT_TRUE(devices) << devices.error().message;
    ASSERT_EQ(devices->size(), 2u);
    EXPECT_EQ((*devices)[0].serial_number, "R1234");
    EXPECT_EQ((*devices)[0].user_name, "Bob");
    EXPECT_EQ((*devices)[0].enable_date, at("2011-10-12T23:30:00Z"));
    EXPECT_EQ((*devices)[1].serial_number, "arn:aws:iam::123456789012:mfa/Bob");
    EXPECT_EQ((*devices)[1].enable_date, std::nullopt);
    EXPECT_EQ(h.bodies(), (std::vector<std::string>{
                              "Action=ListMFADevices&Version=2010-05-08&UserName=Bob",
                              "Action=ListMFADevices&Version=2010-05-08&UserName=Bob&Marker=page%2F2%2B",
                          }));
}

TEST(Iam, BrokenPaginationIsAnError) {
    const std::string page_without_marker =
        response("ListAccessKeys", "<IsTruncated>true</IsTruncated><AccessKeyMetadata/>");
    const std::string page_with_marker =
        response("ListAccessKeys", "<IsTruncated>true</IsTruncated><Marker>m</Marker><AccessKeyMetadata/>");
    {
        Harness h;
        h.http.reply(200, page_without_marker);
        auto keys = h.iam.list_access_keys(h.caller);
        ASSERT_FALSE(keys);
        EXPECT_EQ(keys.error().message,
                  "malformed ListAccessKeys response from IAM: IsTruncated without a Marker");
    }
    {
        Harness h;
        h.http.reply(200, page_with_marker);
        h.http.reply(200, page_with_marker);
        auto keys = h.iam.list_access_keys(h.caller);
        ASSERT_FALSE(keys);
        EXPECT_EQ(keys.error().message, "malformed ListAccessKeys response from IAM: the same Marker twice");
        EXPECT_EQ(h.http.requests.size(), 2u);
    }
}

TEST(Iam, CreateVirtualMfaDeviceReturnsTheSeedAndIgnoresTheQrCode) {
    Harness h;
    h.http.reply(200, response("CreateVirtualMFADevice", R"(
    <VirtualMFADevice>
      <SerialNumber>arn:aws:iam::123456789012:mfa/ExampleName</SerialNumber>
      <Base32StringSeed>2K5K5XTLA7GGE75TQLYEXAMPLEEXAMPLEEXAMPLECHDFW4KJYZ6UFQ75LL7COCYKM</Base32StringSeed>
      <QRCodePNG>89504E470D0A1A0AASDFAHSDFKJKLJFKALSDFJASDF</QRCodePNG>
    </VirtualMFADevice>)"));

    auto device = h.iam.create_virtual_mfa_device(h.caller, "alice");

    ASSERT_TRUE(device) << device.error().message;
    EXPECT_EQ(device->serial_number, "arn:aws:iam::123456789012:mfa/ExampleName");
    EXPECT_EQ(device->base32_seed.reveal(),
              "2K5K5XTLA7GGE75TQLYEXAMPLEEXAMPLEEXAMPLECHDFW4KJYZ6UFQ75LL7COCYKM");
    EXPECT_EQ(h.bodies(),
              std::vector<std::string>{
                  "Action=CreateVirtualMFADevice&Version=2010-05-08&VirtualMFADeviceName=alice&Path=%2F"});
}

TEST(Iam, EnableMfaDeviceSendsBothCodes) {
    Harness h;
    h.http.reply(200, empty_response("EnableMFADevice"));

    auto done = h.iam.enable_mfa_device(
        h.caller, {"Bob", "arn:aws:iam::123456789012:mfa/Bob", Secret("123456"), Secret("654321")});

    ASSERT_TRUE(done) << done.error().message;
    EXPECT_EQ(h.bodies(),
              std::vector<std::string>{"Action=EnableMFADevice&Version=2010-05-08&UserName=Bob"
                                       "&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2FBob"
                                       "&AuthenticationCode1=123456&AuthenticationCode2=654321"});
}

TEST(Iam, ActionsWithoutResultSendTheirParameters) {
    struct Case {
        std::string action;
        std::function<Result<void>(Iam&, const Credentials&)> call;
        std::string body;
    };
    const std::vector<Case> cases = {
        {"DeactivateMFADevice",
         [](Iam& iam, const Credentials& c) { return iam.deactivate_mfa_device(c, "R1234"); },
         "Action=DeactivateMFADevice&Version=2010-05-08&SerialNumber=R1234"},
        {"DeactivateMFADevice",
         [](Iam& iam, const Credentials& c) { return iam.deactivate_mfa_device(c, "R1234", "Bob"); },
         "Action=DeactivateMFADevice&Version=2010-05-08&UserName=Bob&SerialNumber=R1234"},
        {"DeleteVirtualMFADevice",
         [](Iam& iam, const Credentials& c) {
             return iam.delete_virtual_mfa_device(c, "arn:aws:iam::123456789012:mfa/Bob");
         },
         "Action=DeleteVirtualMFADevice&Version=2010-05-08&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%"
         "3Amfa%2FBob"},
        {"DeleteAccessKey",
         [](Iam& iam, const Credentials& c) { return iam.delete_access_key(c, "AKIAIOSFODNN7EXAMPLE"); },
         "Action=DeleteAccessKey&Version=2010-05-08&AccessKeyId=AKIAIOSFODNN7EXAMPLE"},
        {"DeleteAccessKey",
         [](Iam& iam, const Credentials& c) {
             return iam.delete_access_key(c, "AKIAIOSFODNN7EXAMPLE", "Bob");
         },
         "Action=DeleteAccessKey&Version=2010-05-08&UserName=Bob&AccessKeyId=AKIAIOSFODNN7EXAMPLE"},
        {"UpdateAccessKey",
         [](Iam& iam, const Credentials& c) {
             return iam.update_access_key(c, "AKIAIOSFODNN7EXAMPLE", AccessKeyStatus::inactive);
         },
         "Action=UpdateAccessKey&Version=2010-05-08&AccessKeyId=AKIAIOSFODNN7EXAMPLE&Status=Inactive"},
        {"UpdateAccessKey",
         [](Iam& iam, const Credentials& c) {
             return iam.update_access_key(c, "AKIAIOSFODNN7EXAMPLE", AccessKeyStatus::active, "Bob");
         },
         "Action=UpdateAccessKey&Version=2010-05-08&UserName=Bob&AccessKeyId=AKIAIOSFODNN7EXAMPLE&Status="
         "Active"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.body);
        Harness h;
        h.http.reply(200, empty_response(c.action));
        auto done = c.call(h.iam, h.caller);
        ASSERT_TRUE(done) << done.error().message;
        EXPECT_EQ(h.bodies(), std::vector<std::string>{c.body});
    }
}

TEST(Iam, ListAccessKeysReadsEveryKey) {
    Harness h;
    h.http.reply(200, response("ListAccessKeys", R"(
      <UserName>Bob</UserName>
      <AccessKeyMetadata>
         <member>
            <UserName>Bob</UserName>
            <AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId>
            <Status>Active</Status>
            <CreateDate>2012-05-08T23:34:01Z</CreateDate>
         </member>
         <member>
            <UserName>Bob</UserName>
            <AccessKeyId>AKIAI44QH8DHBEXAMPLE</AccessKeyId>
            <Status>Inactive</Status>
         </member>
      </AccessKeyMetadata>
      <IsTruncated>false</IsTruncated>)"));

    auto keys = h.iam.list_access_keys(h.caller);

    ASSERT_TRUE(keys) << keys.error().message;
    ASSERT_EQ(keys->size(), 2u);
    EXPECT_EQ((*keys)[0].access_key_id, "AKIAIOSFODNN7EXAMPLE");
    EXPECT_EQ((*keys)[0].status, "Active");
    EXPECT_EQ((*keys)[0].user_name, "Bob");
    EXPECT_EQ((*keys)[0].create_date, at("2012-05-08T23:34:01Z"));
    EXPECT_EQ((*keys)[1].access_key_id, "AKIAI44QH8DHBEXAMPLE");
    EXPECT_EQ((*keys)[1].status, "Inactive");
    EXPECT_EQ((*keys)[1].create_date, std::nullopt);
    EXPECT_EQ(h.bodies(), std::vector<std::string>{"Action=ListAccessKeys&Version=2010-05-08"});
}

TEST(Iam, CreateAccessKeyReturnsLongTermCredentials) {
    Harness h;
    h.http.reply(200, response("CreateAccessKey", R"(
     <AccessKey>
         <UserName>Bob</UserName>
         <AccessKeyId>AKIAIOSFODNN7EXAMPLE</AccessKeyId>
         <Status>Active</Status>
         <SecretAccessKey>
         wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY
         </SecretAccessKey>
         <CreateDate>2024-04-30T12:00:00Z</CreateDate>
      </AccessKey>)"));

    auto key = h.iam.create_access_key(h.caller, "Bob");

    ASSERT_TRUE(key) << key.error().message;
    EXPECT_EQ(key->credentials.access_key_id, "AKIAIOSFODNN7EXAMPLE");
    EXPECT_EQ(key->credentials.secret_access_key.reveal(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
    EXPECT_FALSE(key->credentials.is_temporary());
    EXPECT_EQ(key->credentials.expiration, std::nullopt);
    EXPECT_EQ(key->user_name, "Bob");
    EXPECT_EQ(key->create_date, at("2024-04-30T12:00:00Z"));
    EXPECT_EQ(h.bodies(), std::vector<std::string>{"Action=CreateAccessKey&Version=2010-05-08&UserName=Bob"});
}

TEST(Iam, AwsErrorsPassThroughWithHints) {
    struct Case {
        std::string code;
        std::string message;
        std::function<Result<void>(Iam&, const Credentials&)> call;
        std::string expected;
        std::string hint_part;
    };
    const std::vector<Case> cases = {
        {"NoSuchEntity", "The user with name Bob cannot be found.",
         [](Iam& iam, const Credentials& c) { return status(iam.get_user(c, "Bob")); },
         "GetUser failed: NoSuchEntity: The user with name Bob cannot be found.", ""},
        {"LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2",
         [](Iam& iam, const Credentials& c) { return status(iam.create_access_key(c)); },
         "CreateAccessKey failed: LimitExceeded: Cannot exceed quota for AccessKeysPerUser: 2",
         "two access keys"},
        {"InvalidAuthenticationCode", "Authentication code for device is not valid.",
         [](Iam& iam, const Credentials& c) {
             return iam.enable_mfa_device(c, {"Bob", "arn", Secret("111111"), Secret("222222")});
         },
         "EnableMFADevice failed: InvalidAuthenticationCode: Authentication code for device is not valid.",
         "consecutive codes"},
        {"EntityAlreadyExists", "MFADevice entity at the same path and name already exists.",
         [](Iam& iam, const Credentials& c) { return status(iam.create_virtual_mfa_device(c, "alice")); },
         "CreateVirtualMFADevice failed: EntityAlreadyExists: MFADevice entity at the same path and name "
         "already "
         "exists.",
         "another name"},
        {"AccessDenied",
         "User: arn:aws:iam::123456789012:user/Bob is not authorized to perform: iam:ListAccessKeys",
         [](Iam& iam, const Credentials& c) { return status(iam.list_access_keys(c)); },
         "ListAccessKeys failed: AccessDenied: User: arn:aws:iam::123456789012:user/Bob is not authorized to "
         "perform: iam:ListAccessKeys",
         "allow iam:ListAccessKeys"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.code);
        Harness h;
        h.http.reply(c.code == "AccessDenied" ? 403 : 400, error_xml(c.code, c.message));
        auto result = c.call(h.iam, h.caller);
        ASSERT_FALSE(result);
        EXPECT_EQ(result.error().message, c.expected);
        if (c.hint_part.empty()) {
            EXPECT_EQ(result.error().hint, "");
        } else {
            EXPECT_NE(result.error().hint.find(c.hint_part), std::string::npos) << result.error().hint;
        }
        EXPECT_EQ(h.http.requests.size(), 1u);
    }
}

TEST(Iam, SessionCredentialsWithoutMfaGetTheirOwnHint) {
    Harness h;
    h.http.reply(403,
                 error_xml("InvalidClientTokenId", "The security token included in the request is invalid"));
    h.http.reply(403,
                 error_xml("InvalidClientTokenId", "The security token included in the request is invalid"));
    Credentials session{
        "ASIAEXAMPLE", Secret("session-secret-0123456789"), Secret("FwoGZXIvYXdzEXAMPLE"), {}};

    auto from_session = h.iam.list_access_keys(session);
    auto from_key = h.iam.list_access_keys(h.caller);

    ASSERT_FALSE(from_session);
    EXPECT_NE(from_session.error().hint.find("GetSessionToken without MFA"), std::string::npos)
        << from_session.error().hint;
    ASSERT_FALSE(from_key);
    EXPECT_NE(from_key.error().hint.find("access key id is wrong"), std::string::npos)
        << from_key.error().hint;
}

}  // namespace
}  // namespace sesame
