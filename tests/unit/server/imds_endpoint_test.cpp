#include "server/imds_endpoint.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace sesame {
namespace {

using namespace std::chrono;

class Imds : public ::testing::Test {
  protected:
    Imds() { EXPECT_TRUE(creds.start(false)); }
    ServerRequest req(std::string method, std::string path, Headers headers = {}) {
        ServerRequest r;
        r.method = std::move(method);
        r.target = r.path = std::move(path);
        r.headers = std::move(headers);
        return r;
    }
    std::string token(int ttl = 60) {
        auto r = endpoint.handle(
            req("PUT", "/latest/api/token", {{"x-aws-ec2-metadata-token-ttl-seconds", std::to_string(ttl)}}));
        EXPECT_EQ(r.status, 200);
        return r.body;
    }

    FixedClock clock{sys_days{2026y / 11 / 20}};
    Log log;
    RefreshingCredentials creds{[this]() -> Result<Credentials> {
                                    Credentials c;
                                    c.access_key_id = "ASIAIMDS";
                                    c.secret_access_key = Secret("imds-secret");
                                    c.session_token = Secret("imds-token");
                                    c.expiration = clock.now() + hours(1);
                                    return c;
                                },
                                clock, log};
    ImdsEndpoint endpoint{creds, ImdsOptions{false, "admin", "eu-west-1", "123456789012"}, clock, log};
};

TEST_F(Imds, ServesCredentialsInBotocoresFormatWithAToken) {
    std::string t = token();
    auto list = endpoint.handle(
        req("GET", "/latest/meta-data/iam/security-credentials/", {{"x-aws-ec2-metadata-token", t}}));
    EXPECT_EQ(list.status, 200);
    EXPECT_EQ(list.body, "admin");
    auto r = endpoint.handle(
        req("GET", "/latest/meta-data/iam/security-credentials/admin", {{"x-aws-ec2-metadata-token", t}}));
    ASSERT_EQ(r.status, 200);
    auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["Code"], "Success");
    EXPECT_EQ(j["AccessKeyId"], "ASIAIMDS");
    EXPECT_EQ(j["Token"], "imds-token");
    EXPECT_EQ(j["Expiration"], "2026-11-20T01:00:00Z");
    auto doc = endpoint.handle(
        req("GET", "/latest/dynamic/instance-identity/document", {{"x-aws-ec2-metadata-token", t}}));
    EXPECT_EQ(nlohmann::json::parse(doc.body)["region"], "eu-west-1");
    auto az = endpoint.handle(
        req("GET", "/latest/meta-data/placement/availability-zone/", {{"x-aws-ec2-metadata-token", t}}));
    EXPECT_EQ(az.body, "eu-west-1a");
}

TEST_F(Imds, RefusesRequestsWithoutAValidToken) {
    std::string t = token(60);
    struct Case {
        Headers headers;
        const char* why;
    } cases[] = {
        {{}, "no token"},
        {{{"x-aws-ec2-metadata-token", "garbage"}}, "garbage"},
        {{{"x-aws-ec2-metadata-token", t.substr(0, t.size() - 1) + (t.back() == '0' ? "1" : "0")}},
         "forged mac"},
        {{{"x-aws-ec2-metadata-token", "9999999999." + t.substr(t.find('.') + 1)}}, "extended expiry"},
    };
    for (const auto& c : cases) {
        auto r = endpoint.handle(req("GET", "/latest/meta-data/iam/security-credentials/admin", c.headers));
        EXPECT_EQ(r.status, 401) << c.why;
        EXPECT_EQ(r.body.find("ASIAIMDS"), std::string::npos) << c.why;
    }
    clock.advance(seconds(61));
    auto expired = endpoint.handle(
        req("GET", "/latest/meta-data/iam/security-credentials/", {{"x-aws-ec2-metadata-token", t}}));
    EXPECT_EQ(expired.status, 401) << "expired token";
}

TEST_F(Imds, TokenRequestsAreValidated) {
    for (const char* ttl : {"0", "21601", "abc", "-5", "60abc", "60 ", "+60", "0x3c", ""}) {
        auto r =
            endpoint.handle(req("PUT", "/latest/api/token", {{"x-aws-ec2-metadata-token-ttl-seconds", ttl}}));
        EXPECT_EQ(r.status, 400) << ttl;
    }
    EXPECT_EQ(endpoint.handle(req("PUT", "/latest/api/token")).status, 400);
    auto forwarded = endpoint.handle(
        req("PUT", "/latest/api/token",
            {{"x-aws-ec2-metadata-token-ttl-seconds", "60"}, {"x-forwarded-for", "10.0.0.1"}}));
    EXPECT_EQ(forwarded.status, 403);
    auto ok =
        endpoint.handle(req("PUT", "/latest/api/token", {{"x-aws-ec2-metadata-token-ttl-seconds", "21600"}}));
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(*ok.headers.begin(), (std::pair<std::string, std::string>{"Content-Type", "text/plain"}));
}

/// Token times were whole seconds: a token asked for at 100.9 s with a TTL of 1 s died at 101 s.
TEST_F(Imds, ATokenLivesItsWholeTtl) {
    clock.advance(milliseconds(900));
    std::string t = token(1);
    auto read = [&] {
        return endpoint
            .handle(req("GET", "/latest/meta-data/iam/security-credentials/admin",
                        {{"x-aws-ec2-metadata-token", t}}))
            .status;
    };
    clock.advance(milliseconds(950));
    EXPECT_EQ(read(), 200) << "0.95 s into a 1 s token";
    clock.advance(milliseconds(50));
    EXPECT_EQ(read(), 401) << "expired after 1 s";
}

TEST_F(Imds, Imdsv1AllowsTokenlessReads) {
    ImdsEndpoint v1{creds, ImdsOptions{true, "admin", "eu-west-1", "123456789012"}, clock, log};
    auto r = v1.handle(req("GET", "/latest/meta-data/iam/security-credentials/admin"));
    EXPECT_EQ(r.status, 200);
}

TEST_F(Imds, InstanceProfileArnIsInTheRegionsPartition) {
    auto info = [&](std::string region) {
        ImdsEndpoint e{creds, ImdsOptions{true, "admin", std::move(region), "123456789012"}, clock, log};
        auto r = e.handle(req("GET", "/latest/meta-data/iam/info"));
        EXPECT_EQ(r.status, 200);
        return nlohmann::json::parse(r.body)["InstanceProfileArn"].get<std::string>();
    };
    EXPECT_EQ(info("eu-west-1"), "arn:aws:iam::123456789012:instance-profile/admin");
    EXPECT_EQ(info("cn-north-1"), "arn:aws-cn:iam::123456789012:instance-profile/admin");
    EXPECT_EQ(info("us-gov-west-1"), "arn:aws-us-gov:iam::123456789012:instance-profile/admin");
}

TEST_F(Imds, UnknownPathsAndRolesAre404) {
    std::string t = token();
    EXPECT_EQ(endpoint
                  .handle(req("GET", "/latest/meta-data/iam/security-credentials/other",
                              {{"x-aws-ec2-metadata-token", t}}))
                  .status,
              404);
    EXPECT_EQ(endpoint.handle(req("GET", "/nope", {{"x-aws-ec2-metadata-token", t}})).status, 404);
    EXPECT_EQ(endpoint.handle(req("POST", "/latest/api/token")).status, 405);
}

}  // namespace
}  // namespace sesame
