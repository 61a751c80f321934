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

  private:
    MfaCodeSource& m_source;
    std::optional<Secret> m_given;
};

}  // namespace sesame
