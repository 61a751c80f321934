#pragma once

#include "providers/provider.hpp"
#include "vault/secret_store.hpp"

namespace sesame {

/// The long-term access key stored in the secret store for a profile.
class VaultKeysProvider final : public CredentialsProvider {
  public:
    VaultKeysProvider(SecretStore& store, std::string profile)
        : m_store(store), m_profile(std::move(profile)) {}
    Result<Credentials> retrieve() override;
    std::string describe() const override { return "stored keys of profile \"" + m_profile + "\""; }

  private:
    SecretStore& m_store;
    std::string m_profile;
};

}  // namespace sesame
