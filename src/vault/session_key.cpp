#include "vault/session_key.hpp"

namespace sesame {

SessionKey SessionKey::session_token(std::string profile, std::string mfa_serial) {
    SessionKey k;
    k.kind = "GetSessionToken";
    k.profile = std::move(profile);
    k.mfa_serial = std::move(mfa_serial);
    k.m_inputs = {k.mfa_serial};
    return k;
}

SessionKey SessionKey::role(std::string profile, std::string role_arn, std::string external_id,
                            std::string role_session_name, std::string mfa_serial) {
    SessionKey k;
    k.kind = "AssumeRole";
    k.profile = std::move(profile);
    k.mfa_serial = std::move(mfa_serial);
    k.role_arn = std::move(role_arn);
    k.m_inputs = {k.role_arn, std::move(external_id), std::move(role_session_name), k.mfa_serial};
    return k;
}

SessionKey SessionKey::account_role(std::string profile, std::string role_arn) {
    SessionKey k;
    k.kind = "AssumeRole";
    k.profile = std::move(profile);
    k.role_arn = std::move(role_arn);
    k.m_inputs = {k.role_arn, "account"};
    return k;
}

SessionKey SessionKey::made_from(std::string source) const {
    SessionKey k = *this;
    k.m_inputs.push_back("from " + std::move(source));
    return k;
}

std::string SessionKey::id() const {
    std::string out = kind + "\n" + profile;
    for (const auto& input : m_inputs) out += "\n" + input;
    return out;
}

}  // namespace sesame
