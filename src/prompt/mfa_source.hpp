#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secret.hpp"
#include "prompt/prompt.hpp"
#include "util/error.hpp"

namespace sesame {

/// Where MFA codes come from: a prompt driver. The terminal is the first; a YubiKey (ykman), a
/// GUI dialog (zenity, kdialog) or a profile's mfa_process are each one more implementation and
/// one line in prompt_drivers().
class MfaCodeSource {
  public:
    virtual ~MfaCodeSource() = default;
    /// The current code of the MFA device `serial` (an ARN, or a hardware token's serial number),
    /// checked to be 6 digits.
    virtual Result<Secret> code_for(std::string_view serial) = 0;
    /// AWS refused the last code for `serial` (wrong, or already used). True when asking for
    /// another may help (the driver has told the user so); false when it cannot ask again.
    virtual bool ask_again(std::string_view /*serial*/) { return false; }
};

/// A code is 6 digits (TOTP): checked before any request, so a typo costs no STS call.
Result<void> check_mfa_code(const Secret& code, std::string_view serial);

/// The terminal driver: asks "Enter MFA code for ARN: " on a Prompt, again (up to three times)
/// when what was typed is not 6 digits, and again when AWS refused a code.
class PromptMfaSource final : public MfaCodeSource {
  public:
    explicit PromptMfaSource(Prompt& prompt) : m_prompt(prompt) {}
    Result<Secret> code_for(std::string_view serial) override;
    bool ask_again(std::string_view serial) override;

  private:
    Prompt& m_prompt;
};

/// A prompt driver: how `--prompt NAME` (and aws-vault's AWS_VAULT_PROMPT) will name it.
struct PromptDriver {
    std::string_view name;
    std::string_view summary;
    std::function<std::unique_ptr<MfaCodeSource>(Prompt& terminal)> make;
};

/// The registry: every driver sesame has, the default first.
const std::vector<PromptDriver>& prompt_drivers();

/// The driver called `name`; an unknown name is an error listing the drivers (did you mean ...?).
Result<std::unique_ptr<MfaCodeSource>> make_mfa_source(std::string_view name, Prompt& terminal);

}  // namespace sesame
