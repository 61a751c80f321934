#pragma once

#include <string>

#include "vault/held_key.hpp"

namespace sesame {

/// The `keyctl` backend's key holder: a "user" key `sesame:vault-key:<hash of the vault folder>`
/// in a kernel keyring — by default the user's persistent keyring (keyctl get_persistent), which
/// outlives logins but not a reboot, and expires after /proc/sys/kernel/keys/
/// persistent_keyring_expiry seconds (3 days by default) without use. Only processes of this
/// uid that possess the keyring can read it; it is never on disk.
class KeyctlKeyHolder final : public VaultKeyHolder {
  public:
    /// `keyring`: "persistent", "user" (the user keyring: gone when the user's last process
    /// ends) or "session" (this login session's, for tests and one-off shells).
    KeyctlKeyHolder(std::string keyring, std::string vault_dir);
    /// Whether the kernel allows this keyring here; else why not.
    static std::optional<std::string> unavailable(const std::string& keyring);

    Result<std::optional<Secret>> load() override;
    Result<void> store(const Secret& key) override;
    Result<bool> erase() override;
    std::string describe() const override;
    std::string when_lost() const override;

  private:
    Result<long> keyring_id() const;
    std::string m_keyring;
    std::string m_description;
    std::string m_vault_dir;
};

}  // namespace sesame
