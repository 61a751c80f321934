#include "providers/session_token_provider.hpp"

#include <fmt/format.h>

namespace sesame {

Result<Credentials> SessionTokenProvider::retrieve() {
    auto source = m_source->retrieve();
    if (!source) return source;
    if (m_mfa_serial.empty() && m_find) m_mfa_serial = m_find(*source);
    for (;;) {
        GetSessionTokenInput in;
        in.duration = m_duration;
        if (!m_mfa_serial.empty()) {
            auto code = m_mfa.code_for(m_mfa_serial);
            if (!code) return std::unexpected(code.error());
            in.mfa_serial = m_mfa_serial;
            in.mfa_code = std::move(*code);
        }
        auto session = m_sts.get_session_token(*source, in);
        if (session || m_mfa_serial.empty() || !m_mfa.ask_again(m_mfa_serial, session.error()))
            return session;
    }
}

std::string SessionTokenProvider::describe() const {
    return fmt::format("GetSessionToken ({}s{}) on {}", m_duration.count(),
                       m_mfa_serial.empty() ? "" : ", MFA " + m_mfa_serial, m_source->describe());
}

}  // namespace sesame
