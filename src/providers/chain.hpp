#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>

#include "config/aws_config.hpp"
#include "config/profile.hpp"
#include "providers/mfa.hpp"
#include "providers/provider.hpp"
#include "providers/service_clients.hpp"
#include "util/log.hpp"
#include "vault/secret_store.hpp"

namespace sesame {

/// Choices from the command line that shape the chain.
struct ChainOptions {
    bool use_session = true;                       ///< false with --no-session
    std::optional<std::chrono::seconds> duration;  ///< --duration, for the target profile's session
    std::chrono::seconds min_ttl{300};             ///< SESAME_MIN_TTL: reuse a session while more remains
    /// GetSessionToken used directly / feeding a role (SESAME_SESSION_TTL, SESAME_CHAINED_SESSION_TTL).
    std::chrono::seconds session_duration{3600}, chained_session_duration{8 * 3600};
    /// SESAME_ASSUME_ROLE_TTL: every role session's length, over the profiles' duration_seconds.
    std::optional<std::chrono::seconds> role_duration;
    /// A GetSessionToken session whose profile names no MFA device looks the user's first one up
    /// (IAM ListMFADevices with the key) and uses it, as SWISS TXT's aws-session does.
    bool find_mfa_device = false;
};

/// A profile's long-term keys, as the chain takes them.
struct LongTermKeys {
    ProviderPtr provider;
    /// Empty for the store's keys; else what tells sessions made from these keys apart in the
    /// cache (the key id of keys read from a file or the environment).
    std::string made_from;
    /// The keys are a session already (a credentials file with aws_session_token): used as
    /// they are, as botocore does, never sent to GetSessionToken.
    bool temporary = false;
};

struct ChainDeps {
    const Clock& clock;
    SecretStore& store;
    MfaCodes& mfa;
    ServiceClients& sts;
    const Log& log;
    std::function<bool(const std::string&)> has_stored_keys;
    std::map<std::string, std::string> process_env;  ///< environment for credential_process commands
    /// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN / AWS_SECURITY_TOKEN as sesame
    /// found them (kept out of process_env): what credential_source = Environment assumes with.
    std::map<std::string, std::string> environment_keys;
    /// The long-term keys of a profile has_stored_keys said has some; unset: the store's.
    std::function<Result<LongTermKeys>(const std::string&)> long_term_keys = {};
};

/// A role session lasts an hour unless its profile's duration_seconds or SESAME_ASSUME_ROLE_TTL
/// says otherwise (GetSessionToken's lengths are ChainOptions' defaults, as aws-vault's).
inline constexpr std::chrono::seconds k_role_duration{3600};

/// A cached session is reused for an explicit --duration D only while at least this share of D
/// remains (a longer-lived session is reused: what remains of it is at least that).
inline constexpr int k_asked_duration_reuse_percent = 90;

/// The least time a cached session must have left to be reused for an explicit --duration `asked`.
std::chrono::seconds reuse_threshold(std::chrono::seconds asked);

/// Builds the provider tree for a resolved profile, as aws-vault does:
///  - a profile with role_arn assumes it from its source (source_profile, its own stored keys,
///    or credential_process);
///  - stored keys are turned into a cached GetSessionToken session (unless --no-session), which
///    takes the MFA code, so the roles above it need none: MFA is asked once per chain;
///  - every STS result is cached in the vault.
Result<ProviderPtr> build_provider(const ProfileConfig& target, const ChainOptions& options, ChainDeps& deps);

/// The cached GetSessionToken session that `target`'s chain makes from `key_profile`'s stored key,
/// with the MFA device the chain picks for it (a role's own mfa_serial over one inherited from
/// the roles above it, the key profile's own last): for work that needs the user's session
/// rather than the chain's result (rotate signs IAM calls with it). Fails if the chain does not
/// reach that key; null when that session would take no MFA (IAM refuses user operations to
/// such a session, so the caller uses the key itself).
Result<ProviderPtr> build_key_session(const ProfileConfig& target, const std::string& key_profile,
                                      const ChainOptions& options, ChainDeps& deps);

/// Whether build_provider's credentials for `target` come from AssumeRole (rather than from stored
/// keys or credential_process): the same walk down source_profile, in the same order. The console
/// sign-in takes role sessions as they are, and needs GetFederationToken for the rest.
bool chain_assumes_role(const ProfileConfig& target,
                        const std::function<bool(const std::string&)>& has_stored_keys);

}  // namespace sesame
