#pragma once

#include <string>

#include "aws/credentials.hpp"
#include "cli/context.hpp"

namespace sesame {

/// The options exec, export (and later shell, server) share for getting credentials.
struct CredentialRequest {
    std::string profile;      ///< empty: AWS_PROFILE, then "default"
    std::string duration;     ///< -d/--duration, e.g. "1h"
    bool no_session = false;  ///< -n/--no-session
    std::string region;       ///< --region
    std::string mfa_token;    ///< -t/--mfa-token
};

struct ObtainedCredentials {
    Credentials credentials;
    std::string profile;
    std::string region;  ///< resolved region, may be empty
};

/// Resolves the profile from the AWS config and runs its provider chain (cache first).
Result<ObtainedCredentials> obtain_credentials(Context& ctx, const CredentialRequest& request);

/// PROFILE argument, else AWS_PROFILE, else "default".
std::string pick_profile(const Context& ctx, const std::string& given);

}  // namespace sesame
