#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/credential_service.hpp"
#include "app/endpoint_session.hpp"
#include "cli/command.hpp"
#include "shell/export_format.hpp"

namespace sesame {

struct ExecOptions {
    CredentialRequest credentials;
    std::vector<std::string> command;         ///< empty: $SHELL, else /bin/sh
    std::optional<EndpointOptions> endpoint;  ///< --ecs-server / --ec2-server
};

/// The command is its "command" arguments followed by the words after "--".
CommandRun declare_exec(CommandFlags& flags);

/// `sesame exec`: replaces this process with the command, credentials in its environment.
/// Returns only when it could not (the error says why). With an endpoint, sesame instead stays
/// as the parent serving credentials, forwards signals, and returns the child's exit code.
Result<int> run_exec(const ExecOptions& options, Context& ctx);

/// The child's environment: the parent's, minus every variable that could make an SDK pick other
/// credentials or a profile (AWS_PROFILE, AWS_DEFAULT_PROFILE, stale keys,
/// tokens and expirations, endpoint variables — also those inherited from an enclosing sesame
/// shell), plus `extra` (the new credentials, or an endpoint's variables).
std::map<std::string, std::string> child_environment(
    const Env& parent, const std::vector<std::pair<std::string, std::string>>& extra);

/// What exec, shell and export tell the command besides the credentials: the account for the
/// prompt, the flags for the shell's refresh.
SessionLabels labels_of(const ObtainedCredentials& obtained);

}  // namespace sesame
