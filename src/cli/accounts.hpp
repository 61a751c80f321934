#pragma once

#include <string>
#include <vector>

#include "aws/organizations.hpp"
#include "cli/credentials.hpp"

namespace sesame {

/// `sesame accounts [PROFILE]`: the organization's accounts (id, name, status), read with the
/// profile's credentials (organizations:ListAccounts, every page).
Result<int> run_accounts(const CredentialRequest& request, Context& ctx);

/// The account an `--account` value means: a 12-digit id as is; otherwise the account whose name
/// matches (exactly, else case-insensitively, else as the only one containing it). An empty
/// value asks with a picker on the terminal (type to filter, a number to choose).
Result<OrganizationAccount> pick_account(const std::vector<OrganizationAccount>& accounts,
                                         const std::string& value, Prompt& prompt);

/// "aws", "aws-cn" or "aws-us-gov" for a region.
std::string partition_of(const std::string& region);

}  // namespace sesame
