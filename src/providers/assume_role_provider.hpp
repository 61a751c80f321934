#pragma once

#include "aws/sts.hpp"
#include "providers/mfa.hpp"
#include "providers/provider.hpp"

namespace sesame {

/// STS AssumeRole from the source's credentials. `input.mfa_serial` is set only when no
/// earlier hop (a GetSessionToken with MFA) already proved the MFA.
class AssumeRoleProvider final : public CredentialsProvider {
  public:
    AssumeRoleProvider(ProviderPtr source, Sts& sts, MfaCodes& mfa, AssumeRoleInput input)
        : m_source(std::move(source)), m_sts(sts), m_mfa(mfa), m_input(std::move(input)) {}
    Result<Credentials> retrieve() override;
    std::string describe() const override;

  private:
    ProviderPtr m_source;
    Sts& m_sts;
    MfaCodes& m_mfa;
    AssumeRoleInput m_input;
};

}  // namespace sesame
