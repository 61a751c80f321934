#pragma once

#include <string>

#include "app/credential_service.hpp"
#include "cli/command.hpp"

namespace sesame {

struct ExportOptions {
    CredentialRequest credentials;
    std::string format = "env";  ///< env|export-env|json|ini|fish|powershell
};

CommandRun declare_export(CommandFlags& flags);

/// `sesame export`: prints credentials for eval, source, or credential_process (json).
Result<int> run_export(const ExportOptions& options, Context& ctx);

}  // namespace sesame
