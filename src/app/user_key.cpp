#include "cli/aws_clients.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include "config/config_editor.hpp"
#include "config/endpoints.hpp"
#include "platform/files.hpp"

namespace sesame {

HttpClient& AwsClients::http() {
    if (!m_http) m_http = m_ctx.http_factory()();
    return *m_http;
}

Result<Iam*> AwsClients::iam() {
    if (!m_iam) {
        auto config = m_ctx.config();
        if (!config) return std::unexpected(config.error());
        m_iam_api = std::make_unique<QueryApi>(http(), m_ctx.clock(),
                                               resolve_endpoint("iam", m_profile, **config, m_ctx.env()),
                                               RetryPolicy{}, QueryApi::real_sleep, m_ctx.log().debug_fn());
        m_iam = std::make_unique<Iam>(*m_iam_api);
    }
    return m_iam.get();
}

Result<Organizations*> AwsClients::organizations() {
    if (!m_org) {
        auto config = m_ctx.config();
        if (!config) return std::unexpected(config.error());
        m_org_api = std::make_unique<JsonApi>(
            http(), m_ctx.clock(), resolve_endpoint("organizations", m_profile, **config, m_ctx.env()),
            RetryPolicy{}, RetryingSender::real_sleep, m_ctx.log().debug_fn());
        m_org = std::make_unique<Organizations>(*m_org_api);
    }
    return m_org.get();
}

Result<UserKey> user_key(Context& ctx, const std::string& name) {
    auto profile = ctx.resolve(name);
    if (!profile) return std::unexpected(profile.error());
    auto stored = ctx.stored_key_profiles();  // already loaded by resolve()
    if (!stored) return std::unexpected(stored.error());
    for (const ProfileConfig* p = &*profile; p; p = p->source.get()) {
        if (!stored->count(p->name)) continue;
        auto data = ctx.vault().load();
        if (!data) return std::unexpected(data.error());
        const StoredKey& key = data->keys.at(p->name);
        UserKey out{*profile, p->name, {}};
        out.credentials.access_key_id = key.access_key_id;
        out.credentials.secret_access_key = key.secret_access_key;
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
