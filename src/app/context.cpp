#include "cli/context.hpp"

#include <fmt/format.h>

#include "cli/shell.hpp"
#include "util/time.hpp"
#include "vault/kernel_keyring.hpp"
#include "vault/key_agent.hpp"

namespace sesame {

Context::Context(Env env, const Clock& clock, Prompt& prompt, Log log, Writer out, HttpFactory http)
    : m_env(std::move(env)),
      m_clock(clock),
      m_prompt(prompt),
      m_log(std::move(log)),
      m_out(std::move(out)),
      m_http(std::move(http)) {
    // Out of the environment snapshot at once, before any thread starts: from here on the one
    // copy is in wiped memory, and nothing that copies the environment can copy it.
    if (auto p = m_env.take("SESAME_FILE_PASSPHRASE"); p && !p->empty())
        m_preset_passphrase = Secret(std::move(*p));
}

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
        if (m_config->indexed())
            m_log.debug(fmt::format("reading {} in parts, as its index in {} says", m_config->paths().config,
                                    m_config->paths().index_dir));
    }
    return &*m_config;
}

Result<std::chrono::seconds> Context::unlock_idle() const {
    auto ttl = m_env.get("SESAME_UNLOCK_TTL");
    if (!ttl) return std::chrono::seconds(3600);
    auto d = parse_duration(*ttl);
    if (!d) return std::unexpected(std::move(d.error()).context("SESAME_UNLOCK_TTL"));
    return *d;
}

KeyCache* Context::key_cache() {
    if (!m_key_cache_probed) {
        m_key_cache_probed = true;
        auto idle = unlock_idle();
        // SESAME_KEY_CACHE: keyring, agent, none, or (default) the keyring where the kernel
        // allows it, else the agent.
        const std::string choice = m_env.get_or("SESAME_KEY_CACHE", "auto");
        auto runtime = m_env.get("XDG_RUNTIME_DIR");
        if (!idle || idle->count() <= 0 || choice == "none") {
            // nothing is kept
        } else if (choice != "agent" && KernelKeyring::available()) {
            m_key_cache = std::make_unique<KernelKeyring>();
        } else if (choice != "keyring" && runtime && runtime->starts_with('/')) {
            m_key_cache = std::make_unique<AgentKeyCache>(
                *runtime + "/sesame", std::vector<std::string>{self_path(), "__agent", *runtime + "/sesame"});
        }
    }
    return m_key_cache.get();
}

FileVault& Context::vault() {
    if (!m_vault) {
        std::string dir = vault_dir(m_env);
        m_passphrase = std::make_unique<PromptPassphrase>(std::move(m_preset_passphrase), m_prompt,
                                                          dir + "/vault.sesame");
        FileVaultOptions options;
        options.key_cache = key_cache();
        // A bad SESAME_UNLOCK_TTL disables caching here; `sesame status` reports the error.
        options.unlock_idle = unlock_idle().value_or(std::chrono::seconds(0));
        // SESAME_LOCK_WAIT bounds how long a command waits for another that holds a prompt or a
        // refresh (default 5 minutes: someone may be typing an MFA code).
        if (auto wait = m_env.get("SESAME_LOCK_WAIT")) {
            if (auto d = parse_duration(*wait)) options.prompt_wait = *d;
        }
        m_vault = std::make_unique<FileVault>(dir, *m_passphrase, m_clock, options);
    }
    return *m_vault;
}

Result<std::set<std::string>> Context::stored_key_profiles() {
    if (!m_key_profiles) {
        std::set<std::string> names;
        auto data = vault().load();  // empty when there is no vault yet
        if (!data) return std::unexpected(data.error());
        for (const auto& [name, key] : data->keys) names.insert(name);
        m_key_profiles = std::move(names);
    }
    return *m_key_profiles;
}

Result<ProfileConfig> Context::resolve(const std::string& name) {
    auto config = this->config();
    if (!config) return std::unexpected(config.error());
    auto stored = stored_key_profiles();
    if (!stored) return std::unexpected(stored.error());
    ResolveOptions options;
    options.has_stored_keys = [&](const std::string& p) { return stored->count(p) > 0; };
    auto profile = resolve_profile(**config, m_env, name, options);
    if ((*config)->damaged()) {
        // Read in parts, the config may have shown only some of its sections: it was rewritten
        // meanwhile, or its index is damaged. Read it whole instead, and index it afresh.
        m_log.debug(fmt::format("{} or its index changed while read in parts; reading it whole",
                                (*config)->paths().config));
        ConfigPaths paths = (*config)->paths();
        config_index::forget(paths.index_dir, paths.config);
        auto reloaded = AwsConfig::load(paths);
        if (!reloaded) return std::unexpected(reloaded.error());
        m_config = std::move(*reloaded);
        profile = resolve_profile(*m_config, m_env, name, options);
    }
    return profile;
}

Result<bool> Context::edit_config(const TextEdit& edit) {
    auto loaded = config();
    if (!loaded) return std::unexpected(loaded.error());
    const std::string path = (*loaded)->paths().config;
    auto target = resolve_symlinks(path);
    if (!target) return std::unexpected(std::move(target.error()));
    auto dir = target->substr(0, target->find_last_of('/'));
    if (!dir.empty() && dir != *target) SESAME_TRY(ensure_private_dir(dir));
    // Serialises sesame's own edits: 40 concurrent `add`s each re-read what the others wrote.
    auto lock = vault().lock_named("edit " + *target);
    if (!lock) return std::unexpected(std::move(lock.error()));
    return edit_text_file(*target, edit, 0600);
}

}  // namespace sesame
