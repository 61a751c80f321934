#include "config/config_editor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <span>
#include <vector>

#include "config/aws_config.hpp"
#include "config/ini.hpp"
#include "util/strings.hpp"

namespace sesame {

namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";

/// A line of the text: content [begin, end), line break [end, next).
struct Line {
    size_t begin = 0;
    size_t end = 0;
    size_t next = 0;
};

/// A "key = value" line and the continuation lines of its value: lines [line, end_line).
struct Option {
    std::string_view key;  ///< as written
    size_t line = 0;
    size_t end_line = 0;
    size_t indent = 0;  ///< bytes of indentation
};

struct Section {
    std::string_view name;
    size_t header_line = 0;
    std::vector<Option> options;
};

/// Whitespace as configparser strips it, ASCII part: \t \n \v \f \r, \x1c-\x1f and ' '.
bool is_space(char c) {
    return (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= ' ');
}

std::string_view strip(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

/// Lines as Python's text mode reads them: broken at \n, \r\n and \r.
std::vector<Line> split_lines(std::string_view text) {
    std::vector<Line> lines;
    size_t pos = text.starts_with(k_bom) ? k_bom.size() : 0;
    while (pos < text.size()) {
        size_t end = text.find_first_of("\r\n", pos);
        if (end == std::string_view::npos) {
            lines.push_back({pos, text.size(), text.size()});
            break;
        }
        size_t next = end + (text.compare(end, 2, "\r\n") == 0 ? 2 : 1);
        lines.push_back({pos, end, next});
        pos = next;
    }
    return lines;
}

/// The sections and settings of text parse_ini accepted, by configparser's rules: a line
/// indented deeper than the current key continues its value, blank and comment lines belong to
/// no one.
std::vector<Section> scan(std::string_view text, const std::vector<Line>& lines) {
    std::vector<Section> sections;
    bool in_option = false;
    size_t indent_level = 0;
    for (size_t i = 0; i < lines.size(); ++i) {
        std::string_view content = text.substr(lines[i].begin, lines[i].end - lines[i].begin);
        std::string_view value = strip(content);
        if (value.empty() || value[0] == '#' || value[0] == ';') continue;
        const size_t indent = static_cast<size_t>(value.data() - content.data());
        if (in_option && indent > indent_level) {
            sections.back().options.back().end_line = i + 1;
            continue;
        }
        indent_level = indent;
        if (size_t close = value.rfind(']');
            value[0] == '[' && close != std::string_view::npos && close >= 2) {
            sections.push_back({value.substr(1, close - 1), i, {}});
            in_option = false;
            continue;
        }
        size_t delimiter = value.find_first_of("=:");
        if (sections.empty() || delimiter == std::string_view::npos) continue;  // parse_ini rejected these
        std::string_view key = value.substr(0, delimiter);
        while (!key.empty() && is_space(key.back())) key.remove_suffix(1);
        sections.back().options.push_back({key, i, i + 1, indent});
        in_option = true;
    }
    return sections;
}

/// The profile botocore's build_profile_map files a config section under, if any.
std::optional<std::string> profile_of(std::string_view section) {
    if (section == "default") return std::string(section);
    if (!section.starts_with("profile")) return std::nullopt;
    auto words = shlex_split(section);
    if (!words || words->size() != 2) return std::nullopt;
    return std::move((*words)[1]);
}

/// The last section botocore files under `profile`, in `count` sections named by `name_of`.
template <class NameOf>
std::optional<size_t> last_section_of(std::string_view profile, size_t count, NameOf name_of) {
    std::optional<size_t> found;
    for (size_t i = 0; i < count; ++i)
        if (profile_of(name_of(i)) == profile) found = i;
    return found;
}

}  // namespace

std::string profile_section_header(std::string_view profile) {
    if (profile == "default") return "[default]";
    auto special = [](char c) { return c == ' ' || c == '\t' || c == '\'' || c == '"' || c == '\\'; };
    if (std::none_of(profile.begin(), profile.end(), special)) return fmt::format("[profile {}]", profile);
    std::string quoted = "\"";
    for (char c : profile) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return fmt::format("[profile {}\"]", quoted);
}

namespace {

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

Result<void> check_arguments(std::string_view profile, std::string_view key, std::string_view value) {
    if (profile.empty() || has_control(profile))
        return fail(fmt::format("cannot write profile name \"{}\" to the config file", profile),
                    "use a profile name without control characters");
    bool bad_key = key.empty() || key.find_first_of("=:") != std::string_view::npos ||
                   std::any_of(key.begin(), key.end(), is_space) || has_control(key) ||
                   key.find_first_of("[#;") == 0;
    if (bad_key) return fail(fmt::format("\"{}\" is not a config key", key));
    bool surrounded = !value.empty() && (is_space(value.front()) || is_space(value.back()));
    bool control = std::any_of(value.begin(), value.end(), [](char c) {
        return c != '\t' && (static_cast<unsigned char>(c) < 0x20 || c == 0x7f);
    });
    if (surrounded || control)
        return fail(
            fmt::format("cannot write the value for {} to the config file: it has surrounding "
                        "whitespace or a control character",
                        key));
    return {};
}

bool same_value(const IniValue* a, const IniValue* b) {
    return a && b && a->value == b->value;
}

/// Whether `after` reads as `before` with only `key = value` set in `profile`.
bool only_key_changed(const IniFile& before, const IniFile& after, std::string_view profile,
                      std::string_view key, std::string_view value) {
    auto target = last_section_of(profile, after.size(), [&](size_t i) { return after.name(i); });
    if (!target) return false;
    const IniValue* set = after.section(*target).find(key);
    if (!set || set->value != value) return false;
    auto old_target = last_section_of(profile, before.size(), [&](size_t i) { return before.name(i); });
    if (after.size() != before.size() + (old_target ? 0 : 1)) return false;
    for (size_t i = 0; i < before.size(); ++i) {
        if (before.name(i) != after.name(i)) return false;
        const IniSection& old_section = before.section(i);
        const IniSection& new_section = after.section(i);
        size_t added = i == target && !old_section.find(key) ? 1 : 0;
        if (new_section.entries.size() != old_section.entries.size() + added) return false;
        for (const auto& [name, old_value] : old_section.entries) {
            if (i == target && name == to_lower(key)) continue;
            if (!same_value(&old_value, new_section.find(name))) return false;
        }
    }
    return true;
}

}  // namespace

Result<std::string> set_profile_key(std::string_view config_text, std::string_view profile,
                                    std::string_view key, std::string_view value, std::string_view path) {
    SESAME_TRY(check_arguments(profile, key, value));
    auto before = parse_ini(std::string(config_text), std::string(path));
    if (!before) return std::unexpected(std::move(before.error()));

    const std::string_view text = config_text;
    const std::vector<Line> lines = split_lines(text);
    const std::vector<Section> sections = scan(text, lines);
    const size_t first_break = text.find_first_of("\r\n");
    const std::string_view eol = first_break == std::string_view::npos       ? "\n"
                                 : text.compare(first_break, 2, "\r\n") == 0 ? "\r\n"
                                                                             : text.substr(first_break, 1);
    auto setting = [&](std::string_view indent, std::string_view name) {
        return value.empty() ? fmt::format("{}{} =", indent, name)
                             : fmt::format("{}{} = {}", indent, name, value);
    };
    auto indent_of = [&](size_t line) {
        std::string_view content = text.substr(lines[line].begin, lines[line].end - lines[line].begin);
        return content.substr(0, static_cast<size_t>(strip(content).data() - content.data()));
    };

    std::string out;
    auto target = last_section_of(profile, sections.size(), [&](size_t i) { return sections[i].name; });
    if (!target) {
        out = text;
        if (!lines.empty() && out.back() != '\n' && out.back() != '\r') out += eol;
        if (!lines.empty() &&
            !strip(text.substr(lines.back().begin, lines.back().end - lines.back().begin)).empty())
            out += eol;
        out += profile_section_header(profile) + std::string(eol) + setting("", key) + std::string(eol);
    } else {
        const Section& section = sections[*target];
        auto existing = std::find_if(section.options.begin(), section.options.end(),
                                     [&](const Option& o) { return to_lower(o.key) == to_lower(key); });
        if (existing != section.options.end()) {
            const Line& first = lines[existing->line];
            const Line& last = lines[existing->end_line - 1];
            out.append(text.substr(0, first.begin));
            out += setting(text.substr(first.begin, existing->indent), existing->key);
            out.append(text.substr(last.end));
        } else {
            // After the last setting, indented like it; in an empty section, like the next line
            // that counts, so that line cannot turn into a continuation of the new one.
            size_t after = section.header_line;
            std::string_view indent;
            if (!section.options.empty()) {
                after = section.options.back().end_line - 1;
                indent = indent_of(section.options.back().line);
            } else if (*target + 1 < sections.size()) {
                indent = indent_of(sections[*target + 1].header_line);
            }
            const Line& line = lines[after];
            if (line.next > line.end) {
                out.append(text.substr(0, line.next));
                out += setting(indent, key) + std::string(eol);
            } else {
                out.append(text.substr(0, line.end));
                out += std::string(eol) + setting(indent, key);
            }
            out.append(text.substr(line.next));
        }
    }

    auto after = parse_ini(out, std::string(path));
    if (!after || !only_key_changed(*before, *after, profile, key, value)) {
        return fail(fmt::format("{}: cannot set {} in profile \"{}\" without changing other settings", path,
                                key, profile),
                    fmt::format("add \"{} = …\" to the profile's section by hand", key));
    }
    return out;
}

Result<std::string> remove_profile_keys(std::string_view text, std::string_view profile,
                                        std::span<const std::string_view> keys, std::string_view path,
                                        bool config_file) {
    // A credentials-file section is the profile's name as written; a config-file one is the
    // section botocore files under it ([default], [profile NAME], [profile "NAME"]).
    auto is_target = [&](std::string_view section) {
        return config_file ? profile_of(section) == profile : section == profile;
    };
    auto before = parse_ini(std::string(text), std::string(path));
    if (!before) return std::unexpected(std::move(before.error()));
    const std::vector<Line> lines = split_lines(text);
    const std::vector<Section> sections = scan(text, lines);
    auto removed = [&](std::string_view key) {
        return std::find(keys.begin(), keys.end(), to_lower(key)) != keys.end();
    };
    std::vector<bool> drop(lines.size(), false);
    for (const Section& section : sections) {
        if (!is_target(section.name)) continue;
        for (const Option& o : section.options)
            if (removed(o.key))
                for (size_t i = o.line; i < o.end_line; ++i) drop[i] = true;
    }
    std::string out(text.substr(0, lines.empty() ? text.size() : lines.front().begin));  // a BOM
    for (size_t i = 0; i < lines.size(); ++i)
        if (!drop[i]) out.append(text.substr(lines[i].begin, lines[i].next - lines[i].begin));

    // Read back: the same sections, each with the same settings, less exactly those keys.
    auto after = parse_ini(out, std::string(path));
    bool same = after && after->size() == before->size();
    for (size_t i = 0; same && i < before->size(); ++i) {
        same = before->name(i) == after->name(i);
        const bool target = is_target(before->name(i));
        for (const auto& [name, value] : before->section(i).entries) {
            if (!same) break;
            same = target && removed(name) ? !after->section(i).find(name)
                                           : same_value(&value, after->section(i).find(name));
        }
        if (same) {
            for (const auto& [name, value] : after->section(i).entries)
                same = same && before->section(i).find(name);
        }
    }
    if (!same)
        return fail(
            fmt::format("{}: cannot remove the keys of profile \"{}\" without changing other settings", path,
                        profile),
            "remove its aws_access_key_id and aws_secret_access_key lines by hand");
    return out;
}

}  // namespace sesame
