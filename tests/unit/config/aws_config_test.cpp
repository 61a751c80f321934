#include "config/aws_config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

namespace sesame {
namespace {

const ConfigPaths k_paths{"~/.aws/config", "~/.aws/credentials"};

AwsConfig parse_ok(std::string_view config, std::string_view credentials = "") {
    auto cfg = AwsConfig::parse(config, credentials, k_paths);
    EXPECT_TRUE(cfg) << cfg.error().message;
    return cfg ? std::move(*cfg) : AwsConfig();
}

/// The value of `key` in `section`, or "<none>" when the section or key is absent.
std::string value_of(const IniSection* section, std::string_view key) {
    if (!section) return "<none>";
    const IniValue* v = section->find(key);
    return v ? v->value : "<none>";
}

TEST(AwsConfig, MapsSectionsToProfilesAsBuildProfileMapDoes) {
    // Expectations checked against botocore.configloader.build_profile_map on the same file.
    const AwsConfig cfg = parse_ok(
        "[default]\nregion = d\n"
        "[profile dev]\nregion = dev\n"
        "[profile \"my dev\"]\nregion = quoted\n"
        "[profile   spaced]\nregion = spaced\n"
        "[profiles typo]\nregion = typo\n"
        "[profile a b]\nregion = three-words\n"
        "[profile \"unclosed]\nregion = unclosed\n"
        "[profile]\nregion = bare\n"
        "[sso-session corp]\nsso_region = us-east-1\n"
        "[services local]\nsts =\n  endpoint_url = http://127.0.0.1:1\n"
        "[preview]\ncloudfront = true\n");
    struct Case {
        const char* name;
        std::string expected_region;
    };
    const Case cases[] = {
        {"default", "d"},      {"dev", "dev"},        {"my dev", "quoted"},
        {"spaced", "spaced"},  {"typo", "typo"},  // botocore checks only the "profile" prefix
        {"a b", "<none>"},     {"a", "<none>"},       {"\"unclosed", "<none>"},
        {"profile", "<none>"}, {"preview", "<none>"}, {"corp", "<none>"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(value_of(cfg.profile(c.name), "region"), c.expected_region);
    }
    EXPECT_EQ(value_of(cfg.sso_session("corp"), "sso_region"), "us-east-1");
    EXPECT_NE(cfg.services("local"), nullptr);
    EXPECT_EQ(cfg.services("corp"), nullptr);
    EXPECT_EQ(cfg.profile_names(), (std::vector<std::string>{"default", "dev", "my dev", "spaced", "typo"}));
}

TEST(AwsConfig, LaterDefaultSectionWins) {
    EXPECT_EQ(
        value_of(parse_ok("[default]\nregion=1\n[profile default]\nregion=2\n").profile("default"), "region"),
        "2");
    EXPECT_EQ(
        value_of(parse_ok("[profile default]\nregion=2\n[default]\nregion=1\n").profile("default"), "region"),
        "1");
}

TEST(AwsConfig, LaterSectionWinsHoweverItsNameIsSpelled) {
    struct Case {
        const char* name;
        std::string config;
    };
    // In each, build_profile_map maps both sections to "x" and keeps the second.
    const Case cases[] = {
        {"plain then spaced", "[profile x]\nregion = first\n[profile  x]\nregion = second\n"},
        {"spaced then plain", "[profile  x ]\nregion = first\n[profile x]\nregion = second\n"},
        {"quoted then plain", "[profile \"x\"]\nregion = first\n[profile x]\nregion = second\n"},
        {"plain then quoted", "[profile x]\nregion = first\n[profile 'x']\nregion = second\n"},
        {"typo then plain", "[profiles x]\nregion = first\n[profile x]\nregion = second\n"},
        {"plain then typo", "[profile x]\nregion = first\n[profilex x]\nregion = second\n"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        EXPECT_EQ(value_of(parse_ok(c.config).profile("x"), "region"), "second");
    }
    const AwsConfig cfg = parse_ok(
        "[sso-session  corp]\nsso_region = a\n[sso-session corp]\nsso_region = b\n"
        "[services \"s\"]\nsts =\n  x = 1\n[services\ts]\niam =\n  y = 2\n");
    EXPECT_EQ(value_of(cfg.sso_session("corp"), "sso_region"), "b");
    EXPECT_EQ(value_of(cfg.services("s"), "sts"), "<none>");
    EXPECT_NE(value_of(cfg.services("s"), "iam"), "<none>");
}

TEST(AwsConfig, NamesWithUnusualCharacters) {
    const AwsConfig cfg = parse_ok(
        "[profile a!b]\nregion = bang\n[profile #x]\nregion = hash\n[profile a\\ b]\nregion = escaped\n"
        "[profile caf\xC3\xA9]\nregion = utf8\n[profile (x)]\nregion = parens\n");
    EXPECT_EQ(value_of(cfg.profile("a!b"), "region"), "bang");
    EXPECT_EQ(value_of(cfg.profile("#x"), "region"), "hash");
    EXPECT_EQ(value_of(cfg.profile("a b"), "region"), "escaped");
    EXPECT_EQ(value_of(cfg.profile("a\\"), "region"), "<none>");
    EXPECT_EQ(value_of(cfg.profile("caf\xC3\xA9"), "region"), "utf8");
    EXPECT_EQ(value_of(cfg.profile("(x)"), "region"), "parens");
    EXPECT_EQ(cfg.profile_names(), (std::vector<std::string>{"#x", "(x)", "a b", "a!b", "caf\xC3\xA9"}));
}

TEST(AwsConfig, FindsProfilesAmongTenThousand) {
    std::string config;
    for (int i = 0; i < 10000; ++i)
        config +=
            "[profile acct" + std::to_string(i) + "-Admin]\nsso_account_id = " + std::to_string(i) + "\n\n";
    config += "[profile  acct7-Admin]\nsso_account_id = later\n";
    const AwsConfig cfg = parse_ok(config);
    EXPECT_EQ(value_of(cfg.profile("acct9999-Admin"), "sso_account_id"), "9999");
    EXPECT_EQ(value_of(cfg.profile("acct7-Admin"), "sso_account_id"), "later");
    EXPECT_EQ(cfg.profile("acct10000-Admin"), nullptr);
    EXPECT_EQ(cfg.profile_names().size(), 10000u);
}

TEST(AwsConfig, CredentialsSectionsAreNamesAsWritten) {
    const AwsConfig cfg =
        parse_ok("[profile dev]\nregion = x\n",
                 "[dev]\naws_access_key_id = AKIA1\n[profile prod]\naws_access_key_id = AKIA2\n"
                 "[default]\naws_access_key_id = AKIA3\n");
    EXPECT_EQ(value_of(cfg.credentials("dev"), "aws_access_key_id"), "AKIA1");
    EXPECT_EQ(value_of(cfg.credentials("profile prod"), "aws_access_key_id"), "AKIA2");
    EXPECT_EQ(cfg.credentials("prod"), nullptr);
    EXPECT_EQ(cfg.profile("prod"), nullptr);
    EXPECT_EQ(cfg.profile_names(), (std::vector<std::string>{"default", "dev", "profile prod"}));
}

TEST(AwsConfig, ErrorsNameTheFileAndLine) {
    struct Case {
        const char* name;
        std::string config, credentials, expected;
    };
    const Case cases[] = {
        {"config syntax", "[default]\nregion\n", "", "~/.aws/config:2: "},
        {"credentials syntax", "", "[a]\nx=1\nx=2\n", "~/.aws/credentials:3: duplicate key \"x\""},
        {"nested block in config", "[profile a]\ns3 =\n  addressing_style = path\n  junk\n", "",
         "~/.aws/config:4: expected \"key = value\""},
        {"nested block in credentials", "", "[a]\nx =\n  y\n", "~/.aws/credentials:3: "},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto cfg = AwsConfig::parse(c.config, c.credentials, k_paths);
        ASSERT_FALSE(cfg);
        EXPECT_TRUE(cfg.error().message.starts_with(c.expected)) << cfg.error().message;
    }
}

TEST(ConfigPaths, FollowsTheEnvironmentLikeBotocore) {
    struct Case {
        const char* name;
        std::map<std::string, std::string> vars;
        ConfigPaths expected;
    };
    const Case cases[] = {
        {"defaults", {{"HOME", "/home/u"}}, {"/home/u/.aws/config", "/home/u/.aws/credentials"}},
        {"trailing slash in HOME",
         {{"HOME", "/home/u/"}},
         {"/home/u/.aws/config", "/home/u/.aws/credentials"}},
        {"variables",
         {{"HOME", "/h"}, {"AWS_CONFIG_FILE", "/etc/aws"}, {"AWS_SHARED_CREDENTIALS_FILE", "creds"}},
         {"/etc/aws", "creds"}},
        {"tilde",
         {{"HOME", "/h"}, {"AWS_CONFIG_FILE", "~/cfg"}, {"AWS_SHARED_CREDENTIALS_FILE", "~"}},
         {"/h/cfg", "/h"}},
        {"other user's tilde kept",
         {{"HOME", "/h"}, {"AWS_CONFIG_FILE", "~bob/cfg"}},
         {"~bob/cfg", "/h/.aws/credentials"}},
        {"expandvars",
         {{"HOME", "/h"}, {"D", "/data"}, {"AWS_CONFIG_FILE", "$D/${D}/$NOPE/${NOPE}/$/x$"}},
         {"/data//data/$NOPE/${NOPE}/$/x$", "/h/.aws/credentials"}},
        {"unknown braced name hides inner vars",
         {{"HOME", "/h"}, {"D", "d"}, {"AWS_CONFIG_FILE", "${X$D}"}},
         {"${X$D}", "/h/.aws/credentials"}},
        {"empty variable means unset",
         {{"HOME", "/h"}, {"AWS_CONFIG_FILE", ""}},
         {"/h/.aws/config", "/h/.aws/credentials"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        ConfigPaths paths = config_paths(Env(c.vars));
        EXPECT_EQ(paths.config, c.expected.config);
        EXPECT_EQ(paths.credentials, c.expected.credentials);
    }
}

class AwsConfigFiles : public ::testing::Test {
  protected:
    void SetUp() override {
        m_dir = std::filesystem::temp_directory_path() /
                ("sesame-aws-config-" + std::to_string(getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(m_dir);
    }
    void TearDown() override { std::filesystem::remove_all(m_dir); }

    std::string write(const std::string& name, const std::string& text) {
        std::string path = (m_dir / name).string();
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }

    std::filesystem::path m_dir;
};

TEST_F(AwsConfigFiles, LoadsBothFiles) {
    ConfigPaths paths{write("config", "[profile dev]\nregion = eu-west-1\n"),
                      write("credentials", "[dev]\nx = 1\n")};
    auto cfg = AwsConfig::load(paths);
    ASSERT_TRUE(cfg) << cfg.error().message;
    EXPECT_EQ(value_of(cfg->profile("dev"), "region"), "eu-west-1");
    EXPECT_EQ(value_of(cfg->credentials("dev"), "x"), "1");
    EXPECT_EQ(cfg->paths().config, paths.config);
}

TEST_F(AwsConfigFiles, MissingFilesAreEmpty) {
    auto cfg = AwsConfig::load({(m_dir / "nope").string(), (m_dir / "nada").string()});
    ASSERT_TRUE(cfg) << cfg.error().message;
    EXPECT_TRUE(cfg->profile_names().empty());
}

TEST_F(AwsConfigFiles, ADirectoryIsNoFileAsInBotocore) {
    // botocore reads a file only if os.path.isfile(): a folder named by AWS_CONFIG_FILE or
    // AWS_SHARED_CREDENTIALS_FILE is no config at all, not an error.
    auto cfg = AwsConfig::load({m_dir.string(), m_dir.string()});
    ASSERT_TRUE(cfg) << cfg.error().message;
    EXPECT_TRUE(cfg->profile_names().empty());
    ConfigPaths paths{write("config", "[profile a]\n"), "/dev/null"};
    auto with_device = AwsConfig::load(paths);
    ASSERT_TRUE(with_device) << with_device.error().message;
    EXPECT_TRUE(with_device->profile("a"));
}

TEST_F(AwsConfigFiles, MalformedFileIsNamed) {
    ConfigPaths paths{write("config", "[a]\n[a]\n"), (m_dir / "nope").string()};
    auto cfg = AwsConfig::load(paths);
    ASSERT_FALSE(cfg);
    EXPECT_TRUE(cfg.error().message.starts_with(paths.config + ":2: duplicate section"))
        << cfg.error().message;
}

TEST_F(AwsConfigFiles, UnreadableFileIsAnError) {
    // /proc/self/mem is a regular file whose first page cannot be read, even by root.
    ConfigPaths paths{write("config", "[a]\n"), "/proc/self/mem"};
    auto cfg = AwsConfig::load(paths);
    ASSERT_FALSE(cfg);
    EXPECT_TRUE(cfg.error().message.starts_with("cannot read /proc/self/mem: ")) << cfg.error().message;
}

TEST(ShlexSplit, MatchesPythonPosixMode) {
    struct Case {
        std::string input;
        std::optional<std::vector<std::string>> expected;
    };
    using V = std::vector<std::string>;
    const Case cases[] = {
        {"profile dev", V{"profile", "dev"}},
        {"  profile \t dev  ", V{"profile", "dev"}},
        {"profile \"my dev\"", V{"profile", "my dev"}},
        {"profile 'a \"b'", V{"profile", "a \"b"}},
        {"profile a\"b c\"d", V{"profile", "ab cd"}},
        {"profile \"\"", V{"profile", ""}},
        {"profile a\\ b", V{"profile", "a b"}},
        {"profile \"a\\\"b\\\\c\\d\"", V{"profile", "a\"b\\c\\d"}},
        {"profile 'a\\b'", V{"profile", "a\\b"}},
        {"profile #x", V{"profile", "#x"}},
        {"", V{}},
        {"profile \"open", std::nullopt},
        {"profile 'open", std::nullopt},
        {"profile trailing\\", std::nullopt},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.input);
        EXPECT_EQ(shlex_split(c.input), c.expected);
    }
}

}  // namespace
}  // namespace sesame
