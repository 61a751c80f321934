#pragma once

#include <string>

#include "app/context.hpp"
#include "cli/command.hpp"

namespace sesame {

struct ListOptions {
    bool json = false;
    bool names = false;        ///< only names from the config files, never opening the vault
    bool credentials = false;  ///< only the profiles with stored keys (aws-vault's --credentials)
    bool sessions = false;     ///< only the cached sessions, one a line (aws-vault's --sessions)
};

/// How `list` names a cached session: an AssumeRole session by its role and account
/// ("admin@123456789012"), any other by the STS call that made it ("GetSessionToken").
std::string session_label(const StoredSession& session);

/// `sesame list`: every profile known from the config, the credentials file and the vault, with
/// whether keys are stored, its MFA serial, and its cached sessions with time left.
Result<int> run_list(const ListOptions& options, Context& ctx);
CommandRun declare_list(CommandFlags& flags);

}  // namespace sesame
