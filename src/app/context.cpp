#include "app/context.hpp"

#include <fmt/format.h>

#include "app/settings.hpp"
#include "config/file_keys.hpp"
#include "platform/files.hpp"
#include "platform/process.hpp"
#include "prompt/mfa_process.hpp"
#include "util/strings.hpp"
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
    // Its own name first, then aws-vault's AWS_VAULT_FILE_PASSPHRASE (the settings row's order);
    // every one is taken out, the first that is set is used.
    const Setting* row = find_setting("SESAME_FILE_PASSPHRASE");
    auto keep = [&](std::string_view name) {
        auto p = m_env.take(std::string(name));
        if (!p || p->empty()) return;
        // aws-vault's own variable is also its file store's passphrase (import --from aws-vault).
        Secret value(std::move(*p));
        if (name == "AWS_VAULT_FILE_PASSPHRASE") m_aws_vault_passphrase = value;
        if (!m_preset_passphrase) m_preset_passphrase = std::move(value);
    };
    keep(row->name);
    for (const auto& alias : row->aliases) keep(alias.name);
}

std::string vault_dir(const Env& env) {
    // check_settings (cli/app.cpp) has refused a bad SESAME_FILE_DIR before any command ran.
    if (auto d = text_setting(env, "SESAME_FILE_DIR").value()) return *d;
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
    return duration_setting(m_env, "SESAME_UNLOCK_TTL");
}

KeyCache* Context::key_cache() {
    if (!m_key_cache_probed) {
        m_key_cache_probed = true;
        auto idle = unlock_idle();
        // SESAME_KEY_CACHE: keyring, agent, none, or (default) the keyring where the kernel
        // allows it, else the agent.
        // check_settings (cli/app.cpp) has refused a bad value before any command ran.
        const std::string choice = choice_setting(m_env, "SESAME_KEY_CACHE").value();
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

namespace {

/// The prompt driver's MFA source, chosen when a code is first asked for: a cached `exec` never
/// looks for a terminal, a display or a dialog program.
class ChosenMfaSource final : public MfaCodeSource {
  public:
    explicit ChosenMfaSource(std::function<MfaCodeSource&()> chosen) : m_chosen(std::move(chosen)) {}
    Result<Secret> code_for(std::string_view serial) override { return m_chosen().code_for(serial); }
    bool ask_again(std::string_view serial) override { return m_chosen().ask_again(serial); }

  private:
    std::function<MfaCodeSource&()> m_chosen;
};

/// The prompt driver's Prompt (a dialog, or the terminal), chosen when the vault first asks.
class ChosenPrompt final : public Prompt {
  public:
    explicit ChosenPrompt(std::function<Prompt&()> chosen) : m_chosen(std::move(chosen)) {}
    Result<std::string> ask(std::string_view question) override { return m_chosen().ask(question); }
    Result<Secret> ask_secret(std::string_view question) override { return m_chosen().ask_secret(question); }
    void tell(std::string_view message) override { m_chosen().tell(message); }
    bool can_ask() override { return m_chosen().can_ask(); }

  private:
    std::function<Prompt&()> m_chosen;
};

bool is_set(const Env& env, const char* name) {
    auto v = env.get(name);
    return v && !v->empty();
}

}  // namespace

Result<MadeDriver> Context::make_driver(std::string_view name) {
    YkmanOptions ykman;
    // check_settings (cli/app.cpp) has refused a bad value of each before any command ran.
    ykman.credential_name = text_setting(m_env, "SESAME_YKMAN_OATH_CREDENTIAL_NAME").value().value_or("");
    ykman.device_serial = text_setting(m_env, "SESAME_YKMAN_OATH_DEVICE_SERIAL").value().value_or("");
    ykman.major_version = std::stoi(choice_setting(m_env, "SESAME_YKMAN_VERSION").value());
    // A driver's command line holds a question or an account name, never a secret: --debug shows it.
    RunProgram run = [this](const std::vector<std::string>& argv) {
        m_log.debug("prompt driver: running " + join(argv, " "));
        return run_capture(argv, m_env.all());
    };
    DriverContext context{m_prompt, std::move(run),
                          is_set(m_env, "DISPLAY") || is_set(m_env, "WAYLAND_DISPLAY"), std::move(ykman)};
    return make_prompt_driver(name, context);
}

MadeDriver& Context::driver() {
    if (!m_driver) {
        // SESAME_PROMPT (--prompt, aws-vault's AWS_VAULT_PROMPT): "auto" or a registered driver
        // (a unit test holds the choices and the registry equal); check_settings has refused any other.
        const std::string setting = choice_setting(m_env, "SESAME_PROMPT").value();
        PromptSurroundings around;
        around.terminal = setting == "auto" && m_prompt.can_ask();
        around.display = is_set(m_env, "DISPLAY") || is_set(m_env, "WAYLAND_DISPLAY");
        around.installed = [&](std::string_view program) {
            return find_program(std::string(program), m_env.get_or("PATH", "/usr/local/bin:/usr/bin:/bin"))
                .has_value();
        };
        auto name = choose_prompt_driver(setting, around);
        auto made = name ? make_driver(*name) : std::unexpected(name.error());
        if (made) {
            m_log.debug(fmt::format("prompt driver: {} (SESAME_PROMPT={})", made->driver->name, setting));
            m_driver = std::move(*made);
        } else {
            m_log.debug(
                fmt::format("prompt driver: none (SESAME_PROMPT={}): {}", setting, made.error().message));
            m_driver.emplace();
            m_driver->mfa = std::make_unique<MfaUnavailable>(std::move(made.error()));
        }
    }
    return *m_driver;
}

MfaCodeSource& Context::mfa_source() {
    if (m_mfa_source) return *m_mfa_source;
    if (!m_chosen_mfa)
        m_chosen_mfa =
            std::make_unique<ChosenMfaSource>([this]() -> MfaCodeSource& { return *driver().mfa; });
    return *m_chosen_mfa;
}

MfaCodeSource& Context::mfa_source_for(const ProfileConfig& profile) {
    for (const ProfileConfig* p = &profile; p; p = p->source.get()) {
        if (p->mfa_process.empty()) continue;
        auto& source = m_mfa_processes[p->name];
        if (!source) {
            const std::string name = p->name;
            // The command is not logged: it may hold a secret (oathtool --totp -b SEED).
            RunProgram run = [this, name](const std::vector<std::string>& argv) {
                m_log.debug(fmt::format("running the mfa_process of profile \"{}\"", name));
                return run_capture(argv, m_env.all());
            };
            source = std::make_unique<ProcessMfaSource>(p->name, p->mfa_process, std::move(run));
        }
        return *source;
    }
    return mfa_source();
}

Result<MadeDriver> Context::named_prompt_driver() {
    const std::string setting = choice_setting(m_env, "SESAME_PROMPT").value();
    if (setting == "auto" || setting == "terminal") return MadeDriver{};
    return make_driver(setting);
}

std::string backend_marker_path(const Env& env) {
    return vault_dir(env) + "/backend";
}

Result<std::string> Context::backend_name() const {
    // --backend / SESAME_BACKEND (or AWS_VAULT_BACKEND) first; check_settings refused a bad one.
    if (setting_is_set(m_env, "SESAME_BACKEND")) return choice_setting(m_env, "SESAME_BACKEND");
    // Else the backend `sesame migrate --to` moved everything to, else the file vault.
    const std::string marker = backend_marker_path(m_env);
    auto text = read_file_if_exists(marker);
    if (!text) return std::unexpected(std::move(text.error()));
    if (!*text) return std::string("file");
    std::string name(trim(**text));
    if (!find_backend(name))
        return fail(fmt::format("{} names the backend \"{}\", which sesame does not have", marker, name),
                    "set SESAME_BACKEND to the backend your keys are in (sesame status lists them), or move "
                    "the file away");
    return name;
}

StoreSetup Context::store_setup() {
    // check_settings (cli/app.cpp) has refused a bad value before any command ran, so
    // value() cannot throw here unless a caller skipped it.
    std::string dir = vault_dir(m_env);
    if (!m_passphrase) {
        // The passphrase is asked where the prompt driver asks: a dialog, or the terminal (ykman
        // and mfa_process have no way to ask for one).
        m_chosen_prompt = std::make_unique<ChosenPrompt>([this]() -> Prompt& {
            MadeDriver& d = driver();
            return d.prompt ? *d.prompt : m_prompt;
        });
        m_passphrase = std::make_unique<PromptPassphrase>(std::move(m_preset_passphrase), *m_chosen_prompt,
                                                          dir + "/vault.sesame");
    }
    FileVaultOptions options;
    options.key_cache = key_cache();
    options.unlock_idle = unlock_idle().value();
    // SESAME_LOCK_WAIT bounds how long a command waits for another that holds a prompt or a
    // refresh (default 5 minutes: someone may be typing an MFA code).
    options.prompt_wait = duration_setting(m_env, "SESAME_LOCK_WAIT").value();
    return StoreSetup{.vault_dir = std::move(dir),
                      .passphrase = *m_passphrase,
                      .clock = m_clock,
                      .options = options,
                      .keyctl_keyring = choice_setting(m_env, "SESAME_KEYCTL_KEYRING").value(),
                      .pass = {}};
}

PassSetup Context::pass_setup() const {
    PassSetup pass;
    pass.command = text_setting(m_env, "SESAME_PASS_CMD").value().value_or("pass");
    pass.prefix = text_setting(m_env, "SESAME_PASS_PREFIX").value().value_or("sesame");
    // pass's own variable, read to list the entries (pass itself reads it too).
    auto dir = m_env.get("PASSWORD_STORE_DIR");
    pass.store_dir = dir && !dir->empty() ? *dir : m_env.home() + "/.password-store";
    pass.environment = m_env.all();
    return pass;
}

std::unique_ptr<SecretStore> Context::open_store(const Backend& backend) {
    StoreSetup setup = store_setup();
    // Only the pass backend runs a program, with a copy of the environment: not made for the others
    // (the warm path opens a store at every command).
    if (backend.name == "pass") setup.pass = pass_setup();
    return backend.open(setup);
}

SecretStore& Context::store() {
    if (!m_vault) {
        // check_environment (cli/app.cpp) has refused a bad backend name before any command ran.
        const std::string name = backend_name().value();
        m_log.debug("key store: the " + name + " backend");
        m_vault = open_store(*find_backend(name));
    }
    return *m_vault;
}

Result<std::set<std::string>> Context::stored_key_profiles() {
    if (!m_key_profiles) {
        std::set<std::string> names;
        auto stored = store().key_names();  // empty when nothing is stored yet
        if (!stored) return std::unexpected(stored.error());
        names.insert(stored->begin(), stored->end());
        m_key_profiles = std::move(names);
    }
    return *m_key_profiles;
}

Result<ProfileConfig> Context::resolve(const std::string& name, const std::string& region,
                                       const std::string& keys_from_environment) {
    auto config = this->config();
    if (!config) return std::unexpected(config.error());
    auto stored = stored_key_profiles();
    if (!stored) return std::unexpected(stored.error());
    ResolveOptions options;
    // Keys in the store or in the AWS files (app/key_sources) make a profile one that holds keys.
    options.has_stored_keys = [&](const std::string& p) {
        return stored->count(p) > 0 || has_file_keys(*m_config, p) ||
               (!keys_from_environment.empty() && p == keys_from_environment);
    };
    options.region = region;
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
    return edit_aws_file((*loaded)->paths().config, edit);
}

Result<bool> Context::edit_aws_file(const std::string& path, const TextEdit& edit) {
    auto target = resolve_symlinks(path);
    if (!target) return std::unexpected(std::move(target.error()));
    auto dir = target->substr(0, target->find_last_of('/'));
    if (!dir.empty() && dir != *target) SESAME_TRY(ensure_private_dir(dir));
    // Serialises sesame's own edits: 40 concurrent `add`s each re-read what the others wrote.
    auto lock = store().lock("edit " + *target);
    if (!lock) return std::unexpected(std::move(lock.error()));
    return edit_text_file(*target, edit, 0600);
}

std::string Context::mfa_serial_of(const std::string& profile) {
    auto resolved = resolve(profile);
    return resolved ? resolved->mfa_serial : std::string();
}

Result<std::unique_ptr<ServiceClients>> Context::make_clients() {
    auto loaded = config();
    if (!loaded) return std::unexpected(loaded.error());
    return std::make_unique<ServiceClients>(**loaded, m_env, m_clock, m_log, m_http);
}

Result<ServiceClients*> Context::clients() {
    if (!m_clients) {
        auto made = make_clients();
        if (!made) return std::unexpected(made.error());
        m_clients = std::move(*made);
    }
    return m_clients.get();
}

Result<Iam*> Context::iam(const ProfileConfig& profile) {
    auto c = clients();
    if (!c) return std::unexpected(c.error());
    return &(*c)->iam(profile);
}

Result<Organizations*> Context::organizations(const ProfileConfig& profile) {
    auto c = clients();
    if (!c) return std::unexpected(c.error());
    return &(*c)->organizations(profile);
}

Result<std::set<std::string>> Context::profiles_using_key(const std::string& key_profile) {
    auto config = this->config();
    if (!config) return std::unexpected(config.error());
    auto stored = stored_key_profiles();
    if (!stored) return std::unexpected(stored.error());
    std::set<std::string> out{key_profile};
    // Only profiles with cached sessions can lose one: resolving each of the others (a config may
    // hold 10,000) would make every add slow for nothing.
    auto sessions = store().sessions();
    if (!sessions) return std::unexpected(sessions.error());
    std::set<std::string> candidates;
    for (const auto& [id, s] : *sessions) candidates.insert(s.profile);
    ResolveOptions resolve;
    resolve.has_stored_keys = [&](const std::string& p) { return stored->count(p) > 0; };
    for (const auto& name : candidates) {
        auto profile = resolve_profile(**config, m_env, name, resolve);
        if (!profile) continue;
        for (const ProfileConfig* p = &*profile; p; p = p->source.get()) {
            if (p->name == key_profile) {
                out.insert(name);
                break;
            }
        }
    }
    return out;
}

std::pair<std::map<std::string, std::string>, std::map<std::string, std::string>> Context::chain_environment()
    const {
    std::map<std::string, std::string> rest = m_env.all();
    std::map<std::string, std::string> keys;
    for (const char* v :
         {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"}) {
        if (auto it = rest.find(v); it != rest.end()) keys.insert(rest.extract(it));
    }
    return {std::move(keys), std::move(rest)};
}

}  // namespace sesame
