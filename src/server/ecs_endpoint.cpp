#include "server/ecs_endpoint.hpp"

#include <sodium.h>

#include <cctype>
#include <nlohmann/json.hpp>

#include "server/credentials_json.hpp"
#include "server/http_response.hpp"

namespace sesame {

bool token_matches(const std::string* presented, const Secret& expected) {
    if (!presented || presented->size() != expected.size() || expected.empty()) return false;
    return sodium_memcmp(presented->data(), expected.reveal().data(), expected.size()) == 0;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

ServerResponse EcsEndpoint::handle(const ServerRequest& request) {
    if (!token_matches(request.header("authorization"), m_token)) {
        return error_response(401, "Unauthorized", "missing or wrong authorization token");
    }
    if (request.method != "GET") return error_response(405, "MethodNotAllowed", "use GET");

    Result<Credentials> creds = fail("not found");
    if (request.path == k_path) {
        creds = m_credentials.get();
    } else if (request.path.starts_with(k_role_prefix)) {
        creds = m_roles.get(percent_decode(std::string_view(request.path).substr(k_role_prefix.size())));
    } else {
        return error_response(404, "NotFound",
                              "no such path: use the URL in AWS_CONTAINER_CREDENTIALS_FULL_URI");
    }
    if (!creds) {
        m_log.warn("credentials endpoint: " + creds.error().message);
        return error_response(503, "CredentialsUnavailable", creds.error().message);
    }
    nlohmann::ordered_json j;
    j["AccessKeyId"] = creds->access_key_id;
    j["SecretAccessKey"] = creds->secret_access_key.reveal();
    j["Token"] = creds->session_token.reveal();
    j["Expiration"] = endpoint_expiration(*creds);
    return json_response(j.dump());
}

}  // namespace sesame
