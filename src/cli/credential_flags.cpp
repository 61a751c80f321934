#include "cli/credential_flags.hpp"

namespace sesame {

void declare_credential_flags(CommandFlags& flags, CredentialRequest& request, AccountFlags account) {
    flags.positional(
        "profile", request.profile,
        "Profile from ~/.aws/config (default: $AWS_DEFAULT_PROFILE, $AWS_PROFILE, then \"default\")");
    // --session-duration is aws-session's (ksperling) name for it, in seconds: bare numbers are seconds.
    flags.option("-d,--duration,--session-duration", request.duration, "DURATION",
                 "Session length: seconds (3600) or 1h, 90m, 1h30m");
    flags.flag("-n,--no-session", request.no_session,
               "Use the stored keys directly, without GetSessionToken");
    flags.option("--region", request.region, "REGION",
                 "Region for STS and for the command (sets AWS_REGION)");
    flags.option("-t,--mfa-token", request.mfa_token, "CODE",
                 "MFA code, instead of being asked on the terminal");
    if (account == AccountFlags::With) {
        flags.optional_value("--account", request.account, "ACCOUNT",
                             "Assume --role in this organization account (id or name; no value: pick)");
        flags.option_with_default("--role", request.role, "ROLE", "Role to assume with --account");
    }
}

}  // namespace sesame
