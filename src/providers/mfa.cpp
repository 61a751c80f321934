#include "providers/mfa.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace sesame {

Result<void> check_mfa_code(const Secret& code, const std::string& serial) {
    const auto& c = code.reveal();
    bool digits = std::all_of(c.begin(), c.end(), [](unsigned char ch) { return std::isdigit(ch) != 0; });
    if (c.size() != 6 || !digits) {
        return fail(fmt::format("MFA code for {} must be 6 digits", serial),
                    "enter the current code from your authenticator app or device");
    }
    return {};
}

Result<Secret> MfaCodes::code_for(const std::string& serial) {
    if (m_given) {
        Secret code = std::move(*m_given);
        m_given.reset();
        SESAME_TRY(check_mfa_code(code, serial));
        return code;
    }
    auto answer = m_prompt.ask(fmt::format("Enter MFA code for {}: ", serial));
    if (!answer) {
        return fail(fmt::format("an MFA code for {} is needed, but there is no terminal to ask on", serial),
                    "pass it with --mfa-token CODE");
    }
    Secret code(std::move(*answer));
    SESAME_TRY(check_mfa_code(code, serial));
    return code;
}

}  // namespace sesame
