// The key service: the one rule for which cached sessions die with a key, used by add (put),
// remove and rotate (replace_if), and rotation's compare-and-swap on a real file vault.

#include "app/key_service.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "fakes.hpp"
#include "platform/files.hpp"
#include "temp_dir.hpp"
#include "util/time.hpp"
#include "vault/file_vault.hpp"
#include "vault/memory_store.hpp"

namespace sesame {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

const TimePoint k_now = *parse_rfc3339("2026-03-04T05:06:07Z");

using SilentPrompt = testing::NoTerminal;

void put_session(SecretStore& store, const SessionKey& key) {
    StoreChange c;
    c.put_sessions.emplace(
        key.id(), stored_session(key, "ASIA" + key.profile, Secret("s"), Secret("t"), k_now + 1h, k_now));
    ASSERT_TRUE(store.apply(c));
}

/// A real Context on a temporary HOME: the rule's profiles come from this config, resolved as
/// exec resolves them.
class KeyServiceRule : public ::testing::Test {
  protected:
    void SetUp() override {
        std::ofstream(tmp / "config") << "[profile base]\nmfa_serial = arn:aws:iam::123456789012:mfa/me\n"
                                         "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\n"
                                         "source_profile = base\n"
                                         "[profile deep]\nrole_arn = arn:aws:iam::123456789012:role/Deep\n"
                                         "source_profile = admin\n"
                                         "[profile other]\n"
                                         "[profile own]\nrole_arn = arn:aws:iam::123456789012:role/Own\n"
                                         "source_profile = other\n";
        ctx = std::make_unique<Context>(
            Env({{"HOME", tmp.path()},
                 {"AWS_CONFIG_FILE", tmp / "config"},
                 {"AWS_SHARED_CREDENTIALS_FILE", tmp / "credentials"},
                 {"SESAME_FILE_DIR", tmp / "vault"},
                 {"SESAME_FILE_PASSPHRASE", "correct horse"},
                 {"SESAME_KEY_CACHE", "none"}}),
            clock, prompt, Log{}, [](std::string_view) {}, Context::HttpFactory{});
        KeyService keys(*ctx);
        ASSERT_TRUE(keys.put("base", "AKIABASE00000000", Secret("base-secret")));
        ASSERT_TRUE(keys.put("other", "AKIAOTHER0000000", Secret("other-secret")));
        for (const auto& k : {SessionKey::session_token("base", "arn:aws:iam::123456789012:mfa/me"),
                              SessionKey::role("admin", "arn:aws:iam::123456789012:role/Admin", "", "", ""),
                              SessionKey::role("deep", "arn:aws:iam::123456789012:role/Deep", "", "", ""),
                              SessionKey::account_role("admin", "arn:aws:iam::210987654321:role/R"),
                              SessionKey::session_token("other", ""),
                              SessionKey::role("own", "arn:aws:iam::123456789012:role/Own", "", "", "")})
            put_session(ctx->store(), k);
    }

    std::set<std::string> session_profiles() {
        std::set<std::string> out;
        auto sessions = ctx->store().sessions();
        EXPECT_TRUE(sessions);
        if (sessions)
            for (const auto& [id, s] : *sessions) out.insert(s.profile);
        return out;
    }

    TempDir tmp;
    FixedClock clock{k_now};
    SilentPrompt prompt;
    std::unique_ptr<Context> ctx;
};

TEST_F(KeyServiceRule, TheRuleIsTheKeysProfileAndEveryProfileWhoseChainReachesIt) {
    EXPECT_EQ(*ctx->profiles_using_key("base"), (std::set<std::string>{"base", "admin", "deep"}));
    EXPECT_EQ(*ctx->profiles_using_key("other"), (std::set<std::string>{"other", "own"}));
}

/// `add` once kept the role sessions made from a replaced key; rotate dropped them.
TEST_F(KeyServiceRule, ReplacingAKeyDropsTheRoleSessionsMadeFromIt) {
    KeyService keys(*ctx);
    auto put = keys.put("base", "AKIANEWBASE00000", Secret("new-secret"));
    ASSERT_TRUE(put) << put.error().message;
    EXPECT_TRUE(put->replaced);
    EXPECT_EQ(put->sessions_removed, 4u);
    EXPECT_EQ(session_profiles(), (std::set<std::string>{"other", "own"}));
}

TEST_F(KeyServiceRule, RemovingAKeyDropsTheSameSessionsAsReplacingIt) {
    KeyService keys(*ctx);
    auto removed = keys.remove("other");
    ASSERT_TRUE(removed) << removed.error().message;
    EXPECT_EQ(removed->sessions_removed, 2u);
    EXPECT_EQ(session_profiles(), (std::set<std::string>{"base", "admin", "deep"}));
    EXPECT_FALSE(ctx->store().key("other")->has_value());
}

TEST_F(KeyServiceRule, RotationDropsTheSameSessionsAsReplacing) {
    KeyService keys(*ctx);
    Credentials fresh;
    fresh.access_key_id = "AKIAROTATED00000";
    fresh.secret_access_key = Secret("rotated");
    KeyServiceRotationStore store(keys, ctx->store(), "base");
    EXPECT_EQ(*store.stored_key_id(), "AKIABASE00000000");
    auto cleared = store.replace("AKIABASE00000000", fresh);
    ASSERT_TRUE(cleared) << cleared.error().message;
    EXPECT_EQ(*cleared, 4u);
    EXPECT_EQ(session_profiles(), (std::set<std::string>{"other", "own"}));
}

TEST_F(KeyServiceRule, RemovingAnUnknownProfileSaysWhichOneWasMeant) {
    KeyService keys(*ctx);
    auto removed = keys.remove("bsae");
    ASSERT_FALSE(removed);
    EXPECT_NE(removed.error().hint.find("did you mean \"base\""), std::string::npos) << removed.error().hint;
    EXPECT_EQ(session_profiles().size(), 5u);
}

/// `remove admin --force` once failed ("no keys are stored") and left admin's role sessions:
/// a profile without a key loses the sessions the rule names, and the keys stay.
TEST_F(KeyServiceRule, RemovingAProfileWithoutAKeyDropsItsSessionsByTheRule) {
    KeyService keys(*ctx);
    auto removed = keys.remove("admin");
    ASSERT_TRUE(removed) << removed.error().message;
    EXPECT_FALSE(removed->replaced);
    EXPECT_EQ(removed->sessions_removed, 3u);  // admin's two and deep's, made from admin's
    EXPECT_EQ(session_profiles(), (std::set<std::string>{"base", "other", "own"}));
    EXPECT_EQ(ctx->store().key_names()->size(), 2u);
    // Nothing left to remove: an error again, and the vault is not written.
    ASSERT_FALSE(keys.remove("admin"));
}

TEST_F(KeyServiceRule, ClearingSessionsKeepsKeys) {
    KeyService keys(*ctx);
    EXPECT_EQ(*keys.clear_sessions("admin"), 2u);
    EXPECT_EQ(*keys.clear_sessions(""), 4u);
    EXPECT_EQ(ctx->store().key_names()->size(), 2u);
}

// --- rotation's compare-and-swap on a real file vault ----------------------------------------

using testing::FixedPassphrase;

class RotationStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        FileVaultOptions options;
        options.kdf = minimum_kdf_params();
        options.lock_timeout = 50ms;
        vault = std::make_unique<FileVault>(tmp.path() + "/vault", passphrase, clock, options);
        keys = std::make_unique<KeyService>(*vault, clock,
                                            [](const std::string& p) -> Result<std::set<std::string>> {
                                                if (p == "alice")
                                                    return std::set<std::string>{"alice", "admin"};
                                                return std::set<std::string>{p};
                                            });
        ASSERT_TRUE(keys->put("alice", "AKIAOLD", Secret("old-secret")));
        ASSERT_TRUE(keys->put("bob", "AKIABOB", Secret("bob-secret")));
        put_session(*vault, SessionKey::session_token("alice", ""));
        put_session(*vault, SessionKey::role("admin", "arn:aws:iam::123456789012:role/A", "", "", ""));
        put_session(*vault, SessionKey::session_token("bob", ""));
    }

    Credentials new_key() const {
        Credentials c;
        c.access_key_id = "AKIANEW";
        c.secret_access_key = Secret("new-secret");
        return c;
    }

    TempDir tmp;
    FixedClock clock{k_now};
    FixedPassphrase passphrase;
    std::unique_ptr<FileVault> vault;
    std::unique_ptr<KeyService> keys;
};

TEST_F(RotationStoreTest, ReplacesTheKeyAndForgetsOnlyTheOldKeysSessions) {
    KeyServiceRotationStore store(*keys, *vault, "alice");
    EXPECT_EQ(*store.stored_key_id(), "AKIAOLD");
    auto cleared = store.replace("AKIAOLD", new_key());
    ASSERT_TRUE(cleared) << cleared.error().message;
    EXPECT_EQ(*cleared, 2u);
    auto data = vault->load();
    ASSERT_TRUE(data);
    EXPECT_EQ(data->keys.at("alice").access_key_id, "AKIANEW");
    EXPECT_EQ(data->keys.at("alice").secret_access_key.reveal(), "new-secret");
    EXPECT_EQ(data->keys.at("bob").access_key_id, "AKIABOB");
    ASSERT_EQ(data->sessions.size(), 1u);
    EXPECT_EQ(data->sessions.begin()->second.profile, "bob");
    EXPECT_EQ(*store.stored_key_id(), "AKIANEW");
}

TEST_F(RotationStoreTest, RefusesWhenTheStoredKeyChangedMeanwhile) {
    KeyServiceRotationStore store(*keys, *vault, "alice");
    auto before = read_file(vault->path());
    ASSERT_TRUE(before);
    auto cleared = store.replace("AKIAOTHER", new_key());
    ASSERT_FALSE(cleared);
    EXPECT_NE(cleared.error().message.find("no longer holds key AKIAOTHER"), std::string::npos);
    EXPECT_EQ(*read_file(vault->path()), *before) << "the vault was written";
}

TEST_F(RotationStoreTest, FailsWhileAnotherProcessHoldsTheLock) {
    KeyServiceRotationStore store(*keys, *vault, "alice");
    auto lock = FileLock::acquire(vault->path() + ".lock", 1s);
    ASSERT_TRUE(lock);
    EXPECT_FALSE(store.replace("AKIAOLD", new_key()));
    EXPECT_EQ(*store.stored_key_id(), "AKIAOLD");
}

TEST_F(RotationStoreTest, AProfileWithoutAKeyReadsAsEmpty) {
    KeyServiceRotationStore store(*keys, *vault, "nobody");
    EXPECT_EQ(*store.stored_key_id(), "");
    EXPECT_FALSE(store.replace("AKIAOLD", new_key()));
}

}  // namespace
}  // namespace sesame
