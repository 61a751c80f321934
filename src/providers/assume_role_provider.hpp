#pragma once

#include "aws/sts.hpp"
#include "providers/mfa.hpp"
#include "providers/provider.hpp"
#include "providers/sts_call_provider.hpp"

namespace sesame {

/// STS AssumeRole from the source's credentials. `input.mfa_serial` is set only when no
/// earlier hop (a GetSessionToken with MFA) already proved the MFA.
class AssumeRoleProvider final : public StsCallProvider {
  public:
    AssumeRoleProvider(ProviderPtr source, Sts& sts, MfaCodes& mfa, AssumeRoleInput input)
        : StsCallProvider(std::move(source), sts, mfa), m_input(std::move(input)) {}
    Result<Credentials> retrieve() override;
    std::string describe() const override;

  private:
    AssumeRoleInput m_input;
};

}  // namespace sesame
