#pragma once

#include <string>

#include "app/context.hpp"
#include "aws/credentials.hpp"
#include "cli/command.hpp"

namespace sesame {

CommandRun declare_mfa_devices(CommandFlags& flags);

/// `sesame mfa-devices [PROFILE]`: the IAM user's MFA devices (serial, type, enable date).
Result<int> run_mfa_devices(const std::string& profile, Context& ctx);

struct MfaSetupOptions {
    std::string profile;
    std::string qr_ink = "auto";  ///< auto|light|dark: which cells the QR draws (terminal theme)
};

CommandRun declare_mfa_setup(CommandFlags& flags);

/// `sesame mfa-setup PROFILE`: creates a virtual MFA device for the profile's IAM user, shows its
/// QR code and secret on the terminal, checks two consecutive codes locally (RFC 6238) until they
/// match, enables the device and writes mfa_serial into the config. If anything fails after the
/// device was created, the half-made device is deleted. The secret is never stored or logged.
Result<int> run_mfa_setup(const MfaSetupOptions& options, Context& ctx);

/// For `sesame add`: with the new key, look up the user's MFA devices; when the profile has no
/// mfa_serial, set it if there is exactly one, ask which if several (or list them when there is
/// no terminal). Problems are reported as warnings: the key is stored either way.
void discover_mfa_serial(const std::string& profile, const Credentials& key, Context& ctx);

}  // namespace sesame
