#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/aws_config.hpp"
#include "platform/env.hpp"
#include "util/error.hpp"

namespace sesame {

/// One profile's settings after inheritance and environment overrides, with its source_profile
/// chain resolved. Empty strings mean "not set".
struct ProfileConfig {
    std::string name;
    std::string region, mfa_serial, role_arn, external_id, role_session_name, source_profile_name,
        credential_process, endpoint_url, sts_regional_endpoints, services_name, credential_source,
        mfa_process;
    /// aws-vault's AssumeRole extras: "k1=v1,k2=v2", "k1,k2", and a SourceIdentity.
    std::string session_tags, transitive_session_tags, source_identity;
    std::optional<std::chrono::seconds> duration_seconds;
    bool ignore_configured_endpoint_urls = false;  ///< the file's setting; the env var is read later
    bool has_section = false;                      ///< [profile name] / [default] exists in config
    std::shared_ptr<const ProfileConfig> source;   ///< resolved source_profile, or null
    /// source_profile names the profile itself: botocore then assumes the role with the profile's
    /// own keys (source stays null).
    bool source_is_self = false;
    std::vector<std::string> warnings;  ///< e.g. unknown keys with a did-you-mean; includes the chain's
};

struct ResolveOptions {
    /// Whether the vault holds long-term keys for a profile; unset means it holds none.
    std::function<bool(const std::string&)> has_stored_keys;
    /// --region: the region of every profile resolved, over the environment and the files.
    std::string region;
};

/// Resolves `name` as botocore does, with aws-vault's inheritance: the profile's own settings
/// (its ~/.aws/credentials section over its ~/.aws/config section, as botocore merges them), then
/// settings it does not set from its include_profile (recursively) or else from [default]; a
/// source_profile naming the profile itself sets source_is_self. Then the environment: AWS_REGION /
/// AWS_DEFAULT_REGION and AWS_STS_REGIONAL_ENDPOINTS override the files; AWS_MFA_SERIAL, and for `name` only
/// AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME, fill what the files leave unset. source_profile chains are
/// resolved the same way. Fails on an undefined profile, a loop, or an invalid setting (with file:line), and
/// where botocore refuses a role profile: role_arn with neither source_profile nor credential_source (unless
/// it is a source that holds keys, which botocore uses directly), or with both; a credential_source other
/// than Environment.
Result<ProfileConfig> resolve_profile(const AwsConfig& cfg, const Env& env, const std::string& name,
                                      const ResolveOptions& opts);

}  // namespace sesame
