#pragma once

#include <string>
#include <vector>

#include "app/aws_vault_keyring.hpp"
#include "app/context.hpp"
#include "app/import_keys.hpp"

namespace sesame {

/// What `sesame import --from aws-vault` did, or would do with dry_run.
struct AwsVaultImport {
    std::string source;                 ///< AwsVaultKeyring::describe()
    std::vector<ImportedKey> keys;      ///< Moved here means copied into sesame's store
    std::vector<std::string> sessions;  ///< item names aws-vault caches sessions under: not imported
    size_t sso_tokens = 0;              ///< "oidc:" items: not imported
};

/// Copies aws-vault's long-term keys (the items its CredentialKeyring lists: neither sessions
/// nor SSO tokens, as vault/credentialkeyring.go Keys() decides) from `keyring` into sesame's
/// store: `profiles`, or every one. Every item is read (and decrypted) before anything is
/// stored, so a wrong passphrase stores nothing. Per profile: a key sesame already holds is
/// "already stored"; another key under that profile in sesame's store is skipped with the reason
/// (nothing of it changes); an item holding a session token or that cannot be read is skipped
/// with the reason. Keys are stored through KeyService::put (its session rule). aws-vault's
/// store is never changed; `dry_run` changes nothing at all.
Result<AwsVaultImport> import_aws_vault_keys(Context& ctx, AwsVaultKeyring& keyring,
                                             const std::vector<std::string>& profiles, bool dry_run);

/// The aws-vault backends sesame can read.
inline constexpr std::string_view k_aws_vault_backends[] = {"file", "pass", "secret-service"};

/// Opens aws-vault's keyring of kind `backend` ("file", "pass"; empty: AWS_VAULT_BACKEND if set,
/// else the file store if its folder exists, else the pass store if its folder exists), where
/// its variables say (aws_vault_locations). The file store's passphrase is AWS_VAULT_FILE_PASSPHRASE
/// (`aws_vault_passphrase`), else asked on the context's terminal.
Result<std::unique_ptr<AwsVaultKeyring>> open_aws_vault_keyring(Context& ctx, const std::string& backend);

}  // namespace sesame
