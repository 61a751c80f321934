#pragma once

#include <string_view>
#include <variant>

#include "aws/credentials.hpp"
#include "aws/http.hpp"
#include "crypto/secret.hpp"
#include "util/clock.hpp"

namespace sesame {

/// How a request to AWS proves who sends it: signed with SigV4 (every IAM, STS and Organizations
/// call), a bearer token (the SSO/OIDC APIs after login), or nothing (AssumeRoleWithWebIdentity,
/// the OIDC device authorization). RetryingSender applies it to each attempt.
class RequestAuth {
  public:
    /// SigV4 with `credentials`, which must outlive this object (it refers to them, so no copy of
    /// the secret key is made).
    static RequestAuth sigv4(const Credentials& credentials);
    /// "Authorization: Bearer <token>".
    static RequestAuth bearer(Secret token);
    /// No Authorization header at all.
    static RequestAuth none();

    /// Adds the headers this way of authenticating needs to `request`, for `service` in `region`
    /// at `now` (only SigV4 uses them; it signs every header the request holds).
    void apply(HttpRequest& request, std::string_view region, std::string_view service, TimePoint now) const;

    /// True when the request is signed with a session (a token), for error hints.
    bool temporary_credentials() const;

  private:
    struct SigV4 {
        const Credentials* credentials;
    };
    struct Bearer {
        Secret token;
    };
    struct None {};
    using How = std::variant<None, SigV4, Bearer>;

    explicit RequestAuth(How how) : m_how(std::move(how)) {}

    How m_how;
};

/// Zeroes the values of the headers that may carry a secret (Authorization,
/// X-Amz-Security-Token) and the body of a request that has been sent.
void wipe_sent_request(HttpRequest& request);

}  // namespace sesame
