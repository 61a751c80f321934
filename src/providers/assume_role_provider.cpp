#include "providers/assume_role_provider.hpp"

#include <fmt/format.h>

namespace sesame {

Result<Credentials> AssumeRoleProvider::retrieve() {
    auto source = m_source->retrieve();
    if (!source) return source;
    for (;;) {
        AssumeRoleInput in = m_input;
        if (!in.mfa_serial.empty()) {
            auto code = m_mfa.code_for(in.mfa_serial);
            if (!code) return std::unexpected(code.error());
            in.mfa_code = std::move(*code);
        }
        auto role = m_sts.assume_role(*source, in);
        if (role) return std::move(role->credentials);
        if (in.mfa_serial.empty() || !m_mfa.ask_again(in.mfa_serial, role.error()))
            return std::unexpected(std::move(role.error()));
    }
}

std::string AssumeRoleProvider::describe() const {
    return fmt::format("AssumeRole {}{} on {}", m_input.role_arn,
                       m_input.mfa_serial.empty() ? "" : " (MFA " + m_input.mfa_serial + ")",
                       m_source->describe());
}

}  // namespace sesame
