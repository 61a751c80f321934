#pragma once

#include <string>

#include "cli/credentials.hpp"

namespace sesame {

struct ExportOptions {
    CredentialRequest credentials;
    std::string format = "env";  ///< env|export-env|json|ini|fish|powershell
};

/// `sesame export`: prints credentials for eval, source, or credential_process (json).
Result<int> run_export(const ExportOptions& options, Context& ctx);

}  // namespace sesame
