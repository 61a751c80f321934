#pragma once

#include <string>

#include "app/credential_service.hpp"
#include "cli/command.hpp"

namespace sesame {

struct LoginOptions {
    CredentialRequest credentials;  ///< -d is the console session's length
    std::string path;               ///< --path: the console page, e.g. "/s3/home"
    bool print_url = false;         ///< --stdout: print the sign-in URL instead of opening it
};

CommandRun declare_login(CommandFlags& flags);

/// `sesame login`: signs a browser in to the AWS console as the profile, through the sign-in
/// federation endpoint (SESAME_FEDERATION_URL overrides it). A role session is used as it is; an
/// IAM user gets a GetFederationToken session, which is the one user session the console takes.
Result<int> run_login(const LoginOptions& options, Context& ctx);

}  // namespace sesame
