#pragma once

#include "aws/sts.hpp"
#include "providers/mfa.hpp"
#include "providers/provider.hpp"

namespace sesame {

/// A provider that makes one STS call (GetSessionToken, AssumeRole) with its source's
/// credentials, taking an MFA code from the chain's MfaCodes when the call needs one.
class StsCallProvider : public CredentialsProvider {
  protected:
    StsCallProvider(ProviderPtr source, Sts& sts, MfaCodes& mfa)
        : m_source(std::move(source)), m_sts(sts), m_mfa(mfa) {}

    ProviderPtr m_source;
    Sts& m_sts;
    MfaCodes& m_mfa;
};

}  // namespace sesame
