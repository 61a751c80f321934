#include "aws/request_auth.hpp"

#include <sodium.h>

#include "aws/sigv4.hpp"
#include "util/strings.hpp"

namespace sesame {

RequestAuth RequestAuth::sigv4(const Credentials& credentials) {
    return RequestAuth(SigV4{&credentials});
}

RequestAuth RequestAuth::bearer(Secret token) {
    return RequestAuth(Bearer{std::move(token)});
}

RequestAuth RequestAuth::none() {
    return RequestAuth(None{});
}

void RequestAuth::apply(HttpRequest& request, std::string_view region, std::string_view service,
                        TimePoint now) const {
    if (const auto* sigv4 = std::get_if<SigV4>(&m_how)) {
        sigv4::sign_http(request, *sigv4->credentials, region, service, now);
    } else if (const auto* bearer = std::get_if<Bearer>(&m_how)) {
        request.headers.emplace_back("Authorization", "Bearer " + bearer->token.reveal());
    }
}

bool RequestAuth::temporary_credentials() const {
    const auto* sigv4 = std::get_if<SigV4>(&m_how);
    return sigv4 && sigv4->credentials->is_temporary();
}

void wipe_sent_request(HttpRequest& request) {
    for (auto& [name, value] : request.headers) {
        const std::string lower = to_lower(name);
        if (lower == "authorization" || lower == "x-amz-security-token")
            sodium_memzero(value.data(), value.size());
    }
    sodium_memzero(request.body.data(), request.body.size());
}

}  // namespace sesame
