#pragma once

#include <map>
#include <string>
#include <vector>

#include "cli/credentials.hpp"

namespace sesame {

struct ExecOptions {
    CredentialRequest credentials;
    std::vector<std::string> command;  ///< empty: $SHELL, else /bin/sh
};

/// `sesame exec`: replaces this process with the command, credentials in its environment.
/// Returns only when it could not (the error says why).
Result<int> run_exec(const ExecOptions& options, Context& ctx);

/// The child's environment: the parent's, minus every variable that could make an SDK pick other
/// credentials or a profile (AWS_PROFILE, AWS_DEFAULT_PROFILE, AWS_SECURITY_TOKEN, stale keys,
/// tokens and expirations — also those inherited from an enclosing sesame shell), plus the new
/// credentials, region and SESAME_PROFILE.
std::map<std::string, std::string> child_environment(const Env& parent, const ObtainedCredentials& obtained);

}  // namespace sesame
