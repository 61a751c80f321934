#pragma once

#include "crypto/secret.hpp"
#include "server/http_server.hpp"
#include "server/refreshing_credentials.hpp"
#include "server/role_cache.hpp"

namespace sesame {

/// The ECS container-credentials protocol (botocore's ContainerProvider): GET on the path in
/// AWS_CONTAINER_CREDENTIALS_FULL_URI with the token in the Authorization header returns
/// {AccessKeyId, SecretAccessKey, Token, Expiration}. `/role-arn/<ARN>` returns a role assumed
/// from the profile's session.
class EcsEndpoint {
  public:
    static constexpr std::string_view k_path = "/credentials";
    static constexpr std::string_view k_role_prefix = "/role-arn/";

    EcsEndpoint(RefreshingCredentials& credentials, RoleCache& roles, Secret token, const Log& log)
        : m_credentials(credentials), m_roles(roles), m_token(std::move(token)), m_log(log) {}
    ServerResponse handle(const ServerRequest& request);

  private:
    RefreshingCredentials& m_credentials;
    RoleCache& m_roles;
    Secret m_token;
    const Log& m_log;
};

/// Constant-time comparison of a presented token with the expected one.
bool token_matches(const std::string* presented, const Secret& expected);

/// Decodes %XX escapes (for ARNs in request paths).
std::string percent_decode(std::string_view s);

}  // namespace sesame
