#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "aws/sts.hpp"
#include "providers/provider.hpp"

namespace sesame {

/// STS GetFederationToken on an IAM user's long-term key: the one kind of user session the console
/// sign-in accepts (it refuses GetSessionToken sessions). The federated user is named after the IAM
/// user (from GetCallerIdentity) and gets an allow-all session policy: a federated session never has
/// more than the intersection of that policy and the user's own, so it is exactly the user's
/// permissions. STS refuses this call with temporary credentials; they are refused here first.
class FederationTokenProvider final : public CredentialsProvider {
  public:
    FederationTokenProvider(ProviderPtr source, Sts& sts, std::chrono::seconds duration)
        : m_source(std::move(source)), m_sts(sts), m_duration(duration) {}
    Result<Credentials> retrieve() override;
    std::string describe() const override;

  private:
    ProviderPtr m_source;
    Sts& m_sts;
    std::chrono::seconds m_duration;
};

/// {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}
extern const char* const k_allow_all_policy;

/// The federated user's name for a caller ARN: the IAM user's name ("…:user/path/alice" -> "alice"),
/// "root" for the account's root user, cut to GetFederationToken's 32 characters of [\w+=,.@-]
/// (others become '-'), and at least 2 characters long.
std::string federated_user_name(std::string_view caller_arn);

}  // namespace sesame
