#pragma once

#include <string>

#include "app/credential_service.hpp"
#include "cli/command.hpp"

namespace sesame {

struct ExportOptions {
    CredentialRequest credentials;
    std::string format = "env";  ///< env|export-env|json|ini|fish|powershell
    /// --section: the ini format's section name instead of the profile's (a role profile written
    /// as [admin] would collide with [profile admin] in ~/.aws/config).
    std::string section;
};

CommandRun declare_export(CommandFlags& flags);

/// `sesame export`: prints credentials for eval, source, or credential_process (json).
Result<int> run_export(const ExportOptions& options, Context& ctx);

}  // namespace sesame
