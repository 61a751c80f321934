#include "app/import_aws_vault.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "app/aws_vault_items.hpp"
#include "app/key_service.hpp"
#include "platform/files.hpp"
#include "util/strings.hpp"
#include "vault/secret_service_holder.hpp"

namespace sesame {

Result<AwsVaultImport> import_aws_vault_keys(Context& ctx, AwsVaultKeyring& keyring,
                                             const std::vector<std::string>& profiles, bool dry_run) {
    AwsVaultImport result;
    result.source = keyring.describe();
    auto names = keyring.keys();
    if (!names) return std::unexpected(std::move(names.error()).context(result.source));
    std::vector<std::string> credentials;
    for (const auto& name : *names) {
        if (is_aws_vault_session_name(name))
            result.sessions.push_back(name);
        else if (is_aws_vault_oidc_name(name))
            ++result.sso_tokens;
        else
            credentials.push_back(name);
    }
    std::vector<std::string> wanted = profiles;
    if (wanted.empty()) {
        if (credentials.empty())
            return fail(
                fmt::format("{} holds no long-term keys{}", result.source,
                            result.sessions.empty() ? "" : " (only sessions, which are not imported)"),
                "name another with --aws-vault-backend, or see `sesame import --help`");
        wanted = credentials;
    }
    for (const auto& name : wanted) {
        if (std::ranges::find(credentials, name) == credentials.end()) {
            std::string guess = closest_match(name, credentials);
            return fail(fmt::format("{} has no key for profile \"{}\"", result.source, name),
                        guess.empty() ? "sesame import --from aws-vault with no name imports every key"
                                      : fmt::format("did you mean \"{}\"?", guess));
        }
    }

    // Read every item first: a wrong passphrase (or a failing gpg) stores nothing.
    std::vector<std::pair<ImportedKey, std::optional<AwsVaultCredentials>>> read;
    for (const auto& name : wanted) {
        ImportedKey r;
        r.profile = name;
        r.from = result.source;
        auto item = keyring.get(name);
        if (!item)
            return std::unexpected(std::move(item.error()).context(fmt::format("profile \"{}\"", name)));
        auto parsed = parse_aws_vault_item(*item);
        if (!parsed) {
            r.outcome = ImportedKey::Outcome::Skipped;
            r.why = fmt::format("its item cannot be read: {}", parsed.error().message);
            read.emplace_back(std::move(r), std::nullopt);
            continue;
        }
        r.key_id = parsed->access_key_id;
        if (parsed->has_session_token) {
            r.outcome = ImportedKey::Outcome::Skipped;
            r.why = "it holds a session (a session token), not a long-term key";
            read.emplace_back(std::move(r), std::nullopt);
            continue;
        }
        read.emplace_back(std::move(r), std::move(*parsed));
    }

    KeyService service(ctx);
    for (auto& [r, creds] : read) {
        if (creds) {
            auto stored = ctx.store().key(r.profile);
            if (!stored) return std::unexpected(stored.error());
            if (*stored && (*stored)->access_key_id != creds->access_key_id) {
                r.outcome = ImportedKey::Outcome::Skipped;
                r.why = fmt::format(
                    "sesame's store holds another key for it ({}); to replace it: sesame remove {}, "
                    "then import again",
                    redact((*stored)->access_key_id), r.profile);
            } else if (*stored) {
                r.outcome = ImportedKey::Outcome::AlreadyStored;
            } else if (!dry_run) {
                auto put = service.put(r.profile, creds->access_key_id, creds->secret_access_key);
                if (!put)
                    return std::unexpected(
                        std::move(put.error()).context(fmt::format("profile \"{}\"", r.profile)));
            }
        }
        result.keys.push_back(std::move(r));
    }
    return result;
}

Result<std::unique_ptr<AwsVaultKeyring>> open_aws_vault_keyring(Context& ctx, const std::string& backend) {
    auto where = aws_vault_locations(ctx.env());
    if (!where) return std::unexpected(where.error());
    std::string kind = backend.empty() ? where->backend : backend;
    if (kind.empty()) {
        auto files = list_files(where->file_dir, false);
        auto pass_root =
            where->pass_prefix.empty() ? where->pass_dir : where->pass_dir + "/" + where->pass_prefix;
        auto pass_files = list_files(pass_root, true);
        if (files && *files && !(*files)->empty())
            kind = "file";
        else if (pass_files && *pass_files && !(*pass_files)->empty())
            kind = "pass";
        else if (!SecretServiceKeyHolder::unavailable())
            kind = "secret-service";  // its collection is looked for there
        else
            return fail(
                fmt::format("found no aws-vault store: nothing in {} (its file store) or {} (its pass store)",
                            where->file_dir, pass_root),
                "name the store with --aws-vault-backend file|pass, and its place with aws-vault's "
                "variables (AWS_VAULT_FILE_DIR, AWS_VAULT_PASS_PASSWORD_STORE_DIR, AWS_VAULT_PASS_PREFIX)");
    }
    ctx.log().debug(fmt::format("import: reading aws-vault's {} store", kind));
    if (kind == "file") {
        AwsVaultPassphrase passphrase{ctx.aws_vault_passphrase(), &ctx.prompt()};
        return std::unique_ptr<AwsVaultKeyring>(
            std::make_unique<AwsVaultFileKeyring>(where->file_dir, std::move(passphrase)));
    }
    if (kind == "pass") {
        return std::unique_ptr<AwsVaultKeyring>(std::make_unique<AwsVaultPassKeyring>(
            where->pass_dir, where->pass_prefix, where->pass_cmd, ctx.env().all(),
            [](const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
                return run_capture(argv, env);
            }));
    }
    if (kind == "secret-service")
        return std::unique_ptr<AwsVaultKeyring>(
            std::make_unique<AwsVaultSecretServiceKeyring>(where->secret_service_collection));
    return fail(
        fmt::format(
            "aws-vault's {} backend cannot be read by sesame (it reads file, pass and secret-service)", kind),
        "copy each key over with aws-vault itself: aws-vault exec --no-session PROFILE -- sesame add "
        "PROFILE --env");
}

}  // namespace sesame
