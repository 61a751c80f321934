#pragma once

// The `pass` backend: each profile's long-term key is an entry of the user's password store
// (https://www.passwordstore.org), `<prefix>/<profile>`, encrypted by gpg to the store's keys and
// carried by the store's git history wherever the user syncs it. An entry reads as pass users
// expect — the secret on the first line, then `aws_access_key_id: …` and `added: …` — so
// `pass show sesame/admin` works too. Profile names are entry (file) names: the store reveals them,
// as it reveals every entry's name.
//
// Sessions are not synced: they stay in a local sealed cache (a disposable file vault in sesame's
// folder) whose random key is one more entry, `<prefix>/.session-cache/<host-id>`, so a warm
// command reads the cache with the key the key cache holds and never runs gpg; a cache whose key is
// gone is dropped, never an error. Single-flight locks are that cache's flocks.
//
// pass is run as a program (it is a shell script around gpg), with argv only: a key goes to
// `pass insert` on its stdin and comes back from `pass show` on a pipe, never through argv or a file;
// entry names come after `--`, so no prefix or profile name is ever read as an option.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "vault/file_vault.hpp"
#include "vault/held_key.hpp"
#include "vault/secret_store.hpp"

namespace sesame {

struct PassSetup {
    std::string command = "pass";                    ///< SESAME_PASS_CMD
    std::string store_dir;                           ///< PASSWORD_STORE_DIR, else ~/.password-store
    std::string prefix = "sesame";                   ///< SESAME_PASS_PREFIX
    std::map<std::string, std::string> environment;  ///< what pass (and gpg) run with
};

/// Why `pass` cannot be used here (not installed, store not initialised), or nullopt.
std::optional<std::string> pass_unavailable(const PassSetup& pass);

class PassStore final : public SecretStore {
  public:
    /// `cache_dir`: the folder of the local session cache.
    PassStore(PassSetup pass, const std::string& cache_dir, const Clock& clock, FileVaultOptions options);

    std::string describe() const override;
    bool exists() const override;
    Result<std::vector<std::string>> key_names() override;
    Result<std::optional<StoredKey>> key(const std::string& profile) override;
    Result<std::map<std::string, StoredSession>> sessions() override;
    Result<std::optional<StoredSession>> session(const SessionKey& key) override;
    /// Under the store's write lock, entry by entry: the checks, removals, puts, then sessions.
    Result<StoreChangeResult> apply(const StoreChange& change) override;
    Result<StoreLockPtr> lock(std::string_view name) override;
    void confine(std::set<std::string> profiles) override;
    bool forget_unlocked() override { return m_sessions.forget_unlocked(); }
    std::optional<std::chrono::seconds> unlocked_for() override { return m_sessions.unlocked_for(); }

  private:
    std::string entry_of(const std::string& profile) const;
    Result<std::set<std::string>> all_names() const;

    PassSetup m_pass;
    HeldKeyPassphrase m_cache_key;
    FileVault m_sessions;
    std::optional<std::set<std::string>> m_confined;
};

/// A profile name as a pass entry name: letters, digits and `_-.@+=,` stay (a leading `.` does
/// not), every other byte is %XX; reversible by pass_entry_profile.
std::string pass_entry_name(const std::string& profile);
std::optional<std::string> pass_entry_profile(const std::string& entry);

}  // namespace sesame
