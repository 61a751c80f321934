#include "app/import_keys.hpp"

#include <fmt/format.h>

#include "app/key_service.hpp"
#include "config/config_editor.hpp"
#include "config/file_keys.hpp"
#include "util/strings.hpp"

namespace sesame {

Result<std::vector<ImportedKey>> import_file_keys(Context& ctx, const std::vector<std::string>& profiles,
                                                  bool dry_run) {
    auto config = ctx.config();
    if (!config) return std::unexpected(config.error());
    std::vector<std::string> names = profiles;
    if (names.empty()) {
        for (const auto& name : (*config)->profile_names())
            if (has_file_keys(**config, name)) names.push_back(name);
        if (names.empty())
            return fail(fmt::format("no profile has keys in {} or {}", (*config)->paths().credentials,
                                    (*config)->paths().config),
                        "store keys with: sesame add PROFILE");
    }
    // Check every profile before changing anything.
    struct Found {
        std::string profile;
        FileKeys keys;
    };
    std::vector<Found> found;
    for (const auto& name : names) {
        auto keys = file_keys(**config, name);
        if (!keys) return std::unexpected(keys.error());
        if (!*keys) {
            std::vector<std::string> with_keys;
            for (const auto& n : (*config)->profile_names())
                if (has_file_keys(**config, n)) with_keys.push_back(n);
            std::string guess = closest_match(name, with_keys);
            return fail(fmt::format("profile \"{}\" has no keys in {} or {}", name,
                                    (*config)->paths().credentials, (*config)->paths().config),
                        guess.empty() ? "sesame import with no name moves every profile's keys"
                                      : fmt::format("did you mean \"{}\"?", guess));
        }
        found.push_back({name, std::move(**keys)});
    }

    std::vector<ImportedKey> report;
    KeyService service(ctx);
    for (auto& [profile, keys] : found) {
        ImportedKey r{profile, keys.credentials.access_key_id, fmt::format("{}:{}", keys.file, keys.line)};
        if (keys.credentials.is_temporary()) {
            r.outcome = ImportedKey::Outcome::Skipped;
            r.why = "it is a session (aws_session_token), not a long-term key";
            report.push_back(std::move(r));
            continue;
        }
        auto stored = ctx.store().key(profile);
        if (!stored) return std::unexpected(stored.error());
        if (*stored && (*stored)->access_key_id != keys.credentials.access_key_id)
            return fail(fmt::format("profile \"{}\" has another key in sesame's store ({}) than in {} ({})",
                                    profile, redact((*stored)->access_key_id), r.from, redact(r.key_id)),
                        fmt::format("keep one: sesame remove {} then import again, or delete the lines in {}",
                                    profile, keys.file));
        r.outcome = *stored ? ImportedKey::Outcome::AlreadyStored : ImportedKey::Outcome::Moved;
        if (!dry_run) {
            if (!*stored) {
                auto put =
                    service.put(profile, keys.credentials.access_key_id, keys.credentials.secret_access_key);
                if (!put) return std::unexpected(put.error());
            }
            auto edited = ctx.edit_aws_file(
                keys.file, [&](const std::optional<std::string>& text) -> Result<std::optional<std::string>> {
                    if (!text) return std::optional<std::string>();
                    auto out = remove_profile_keys(*text, profile, k_file_key_names, keys.file,
                                                   !keys.in_credentials_file);
                    if (!out) return std::unexpected(out.error());
                    return std::optional<std::string>(std::move(*out));
                });
            if (!edited)
                return std::unexpected(
                    std::move(edited.error())
                        .context(fmt::format("the key of \"{}\" is in sesame's store now, but still in {}",
                                             profile, keys.file)));
        }
        report.push_back(std::move(r));
    }
    return report;
}

}  // namespace sesame
