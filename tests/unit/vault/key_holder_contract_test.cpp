// The contract of a VaultKeyHolder (vault/held_key.hpp): what the secret-service and keyctl
// backends keep in their keyring. Each holder runs against the real thing — the kernel's session
// keyring, a Secret Service on the session bus — and is skipped, saying why, where there is none
// (tests/integration/test_backends.py runs this suite under a real gnome-keyring-daemon).

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "temp_dir.hpp"
#include "vault/held_key.hpp"
#include "vault/keyctl_holder.hpp"
#include "vault/secret_service_holder.hpp"

namespace sesame::testing {
namespace {

struct HolderKind {
    std::string name;
    std::function<std::optional<std::string>()> unavailable;
    std::function<std::unique_ptr<VaultKeyHolder>(const std::string& vault_dir)> make;
};

class KeyHolderContract : public ::testing::TestWithParam<HolderKind> {
  protected:
    void SetUp() override {
        if (auto why = GetParam().unavailable())
            GTEST_SKIP() << GetParam().name << " not available here: " << *why;
        holder = GetParam().make(dir / "vault");
    }
    void TearDown() override {
        if (holder) (void)holder->erase();
    }
    TempDir dir;
    std::unique_ptr<VaultKeyHolder> holder;
};

TEST_P(KeyHolderContract, HoldsNothingAtFirst) {
    auto held = holder->load();
    ASSERT_TRUE(held) << held.error().message;
    EXPECT_FALSE(held->has_value());
    auto erased = holder->erase();
    ASSERT_TRUE(erased) << erased.error().message;
    EXPECT_FALSE(*erased);
}

TEST_P(KeyHolderContract, ReadsBackWhatItStoredAndTheNextStoreReplacesIt) {
    ASSERT_TRUE(holder->store(Secret(std::string(64, 'a'))));
    EXPECT_EQ((*holder->load())->reveal(), std::string(64, 'a'));
    ASSERT_TRUE(holder->store(Secret(std::string(64, 'b'))));
    EXPECT_EQ((*holder->load())->reveal(), std::string(64, 'b'));
    auto again = GetParam().make(dir / "vault");
    EXPECT_EQ((*again->load())->reveal(), std::string(64, 'b')) << "another handle (process) reads it too";
}

TEST_P(KeyHolderContract, EraseDropsTheKey) {
    ASSERT_TRUE(holder->store(Secret(std::string(64, 'c'))));
    EXPECT_TRUE(*holder->erase());
    EXPECT_FALSE(holder->load()->has_value());
}

TEST_P(KeyHolderContract, EachVaultFolderHasItsOwnKey) {
    TempDir other;
    auto second = GetParam().make(other / "vault");
    ASSERT_TRUE(holder->store(Secret(std::string(64, 'd'))));
    EXPECT_FALSE(second->load()->has_value());
    ASSERT_TRUE(second->store(Secret(std::string(64, 'e'))));
    EXPECT_EQ((*holder->load())->reveal(), std::string(64, 'd'));
    (void)second->erase();
}

TEST_P(KeyHolderContract, DescribesWhereWithoutTheKey) {
    ASSERT_TRUE(holder->store(Secret(std::string(64, 'f'))));
    EXPECT_EQ(holder->describe().find("ffff"), std::string::npos);
    EXPECT_FALSE(holder->when_lost().empty());
}

/// A new vault's key is random and held before the vault is written; an existing vault's key
/// is read back; a key gone from the holder is an error naming the holder, never a new key.
TEST_P(KeyHolderContract, TheHeldKeyPassphraseMakesAKeyOnceAndReadsItBack) {
    HeldKeyPassphrase source(GetParam().make(dir / "vault"), dir / "vault/vault.sesame");
    auto made = source.passphrase(true);
    ASSERT_TRUE(made) << made.error().message;
    EXPECT_EQ(made->reveal().size(), 64u);
    EXPECT_EQ(source.passphrase(false)->reveal(), made->reveal());
    EXPECT_NE(source.passphrase(true)->reveal(), made->reveal()) << "a new vault gets a new key";
    ASSERT_TRUE(holder->erase());
    auto gone = source.passphrase(false);
    ASSERT_FALSE(gone);
    EXPECT_NE(gone.error().message.find(holder->describe()), std::string::npos) << gone.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Holders, KeyHolderContract,
    ::testing::Values(
        HolderKind{"keyctl", [] { return KeyctlKeyHolder::unavailable("session"); },
                   [](const std::string& d) { return std::make_unique<KeyctlKeyHolder>("session", d); }},
        HolderKind{"secret_service", [] { return SecretServiceKeyHolder::unavailable(); },
                   [](const std::string& d) { return std::make_unique<SecretServiceKeyHolder>(d); }}),
    [](const ::testing::TestParamInfo<HolderKind>& info) { return info.param.name; });

}  // namespace
}  // namespace sesame::testing
