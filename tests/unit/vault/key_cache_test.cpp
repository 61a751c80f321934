// The unlocked-key cache: FileVault with a fake cache (what is cached, when it is trusted), and
// the real kernel keyring where this machine has one.

#include "vault/key_cache.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

#include "temp_dir.hpp"
#include "vault/file_vault.hpp"
#include "vault/kernel_keyring.hpp"

namespace sesame {
namespace {

using namespace std::chrono;

class FakeKeyCache final : public KeyCache {
  public:
    std::map<std::string, std::string> entries;  // encoded
    std::optional<Entry> load(const std::string& id, seconds) override {
        auto it = entries.find(id);
        if (it == entries.end()) return std::nullopt;
        return decode_key_entry(it->second);
    }
    bool store(const std::string& id, const Entry& e, seconds) override {
        entries[id] = encode_key_entry(e);
        return true;
    }
    bool forget(const std::string& id) override { return entries.erase(id) > 0; }
    std::optional<seconds> time_left(const std::string& id) override {
        return entries.count(id) ? std::optional<seconds>(3600) : std::nullopt;
    }
    std::string describe() const override { return "fake"; }
};

/// Counts how often the passphrase is asked; `preset` plays SESAME_FILE_PASSPHRASE.
class CountingPassphrase final : public PassphraseSource {
  public:
    std::string value = "right passphrase";
    std::optional<std::string> preset_value;
    int asked = 0;
    Result<Secret> passphrase(bool) override {
        ++asked;
        return Secret(preset_value.value_or(value));
    }
    std::optional<Secret> preset() override {
        if (!preset_value) return std::nullopt;
        return Secret(*preset_value);
    }
};

class KeyCaching : public ::testing::Test {
  protected:
    std::unique_ptr<FileVault> vault(CountingPassphrase& p, seconds idle = hours(1)) {
        FileVaultOptions o;
        o.kdf = minimum_kdf_params();
        o.key_cache = &cache;
        o.unlock_idle = idle;
        return std::make_unique<FileVault>(dir.path(), p, clock, o);
    }
    Result<void> add_key(FileVault& v) {
        return v.update([&](VaultData& d) -> Result<void> {
            d.keys["alice"] = StoredKey{"AKIAEXAMPLEEXAMPLE01", Secret("s"), clock.now()};
            return {};
        });
    }
    testing::TempDir dir;
    FixedClock clock{sys_days{2026y / 11 / 20}};
    FakeKeyCache cache;
};

TEST(KeyEntry, EncodesAndRejectsWrongSizes) {
    KeyCache::Entry e;
    e.salt = std::string(k_kdf_salt_size, 's');
    e.key = AeadKey::random();
    e.passphrase_check = passphrase_check(e.key, Secret("p"));
    auto back = decode_key_entry(encode_key_entry(e));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->salt, e.salt);
    EXPECT_EQ(back->passphrase_check, e.passphrase_check);
    EXPECT_EQ(std::string_view(reinterpret_cast<const char*>(back->key.data()), AeadKey::size()),
              std::string_view(reinterpret_cast<const char*>(e.key.data()), AeadKey::size()));
    EXPECT_FALSE(decode_key_entry(encode_key_entry(e) + "x"));
    EXPECT_FALSE(decode_key_entry(""));
    EXPECT_NE(passphrase_check(e.key, Secret("p")), passphrase_check(e.key, Secret("q")));
}

TEST_F(KeyCaching, CreatingTheVaultUnlocksItForLaterProcesses) {
    CountingPassphrase first;
    ASSERT_TRUE(add_key(*vault(first)));
    EXPECT_EQ(first.asked, 1);
    ASSERT_EQ(cache.entries.size(), 1u);

    CountingPassphrase later;  // a new process
    auto data = vault(later)->load();
    ASSERT_TRUE(data) << data.error().message;
    EXPECT_EQ(data->keys.count("alice"), 1u);
    EXPECT_EQ(later.asked, 0) << "asked although the vault was unlocked";
}

TEST_F(KeyCaching, AWrongPresetPassphraseIsNotAcceptedBecauseAKeyIsCached) {
    CountingPassphrase first;
    ASSERT_TRUE(add_key(*vault(first)));
    CountingPassphrase wrong;
    wrong.preset_value = "wrong passphrase";
    auto data = vault(wrong)->load();
    ASSERT_FALSE(data);
    EXPECT_NE(data.error().message.find("wrong passphrase"), std::string::npos);

    CountingPassphrase right;
    right.preset_value = "right passphrase";
    ASSERT_TRUE(vault(right)->load());
    EXPECT_EQ(right.asked, 0) << "the right preset passphrase should use the cached key";
}

TEST_F(KeyCaching, LockForgetsTheKey) {
    CountingPassphrase first;
    auto v = vault(first);
    ASSERT_TRUE(add_key(*v));
    EXPECT_TRUE(v->unlocked_for());
    EXPECT_TRUE(v->forget_unlocked());
    EXPECT_FALSE(v->unlocked_for());
    EXPECT_TRUE(cache.entries.empty());
    CountingPassphrase later;
    ASSERT_TRUE(vault(later)->load());
    EXPECT_EQ(later.asked, 1);
    EXPECT_EQ(cache.entries.size(), 1u) << "unlocking again caches again";
}

TEST_F(KeyCaching, IdleZeroCachesNothing) {
    CountingPassphrase first;
    ASSERT_TRUE(add_key(*vault(first, seconds(0))));
    EXPECT_TRUE(cache.entries.empty());
}

TEST_F(KeyCaching, AWrongPassphraseIsNeverCached) {
    CountingPassphrase first;
    ASSERT_TRUE(add_key(*vault(first)));
    ASSERT_TRUE(vault(first)->forget_unlocked());
    CountingPassphrase wrong;
    wrong.value = "wrong";
    EXPECT_FALSE(vault(wrong)->load());
    EXPECT_TRUE(cache.entries.empty());
}

TEST_F(KeyCaching, AKeyForAnotherVaultIsIgnored) {
    CountingPassphrase first;
    ASSERT_TRUE(add_key(*vault(first)));
    // Re-create the vault (new salt) under the same cache id.
    std::filesystem::remove(dir / "vault.sesame");
    CountingPassphrase second;
    second.value = "another passphrase";
    ASSERT_TRUE(add_key(*vault(second)));
    CountingPassphrase later;
    later.value = "another passphrase";
    ASSERT_TRUE(vault(later)->load());
    EXPECT_EQ(later.asked, 0) << "the new vault's key replaced the old one";
}

TEST(KernelKeyring, StoresLoadsAndForgets) {
    if (!KernelKeyring::available()) GTEST_SKIP() << "no kernel keyring on this machine";
    KernelKeyring ring;
    std::string id = "unit-test-" + std::to_string(::getpid());
    KeyCache::Entry e;
    e.salt = std::string(k_kdf_salt_size, 'x');
    e.key = AeadKey::random();
    e.passphrase_check = std::string(32, 'c');
    ASSERT_TRUE(ring.store(id, e, seconds(120)));
    auto back = ring.load(id, seconds(120));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->salt, e.salt);
    auto left = ring.time_left(id);
    ASSERT_TRUE(left);
    EXPECT_GT(left->count(), 0);
    EXPECT_LE(left->count(), 120);
    EXPECT_TRUE(ring.forget(id));
    EXPECT_FALSE(ring.load(id, seconds(120)));
}

}  // namespace
}  // namespace sesame
