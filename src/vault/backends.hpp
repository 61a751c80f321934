#pragma once

// The registry of secret-store backends: `--backend NAME` / SESAME_BACKEND picks one. A new
// backend is one file (its SecretStore, or its VaultKeyHolder) plus one line in backends(), and
// joins the contract suite with one harness (tests/unit/vault/secret_store_contract_test.cpp).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/clock.hpp"
#include "vault/file_vault.hpp"
#include "vault/pass_store.hpp"
#include "vault/secret_store.hpp"

namespace sesame {

/// What opening a backend takes. Backends other than `file` keep their data in a folder of their
/// own below the vault's (dir_of), so that each can be migrated to and from the others.
struct StoreSetup {
    std::string vault_dir;         ///< the file backend's folder (SESAME_FILE_DIR or the default)
    PassphraseSource& passphrase;  ///< asks for the file vault's passphrase
    const Clock& clock;
    FileVaultOptions options;    ///< lock waits and the key cache, for every backend
    std::string keyctl_keyring;  ///< SESAME_KEYCTL_KEYRING: persistent, user or session
    PassSetup pass;              ///< the pass backend's command, store and prefix
};

struct Backend {
    std::string_view name;
    std::string_view summary;  ///< what it is, for `status` and the docs
    /// nullopt when the backend can be used here; else why not (`status` shows it).
    std::optional<std::string> (*unavailable)(const StoreSetup& setup);
    std::unique_ptr<SecretStore> (*open)(StoreSetup& setup);
};

/// Every backend, the default first.
const std::vector<Backend>& backends();
/// The backend called `name`, or null.
const Backend* find_backend(std::string_view name);
/// The folder `backend` keeps its files in.
std::string dir_of(std::string_view backend, const std::string& vault_dir);

}  // namespace sesame
