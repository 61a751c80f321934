#include "server/credentials_json.hpp"

#include <nlohmann/json.hpp>

#include "util/time.hpp"

namespace sesame {

ServerResponse json_response(std::string body) {
    ServerResponse r;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    return r;
}

std::string endpoint_expiration(const Credentials& creds) {
    return creds.expiration ? format_rfc3339(*creds.expiration) : std::string();
}

}  // namespace sesame
