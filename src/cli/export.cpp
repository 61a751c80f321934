#include "cli/export.hpp"

#include "shell/export_format.hpp"

namespace sesame {

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
