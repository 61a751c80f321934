#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.hpp"
#include "aws/endpoint.hpp"
#include "aws/http.hpp"
#include "platform/clock.hpp"
#include "util/error.hpp"

namespace sesame {

/// One call of an AWS Query-protocol API (STS, IAM): form-encoded POST, XML response.
struct QueryCall {
    std::string service;  ///< signing name: "sts", "iam"
    std::string action;   ///< "AssumeRole"
    std::string version;  ///< "2011-06-15"
    std::vector<std::pair<std::string, std::string>>
        params;  ///< sent in this order, after Action and Version
};

/// Exponential backoff with full jitter: before retry n (1-based) sleep a uniformly random time
/// in [0, min(max_delay, base_delay * 2^(n-1))].
struct RetryPolicy {
    int max_attempts = 4;
    std::chrono::milliseconds base_delay{200};
    std::chrono::milliseconds max_delay{5000};
};

/// Calls Query-protocol APIs with SigV4 signing and retries. Retries transport errors, HTTP 5xx
/// and 429, and the throttling error codes; never any other 4xx (a wrong key or a denied role
/// does not get better by asking again). Every attempt is signed afresh.
///
/// Sleep and randomness are injected so tests run instantly and deterministically. The debug
/// callback gets one line per attempt (service, action, URL, status, duration, delay); it never
/// sees headers, bodies or tokens.
class QueryApi {
  public:
    using Sleep = std::function<void(std::chrono::milliseconds)>;
    using Debug = std::function<void(const std::string&)>;
    /// Returns a uniform random integer in [0, upper]; the default uses libsodium.
    using Random = std::function<std::uint32_t(std::uint32_t upper)>;

    QueryApi(HttpClient& http, const Clock& clock, ServiceEndpoint endpoint, RetryPolicy retry = {},
             Sleep sleep = real_sleep, Debug debug = {}, Random random = secure_random);

    /// Signs for endpoint.signing_region and call.service, POSTs
    /// "Action=..&Version=..&k=v.." to endpoint.url and returns the parsed XML body of a 2xx
    /// response. An AWS error becomes "<Action> failed: <Code>: <Message>" with a hint for the
    /// common causes.
    Result<pugi::xml_document> call(const Credentials& creds, const QueryCall& call);

    const ServiceEndpoint& endpoint() const { return m_endpoint; }

    static void real_sleep(std::chrono::milliseconds delay);
    static std::uint32_t secure_random(std::uint32_t upper);

  private:
    HttpClient& m_http;
    const Clock& m_clock;
    ServiceEndpoint m_endpoint;
    RetryPolicy m_retry;
    Sleep m_sleep;
    Debug m_debug;
    Random m_random;
};

/// The form body for `call`: "Action=..&Version=..&k=v..", keys and values percent-encoded.
std::string query_form_body(const QueryCall& call);

/// An AWS error response: <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>.
struct AwsError {
    std::string code;
    std::string message;
    std::string request_id;
};

/// Parses an AWS XML error body, ignoring namespaces; nullopt when `body` is not one.
std::optional<AwsError> parse_aws_error(std::string_view body);

/// True for error codes that mean "slow down" and deserve a retry.
bool is_throttling_code(std::string_view code);

/// The first child element of `parent` whose local name (namespace prefix ignored) is `name`.
pugi::xml_node child_local(pugi::xml_node parent, std::string_view name);

/// The text of the element at `path` of local names below `parent`, e.g. {"Credentials", "AccessKeyId"};
/// nullopt when any step is missing.
std::optional<std::string> text_at(pugi::xml_node parent, std::initializer_list<std::string_view> path);

}  // namespace sesame
