#include "aws/json_api.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include "util/strings.hpp"

namespace sesame {

namespace {

constexpr std::string_view k_content_type = "application/x-amz-json-1.1";

std::string header_value(const Headers& headers, std::string_view name) {
    for (const auto& [key, value] : headers)
        if (to_lower(key) == name) return std::string(trim(value));
    return {};
}

std::string string_member(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// "com.amazon.coral.service#UnrecognizedClientException" and
/// "UnrecognizedClientException:http://internal.amazon.com/coral/..." both name
/// UnrecognizedClientException.
std::string bare_code(std::string code) {
    if (auto colon = code.find(':'); colon != std::string::npos) code.resize(colon);
    if (auto hash = code.rfind('#'); hash != std::string::npos) code.erase(0, hash + 1);
    return code;
}

}  // namespace

std::optional<AwsError> parse_json_error(const HttpResponse& response) {
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (!body.is_object()) body = nlohmann::json::object();
    std::string code = string_member(body, "__type");
    if (code.empty()) code = string_member(body, "code");
    if (code.empty()) code = header_value(response.headers, "x-amzn-errortype");
    code = bare_code(std::move(code));
    if (trim(code).empty()) return std::nullopt;

    std::string message = string_member(body, "message");
    if (message.empty()) message = string_member(body, "Message");
    return AwsError{one_line(code, 100), one_line(message, 1000),
                    one_line(header_value(response.headers, "x-amzn-requestid"), 100)};
}

JsonApi::JsonApi(HttpClient& http, const Clock& clock, ServiceEndpoint endpoint, RetryPolicy retry,
                 Sleep sleep, Debug debug, Random random)
    : m_sender(http, clock, retry, std::move(sleep), std::move(debug), std::move(random)),
      m_endpoint(std::move(endpoint)) {}

Result<nlohmann::json> JsonApi::call(const Credentials& creds, const JsonCall& call) {
    HttpRequest request{"POST",
                        m_endpoint.url,
                        {{"Content-Type", std::string(k_content_type)},
                         {"X-Amz-Target", call.target_prefix + "." + call.operation}},
                        call.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
    auto response = m_sender.send(creds, request, {call.service, call.operation, m_endpoint.signing_region},
                                  parse_json_error);
    if (!response) return std::unexpected(std::move(response.error()));

    if (trim(response->body).empty()) return nlohmann::json::object();
    auto parsed = nlohmann::json::parse(response->body, nullptr, false);
    sodium_memzero(response->body.data(), response->body.size());
    if (parsed.is_discarded()) {
        return fail(fmt::format("malformed response to {} from {}: not JSON", call.operation, m_endpoint.url),
                    "this is unexpected; retry, and report it if it persists");
    }
    return parsed;
}

}  // namespace sesame
