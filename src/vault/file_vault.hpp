#pragma once

// The encrypted-file vault: sesame's default backend, one file `<dir>/vault.sesame`.
//
// File format (all integers little-endian):
//
//   offset  size  field
//        0     8  magic "SESAME\x00\x01"
//        8     4  u32 format version (1)
//       12     4  u32 KDF id (1 = Argon2id v1.3, crypto_pwhash_ALG_ARGON2ID13)
//       16     8  u64 KDF opslimit
//       24     8  u64 KDF memlimit (bytes)
//       32    16  KDF salt
//       48    24  nonce
//       72     -  XChaCha20-Poly1305-IETF(key = Argon2id(passphrase, salt), nonce,
//                 plaintext = vault_data JSON, ad = bytes 0..71) = ciphertext || 16-byte tag
//
// Nothing is in clear beyond the header: no profile names, key ids or expiry times, and the file
// name is fixed. The KDF parameters live in the header so they can be raised later without
// breaking old vaults. The salt is chosen when the vault is created; every write uses a new
// random nonce. Because the header is the AEAD's associated data, tampering with the cost
// parameters or salt makes decryption fail.
//
// Files: the directory is 0700, vault.sesame and vault.sesame.lock are 0600. Writers hold an
// flock on vault.sesame.lock and replace vault.sesame atomically (rename), so readers never lock.
//
// Permissions policy: a vault file with any group/other permission bit, or a directory with any,
// is refused with a message saying what to chmod. The file is encrypted, but a readable copy
// allows an offline attack on the passphrase, and a writable directory lets another user swap
// the vault; both mean the setup is not what the user believes, so sesame stops rather than warns.

#include <chrono>
#include <functional>
#include <optional>
#include <set>
#include <string>

#include "crypto/aead.hpp"
#include "crypto/secret.hpp"
#include "platform/files.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"
#include "vault/key_cache.hpp"
#include "vault/secret_store.hpp"
#include "vault/vault_data.hpp"

namespace sesame {

/// Where the vault passphrase comes from: SESAME_FILE_PASSPHRASE or the terminal. Abstract so
/// tests pass a fake.
class PassphraseSource {
  public:
    virtual ~PassphraseSource() = default;
    /// `creating`: the vault does not exist yet, so the source should ask twice and compare.
    virtual Result<Secret> passphrase(bool creating) = 0;
    /// A passphrase given without asking (SESAME_FILE_PASSPHRASE), if any: a cached key is used
    /// with it only when it is the right one.
    virtual std::optional<Secret> preset() { return std::nullopt; }
    /// Drops any passphrase held in memory (FileVault::confine).
    virtual void forget() {}
    /// The passphrase last returned did not open the vault. True when asking for another may help
    /// (a person at a terminal, who is told so); false when the same one would come again
    /// (SESAME_FILE_PASSPHRASE). The vault asks up to three times in all.
    virtual bool ask_again() { return false; }
    /// Where the vault's key comes from, for describe().
    virtual std::string key_origin() const { return "key from the passphrase by Argon2id"; }
    /// The error when what passphrase() returned does not open the vault, if not the usual
    /// "wrong passphrase" (a key held by a keyring is not mistyped).
    virtual std::optional<Error> wrong_key() const { return std::nullopt; }
};

struct FileVaultOptions {
    /// Argon2id cost for vaults this object creates; existing vaults use the cost in their header.
    /// Tests pass minimum_kdf_params() so they run in milliseconds.
    KdfParams kdf = default_kdf_params();
    /// How long update() waits for another sesame process to release the lock.
    std::chrono::milliseconds lock_timeout{10'000};
    /// Where an unlocked key is kept between commands (null: nowhere, ask every time), and for
    /// how long without use. An idle time of 0 disables caching.
    KeyCache* key_cache = nullptr;
    std::chrono::seconds unlock_idle{3600};
    /// How long a process waits for another one that is asking for the passphrase (or an MFA
    /// code, for session locks) before giving up.
    std::chrono::milliseconds prompt_wait{300'000};
    /// The vault is a cache (the pass backend's sessions): when its key is gone or no longer
    /// opens it, the file is removed and the vault starts empty instead of failing.
    bool disposable = false;
};

class FileVault final : public SecretStore {
  public:
    FileVault(std::string dir, PassphraseSource& passphrase, const Clock& clock,
              FileVaultOptions options = {});

    /// <dir>/vault.sesame
    std::string path() const;
    bool exists() const override;
    std::string describe() const override;

    Result<std::vector<std::string>> key_names() override;
    Result<std::optional<StoredKey>> key(const std::string& profile) override;
    Result<std::map<std::string, StoredSession>> sessions() override;
    Result<std::optional<StoredSession>> session(const SessionKey& key) override;
    /// One update(): one atomic write under the vault's lock.
    Result<StoreChangeResult> apply(const StoreChange& change) override;
    /// lock_named().
    Result<StoreLockPtr> lock(std::string_view name) override;

    /// Decrypts and returns the contents, without sessions that have expired. An absent vault reads
    /// as empty WITHOUT asking for a passphrase. Takes no lock: writers replace the file atomically.
    Result<VaultData> load();

    /// Under the lock: re-reads the current file, applies `change`, drops expired sessions and
    /// writes atomically with a new nonce. Creates the directory and the vault (asking for the
    /// passphrase twice) if absent. If `change` fails, nothing is written and its error is returned.
    Result<void> update(const std::function<Result<void>(VaultData&)>& change);

    /// For a long-running process that needs the keys of `profiles` only (an endpoint's chain):
    /// from now on load() returns only those, no decrypted copy of the vault is kept between
    /// reads (each read decrypts, and what is not returned is wiped at once), and the passphrase
    /// source forgets its preset. The vault key stays: sessions are still cached in the vault.
    void confine(std::set<std::string> profiles) override;
    /// Forgets the unlocked key, here and in the key cache; true if the cache held one.
    bool forget_unlocked() override;
    /// How long the cached key has left without use; nullopt when the vault is locked.
    std::optional<std::chrono::seconds> unlocked_for() override;
    /// An exclusive lock named `name` (hashed: names stay private) for single-flight work such
    /// as refreshing one session; waits up to prompt_wait.
    Result<FileLock> lock_named(std::string_view name);

  private:
    /// Refuses `path` if it has permission bits outside `allowed` (0600 or 0700).
    Result<void> check_permissions(const std::string& path, mode_t allowed) const;
    Result<void> check_permissions(const std::string& path, mode_t perms, mode_t allowed) const;
    /// Reads and decrypts the vault; nullopt if it does not exist.
    Result<std::optional<VaultData>> read_existing();
    /// Makes m_key the key for (salt, kdf), asking for the passphrase unless it is cached.
    /// Returns true when it asked (so a decryption failure means a wrong passphrase).
    Result<bool> unlock(std::string_view salt, const KdfParams& kdf);
    /// Takes the key from memory or the key cache if it fits this salt (and a preset passphrase).
    bool use_cached_key(std::string_view salt, const KdfParams& kdf);
    /// Puts the current key into the key cache, with a check of `passphrase`.
    void cache_key(const Secret& passphrase);
    bool caching() const;
    /// The key cache's id for this vault: a hash of its folder's real path.
    std::string cache_id() const;
    /// Asks for a new passphrase (twice) and derives a key with a fresh salt.
    Result<void> create_key();
    Result<void> write(const VaultData& data);
    /// FileVaultOptions::disposable: removes the file its key does not open; it reads as absent.
    Result<std::optional<VaultData>> discard();

    std::string m_dir;
    PassphraseSource& m_passphrase;
    const Clock& m_clock;
    FileVaultOptions m_options;

    /// The key of the last successful unlock, and the salt and cost it was derived with, so a
    /// load() then update() in one process asks once (and asks again if the vault was re-created).
    std::optional<AeadKey> m_key;
    std::string m_salt;
    KdfParams m_kdf;
    /// The last file read and what it decrypted to (ciphertext only: the file's own bytes).
    std::string m_last_file;
    bool m_dir_checked = false;  ///< the folder's permissions passed once in this process
    std::optional<VaultData> m_last_data;
    std::optional<std::set<std::string>> m_confined;  ///< confine()
    /// The passphrase just typed, kept only until the key it made has opened the vault and been cached.
    std::optional<Secret> m_pending_passphrase;
};

}  // namespace sesame
