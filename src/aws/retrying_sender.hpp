#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "aws/credentials.hpp"
#include "aws/http.hpp"
#include "aws/request_auth.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"

namespace sesame {

/// Exponential backoff with full jitter: before retry n (1-based) sleep a uniformly random time
/// in [0, min(max_delay, base_delay * 2^(n-1))].
struct RetryPolicy {
    int max_attempts = 4;
    std::chrono::milliseconds base_delay{200};
    std::chrono::milliseconds max_delay{5000};
};

/// An AWS error as the service reported it, whatever the protocol (XML or JSON).
struct AwsError {
    std::string code;
    std::string message;
    std::string request_id;
};

/// True for error codes that mean "slow down" and deserve a retry.
bool is_throttling_code(std::string_view code);

/// `text` as one printable line for a message: control characters become spaces, runs of spaces
/// collapse, and the result is cut to `limit` bytes (never inside a UTF-8 sequence) with "…".
std::string one_line(std::string_view text, size_t limit);

/// What an error hint may depend on besides the error.
struct HintContext {
    std::string_view operation;          ///< "GetSessionToken"
    std::string_view service;            ///< signing name: "sts"
    std::string_view region;             ///< signing region, named in region-specific advice
    bool temporary_credentials = false;  ///< the caller signed with a session token
};

/// The next step for the user for the AWS error codes people actually hit; "" for the others.
std::string aws_error_hint(const HintContext& context, const AwsError& error);

/// Sends authenticated AWS API requests with retries. Shared by the Query (XML) and JSON protocols, which
/// differ only in how a request is built and how an error body reads.
///
/// Retries transport errors, HTTP 5xx and 429, and the throttling error codes; never any other 4xx
/// (a wrong key or a denied role does not get better by asking again). Every attempt is signed
/// afresh (see RequestAuth: SigV4, a bearer token, or none). Sleep and randomness are injected so tests run
/// instantly and deterministically. The debug callback gets one line per attempt (service, operation, URL,
/// status, duration, delay); it never sees headers, bodies or tokens.
class RetryingSender {
  public:
    using Sleep = std::function<void(std::chrono::milliseconds)>;
    using Debug = std::function<void(const std::string&)>;
    /// Returns a uniform random integer in [0, upper]; the default uses libsodium.
    using Random = std::function<std::uint32_t(std::uint32_t upper)>;
    /// Reads the AWS error in a non-2xx response; nullopt when the response does not hold one.
    using ErrorReader = std::function<std::optional<AwsError>(const HttpResponse&)>;

    /// What is being called: `service` is the SigV4 signing name ("iam", "organizations"),
    /// `operation` the API name used in messages ("ListAccounts"), `region` the signing region.
    struct Target {
        std::string_view service;
        std::string_view operation;
        std::string_view region;
    };

    RetryingSender(HttpClient& http, const Clock& clock, RetryPolicy retry = {}, Sleep sleep = real_sleep,
                   Debug debug = {}, Random random = secure_random);

    /// Authenticates a copy of `request` with `auth` and sends it until a 2xx response, a failure
    /// not worth retrying, or the last attempt. Returns the 2xx response; the caller zeroes its
    /// body if it may hold a secret. An AWS error becomes "<operation> failed: <Code>: <Message>"
    /// with a hint; a body that is no AWS error is shown shortened ("<operation> failed: HTTP 403:
    /// <html>…").
    Result<HttpResponse> send(const RequestAuth& auth, const HttpRequest& request, const Target& target,
                              const ErrorReader& read_error);
    /// The same, signed with SigV4 (what every IAM, STS and Organizations call needs).
    Result<HttpResponse> send(const Credentials& creds, const HttpRequest& request, const Target& target,
                              const ErrorReader& read_error) {
        return send(RequestAuth::sigv4(creds), request, target, read_error);
    }

    static void real_sleep(std::chrono::milliseconds delay);
    static std::uint32_t secure_random(std::uint32_t upper);

  private:
    HttpClient& m_http;
    const Clock& m_clock;
    RetryPolicy m_retry;
    Sleep m_sleep;
    Debug m_debug;
    Random m_random;
};

}  // namespace sesame
