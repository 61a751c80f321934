#include "aws/retrying_sender.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <thread>

namespace sesame {

namespace {

/// How much of a body that is no AWS error is shown: enough to recognise a proxy or captive portal page.
constexpr size_t k_error_excerpt = 200;

/// What one attempt came to: a response, or an error that may be worth retrying.
struct Outcome {
    std::optional<HttpResponse> response;
    Error error;
    bool retryable = false;
    std::string summary;  ///< for the debug line: "HTTP 400 Throttling"
};

}  // namespace

bool is_throttling_code(std::string_view code) {
    static constexpr std::string_view k_codes[] = {"Throttling",           "ThrottlingException",
                                                   "RequestLimitExceeded", "TooManyRequestsException",
                                                   "RequestThrottled",     "IDPCommunicationError"};
    return std::ranges::find(k_codes, code) != std::end(k_codes);
}

std::string one_line(std::string_view text, size_t limit) {
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

std::string aws_error_hint(const HintContext& context, const AwsError& error) {
    const std::string_view operation = context.operation, service = context.service, region = context.region;
    const std::string& code = error.code;
    const std::string& message = error.message;
    auto mentions = [&](std::string_view text) { return message.find(text) != std::string::npos; };
    if (mentions("Signature expired") || code == "RequestExpired") {
        return "the system clock is off by more than 5 minutes; sync it (e.g. `timedatectl set-ntp true`)";
    }
    if (code == "InvalidClientTokenId" && service == "iam" && context.temporary_credentials) {
        return "IAM refuses session credentials made by GetSessionToken without MFA; use the long-term key, "
               "or a session made with an MFA code";
    }
    if (code == "InvalidClientTokenId" || code == "UnrecognizedClientException") {
        return "the access key id is wrong, deactivated or deleted; store a working key with `sesame add "
               "<profile>`";
    }
    if (code == "SignatureDoesNotMatch" || code == "InvalidSignatureException") {
        return "the secret access key does not match the key id; store the key again with `sesame add "
               "<profile>`";
    }
    if (code == "ExpiredToken" || code == "ExpiredTokenException") {
        return "the session has expired; run `sesame clear` and try again";
    }
    if (code == "AccessDenied" || code == "AccessDeniedException") {
        if (mentions("MultiFactorAuthentication")) {
            return "the MFA code was wrong or already used, or mfa_serial is not your device; "
                   "wait for the next code and try again";
        }
        if (mentions("session credentials")) {
            return fmt::format("{} needs long-term access keys, not temporary credentials", operation);
        }
        if (operation.starts_with("AssumeRole")) {
            return "check that the role's trust policy allows you (including any MFA or ExternalId "
                   "condition) and that your policies allow sts:AssumeRole on it";
        }
        if (service == "organizations") {
            return fmt::format(
                "call it from the organization's management account or a delegated "
                "administrator, with IAM policies that allow organizations:{}",
                operation);
        }
        return fmt::format("check that your IAM policies allow {}:{}", service, operation);
    }
    if (is_throttling_code(code)) return "AWS is rate-limiting these calls; wait a minute and try again";
    if (code == "RegionDisabledException") {
        return fmt::format(
            "STS is not activated in {}; activate it in the IAM console (account settings) "
            "or use another region",
            region);
    }
    if (code == "ValidationError" && mentions("DurationSeconds")) {
        return "ask for a shorter duration: a role allows at most its MaxSessionDuration, and a role assumed "
               "with temporary credentials at most 1h";
    }
    if (code == "LimitExceeded" && mentions("AccessKeysPerUser")) {
        return "an IAM user has at most two access keys; delete the one no longer in use and try again";
    }
    if (code == "InvalidAuthenticationCode") {
        return "give two consecutive codes from the authenticator, each as soon as it appears";
    }
    if (code == "EntityAlreadyExists" && operation == "CreateVirtualMFADevice") {
        return "a virtual MFA device of that name exists; delete it if it is unused, or choose another name";
    }
    if (code == "AWSOrganizationsNotInUseException") {
        return "this account is not in an organization; use credentials of the organization's "
               "management account";
    }
    return {};
}

RetryingSender::RetryingSender(HttpClient& http, const Clock& clock, RetryPolicy retry, Sleep sleep,
                               Debug debug, Random random)
    : m_http(http),
      m_clock(clock),
      m_retry(retry),
      m_sleep(std::move(sleep)),
      m_debug(std::move(debug)),
      m_random(std::move(random)) {}

void RetryingSender::real_sleep(std::chrono::milliseconds delay) {
    std::this_thread::sleep_for(delay);
}

std::uint32_t RetryingSender::secure_random(std::uint32_t upper) {
    return upper == UINT32_MAX ? randombytes_random() : randombytes_uniform(upper + 1);
}

Result<HttpResponse> RetryingSender::send(const RequestAuth& auth, const HttpRequest& unsigned_request,
                                          const Target& target, const ErrorReader& read_error) {
    const int max_attempts = std::max(1, m_retry.max_attempts);
    std::chrono::milliseconds cap = std::min(m_retry.base_delay, m_retry.max_delay);

    for (int attempt = 1;; ++attempt) {
        HttpRequest request = unsigned_request;
        auth.apply(request, target.region, target.service, m_clock.now());

        const TimePoint start = m_clock.now();
        auto response = m_http.send(request);
        // The body may carry MFA codes, the headers a token; the caller's copy is the caller's to wipe.
        wipe_sent_request(request);
        const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.now() - start);

        Outcome outcome;
        if (!response) {
            outcome.error = std::move(response.error());
            outcome.retryable = true;
            outcome.summary = "error: " + outcome.error.message;
        } else if (response->status >= 200 && response->status < 300) {
            outcome.summary = fmt::format("HTTP {}", response->status);
            outcome.response = std::move(*response);
        } else {
            const long status = response->status;
            outcome.retryable = status >= 500 || status == 429;
            if (auto aws = read_error(*response)) {
                outcome.retryable = outcome.retryable || is_throttling_code(aws->code);
                outcome.error =
                    Error{fmt::format("{} failed: {}: {}", target.operation, aws->code, aws->message),
                          aws_error_hint(
                              {target.operation, target.service, target.region, auth.temporary_credentials()},
                              *aws)};
                outcome.summary = fmt::format("HTTP {} {}", status, aws->code);
                if (!aws->request_id.empty()) outcome.summary += " (request id " + aws->request_id + ")";
            } else {
                std::string excerpt = one_line(response->body, k_error_excerpt);
                outcome.error =
                    Error{excerpt.empty()
                              ? fmt::format("{} failed: HTTP {} with an empty body", target.operation, status)
                              : fmt::format("{} failed: HTTP {}: {}", target.operation, status, excerpt)};
                outcome.summary = fmt::format("HTTP {}", status);
            }
        }

        const bool again = !outcome.response && outcome.retryable && attempt < max_attempts;
        std::chrono::milliseconds delay{0};
        if (again) {
            delay = std::chrono::milliseconds(m_random(static_cast<std::uint32_t>(cap.count())));
            cap = std::min(m_retry.max_delay, cap * 2);
        }
        if (m_debug) {
            m_debug(fmt::format("{} {} attempt {}/{}: {} {} -> {} in {} ms{}", target.service,
                                target.operation, attempt, max_attempts, request.method, request.url,
                                outcome.summary, took.count(),
                                again ? fmt::format("; retrying in {} ms", delay.count()) : ""));
        }
        if (outcome.response) return std::move(*outcome.response);
        if (!again) {
            if (attempt > 1) outcome.error.message += fmt::format(" (gave up after {} attempts)", attempt);
            return std::unexpected(std::move(outcome.error));
        }
        m_sleep(delay);
    }
}

}  // namespace sesame
