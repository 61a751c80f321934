#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.hpp"
#include "aws/http.hpp"
#include "aws/retrying_sender.hpp"
#include "aws/service_endpoint.hpp"
#include "util/clock.hpp"
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

/// Calls Query-protocol APIs (STS, IAM) with SigV4 signing and the retries of RetryingSender.
class QueryApi {
  public:
    using Sleep = RetryingSender::Sleep;
    using Debug = RetryingSender::Debug;
    using Random = RetryingSender::Random;

    QueryApi(HttpClient& http, const Clock& clock, ServiceEndpoint endpoint, RetryPolicy retry = {},
             Sleep sleep = real_sleep, Debug debug = {}, Random random = secure_random);

    /// Signs for endpoint.signing_region and call.service, POSTs
    /// "Action=..&Version=..&k=v.." to endpoint.url and returns the parsed XML body of a 2xx
    /// response. An AWS error becomes "<Action> failed: <Code>: <Message>" with a hint for the
    /// common causes.
    Result<pugi::xml_document> call(const Credentials& creds, const QueryCall& call);

    const ServiceEndpoint& endpoint() const { return m_endpoint; }

    static void real_sleep(std::chrono::milliseconds delay) { RetryingSender::real_sleep(delay); }
    static std::uint32_t secure_random(std::uint32_t upper) { return RetryingSender::secure_random(upper); }

  private:
    RetryingSender m_sender;
    ServiceEndpoint m_endpoint;
};

/// The form body for `call`: "Action=..&Version=..&k=v..", keys and values percent-encoded.
std::string query_form_body(const QueryCall& call);

/// Parses an AWS XML error body (<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>),
/// ignoring namespaces; nullopt when `body` is not one.
std::optional<AwsError> parse_aws_error(std::string_view body);

/// The first child element of `parent` whose local name (namespace prefix ignored) is `name`.
pugi::xml_node child_local(pugi::xml_node parent, std::string_view name);

/// The text of the element at `path` of local names below `parent`, e.g. {"Credentials", "AccessKeyId"};
/// nullopt when any step is missing.
std::optional<std::string> text_at(pugi::xml_node parent, std::initializer_list<std::string_view> path);

}  // namespace sesame
