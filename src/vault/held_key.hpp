#pragma once

// Backends that hold the file vault's key instead of deriving it from a passphrase.
//
// The OS keyring backends (secret-service, keyctl) keep sesame's data where the file backend
// keeps it — one sealed file, so sessions cache, writes stay atomic and single-flight locks stay
// flock'ed, and the file names nothing — and keep in the keyring one thing only: a random
// 256-bit key that opens that file. The keyring then decides who may read it (the login
// keyring's own unlock prompt, the kernel's possessor rules), and sesame never asks for a
// passphrase of its own. What the keyring reveals is one item, named after sesame and the
// vault's folder: never a profile name.

#include <memory>
#include <optional>
#include <string>

#include "crypto/secret.hpp"
#include "util/error.hpp"
#include "vault/file_vault.hpp"

namespace sesame {

/// Where a vault's key is held (one item per vault folder). Every holder passes the contract in
/// tests/unit/vault/key_holder_contract_test.cpp.
class VaultKeyHolder {
  public:
    virtual ~VaultKeyHolder() = default;
    /// The held key; nullopt when the holder has none for this vault.
    virtual Result<std::optional<Secret>> load() = 0;
    /// Holds `key`, replacing any held before.
    virtual Result<void> store(const Secret& key) = 0;
    /// Drops the held key; false when there was none.
    virtual Result<bool> erase() = 0;
    /// Where the key is held, for `status` and errors: "the Secret Service's default collection".
    virtual std::string describe() const = 0;
    /// What the user can do when the key is gone although the vault file exists.
    virtual std::string when_lost() const = 0;
};

/// The held key as the file vault's passphrase source: a new vault gets a fresh random key
/// (64 hex digits, stored in the holder before the vault is written), an existing one the held
/// key. A random key needs no stretching: pair it with minimum_kdf_params().
class HeldKeyPassphrase final : public PassphraseSource {
  public:
    HeldKeyPassphrase(std::unique_ptr<VaultKeyHolder> holder, std::string vault_path);
    Result<Secret> passphrase(bool creating) override;
    std::string key_origin() const override;
    std::optional<Error> wrong_key() const override;
    VaultKeyHolder& holder() { return *m_holder; }

  private:
    std::unique_ptr<VaultKeyHolder> m_holder;
    std::string m_vault_path;
};

}  // namespace sesame
