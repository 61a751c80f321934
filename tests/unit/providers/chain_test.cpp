// The provider chain with a scripted STS (fake HttpClient), a real FileVault in a temp dir and a
// fixed clock: MFA is asked once per chain, sessions are served from the cache, and expiry is honoured.

#include "providers/chain.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"
#include "temp_dir.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"
#include "vault/file_vault.hpp"

namespace sesame {
namespace {

using namespace std::chrono;

std::string form_value(const std::string& body, const std::string& key) {
    for (const auto& pair : split(body, '&')) {
        auto eq = pair.find('=');
        if (pair.substr(0, eq) == key) return pair.substr(eq + 1);
    }
    return "";
}

/// Answers STS calls by Action with fresh credentials that expire an hour (or DurationSeconds) later.
class FakeSts final : public HttpClient {
  public:
    explicit FakeSts(const Clock& clock) : m_clock(clock) {}
    std::vector<HttpRequest> requests;

    int refuse_codes = 0;  ///< refuse this many calls that carry an MFA code, as AWS does a wrong code

    Result<HttpResponse> send(const HttpRequest& r) override {
        requests.push_back(r);
        std::string action = form_value(r.body, "Action");
        if (refuse_codes > 0 && !form_value(r.body, "TokenCode").empty()) {
            --refuse_codes;
            return HttpResponse{403,
                                {},
                                "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>"
                                "MultiFactorAuthentication failed with invalid MFA one time pass code. "
                                "</Message></Error></ErrorResponse>"};
        }
        std::string duration = form_value(r.body, "DurationSeconds");
        auto expires = m_clock.now() + seconds(duration.empty() ? 3600 : std::stoll(duration));
        int n = static_cast<int>(requests.size());
        std::string creds = "<Credentials><AccessKeyId>ASIAFAKE" + std::to_string(n) +
                            "</AccessKeyId><SecretAccessKey>secret" + std::to_string(n) +
                            "</SecretAccessKey><SessionToken>token" + std::to_string(n) +
                            "</SessionToken><Expiration>" + format_rfc3339(expires) +
                            "</Expiration></Credentials>";
        std::string xmlns = " xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"";
        if (action == "GetSessionToken")
            return HttpResponse{200,
                                {},
                                "<GetSessionTokenResponse" + xmlns + "><GetSessionTokenResult>" + creds +
                                    "</GetSessionTokenResult></GetSessionTokenResponse>"};
        if (action == "AssumeRole")
            return HttpResponse{200,
                                {},
                                "<AssumeRoleResponse" + xmlns + "><AssumeRoleResult>" + creds +
                                    "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/admin/s"
                                    "</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>"
                                    "</AssumeRoleResult></AssumeRoleResponse>"};
        return HttpResponse{
            400, {}, "<ErrorResponse><Error><Code>InvalidAction</Code></Error></ErrorResponse>"};
    }
    std::vector<std::string> actions() const {
        std::vector<std::string> out;
        for (const auto& r : requests) out.push_back(form_value(r.body, "Action"));
        return out;
    }

  private:
    const Clock& m_clock;
};

class ScriptedPrompt final : public Prompt {
  public:
    std::vector<std::string> questions;
    Result<std::string> ask(std::string_view q) override {
        questions.emplace_back(q);
        return std::string("123456");
    }
    Result<Secret> ask_secret(std::string_view q) override {
        questions.emplace_back(q);
        return Secret("unused");
    }
    void tell(std::string_view) override {}
};

using testing::FixedPassphrase;

class ChainTest : public ::testing::Test {
  protected:
    void SetUp() override {
        FileVaultOptions opts;
        opts.kdf = minimum_kdf_params();
        vault = std::make_unique<FileVault>(m_tmp.path() + "/vault", passphrase, clock, opts);
        ASSERT_TRUE(vault->update([&](VaultData& d) -> Result<void> {
            d.keys["alice"] = StoredKey{"AKIAALICEALICEALICE1", Secret("alice-secret"), clock.now()};
            return {};
        }));
        auto cfg =
            AwsConfig::parse("", "", ConfigPaths{m_tmp.path() + "/config", m_tmp.path() + "/credentials"});
        ASSERT_TRUE(cfg);
        config = std::make_unique<AwsConfig>(std::move(*cfg));

        alice = std::make_shared<ProfileConfig>();
        alice->name = "alice";
        alice->region = "us-east-1";
        alice->mfa_serial = "arn:aws:iam::123456789012:mfa/alice";
        admin.name = "admin";
        admin.region = "us-east-1";
        admin.role_arn = "arn:aws:iam::123456789012:role/admin";
        admin.mfa_serial = alice->mfa_serial;
        admin.source = alice;
    }
    /// One command's worth of work: a fresh chain, as each sesame process builds.
    Result<Credentials> run(const ProfileConfig& target, ChainOptions options = {},
                            std::optional<Secret> given_code = std::nullopt) {
        PromptMfaSource terminal(prompt);
        MfaCodes mfa(terminal, std::move(given_code));
        ServiceClients sts(*config, env, clock, log, [this] { return std::make_unique<Forward>(http); });
        ChainDeps deps{clock, *vault, mfa, sts, log, [](const std::string& p) { return p == "alice"; }, {}};
        auto provider = build_provider(target, options, deps);
        if (!provider) return std::unexpected(provider.error());
        return (*provider)->retrieve();
    }

    /// ServiceClients owns its HttpClient; this forwards to the test's FakeSts.
    struct Forward final : HttpClient {
        explicit Forward(FakeSts& f) : fake(f) {}
        Result<HttpResponse> send(const HttpRequest& r) override { return fake.send(r); }
        FakeSts& fake;
    };

    FixedClock clock{sys_days{2026y / 11 / 20} + 12h};
    FakeSts http{clock};
    ScriptedPrompt prompt;
    FixedPassphrase passphrase;
    Env env{{{"AWS_ENDPOINT_URL", "http://127.0.0.1:9"}}};
    Log log;
    std::unique_ptr<FileVault> vault;
    std::unique_ptr<AwsConfig> config;
    std::shared_ptr<ProfileConfig> alice;
    ProfileConfig admin;

  private:
    testing::TempDir m_tmp;
};

TEST_F(ChainTest, RoleWithMfaAsksOnceAtGetSessionTokenThenAssumesWithoutCode) {
    auto creds = run(admin);
    ASSERT_TRUE(creds) << creds.error().message;
    ASSERT_EQ(http.actions(), (std::vector<std::string>{"GetSessionToken", "AssumeRole"}));
    EXPECT_EQ(prompt.questions.size(), 1u);
    const std::string& gst = http.requests[0].body;
    EXPECT_EQ(form_value(gst, "TokenCode"), "123456");
    EXPECT_NE(form_value(gst, "SerialNumber"), "");
    EXPECT_EQ(form_value(gst, "DurationSeconds"), "28800") << "a session that feeds a role lasts 8h";
    EXPECT_EQ(form_value(http.requests[1].body, "TokenCode"), "");
    EXPECT_EQ(creds->access_key_id, "ASIAFAKE2");
}

TEST_F(ChainTest, ACodeAwsRefusesIsAskedAgainThreeTimesInAll) {
    http.refuse_codes = 1;
    auto creds = run(admin);
    ASSERT_TRUE(creds) << creds.error().message;
    EXPECT_EQ(prompt.questions.size(), 2u);
    EXPECT_EQ(http.actions(), (std::vector<std::string>{"GetSessionToken", "GetSessionToken", "AssumeRole"}));

    http.requests.clear();
    prompt.questions.clear();
    http.refuse_codes = 10;
    ASSERT_TRUE(vault->update([](VaultData& d) -> Result<void> {
        d.sessions.clear();
        return {};
    }));
    auto refused = run(admin);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("MultiFactorAuthentication"), std::string::npos);
    EXPECT_EQ(prompt.questions.size(), 3u);
    EXPECT_EQ(http.requests.size(), 3u);
}

TEST_F(ChainTest, ARefusedMfaTokenGivenOnTheCommandLineIsNotFollowedByAPrompt) {
    http.refuse_codes = 1;
    auto refused = run(admin, {}, Secret("111111"));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("MultiFactorAuthentication"), std::string::npos);
    EXPECT_TRUE(prompt.questions.empty());
    EXPECT_EQ(http.requests.size(), 1u);
}

TEST_F(ChainTest, SecondRunIsServedFromTheVault) {
    ASSERT_TRUE(run(admin));
    auto again = run(admin);
    ASSERT_TRUE(again);
    EXPECT_EQ(http.requests.size(), 2u) << "no STS call for a cached session";
    EXPECT_EQ(prompt.questions.size(), 1u);
    EXPECT_EQ(again->access_key_id, "ASIAFAKE2");
}

TEST_F(ChainTest, ExpiringRoleSessionIsRenewedFromTheCachedMfaSession) {
    ASSERT_TRUE(run(admin));
    clock.advance(
        56min);  // role session has 4 minutes left (< 5 min): renew it; the 8h MFA session still serves
    auto renewed = run(admin);
    ASSERT_TRUE(renewed);
    EXPECT_EQ(http.actions(), (std::vector<std::string>{"GetSessionToken", "AssumeRole", "AssumeRole"}));
    EXPECT_EQ(prompt.questions.size(), 1u) << "no second MFA prompt";
    EXPECT_EQ(renewed->access_key_id, "ASIAFAKE3");
}

TEST_F(ChainTest, NoSessionAssumesRoleDirectlyWithMfa) {
    ChainOptions o;
    o.use_session = false;
    ASSERT_TRUE(run(admin, o));
    ASSERT_EQ(http.actions(), (std::vector<std::string>{"AssumeRole"}));
    EXPECT_EQ(form_value(http.requests[0].body, "TokenCode"), "123456");
}

/// Issue 15: a role whose source holds the MFA device (the usual aws-vault layout) got no MFA
/// under --no-session, and that session was cached under the key of the MFA one.
TEST_F(ChainTest, NoSessionSendsTheKeysMfaDeviceWithTheRoleAndCachesItApart) {
    ProfileConfig role = admin;
    role.mfa_serial.clear();  // only the source profile names the device
    ChainOptions direct;
    direct.use_session = false;
    auto first = run(role, direct);
    ASSERT_TRUE(first) << first.error().message;
    ASSERT_EQ(http.actions(), (std::vector<std::string>{"AssumeRole"}));
    EXPECT_EQ(form_value(http.requests[0].body, "SerialNumber"),
              "arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice");
    EXPECT_EQ(form_value(http.requests[0].body, "TokenCode"), "123456");

    // With sessions: its own chain, not the --no-session role session.
    auto chained = run(role);
    ASSERT_TRUE(chained);
    EXPECT_EQ(http.actions(), (std::vector<std::string>{"AssumeRole", "GetSessionToken", "AssumeRole"}));
    EXPECT_NE(chained->access_key_id, first->access_key_id);
    // And each is served from its own cache entry afterwards.
    EXPECT_EQ(run(role, direct)->access_key_id, first->access_key_id);
    EXPECT_EQ(run(role)->access_key_id, chained->access_key_id);
    EXPECT_EQ(http.requests.size(), 3u);
}

/// Issue 15: -d 2h was answered with a cached session of 58 minutes.
TEST_F(ChainTest, AnExplicitDurationIsNotServedByAShorterCachedSession) {
    ASSERT_TRUE(run(*alice));  // a 1h session is cached
    ChainOptions two_hours;
    two_hours.duration = 2h;
    ASSERT_TRUE(run(*alice, two_hours));
    ASSERT_EQ(http.requests.size(), 2u) << "the cached hour is shorter than the 2h asked";
    EXPECT_EQ(form_value(http.requests[1].body, "DurationSeconds"), "7200");

    clock.advance(5min);  // 1h55m left: at least 90% of 2h
    ASSERT_TRUE(run(*alice, two_hours));
    EXPECT_EQ(http.requests.size(), 2u);
    ChainOptions one_hour;
    one_hour.duration = 1h;
    ASSERT_TRUE(run(*alice, one_hour));
    EXPECT_EQ(http.requests.size(), 2u) << "a longer session serves a shorter request";

    clock.advance(10min);  // 1h45m left: less than 90% of 2h
    ASSERT_TRUE(run(*alice, two_hours));
    EXPECT_EQ(http.requests.size(), 3u);
}

/// SESAME_SESSION_TTL, SESAME_CHAINED_SESSION_TTL and SESAME_ASSUME_ROLE_TTL (aws-vault's
/// AWS_SESSION_TOKEN_TTL, AWS_CHAINED_SESSION_TOKEN_TTL, AWS_ASSUME_ROLE_TTL) reach STS.
TEST_F(ChainTest, ConfiguredSessionLengthsReachSts) {
    ChainOptions o;
    o.session_duration = 12h;
    o.chained_session_duration = 10h;
    o.role_duration = 2h;
    ProfileConfig role = admin;
    role.duration_seconds = 3600s;  // the variable wins, as in aws-vault
    ASSERT_TRUE(run(*alice, o));
    clock.advance(13h);  // past it: the role's chain makes its own
    ASSERT_TRUE(run(role, o));
    ASSERT_EQ(http.actions(), (std::vector<std::string>{"GetSessionToken", "GetSessionToken", "AssumeRole"}));
    EXPECT_EQ(form_value(http.requests[0].body, "DurationSeconds"), "43200");
    EXPECT_EQ(form_value(http.requests[1].body, "DurationSeconds"), "36000");
    EXPECT_EQ(form_value(http.requests[2].body, "DurationSeconds"), "7200");

    // --duration wins for the profile asked for.
    o.duration = 45min;
    clock.advance(3h);
    ASSERT_TRUE(run(role, o));
    EXPECT_EQ(form_value(http.requests.back().body, "DurationSeconds"), "2700");
}

TEST_F(ChainTest, PlainProfileGetsAOneHourSessionOrTheRequestedDuration) {
    ChainOptions o;
    o.duration = 2h;
    ASSERT_TRUE(run(*alice, o));
    EXPECT_EQ(form_value(http.requests[0].body, "DurationSeconds"), "7200");
    clock.advance(3h);
    ASSERT_TRUE(run(*alice));
    EXPECT_EQ(form_value(http.requests[1].body, "DurationSeconds"), "3600");
}

TEST_F(ChainTest, NoSessionOnAPlainProfileGivesTheStoredKey) {
    ChainOptions o;
    o.use_session = false;
    auto creds = run(*alice, o);
    ASSERT_TRUE(creds);
    EXPECT_TRUE(http.requests.empty());
    EXPECT_EQ(creds->access_key_id, "AKIAALICEALICEALICE1");
    EXPECT_FALSE(creds->is_temporary());
}

TEST_F(ChainTest, RoleSettingsReachAssumeRole) {
    admin.external_id = "ext-123";
    admin.role_session_name = "me";
    admin.duration_seconds = seconds(1800);
    admin.session_tags = "team=core, env = prod";
    admin.transitive_session_tags = "team";
    admin.source_identity = "alice";
    ASSERT_TRUE(run(admin));
    const std::string& body = http.requests.at(1).body;
    EXPECT_EQ(form_value(body, "ExternalId"), "ext-123");
    EXPECT_EQ(form_value(body, "RoleSessionName"), "me");
    EXPECT_EQ(form_value(body, "DurationSeconds"), "1800");
    EXPECT_EQ(form_value(body, "Tags.member.1.Key"), "team");
    EXPECT_EQ(form_value(body, "Tags.member.2.Value"), "prod");
    EXPECT_EQ(form_value(body, "TransitiveTagKeys.member.1"), "team");
    EXPECT_EQ(form_value(body, "SourceIdentity"), "alice");
}

TEST_F(ChainTest, MalformedSessionTagsAreRefusedBeforeAnyCall) {
    admin.session_tags = "team";
    auto r = run(admin);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("session_tags item \"team\""), std::string::npos) << r.error().message;
    EXPECT_TRUE(http.requests.empty());
}

TEST_F(ChainTest, ProfileWithoutAnySourceIsAClearError) {
    ProfileConfig lonely;
    lonely.name = "lonely";
    auto r = run(lonely);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("\"lonely\""), std::string::npos);
    EXPECT_NE(r.error().hint.find("sesame add lonely"), std::string::npos);
}

TEST(ChainAssumesRole, FollowsTheChainsOwnOrder) {
    auto has_keys = [](const std::string& p) { return p == "alice" || p == "keyed-role"; };
    auto make = [](std::string name, std::string role_arn, std::shared_ptr<const ProfileConfig> source,
                   std::string process = "") {
        auto p = std::make_shared<ProfileConfig>();
        p->name = std::move(name);
        p->role_arn = std::move(role_arn);
        p->source = std::move(source);
        p->credential_process = std::move(process);
        return p;
    };
    auto alice = make("alice", "", nullptr);
    auto admin = make("admin", "arn:aws:iam::1:role/admin", alice);
    auto via_admin = make("via-admin", "", admin);  // no role of its own: its source's session
    auto keyed_role = make("keyed-role", "arn:aws:iam::1:role/x", nullptr);
    auto process = make("process", "", admin, "get-creds");  // credential_process before source
    auto alias = make("alias", "", alice);
    EXPECT_FALSE(chain_assumes_role(*alice, has_keys));
    EXPECT_TRUE(chain_assumes_role(*admin, has_keys));
    EXPECT_TRUE(chain_assumes_role(*via_admin, has_keys));
    EXPECT_TRUE(chain_assumes_role(*keyed_role, has_keys));
    EXPECT_FALSE(chain_assumes_role(*process, has_keys));
    EXPECT_FALSE(chain_assumes_role(*alias, has_keys));
    EXPECT_FALSE(chain_assumes_role(*make("empty", "", nullptr), has_keys));
}

}  // namespace
}  // namespace sesame
