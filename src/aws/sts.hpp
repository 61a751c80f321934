#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aws/credentials.hpp"
#include "aws/query_api.hpp"
#include "crypto/secret.hpp"
#include "util/error.hpp"

namespace sesame {

struct GetSessionTokenInput {
    std::chrono::seconds duration{0};  ///< 0: let STS choose (12h)
    std::string mfa_serial;            ///< with mfa_code, sent as SerialNumber/TokenCode
    Secret mfa_code;
};

/// The RoleSessionName sesame uses when the profile names none: "sesame-<unix seconds>", so
/// CloudTrail shows which tool made the session and when.
std::string default_role_session_name(TimePoint now);

/// What STS accepts for a session's length: GetSessionToken and AssumeRole alike take 15 minutes
/// to 12 hours (a role's own maximum may be lower; STS says so then).
inline constexpr std::chrono::seconds k_min_session_duration{900};
inline constexpr std::chrono::seconds k_max_session_duration{43200};

struct AssumeRoleInput {
    std::string role_arn;
    std::string session_name;
    std::string external_id;
    std::optional<std::chrono::seconds> duration;  ///< empty: the STS default (1h)
    std::string mfa_serial;
    Secret mfa_code;
    std::vector<std::pair<std::string, std::string>> tags;  ///< session tags, in order
    std::vector<std::string> transitive_tag_keys;
    std::string source_identity;
    std::string policy;  ///< inline session policy JSON

    /// `role_arn` with sesame's default session name for `now` (what every AssumeRole sesame
    /// makes starts from; a profile's role_session_name and the rest are set on top).
    static AssumeRoleInput for_role(std::string role_arn, TimePoint now);
};

struct AssumedRole {
    Credentials credentials;
    std::string assumed_role_arn;  ///< arn:aws:sts::123456789012:assumed-role/Role/session
    std::string assumed_role_id;   ///< "AROA...:session"
};

struct CallerIdentity {
    std::string account;
    std::string arn;
    std::string user_id;
};

struct FederationInput {
    std::string name;
    std::string policy;
    std::chrono::seconds duration{0};  ///< 0: the STS default (12h)
};

struct FederatedUser {
    Credentials credentials;
    std::string arn;
};

/// The STS API (version 2011-06-15), one function per action. Parameters carry STS's own names;
/// a response missing an expected field is an error naming that field.
class Sts {
  public:
    static constexpr const char* k_version = "2011-06-15";

    explicit Sts(QueryApi& api) : m_api(api) {}

    Result<Credentials> get_session_token(const Credentials& caller, const GetSessionTokenInput& in);
    Result<AssumedRole> assume_role(const Credentials& caller, const AssumeRoleInput& in);
    Result<CallerIdentity> get_caller_identity(const Credentials& caller);
    Result<FederatedUser> get_federation_token(const Credentials& caller, const FederationInput& in);

  private:
    QueryApi& m_api;
};

}  // namespace sesame
