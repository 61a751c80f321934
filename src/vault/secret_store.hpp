#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"
#include "vault/session_key.hpp"
#include "vault/vault_data.hpp"

namespace sesame {

/// Held while single-flight work runs (a passphrase or MFA prompt, a session refresh, a config
/// edit); released when destroyed, and by the system if its holder dies.
class StoreLock {
  public:
    virtual ~StoreLock() = default;
};
using StoreLockPtr = std::unique_ptr<StoreLock>;

/// Changes a store makes together: in one atomic write where the backend can (the file vault),
/// else item by item under the store's write lock. Nothing is changed if a check fails.
struct StoreChange {
    std::map<std::string, StoredKey> put_keys;  ///< by profile; replaces what is there
    std::set<std::string> remove_keys;
    std::map<std::string, StoredSession> put_sessions;  ///< by SessionKey::id()
    /// Which stored sessions to drop (besides expired ones, which always go); empty: none.
    std::function<bool(const StoredSession&)> remove_sessions;
    /// Compare-and-swap: each profile must hold exactly this key id now ("" = no key), or the
    /// change fails with an error saying which profile changed meanwhile.
    std::map<std::string, std::string> expect_key_ids;
};

struct StoreChangeResult {
    size_t keys_removed = 0;
    size_t sessions_removed = 0;  ///< by remove_sessions
};

/// Where sesame keeps long-term keys and cached sessions. Callers never know which backend they
/// hold (the file vault; an in-memory store for tests; OS keyrings next): every backend passes
/// the same contract suite (tests/unit/vault/secret_store_contract_test.cpp). Several handles on
/// one store (several processes) see each other's writes; each operation is safe against the
/// others, and apply() is all or nothing.
class SecretStore {
  public:
    virtual ~SecretStore() = default;

    /// One line for `status`: the backend and where it keeps things. Never a secret or a
    /// profile name.
    virtual std::string describe() const = 0;
    /// Whether anything was ever stored. Reading a store that does not exist asks nothing (no
    /// passphrase) and finds it empty.
    virtual bool exists() const = 0;

    /// Profiles with a stored key, sorted.
    virtual Result<std::vector<std::string>> key_names() = 0;
    virtual Result<std::optional<StoredKey>> key(const std::string& profile) = 0;
    /// Sessions that have not expired, by SessionKey::id().
    virtual Result<std::map<std::string, StoredSession>> sessions() = 0;
    virtual Result<std::optional<StoredSession>> session(const SessionKey& key) = 0;

    virtual Result<StoreChangeResult> apply(const StoreChange& change) = 0;

    /// An exclusive lock named `name`, shared by every handle on this store (names are not
    /// revealed by the lock); waits as long as the store was configured to, then fails.
    virtual Result<StoreLockPtr> lock(std::string_view name) = 0;

    /// For a long-running process that needs only `profiles`' keys (an endpoint's chain): from
    /// now on reads return only those, and nothing else is kept in memory between reads. Writes
    /// keep everything.
    virtual void confine(std::set<std::string> profiles) = 0;
    /// Forgets a key kept unlocked for later commands; true if one was kept.
    virtual bool forget_unlocked() { return false; }
    /// How long the store stays unlocked without use; nullopt when it is locked or never is.
    virtual std::optional<std::chrono::seconds> unlocked_for() { return std::nullopt; }
};

/// A session record for `key`, made at `now` from credentials that expire at `expiration`.
StoredSession stored_session(const SessionKey& key, std::string access_key_id, Secret secret_access_key,
                             Secret session_token, TimePoint expiration, TimePoint now);

/// Applies `change` to `data` (the file vault and the in-memory store share this): the checks
/// first, then removals, then puts. Fails, changing nothing, if a compare-and-swap check fails.
Result<StoreChangeResult> apply_change(VaultData& data, const StoreChange& change);

}  // namespace sesame
