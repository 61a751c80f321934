#pragma once

#include <chrono>
#include <functional>

#include "aws/sts.hpp"
#include "providers/mfa.hpp"
#include "providers/provider.hpp"
#include "providers/sts_call_provider.hpp"

namespace sesame {

/// STS GetSessionToken on long-term keys, with MFA when a serial is set. The result can call
/// AssumeRole without another MFA code, which is how one code serves a whole role chain.
class SessionTokenProvider final : public StsCallProvider {
  public:
    SessionTokenProvider(ProviderPtr source, Sts& sts, MfaCodes& mfa, std::string mfa_serial,
                         std::chrono::seconds duration)
        : StsCallProvider(std::move(source), sts, mfa),
          m_mfa_serial(std::move(mfa_serial)),
          m_duration(duration) {}
    /// With no serial configured: finds the user's MFA device with the long-term key (SWISS TXT's
    /// aws-session looks up the first one each time); an empty answer means none.
    using FindMfaDevice = std::function<std::string(const Credentials& key)>;
    void find_mfa_device_with(FindMfaDevice find) { m_find = std::move(find); }

    Result<Credentials> retrieve() override;
    std::string describe() const override;

  private:
    FindMfaDevice m_find;
    std::string m_mfa_serial;
    std::chrono::seconds m_duration;
};

}  // namespace sesame
