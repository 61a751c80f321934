#include "cli/export.hpp"

#include <memory>

#include "cli/credential_flags.hpp"
#include "shell/export_format.hpp"

namespace sesame {

CommandRun declare_export(CommandFlags& flags) {
    auto options = std::make_shared<ExportOptions>();
    declare_credential_flags(flags, options->credentials, AccountFlags::With);
    flags.option_with_default("--format", options->format, "FORMAT",
                              "env, export-env, json, ini, fish or powershell",
                              {"env", "export-env", "json", "ini", "fish", "powershell"});
    flags.example("Example: eval \"$(sesame export admin --format export-env)\"");
    return [options](Context& ctx, const std::vector<std::string>& after_dashes) -> Result<int> {
        if (!after_dashes.empty()) return std::unexpected(Error{"export takes no command after --", "", 2});
        return run_export(*options, ctx);
    };
}

Result<int> run_export(const ExportOptions& options, Context& ctx) {
    // Check the format before anything asks for a passphrase or an MFA code.
    auto format = parse_export_format(options.format);
    if (!format) return std::unexpected(format.error());
    auto obtained = obtain_credentials(ctx, options.credentials);
    if (!obtained) return std::unexpected(obtained.error());
    ctx.out(render_export(*format, obtained->credentials, obtained->region, obtained->profile));
    return 0;
}

}  // namespace sesame
