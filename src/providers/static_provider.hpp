#pragma once

#include "providers/provider.hpp"

namespace sesame {

/// Credentials obtained already (e.g. a profile's session that another role is assumed from).
class StaticProvider final : public CredentialsProvider {
  public:
    StaticProvider(Credentials creds, std::string description)
        : m_creds(std::move(creds)), m_description(std::move(description)) {}
    Result<Credentials> retrieve() override { return m_creds; }
    std::string describe() const override { return m_description; }

  private:
    Credentials m_creds;
    std::string m_description;
};

}  // namespace sesame
