#include "app/settings.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "prompt/mfa_source.hpp"
#include "vault/backends.hpp"

namespace sesame {
namespace {

using namespace std::chrono_literals;

Env env_of(std::map<std::string, std::string> vars) {
    return Env(std::move(vars));
}

constexpr std::string_view k_colours[] = {"red", "green", "blue"};

/// A row of each type, so that every parser is tested, including types no row uses yet.
Setting row(SettingType type, std::string_view default_value = "") {
    return Setting{.name = "SESAME_TEST",
                   .type = type,
                   .default_value = default_value,
                   .doc = "A test.",
                   .choices = type == SettingType::Choice ? std::span<const std::string_view>(k_colours)
                                                          : std::span<const std::string_view>()};
}

struct Case {
    SettingType type;
    std::string text;
    std::optional<SettingValue> value;  ///< nullopt: refused
    std::string why = {};               ///< in the message of a refusal
};

TEST(ParseSetting, AcceptsTheFormOfEachTypeAndRefusesOtherValuesNamingTheVariable) {
    using T = SettingType;
    const std::vector<Case> cases{
        {T::Duration, "90", 90s},
        {T::Duration, "15m", 15min},
        {T::Duration, "1h30m", 90min},
        {T::Duration, "0", 0s},
        {T::Duration, "5 mins", std::nullopt, "it has a space"},
        {T::Duration, "5mins", std::nullopt, "\"mins\" is not a unit (h, m or s)"},
        {T::Duration, "xyz", std::nullopt, "it does not start with a number"},
        {T::Duration, "1h30", std::nullopt, "30 has no unit"},
        {T::Duration, "1.5h", std::nullopt, "the numbers must be whole"},
        {T::Duration, "-5m", std::nullopt, "it is negative"},
        {T::Duration, "99999999999h", std::nullopt, "it is longer than 7 years"},
        {T::Path, "/var/lib/sesame", std::string("/var/lib/sesame")},
        {T::Path, "vault", std::nullopt, "it is relative"},
        {T::Path, "~/vault", std::nullopt, "it is relative"},
        {T::Choice, "green", std::string("green")},
        {T::Choice, "gren", std::nullopt, "it must be red, green or blue"},
        {T::Choice, "Green", std::nullopt, "it must be red, green or blue"},
        {T::Url, "https://signin.example/federation", std::string("https://signin.example/federation")},
        {T::Url, "http://127.0.0.1:8080/x", std::string("http://127.0.0.1:8080/x")},
        {T::Url, "signin.example", std::nullopt, "it does not start with https:// or http://"},
        {T::Url, "https:///federation", std::nullopt, "it has no host"},
        {T::Url, "https://a b", std::nullopt, "it has a space"},
        {T::String, "anything at all", std::string("anything at all")},
        {T::Secret, "p4ss phrase", std::string("p4ss phrase")},
        {T::Flag, "1", true},
        {T::Flag, "YES", true},
        {T::Flag, "off", false},
        {T::Flag, "maybe", std::nullopt, "it is neither on nor off"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        auto parsed = parse_setting(row(c.type), "SESAME_TEST", c.text);
        if (c.value) {
            ASSERT_TRUE(parsed) << parsed.error().message;
            EXPECT_EQ(*parsed, *c.value);
        } else {
            ASSERT_FALSE(parsed);
            EXPECT_TRUE(parsed.error().message.starts_with("SESAME_TEST=\"")) << parsed.error().message;
            EXPECT_TRUE(parsed.error().message.ends_with(": " + c.why)) << parsed.error().message;
        }
    }
}

TEST(ParseSetting, ErrorSaysWhatIsWrongTheAcceptedFormAndTheDefault) {
    auto wait = parse_setting(*find_setting("SESAME_LOCK_WAIT"), "SESAME_LOCK_WAIT", "5 mins");
    ASSERT_FALSE(wait);
    EXPECT_EQ(wait.error().message, "SESAME_LOCK_WAIT=\"5 mins\" is not a duration: it has a space");
    EXPECT_EQ(wait.error().hint,
              "write a number of seconds, or numbers with h, m or s: 90s, 15m, 1h30m; unset, it is 5m");

    auto cache = parse_setting(*find_setting("SESAME_KEY_CACHE"), "SESAME_KEY_CACHE", "agnet");
    ASSERT_FALSE(cache);
    EXPECT_EQ(cache.error().message,
              "SESAME_KEY_CACHE=\"agnet\" is not a valid choice: it must be auto, keyring, agent or none");
    EXPECT_EQ(cache.error().hint, "did you mean \"agent\"? unset, it is auto");

    // A value that would drive the terminal is shown escaped.
    auto escaped = parse_setting(row(SettingType::Duration), "SESAME_TEST", "5\x1b[2J");
    ASSERT_FALSE(escaped);
    EXPECT_EQ(escaped.error().message.find('\x1b'), std::string::npos);
}

TEST(SettingsTable, EveryRowIsSesamesWithAParsingDefaultAndADoc) {
    std::set<std::string_view> names;
    for (const auto& s : settings_table()) {
        SCOPED_TRACE(s.name);
        EXPECT_TRUE(s.name.starts_with("SESAME_"));
        EXPECT_TRUE(names.insert(s.name).second) << "twice in the table";
        EXPECT_EQ(find_setting(s.name), &s);
        EXPECT_TRUE(s.doc.ends_with('.'));
        EXPECT_EQ(s.doc.find('\n'), std::string_view::npos) << "one line";
        EXPECT_EQ(s.type == SettingType::Choice, !s.choices.empty());
        if (!s.default_value.empty()) {
            auto d = parse_setting(s, s.name, s.default_value);
            EXPECT_TRUE(d) << d.error().message;
        }
        // Choices always have a value, and durations unless the default is in words (read with
        // optional_duration_setting); their accessors rely on it.
        if (s.type == SettingType::Choice) {
            EXPECT_FALSE(s.default_value.empty());
        }
        if (s.type == SettingType::Duration) {
            EXPECT_NE(s.default_value.empty(), s.default_doc.empty());
        }
        for (const auto& alias : s.aliases) EXPECT_FALSE(alias.name.starts_with("SESAME_")) << alias.name;
    }
    EXPECT_EQ(find_setting("SESAME_NOPE"), nullptr);
}

TEST(SettingAccessors, GiveTheValueOrTheTableDefault) {
    Env unset;
    EXPECT_EQ(duration_setting(unset, "SESAME_LOCK_WAIT").value(), 5min);
    EXPECT_EQ(duration_setting(unset, "SESAME_UNLOCK_TTL").value(), 1h);
    EXPECT_EQ(duration_setting(unset, "SESAME_MIN_TTL").value(), 5min);
    EXPECT_EQ(duration_setting(unset, "SESAME_SERVER_MIN_TTL").value(), 15min);
    EXPECT_EQ(choice_setting(unset, "SESAME_KEY_CACHE").value(), "auto");
    EXPECT_EQ(text_setting(unset, "SESAME_FILE_DIR").value(), std::nullopt);
    EXPECT_FALSE(setting_is_set(unset, "SESAME_SERVER_MIN_TTL"));

    Env set = env_of({{"SESAME_LOCK_WAIT", "1s"},
                      {"SESAME_KEY_CACHE", "none"},
                      {"SESAME_FILE_DIR", "/v"},
                      {"SESAME_SERVER_MIN_TTL", "20m"}});
    EXPECT_EQ(duration_setting(set, "SESAME_LOCK_WAIT").value(), 1s);
    EXPECT_EQ(choice_setting(set, "SESAME_KEY_CACHE").value(), "none");
    EXPECT_EQ(text_setting(set, "SESAME_FILE_DIR").value(), "/v");
    EXPECT_TRUE(setting_is_set(set, "SESAME_SERVER_MIN_TTL"));

    // Empty counts as unset, as everywhere in Env.
    EXPECT_EQ(duration_setting(env_of({{"SESAME_LOCK_WAIT", ""}}), "SESAME_LOCK_WAIT").value(), 5min);
}

TEST(SettingAccessors, ABadValueIsAnErrorNamingTheVariableNeverTheDefault) {
    const std::vector<std::pair<std::string, std::string>> bad{
        {"SESAME_LOCK_WAIT", "5mins"},       {"SESAME_UNLOCK_TTL", "xyz"},
        {"SESAME_MIN_TTL", "1 h"},           {"SESAME_SERVER_MIN_TTL", "fifteen"},
        {"SESAME_KEY_CACHE", "agnet"},       {"SESAME_FILE_DIR", "relative/dir"},
        {"SESAME_FEDERATION_URL", "signin"},
    };
    for (const auto& [name, value] : bad) {
        SCOPED_TRACE(name);
        Env env = env_of({{name, value}});
        const Setting* s = find_setting(name);
        ASSERT_NE(s, nullptr);
        std::optional<Error> error;
        auto keep = [&](const auto& read) {
            if (!read) error = read.error();
        };
        switch (s->type) {
            case SettingType::Duration:
                keep(duration_setting(env, name));
                break;
            case SettingType::Choice:
                keep(choice_setting(env, name));
                break;
            default:
                keep(text_setting(env, name));
                break;
        }
        ASSERT_TRUE(error) << "accepted";
        EXPECT_TRUE(error->message.starts_with(name + "=\"" + value + "\" is not ")) << error->message;
        auto checked = check_settings(env);
        ASSERT_FALSE(checked);
        EXPECT_EQ(checked.error().message, error->message);
    }
}

TEST(SettingAccessors, AskingForAnUnknownNameOrTheWrongTypeIsAnError) {
    EXPECT_FALSE(duration_setting(Env{}, "SESAME_NOPE"));
    EXPECT_FALSE(duration_setting(Env{}, "SESAME_KEY_CACHE"));
    EXPECT_FALSE(choice_setting(Env{}, "SESAME_LOCK_WAIT"));
    EXPECT_FALSE(text_setting(Env{}, "SESAME_LOCK_WAIT"));
    EXPECT_FALSE(flag_setting(Env{}, "SESAME_LOCK_WAIT"));
}

TEST(CheckSettings, PassesGoodValuesAndNeverShowsASecret) {
    EXPECT_TRUE(check_settings(Env{}));
    EXPECT_TRUE(check_settings(env_of({{"SESAME_LOCK_WAIT", "0"},
                                       {"SESAME_UNLOCK_TTL", "2h"},
                                       {"SESAME_KEY_CACHE", "agent"},
                                       {"SESAME_FILE_DIR", "/tmp/v"},
                                       {"SESAME_FEDERATION_URL", "http://127.0.0.1:1/federation"},
                                       {"SESAME_FILE_PASSPHRASE", "anything \x1b goes"},
                                       {"SESAME_PROFILE", "admin"}})));
}

constexpr SettingAlias k_aliases[] = {
    {"AWS_VAULT_TEST_TTL", "aws-vault"},
    {"AWS_VAULT_TEST_OLD", "aws-vault", "aws-vault's old name, read by no one"},
};

TEST(SettingAliases, OwnNameWinsAnAliasStandsInAndARefusedOneNamesTheReplacement) {
    Setting s{.name = "SESAME_TEST_TTL",
              .type = SettingType::Duration,
              .default_value = "5m",
              .doc = "A test.",
              .aliases = k_aliases};
    auto value = [&](Env env) { return read_setting(env, s); };

    EXPECT_EQ(value(env_of({{"AWS_VAULT_TEST_TTL", "1h"}})).value(), SettingValue(1h));
    EXPECT_EQ(value(env_of({{"SESAME_TEST_TTL", "2h"}, {"AWS_VAULT_TEST_TTL", "1h"}})).value(),
              SettingValue(2h));
    // sesame's own name wins over a refused alias too.
    EXPECT_EQ(value(env_of({{"SESAME_TEST_TTL", "2h"}, {"AWS_VAULT_TEST_OLD", "1h"}})).value(),
              SettingValue(2h));

    auto bad = value(env_of({{"AWS_VAULT_TEST_TTL", "soon"}}));
    ASSERT_FALSE(bad);
    EXPECT_TRUE(bad.error().message.starts_with("AWS_VAULT_TEST_TTL=\"soon\" is not a duration"))
        << bad.error().message;
    EXPECT_NE(bad.error().hint.find("AWS_VAULT_TEST_TTL stands for SESAME_TEST_TTL"), std::string::npos);

    auto refused = value(env_of({{"AWS_VAULT_TEST_OLD", "1h"}}));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message,
              "AWS_VAULT_TEST_OLD is set, but sesame does not read it: aws-vault's old name, read by no one");
    EXPECT_EQ(refused.error().hint, "set SESAME_TEST_TTL instead, or unset AWS_VAULT_TEST_OLD");
}

/// Issue 15: each of the other tools' variables a switcher has set is honoured (sesame's own
/// name winning) or refused naming the replacement; none is ignored.
TEST(SettingAliases, OtherToolsVariablesAreHonouredOrRefusedNeverIgnored) {
    struct Case {
        std::map<std::string, std::string> env;
        std::string setting;
        std::optional<SettingValue> value;  ///< nullopt: refused
        std::string message = {};           ///< in the refusal
    };
    const std::vector<Case> cases{
        {{{"AWS_ASSUME_ROLE_TTL", "2h"}}, "SESAME_ASSUME_ROLE_TTL", 2h},
        {{{"AWS_ASSUME_ROLE_TTL", "2h"}, {"SESAME_ASSUME_ROLE_TTL", "30m"}}, "SESAME_ASSUME_ROLE_TTL", 30min},
        {{{"AWS_SESSION_TOKEN_TTL", "12h"}}, "SESAME_SESSION_TTL", 12h},
        {{{"AWS_SESSION_TTL", "24h"}}, "SESAME_SESSION_TTL", 24h},
        {{{"AWS_SESSION_DURATION", "7200"}}, "SESAME_SESSION_TTL", 2h},  // aws-session: seconds
        {{{"AWS_SESSION_TOKEN_TTL", "2h"}, {"AWS_SESSION_TTL", "3h"}}, "SESAME_SESSION_TTL", 2h},
        {{{"AWS_CHAINED_SESSION_TOKEN_TTL", "10h"}}, "SESAME_CHAINED_SESSION_TTL", 10h},
        {{{"AWS_FEDERATION_TOKEN_TTL", "20m"}}, "SESAME_FEDERATION_TOKEN_TTL", 20min},
        {{{"AWS_MIN_TTL", "10m"}}, "SESAME_MIN_TTL", 10min},
        {{{"AWS_VAULT_BACKEND", "file"}}, "SESAME_BACKEND", std::string("file")},
        {{{"AWS_VAULT_BACKEND", "pass"}}, "SESAME_BACKEND", std::string("pass")},
        {{{"AWS_VAULT_PROMPT", "terminal"}}, "SESAME_PROMPT", std::string("terminal")},
        {{{"AWS_VAULT_FILE_PASSPHRASE", "pw"}}, "SESAME_FILE_PASSPHRASE", std::string("pw")},
        // Empty means unset, as in aws-vault.
        {{{"AWS_ASSUME_ROLE_TTL", ""}}, "SESAME_MIN_TTL", 5min},
        {{{"AWS_VAULT_BACKEND", "kwallet"}}, "SESAME_BACKEND", std::nullopt, "AWS_VAULT_BACKEND=\"kwallet\""},
        {{{"AWS_VAULT_PROMPT", "ykman"}}, "SESAME_PROMPT", std::string("ykman")},
        {{{"AWS_VAULT_PROMPT", "zenity"}, {"SESAME_PROMPT", "kdialog"}},
         "SESAME_PROMPT",
         std::string("kdialog")},
        {{{"AWS_VAULT_PROMPT", "pinentry"}}, "SESAME_PROMPT", std::nullopt, "AWS_VAULT_PROMPT=\"pinentry\""},
        {{}, "SESAME_PROMPT", std::string("auto")},
        {{{"YKMAN_OATH_CREDENTIAL_NAME", "aws"}}, "SESAME_YKMAN_OATH_CREDENTIAL_NAME", std::string("aws")},
        {{{"YKMAN_OATH_DEVICE_SERIAL", "1234"}}, "SESAME_YKMAN_OATH_DEVICE_SERIAL", std::string("1234")},
        {{{"AWS_VAULT_YKMAN_VERSION", "3"}}, "SESAME_YKMAN_VERSION", std::string("3")},
        {{}, "SESAME_YKMAN_VERSION", std::string("4")},
        {{{"AWS_VAULT_YKMAN_VERSION", "four"}},
         "SESAME_YKMAN_VERSION",
         std::nullopt,
         "AWS_VAULT_YKMAN_VERSION"},
        {{{"AWS_VAULT_FILE_DIR", "/home/u/.awsvault/keys"}},
         "SESAME_FILE_DIR",
         std::nullopt,
         "AWS_VAULT_FILE_DIR is set, but sesame does not read it"},
        // What STS accepts: GetSessionToken up to 36 hours, AssumeRole 12.
        {{{"AWS_SESSION_TTL", "48h"}}, "SESAME_SESSION_TTL", std::nullopt, "it must be from 15m to 36h"},
        {{{"AWS_ASSUME_ROLE_TTL", "13h"}},
         "SESAME_ASSUME_ROLE_TTL",
         std::nullopt,
         "it must be from 15m to 12h"},
        {{{"SESAME_SESSION_TTL", "10m"}}, "SESAME_SESSION_TTL", std::nullopt, "it must be from 15m to 36h"},
        // Go's forms aws-vault accepts but sesame does not are refused, not misread.
        {{{"AWS_ASSUME_ROLE_TTL", "1.5h"}},
         "SESAME_ASSUME_ROLE_TTL",
         std::nullopt,
         "the numbers must be whole"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.setting);
        const Setting* s = find_setting(c.setting);
        ASSERT_NE(s, nullptr);
        auto v = read_setting(env_of(c.env), *s);
        if (c.value) {
            ASSERT_TRUE(v) << v.error().message;
            ASSERT_TRUE(*v);
            EXPECT_EQ(**v, *c.value);
        } else {
            ASSERT_FALSE(v);
            EXPECT_NE(v.error().message.find(c.message), std::string::npos) << v.error().message;
            EXPECT_FALSE(check_settings(env_of(c.env))) << "every command refuses it";
        }
    }
}

/// SESAME_PROMPT's choices are "auto" and the registered prompt drivers, no more and no fewer.
TEST(SettingsTable, PromptChoicesAreTheRegisteredDrivers) {
    std::vector<std::string> drivers{"auto"}, choices;
    for (const auto& d : prompt_drivers()) drivers.emplace_back(d.name);
    for (auto c : find_setting("SESAME_PROMPT")->choices) choices.emplace_back(c);
    EXPECT_EQ(choices, drivers);
}

/// SESAME_BACKEND's choices are the registered backends, in the registry's order.
TEST(SettingsTable, BackendChoicesAreTheRegisteredBackends) {
    std::vector<std::string> registered, choices;
    for (const auto& b : backends()) registered.emplace_back(b.name);
    for (auto c : find_setting("SESAME_BACKEND")->choices) choices.emplace_back(c);
    EXPECT_EQ(choices, registered);
}

TEST(SettingAliases, PromptColorsReadsAwsSessionsNamesAndIsAutoWhenNoneIsSet) {
    const Setting& s = *find_setting("SESAME_PROMPT_COLORS");
    auto value = [&](Env env) { return read_setting(env, s); };
    EXPECT_EQ(value(Env{}).value(), std::nullopt) << "unset: auto, decided by the terminal";
    EXPECT_EQ(value(env_of({{"AWS_SESSION_COLORS", "0"}})).value(), SettingValue(false));
    EXPECT_EQ(value(env_of({{"AWS_SESSION_COLOR", "1"}})).value(), SettingValue(true));
    EXPECT_EQ(value(env_of({{"SESAME_PROMPT_COLORS", "off"}, {"AWS_SESSION_COLORS", "1"}})).value(),
              SettingValue(false));
    auto bad = value(env_of({{"AWS_SESSION_COLORS", "2"}}));
    ASSERT_FALSE(bad);
    EXPECT_TRUE(bad.error().message.starts_with("AWS_SESSION_COLORS=\"2\" is not a flag"))
        << bad.error().message;
}

TEST(UnknownSettings, SuggestsTheSettingATypoMeansAndLeavesOtherProgramsNamesAlone) {
    Env env = env_of({{"SESAME_MINTTL", "1h"},
                      {"SESAME_LOCKWAIT", "1s"},
                      {"SESAME_KEY_CACH", "none"},
                      {"SESAME_BIN", "/usr/bin/sesame"},
                      {"SESAME_FUZZ_SECONDS", "20"},
                      {"SESAME_EMPTY", ""},
                      {"SESAME_LOCK_WAIT", "1s"},
                      {"SESAME_PROFILE", "admin"},
                      {"AWS_PROFILE", "admin"}});
    auto found = unknown_settings(env);
    std::map<std::string, std::string> got;
    for (const auto& u : found) got[u.name] = u.suggestion;
    EXPECT_EQ(got, (std::map<std::string, std::string>{{"SESAME_BIN", ""},
                                                       {"SESAME_FUZZ_SECONDS", ""},
                                                       {"SESAME_KEY_CACH", "SESAME_KEY_CACHE"},
                                                       {"SESAME_LOCKWAIT", "SESAME_LOCK_WAIT"},
                                                       {"SESAME_MINTTL", "SESAME_MIN_TTL"}}));
}

}  // namespace
}  // namespace sesame
