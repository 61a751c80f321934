#pragma once

#include <string>

#include "app/context.hpp"
#include "cli/command.hpp"

namespace sesame {

struct RotateOptions {
    std::string profile;      ///< empty: AWS_PROFILE, then "default"
    bool no_session = false;  ///< sign the IAM calls with the key itself, not an MFA session
    std::string mfa_token;    ///< -t/--mfa-token
};

/// `sesame rotate`: replaces the long-term key of the profile (or of the first profile along its
/// source_profile chain that holds one) with a new IAM access key, then deletes the old key.
/// The IAM calls go through an MFA session when the profile has an mfa_serial, unless --no-session.
Result<int> run_rotate(const RotateOptions& options, Context& ctx);
CommandRun declare_rotate(CommandFlags& flags);

}  // namespace sesame
