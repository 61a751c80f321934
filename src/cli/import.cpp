#include "cli/import.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "app/import_aws_vault.hpp"
#include "app/import_keys.hpp"

namespace sesame {

namespace {

Result<int> run_import_aws_vault(const ImportOptions& options, Context& ctx) {
    if (!options.aws_vault_backend.empty() &&
        std::ranges::find(k_aws_vault_backends, options.aws_vault_backend) == std::end(k_aws_vault_backends))
        return fail(fmt::format("--aws-vault-backend {}: not one of file, pass, secret-service",
                                options.aws_vault_backend),
                    "", 2);
    auto keyring = open_aws_vault_keyring(ctx, options.aws_vault_backend);
    if (!keyring) return std::unexpected(keyring.error());
    auto report = import_aws_vault_keys(ctx, **keyring, options.profiles, options.dry_run);
    if (!report) return std::unexpected(report.error());
    const bool dry = options.dry_run;
    size_t copied = 0;
    for (const auto& r : report->keys) {
        using O = ImportedKey::Outcome;
        switch (r.outcome) {
            case O::Moved:
                ++copied;
                ctx.out(fmt::format("{}{}  {}\n", dry ? "would import  " : "imported      ", r.profile,
                                    redact(r.key_id)));
                break;
            case O::AlreadyStored:
                ctx.out(fmt::format("already stored {}  {}\n", r.profile, redact(r.key_id)));
                break;
            case O::Skipped:
                ctx.out(fmt::format("skipped       {}: {}\n", r.profile, r.why));
                break;
        }
    }
    if (!report->sessions.empty() || report->sso_tokens > 0) {
        std::string what;
        if (!report->sessions.empty())
            what = fmt::format("{} cached session{}", report->sessions.size(),
                               report->sessions.size() == 1 ? "" : "s");
        if (report->sso_tokens > 0)
            what += fmt::format("{}{} SSO token{}", what.empty() ? "" : " and ", report->sso_tokens,
                                report->sso_tokens == 1 ? "" : "s");
        ctx.out(fmt::format("not imported  {} (aws-vault's caches; sesame makes its own)\n", what));
    }
    ctx.out(fmt::format("{} {} from {}; it is left as it is.\n", dry ? "Would copy" : "Copied", copied,
                        report->source));
    return 0;
}

}  // namespace

CommandRun declare_import(CommandFlags& flags) {
    auto options = std::make_shared<ImportOptions>();
    flags.positional("profiles", options->profiles,
                     "Profiles whose keys to move (default: every one with keys)");
    flags.flag("-n,--dry-run", options->dry_run, "Say what would move; change nothing");
    flags.option_with_default(
        "--from", options->from, "SOURCE",
        "aws-files: ~/.aws/credentials and ~/.aws/config (the keys are taken out of them); aws-vault: "
        "aws-vault's store (copied; it is left as it is)",
        {"aws-files", "aws-vault"});
    flags.option("--aws-vault-backend", options->aws_vault_backend, "BACKEND",
                 "With --from aws-vault: its file store (AWS_VAULT_FILE_DIR, default ~/.awsvault/keys; "
                 "passphrase AWS_VAULT_FILE_PASSPHRASE or asked) or its pass store "
                 "(AWS_VAULT_PASS_PASSWORD_STORE_DIR, AWS_VAULT_PASS_PREFIX, AWS_VAULT_PASS_CMD). Default: "
                 "AWS_VAULT_BACKEND, else the one that exists, file first",
                 {"file", "pass"});
    flags.example(
        "Examples:\n  sesame import            (every key in ~/.aws/credentials)\n  sesame import default "
        "--dry-run\n  sesame import --from aws-vault --dry-run\n  sesame import --from aws-vault "
        "--aws-vault-backend pass work");
    return [options](Context& ctx, const std::vector<std::string>& after_dashes) -> Result<int> {
        if (!after_dashes.empty()) return std::unexpected(Error{"import takes no command after --", "", 2});
        return run_import(*options, ctx);
    };
}

Result<int> run_import(const ImportOptions& options, Context& ctx) {
    if (options.from == "aws-vault") return run_import_aws_vault(options, ctx);
    if (options.from != "aws-files")
        return fail(fmt::format("--from {}: not aws-files or aws-vault", options.from), "", 2);
    if (!options.aws_vault_backend.empty())
        return fail("--aws-vault-backend goes with --from aws-vault", "", 2);
    auto report = import_file_keys(ctx, options.profiles, options.dry_run);
    if (!report) return std::unexpected(report.error());
    for (const auto& r : *report) {
        using O = ImportedKey::Outcome;
        const std::string key = redact(r.key_id);
        switch (r.outcome) {
            case O::Moved:
                ctx.out(options.dry_run ? fmt::format("would move  {}  {} from {}\n", r.profile, key, r.from)
                                        : fmt::format("moved       {}  {} from {} into sesame's store\n",
                                                      r.profile, key, r.from));
                break;
            case O::AlreadyStored:
                ctx.out(fmt::format("{}{}  {} (already in sesame's store) from {}\n",
                                    options.dry_run ? "would remove " : "removed     ", r.profile, key,
                                    r.from));
                break;
            case O::Skipped:
                ctx.out(fmt::format("skipped     {}: {}\n", r.profile, r.why));
                break;
        }
    }
    return 0;
}

}  // namespace sesame
