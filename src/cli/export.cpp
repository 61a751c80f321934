#include "cli/export.hpp"

#include <memory>

#include "app/refresh_options.hpp"
#include "app/settings.hpp"
#include "cli/credential_flags.hpp"
#include "cli/exec.hpp"
#include "config/kept_credentials.hpp"
#include "shell/export_format.hpp"

namespace sesame {

CommandRun declare_export(CommandFlags& flags) {
    auto options = std::make_shared<ExportOptions>();
    declare_credential_flags(flags, options->credentials, AccountFlags::With);
    flags.option_with_default("--format", options->format, "FORMAT",
                              "env, export-env, json, ini, fish or powershell",
                              {"env", "export-env", "json", "ini", "fish", "powershell"});
    flags.flag("--refresh", options->refresh,
               "Again for this shell: the profile and flags it was started with (SESAME_PROFILE, "
               "SESAME_REFRESH_OPTIONS); what its aws and sesame-refresh run");
    flags.option("--section", options->section, "NAME",
                 "with --format ini: the section name to write (default: the profile's)");
    flags.example("Example: eval \"$(sesame export admin --format export-env)\"");
    return [options](Context& ctx, const std::vector<std::string>& after_dashes) -> Result<int> {
        if (!after_dashes.empty()) return std::unexpected(Error{"export takes no command after --", "", 2});
        return run_export(*options, ctx);
    };
}

namespace {

/// The request of the shell being refreshed, from its environment.
Result<CredentialRequest> refresh_request(const CredentialRequest& given, const Env& env) {
    const CredentialRequest defaults;
    if (!given.profile.empty() || !given.duration.empty() || given.no_session || !given.region.empty() ||
        given.account || given.role != defaults.role)
        return fail("--refresh takes the profile and the flags the shell was started with",
                    "give no profile, --duration, --no-session, --region, --account or --role with it");
    auto profile = text_setting(env, "SESAME_PROFILE");
    if (!profile) return std::unexpected(std::move(profile.error()));
    if (!*profile || (*profile)->empty())
        return fail("--refresh: SESAME_PROFILE is not set, so this shell's credentials are not sesame's",
                    "name the profile instead: sesame export PROFILE");
    CredentialRequest request;
    request.profile = **profile;
    request.mfa_token = given.mfa_token;
    auto options = text_setting(env, "SESAME_REFRESH_OPTIONS");
    if (!options) return std::unexpected(std::move(options.error()));
    auto applied = apply_refresh_options(options->value_or(""), request);
    if (!applied) return std::unexpected(std::move(applied.error()));
    return request;
}

}  // namespace

Result<int> run_export(const ExportOptions& options, Context& ctx) {
    // Check the format before anything asks for a passphrase or an MFA code.
    auto format = parse_export_format(options.format);
    if (!format) return std::unexpected(format.error());
    if (!options.section.empty()) {
        if (*format != ExportFormat::Ini)
            return fail("--section is for --format ini only", "add --format ini, or leave out --section");
        SESAME_TRY(check_section_name(options.section, "--section"));
    }
    CredentialRequest request = options.credentials;
    if (options.refresh) {
        auto again = refresh_request(options.credentials, ctx.env());
        if (!again) return std::unexpected(std::move(again.error()));
        request = std::move(*again);
    }
    auto obtained = obtain_credentials(ctx, request);
    if (!obtained) return std::unexpected(obtained.error());
    ctx.out(render_export(*format, obtained->credentials, obtained->region,
                          options.section.empty() ? obtained->profile : options.section,
                          labels_of(*obtained)));
    return 0;
}

}  // namespace sesame
