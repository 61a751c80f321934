#include "aws/arn.hpp"

#include <gtest/gtest.h>

namespace sesame {
namespace {

TEST(PartitionOf, EveryPartitionByItsRegionPrefix) {
    const std::pair<std::string_view, std::string_view> cases[] = {
        {"us-east-1", "aws"},
        {"eu-west-1", "aws"},
        {"", "aws"},
        {"aws-global", "aws"},
        {"cn-north-1", "aws-cn"},
        {"us-gov-west-1", "aws-us-gov"},
        {"us-iso-east-1", "aws-iso"},
        {"us-isob-east-1", "aws-iso-b"},
        {"us-isof-south-1", "aws-iso-f"},
        {"eu-isoe-west-1", "aws-iso-e"},
        {"eusc-de-east-1", "aws-eusc"},
    };
    for (const auto& [region, name] : cases) EXPECT_EQ(partition_of(region).name, name) << region;
    EXPECT_EQ(partition_of("us-iso-east-1").dns_suffix, "c2s.ic.gov");
    EXPECT_EQ(partition_of("cn-northwest-1").dns_suffix, "amazonaws.com.cn");
}

TEST(RoleArnInAccount, UsesThePartitionOfTheRegion) {
    EXPECT_EQ(role_arn_in_account("us-east-1", "123456789012", "R"), "arn:aws:iam::123456789012:role/R");
    EXPECT_EQ(role_arn_in_account("cn-north-1", "123456789012", "R"), "arn:aws-cn:iam::123456789012:role/R");
    EXPECT_EQ(role_arn_in_account("us-gov-east-1", "123456789012", "R"),
              "arn:aws-us-gov:iam::123456789012:role/R");
    // A partition app/accounts.cpp's own table did not know: it built arn:aws: here.
    EXPECT_EQ(role_arn_in_account("us-iso-east-1", "123456789012", "R"),
              "arn:aws-iso:iam::123456789012:role/R");
    EXPECT_EQ(role_arn_in_account("", "123456789012", "R"), "arn:aws:iam::123456789012:role/R");
}

TEST(ParseArn, SplitsTheSixFieldsAndKeepsColonsInTheResource) {
    auto arn = parse_arn("arn:aws:logs:us-east-1:123456789012:log-group:name:*");
    ASSERT_TRUE(arn);
    EXPECT_EQ(arn->partition, "aws");
    EXPECT_EQ(arn->service, "logs");
    EXPECT_EQ(arn->region, "us-east-1");
    EXPECT_EQ(arn->account, "123456789012");
    EXPECT_EQ(arn->resource, "log-group:name:*");

    auto bucket = parse_arn("arn:aws-cn:s3:::bucket");
    ASSERT_TRUE(bucket);
    EXPECT_EQ(bucket->partition, "aws-cn");
    EXPECT_EQ(bucket->region, "");
    EXPECT_EQ(bucket->account, "");
    EXPECT_EQ(bucket->resource, "bucket");
}

TEST(ParseArn, RefusesWhatIsNotAnArn) {
    for (std::string_view text :
         {"", "arn", "arn:aws:iam::123456789012",
          "arn:aws:iam::123456789012:", "urn:aws:iam::123456789012:role/R", "arn::iam::123456789012:role/R",
          "arn:AWS:iam::123456789012:role/R", "arn:aws::::x", "ARN:aws:iam::1:role/R"})
        EXPECT_FALSE(parse_arn(text)) << text;
}

TEST(IsRoleArn, AcceptsIamRolesInAnyPartition) {
    for (std::string_view text : {
             "arn:aws:iam::123456789012:role/admin",
             "arn:aws-cn:iam::123456789012:role/path/x-y_z@a.b",
             "arn:aws-iso-b:iam::123456789012:role/a+b=c,d.e@f_g-h",
             "arn:aws:iam::123456789012:role/R",
         })
        EXPECT_TRUE(is_role_arn(text)) << text;
}

TEST(IsRoleArn, RefusesEverythingElse) {
    for (std::string_view text : {
             "arn:aws:iam::123456789012:user/alice",       // not a role
             "arn:aws:iam::12345678901:role/admin",        // 11 digits
             "arn:aws:iam::1234567890123:role/admin",      // 13 digits
             "arn:aws:iam::12345678901x:role/admin",       // not digits
             "arn:aws:iam::123456789012:role/",            // no name
             "arn:aws:iam::123456789012:role/path/",       // a path without a name
             "arn:aws:iam::123456789012:role/a b",         // a space
             "arn:aws:iam::123456789012:role/a:b",         // a colon
             "arn:aws:sts::123456789012:role/R",           // not IAM
             "arn:aws:iam:us-east-1:123456789012:role/R",  // IAM has no region
             "arn:Aws:iam::123456789012:role/R",           // partition in capitals
             "arn::iam::123456789012:role/R",              // no partition
             "role/R",
         })
        EXPECT_FALSE(is_role_arn(text)) << text;
}

}  // namespace
}  // namespace sesame
