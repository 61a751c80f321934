#include "aws/query_api.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include "util/strings.hpp"

namespace sesame {

namespace {

constexpr std::string_view k_content_type = "application/x-www-form-urlencoded; charset=utf-8";

std::string_view local_name(const char* name) {
    std::string_view n(name);
    auto colon = n.find(':');
    return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

pugi::xml_node find_error_element(pugi::xml_node node) {
    for (pugi::xml_node child : node.children()) {
        if (child.type() != pugi::node_element) continue;
        if (local_name(child.name()) == "Error" && child_local(child, "Code")) return child;
        if (auto found = find_error_element(child)) return found;
    }
    return {};
}

}  // namespace

std::string query_form_body(const QueryCall& call) {
    // Appended piece by piece: g++ 12 at -O3 reports a false -Wrestrict for `"literal" + string`.
    std::string body = "Action=";
    body += uri_encode(call.action);
    body += "&Version=";
    body += uri_encode(call.version);
    for (const auto& [key, value] : call.params) {
        body += '&';
        body += uri_encode(key);
        body += '=';
        body += uri_encode(value);
    }
    return body;
}

pugi::xml_node child_local(pugi::xml_node parent, std::string_view name) {
    for (pugi::xml_node child : parent.children()) {
        if (child.type() == pugi::node_element && local_name(child.name()) == name) return child;
    }
    return {};
}

std::optional<std::string> text_at(pugi::xml_node parent, std::initializer_list<std::string_view> path) {
    pugi::xml_node node = parent;
    for (std::string_view step : path) {
        node = child_local(node, step);
        if (!node) return std::nullopt;
    }
    return std::string(node.child_value());
}

std::optional<AwsError> parse_aws_error(std::string_view body) {
    pugi::xml_document doc;
    if (!doc.load_buffer(body.data(), body.size())) return std::nullopt;
    pugi::xml_node error = find_error_element(doc);
    if (!error) return std::nullopt;
    AwsError out;
    out.code = one_line(child_local(error, "Code").child_value(), 100);
    out.message = one_line(child_local(error, "Message").child_value(), 1000);
    // RequestId sits next to <Error> (STS, IAM) or above an <Errors> list (EC2-style).
    for (pugi::xml_node n = error.parent(); n && out.request_id.empty(); n = n.parent()) {
        out.request_id = one_line(child_local(n, "RequestId").child_value(), 100);
        if (out.request_id.empty()) out.request_id = one_line(child_local(n, "RequestID").child_value(), 100);
    }
    return out;
}

QueryApi::QueryApi(HttpClient& http, const Clock& clock, ServiceEndpoint endpoint, RetryPolicy retry,
                   Sleep sleep, Debug debug, Random random)
    : m_sender(http, clock, retry, std::move(sleep), std::move(debug), std::move(random)),
      m_endpoint(std::move(endpoint)) {}

Result<pugi::xml_document> QueryApi::call(const Credentials& creds, const QueryCall& call) {
    HttpRequest request{
        "POST", m_endpoint.url, {{"Content-Type", std::string(k_content_type)}}, query_form_body(call)};
    auto response = m_sender.send(creds, request, {call.service, call.action, m_endpoint.signing_region},
                                  [](const HttpResponse& r) { return parse_aws_error(r.body); });
    // The form may carry an MFA code.
    sodium_memzero(request.body.data(), request.body.size());
    if (!response) return std::unexpected(std::move(response.error()));

    pugi::xml_document doc;
    auto parsed = doc.load_buffer(response->body.data(), response->body.size());
    // The body may hold new credentials; the document keeps its own copy.
    sodium_memzero(response->body.data(), response->body.size());
    if (!parsed) {
        return fail(fmt::format("malformed response to {} from {}: {} at byte {}", call.action,
                                m_endpoint.url, parsed.description(), parsed.offset));
    }
    return doc;
}

}  // namespace sesame
