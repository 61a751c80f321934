#include "config/config_editor.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/aws_config.hpp"

namespace sesame {
namespace {

struct Case {
    std::string name;
    std::string before;
    std::string profile;
    std::string key;
    std::string value;
    std::string after;
};

/// The value of `key` in profile `profile` as sesame (like botocore) reads `config`.
std::string read_back(const std::string& config, const std::string& profile, const std::string& key) {
    auto cfg = AwsConfig::parse(config, "", {"~/.aws/config", "~/.aws/credentials"});
    if (!cfg) return "<parse error: " + cfg.error().message + ">";
    const IniSection* section = cfg->profile(profile);
    if (!section) return "<no profile>";
    const IniValue* value = section->find(key);
    return value ? value->value : "<no key>";
}

TEST(SetProfileKey, EditsOnlyTheLineItMust) {
    const std::vector<Case> cases = {
        {"replaces an existing key", "[profile dev]\nregion = us-east-1\nmfa_serial = old\n", "dev",
         "mfa_serial", "arn:aws:iam::123456789012:mfa/alice",
         "[profile dev]\nregion = us-east-1\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n"},
        {"inserts after the last key, before blank and comment lines",
         "[profile dev]\nregion = us-east-1\n\n# production\n[profile prod]\nregion = eu-west-1\n", "dev",
         "mfa_serial", "arn:m",
         "[profile dev]\nregion = us-east-1\nmfa_serial = arn:m\n\n# production\n[profile prod]\nregion = "
         "eu-west-1\n"},
        {"comments inside and after the section stay", "# top\n[profile x]\n; about a\na = 1\n# after\n\n",
         "x", "b", "2", "# top\n[profile x]\n; about a\na = 1\nb = 2\n# after\n\n"},
        {"appends a missing section after a blank line", "[default]\nregion = us-east-1\n", "new", "region",
         "eu-west-1", "[default]\nregion = us-east-1\n\n[profile new]\nregion = eu-west-1\n"},
        {"appends without a second blank line", "[default]\nregion = a\n\n", "new", "k", "v",
         "[default]\nregion = a\n\n[profile new]\nk = v\n"},
        {"an empty file gets its first section", "", "default", "region", "us-east-1",
         "[default]\nregion = us-east-1\n"},
        {"appending ends a last line that had no line break", "[default]\nregion = a", "x", "k", "v",
         "[default]\nregion = a\n\n[profile x]\nk = v\n"},
        {"inserting at the end keeps the missing final line break", "[profile x]\nregion = a", "x", "k", "v",
         "[profile x]\nregion = a\nk = v"},
        {"replacing the last line keeps the missing final line break", "[profile x]\nk = old", "x", "k",
         "new", "[profile x]\nk = new"},
        {"CRLF files get CRLF lines", "[default]\r\nregion = a\r\n\r\n[profile x]\r\nk = 1\r\n", "default",
         "output", "json", "[default]\r\nregion = a\r\noutput = json\r\n\r\n[profile x]\r\nk = 1\r\n"},
        {"CRLF replacement keeps CRLF", "[profile x]\r\nk = 1\r\nz = 2\r\n", "x", "k", "3",
         "[profile x]\r\nk = 3\r\nz = 2\r\n"},
        {"CRLF append", "[default]\r\nregion = a\r\n", "y", "k", "v",
         "[default]\r\nregion = a\r\n\r\n[profile y]\r\nk = v\r\n"},
        {"old Mac line breaks", "[default]\rregion = a\r", "default", "k", "v",
         "[default]\rregion = a\rk = v\r"},
        {"extra spaces in the header", "[profile   x]\na = 1\n", "x", "b", "2",
         "[profile   x]\na = 1\nb = 2\n"},
        {"quoted profile names", "[profile \"my dev\"]\na = 1\n", "my dev", "a", "2",
         "[profile \"my dev\"]\na = 2\n"},
        {"new quoted profile", "", "my dev", "a", "1", "[profile \"my dev\"]\na = 1\n"},
        {"new profile with quotes and backslashes", "", "it's \"x\\y\"", "a", "1",
         "[profile \"it's \\\"x\\\\y\\\"\"]\na = 1\n"},
        {"the key matches without case and keeps its spelling", "[profile x]\nMFA_Serial = old\n", "x",
         "mfa_serial", "new", "[profile x]\nMFA_Serial = new\n"},
        {"continuation lines are replaced with the key",
         "[profile x]\nfoo = a\n  b\n\n  c\n# note\nbar = 1\n", "x", "foo", "z",
         "[profile x]\nfoo = z\n# note\nbar = 1\n"},
        {"a nested block is replaced whole",
         "[profile x]\ns3 =\n  max_concurrent_requests = 20\nregion = a\n", "x", "s3", "none",
         "[profile x]\ns3 = none\nregion = a\n"},
        {"a new key goes after the last key's continuation lines",
         "[profile x]\ns3 =\n  a = 1\n\n[profile y]\n", "x", "region", "r",
         "[profile x]\ns3 =\n  a = 1\nregion = r\n\n[profile y]\n"},
        {"indentation of the replaced key is kept", "[profile x]\n  region = a\n  output = json\n", "x",
         "region", "b", "[profile x]\n  region = b\n  output = json\n"},
        {"a new key is indented like the last one", "[profile x]\n\tregion = a\n", "x", "k", "v",
         "[profile x]\n\tregion = a\n\tk = v\n"},
        {"other lines keep their delimiters; the set one reads key = value", "[profile x]\nregion: a\nk=1\n",
         "x", "k", "2", "[profile x]\nregion: a\nk = 2\n"},
        {"an empty section gets the key after its header",
         "[profile x]\n# nothing yet\n\n[profile y]\na = 1\n", "x", "k", "v",
         "[profile x]\nk = v\n# nothing yet\n\n[profile y]\na = 1\n"},
        {"an indented next header does not become a continuation",
         "[profile x]\n    [profile y]\n    a = 1\n", "x", "k", "v",
         "[profile x]\n    k = v\n    [profile y]\n    a = 1\n"},
        {"the last of [default] and [profile default] wins", "[default]\na = 1\n[profile default]\nb = 2\n",
         "default", "a", "3", "[default]\na = 1\n[profile default]\nb = 2\na = 3\n"},
        {"the last of [profile x] and [profile  x] wins", "[profile x]\na = 1\n[profile  x]\na = 2\n", "x",
         "a", "3", "[profile x]\na = 1\n[profile  x]\na = 3\n"},
        {"a key only in [DEFAULT] is set in the profile", "[DEFAULT]\nk = d\n[profile x]\na = 1\n", "x", "k",
         "v", "[DEFAULT]\nk = d\n[profile x]\na = 1\nk = v\n"},
        {"sections of other kinds are not profiles", "[sso-session x]\na = 1\n[services x]\n", "x", "a", "2",
         "[sso-session x]\na = 1\n[services x]\n\n[profile x]\na = 2\n"},
        {"an empty value", "[profile x]\nk = 1\n", "x", "k", "", "[profile x]\nk =\n"},
        {"a leading byte order mark stays", "\xEF\xBB\xBF[default]\nregion = a\n", "default", "k", "v",
         "\xEF\xBB\xBF[default]\nregion = a\nk = v\n"},
        {"a file of only a byte order mark", "\xEF\xBB\xBF", "x", "k", "v",
         "\xEF\xBB\xBF[profile x]\nk = v\n"},
        {"values may hold '=', ':', '#' and inner spaces", "[profile x]\n", "x", "credential_process",
         "/usr/bin/tool --arg=a:b # not a comment",
         "[profile x]\ncredential_process = /usr/bin/tool --arg=a:b # not a comment\n"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto after = set_profile_key(c.before, c.profile, c.key, c.value);
        ASSERT_TRUE(after) << after.error().message;
        EXPECT_EQ(*after, c.after);
        EXPECT_EQ(read_back(*after, c.profile, c.key), c.value);
    }
}

TEST(SetProfileKey, RefusesWhatItCannotWriteFaithfully) {
    struct Bad {
        std::string before;
        std::string profile;
        std::string key;
        std::string value;
        std::string message;
    };
    const std::vector<Bad> cases = {
        {"region = a\n", "x", "k", "v", "~/.aws/config:1: a setting appears before any [section] header"},
        {"[profile x]\na = 1\na = 2\n", "x", "k", "v",
         "~/.aws/config:3: duplicate key \"a\" in [profile x] (first set on line 2)"},
        {"", "x", "a=b", "v", "\"a=b\" is not a config key"},
        {"", "x", "a:b", "v", "\"a:b\" is not a config key"},
        {"", "x", "", "v", "\"\" is not a config key"},
        {"", "x", "a b", "v", "\"a b\" is not a config key"},
        {"", "x", "#a", "v", "\"#a\" is not a config key"},
        {"", "x", "[a", "v", "\"[a\" is not a config key"},
        {"", "x", "k", "a\nb",
         "cannot write the value for k to the config file: it has surrounding whitespace or a "
         "control character"},
        {"", "x", "k", " a",
         "cannot write the value for k to the config file: it has surrounding whitespace or a "
         "control character"},
        {"", "x", "k", "a\r",
         "cannot write the value for k to the config file: it has surrounding whitespace or a "
         "control character"},
        {"", "", "k", "v", "cannot write profile name \"\" to the config file"},
        {"", "a\nb", "k", "v", "cannot write profile name \"a\nb\" to the config file"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.message);
        auto after = set_profile_key(c.before, c.profile, c.key, c.value);
        ASSERT_FALSE(after) << *after;
        EXPECT_EQ(after.error().message, c.message);
    }
}

TEST(SetProfileKey, ErrorsNameTheGivenPath) {
    auto after = set_profile_key("oops\n", "x", "k", "v", "/home/a/.aws/config");
    ASSERT_FALSE(after);
    EXPECT_TRUE(after.error().message.starts_with("/home/a/.aws/config:1: ")) << after.error().message;
}

TEST(SetProfileKey, SettingTwiceIsStable) {
    const std::string config = "[profile x]\nregion = a\n\n[profile y]\n";
    auto once = set_profile_key(config, "x", "mfa_serial", "arn:1");
    ASSERT_TRUE(once);
    auto twice = set_profile_key(*once, "x", "mfa_serial", "arn:1");
    ASSERT_TRUE(twice);
    EXPECT_EQ(*twice, *once);
}

}  // namespace
}  // namespace sesame
