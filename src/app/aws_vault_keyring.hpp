#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "crypto/secret.hpp"
#include "platform/env.hpp"
#include "platform/process.hpp"
#include "prompt/prompt.hpp"
#include "util/error.hpp"

namespace sesame {

/// The keyring aws-vault keeps its keys in (99designs/keyring), read only: nothing here writes,
/// renames or removes anything of it. One implementation per backend sesame can read.
class AwsVaultKeyring {
  public:
    virtual ~AwsVaultKeyring() = default;
    /// "aws-vault's file store /home/u/.awsvault/keys": for messages.
    virtual std::string describe() const = 0;
    /// Every item name, as keyring's Keys() lists them (sessions included), sorted.
    virtual Result<std::vector<std::string>> keys() = 0;
    /// The item's JSON (keyring.Item), in clear.
    virtual Result<Secret> get(const std::string& key) = 0;
};

/// Where the file store's passphrase comes from, as aws-vault's fileKeyringPassphrasePrompt
/// (cli/global.go) takes it: AWS_VAULT_FILE_PASSPHRASE, else the terminal.
struct AwsVaultPassphrase {
    std::optional<Secret> preset;  ///< AWS_VAULT_FILE_PASSPHRASE
    Prompt* prompt = nullptr;      ///< null: no terminal to ask on
    int tries = 3;                 ///< on the terminal
};

/// keyring's file backend (file.go): one file per item in `dir`, named by filenameEscape,
/// holding a JWE (crypto/jwe) of the item made with the passphrase. The passphrase is asked once,
/// on the first item read; a wrong one is asked again (up to `tries` times) on the terminal, and
/// is an error naming AWS_VAULT_FILE_PASSPHRASE when it came from there.
class AwsVaultFileKeyring final : public AwsVaultKeyring {
  public:
    AwsVaultFileKeyring(std::string dir, AwsVaultPassphrase passphrase)
        : m_dir(std::move(dir)), m_passphrase(std::move(passphrase)) {}
    std::string describe() const override;
    Result<std::vector<std::string>> keys() override;
    Result<Secret> get(const std::string& key) override;

  private:
    std::string m_dir;
    AwsVaultPassphrase m_passphrase;
    std::optional<Secret> m_opened_with;  ///< the passphrase that decrypted an item
};

/// Runs a program and captures its stdout (platform/process run_capture; a fake in tests).
using CaptureRunner = std::function<Result<CapturedOutput>(const std::vector<std::string>& argv,
                                                           const std::map<std::string, std::string>& env)>;

/// keyring's pass backend (pass.go): items are `<dir>/<prefix>/<key>.gpg`, read with
/// `<cmd> show <prefix>/<key>` (no shell) with PASSWORD_STORE_DIR=<dir>; the output is the item's
/// JSON. gpg asks for its own passphrase (gpg-agent's pinentry), as it does for aws-vault.
class AwsVaultPassKeyring final : public AwsVaultKeyring {
  public:
    AwsVaultPassKeyring(std::string dir, std::string prefix, std::string cmd,
                        std::map<std::string, std::string> env, CaptureRunner run)
        : m_dir(std::move(dir)),
          m_prefix(std::move(prefix)),
          m_cmd(std::move(cmd)),
          m_env(std::move(env)),
          m_run(std::move(run)) {}
    std::string describe() const override;
    Result<std::vector<std::string>> keys() override;
    Result<Secret> get(const std::string& key) override;

  private:
    std::string m_dir, m_prefix, m_cmd;
    std::map<std::string, std::string> m_env;
    CaptureRunner m_run;
};

/// keyring's secret-service backend (libsecret.go): the collection
/// /org/freedesktop/secrets/collection/<name> ("awsvault", or AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME),
/// one item per key, labelled with it, its secret the item's JSON. Read once, unlocked first by the
/// keyring's own prompt if locked. Items that are not keyring items of that name (a collection
/// shared with other programs, such as "login") are not listed.
class AwsVaultSecretServiceKeyring final : public AwsVaultKeyring {
  public:
    explicit AwsVaultSecretServiceKeyring(std::string collection) : m_collection(std::move(collection)) {}
    std::string describe() const override;
    Result<std::vector<std::string>> keys() override;
    Result<Secret> get(const std::string& key) override;

  private:
    Result<void> load();
    std::string m_collection;
    std::optional<std::map<std::string, Secret>> m_items;  ///< by key, the first of each
};

/// Where aws-vault keeps its keys on this machine, as its flags' variables say (cli/global.go).
struct AwsVaultLocations {
    std::string file_dir;                   ///< AWS_VAULT_FILE_DIR, else ~/.awsvault/keys (tilde expanded)
    std::string pass_dir;                   ///< AWS_VAULT_PASS_PASSWORD_STORE_DIR, else ~/.password-store
    std::string pass_prefix;                ///< AWS_VAULT_PASS_PREFIX
    std::string pass_cmd;                   ///< AWS_VAULT_PASS_CMD, else pass
    std::string backend;                    ///< AWS_VAULT_BACKEND: the one aws-vault uses, when set
    std::string secret_service_collection;  ///< AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME, else awsvault
};

/// Reads them from the environment. "~x" (another user's home) is refused, as pass.go does.
Result<AwsVaultLocations> aws_vault_locations(const Env& env);

}  // namespace sesame
