#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "aws/credentials.hpp"
#include "aws/http.hpp"
#include "crypto/secret.hpp"
#include "util/error.hpp"

namespace sesame {

/// Where a partition signs users in to the console, and the console itself.
struct ConsoleHosts {
    std::string federation;  ///< "https://signin.aws.amazon.com/federation"
    std::string console;     ///< "https://console.aws.amazon.com/"
};

/// The hosts of "aws", "aws-cn" or "aws-us-gov" (anything else gets "aws"'s).
ConsoleHosts console_hosts(std::string_view partition);

/// The console page to land on: `console` with `path` (default "/"; a missing leading '/' is
/// added) and `region=R` added to its query, before any "#fragment". Fails on a path with spaces
/// or control characters, or one that is a whole URL.
Result<std::string> console_destination(std::string_view console, std::string_view path,
                                        std::string_view region);

/// {"sessionId":…,"sessionKey":…,"sessionToken":…}: the Session parameter of getSigninToken.
Secret federation_session_json(const Credentials& session);

/// Asks the sign-in federation endpoint (`federation_url`, e.g. console_hosts().federation) for a
/// sign-in token: GET ?Action=getSigninToken[&SessionDuration=S]&Session=<json>. The endpoint takes
/// role sessions and GetFederationToken sessions only; `session_duration` (the console session's
/// length) is for role sessions, since a GetFederationToken session's own length is the console's.
/// Long-term keys are refused here. Errors never contain the session, the token or the URL's query.
Result<Secret> get_signin_token(HttpClient& http, const std::string& federation_url,
                                const Credentials& session,
                                std::optional<std::chrono::seconds> session_duration);

/// <federation_url>?Action=login&Issuer=…&Destination=…&SigninToken=…: the URL that signs the
/// browser in. Whoever holds it holds the console session until the token is used or expires
/// (15 minutes), hence a Secret.
Secret console_login_url(const std::string& federation_url, std::string_view issuer,
                         std::string_view destination, const Secret& signin_token);

}  // namespace sesame
