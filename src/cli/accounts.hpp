#pragma once

#include <string>
#include <vector>

#include "app/credential_service.hpp"
#include "cli/command.hpp"

namespace sesame {

CommandRun declare_accounts(CommandFlags& flags);

/// `sesame accounts [PROFILE]`: the organization's accounts (id, name, status), read with the
/// profile's credentials (organizations:ListAccounts, every page).
Result<int> run_accounts(const CredentialRequest& request, Context& ctx);

}  // namespace sesame
