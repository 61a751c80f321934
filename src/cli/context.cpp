#include "cli/context.hpp"

namespace sesame {

Context::Context(Env env, const Clock& clock, Prompt& prompt, Log log, Writer out, HttpFactory http)
    : m_env(std::move(env)),
      m_clock(clock),
      m_prompt(prompt),
      m_log(std::move(log)),
      m_out(std::move(out)),
      m_http(std::move(http)) {}

std::string vault_dir(const Env& env) {
    if (auto d = env.get("SESAME_FILE_DIR")) return *d;
    if (auto x = env.get("XDG_DATA_HOME")) return *x + "/sesame";
    return env.home() + "/.local/share/sesame";
}

Result<const AwsConfig*> Context::config() {
    if (!m_config) {
        auto loaded = AwsConfig::load(config_paths(m_env));
        if (!loaded) return std::unexpected(loaded.error());
        m_config = std::move(*loaded);
    }
    return &*m_config;
}

FileVault& Context::vault() {
    if (!m_vault) {
        std::string dir = vault_dir(m_env);
        m_passphrase = std::make_unique<PromptPassphrase>(m_env, m_prompt, dir + "/vault.sesame");
        m_vault = std::make_unique<FileVault>(dir, *m_passphrase, m_clock);
    }
    return *m_vault;
}

Result<std::set<std::string>> Context::stored_key_profiles() {
    if (!m_key_profiles) {
        std::set<std::string> names;
        if (vault().exists()) {
            auto data = vault().load();
            if (!data) return std::unexpected(data.error());
            for (const auto& [name, key] : data->keys) names.insert(name);
        }
        m_key_profiles = std::move(names);
    }
    return *m_key_profiles;
}

}  // namespace sesame
