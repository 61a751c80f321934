#pragma once

#include "providers/provider.hpp"
#include "vault/file_vault.hpp"

namespace sesame {

/// The long-term access key stored in the vault for a profile.
class VaultKeysProvider final : public CredentialsProvider {
  public:
    VaultKeysProvider(FileVault& vault, std::string profile)
        : m_vault(vault), m_profile(std::move(profile)) {}
    Result<Credentials> retrieve() override;
    std::string describe() const override { return "stored keys of profile \"" + m_profile + "\""; }

  private:
    FileVault& m_vault;
    std::string m_profile;
};

}  // namespace sesame
