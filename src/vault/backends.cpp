#include "vault/backends.hpp"

#include "vault/held_key.hpp"
#include "vault/keyctl_holder.hpp"
#include "vault/secret_service_holder.hpp"

namespace sesame {
namespace {

/// A file vault opened with a key an OS keyring holds: owns the key source the vault reads.
class HeldKeyVault final : public SecretStore {
  public:
    HeldKeyVault(std::unique_ptr<VaultKeyHolder> holder, const std::string& dir, const Clock& clock,
                 FileVaultOptions options)
        : m_key(std::move(holder), dir + "/vault.sesame"),
          m_vault(dir, m_key, clock, with_fast_kdf(options)) {}

    std::string describe() const override { return m_vault.describe(); }
    bool exists() const override { return m_vault.exists(); }
    Result<std::vector<std::string>> key_names() override { return m_vault.key_names(); }
    Result<std::optional<StoredKey>> key(const std::string& profile) override { return m_vault.key(profile); }
    Result<std::map<std::string, StoredSession>> sessions() override { return m_vault.sessions(); }
    Result<std::optional<StoredSession>> session(const SessionKey& key) override {
        return m_vault.session(key);
    }
    Result<StoreChangeResult> apply(const StoreChange& change) override { return m_vault.apply(change); }
    Result<StoreLockPtr> lock(std::string_view name) override { return m_vault.lock(name); }
    void confine(std::set<std::string> profiles) override { m_vault.confine(std::move(profiles)); }
    bool forget_unlocked() override { return m_vault.forget_unlocked(); }
    std::optional<std::chrono::seconds> unlocked_for() override { return m_vault.unlocked_for(); }

  private:
    /// A random 256-bit key needs no stretching: Argon2id at its minimum cost.
    static FileVaultOptions with_fast_kdf(FileVaultOptions options) {
        options.kdf = minimum_kdf_params();
        return options;
    }
    HeldKeyPassphrase m_key;
    FileVault m_vault;
};

std::unique_ptr<SecretStore> open_file(StoreSetup& s) {
    return std::make_unique<FileVault>(s.vault_dir, s.passphrase, s.clock, s.options);
}

std::unique_ptr<SecretStore> open_secret_service(StoreSetup& s) {
    std::string dir = dir_of("secret-service", s.vault_dir);
    return std::make_unique<HeldKeyVault>(std::make_unique<SecretServiceKeyHolder>(dir), dir, s.clock,
                                          s.options);
}

std::unique_ptr<SecretStore> open_keyctl(StoreSetup& s) {
    std::string dir = dir_of("keyctl", s.vault_dir);
    return std::make_unique<HeldKeyVault>(std::make_unique<KeyctlKeyHolder>(s.keyctl_keyring, dir), dir,
                                          s.clock, s.options);
}

std::unique_ptr<SecretStore> open_pass(StoreSetup& s) {
    return std::make_unique<PassStore>(s.pass, dir_of("pass", s.vault_dir), s.clock, s.options);
}

}  // namespace

const std::vector<Backend>& backends() {
    static const std::vector<Backend> all = {
        {"file", "an encrypted file, its key from your passphrase (Argon2id)",
         [](const StoreSetup&) -> std::optional<std::string> { return std::nullopt; }, open_file},
        {"secret-service",
         "an encrypted file, its key in the Secret Service (GNOME Keyring, KWallet, KeePassXC): no "
         "passphrase",
         [](const StoreSetup&) { return SecretServiceKeyHolder::unavailable(); }, open_secret_service},
        {"keyctl", "an encrypted file, its key in a kernel keyring: gone at reboot",
         [](const StoreSetup& s) { return KeyctlKeyHolder::unavailable(s.keyctl_keyring); }, open_keyctl},
        {"pass", "an entry per profile in your password store (pass, gpg); sessions in a local cache",
         [](const StoreSetup& s) { return pass_unavailable(s.pass); }, open_pass},
    };
    return all;
}

const Backend* find_backend(std::string_view name) {
    for (const auto& b : backends())
        if (b.name == name) return &b;
    return nullptr;
}

std::string dir_of(std::string_view backend, const std::string& vault_dir) {
    if (backend == "file") return vault_dir;
    return vault_dir + "/" + std::string(backend);
}

}  // namespace sesame
