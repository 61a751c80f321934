#pragma once

#include "app/credential_service.hpp"
#include "cli/command.hpp"

namespace sesame {

/// Whether a command takes --account/--role (assume a role in an organization account).
enum class AccountFlags { Without, With };

/// The arguments of every command that obtains credentials, declared once: the profile, -d, -n,
/// --region, -t, and with AccountFlags::With, --account and --role.
void declare_credential_flags(CommandFlags& flags, CredentialRequest& request, AccountFlags account);

}  // namespace sesame
