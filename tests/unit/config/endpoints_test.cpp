#include "config/endpoints.hpp"

#include <gtest/gtest.h>

namespace sesame {
namespace {

ProfileConfig profile(std::string region, std::string sts_mode = "") {
    ProfileConfig p;
    p.name.assign(1, 'p');
    p.region = std::move(region);
    p.sts_regional_endpoints = std::move(sts_mode);
    return p;
}

// Each expectation was checked against botocore 1.43 (client.meta.endpoint_url and signing region).
TEST(ResolveEndpoint, StandardEndpointsPerPartition) {
    struct Case {
        const char* service;
        std::string region, sts_mode;
        ServiceEndpoint expected;
    };
    const Case cases[] = {
        {"sts", "us-west-2", "", {"https://sts.us-west-2.amazonaws.com", "us-west-2"}},
        {"sts", "us-east-1", "regional", {"https://sts.us-east-1.amazonaws.com", "us-east-1"}},
        {"sts", "eu-west-1", "legacy", {"https://sts.amazonaws.com", "us-east-1"}},
        {"sts", "ap-east-1", "legacy", {"https://sts.ap-east-1.amazonaws.com", "ap-east-1"}},
        {"sts", "", "", {"https://sts.amazonaws.com", "us-east-1"}},
        {"sts", "aws-global", "", {"https://sts.amazonaws.com", "us-east-1"}},
        {"sts", "cn-north-1", "legacy", {"https://sts.cn-north-1.amazonaws.com.cn", "cn-north-1"}},
        {"sts", "us-gov-west-1", "", {"https://sts.us-gov-west-1.amazonaws.com", "us-gov-west-1"}},
        {"sts", "us-isob-east-1", "", {"https://sts.us-isob-east-1.sc2s.sgov.gov", "us-isob-east-1"}},
        {"iam", "eu-west-1", "", {"https://iam.amazonaws.com", "us-east-1"}},
        {"iam", "", "", {"https://iam.amazonaws.com", "us-east-1"}},
        {"iam", "cn-northwest-1", "", {"https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"}},
        {"iam", "us-gov-east-1", "", {"https://iam.us-gov.amazonaws.com", "us-gov-west-1"}},
        {"iam", "us-iso-east-1", "", {"https://iam.us-iso-east-1.c2s.ic.gov", "us-iso-east-1"}},
        {"organizations", "eu-west-1", "", {"https://organizations.us-east-1.amazonaws.com", "us-east-1"}},
        {"organizations",
         "cn-north-1",
         "",
         {"https://organizations.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"}},
        {"organizations",
         "us-gov-east-1",
         "",
         {"https://organizations.us-gov-west-1.amazonaws.com", "us-gov-west-1"}},
    };
    const AwsConfig cfg;
    for (const auto& c : cases) {
        SCOPED_TRACE(std::string(c.service) + " " + c.region + " " + c.sts_mode);
        ServiceEndpoint e = resolve_endpoint(c.service, profile(c.region, c.sts_mode), cfg, Env());
        EXPECT_EQ(e.url, c.expected.url);
        EXPECT_EQ(e.signing_region, c.expected.signing_region);
    }
}

TEST(ResolveEndpoint, ConfiguredEndpointsInBotocoresOrder) {
    auto cfg = AwsConfig::parse(
        "[services local]\nsts =\n  endpoint_url = http://127.0.0.1:5\n"
        "[services flat]\nsts = http://127.0.0.1:6\n",
        "", {"~/.aws/config", "~/.aws/credentials"});
    ASSERT_TRUE(cfg) << cfg.error().message;
    struct Case {
        const char* name;
        const char* service;
        std::map<std::string, std::string> env;
        std::string region, services, endpoint_url;
        bool ignore_in_profile;
        ServiceEndpoint expected;
    };
    const std::map<std::string, std::string> both = {{"AWS_ENDPOINT_URL_STS", "http://s"},
                                                     {"AWS_ENDPOINT_URL", "http://g"}};
    auto both_ignored = both;
    both_ignored["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "True";
    const Case cases[] = {
        {"service variable first",
         "sts",
         both,
         "eu-west-1",
         "local",
         "http://p",
         false,
         {"http://s", "eu-west-1"}},
        {"then the global variable",
         "sts",
         {{"AWS_ENDPOINT_URL", "http://g"}},
         "eu-west-1",
         "local",
         "http://p",
         false,
         {"http://g", "eu-west-1"}},
        {"then the services block",
         "sts",
         {},
         "eu-west-1",
         "local",
         "http://p",
         false,
         {"http://127.0.0.1:5", "eu-west-1"}},
        {"then the profile's endpoint_url",
         "iam",
         {},
         "eu-west-1",
         "local",
         "http://p",
         false,
         {"http://p", "eu-west-1"}},
        {"a flat services entry is not a block",
         "sts",
         {},
         "",
         "flat",
         "",
         false,
         {"https://sts.amazonaws.com", "us-east-1"}},
        {"custom endpoint without region signs us-east-1",
         "sts",
         {},
         "",
         "",
         "http://p",
         false,
         {"http://p", "us-east-1"}},
        {"service variable matches the service",
         "organizations",
         {{"AWS_ENDPOINT_URL_ORGANIZATIONS", "http://o"}},
         "",
         "",
         "",
         false,
         {"http://o", "us-east-1"}},
        {"other service's variable ignored",
         "iam",
         {{"AWS_ENDPOINT_URL_STS", "http://s"}},
         "",
         "",
         "",
         false,
         {"https://iam.amazonaws.com", "us-east-1"}},
        {"ignored by variable",
         "sts",
         both_ignored,
         "eu-west-1",
         "local",
         "http://p",
         false,
         {"https://sts.eu-west-1.amazonaws.com", "eu-west-1"}},
        {"ignored by profile",
         "sts",
         both,
         "eu-west-1",
         "local",
         "http://p",
         true,
         {"https://sts.eu-west-1.amazonaws.com", "eu-west-1"}},
        {"variable false beats profile true",
         "sts",
         {{"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false"}},
         "eu-west-1",
         "",
         "http://p",
         true,
         {"http://p", "eu-west-1"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        ProfileConfig p = profile(c.region);
        p.services_name = c.services;
        p.endpoint_url = c.endpoint_url;
        p.ignore_configured_endpoint_urls = c.ignore_in_profile;
        ServiceEndpoint e = resolve_endpoint(c.service, p, *cfg, Env(c.env));
        EXPECT_EQ(e.url, c.expected.url);
        EXPECT_EQ(e.signing_region, c.expected.signing_region);
    }
}

}  // namespace
}  // namespace sesame
