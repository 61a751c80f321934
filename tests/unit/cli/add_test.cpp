#include "cli/add.hpp"

#include <gtest/gtest.h>

namespace sesame {
namespace {

/// Typing the secret where the key id goes once printed 8 of its characters in the error.
TEST(CheckAccessKeyId, ShowsNothingOfWhatWasTypedWhenItIsNotAnId) {
    const std::string secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    auto checked = check_access_key_id(secret);
    ASSERT_FALSE(checked);
    const std::string all = checked.error().message + " " + checked.error().hint;
    for (size_t i = 0; i + 3 <= secret.size(); ++i)
        EXPECT_EQ(all.find(secret.substr(i, 3)), std::string::npos) << secret.substr(i, 3) << " in: " << all;
    EXPECT_NE(all.find("looks like a secret access key"), std::string::npos) << all;
    EXPECT_TRUE(check_access_key_id("AKIAIOSFODNN7EXAMPLE"));
    EXPECT_FALSE(check_access_key_id("ASIAIOSFODNN7EXAMPLE"));
}

}  // namespace
}  // namespace sesame
