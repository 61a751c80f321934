#include "config/aws_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "config/config_index.hpp"
#include "config/kept_credentials.hpp"
#include "platform/files.hpp"
#include "util/bytes.hpp"

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

constexpr std::string_view k_prefixes[] = {"profile", "sso-session", "services"};  ///< by Kind

bool is_shlex_special(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\'' || c == '"' || c == '\\';
}

/// Whether shlex.split leaves `s` one word as it is: not empty, no whitespace, quote or backslash.
bool is_plain(std::string_view s) {
    return !s.empty() && std::none_of(s.begin(), s.end(), is_shlex_special);
}

/// is_plain, eight bytes at a time for the 10,000 names of a generated config. Conservative: it
/// rejects every byte below '(' (shlex's whitespace and quotes among them) and '\\', so a few plain
/// names too ("a!b"), which are then indexed as irregular: slower, still right.
bool is_plain_fast(std::string_view s) {
    constexpr uint64_t k_ones = 0x0101010101010101ULL, k_highs = 0x8080808080808080ULL;
    auto rejects = [&](uint64_t w) {
        uint64_t backslashes = w ^ (k_ones * '\\');
        return (((w - k_ones * '(') & ~w) | ((backslashes - k_ones) & ~backslashes)) & k_highs;
    };
    size_t i = 0;
    for (uint64_t w; i + sizeof w <= s.size(); i += sizeof w) {
        std::memcpy(&w, s.data() + i, sizeof w);
        if (rejects(w)) return false;
    }
    uint64_t tail = k_ones * 'a';
    std::memcpy(&tail, s.data() + i, s.size() - i);
    return !s.empty() && !rejects(tail);
}

/// botocore's _parse_section: the name is the second shlex word when there are exactly two.
std::optional<std::string> section_suffix(std::string_view section) {
    // Fast path for the usual "profile name": before any quote or backslash, shlex only splits on
    // its whitespace.
    enum : char { word, space, special };
    auto kind = [](char c) {
        return !is_shlex_special(c)                              ? word
               : c == ' ' || c == '\t' || c == '\r' || c == '\n' ? space
                                                                 : special;
    };
    std::string_view second;
    int words = 0;
    for (size_t i = 0, n = section.size();;) {
        while (i < n && kind(section[i]) == space) ++i;
        if (i == n) break;
        if (++words == 3) return std::nullopt;  // shlex too finds three words at least, or fails
        size_t start = i;
        while (i < n && kind(section[i]) == word) ++i;
        if (i < n && kind(section[i]) == special) {
            auto parts = shlex_split(section);
            if (!parts || parts->size() != 2) return std::nullopt;
            return std::move((*parts)[1]);
        }
        if (words == 2) second = section.substr(start, i - start);
    }
    if (words != 2) return std::nullopt;
    return std::string(second);
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
    auto cache = env.get("XDG_CACHE_HOME");
    return {resolve_path(env, "AWS_CONFIG_FILE", "~/.aws/config"),
            resolve_path(env, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"),
            (cache && cache->starts_with('/') ? *cache : env.home() + "/.cache") + "/sesame"};
}

namespace {

/// The paths with the credentials file replaced by the source a kept file names, which must not
/// be a kept file itself (two keepers fed from each other would loop).
Result<ConfigPaths> follow_kept_file(const ConfigPaths& paths, const std::string& source) {
    auto text = read_file_if_exists(source, NotRegular::missing);
    if (!text) return std::unexpected(std::move(text.error()));
    if (*text && kept_file_source(**text))
        return fail(
            fmt::format("{} names {} as its source, which sesame keep writes too", paths.credentials, source),
            "point AWS_SHARED_CREDENTIALS_FILE at your own credentials file, or unset it");
    ConfigPaths followed = paths;
    followed.credentials = source;
    return followed;
}

}  // namespace

Result<AwsConfig> AwsConfig::load(const ConfigPaths& paths, std::chrono::nanoseconds index_settle) {
    // botocore reads neither file unless it is a regular file (os.path.isfile): a directory named
    // by AWS_CONFIG_FILE is no config at all.
    auto config = ReadOnlyFile::open(paths.config, NotRegular::missing);
    if (!config) return std::unexpected(std::move(config.error()));
    auto credentials = read_file_if_exists(paths.credentials, NotRegular::missing);
    if (!credentials) return std::unexpected(std::move(credentials.error()));
    std::string credentials_text = std::move(*credentials).value_or("");
    if (auto source = kept_file_source(credentials_text)) {
        // AWS_SHARED_CREDENTIALS_FILE names the file `sesame keep` writes (so that other tools
        // read it): its sessions are sesame's own output, the user's keys are in its source.
        auto followed = follow_kept_file(paths, *source);
        if (!followed) return std::unexpected(std::move(followed.error()));
        return load(*followed, index_settle);
    }
    if (!*config) return parse_owned("", std::move(credentials_text), paths);

    ReadOnlyFile& file = **config;
    const bool indexable = !paths.index_dir.empty() && file.stamp().size >= config_index::k_min_size;
    if (indexable) {
        if (auto loaded = config_index::load(paths.index_dir, file)) {
            if (auto irregular = parse_irregular(loaded->extra)) {
                auto cfg = assemble(std::move(loaded->config), std::move(credentials_text), paths);
                if (cfg) {
                    cfg->m_irregular = std::move(*irregular);
                    cfg->m_indexed = true;
                }
                return cfg;
            }
            // Unreadable extra bytes: parse the file instead (it was moved into `loaded`).
            auto reopened = ReadOnlyFile::open(paths.config, NotRegular::missing);
            if (!reopened) return std::unexpected(std::move(reopened.error()));
            if (!*reopened) return parse_owned("", std::move(credentials_text), paths);
            file = std::move(**reopened);
        }
    }
    auto text = file.read_all();
    if (!text) return std::unexpected(std::move(text.error()));
    // Indexed only if the text read is the version the stamp names.
    const bool stable = indexable && text->size() == file.stamp().size && file.unchanged();
    auto cfg = parse_owned(std::move(*text), std::move(credentials_text), paths);
    if (cfg && stable)
        config_index::save(paths.index_dir, paths.config, file.stamp(), cfg->m_config, cfg->irregular_bytes(),
                           index_settle);
    return cfg;
}

Result<AwsConfig> AwsConfig::parse(std::string_view config_text, std::string_view credentials_text,
                                   ConfigPaths paths) {
    return parse_owned(std::string(config_text), std::string(credentials_text), std::move(paths));
}

Result<AwsConfig> AwsConfig::parse_owned(std::string config_text, std::string credentials_text,
                                         ConfigPaths paths) {
    auto config = parse_ini(std::move(config_text), paths.config);
    if (!config) return std::unexpected(std::move(config.error()));
    auto credentials = parse_ini(std::move(credentials_text), paths.credentials);
    if (!credentials) return std::unexpected(std::move(credentials.error()));
    SESAME_TRY(config->check_nested());
    SESAME_TRY(credentials->check_nested());
    AwsConfig cfg;
    cfg.m_paths = std::move(paths);
    cfg.m_config = std::move(*config);
    cfg.m_credentials = std::move(*credentials);
    cfg.index_irregular();
    return cfg;
}

Result<AwsConfig> AwsConfig::assemble(IniFile config, std::string credentials_text, ConfigPaths paths) {
    auto credentials = parse_ini(std::move(credentials_text), paths.credentials);
    if (!credentials) return std::unexpected(std::move(credentials.error()));
    SESAME_TRY(credentials->check_nested());
    AwsConfig cfg;
    cfg.m_paths = std::move(paths);
    cfg.m_config = std::move(config);
    cfg.m_credentials = std::move(*credentials);
    return cfg;
}

void AwsConfig::index_irregular() {
    // build_profile_map walks sections in file order and a later section of the same name wins.
    for (size_t i = 0; i < m_config.size(); ++i) {
        std::string_view name = m_config.name(i);
        for (size_t kind = 0; kind < std::size(k_prefixes); ++kind) {
            if (!name.starts_with(k_prefixes[kind])) continue;
            std::string_view rest = name.substr(k_prefixes[kind].size());
            bool usual = rest.size() > 1 && rest[0] == ' ' && is_plain_fast(rest.substr(1));
            if (!usual)
                if (auto suffix = section_suffix(name))
                    m_irregular[kind].insert_or_assign(std::move(*suffix), i);
            break;
        }
    }
}

/// Per kind: a count, then each name's position and the name (8-byte little-endian numbers).
std::string AwsConfig::irregular_bytes() const {
    std::string out;
    for (const auto& names : m_irregular) {
        bytes::put_le(out, names.size(), 8);
        for (const auto& [name, position] : names) {
            bytes::put_le(out, position, 8);
            bytes::put_str(out, name, 8);
        }
    }
    return out;
}

std::optional<AwsConfig::Irregular> AwsConfig::parse_irregular(std::string_view in) {
    Irregular irregular;
    bytes::Reader r(in);
    for (auto& names : irregular)
        for (uint64_t count = r.u64(), k = 0; r.ok() && k < count; ++k) {
            auto position = static_cast<size_t>(r.u64());
            std::string name = r.str(8);
            if (r.ok()) names.insert_or_assign(std::move(name), position);
        }
    if (!r.ok() || !r.at_end()) return std::nullopt;
    return irregular;
}

const IniSection* AwsConfig::lookup(Kind kind, std::string_view name) const {
    auto k = static_cast<size_t>(kind);
    std::optional<size_t> last;  // the later section wins
    auto consider = [&](std::optional<size_t> i) {
        if (i && (!last || *i > *last)) last = i;
    };
    if (is_plain(name)) consider(m_config.index_of(fmt::format("{} {}", k_prefixes[k], name)));
    if (kind == Kind::profile && name == "default") consider(m_config.index_of("default"));
    if (auto it = m_irregular[k].find(name); it != m_irregular[k].end() && it->second < m_config.size())
        consider(it->second);
    return last ? m_config.readable(*last) : nullptr;  // null if unreadable: damaged()
}

const IniSection* AwsConfig::profile(std::string_view name) const {
    return lookup(Kind::profile, name);
}

const IniSection* AwsConfig::credentials(std::string_view name) const {
    return m_credentials.find(name);
}

const IniSection* AwsConfig::sso_session(std::string_view name) const {
    return lookup(Kind::sso_session, name);
}

const IniSection* AwsConfig::services(std::string_view name) const {
    return lookup(Kind::services, name);
}

std::vector<std::string> AwsConfig::profile_names() const {
    std::vector<std::string> names;
    for (size_t i = 0; i < m_config.size(); ++i) {
        std::string_view name = m_config.name(i);
        if (name == "default") names.emplace_back(name);
        if (!name.starts_with("profile")) continue;
        if (auto suffix = section_suffix(name)) names.push_back(std::move(*suffix));
    }
    for (size_t i = 0; i < m_credentials.size(); ++i) names.emplace_back(m_credentials.name(i));
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

}  // namespace sesame
