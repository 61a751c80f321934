#pragma once

#include <string>

#include "server/http_server.hpp"
#include "server/refreshing_credentials.hpp"

namespace sesame {

struct ImdsOptions {
    bool allow_v1 = false;   ///< --imdsv1: serve token-less GETs too (old SDKs)
    std::string role_name;   ///< the name under iam/security-credentials/
    std::string region;      ///< for the identity document and placement
    std::string account_id;  ///< for iam/info and the identity document
};

/// An EC2 instance-metadata emulation, IMDSv2 by default: PUT /latest/api/token with
/// X-aws-ec2-metadata-token-ttl-seconds (1..21600) returns a token; every GET must carry a
/// valid one in X-aws-ec2-metadata-token or gets 401. Tokens are stateless (expiry + HMAC under
/// a per-process random key), checked in constant time.
class ImdsEndpoint {
  public:
    ImdsEndpoint(RefreshingCredentials& credentials, ImdsOptions options, const Clock& clock, const Log& log);
    ServerResponse handle(const ServerRequest& request);

  private:
    ServerResponse issue_token(const ServerRequest& request);
    bool valid_token(const std::string* token) const;
    std::string mac(std::string_view expiry) const;
    ServerResponse credentials();

    RefreshingCredentials& m_credentials;
    ImdsOptions m_options;
    const Clock& m_clock;
    const Log& m_log;
    std::string m_key;  ///< random HMAC key for tokens
};

}  // namespace sesame
