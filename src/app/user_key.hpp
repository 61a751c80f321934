#pragma once

#include <memory>

#include "aws/iam.hpp"
#include "aws/json_api.hpp"
#include "aws/organizations.hpp"
#include "aws/query_api.hpp"
#include "cli/context.hpp"
#include "config/profile.hpp"

namespace sesame {

/// IAM and Organizations clients for one profile's endpoints, made on first use (the HTTP stack
/// is loaded only then).
class AwsClients {
  public:
    AwsClients(Context& ctx, const ProfileConfig& profile) : m_ctx(ctx), m_profile(profile) {}
    Result<Iam*> iam();
    Result<Organizations*> organizations();

  private:
    HttpClient& http();
    Context& m_ctx;
    const ProfileConfig& m_profile;
    std::unique_ptr<HttpClient> m_http;
    std::unique_ptr<QueryApi> m_iam_api;
    std::unique_ptr<Iam> m_iam;
    std::unique_ptr<JsonApi> m_org_api;
    std::unique_ptr<Organizations> m_org;
};

/// A profile resolved for an IAM user operation, with the long-term key that acts for the user:
/// the profile's own stored key, else the first one along its source_profile chain. IAM refuses
/// most user operations with session credentials that did not use MFA, so the key is used as is.
struct UserKey {
    ProfileConfig profile;    ///< the profile asked for, resolved
    std::string key_profile;  ///< the profile whose stored key this is
    Credentials credentials;
};
Result<UserKey> user_key(Context& ctx, const std::string& profile);

/// Writes `key = value` into the profile's section of the AWS config file (atomic; the rest of
/// the file unchanged byte for byte).
Result<void> set_config_key(Context& ctx, const std::string& profile, const std::string& key,
                            const std::string& value);

}  // namespace sesame
