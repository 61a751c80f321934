#include "providers/mfa.hpp"

namespace sesame {

Result<Secret> MfaCodes::code_for(const std::string& serial) {
    if (m_given) {
        Secret code = std::move(*m_given);
        m_given.reset();
        SESAME_TRY(check_mfa_code(code, serial));
        return code;
    }
    return m_source.code_for(serial);
}

}  // namespace sesame
