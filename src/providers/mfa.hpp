#pragma once

#include <optional>
#include <string>

#include "crypto/secret.hpp"
#include "prompt/mfa_source.hpp"
#include "util/error.hpp"

namespace sesame {

/// Hands out MFA codes to a chain: the one given with --mfa-token, else the prompt driver's. A
/// code is single-use at AWS, so a given code is handed out once.
class MfaCodes {
  public:
    MfaCodes(MfaCodeSource& source, std::optional<Secret> given)
        : m_source(source), m_given(std::move(given)) {}
    Result<Secret> code_for(const std::string& serial);
    /// The STS call that used the last code failed with `error`. True when that was AWS refusing
    /// the code and another is to be asked for: codes from the prompt driver, up to three for a
    /// call; never after a --mfa-token code (the user gave that one, the terminal may be absent).
    bool ask_again(const std::string& serial, const Error& error);

  private:
    MfaCodeSource& m_source;
    std::optional<Secret> m_given;
    bool m_last_was_given = false;
    int m_refused = 0;
};

/// Whether `error` is AWS refusing an MFA code (AccessDenied: MultiFactorAuthentication failed ...).
bool mfa_code_refused(const Error& error);

}  // namespace sesame
