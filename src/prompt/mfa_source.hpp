#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secret.hpp"
#include "platform/process.hpp"
#include "prompt/prompt.hpp"
#include "util/error.hpp"

namespace sesame {

/// Where MFA codes come from: a prompt driver. The terminal is the first; a YubiKey (ykman), a
/// GUI dialog (zenity, kdialog, osascript) or a profile's mfa_process are each one more
/// implementation.
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

/// The terminal driver, and every driver that asks a person (the dialogs): asks "Enter MFA code
/// for ARN: " on a Prompt, again (up to three times) when what was typed is not 6 digits, and
/// again when AWS refused a code.
class PromptMfaSource final : public MfaCodeSource {
  public:
    explicit PromptMfaSource(Prompt& prompt) : m_prompt(prompt) {}
    Result<Secret> code_for(std::string_view serial) override;
    bool ask_again(std::string_view serial) override;

  private:
    Prompt& m_prompt;
};

/// Runs a program (argv, no shell) with stdout captured: platform's run_capture with the
/// command's environment, or a fake in tests. Abstract so the drivers are tested without the
/// programs they run.
using RunProgram = std::function<Result<CapturedOutput>(const std::vector<std::string>& argv)>;

/// aws-vault's ykman settings (app/settings reads them: SESAME_YKMAN_*).
struct YkmanOptions {
    std::string credential_name;  ///< the OATH account; empty: the MFA device's serial (ARN)
    std::string device_serial;    ///< which YubiKey (ykman --device); empty: the one plugged in
    int major_version = 4;        ///< 1 to 3: `ykman oath code`; 4 and later: `oath accounts code`
};

/// What a driver is made with.
struct DriverContext {
    Prompt& terminal;
    RunProgram run;
    /// DISPLAY or WAYLAND_DISPLAY is set: a dialog program (zenity, kdialog) can open a window.
    bool display = false;
    YkmanOptions ykman = {};
};

/// A prompt driver: how `--prompt NAME` (SESAME_PROMPT, aws-vault's AWS_VAULT_PROMPT) names it.
struct PromptDriver {
    std::string_view name;
    std::string_view summary;
    /// The program it runs (empty for the terminal): auto chooses a dialog only when installed.
    std::string_view program = {};
    /// A GUI dialog that auto may choose when there is no terminal but a display.
    bool automatic = false;
    /// The Prompt its questions are asked on, the vault passphrase's included; unset: the terminal.
    std::function<std::unique_ptr<Prompt>(DriverContext&)> make_prompt = {};
    /// Its own MFA source (ykman); unset: PromptMfaSource on its Prompt.
    std::function<std::unique_ptr<MfaCodeSource>(DriverContext&)> make_mfa = {};
};

/// The registry: every driver sesame has, the terminal first. A driver is one file defining its
/// entry (`PromptDriver zenity_driver()`) and one line here.
const std::vector<PromptDriver>& prompt_drivers();

/// A driver made: the Prompt it asks on (null: it asks on the terminal) and its MFA source.
struct MadeDriver {
    const PromptDriver* driver = nullptr;
    std::unique_ptr<Prompt> prompt;
    std::unique_ptr<MfaCodeSource> mfa;
};

/// The driver called `name`; an unknown name is an error listing the drivers (did you mean ...?).
Result<MadeDriver> make_prompt_driver(std::string_view name, DriverContext& context);

/// What the automatic choice looks at.
struct PromptSurroundings {
    bool terminal = false;  ///< /dev/tty opens
    bool display = false;   ///< DISPLAY or WAYLAND_DISPLAY is set
    /// Whether a program is on PATH.
    std::function<bool(std::string_view program)> installed = [](std::string_view) { return false; };
};

/// SESAME_PROMPT's value to a driver's name. A driver's name is itself. "auto" (the default) is
/// the terminal when there is one; without one but with a display (an IDE running
/// credential_process, a desktop launcher) the first automatic dialog installed (zenity, then
/// kdialog); else nothing: an error naming --prompt and mfa_process, which the caller reports
/// only when a code is actually needed (MfaUnavailable).
Result<std::string_view> choose_prompt_driver(std::string_view setting, const PromptSurroundings& around);

/// The MFA source when no driver can ask: every code_for is `why`, with the serial.
class MfaUnavailable final : public MfaCodeSource {
  public:
    explicit MfaUnavailable(Error why) : m_why(std::move(why)) {}
    Result<Secret> code_for(std::string_view serial) override;

  private:
    Error m_why;
};

}  // namespace sesame
