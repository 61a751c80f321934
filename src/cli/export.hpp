#pragma once

#include <string>

#include "app/credential_service.hpp"
#include "cli/command.hpp"

namespace sesame {

struct ExportOptions {
    CredentialRequest credentials;
    std::string format = "env";  ///< env|export-env|json|ini|fish|powershell
    /// --refresh: the profile and flags come from SESAME_PROFILE and SESAME_REFRESH_OPTIONS,
    /// what the shell being refreshed was started with.
    bool refresh = false;
    /// --section: the ini format's section name instead of the profile's (a role profile written
    /// as [admin] would collide with [profile admin] in ~/.aws/config).
    std::string section;
};

CommandRun declare_export(CommandFlags& flags);

/// `sesame export`: prints credentials for eval, source, or credential_process (json). With
/// --refresh, obtains again what the shell it runs in holds (the init scripts' refresh); a
/// profile or a credential flag given with it is refused (-t aside).
Result<int> run_export(const ExportOptions& options, Context& ctx);

}  // namespace sesame
