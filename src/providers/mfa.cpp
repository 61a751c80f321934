#include "providers/mfa.hpp"

namespace sesame {

Result<Secret> MfaCodes::code_for(const std::string& serial) {
    m_last_was_given = m_given.has_value();
    if (m_given) {
        Secret code = std::move(*m_given);
        m_given.reset();
        SESAME_TRY(check_mfa_code(code, serial));
        return code;
    }
    return m_source.code_for(serial);
}

bool MfaCodes::ask_again(const std::string& serial, const Error& error) {
    constexpr int k_tries = 3;
    if (m_last_was_given || !mfa_code_refused(error) || ++m_refused >= k_tries) return false;
    return m_source.ask_again(serial);
}

bool mfa_code_refused(const Error& error) {
    return error.message.find("MultiFactorAuthentication") != std::string::npos;
}

}  // namespace sesame
