#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "aws/http.hpp"
#include "config/aws_config.hpp"
#include "config/profile.hpp"
#include "platform/env.hpp"
#include "prompt/mfa_source.hpp"
#include "prompt/passphrase.hpp"
#include "prompt/prompt.hpp"
#include "providers/service_clients.hpp"
#include "util/clock.hpp"
#include "util/log.hpp"
#include "vault/backends.hpp"
#include "vault/file_vault.hpp"
#include "vault/secret_store.hpp"

namespace sesame {

/// Everything a command needs from the outside world, built by main (real parts) or a test
/// (fakes). The config and the vault are opened on first use, so a command pays only for what
/// it touches.
class Context {
  public:
    using HttpFactory = std::function<std::unique_ptr<HttpClient>()>;
    using Writer = std::function<void(std::string_view)>;

    Context(Env env, const Clock& clock, Prompt& prompt, Log log, Writer out, HttpFactory http);

    const Env& env() const { return m_env; }
    Env& env() { return m_env; }
    const Clock& clock() const { return m_clock; }
    Prompt& prompt() { return m_prompt; }
    /// Where MFA codes come from: the prompt driver SESAME_PROMPT (--prompt, AWS_VAULT_PROMPT)
    /// names, or for "auto" the one choose_prompt_driver picks; chosen when a code is first needed.
    MfaCodeSource& mfa_source();
    /// Where `profile`'s chain takes its MFA codes: the mfa_process of the first profile of the
    /// chain that has one (the profile, then its source_profiles), else mfa_source().
    MfaCodeSource& mfa_source_for(const ProfileConfig& profile);
    /// Replaces the prompt driver for what follows (a keeper without a terminal waits for the
    /// codes `sesame keep code` hands it). Sources opened before keep the one they took.
    void set_mfa_source(std::unique_ptr<MfaCodeSource> source) { m_mfa_source = std::move(source); }
    /// A new instance of the prompt driver the user named (SESAME_PROMPT other than auto and
    /// terminal), or one with no driver: for the keeper, which asks it before its FIFO.
    Result<MadeDriver> named_prompt_driver();
    const Log& log() const { return m_log; }
    const HttpFactory& http_factory() const { return m_http; }
    /// Writes to stdout: command output only, never prompts or diagnostics.
    void out(std::string_view text) const { m_out(text); }

    /// AWS_VAULT_FILE_PASSPHRASE, taken out of the environment like sesame's own passphrase: the
    /// passphrase of aws-vault's file store, which `import --from aws-vault` reads (it is also
    /// sesame's vault passphrase when SESAME_FILE_PASSPHRASE is unset: settings' alias).
    const std::optional<Secret>& aws_vault_passphrase() const { return m_aws_vault_passphrase; }

    Result<const AwsConfig*> config();
    /// The secret store of the backend in use (backend_name), opened on first use.
    SecretStore& store();
    /// The backend in use: --backend / SESAME_BACKEND, else the one `sesame migrate` moved to
    /// (backend_marker_path), else "file".
    Result<std::string> backend_name() const;
    /// What opening any backend takes here (the folder, the passphrase source, lock waits, the
    /// key cache; `pass` is left empty: pass_setup); open_store opens another backend's store
    /// (`migrate`, `status`).
    StoreSetup store_setup();
    std::unique_ptr<SecretStore> open_store(const Backend& backend);
    /// The pass backend's command, store folder (PASSWORD_STORE_DIR) and prefix.
    PassSetup pass_setup() const;
    /// The key cache in use (the kernel keyring), or null where there is none or
    /// SESAME_UNLOCK_TTL=0 turned it off.
    KeyCache* key_cache();
    /// SESAME_UNLOCK_TTL (default 1h): how long an unlocked vault stays unlocked without use.
    Result<std::chrono::seconds> unlock_idle() const;
    /// Profile names with keys in the vault (opens it; empty when there is no vault yet).
    Result<std::set<std::string>> stored_key_profiles();
    /// Resolves a profile from the config, counting profiles with stored keys as defined;
    /// `region` (--region) over every other.
    /// `keys_from_environment`: a profile that holds keys without any in the store or the files
    /// (the environment's, app/key_sources): it may be missing from the files, as in botocore.
    Result<ProfileConfig> resolve(const std::string& name, const std::string& region = "",
                                  const std::string& keys_from_environment = "");
    /// The profiles whose credentials come from `key_profile`'s stored key: it, and every profile
    /// whose source_profile chain reaches it (a profile that does not resolve caches nothing).
    /// Their cached sessions die with the key (KeyService).
    /// The MFA device a profile uses, as exec resolves it (its section, include_profile or
    /// [default], AWS_MFA_SERIAL); empty when it has none or does not resolve.
    std::string mfa_serial_of(const std::string& profile);
    /// The command's AWS clients (providers/service_clients), made on first use.
    Result<ServiceClients*> clients();
    /// A new, separate set of clients, for another thread.
    Result<std::unique_ptr<ServiceClients>> make_clients();
    Result<Iam*> iam(const ProfileConfig& profile);
    Result<Organizations*> organizations(const ProfileConfig& profile);
    Result<std::set<std::string>> profiles_using_key(const std::string& key_profile);
    /// The environment split as the provider chain takes it: the keys sesame found
    /// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_SECURITY_TOKEN: what
    /// credential_source = Environment uses) and the rest (what credential_process runs with).
    std::pair<std::map<std::string, std::string>, std::map<std::string, std::string>> chain_environment()
        const;
    /// Edits the AWS config file (AWS_CONFIG_FILE, or ~/.aws/config): under a lock that every
    /// sesame process takes for it, re-reads the file as it is now, applies `edit` and replaces
    /// the file atomically (its link target, with its mode), unless it changed meanwhile. The
    /// one way sesame writes the user's config: add, MFA discovery, mfa-setup.
    Result<bool> edit_config(const TextEdit& edit);
    /// The same for another of the user's AWS files (the credentials file: `sesame import`).
    Result<bool> edit_aws_file(const std::string& path, const TextEdit& edit);

  private:
    /// The prompt driver, chosen and made on first use.
    MadeDriver& driver();
    Result<MadeDriver> make_driver(std::string_view name);
    Env m_env;
    const Clock& m_clock;
    Prompt& m_prompt;
    Log m_log;
    Writer m_out;
    HttpFactory m_http;
    std::optional<AwsConfig> m_config;
    std::optional<Secret> m_preset_passphrase;     ///< SESAME_FILE_PASSPHRASE, until the vault takes it
    std::optional<Secret> m_aws_vault_passphrase;  ///< AWS_VAULT_FILE_PASSPHRASE
    std::unique_ptr<PromptPassphrase> m_passphrase;
    std::unique_ptr<SecretStore> m_vault;
    std::unique_ptr<MfaCodeSource> m_mfa_source;
    /// What mfa_source() and the vault passphrase ask on, before the driver is chosen.
    std::unique_ptr<MfaCodeSource> m_chosen_mfa;
    std::unique_ptr<Prompt> m_chosen_prompt;
    std::optional<MadeDriver> m_driver;  ///< chosen on first use (driver())
    std::map<std::string, std::unique_ptr<MfaCodeSource>> m_mfa_processes;  ///< by profile
    std::unique_ptr<ServiceClients> m_clients;
    std::unique_ptr<KeyCache> m_key_cache;
    bool m_key_cache_probed = false;
    std::optional<std::set<std::string>> m_key_profiles;
};

/// $SESAME_FILE_DIR, else $XDG_DATA_HOME/sesame, else ~/.local/share/sesame.
std::string vault_dir(const Env& env);
/// The file naming the backend `sesame migrate --to` moved the keys to: <vault_dir>/backend.
std::string backend_marker_path(const Env& env);

}  // namespace sesame
