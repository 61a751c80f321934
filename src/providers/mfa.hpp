#pragma once

#include <optional>
#include <string>

#include "crypto/secret.hpp"
#include "prompt/prompt.hpp"
#include "util/error.hpp"

namespace sesame {

/// Supplies MFA codes: the one given with --mfa-token, else asks on the terminal
/// ("Enter MFA code for ARN: "). A code is single-use at AWS, so a given code is handed out once.
class MfaCodes {
  public:
    MfaCodes(Prompt& prompt, std::optional<Secret> given) : m_prompt(prompt), m_given(std::move(given)) {}
    Result<Secret> code_for(const std::string& serial);

  private:
    Prompt& m_prompt;
    std::optional<Secret> m_given;
};

/// An MFA code is 6 digits (TOTP) — checked before any request so a typo costs no STS call.
Result<void> check_mfa_code(const Secret& code, const std::string& serial);

}  // namespace sesame
