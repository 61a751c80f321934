#include "app/key_sources.hpp"

#include <fmt/format.h>

#include "config/file_keys.hpp"
#include "providers/static_provider.hpp"
#include "providers/vault_keys_provider.hpp"
#include "util/strings.hpp"

namespace sesame {

namespace {

/// Keys read from a file: each time they are used to make a session, the user is told once
/// that they sit in clear, and how to move them.
class ClearKeysProvider final : public CredentialsProvider {
  public:
    ClearKeysProvider(Credentials keys, std::string profile, std::string where, const Log& log)
        : m_keys(std::move(keys)), m_profile(std::move(profile)), m_where(std::move(where)), m_log(log) {}
    Result<Credentials> retrieve() override {
        if (!m_told) {
            m_told = true;
            m_log.warn(fmt::format(
                "profile \"{}\" uses the long-term key in {}, which sits there in clear; move it into "
                "sesame's encrypted store with: sesame import {}",
                m_profile, m_where, m_profile));
        }
        return m_keys;
    }
    std::string describe() const override { return "long-term key in " + m_where; }

  private:
    Credentials m_keys;
    std::string m_profile, m_where;
    const Log& m_log;
    bool m_told = false;
};

}  // namespace

std::optional<Credentials> long_term_environment_keys(const std::map<std::string, std::string>& keys) {
    auto get = [&](const char* name) {
        auto it = keys.find(name);
        return it == keys.end() ? std::string() : it->second;
    };
    if (get("AWS_ACCESS_KEY_ID").empty() || get("AWS_SECRET_ACCESS_KEY").empty()) return std::nullopt;
    if (!get("AWS_SESSION_TOKEN").empty() || !get("AWS_SECURITY_TOKEN").empty()) return std::nullopt;
    Credentials c;
    c.access_key_id = get("AWS_ACCESS_KEY_ID");
    c.secret_access_key = Secret(get("AWS_SECRET_ACCESS_KEY"));
    return c;
}

void KeySources::use_environment_for(std::string profile, Credentials keys) {
    m_env_profile = std::move(profile);
    m_env_keys = std::move(keys);
}

bool KeySources::has(const std::string& profile) const {
    return m_stored.count(profile) > 0 || (m_env_keys && profile == m_env_profile) ||
           has_file_keys(m_config, profile);
}

std::string KeySources::where(const std::string& profile) const {
    if (m_stored.count(profile)) return "sesame's store";
    if (m_env_keys && profile == m_env_profile) return "AWS_ACCESS_KEY_ID";
    auto keys = file_keys(m_config, profile);
    if (keys && *keys) return fmt::format("{}:{}", (*keys)->file, (*keys)->line);
    return "";
}

Result<LongTermKeys> KeySources::open(const std::string& profile) const {
    if (m_stored.count(profile))
        return LongTermKeys{std::make_unique<VaultKeysProvider>(m_store, profile), "", false};
    if (m_env_keys && profile == m_env_profile) {
        m_log.debug(fmt::format("profile \"{}\": the long-term key {} in AWS_ACCESS_KEY_ID", profile,
                                redact(m_env_keys->access_key_id)));
        return LongTermKeys{
            std::make_unique<StaticProvider>(*m_env_keys, "long-term key in AWS_ACCESS_KEY_ID"),
            "key " + m_env_keys->access_key_id, false};
    }
    auto keys = file_keys(m_config, profile);
    if (!keys) return std::unexpected(keys.error());
    if (!*keys)
        return fail(fmt::format("no keys are stored for profile \"{}\"", profile),
                    fmt::format("add them with: sesame add {}", profile));
    std::string where = fmt::format("{}:{}", (*keys)->file, (*keys)->line);
    if ((*keys)->credentials.is_temporary())
        return LongTermKeys{
            std::make_unique<StaticProvider>(std::move((*keys)->credentials), "session in " + where), "",
            true};
    std::string id = "key " + (*keys)->credentials.access_key_id;
    return LongTermKeys{std::make_unique<ClearKeysProvider>(std::move((*keys)->credentials), profile,
                                                            std::move(where), m_log),
                        std::move(id), false};
}

}  // namespace sesame
