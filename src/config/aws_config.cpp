#include "config/aws_config.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "platform/files.hpp"

namespace sesame {

namespace {

bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// Python's posixpath.expandvars: $NAME and ${NAME} of set variables are replaced, others kept.
std::string expand_vars(std::string_view path, const Env& env) {
    std::string out;
    size_t i = 0;
    while (i < path.size()) {
        if (path[i] != '$') {
            out += path[i++];
            continue;
        }
        size_t end = i + 1;
        std::string name;
        if (end < path.size() && path[end] == '{') {
            if (size_t close = path.find('}', end); close != std::string_view::npos) {
                name = path.substr(end + 1, close - end - 1);
                end = close + 1;
            }
        } else {
            while (end < path.size() && is_word_char(path[end])) ++end;
            name = path.substr(i + 1, end - i - 1);
        }
        auto it = env.all().find(name);
        if (end == i + 1) {
            out += path[i++];
            continue;
        }
        out += it == env.all().end() ? std::string(path.substr(i, end - i)) : it->second;
        i = end;
    }
    return out;
}

/// Python's posixpath.expanduser for "~" and "~/..."; "~user" is left as written.
std::string expand_user(std::string path, const Env& env) {
    if (path != "~" && !path.starts_with("~/")) return path;
    std::string home = env.home();
    while (home.size() > 1 && home.back() == '/') home.pop_back();
    if (home == "/") home.clear();
    std::string out = home + path.substr(1);
    return out.empty() ? "/" : out;
}

std::string resolve_path(const Env& env, const char* variable, const char* fallback) {
    auto value = env.get(variable);
    return expand_user(value ? expand_vars(*value, env) : std::string(fallback), env);
}

/// botocore's _parse_section: the name is the second shlex word when there are exactly two.
std::optional<std::string> section_suffix(std::string_view section) {
    // Fast path for the usual "profile name": without quotes or escapes shlex only splits on
    // its whitespace, and generated configs have thousands of these.
    auto is_ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    bool plain = std::none_of(section.begin(), section.end(), [](char c) { return c == '\'' || c == '"' || c == '\\'; });
    if (plain) {
        std::vector<std::string_view> words;
        size_t i = 0;
        while (i < section.size() && words.size() <= 2) {
            while (i < section.size() && is_ws(section[i])) ++i;
            size_t start = i;
            while (i < section.size() && !is_ws(section[i])) ++i;
            if (i > start) words.push_back(section.substr(start, i - start));
        }
        if (words.size() != 2) return std::nullopt;
        return std::string(words[1]);
    }
    auto parts = shlex_split(section);
    if (!parts || parts->size() != 2) return std::nullopt;
    return (*parts)[1];
}

Result<void> check_nested(const IniFile& file) {
    for (const auto& section : file.sections)
        for (const auto& [key, value] : section.entries)
            if (value.value.starts_with('\n')) SESAME_TRY(parse_nested(value, file.path));
    return {};
}

}  // namespace

std::optional<std::vector<std::string>> shlex_split(std::string_view s) {
    enum class State { space, word, single_quote, double_quote, escape };
    std::vector<std::string> words;
    std::string word;
    State state = State::space, after_escape = State::word;
    auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    for (char c : s) {
        switch (state) {
            case State::space:
            case State::word:
                if (is_space(c)) {
                    if (state == State::word) words.push_back(std::exchange(word, {}));
                    state = State::space;
                } else if (c == '\'') {
                    state = State::single_quote;
                } else if (c == '"') {
                    state = State::double_quote;
                } else if (c == '\\') {
                    after_escape = State::word;
                    state = State::escape;
                } else {
                    word += c;
                    state = State::word;
                }
                break;
            case State::single_quote:
                if (c == '\'')
                    state = State::word;
                else
                    word += c;
                break;
            case State::double_quote:
                if (c == '"') {
                    state = State::word;
                } else if (c == '\\') {
                    after_escape = State::double_quote;
                    state = State::escape;
                } else {
                    word += c;
                }
                break;
            case State::escape:
                // Inside double quotes a backslash escapes only '"' and '\'; elsewhere any character.
                if (after_escape == State::double_quote && c != '\\' && c != '"') word += '\\';
                word += c;
                state = after_escape;
                break;
        }
    }
    if (state == State::single_quote || state == State::double_quote || state == State::escape)
        return std::nullopt;
    if (state == State::word) words.push_back(std::move(word));
    return words;
}

ConfigPaths config_paths(const Env& env) {
    return {resolve_path(env, "AWS_CONFIG_FILE", "~/.aws/config"),
            resolve_path(env, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")};
}

Result<AwsConfig> AwsConfig::load(const ConfigPaths& paths) {
    auto config = read_file_if_exists(paths.config);
    if (!config) return std::unexpected(std::move(config.error()));
    auto credentials = read_file_if_exists(paths.credentials);
    if (!credentials) return std::unexpected(std::move(credentials.error()));
    return parse(config->value_or(""), credentials->value_or(""), paths);
}

Result<AwsConfig> AwsConfig::parse(std::string_view config_text, std::string_view credentials_text,
                                   ConfigPaths paths) {
    AwsConfig cfg;
    auto config = parse_ini(config_text, paths.config);
    if (!config) return std::unexpected(std::move(config.error()));
    auto credentials = parse_ini(credentials_text, paths.credentials);
    if (!credentials) return std::unexpected(std::move(credentials.error()));
    SESAME_TRY(check_nested(*config));
    SESAME_TRY(check_nested(*credentials));
    cfg.m_paths = std::move(paths);
    cfg.m_config = std::move(*config);
    cfg.m_credentials = std::move(*credentials);

    // build_profile_map walks sections in file order and a later section of the same name wins.
    for (size_t i = 0; i < cfg.m_config.sections.size(); ++i) {
        const std::string& name = cfg.m_config.sections[i].name;
        Index* index = name.starts_with("profile")       ? &cfg.m_profiles
                       : name.starts_with("sso-session") ? &cfg.m_sso_sessions
                       : name.starts_with("services")    ? &cfg.m_services
                                                         : nullptr;
        if (index) {
            if (auto suffix = section_suffix(name)) (*index)[*suffix] = i;
        } else if (name == "default") {
            cfg.m_profiles["default"] = i;
        }
    }
    return cfg;
}

const IniSection* AwsConfig::lookup(const IniFile& file, const Index& index, std::string_view name) {
    auto it = index.find(name);
    return it == index.end() ? nullptr : &file.sections[it->second];
}

const IniSection* AwsConfig::profile(std::string_view name) const {
    return lookup(m_config, m_profiles, name);
}

const IniSection* AwsConfig::credentials(std::string_view name) const {
    return m_credentials.find(name);
}

const IniSection* AwsConfig::sso_session(std::string_view name) const {
    return lookup(m_config, m_sso_sessions, name);
}

const IniSection* AwsConfig::services(std::string_view name) const {
    return lookup(m_config, m_services, name);
}

std::vector<std::string> AwsConfig::profile_names() const {
    std::vector<std::string> names;
    for (const auto& [name, index] : m_profiles) names.push_back(name);
    for (const auto& section : m_credentials.sections) names.push_back(section.name);
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

}  // namespace sesame
