#include "secret_store_contract.hpp"

#include <atomic>
#include <cstdlib>
#include <map>
#include <thread>
#include <vector>

#include "platform/process.hpp"
#include "temp_dir.hpp"
#include "util/time.hpp"
#include "vault/backends.hpp"
#include "vault/file_vault.hpp"
#include "vault/keyctl_holder.hpp"
#include "vault/memory_store.hpp"
#include "vault/secret_service_holder.hpp"

namespace sesame::testing {
namespace {

using namespace std::chrono_literals;

const TimePoint k_now = *parse_rfc3339("2026-03-04T05:06:07Z");

StoredKey a_key(const std::string& id, const std::string& secret) {
    return StoredKey{id, Secret(secret), k_now};
}

StoredSession a_session(const SessionKey& key, const std::string& id, TimePoint expiration) {
    return stored_session(key, id, Secret("session-secret-" + id), Secret("token-" + id), expiration, k_now);
}

StoreChange put_key(const std::string& profile, StoredKey key) {
    StoreChange c;
    c.put_keys.emplace(profile, std::move(key));
    return c;
}

StoreChange put_session(const SessionKey& key, StoredSession s) {
    StoreChange c;
    c.put_sessions.emplace(key.id(), std::move(s));
    return c;
}

class ContractTest : public SecretStoreContract {
  protected:
    void SetUp() override {
        harness = GetParam().make();
        if (auto why = harness->unavailable())
            GTEST_SKIP() << GetParam().name << " backend not available here: " << *why;
        store = harness->open(clock, 2000ms);
    }
    std::unique_ptr<SecretStore> another(std::chrono::milliseconds wait = 2000ms) {
        return harness->open(clock, wait);
    }
    FixedClock clock{k_now};
    std::unique_ptr<StoreHarness> harness;
    std::unique_ptr<SecretStore> store;
};

TEST_P(ContractTest, AnEmptyStoreHoldsNothingAndDoesNotExist) {
    EXPECT_FALSE(store->exists());
    EXPECT_TRUE(store->key_names()->empty());
    EXPECT_FALSE(store->key("admin")->has_value());
    EXPECT_TRUE(store->sessions()->empty());
    EXPECT_FALSE(store->session(SessionKey::session_token("admin", ""))->has_value());
}

TEST_P(ContractTest, AKeyIsReadBackAsStoredAndReplacedByTheNextPut) {
    ASSERT_TRUE(store->apply(put_key("admin", a_key("AKIAFIRST0000000", "first-secret"))));
    EXPECT_TRUE(store->exists());
    auto key = store->key("admin");
    ASSERT_TRUE(key && key->has_value());
    EXPECT_EQ(**key, a_key("AKIAFIRST0000000", "first-secret"));
    ASSERT_TRUE(store->apply(put_key("admin", a_key("AKIASECOND000000", "second-secret"))));
    EXPECT_EQ((*store->key("admin"))->access_key_id, "AKIASECOND000000");
    EXPECT_EQ(*store->key_names(), std::vector<std::string>{"admin"});
}

TEST_P(ContractTest, KeyNamesAreSorted) {
    for (const char* p : {"zeta", "alpha", "mid"})
        ASSERT_TRUE(store->apply(put_key(p, a_key("AKIA000000000000", "s"))));
    EXPECT_EQ(*store->key_names(), (std::vector<std::string>{"alpha", "mid", "zeta"}));
}

TEST_P(ContractTest, RemovingAKeyCountsWhatWentAndLeavesTheOthers) {
    ASSERT_TRUE(store->apply(put_key("a", a_key("AKIAAAAAAAAAAAAA", "s"))));
    ASSERT_TRUE(store->apply(put_key("b", a_key("AKIABBBBBBBBBBBB", "s"))));
    StoreChange c;
    c.remove_keys = {"a", "ghost"};
    auto r = store->apply(c);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->keys_removed, 1u);
    EXPECT_FALSE(store->key("a")->has_value());
    EXPECT_TRUE(store->key("b")->has_value());
}

TEST_P(ContractTest, SessionsAreFoundByTheirKeyAndGoWhenExpired) {
    const SessionKey k = SessionKey::session_token("admin", "arn:aws:iam::123456789012:mfa/me");
    ASSERT_TRUE(store->apply(put_session(k, a_session(k, "ASIA1", k_now + 1h))));
    auto s = store->session(k);
    ASSERT_TRUE(s && s->has_value());
    EXPECT_EQ((*s)->access_key_id, "ASIA1");
    EXPECT_EQ((*s)->profile, "admin");
    EXPECT_EQ((*s)->kind, "GetSessionToken");
    EXPECT_EQ((*s)->mfa_serial, "arn:aws:iam::123456789012:mfa/me");
    EXPECT_EQ((*s)->session_token.reveal(), "token-ASIA1");
    EXPECT_FALSE(store->session(SessionKey::session_token("admin", ""))->has_value());
    EXPECT_EQ(store->sessions()->size(), 1u);
    clock.advance(1h);
    EXPECT_FALSE(store->session(k)->has_value());
    EXPECT_TRUE(store->sessions()->empty());
}

TEST_P(ContractTest, SessionsAreRemovedByTheGivenRuleAndCounted) {
    const SessionKey a = SessionKey::session_token("a", "");
    const SessionKey b = SessionKey::role("b", "arn:aws:iam::123456789012:role/R", "", "", "");
    ASSERT_TRUE(store->apply(put_session(a, a_session(a, "ASIAA", k_now + 1h))));
    ASSERT_TRUE(store->apply(put_session(b, a_session(b, "ASIAB", k_now + 1h))));
    StoreChange c;
    c.remove_sessions = [](const StoredSession& s) { return s.profile == "b"; };
    auto r = store->apply(c);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->sessions_removed, 1u);
    EXPECT_TRUE(store->session(a)->has_value());
    EXPECT_FALSE(store->session(b)->has_value());
}

TEST_P(ContractTest, ACompareAndSwapThatFailsChangesNothing) {
    ASSERT_TRUE(store->apply(put_key("admin", a_key("AKIAOLD000000000", "old"))));
    const SessionKey k = SessionKey::session_token("admin", "");
    ASSERT_TRUE(store->apply(put_session(k, a_session(k, "ASIA1", k_now + 1h))));
    StoreChange c = put_key("admin", a_key("AKIANEW000000000", "new"));
    c.expect_key_ids["admin"] = "AKIASOMETHINGELSE";
    c.remove_sessions = [](const StoredSession&) { return true; };
    c.remove_keys = {"admin"};
    auto r = store->apply(c);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("admin"), std::string::npos) << r.error().message;
    EXPECT_EQ((*store->key("admin"))->access_key_id, "AKIAOLD000000000");
    EXPECT_TRUE(store->session(k)->has_value());

    c.expect_key_ids["admin"] = "AKIAOLD000000000";
    c.remove_keys.clear();
    ASSERT_TRUE(store->apply(c));
    EXPECT_EQ((*store->key("admin"))->access_key_id, "AKIANEW000000000");
    EXPECT_FALSE(store->session(k)->has_value());
}

TEST_P(ContractTest, AnExpectedAbsentKeyMustBeAbsent) {
    StoreChange c = put_key("new", a_key("AKIANEW000000000", "s"));
    c.expect_key_ids["new"] = "";
    ASSERT_TRUE(store->apply(c));
    EXPECT_FALSE(store->apply(c));
}

TEST_P(ContractTest, AnotherHandleSeesWhatOneWrote) {
    auto other = another();
    ASSERT_TRUE(store->apply(put_key("admin", a_key("AKIAFIRST0000000", "s"))));
    EXPECT_EQ(*other->key_names(), std::vector<std::string>{"admin"});
    ASSERT_TRUE(other->apply(put_key("admin", a_key("AKIASECOND000000", "s"))));
    EXPECT_EQ((*store->key("admin"))->access_key_id, "AKIASECOND000000");
}

TEST_P(ContractTest, ConcurrentWritersThroughTheirOwnHandlesLoseNothing) {
    constexpr int k_writers = 8, k_each = 5;
    std::vector<std::unique_ptr<SecretStore>> handles;
    for (int i = 0; i < k_writers; ++i) handles.push_back(another(20'000ms));
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < k_writers; ++i) {
        threads.emplace_back([&, i] {
            for (int j = 0; j < k_each; ++j) {
                const std::string p = "p" + std::to_string(i) + "-" + std::to_string(j);
                if (!handles[i]->apply(put_key(p, a_key("AKIA000000000000", p)))) ++failures;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures, 0);
    EXPECT_EQ(store->key_names()->size(), size_t{k_writers * k_each});
}

TEST_P(ContractTest, ALockIsExclusiveAcrossHandlesPerName) {
    auto waiting = another(200ms);
    auto held = store->lock("refresh admin");
    ASSERT_TRUE(held) << held.error().message;
    EXPECT_FALSE(waiting->lock("refresh admin")) << "a held lock was taken again";
    auto other_name = waiting->lock("refresh dev");
    EXPECT_TRUE(other_name) << "a lock of another name waited";
    held->reset();
    EXPECT_TRUE(waiting->lock("refresh admin")) << "a released lock could not be taken";
}

TEST_P(ContractTest, ALockWaiterGetsItWhenTheHolderLetsGo) {
    auto held = store->lock("x");
    ASSERT_TRUE(held);
    std::thread releaser([&] {
        std::this_thread::sleep_for(100ms);
        held->reset();
    });
    auto waiter = another(5000ms);
    EXPECT_TRUE(waiter->lock("x"));
    releaser.join();
}

TEST_P(ContractTest, AConfinedHandleReadsOnlyItsKeysAndWritesKeepTheRest) {
    ASSERT_TRUE(store->apply(put_key("mine", a_key("AKIAMINE00000000", "s"))));
    ASSERT_TRUE(store->apply(put_key("other", a_key("AKIAOTHER0000000", "s"))));
    auto confined = another();
    confined->confine({"mine"});
    EXPECT_EQ(*confined->key_names(), std::vector<std::string>{"mine"});
    EXPECT_FALSE(confined->key("other")->has_value());
    const SessionKey k = SessionKey::session_token("mine", "");
    ASSERT_TRUE(confined->apply(put_session(k, a_session(k, "ASIA1", k_now + 1h))));
    EXPECT_TRUE(store->key("other")->has_value()) << "a confined write dropped another profile's key";
    EXPECT_TRUE(store->session(k)->has_value());
}

TEST_P(ContractTest, DescribeNamesTheBackendButNoSecretOrProfile) {
    ASSERT_TRUE(store->apply(put_key("secret-profile-name", a_key("AKIAFIRST0000000", "the-secret"))));
    const std::string d = store->describe();
    EXPECT_FALSE(d.empty());
    EXPECT_EQ(d.find("the-secret"), std::string::npos);
    EXPECT_EQ(d.find("AKIAFIRST"), std::string::npos);
    EXPECT_EQ(d.find("secret-profile-name"), std::string::npos);
}

// --- the backends -------------------------------------------------------------------------

class FixedPassphrase final : public PassphraseSource {
  public:
    Result<Secret> passphrase(bool) override { return Secret("contract passphrase"); }
};

class FileVaultHarness final : public StoreHarness {
  public:
    std::unique_ptr<SecretStore> open(const Clock& clock, std::chrono::milliseconds lock_wait) override {
        FileVaultOptions options{minimum_kdf_params(), lock_wait};
        options.prompt_wait = lock_wait;
        return std::make_unique<FileVault>(m_dir.path() + "/vault", m_passphrase, clock, options);
    }

  private:
    TempDir m_dir;
    FixedPassphrase m_passphrase;
};

/// A throwaway GNUPGHOME with one generated key without passphrase, made once per test run for
/// the pass backend's stores (nullopt, with why, when gpg or pass is missing).
struct GpgHome {
    TempDir dir;
    std::string fingerprint;
    std::string why_not;
    GpgHome() {
        std::map<std::string, std::string> env = environment();
        auto pass = run_capture({"pass", "version"}, env);
        if (!pass || pass->exit_code != 0) {
            why_not = "pass is not installed";
            return;
        }
        auto made = run_capture({"gpg", "--batch", "--quiet", "--passphrase", "", "--quick-gen-key",
                                 "contract@example.invalid", "default", "default", "never"},
                                env);
        auto listed = run_capture({"gpg", "--batch", "--with-colons", "--list-secret-keys"}, env);
        if (!made || made->exit_code != 0 || !listed) {
            why_not = "gpg could not make a key";
            return;
        }
        auto at = listed->out.find("\nfpr:");
        if (at == std::string::npos) {
            why_not = "gpg made no key";
            return;
        }
        fingerprint = listed->out.substr(at + 13, 40);
    }
    ~GpgHome() { (void)run_capture({"gpgconf", "--kill", "gpg-agent"}, environment()); }
    std::map<std::string, std::string> environment() const {
        const char* path = std::getenv("PATH");
        return {{"PATH", path ? path : "/usr/bin:/bin"}, {"HOME", dir.path()}, {"GNUPGHOME", dir.path()}};
    }
    static GpgHome& once() {
        static GpgHome home;
        return home;
    }
};

/// A backend of the registry (vault/backends), opened as sesame opens it, in a folder of its own;
/// what it left in a keyring is erased afterwards.
class RegisteredBackendHarness final : public StoreHarness {
  public:
    explicit RegisteredBackendHarness(std::string name) : m_name(std::move(name)) {
        if (m_name == "pass" && GpgHome::once().why_not.empty()) {
            auto env = pass_environment();
            (void)run_capture({"pass", "init", GpgHome::once().fingerprint}, env);
        }
    }
    ~RegisteredBackendHarness() override {
        if (m_name == "secret-service" && !unavailable())
            (void)SecretServiceKeyHolder(dir_of(m_name, vault_dir())).erase();
        if (m_name == "keyctl" && !unavailable())
            (void)KeyctlKeyHolder("session", dir_of(m_name, vault_dir())).erase();
    }
    std::unique_ptr<SecretStore> open(const Clock& clock, std::chrono::milliseconds lock_wait) override {
        StoreSetup setup = setup_with(clock, lock_wait);
        return find_backend(m_name)->open(setup);
    }
    std::optional<std::string> unavailable() override {
        if (m_name == "pass" && !GpgHome::once().why_not.empty()) return GpgHome::once().why_not;
        FixedClock clock{k_now};
        return find_backend(m_name)->unavailable(setup_with(clock, 1s));
    }

  private:
    std::string vault_dir() const { return m_dir.path() + "/vault"; }
    StoreSetup setup_with(const Clock& clock, std::chrono::milliseconds lock_wait) {
        FileVaultOptions options{minimum_kdf_params(), lock_wait};
        options.prompt_wait = lock_wait;
        // The test's own session keyring: the persistent one would outlive the test.
        PassSetup pass{"pass", m_dir.path() + "/password-store", "sesame", pass_environment()};
        return StoreSetup{vault_dir(), m_passphrase, clock, options, "session", pass};
    }
    std::map<std::string, std::string> pass_environment() const {
        auto env = GpgHome::once().environment();
        env["PASSWORD_STORE_DIR"] = m_dir.path() + "/password-store";
        return env;
    }
    std::string m_name;
    TempDir m_dir;
    FixedPassphrase m_passphrase;
};

class MemoryStoreHarness final : public StoreHarness {
  public:
    std::unique_ptr<SecretStore> open(const Clock& clock, std::chrono::milliseconds lock_wait) override {
        return std::make_unique<MemoryStore>(m_contents, clock, lock_wait);
    }

  private:
    std::shared_ptr<MemoryStore::Contents> m_contents = std::make_shared<MemoryStore::Contents>();
};

INSTANTIATE_TEST_SUITE_P(
    Backends, ContractTest,
    ::testing::Values(
        StoreBackend{"file", [] { return std::make_unique<FileVaultHarness>(); }},
        StoreBackend{"memory", [] { return std::make_unique<MemoryStoreHarness>(); }},
        StoreBackend{"secret_service",
                     [] { return std::make_unique<RegisteredBackendHarness>("secret-service"); }},
        StoreBackend{"keyctl", [] { return std::make_unique<RegisteredBackendHarness>("keyctl"); }},
        StoreBackend{"pass", [] { return std::make_unique<RegisteredBackendHarness>("pass"); }}),
    [](const ::testing::TestParamInfo<StoreBackend>& info) { return info.param.name; });

}  // namespace
}  // namespace sesame::testing
