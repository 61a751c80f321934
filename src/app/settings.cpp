#include "app/settings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>

#include "util/strings.hpp"
#include "util/time.hpp"

namespace sesame {

namespace {

using namespace std::chrono_literals;

constexpr std::string_view k_key_cache_choices[] = {"auto", "keyring", "agent", "none"};
/// backends() in vault/backends.cpp, in its order (a unit test holds the two equal).
constexpr std::string_view k_backend_choices[] = {"file", "secret-service", "keyctl", "pass"};
constexpr std::string_view k_keyctl_keyrings[] = {"persistent", "user", "session"};
// "auto" and then the registered prompt drivers (a unit test holds the two lists equal).
constexpr std::string_view k_prompt_choices[] = {"auto",   "terminal", "ykman",
                                                 "zenity", "kdialog",  "osascript"};
constexpr std::string_view k_ykman_versions[] = {"1", "2", "3", "4", "5"};

// Other tools' variables (issue 15). Sesame's own name wins when both are set.
constexpr SettingAlias k_file_dir_aliases[] = {
    {"AWS_VAULT_FILE_DIR", "aws-vault",
     "it is aws-vault's key folder, and sesame's vault is another format (aws-vault would list it as a "
     "key); keep them apart"}};
constexpr SettingAlias k_passphrase_aliases[] = {{"AWS_VAULT_FILE_PASSPHRASE", "aws-vault"}};
constexpr SettingAlias k_min_ttl_aliases[] = {{"AWS_MIN_TTL", "aws-vault"}};
constexpr SettingAlias k_session_ttl_aliases[] = {{"AWS_SESSION_TOKEN_TTL", "aws-vault"},
                                                  {"AWS_SESSION_TTL", "aws-vault 4 and 5"},
                                                  {"AWS_SESSION_DURATION", "aws-session"}};
constexpr SettingAlias k_chained_ttl_aliases[] = {{"AWS_CHAINED_SESSION_TOKEN_TTL", "aws-vault"}};
constexpr SettingAlias k_role_ttl_aliases[] = {{"AWS_ASSUME_ROLE_TTL", "aws-vault"}};
constexpr SettingAlias k_federation_ttl_aliases[] = {{"AWS_FEDERATION_TOKEN_TTL", "aws-vault"}};
constexpr SettingAlias k_backend_aliases[] = {{"AWS_VAULT_BACKEND", "aws-vault"}};
constexpr SettingAlias k_prompt_aliases[] = {{"AWS_VAULT_PROMPT", "aws-vault"}};
constexpr SettingAlias k_ykman_credential_aliases[] = {{"YKMAN_OATH_CREDENTIAL_NAME", "aws-vault"}};
constexpr SettingAlias k_ykman_device_aliases[] = {{"YKMAN_OATH_DEVICE_SERIAL", "aws-vault"}};
constexpr SettingAlias k_ykman_version_aliases[] = {{"AWS_VAULT_YKMAN_VERSION", "aws-vault"}};

using T = SettingType;

// aws-session (ksperling) documents AWS_SESSION_COLORS; its script reads AWS_SESSION_COLOR.
constexpr SettingAlias k_prompt_colors_aliases[] = {{.name = "AWS_SESSION_COLORS"},
                                                    {.name = "AWS_SESSION_COLOR"}};

// One row per variable. Defaults are written as a user would write them and parsed by the same
// parser as a value that is set (a unit test parses each one).
constexpr Setting k_settings[] = {
    {.name = "SESAME_FILE_DIR",
     .type = T::Path,
     .default_value = "",
     .doc = "The vault's folder (the other backends keep theirs below it: secret-service/, keyctl/, pass/).",
     .default_doc = "$XDG_DATA_HOME/sesame, i.e. ~/.local/share/sesame",
     .aliases = k_file_dir_aliases},
    {.name = "SESAME_FILE_PASSPHRASE",
     .type = T::Secret,
     .default_value = "",
     .doc =
         "The file backend's vault passphrase, for scripts and CI (otherwise asked on the terminal). A "
         "kept unlocked key is used only when this is the right passphrase. The other backends ask for none.",
     .aliases = k_passphrase_aliases},
    {.name = "SESAME_MIN_TTL",
     .type = T::Duration,
     .default_value = "5m",
     .doc = "Reuse a cached session while more than this remains.",
     .aliases = k_min_ttl_aliases},
    {.name = "SESAME_SESSION_TTL",
     .type = T::Duration,
     .default_value = "1h",
     .doc = "How long a GetSessionToken session used directly lasts (15m to 36h); -d/--duration wins.",
     .least = 15min,
     .most = 36h,
     .aliases = k_session_ttl_aliases},
    {.name = "SESAME_CHAINED_SESSION_TTL",
     .type = T::Duration,
     .default_value = "8h",
     .doc = "How long a GetSessionToken session that only feeds role sessions lasts (15m to 36h): one MFA "
            "code covers its role sessions for that long.",
     .least = 15min,
     .most = 36h,
     .aliases = k_chained_ttl_aliases},
    {.name = "SESAME_ASSUME_ROLE_TTL",
     .type = T::Duration,
     .default_value = "",
     .doc =
         "How long a role session lasts (15m to 12h); set, it wins over a profile's duration_seconds, "
         "as aws-vault's AWS_ASSUME_ROLE_TTL does; -d/--duration wins over both for the profile asked for.",
     .default_doc = "the profile's duration_seconds, else 1h",
     .least = 15min,
     .most = 12h,
     .aliases = k_role_ttl_aliases},
    {.name = "SESAME_FEDERATION_TOKEN_TTL",
     .type = T::Duration,
     .default_value = "1h",
     .doc = "How long the GetFederationToken session behind login's console session lasts (15m to 36h).",
     .least = 15min,
     .most = 36h,
     .aliases = k_federation_ttl_aliases},
    {.name = "SESAME_BACKEND",
     .type = T::Choice,
     .default_value = "file",
     .doc =
         "Where long-term keys and sessions are kept: file (the encrypted vault file, its key from your "
         "passphrase), secret-service (the same file, its key in the Secret Service: GNOME Keyring, KWallet, "
         "KeePassXC), keyctl (its key in a kernel keyring) or pass (an entry per profile in your password "
         "store). Unset: the backend `sesame migrate --to` moved "
         "to, else file. `sesame status` lists which work here.",
     .choices = k_backend_choices,
     .aliases = k_backend_aliases},
    {.name = "SESAME_KEYCTL_KEYRING",
     .type = T::Choice,
     .default_value = "persistent",
     .doc =
         "The kernel keyring the keyctl backend keeps the vault key in: persistent (outlives logins, not a "
         "reboot; expires after 3 days unused), user (gone with your last process) or session (this login "
         "session's).",
     .choices = k_keyctl_keyrings},
    {.name = "SESAME_PASS_PREFIX",
     .type = T::String,
     .default_value = "sesame",
     .doc = "The folder of the pass backend's entries in the password store (sesame/PROFILE)."},
    {.name = "SESAME_PASS_CMD",
     .type = T::String,
     .default_value = "pass",
     .doc = "The pass command the pass backend runs (gopass works too)."},
    {.name = "SESAME_PROMPT",
     .type = T::Choice,
     .default_value = "auto",
     .doc = "How MFA codes and the passphrase are asked (--prompt sets it): terminal, ykman (a YubiKey; the "
            "passphrase on the terminal), zenity, kdialog, osascript (dialogs), or auto: the terminal when "
            "there "
            "is one, else with a display zenity or kdialog if installed; a profile's mfa_process wins.",
     .choices = k_prompt_choices,
     .aliases = k_prompt_aliases},
    {.name = "SESAME_YKMAN_OATH_CREDENTIAL_NAME",
     .type = T::String,
     .default_value = "",
     .doc = "The ykman driver: the YubiKey's OATH account to read the code of.",
     .default_doc = "the MFA device's serial (its ARN)",
     .aliases = k_ykman_credential_aliases},
    {.name = "SESAME_YKMAN_OATH_DEVICE_SERIAL",
     .type = T::String,
     .default_value = "",
     .doc = "The ykman driver: the serial number of the YubiKey to use (ykman --device), when several are "
            "plugged in.",
     .aliases = k_ykman_device_aliases},
    {.name = "SESAME_YKMAN_VERSION",
     .type = T::Choice,
     .default_value = "4",
     .doc = "The ykman driver: ykman's major version; 1 to 3 run ykman oath code, 4 and 5 ykman oath "
            "accounts code.",
     .choices = k_ykman_versions,
     .aliases = k_ykman_version_aliases},
    {.name = "SESAME_UNLOCK_TTL",
     .type = T::Duration,
     .default_value = "1h",
     .doc = "Keep the unlocked vault key this long without use; 0 asks every time."},
    {.name = "SESAME_KEY_CACHE",
     .type = T::Choice,
     .default_value = "auto",
     .doc = "Where the unlocked key is kept: keyring (the kernel keyring), agent (a sesame process), none, "
            "or auto: the keyring where the kernel allows it, else the agent.",
     .choices = k_key_cache_choices},
    {.name = "SESAME_LOCK_WAIT",
     .type = T::Duration,
     .default_value = "5m",
     .doc = "How long a command waits for another that holds a prompt or a refresh."},
    {.name = "SESAME_SERVER_MIN_TTL",
     .type = T::Duration,
     .default_value = "15m",
     .doc = "The least time left on credentials the loopback endpoints serve."},
    {.name = "SESAME_KEEP_RENEW_BEFORE",
     .type = T::Duration,
     .default_value = "0",
     .doc =
         "keep renews a session when less than this remains, never sooner than 10s after obtaining it; 0: 5m "
         "or a fifth of the session, whichever is more."},
    {.name = "SESAME_FEDERATION_URL",
     .type = T::Url,
     .default_value = "",
     .doc = "The sign-in federation endpoint login uses.",
     .default_doc =
         "https://signin.aws.amazon.com/federation, or its counterpart in the aws-cn and aws-us-gov "
         "partitions"},
    {.name = "SESAME_PROFILE",
     .type = T::String,
     .default_value = "",
     .doc = "Set by sesame for the command: the profile its credentials are for; prompt reads it."},
    {.name = "SESAME_ACCOUNT",
     .type = T::String,
     .default_value = "",
     .doc = "Set by sesame for the command: the account id of its credentials, when known without asking AWS "
            "(from the role or the MFA device); prompt shows it."},
    {.name = "SESAME_REFRESH_OPTIONS",
     .type = T::String,
     .default_value = "",
     .doc = "Set by sesame for the command: the flags that obtained its credentials (--account, --role, "
            "--region, --duration, --no-session), which export --refresh, a shell's refresh, uses again."},
    {.name = "SESAME_PROMPT_COLORS",
     .type = T::Flag,
     .default_value = "",
     .doc = "Colours in the prompt segment: on or off, over NO_COLOR and the terminal (aws-session's "
            "AWS_SESSION_COLORS and AWS_SESSION_COLOR stand for it).",
     .default_doc =
         "auto: on when TERM is set and not dumb, NO_COLOR is unset and the terminal has 8 colours "
         "or more (tput colors, asked once by sesame init)",
     .aliases = k_prompt_colors_aliases},
    {.name = "SESAME_ORIGINAL_ZDOTDIR",
     .type = T::String,
     .default_value = "",
     .doc = "shell, with zsh: the user's own ZDOTDIR, which sesame's zsh startup files put back.",
     .use = SettingUse::SetForCommand},
};

std::string_view type_noun(SettingType type) {
    switch (type) {
        case T::Duration:
            return "a duration";
        case T::Path:
            return "a path";
        case T::Choice:
            return "a valid choice";
        case T::Url:
            return "a URL";
        case T::String:
            return "a string";
        case T::Secret:
            return "a secret";
        case T::Flag:
            return "a flag";
    }
    return "a value";
}

/// Why parse_duration refused `s`, in words (its own error only repeats the input).
std::string duration_problem(std::string_view s) {
    auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
    auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (s.empty()) return "it is empty";
    size_t pos = 0;
    bool any_unit = false;
    while (pos < s.size()) {
        const size_t number = pos;
        while (pos < s.size() && is_digit(s[pos])) ++pos;
        if (pos == number) {
            if (s[pos] == '-') return "it is negative";
            if (s[pos] == ' ' || s[pos] == '\t') return "it has a space";
            return pos == 0 ? "it does not start with a number" : "a unit is not followed by a number";
        }
        if (pos == s.size()) {
            if (any_unit) return fmt::format("{} has no unit", s.substr(number));
            break;
        }
        const size_t unit = pos;
        while (pos < s.size() && is_alpha(s[pos])) ++pos;
        const std::string_view word = s.substr(unit, pos - unit);
        if (word.empty()) {
            if (s[unit] == ' ' || s[unit] == '\t') return "it has a space";
            if (s[unit] == '.' || s[unit] == ',') return "the numbers must be whole";
            return fmt::format("\"{}\" is not a unit (h, m or s)", printable(s.substr(unit, 1)));
        }
        if (word != "h" && word != "m" && word != "s")
            return fmt::format("\"{}\" is not a unit (h, m or s)", printable(word));
        any_unit = true;
    }
    return "it is longer than 7 years";
}

/// "auto, keyring, agent or none".
std::string choice_list(const Setting& setting) {
    std::string list;
    for (size_t i = 0; i < setting.choices.size(); ++i) {
        if (i > 0) list += i + 1 == setting.choices.size() ? " or " : ", ";
        list += setting.choices[i];
    }
    return list;
}

/// The accepted form, for a hint (a choice's error lists the choices itself).
std::string_view accepted_form(SettingType type) {
    switch (type) {
        case T::Duration:
            return "write a number of seconds, or numbers with h, m or s: 90s, 15m, 1h30m";
        case T::Path:
            return "give an absolute path (one that starts with /)";
        case T::Url:
            return "give a URL such as https://host/path";
        case T::Flag:
            return "use 1, true, yes or on, or 0, false, no or off";
        case T::Choice:
        case T::String:
        case T::Secret:
            return "";
    }
    return "";
}

/// "did you mean ...?", the accepted form, which setting an alias stands for, and the default.
std::string hint_for(const Setting& setting, std::string_view variable, std::string_view suggestion) {
    std::vector<std::string> parts;
    if (auto form = accepted_form(setting.type); !form.empty()) parts.emplace_back(form);
    if (variable != setting.name) parts.push_back(fmt::format("{} stands for {}", variable, setting.name));
    if (auto d = setting_default_text(setting); !d.empty())
        parts.push_back(fmt::format("unset, it is {}", d));
    std::string hint = suggestion.empty() ? "" : fmt::format("did you mean \"{}\"?", suggestion);
    for (size_t i = 0; i < parts.size(); ++i) hint += (i == 0 ? (hint.empty() ? "" : " ") : "; ") + parts[i];
    return hint;
}

/// The variable that gives the setting its value (its own name first, then each alias), and the
/// text; nullopt when none is set.
struct Raw {
    std::string_view variable;
    std::string text;
};

Result<std::optional<Raw>> raw_setting(const Env& env, const Setting& setting) {
    if (auto v = env.get(std::string(setting.name))) return Raw{setting.name, std::move(*v)};
    for (const auto& alias : setting.aliases) {
        auto v = env.get(std::string(alias.name));
        if (!v || v->empty()) continue;  // the other tools read an empty variable as unset
        if (!alias.refused_because.empty())
            return fail(
                fmt::format("{} is set, but sesame does not read it: {}", alias.name, alias.refused_because),
                fmt::format("set {} instead, or unset {}", setting.name, alias.name));
        return Raw{alias.name, std::move(*v)};
    }
    return std::nullopt;
}

/// read_setting for the row `name`, after checking that the caller asks for a setting of one
/// of `types`.
Result<std::optional<SettingValue>> read_typed(const Env& env, std::string_view name,
                                               std::initializer_list<SettingType> types) {
    const Setting* setting = find_setting(name);
    if (!setting || std::find(types.begin(), types.end(), setting->type) == types.end())
        return fail(fmt::format("internal error: no setting {} of the type asked for", name));
    return read_setting(env, *setting);
}

}  // namespace

std::span<const Setting> settings_table() {
    return k_settings;
}

const Setting* find_setting(std::string_view name) {
    for (const auto& s : k_settings)
        if (s.name == name) return &s;
    return nullptr;
}

std::string_view setting_default_text(const Setting& setting) {
    return setting.default_value.empty() ? setting.default_doc : setting.default_value;
}

Result<SettingValue> parse_setting(const Setting& setting, std::string_view variable, std::string_view text) {
    auto bad = [&](std::string_view why, std::string_view suggestion = {}) {
        return fail(fmt::format("{}=\"{}\" is not {}: {}", variable, printable(text, 100),
                                type_noun(setting.type), why),
                    hint_for(setting, variable, suggestion));
    };
    switch (setting.type) {
        case T::Duration: {
            auto d = parse_duration(text);
            if (!d) return bad(duration_problem(text));
            if (setting.most.count() > 0 && (*d < setting.least || *d > setting.most))
                return bad(fmt::format("it must be from {} to {}", format_duration_short(setting.least),
                                       format_duration_short(setting.most)));
            return *d;
        }
        case T::Path:
            if (!text.starts_with('/')) return bad("it is relative");
            return std::string(text);
        case T::Choice: {
            if (std::find(setting.choices.begin(), setting.choices.end(), text) != setting.choices.end())
                return std::string(text);
            std::vector<std::string> choices(setting.choices.begin(), setting.choices.end());
            return bad("it must be " + choice_list(setting), closest_match(text, choices));
        }
        case T::Url: {
            const size_t scheme = text.starts_with("https://") ? 8 : text.starts_with("http://") ? 7 : 0;
            if (scheme == 0) return bad("it does not start with https:// or http://");
            const std::string_view rest = text.substr(scheme);
            if (rest.empty() || rest.front() == '/' || rest.front() == ':' || rest.front() == '?')
                return bad("it has no host");
            if (rest.find_first_of(" \t\r\n") != std::string_view::npos) return bad("it has a space");
            return std::string(text);
        }
        case T::Flag: {
            const std::string lower = to_lower(text);
            for (std::string_view yes : {"1", "true", "yes", "on"})
                if (lower == yes) return true;
            for (std::string_view no : {"0", "false", "no", "off"})
                if (lower == no) return false;
            return bad("it is neither on nor off");
        }
        case T::String:
        case T::Secret:
            return std::string(text);
    }
    return bad("its type is unknown");
}

Result<std::optional<SettingValue>> read_setting(const Env& env, const Setting& setting) {
    auto raw = raw_setting(env, setting);
    if (!raw) return std::unexpected(std::move(raw.error()));
    if (*raw) return parse_setting(setting, (*raw)->variable, (*raw)->text);
    if (setting.default_value.empty()) return std::nullopt;
    return parse_setting(setting, setting.name, setting.default_value);
}

Result<std::chrono::seconds> duration_setting(const Env& env, std::string_view name) {
    auto v = read_typed(env, name, {T::Duration});
    if (!v) return std::unexpected(std::move(v.error()));
    if (!*v) return fail(fmt::format("internal error: {} has no default", name));
    return std::get<std::chrono::seconds>(**v);
}

Result<std::optional<std::chrono::seconds>> optional_duration_setting(const Env& env, std::string_view name) {
    auto v = read_typed(env, name, {T::Duration});
    if (!v) return std::unexpected(std::move(v.error()));
    if (!*v) return std::nullopt;
    return std::get<std::chrono::seconds>(**v);
}

Result<std::string> choice_setting(const Env& env, std::string_view name) {
    auto v = read_typed(env, name, {T::Choice});
    if (!v) return std::unexpected(std::move(v.error()));
    if (!*v) return fail(fmt::format("internal error: {} has no default", name));
    return std::get<std::string>(std::move(**v));
}

Result<std::optional<std::string>> text_setting(const Env& env, std::string_view name) {
    auto v = read_typed(env, name, {T::Path, T::Url, T::String});
    if (!v) return std::unexpected(std::move(v.error()));
    if (!*v) return std::nullopt;
    return std::get<std::string>(std::move(**v));
}

Result<bool> flag_setting(const Env& env, std::string_view name) {
    auto v = read_typed(env, name, {T::Flag});
    if (!v) return std::unexpected(std::move(v.error()));
    if (!*v) return false;
    return std::get<bool>(**v);
}

bool setting_is_set(const Env& env, std::string_view name) {
    const Setting* setting = find_setting(name);
    if (!setting) return false;
    if (env.get(std::string(setting->name))) return true;
    return std::any_of(setting->aliases.begin(), setting->aliases.end(),
                       [&](const SettingAlias& a) { return env.get(std::string(a.name)).has_value(); });
}

Result<void> check_settings(const Env& env) {
    for (const auto& setting : k_settings) {
        auto read = read_setting(env, setting);
        if (!read) return std::unexpected(std::move(read.error()));
    }
    return {};
}

std::vector<UnknownSetting> unknown_settings(const Env& env) {
    constexpr std::string_view k_prefix = "SESAME_";
    std::vector<UnknownSetting> found;
    std::vector<std::string> suffixes;
    for (const auto& [name, value] : env.all()) {
        if (!name.starts_with(k_prefix) || value.empty() || find_setting(name)) continue;
        // Compared without the prefix that every name shares, which would make any two names
        // look close.
        if (suffixes.empty())
            for (const auto& s : k_settings) suffixes.emplace_back(s.name.substr(k_prefix.size()));
        std::string guess = closest_match(std::string_view(name).substr(k_prefix.size()), suffixes);
        found.push_back({name, guess.empty() ? "" : std::string(k_prefix) + guess});
    }
    return found;
}

}  // namespace sesame
