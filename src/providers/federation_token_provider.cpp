#include "providers/federation_token_provider.hpp"

#include <fmt/format.h>

#include <cctype>

namespace sesame {

const char* const k_allow_all_policy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";

std::string federated_user_name(std::string_view caller_arn) {
    std::string_view name = caller_arn;
    if (auto slash = name.rfind('/'); slash != std::string_view::npos) {
        name = name.substr(slash + 1);
    } else if (caller_arn.ends_with(":root")) {
        name = "root";
    } else if (auto colon = name.rfind(':'); colon != std::string_view::npos) {
        name = name.substr(colon + 1);
    }
    std::string out;
    for (unsigned char c : name.substr(0, 32)) {
        bool allowed = std::isalnum(c) ||
                       std::string_view("_+=,.@-").find(static_cast<char>(c)) != std::string_view::npos;
        out.push_back(allowed ? static_cast<char>(c) : '-');
    }
    while (out.size() < 2) out += out.empty() ? "sesame" : "-user";
    return out.substr(0, 32);
}

Result<Credentials> FederationTokenProvider::retrieve() {
    auto key = m_source->retrieve();
    if (!key) return key;
    if (key->is_temporary()) {
        return fail("GetFederationToken needs an IAM user's long-term key, and these are session credentials",
                    "sign in to the console through a role (role_arn) instead");
    }
    auto identity = m_sts.get_caller_identity(*key);
    if (!identity) return std::unexpected(std::move(identity.error()));
    FederationInput in{federated_user_name(identity->arn), k_allow_all_policy, m_duration};
    auto federated = m_sts.get_federation_token(*key, in);
    if (!federated) return std::unexpected(std::move(federated.error()));
    return std::move(federated->credentials);
}

std::string FederationTokenProvider::describe() const {
    return fmt::format("GetFederationToken ({}s) on {}", m_duration.count(), m_source->describe());
}

}  // namespace sesame
