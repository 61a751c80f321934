#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "aws/credentials.hpp"
#include "aws/http.hpp"
#include "aws/retrying_sender.hpp"
#include "aws/service_endpoint.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"

namespace sesame {

/// One call of an AWS JSON 1.1 API (Organizations): POST "/" with the operation in X-Amz-Target.
struct JsonCall {
    std::string service;        ///< signing name: "organizations"
    std::string target_prefix;  ///< "AWSOrganizationsV20161128"
    std::string operation;      ///< "ListAccounts"
    nlohmann::json body = nlohmann::json::object();
};

/// Calls AWS JSON 1.1 APIs with SigV4 signing and the retries of RetryingSender.
class JsonApi {
  public:
    using Sleep = RetryingSender::Sleep;
    using Debug = RetryingSender::Debug;
    using Random = RetryingSender::Random;

    JsonApi(HttpClient& http, const Clock& clock, ServiceEndpoint endpoint, RetryPolicy retry = {},
            Sleep sleep = RetryingSender::real_sleep, Debug debug = {},
            Random random = RetryingSender::secure_random);

    /// Signs for endpoint.signing_region and call.service, POSTs call.body to endpoint.url with
    /// "X-Amz-Target: <prefix>.<operation>" and returns the parsed JSON body of a 2xx response
    /// (an empty body reads as {}). An AWS error becomes "<operation> failed: <Code>: <Message>"
    /// with a hint for the common causes.
    Result<nlohmann::json> call(const Credentials& creds, const JsonCall& call);

    const ServiceEndpoint& endpoint() const { return m_endpoint; }

  private:
    RetryingSender m_sender;
    ServiceEndpoint m_endpoint;
};

/// The AWS error in a JSON-protocol response, as botocore reads it: the code from the body's
/// "__type" (or "code"), else from the x-amzn-ErrorType header, with any namespace before '#'
/// and anything after ':' dropped; the message from "message" or "Message". nullopt when there is
/// no code.
std::optional<AwsError> parse_json_error(const HttpResponse& response);

}  // namespace sesame
