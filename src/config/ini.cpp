#include "config/ini.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "util/strings.hpp"

namespace sesame {

namespace {

/// Byte length of the UTF-8 sequence at s[i] if it is a character Python's str.isspace() accepts
/// (configparser strips with str.strip() and measures indentation with \S), else 0.
size_t space_at(std::string_view s, size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20)) return 1;
    auto byte = [&](size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0; };
    if (c == 0xC2 && (byte(1) == 0x85 || byte(1) == 0xA0)) return 2;  // U+0085, U+00A0
    if (c == 0xE1 && byte(1) == 0x9A && byte(2) == 0x80) return 3;    // U+1680
    if (c == 0xE2 && byte(1) == 0x80) {                               // U+2000-200A, 2028, 2029, 202F
        auto b = byte(2);
        if ((b >= 0x80 && b <= 0x8A) || b == 0xA8 || b == 0xA9 || b == 0xAF) return 3;
    }
    if (c == 0xE2 && byte(1) == 0x81 && byte(2) == 0x9F) return 3;  // U+205F
    if (c == 0xE3 && byte(1) == 0x80 && byte(2) == 0x80) return 3;  // U+3000
    return 0;
}

/// Byte length of a whitespace character that ends exactly at s[end], else 0.
size_t space_before(std::string_view s, size_t end) {
    for (size_t len = 1; len <= 3 && len <= end; ++len)
        if (space_at(s, end - len) == len) return len;
    return 0;
}

std::string_view py_rstrip(std::string_view s) {
    size_t end = s.size();
    while (end > 0) {
        size_t n = space_before(s, end);
        if (n == 0) break;
        end -= n;
    }
    return s.substr(0, end);
}

std::string_view py_strip(std::string_view s) {
    size_t begin = 0;
    while (begin < s.size()) {
        size_t n = space_at(s, begin);
        if (n == 0) break;
        begin += n;
    }
    return py_rstrip(s.substr(begin));
}

/// Indentation in characters, as configparser compares it (a tab counts as one).
size_t indent_of(std::string_view line) {
    size_t i = 0, chars = 0;
    while (i < line.size()) {
        size_t n = space_at(line, i);
        if (n == 0) break;
        i += n;
        ++chars;
    }
    return chars;
}

/// Python decodes the file as UTF-8 and botocore reports a decode error as a parse error.
bool valid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + len > s.size() || (len == 2 && c < 0xC2)) return false;
        char32_t cp = len == 1 ? c : c & (0x7F >> len);
        for (size_t k = 1; k < len; ++k) {
            auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xC0) != 0x80) return false;
            cp = (cp << 6) | (b & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

/// The ASCII subset of space_at, for files with no byte above 0x7F (nearly all of them).
inline bool ascii_space(char c) { return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20); }

std::string_view ascii_strip(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && ascii_space(s[b])) ++b;
    while (e > b && ascii_space(s[e - 1])) --e;
    return s.substr(b, e - b);
}

std::string_view ascii_rstrip(std::string_view s) {
    size_t e = s.size();
    while (e > 0 && ascii_space(s[e - 1])) --e;
    return s.substr(0, e);
}

size_t ascii_indent(std::string_view s) {
    size_t i = 0;
    while (i < s.size() && ascii_space(s[i])) ++i;
    return i;
}

bool is_ascii(std::string_view s) {
    unsigned char any = 0;
    for (char c : s) any |= static_cast<unsigned char>(c);
    return any < 0x80;
}

/// Splits on the line breaks Python's file iteration honours in text mode: \n, \r\n and \r.
std::vector<std::string_view> file_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    size_t start = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\n' && text[i] != '\r') continue;
        lines.push_back(text.substr(start, i - start));
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
        start = i + 1;
    }
    if (start < text.size()) lines.push_back(text.substr(start));
    return lines;
}

/// Length of a line break Python's str.splitlines() splits on at s[i], else 0.
size_t splitlines_break_at(std::string_view s, size_t i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n' || c == '\r' || c == '\v' || c == '\f' || (c >= 0x1C && c <= 0x1E)) return 1;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x85) return 2;
    if (c == 0xE2 && s.substr(i, 3) == "\xE2\x80\xA8") return 3;
    if (c == 0xE2 && s.substr(i, 3) == "\xE2\x80\xA9") return 3;
    return 0;
}

/// Stores one parsed line into the file being built; mirrors the state of configparser._read.
class Parser {
  public:
    Parser(std::string path, bool ascii) : m_ascii(ascii) { m_file.path = std::move(path); }

    Result<void> line(std::string_view raw, int lineno) {
        if (!m_ascii && !valid_utf8(raw)) return error(lineno, "not valid UTF-8 text");
        std::string_view value = strip(raw);
        bool comment = !value.empty() && (value[0] == '#' || value[0] == ';');
        if (value.empty() || comment) {
            // configparser keeps blank lines inside a value (trimmed from its end later), but a
            // comment line leaves the value untouched. Blank lines are held back until a
            // continuation line shows they are inside the value: trailing ones would be trimmed.
            if (!comment && m_option) m_blank_lines.push_back(lineno);
            return {};
        }
        size_t indent = m_ascii ? ascii_indent(raw) : indent_of(raw);
        if (m_section && m_option && indent > m_indent) {
            for (int blank : m_blank_lines) append(m_option, "", blank);
            m_blank_lines.clear();
            append(m_option, value, lineno);
            return {};
        }
        m_blank_lines.clear();
        m_indent = indent;
        if (auto header = section_header(value)) return start_section(*header, lineno);
        if (!m_section)
            return fail(
                fmt::format("{}:{}: a setting appears before any [section] header", m_file.path, lineno),
                "start the file with a section such as [default] or [profile NAME]");
        return option(value, lineno);
    }

    IniFile finish() && {
        for (auto& [key, value] : m_defaults.entries) trim_value(value);
        for (auto& section : m_file.sections) {
            for (auto& [key, value] : section.entries) trim_value(value);
            // [DEFAULT] supplies every key a section does not set itself, after the section's own.
            for (const auto& [key, value] : m_defaults.entries)
                if (!section.find(key)) section.entries.emplace_back(key, value);
        }
        return std::move(m_file);
    }

  private:
    /// configparser's SECTCRE `\[(?P<header>.+)\]`, matched at the start: the name runs to the
    /// last ']' and anything after it is ignored ("[profile x] junk" is section "profile x").
    static std::optional<std::string_view> section_header(std::string_view value) {
        if (value.front() != '[') return std::nullopt;
        size_t close = value.rfind(']');
        if (close == std::string_view::npos || close < 2) return std::nullopt;
        return value.substr(1, close - 1);
    }

    std::string_view strip(std::string_view s) const { return m_ascii ? ascii_strip(s) : py_strip(s); }
    std::string_view rstrip(std::string_view s) const { return m_ascii ? ascii_rstrip(s) : py_rstrip(s); }

    /// `name` views the file's text, which outlives the parse.
    Result<void> start_section(std::string_view name, int lineno) {
        m_option = nullptr;
        if (name == "DEFAULT") {
            m_section = &m_defaults;
            if (m_defaults.line == 0) m_defaults.line = lineno;
            return {};
        }
        // An index, not IniFile::find: generated configs have 10,000+ sections.
        if (auto [it, added] = m_seen.emplace(name, lineno); !added)
            return fail(fmt::format("{}:{}: duplicate section [{}] (first on line {})", m_file.path, lineno,
                                    name, it->second),
                        "merge the two sections; the AWS CLI rejects this file too");
        m_file.sections.push_back(IniSection{std::string(name), lineno, {}});
        m_section = &m_file.sections.back();
        m_section->entries.reserve(8);
        return {};
    }

    Result<void> option(std::string_view value, int lineno) {
        size_t delim = 0;  // the first '=' or ':' (a loop: find_first_of calls memchr per byte)
        while (delim < value.size() && value[delim] != '=' && value[delim] != ':') ++delim;
        if (delim == value.size()) delim = std::string_view::npos;
        if (delim == std::string_view::npos)
            return error(lineno, "expected \"key = value\", a [section] header or a comment",
                         "indent a line further than its key to continue that key's value");
        std::string key = to_lower(rstrip(value.substr(0, delim)));
        if (key.empty()) return error(lineno, fmt::format("missing key before \"{}\"", value[delim]));
        for (const auto& [existing, v] : m_section->entries)
            if (existing == key)
                return fail(fmt::format("{}:{}: duplicate key \"{}\" in [{}] (first set on line {})",
                                        m_file.path, lineno, key, m_section->name, v.line),
                            "keep one of them; the AWS CLI rejects this file too");
        m_section->entries.emplace_back(key, IniValue{std::string(strip(value.substr(delim + 1))), lineno, {}});
        m_option = &m_section->entries.back().second;
        return {};
    }

    static void append(IniValue* v, std::string_view part, int lineno) {
        if (v->lines.empty()) v->lines.push_back(v->line);  // kept only for multi-line values
        v->value += '\n';
        v->value += part;
        v->lines.push_back(lineno);
    }

    /// configparser joins the parts and rstrips, which drops trailing blank lines.
    static void trim_value(IniValue& v) {
        if (v.lines.empty()) return;  // a single line was stripped when it was read
        v.value = std::string(py_rstrip(v.value));
        size_t parts = static_cast<size_t>(std::count(v.value.begin(), v.value.end(), '\n')) + 1;
        if (v.lines.size() > parts) v.lines.resize(parts);
    }

    std::unexpected<Error> error(int lineno, std::string_view what, std::string hint = {}) const {
        return fail(fmt::format("{}:{}: {}", m_file.path, lineno, what), std::move(hint));
    }

    IniFile m_file;
    std::unordered_map<std::string_view, int> m_seen;  ///< section name -> line of its header
    bool m_ascii;
    std::vector<int> m_blank_lines;  ///< blank lines after the current option, not yet known to be inside it
    IniSection m_defaults{"DEFAULT", 0, {}};
    IniSection* m_section = nullptr;
    IniValue* m_option = nullptr;
    size_t m_indent = 0;
};

}  // namespace

const IniValue* IniSection::find(std::string_view key) const {
    std::string lowered = to_lower(key);
    for (const auto& [k, v] : entries)
        if (k == lowered) return &v;
    return nullptr;
}

const IniSection* IniFile::find(std::string_view name) const {
    for (const auto& section : sections)
        if (section.name == name) return &section;
    return nullptr;
}

Result<IniFile> parse_ini(std::string_view text, std::string path) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    Parser parser(std::move(path), is_ascii(text));
    int lineno = 0;
    for (std::string_view raw : file_lines(text)) SESAME_TRY(parser.line(raw, ++lineno));
    return std::move(parser).finish();
}

Result<std::vector<std::pair<std::string, std::string>>> parse_nested(const IniValue& v,
                                                                      const std::string& path) {
    std::vector<std::pair<std::string, std::string>> out;
    size_t part = 0, start = 0;
    std::string_view text = v.value;
    for (size_t i = 0; i <= text.size();) {
        size_t brk = i < text.size() ? splitlines_break_at(text, i) : 1;
        if (brk == 0) {
            ++i;
            continue;
        }
        int lineno = part < v.lines.size() ? v.lines[part] : v.line;
        if (i < text.size() && text[i] == '\n') ++part;
        std::string_view line = py_strip(text.substr(start, i - start));
        i += brk;
        start = i;
        if (line.empty()) continue;
        size_t eq = line.find('=');
        if (eq == std::string_view::npos)
            return fail(fmt::format("{}:{}: expected \"key = value\" in the indented block", path, lineno),
                        "each indented line under a key such as \"s3 =\" must be a \"key = value\" pair");
        std::string key(py_strip(line.substr(0, eq)));
        std::string value(py_strip(line.substr(eq + 1)));
        auto it = std::find_if(out.begin(), out.end(), [&](const auto& kv) { return kv.first == key; });
        if (it != out.end())
            it->second = std::move(value);
        else
            out.emplace_back(std::move(key), std::move(value));
    }
    return out;
}

}  // namespace sesame
