#pragma once

#include <string>
#include <vector>

#include "aws/organizations.hpp"
#include "prompt/prompt.hpp"

namespace sesame {

/// The account an `--account` value means: a 12-digit id as is; otherwise the account whose name
/// matches (exactly, else case-insensitively, else as the only one containing it). An empty
/// value asks with a picker on the terminal (type to filter, a number to choose).
Result<OrganizationAccount> pick_account(const std::vector<OrganizationAccount>& accounts,
                                         const std::string& value, Prompt& prompt);

}  // namespace sesame
