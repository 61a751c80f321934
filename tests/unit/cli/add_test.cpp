#include "cli/add.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "config/aws_config.hpp"

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

namespace sesame {
namespace {

/// What botocore maps `text`'s sections to: the profile names it can be asked for.
std::vector<std::string> profiles_in(const std::string& text) {
    auto cfg = AwsConfig::parse(text, "", {"config", "credentials"});
    EXPECT_TRUE(cfg) << cfg.error().message;
    return cfg ? cfg->profile_names() : std::vector<std::string>{};
}

TEST(WithProfileSection, NamesBotocoreSplitsAreQuotedAndAddedOnce) {
    for (std::string name : {"carol smith", "o'neil", "a\"b", "back\\slash", "plain"}) {
        SCOPED_TRACE(name);
        auto once = with_profile_section("[default]\nregion = x\n", name,
                                         *AwsConfig::parse("[default]\nregion = x\n", "", {}));
        ASSERT_TRUE(once);
        auto names = profiles_in(*once);
        EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << *once;
        // Adding it again finds the section it wrote: no second, identical section.
        auto cfg = AwsConfig::parse(*once, "", {"config", "credentials"});
        ASSERT_TRUE(cfg);
        EXPECT_FALSE(with_profile_section(*once, name, *cfg)) << *once;
    }
}

}  // namespace
}  // namespace sesame
