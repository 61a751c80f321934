#include "server/imds_endpoint.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "aws/arn.hpp"
#include "crypto/hash.hpp"
#include "server/credentials_json.hpp"
#include "server/http_response.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

constexpr long k_max_token_ttl = 21600;

ServerResponse text(std::string body) {
    ServerResponse r;
    r.headers.emplace_back("Content-Type", "text/plain");
    r.body = std::move(body);
    return r;
}

ServerResponse not_found() {
    ServerResponse r = text("Not Found");
    r.status = 404;
    return r;
}

std::string trim_slash(std::string_view path) {
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    return std::string(path);
}

}  // namespace

ImdsEndpoint::ImdsEndpoint(RefreshingCredentials& credentials, ImdsOptions options, const Clock& clock,
                           const Log& log)
    : m_credentials(credentials), m_options(std::move(options)), m_clock(clock), m_log(log), m_key(32, '\0') {
    randombytes_buf(m_key.data(), m_key.size());
}

std::string ImdsEndpoint::mac(std::string_view expiry) const {
    return hex(hmac_sha256(m_key, expiry));
}

ServerResponse ImdsEndpoint::issue_token(const ServerRequest& request) {
    // Real IMDS refuses token requests that went through a proxy (a sign of SSRF).
    if (request.header("x-forwarded-for"))
        return error_response(403, "Forbidden", "forwarded requests are refused");
    const std::string* ttl_header = request.header("x-aws-ec2-metadata-token-ttl-seconds");
    long ttl = 0;
    const char* end = ttl_header ? ttl_header->data() + ttl_header->size() : nullptr;
    // The whole value must be the number: "60abc" is refused, as real IMDS refuses it.
    if (!ttl_header || std::from_chars(ttl_header->data(), end, ttl).ptr != end || ttl_header->empty() ||
        ttl < 1 || ttl > k_max_token_ttl) {
        ServerResponse r = text("X-aws-ec2-metadata-token-ttl-seconds must be 1 to 21600");
        r.status = 400;
        return r;
    }
    // In milliseconds: a token lives its whole TTL, not up to a second less.
    auto expiry =
        std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.now().time_since_epoch()).count() +
        ttl * 1000;
    std::string payload = std::to_string(expiry);
    ServerResponse r = text(payload + "." + mac(payload));
    r.headers.emplace_back("X-aws-ec2-metadata-token-ttl-seconds", std::to_string(ttl));
    return r;
}

bool ImdsEndpoint::valid_token(const std::string* token) const {
    if (!token) return false;
    auto dot = token->find('.');
    if (dot == std::string::npos) return false;
    std::string_view payload(token->data(), dot);
    std::string expected = mac(payload);
    std::string_view presented(token->data() + dot + 1, token->size() - dot - 1);
    if (presented.size() != expected.size() ||
        sodium_memcmp(presented.data(), expected.data(), expected.size()) != 0)
        return false;
    long long expiry = 0;
    if (std::from_chars(payload.data(), payload.data() + payload.size(), expiry).ec != std::errc())
        return false;
    return std::chrono::duration_cast<std::chrono::milliseconds>(m_clock.now().time_since_epoch()).count() <
           expiry;
}

ServerResponse ImdsEndpoint::credentials() {
    auto creds = m_credentials.get();
    if (!creds) {
        m_log.warn("metadata endpoint: " + creds.error().message);
        return error_response(503, "CredentialsUnavailable", creds.error().message);
    }
    nlohmann::ordered_json j;
    j["Code"] = "Success";
    j["LastUpdated"] = format_rfc3339(m_clock.now());
    j["Type"] = "AWS-HMAC";
    j["AccessKeyId"] = creds->access_key_id;
    j["SecretAccessKey"] = creds->secret_access_key.reveal();
    j["Token"] = creds->session_token.reveal();
    j["Expiration"] = endpoint_expiration(*creds);
    return json_response(j.dump());
}

ServerResponse ImdsEndpoint::handle(const ServerRequest& request) {
    if (request.method == "PUT" && request.path == "/latest/api/token") return issue_token(request);
    if (request.method != "GET")
        return error_response(405, "MethodNotAllowed", "use GET (or PUT /latest/api/token)");
    if (!m_options.allow_v1 && !valid_token(request.header("x-aws-ec2-metadata-token"))) {
        ServerResponse r = text("Unauthorized");
        r.status = 401;
        return r;
    }
    const std::string path = trim_slash(request.path);
    const std::string creds_path = "/latest/meta-data/iam/security-credentials";
    if (path == creds_path) return text(m_options.role_name);
    if (path == creds_path + "/" + m_options.role_name) return credentials();
    if (path == "/latest/meta-data/iam/info") {
        nlohmann::ordered_json j;
        j["Code"] = "Success";
        j["LastUpdated"] = format_rfc3339(m_clock.now());
        j["InstanceProfileArn"] =
            fmt::format("arn:{}:iam::{}:instance-profile/{}", partition_of(m_options.region).name,
                        m_options.account_id, m_options.role_name);
        j["InstanceProfileId"] = "AIPASESAMESESAMESESAM";
        return json_response(j.dump());
    }
    if (path == "/latest/dynamic/instance-identity/document") {
        nlohmann::ordered_json j;
        j["accountId"] = m_options.account_id;
        j["architecture"] = "x86_64";
        j["availabilityZone"] = m_options.region.empty() ? "" : m_options.region + "a";
        j["imageId"] = "ami-00000000000000000";
        j["instanceId"] = "i-00000000000000000";
        j["instanceType"] = "sesame.local";
        j["privateIp"] = "127.0.0.1";
        j["region"] = m_options.region;
        j["version"] = "2017-09-30";
        return json_response(j.dump(2));
    }
    if (path == "/latest/meta-data/placement/region" && !m_options.region.empty())
        return text(m_options.region);
    if (path == "/latest/meta-data/placement/availability-zone" && !m_options.region.empty())
        return text(m_options.region + "a");
    return not_found();
}

}  // namespace sesame
