#include "aws/query_api.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "aws/sigv4.hpp"
#include "util/strings.hpp"

namespace sesame {

namespace {

constexpr std::string_view k_content_type = "application/x-www-form-urlencoded; charset=utf-8";
/// How much of a non-XML error body is shown: enough to recognise a proxy or captive portal page.
constexpr size_t k_error_excerpt = 200;

/// One line, printable: control characters become spaces, runs of spaces collapse, and the
/// result is cut to `limit` bytes (never inside a UTF-8 sequence).
std::string sanitise(std::string_view text, size_t limit) {
    std::string out;
    for (unsigned char c : text) {
        bool space = c < 0x20 || c == 0x7f || c == ' ';
        if (space) {
            if (!out.empty() && out.back() != ' ') out.push_back(' ');
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    if (out.size() > limit) {
        size_t cut = limit;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
        out.resize(cut);
        out += "…";
    }
    return out;
}

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

/// The next step for the user for the AWS error codes people actually hit.
std::string hint_for(std::string_view action, std::string_view service, const AwsError& error,
                     std::string_view region) {
    const std::string& code = error.code;
    const std::string& message = error.message;
    if (message.find("Signature expired") != std::string::npos || code == "RequestExpired") {
        return "the system clock is off by more than 5 minutes; sync it (e.g. `timedatectl set-ntp true`)";
    }
    if (code == "InvalidClientTokenId") {
        return "the access key id is wrong, deactivated or deleted; store a working key with `sesame add "
               "<profile>`";
    }
    if (code == "SignatureDoesNotMatch") {
        return "the secret access key does not match the key id; store the key again with `sesame add "
               "<profile>`";
    }
    if (code == "ExpiredToken") return "the session has expired; run `sesame clear` and try again";
    if (code == "AccessDenied" || code == "AccessDeniedException") {
        if (message.find("MultiFactorAuthentication") != std::string::npos) {
            return "the MFA code was wrong or already used, or mfa_serial is not your device; "
                   "wait for the next code and try again";
        }
        if (message.find("session credentials") != std::string::npos) {
            return fmt::format("{} needs long-term access keys, not temporary credentials", action);
        }
        if (action.starts_with("AssumeRole")) {
            return "check that the role's trust policy allows you (including any MFA or ExternalId "
                   "condition) and that your policies allow sts:AssumeRole on it";
        }
        return fmt::format("check that your IAM policies allow {}:{}", service, action);
    }
    if (is_throttling_code(code)) return "AWS is rate-limiting these calls; wait a minute and try again";
    if (code == "RegionDisabledException") {
        return fmt::format(
            "STS is not activated in {}; activate it in the IAM console (account settings) "
            "or use another region",
            region);
    }
    if (code == "ValidationError" && message.find("DurationSeconds") != std::string::npos) {
        return "ask for a shorter duration: a role allows at most its MaxSessionDuration, and a role assumed "
               "with temporary credentials at most 1h";
    }
    return {};
}

/// What one attempt came to: a document, or an error that may be worth retrying.
struct Outcome {
    std::optional<pugi::xml_document> document;
    Error error;
    bool retryable = false;
    std::string summary;  ///< for the debug line: "HTTP 400 Throttling"
};

}  // namespace

std::string query_form_body(const QueryCall& call) {
    std::string body = "Action=" + uri_encode(call.action) + "&Version=" + uri_encode(call.version);
    for (const auto& [key, value] : call.params) body += "&" + uri_encode(key) + "=" + uri_encode(value);
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
    out.code = sanitise(child_local(error, "Code").child_value(), 100);
    out.message = sanitise(child_local(error, "Message").child_value(), 1000);
    // RequestId sits next to <Error> (STS, IAM) or above an <Errors> list (EC2-style).
    for (pugi::xml_node n = error.parent(); n && out.request_id.empty(); n = n.parent()) {
        out.request_id = sanitise(child_local(n, "RequestId").child_value(), 100);
        if (out.request_id.empty()) out.request_id = sanitise(child_local(n, "RequestID").child_value(), 100);
    }
    return out;
}

bool is_throttling_code(std::string_view code) {
    static constexpr std::string_view k_codes[] = {"Throttling",           "ThrottlingException",
                                                   "RequestLimitExceeded", "TooManyRequestsException",
                                                   "RequestThrottled",     "IDPCommunicationError"};
    return std::ranges::find(k_codes, code) != std::end(k_codes);
}

QueryApi::QueryApi(HttpClient& http, const Clock& clock, ServiceEndpoint endpoint, RetryPolicy retry,
                   Sleep sleep, Debug debug, Random random)
    : m_http(http),
      m_clock(clock),
      m_endpoint(std::move(endpoint)),
      m_retry(retry),
      m_sleep(std::move(sleep)),
      m_debug(std::move(debug)),
      m_random(std::move(random)) {}

void QueryApi::real_sleep(std::chrono::milliseconds delay) {
    std::this_thread::sleep_for(delay);
}

std::uint32_t QueryApi::secure_random(std::uint32_t upper) {
    return upper == UINT32_MAX ? randombytes_random() : randombytes_uniform(upper + 1);
}

Result<pugi::xml_document> QueryApi::call(const Credentials& creds, const QueryCall& call) {
    const std::string body = query_form_body(call);
    const int max_attempts = std::max(1, m_retry.max_attempts);
    std::chrono::milliseconds cap = std::min(m_retry.base_delay, m_retry.max_delay);

    for (int attempt = 1;; ++attempt) {
        HttpRequest request{"POST", m_endpoint.url, {{"Content-Type", std::string(k_content_type)}}, body};
        sigv4::sign_http(request, creds, m_endpoint.signing_region, call.service, m_clock.now());

        const TimePoint start = m_clock.now();
        auto response = m_http.send(request);
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.now() - start);

        Outcome outcome;
        if (!response) {
            outcome.error = std::move(response.error());
            outcome.retryable = true;
            outcome.summary = "error: " + outcome.error.message;
        } else if (response->status >= 200 && response->status < 300) {
            pugi::xml_document doc;
            auto parsed = doc.load_buffer(response->body.data(), response->body.size());
            // The body may hold new credentials; the document keeps its own copy.
            sodium_memzero(response->body.data(), response->body.size());
            if (parsed) {
                outcome.document = std::move(doc);
            } else {
                outcome.error =
                    Error{fmt::format("malformed response to {} from {}: {} at byte {}", call.action,
                                      m_endpoint.url, parsed.description(), parsed.offset)};
            }
            outcome.summary = fmt::format("HTTP {}", response->status);
        } else {
            const long status = response->status;
            outcome.retryable = status >= 500 || status == 429;
            if (auto aws = parse_aws_error(response->body)) {
                outcome.retryable = outcome.retryable || is_throttling_code(aws->code);
                outcome.error = Error{fmt::format("{} failed: {}: {}", call.action, aws->code, aws->message),
                                      hint_for(call.action, call.service, *aws, m_endpoint.signing_region)};
                outcome.summary = fmt::format("HTTP {} {}", status, aws->code);
                if (!aws->request_id.empty()) outcome.summary += " (request id " + aws->request_id + ")";
            } else {
                std::string excerpt = sanitise(response->body, k_error_excerpt);
                outcome.error =
                    Error{excerpt.empty()
                              ? fmt::format("{} failed: HTTP {} with an empty body", call.action, status)
                              : fmt::format("{} failed: HTTP {}: {}", call.action, status, excerpt)};
                outcome.summary = fmt::format("HTTP {}", status);
            }
        }

        const bool again = !outcome.document && outcome.retryable && attempt < max_attempts;
        std::chrono::milliseconds delay{0};
        if (again) {
            delay = std::chrono::milliseconds(m_random(static_cast<std::uint32_t>(cap.count())));
            cap = std::min(m_retry.max_delay, cap * 2);
        }
        if (m_debug) {
            m_debug(fmt::format("{} {} attempt {}/{}: POST {} -> {} in {} ms{}", call.service, call.action,
                                attempt, max_attempts, m_endpoint.url, outcome.summary, took.count(),
                                again ? fmt::format("; retrying in {} ms", delay.count()) : ""));
        }
        if (outcome.document) return std::move(*outcome.document);
        if (!again) {
            if (attempt > 1) outcome.error.message += fmt::format(" (gave up after {} attempts)", attempt);
            return std::unexpected(std::move(outcome.error));
        }
        m_sleep(delay);
    }
}

}  // namespace sesame
