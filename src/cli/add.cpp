#include "cli/add.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "app/key_service.hpp"
#include "cli/mfa.hpp"
#include "config/config_editor.hpp"
#include "platform/files.hpp"
#include "prompt/prompt.hpp"
#include "util/strings.hpp"

namespace sesame {

Result<void> check_access_key_id(const std::string& id) {
    bool shape =
        id.size() >= 16 && id.size() <= 128 &&
        std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isupper(c) || std::isdigit(c); });
    if (!shape) {
        // None of it is shown: what was typed may be the secret (the two swapped).
        const bool secret_like = id.size() == 40;
        return fail(
            fmt::format("what was given as the access key id ({} characters) does not look like one{}",
                        id.size(), secret_like ? ": it looks like a secret access key" : ""),
            secret_like ? "the key id comes first (AKIA..., 20 characters), then the secret"
                        : "an access key id is 20 upper-case letters and digits, starting with AKIA");
    }
    if (id.starts_with("ASIA")) {
        return fail("ASIA… keys are temporary credentials and cannot be stored",
                    "create a long-term access key for your IAM user and add that");
    }
    return {};
}

std::optional<std::string> with_profile_section(const std::string& text, const std::string& profile,
                                                const AwsConfig& config) {
    if (config.profile(profile)) return std::nullopt;
    std::string out = text;
    if (!out.empty() && out.back() != '\n') out.push_back('\n');
    if (!out.empty()) out.push_back('\n');
    out += profile_section_header(profile) + "\n";
    return out;
}

namespace {

Result<void> check_profile_name(const std::string& name) {
    bool bad = name.empty() || std::any_of(name.begin(), name.end(), [](unsigned char c) {
                   return c == '[' || c == ']' || c == '\n' || c == '\r' || std::iscntrl(c);
               });
    if (bad || trim(name) != name) {
        return fail(fmt::format("\"{}\" is not a usable profile name", name),
                    "use letters, digits, '-', '_', '.' or '@' (no brackets, no surrounding spaces)");
    }
    return {};
}

}  // namespace

Result<int> run_add(const AddOptions& options, Context& ctx) {
    SESAME_TRY(check_profile_name(options.profile));
    auto config = ctx.config();
    if (!config) return std::unexpected(config.error());
    const std::string& config_path = (*config)->paths().config;

    std::string key_id;
    Secret secret;
    if (options.from_env) {
        if (ctx.env().get("AWS_SESSION_TOKEN")) {
            return fail("AWS_SESSION_TOKEN is set: those are temporary credentials and cannot be stored",
                        "unset AWS_SESSION_TOKEN and export a long-term key");
        }
        auto id = ctx.env().get("AWS_ACCESS_KEY_ID");
        auto sec = ctx.env().get("AWS_SECRET_ACCESS_KEY");
        if (!id || !sec) {
            return fail("--env needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment");
        }
        key_id = *id;
        secret = Secret(std::move(*sec));
    } else {
        auto id = ctx.prompt().ask("Enter Access Key ID: ");
        if (!id && is_cancel(id.error())) return std::unexpected(std::move(id.error()));
        if (!id)
            return fail("no terminal to ask for the access key on",
                        "use --env with AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY");
        key_id = std::string(trim(*id));
        SESAME_TRY(check_access_key_id(key_id));
        auto sec = ctx.prompt().ask_secret("Enter Secret Access Key: ");
        if (!sec) return std::unexpected(sec.error());
        secret = Secret(std::string(trim(sec->reveal())));
    }
    SESAME_TRY(check_access_key_id(key_id));
    if (secret.empty() || secret.reveal().find_first_of(" \t\r\n") != std::string::npos) {
        return fail("the secret access key is empty or contains spaces",
                    "paste the 40-character secret exactly");
    }

    // A replaced key's sessions go with it (KeyService's one rule).
    auto stored = KeyService(ctx).put(options.profile, key_id, secret);
    if (!stored) return std::unexpected(std::move(stored.error()));
    const bool replaced = stored->replaced;
    ctx.out(fmt::format("{} credentials of profile \"{}\" in the vault ({})\n",
                        replaced ? "Replaced" : "Added", options.profile, redact(key_id)));

    // The section is added to the config as it is once the lock is held, so that concurrent
    // adds (and the user's own edits) are all kept.
    auto added =
        ctx.edit_config([&](const std::optional<std::string>& text) -> Result<std::optional<std::string>> {
            auto fresh = AwsConfig::parse(text.value_or(""), "", (*config)->paths());
            if (!fresh) return std::unexpected(fresh.error());
            return with_profile_section(text.value_or(""), options.profile, *fresh);
        });
    if (!added) {
        return fail(
            fmt::format("keys stored, but {} could not be updated: {}", config_path, added.error().message),
            fmt::format("add a [profile {}] section to it by hand", options.profile));
    }
    if (*added)
        ctx.out(fmt::format("Added [{}] to {}\n",
                            options.profile == "default" ? "default" : "profile " + options.profile,
                            config_path));
    if (!options.no_mfa_discovery) {
        Credentials key;
        key.access_key_id = key_id;
        key.secret_access_key = secret;
        discover_mfa_serial(options.profile, key, ctx);
    }
    return 0;
}

CommandRun declare_add(CommandFlags& flags) {
    auto options = std::make_shared<AddOptions>();
    flags.required_positional("profile", options->profile, "Profile name");
    flags.flag("--env", options->from_env,
               "Read AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment");
    flags.flag("--no-mfa-discovery", options->no_mfa_discovery,
               "Do not look up the user's MFA devices (to set mfa_serial)");
    flags.example("Example: AWS_ACCESS_KEY_ID=AKIA... AWS_SECRET_ACCESS_KEY=... sesame add alice --env");
    return [options](Context& ctx, const std::vector<std::string>&) { return run_add(*options, ctx); };
}

}  // namespace sesame
