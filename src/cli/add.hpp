#pragma once

#include <string>

#include "app/context.hpp"
#include "cli/command.hpp"

namespace sesame {

struct AddOptions {
    std::string profile;
    bool from_env = false;          ///< --env: take AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
    bool no_mfa_discovery = false;  ///< --no-mfa-discovery: do not look up the user's MFA devices
};

/// `sesame add`: stores a long-term key in the vault and makes sure the config has a section
/// for the profile (appended; the rest of the file is kept byte for byte).
Result<int> run_add(const AddOptions& options, Context& ctx);
CommandRun declare_add(CommandFlags& flags);

/// Checks the shape of an access key id (20+ upper-case letters and digits, AKIA… for IAM users).
Result<void> check_access_key_id(const std::string& id);

/// Returns `text` with a `[profile NAME]` (or `[default]`) section appended, or nullopt if the
/// section already exists.
std::optional<std::string> with_profile_section(const std::string& text, const std::string& profile,
                                                const AwsConfig& config);

}  // namespace sesame
