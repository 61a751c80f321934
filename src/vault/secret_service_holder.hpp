#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vault/held_key.hpp"

namespace sesame {

/// The `secret-service` backend's key holder: one item in the Secret Service's default
/// collection (GNOME Keyring's login keyring, KWallet's or KeePassXC's Secret Service), with the
/// attributes {application: sesame, vault: <vault folder>} and the label "sesame vault key".
/// libsecret is dlopen'ed on first use, so commands that find the vault key in the key cache never
/// load it (nor GLib, nor D-Bus). A locked collection is unlocked by the keyring's own prompt.
class SecretServiceKeyHolder final : public VaultKeyHolder {
  public:
    explicit SecretServiceKeyHolder(std::string vault_dir);
    /// nullopt when libsecret loads and a Secret Service answers on the session bus; else why not.
    static std::optional<std::string> unavailable();

    Result<std::optional<Secret>> load() override;
    Result<void> store(const Secret& key) override;
    Result<bool> erase() override;
    std::string describe() const override;
    std::string when_lost() const override;

  private:
    std::string m_vault_dir;
};

/// One item of a Secret Service collection, as read for `sesame import --from aws-vault`.
struct SecretServiceItem {
    std::string label;
    Secret secret;
};

/// Every item of the collection at /org/freedesktop/secrets/collection/<name> (aws-vault's
/// "awsvault", made by 99designs/keyring's libsecret.go), unlocked first if it is locked (the
/// keyring's own prompt). nullopt when there is no such collection. Reads only.
Result<std::optional<std::vector<SecretServiceItem>>> read_secret_service_collection(const std::string& name);

}  // namespace sesame
