#include "app/user_key.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include "config/config_editor.hpp"
#include "platform/files.hpp"

namespace sesame {

Result<UserKey> user_key(Context& ctx, const std::string& name) {
    auto profile = ctx.resolve(name);
    if (!profile) return std::unexpected(profile.error());
    auto stored = ctx.stored_key_profiles();  // already loaded by resolve()
    if (!stored) return std::unexpected(stored.error());
    for (const ProfileConfig* p = &*profile; p; p = p->source.get()) {
        if (!stored->count(p->name)) continue;
        auto key = ctx.store().key(p->name);
        if (!key) return std::unexpected(key.error());
        if (!*key) continue;  // removed meanwhile
        UserKey out{*profile, p->name, {}};
        out.credentials.access_key_id = std::move((*key)->access_key_id);
        out.credentials.secret_access_key = std::move((*key)->secret_access_key);
        return out;
    }
    return fail(fmt::format("profile \"{}\" has no stored key along its source_profile chain", name),
                fmt::format("this needs an IAM user's key: sesame add {}", name));
}

Result<void> set_config_key(Context& ctx, const std::string& profile, const std::string& key,
                            const std::string& value) {
    auto config = ctx.config();
    if (!config) return std::unexpected(config.error());
    const std::string path = (*config)->paths().config;
    auto edited =
        ctx.edit_config([&](const std::optional<std::string>& text) -> Result<std::optional<std::string>> {
            auto out = set_profile_key(text.value_or(""), profile, key, value, path);
            if (!out) return std::unexpected(out.error());
            return std::optional<std::string>(std::move(*out));
        });
    if (!edited) return std::unexpected(edited.error());
    return {};
}

}  // namespace sesame
