#include "config/profile.hpp"

#include <gtest/gtest.h>

#include <set>

namespace sesame {
namespace {

const ConfigPaths k_paths{"~/.aws/config", "~/.aws/credentials"};

AwsConfig config(std::string_view text, std::string_view credentials = "") {
    auto cfg = AwsConfig::parse(text, credentials, k_paths);
    EXPECT_TRUE(cfg) << cfg.error().message;
    return cfg ? std::move(*cfg) : AwsConfig();
}

ResolveOptions stored(std::set<std::string> names) {
    return {[names = std::move(names)](const std::string& n) { return names.contains(n); }};
}

/// The settings that are set, then the source profile's in braces.
std::string summary(const ProfileConfig& p) {
    std::string out = p.name + (p.has_section ? "" : "(no section)");
    auto add = [&](const char* key, const std::string& v) {
        if (!v.empty()) out += std::string(" ") + key + "=" + v;
    };
    add("region", p.region);
    add("mfa", p.mfa_serial);
    add("role", p.role_arn);
    add("external_id", p.external_id);
    add("session", p.role_session_name);
    add("process", p.credential_process);
    add("endpoint", p.endpoint_url);
    add("sts", p.sts_regional_endpoints);
    add("services", p.services_name);
    if (p.duration_seconds) out += " duration=" + std::to_string(p.duration_seconds->count());
    if (p.ignore_configured_endpoint_urls) out += " ignore_endpoints";
    if (p.source) out += " {" + summary(*p.source) + "}";
    return out;
}

const char* const k_config = R"([default]
region = us-east-1
[profile base]
region = eu-west-1
mfa_serial = arn:aws:iam::111111111111:mfa/me
external_id = ext
[profile inc]
include_profile = base
region = ap-south-1
role_arn = arn:aws:iam::222222222222:role/Inc
source_profile = keys
[profile keys]
[profile dev]
role_arn = arn:aws:iam::333333333333:role/path/Dev
source_profile = keys
duration_seconds = 3600
role_session_name = me
[profile self]
source_profile = self
[profile chain]
role_arn = arn:aws-cn:iam::444444444444:role/Chain
source_profile = dev
[profile proc]
credential_process = /bin/creds --json
role_arn = arn:aws:iam::555555555555:role/P
[profile old]
parent_profile = base
[profile endpoint]
endpoint_url = http://127.0.0.1:9
services = local
sts_regional_endpoints = legacy
ignore_configured_endpoint_urls = TRUE
[services local]
sts =
  endpoint_url = http://127.0.0.1:5
)";

const char* const k_credentials = "[keys]\naws_access_key_id = AKIAEXAMPLE\n[credonly]\nx = 1\n";

TEST(ResolveProfile, FollowsAwsVaultsFillOrder) {
    struct Case {
        const char* name;
        std::map<std::string, std::string> env;
        std::string expected;
    };
    const std::string dev =
        "dev region=us-east-1 role=arn:aws:iam::333333333333:role/path/Dev session=me duration=3600";
    const Case cases[] = {
        {"default", {}, "default region=us-east-1"},
        {"base", {}, "base region=eu-west-1 mfa=arn:aws:iam::111111111111:mfa/me external_id=ext"},
        {"inc",
         {},  // own keys, then base's, then [default]'s
         "inc region=ap-south-1 mfa=arn:aws:iam::111111111111:mfa/me role=arn:aws:iam::222222222222:role/Inc "
         "external_id=ext {keys region=us-east-1}"},
        {"dev", {}, dev + " {keys region=us-east-1}"},
        {"self", {}, "self region=us-east-1"},  // source_profile naming itself is dropped
        {"chain",
         {},
         "chain region=us-east-1 role=arn:aws-cn:iam::444444444444:role/Chain {" + dev +
             " {keys region=us-east-1}}"},
        {"old", {}, "old region=eu-west-1 mfa=arn:aws:iam::111111111111:mfa/me external_id=ext"},
        {"endpoint",
         {},
         "endpoint region=us-east-1 endpoint=http://127.0.0.1:9 sts=legacy services=local ignore_endpoints"},
        {"credonly", {}, "credonly(no section) region=us-east-1"},
        {"vaultonly", {}, "vaultonly(no section) region=us-east-1"},
        // The environment wins over the files for the region, for every profile in the chain.
        {"dev",
         {{"AWS_DEFAULT_REGION", "eu-north-1"}},
         "dev region=eu-north-1 role=arn:aws:iam::333333333333:role/path/Dev session=me duration=3600 "
         "{keys region=eu-north-1}"},
        {"base",
         {{"AWS_REGION", "ca-central-1"}, {"AWS_DEFAULT_REGION", "eu-north-1"}},
         "base region=ca-central-1 mfa=arn:aws:iam::111111111111:mfa/me external_id=ext"},
        {"base",
         {{"AWS_REGION", ""}, {"AWS_DEFAULT_REGION", "eu-north-1"}},  // empty counts as unset
         "base region=eu-north-1 mfa=arn:aws:iam::111111111111:mfa/me external_id=ext"},
        // AWS_MFA_SERIAL only fills a profile that has none.
        {"base",
         {{"AWS_MFA_SERIAL", "arn:aws:iam::9:mfa/env"}},
         "base region=eu-west-1 mfa=arn:aws:iam::111111111111:mfa/me external_id=ext"},
        {"keys",
         {{"AWS_MFA_SERIAL", "arn:aws:iam::9:mfa/env"}},
         "keys region=us-east-1 mfa=arn:aws:iam::9:mfa/env"},
        // AWS_ROLE_ARN / AWS_ROLE_SESSION_NAME apply to the target only, and only when unset.
        {"dev",
         {{"AWS_ROLE_ARN", "arn:aws:iam::999999999999:role/Env"}, {"AWS_ROLE_SESSION_NAME", "env"}},
         dev + " {keys region=us-east-1}"},
        {"keys",
         {{"AWS_ROLE_ARN", "arn:aws:iam::999999999999:role/Env"}, {"AWS_ROLE_SESSION_NAME", "env"}},
         "keys region=us-east-1 role=arn:aws:iam::999999999999:role/Env session=env"},
        {"endpoint",
         {{"AWS_STS_REGIONAL_ENDPOINTS", "regional"}},
         "endpoint region=us-east-1 endpoint=http://127.0.0.1:9 sts=regional services=local "
         "ignore_endpoints"},
    };
    const AwsConfig cfg = config(k_config, k_credentials);
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto p = resolve_profile(cfg, Env(c.env), c.name, stored({"keys", "vaultonly"}));
        ASSERT_TRUE(p) << p.error().message;
        EXPECT_EQ(summary(*p), c.expected);
    }
}

TEST(ResolveProfile, ReportsBadProfilesWithWhereToLook) {
    struct Case {
        const char* name;
        std::string config;
        std::string profile;
        std::map<std::string, std::string> env;
        std::string expected;  // the whole message
    };
    const std::string role = "role_arn = arn:aws:iam::123456789012:role/R\n";
    const Case cases[] = {
        {"undefined", "[profile dev]\n", "ghost", {}, "profile \"ghost\" is not defined in ~/.aws/config"},
        {"undefined source",
         "[profile prod]\n" + role + "source_profile = ghost\n",
         "prod",
         {},
         "profile \"prod\": source_profile \"ghost\" is not defined in ~/.aws/config"},
        {"source loop",
         "[profile a]\nsource_profile = c\n" + role + "[profile c]\nsource_profile = a\n" + role,
         "a",
         {},
         "profile \"a\": source_profile loop a -> c -> a"},
        {"source loop further down",
         "[profile x]\nsource_profile = a\n" + role + "[profile a]\nsource_profile = c\n" + role +
             "[profile c]\nsource_profile = a\n" + role,
         "x",
         {},
         "profile \"x\": source_profile loop x -> a -> c -> a"},
        {"source loop through include_profile",
         "[profile a]\nsource_profile = d\n" + role + "[profile d]\ninclude_profile = c\n" + role +
             "[profile c]\nsource_profile = a\n",
         "a",
         {},
         "profile \"a\": source_profile loop a -> d -> a"},
        {"include loop",
         "[profile a]\ninclude_profile = b\n[profile b]\ninclude_profile = a\n",
         "a",
         {},
         "profile \"a\": include_profile loop a -> b -> a"},
        {"include loop through default",
         "[default]\ninclude_profile = x\n[profile x]\n[profile a]\n",
         "a",
         {},
         "profile \"a\": include_profile loop a -> default -> x -> default"},
        {"undefined include",
         "[profile a]\ninclude_profile = ghost\n",
         "a",
         {},
         "profile \"a\": include_profile \"ghost\" is not defined in ~/.aws/config"},
        {"duration too short",
         "[profile a]\nsource_profile = b\n" + role + "duration_seconds = 899\n",
         "a",
         {},
         "~/.aws/config:4: [profile a]: duration_seconds \"899\" must be a whole number of seconds from 900 "
         "to 43200"},
        {"duration too long, inherited",
         "[default]\nduration_seconds = 43201\n[profile a]\nsource_profile = b\n" + role,
         "a",
         {},
         "~/.aws/config:2: [default]: duration_seconds \"43201\" must be a whole number of seconds from 900 "
         "to "
         "43200"},
        {"duration negative",
         "[profile a]\nsource_profile = b\n" + role + "duration_seconds = -900\n",
         "a",
         {},
         "~/.aws/config:4: [profile a]: duration_seconds \"-900\" must be a whole number of seconds from 900 "
         "to "
         "43200"},
        {"role_arn short account",
         "[profile a]\nrole_arn = arn:aws:iam::123:role/R\n",
         "a",
         {},
         "~/.aws/config:2: [profile a]: role_arn \"arn:aws:iam::123:role/R\" is not an IAM role ARN"},
        {"role_arn of a user",
         "[profile a]\nrole_arn = arn:aws:iam::123456789012:user/R\n",
         "a",
         {},
         "~/.aws/config:2: [profile a]: role_arn \"arn:aws:iam::123456789012:user/R\" is not an IAM role "
         "ARN"},
        {"role_arn from the environment",
         "[profile a]\nsource_profile = b\n[profile b]\n",
         "a",
         {{"AWS_ROLE_ARN", "arn:aws:sts::123456789012:role/R"}},
         "AWS_ROLE_ARN: role_arn \"arn:aws:sts::123456789012:role/R\" is not an IAM role ARN"},
        {"role without a source",
         "[profile a]\n" + role,
         "a",
         {},
         "~/.aws/config:2: [profile a]: role_arn is set but neither source_profile nor credential_source: "
         "the AWS CLI refuses this profile (\"Partial credentials found in assume-role\")"},
        {"role with credential_process but no source",
         "[profile a]\ncredential_process = /bin/creds\n" + role,
         "a",
         {},
         "~/.aws/config:3: [profile a]: role_arn is set but neither source_profile nor credential_source: "
         "the AWS CLI refuses this profile (\"Partial credentials found in assume-role\")"},
        {"role whose source is itself, without keys",
         "[profile a]\nsource_profile = a\n" + role,
         "a",
         {},
         "~/.aws/config:3: [profile a]: source_profile of \"a\" names the profile itself, but sesame holds "
         "no "
         "keys for it"},
        {"source_profile and credential_source",
         "[profile a]\nsource_profile = b\ncredential_source = Environment\n" + role,
         "a",
         {},
         "~/.aws/config:4: [profile a]: profile \"a\" sets both source_profile and credential_source"},
        {"credential_source not yet supported",
         "[profile a]\ncredential_source = Ec2InstanceMetadata\n" + role,
         "a",
         {},
         "~/.aws/config:2: [profile a]: credential_source = Ec2InstanceMetadata is not supported by sesame "
         "yet"},
        {"credential_source unknown",
         "[profile a]\ncredential_source = Laptop\n" + role,
         "a",
         {},
         "~/.aws/config:2: [profile a]: credential_source \"Laptop\" is not one of Environment, "
         "Ec2InstanceMetadata, EcsContainer"},
        {"a source's role without a source",
         "[profile t]\nsource_profile = a\n" + role + "[profile a]\n" + role,
         "t",
         {},
         "~/.aws/config:5: [profile a]: role_arn is set but neither source_profile nor credential_source: "
         "the AWS CLI refuses this profile (\"Partial credentials found in assume-role\")"},
        {"bad sts_regional_endpoints",
         "[profile a]\nsts_regional_endpoints = global\n",
         "a",
         {},
         "~/.aws/config:2: [profile a]: sts_regional_endpoints \"global\" must be \"regional\" or "
         "\"legacy\""},
        {"bad AWS_STS_REGIONAL_ENDPOINTS",
         "[profile a]\n",
         "a",
         {{"AWS_STS_REGIONAL_ENDPOINTS", "Legacy"}},
         "AWS_STS_REGIONAL_ENDPOINTS: sts_regional_endpoints \"Legacy\" must be \"regional\" or \"legacy\""},
        {"missing services section",
         "[profile a]\nservices = nope\n",
         "a",
         {},
         "~/.aws/config:2: [profile a]: services \"nope\" has no [services nope] section"},
        {"services entry not a block",
         "[profile a]\nservices = s\n[services s]\nsts = http://127.0.0.1:1\n",
         "a",
         {},
         "~/.aws/config:4: \"sts\" in [services s] must be an indented block of settings"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto p = resolve_profile(config(c.config), Env(c.env), c.profile, stored({"b"}));
        ASSERT_FALSE(p) << summary(*p);
        EXPECT_EQ(p.error().message, c.expected);
    }
}

TEST(ResolveProfile, ASourceProfileIsFollowedOnlyWhereBotocoreFollowsIt) {
    const std::string role = "role_arn = arn:aws:iam::123456789012:role/R\n";
    // A source holding keys gives them: its own (even undefined or looping) source_profile is
    // never read, as in botocore.
    auto stray = resolve_profile(
        config("[profile t]\nsource_profile = k\n" + role + "[profile k]\nsource_profile = ghost\n" + role),
        Env(), "t", stored({"k"}));
    ASSERT_TRUE(stray) << stray.error().message;
    ASSERT_TRUE(stray->source);
    EXPECT_FALSE(stray->source->source);
    auto loop = resolve_profile(
        config("[profile t]\nsource_profile = k\n" + role + "[profile k]\nsource_profile = t\n" + role),
        Env(), "t", stored({"k"}));
    ASSERT_TRUE(loop) << loop.error().message;
    // Without role_arn, source_profile means nothing to botocore (no credentials from it).
    auto plain = resolve_profile(config("[profile j]\nsource_profile = ghost\n"), Env(), "j", {});
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_FALSE(plain->source);
    EXPECT_EQ(plain->source_profile_name, "ghost");
}

TEST(ResolveProfile, RoleSessionNamesBotocoreOrStsRefuseAreRefused) {
    const std::string head = "[profile a]\nsource_profile = b\nrole_arn = arn:aws:iam::123456789012:role/R\n";
    for (std::string bad : {std::string("x"), std::string("a b"), std::string(65, 'n')}) {
        auto p =
            resolve_profile(config(head + "role_session_name = " + bad + "\n"), Env(), "a", stored({"b"}));
        ASSERT_FALSE(p) << bad;
        EXPECT_NE(p.error().message.find("must be 2 to 64"), std::string::npos) << p.error().message;
    }
    EXPECT_TRUE(
        resolve_profile(config(head + "role_session_name = me@corp.example\n"), Env(), "a", stored({"b"})));
}

TEST(ResolveProfile, ARoleWithKeysNeedsASourceAsTargetButNotAsSource) {
    const std::string role = "role_arn = arn:aws:iam::123456789012:role/R\n";
    // As the target, botocore refuses role_arn without source_profile even when the profile has
    // keys, and says how to use them: source_profile naming itself.
    auto target = resolve_profile(config("[profile a]\n" + role), Env(), "a", stored({"a"}));
    ASSERT_FALSE(target);
    EXPECT_NE(target.error().hint.find("source_profile = a"), std::string::npos) << target.error().hint;
    auto self =
        resolve_profile(config("[profile a]\nsource_profile = a\n" + role), Env(), "a", stored({"a"}));
    ASSERT_TRUE(self) << self.error().message;
    EXPECT_TRUE(self->source_is_self);
    // As a source, its keys are used as they are: no error about its role.
    auto source = resolve_profile(config("[profile t]\nsource_profile = a\n" + role + "[profile a]\n" + role),
                                  Env(), "t", stored({"a"}));
    ASSERT_TRUE(source) << source.error().message;
}

TEST(ResolveProfile, SettingsInTheCredentialsFileCountAndWinOverTheConfig) {
    const AwsConfig cfg = config("[profile admin]\nregion = us-east-1\nexternal_id = from-config\n",
                                 "[admin]\nrole_arn = arn:aws:iam::123456789012:role/R\nsource_profile = b\n"
                                 "region = eu-west-3\n[b]\naws_access_key_id = AKIAEXAMPLE\n");
    auto p = resolve_profile(cfg, Env(), "admin", stored({"b"}));
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->role_arn, "arn:aws:iam::123456789012:role/R");
    EXPECT_EQ(p->region, "eu-west-3") << "the credentials file's value wins, as botocore merges it last";
    EXPECT_EQ(p->external_id, "from-config");
    ASSERT_TRUE(p->source);
    EXPECT_EQ(p->source->name, "b");
}

TEST(ResolveProfile, DurationSecondsIsReadWithPythonsInt) {
    const std::string head = "[profile a]\nsource_profile = b\nrole_arn = arn:aws:iam::123456789012:role/R\n";
    for (auto [text, seconds] : std::vector<std::pair<std::string, long>>{
             {"1800", 1800},
             {"+1800", 1800},
             {"1_800", 1800},
             {" 1800 ", 1800},
             {"\u0661\u0668\u0660\u0660", 1800} /* Arabic-Indic digits */,
             {"001800", 1800}}) {
        SCOPED_TRACE(text);
        auto p =
            resolve_profile(config(head + "duration_seconds = " + text + "\n"), Env(), "a", stored({"b"}));
        ASSERT_TRUE(p) << p.error().message;
        ASSERT_TRUE(p->duration_seconds);
        EXPECT_EQ(p->duration_seconds->count(), seconds);
    }
    // What int() refuses botocore drops without a word: sesame drops it too, and says so.
    for (std::string text : {"abc", "1800.0", "0x700", "1h", "1__800", "_1800", "1800_"}) {
        SCOPED_TRACE(text);
        auto p =
            resolve_profile(config(head + "duration_seconds = " + text + "\n"), Env(), "a", stored({"b"}));
        ASSERT_TRUE(p) << p.error().message;
        EXPECT_FALSE(p->duration_seconds);
        ASSERT_EQ(p->warnings.size(), 1u);
        EXPECT_NE(p->warnings[0].find("is not a whole number; ignored"), std::string::npos) << p->warnings[0];
    }
}

TEST(ResolveProfile, UndefinedProfileHintsAtKnownNames) {
    const AwsConfig cfg = config("[profile develop]\n[profile prod]\n", "[staging]\n");
    auto typo = resolve_profile(cfg, Env(), "devlop", {});
    ASSERT_FALSE(typo);
    EXPECT_NE(typo.error().hint.find("did you mean \"develop\"?"), std::string::npos) << typo.error().hint;
    EXPECT_NE(typo.error().hint.find("sesame add devlop"), std::string::npos) << typo.error().hint;

    auto unknown = resolve_profile(cfg, Env(), "zzzzzzzzzz", {});
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().hint.find("known profiles: develop, prod, staging"), std::string::npos)
        << unknown.error().hint;

    auto nothing = resolve_profile(config(""), Env(), "x", {});
    ASSERT_FALSE(nothing);
    EXPECT_NE(nothing.error().hint.find("sesame add x"), std::string::npos) << nothing.error().hint;
}

TEST(ResolveProfile, WarnsAboutUnknownKeysAcrossTheChain) {
    const AwsConfig cfg = config(
        "[default]\nregoin = x\n"
        "[profile src]\nmfa_serail = arn:aws:iam::111111111111:mfa/me\n"
        "[profile dev]\ncli_pager =\nsesame_anything = 1\nsso_region = x\nzzzzzzzzzzzz = 1\nsource_profile = "
        "src\nrole_arn = arn:aws:iam::123456789012:role/R\n"
        "[profile old]\nparent_profile = dev\n");
    auto p = resolve_profile(cfg, Env(), "dev", stored({"src"}));
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->warnings,
              (std::vector<std::string>{
                  "~/.aws/config:9: unknown key \"zzzzzzzzzzzz\" in [profile dev] (ignored)",
                  "~/.aws/config:2: unknown key \"regoin\" in [default] (did you mean \"region\"?)",
                  "~/.aws/config:4: unknown key \"mfa_serail\" in [profile src] (did you mean "
                  "\"mfa_serial\"?)",
              }));
    ASSERT_NE(p->source, nullptr);
    EXPECT_EQ(p->source->warnings.size(), 2u);

    auto old = resolve_profile(cfg, Env(), "old", stored({"src"}));
    ASSERT_TRUE(old) << old.error().message;
    EXPECT_EQ(old->source_profile_name, "src");  // inherited through parent_profile
    EXPECT_NE(
        std::find(old->warnings.begin(), old->warnings.end(),
                  "~/.aws/config:13: parent_profile in [profile old] is deprecated; use include_profile"),
        old->warnings.end());
}

TEST(ResolveProfile, ARefusedProfileNamesItsUnknownKeys) {
    // The misspelt source_profile is why the role has no source: the error must say so, since a
    // profile that does not resolve has no warnings printed.
    const AwsConfig cfg = config(
        "[profile admin]\nsource_profle = base\nrole_arn = arn:aws:iam::123456789012:role/R\n"
        "[profile base]\nregion = us-east-1\n");
    auto p = resolve_profile(cfg, Env(), "admin", stored({"base"}));
    ASSERT_FALSE(p);
    EXPECT_NE(p.error().message.find("neither source_profile nor credential_source"), std::string::npos)
        << p.error().message;
    EXPECT_NE(p.error().message.find("~/.aws/config:2: unknown key \"source_profle\" in [profile admin] (did "
                                     "you mean \"source_profile\"?)"),
              std::string::npos)
        << p.error().message;
}

TEST(ResolveProfile, BotocoresOwnKeysDrawNoWarning) {
    const AwsConfig cfg = config(
        "[profile p]\ncsm_enabled = false\ncsm_port = 31000\nproxy_ca_bundle = /x\ndata_path = /y\n"
        "login_session = s\nproxy_use_forwarding_for_https = true\n");
    auto p = resolve_profile(cfg, Env(), "p", {});
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_TRUE(p->warnings.empty()) << p->warnings.front();
}

TEST(ResolveProfile, WorksWithoutAStoredKeysCallback) {
    const AwsConfig cfg = config("[profile a]\nrole_arn = arn:aws:iam::123456789012:role/R\n");
    auto p = resolve_profile(cfg, Env(), "a", {});
    ASSERT_FALSE(p);
    EXPECT_NE(p.error().hint.find("set source_profile"), std::string::npos) << p.error().hint;
    auto with_keys = resolve_profile(cfg, Env(), "a", stored({"a"}));
    ASSERT_FALSE(with_keys) << "botocore refuses role_arn without source_profile, keys or not";
    EXPECT_NE(with_keys.error().hint.find("source_profile = a"), std::string::npos) << with_keys.error().hint;
}

}  // namespace
}  // namespace sesame
