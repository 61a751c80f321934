#include "config/ini.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <mutex>
#include <optional>

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

/// The ASCII subset of space_at, for files with no byte above 0x7F (nearly all of them):
/// \t \n \v \f \r, \x1c-\x1f and ' '.
constexpr auto k_ascii_space = [] {
    std::array<bool, 256> table{};
    for (int c = 0x09; c <= 0x0D; ++c) table[c] = true;
    for (int c = 0x1C; c <= 0x20; ++c) table[c] = true;
    return table;
}();

inline bool ascii_space(char c) { return k_ascii_space[static_cast<unsigned char>(c)]; }

inline std::string_view ascii_strip(std::string_view s) {
    const char *b = s.data(), *e = b + s.size();
    while (b < e && ascii_space(*b)) ++b;
    while (e > b && ascii_space(e[-1])) --e;
    return {b, static_cast<size_t>(e - b)};
}

inline std::string_view ascii_rstrip(std::string_view s) {
    const char *b = s.data(), *e = b + s.size();
    while (e > b && ascii_space(e[-1])) --e;
    return {b, static_cast<size_t>(e - b)};
}

/// Eight bytes at a time: this reads whole files of 10,000+ sections.
bool is_ascii(std::string_view s) {
    uint64_t any = 0;
    size_t i = 0;
    for (uint64_t w[4]; i + sizeof w <= s.size(); i += sizeof w) {
        std::memcpy(w, s.data() + i, sizeof w);
        any |= w[0] | w[1] | w[2] | w[3];
    }
    for (; i < s.size(); ++i) any |= static_cast<unsigned char>(s[i]);
    return (any & 0x8080808080808080ULL) == 0;
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


/// configparser's view of a line: stripped text and indentation by Python's whitespace rules, or
/// their ASCII subset when the file has no byte above 0x7F (nearly all files).
struct Syntax {
    bool ascii = true;

    std::string_view strip(std::string_view s) const { return ascii ? ascii_strip(s) : py_strip(s); }
    std::string_view rstrip(std::string_view s) const { return ascii ? ascii_rstrip(s) : py_rstrip(s); }
    /// Indentation in characters (a tab counts as one) of `raw`, whose stripped text is `value`.
    size_t indent(std::string_view raw, std::string_view value) const {
        return ascii ? static_cast<size_t>(value.data() - raw.data()) : indent_of(raw);
    }
};

/// The lines of text[begin, end) as Python's text-mode iteration splits them: at \n, \r\n and \r.
class Lines {
  public:
    Lines(std::string_view text, size_t begin, size_t end, bool has_cr)
        : m_text(text), m_pos(begin), m_end(end), m_has_cr(has_cr) {}

    /// The next line without its break; false at the end.
    bool next(std::string_view& line) {
        if (m_pos >= m_end) return false;
        m_start = m_pos;
        size_t stop = m_pos;
        if (!m_has_cr) {
            const void* nl = std::memchr(m_text.data() + m_pos, '\n', m_end - m_pos);
            stop = nl ? static_cast<size_t>(static_cast<const char*>(nl) - m_text.data()) : m_end;
        } else {
            while (stop < m_end && m_text[stop] != '\n' && m_text[stop] != '\r') ++stop;
        }
        m_pos = stop == m_end ? m_end : stop + 1;
        if (m_has_cr && stop < m_end && m_text[stop] == '\r' && m_pos < m_end && m_text[m_pos] == '\n') ++m_pos;
        line = {m_text.data() + m_start, stop - m_start};
        return true;
    }

    size_t start() const { return m_start; }  ///< where the last line begins
    size_t pos() const { return m_pos; }      ///< where the next line begins

  private:
    std::string_view m_text;
    size_t m_pos, m_end, m_start = 0;
    bool m_has_cr;
};

/// configparser's SECTCRE `\[(?P<header>.+)\]`, matched at the start: the name runs to the last
/// ']' and anything after it is ignored ("[profile x] junk" is section "profile x").
std::optional<std::string_view> section_header(std::string_view value) {
    if (value.front() != '[') return std::nullopt;
    size_t close = value.rfind(']');
    if (close == std::string_view::npos || close < 2) return std::nullopt;
    return value.substr(1, close - 1);
}

/// The first '=' or ':', or npos; eight bytes at a time where the byte order allows.
size_t delimiter(std::string_view s) {
    constexpr uint64_t k_ones = 0x0101010101010101ULL, k_highs = k_ones * 0x80;
    size_t i = 0;
    if constexpr (std::endian::native == std::endian::little) {
        for (uint64_t w; i + sizeof w <= s.size(); i += sizeof w) {
            std::memcpy(&w, s.data() + i, sizeof w);
            uint64_t eq = w ^ (k_ones * '='), colon = w ^ (k_ones * ':');
            // The lowest byte flagged is always a real match (a false one needs a real one below).
            if (uint64_t found = (((eq - k_ones) & ~eq) | ((colon - k_ones) & ~colon)) & k_highs)
                return i + static_cast<size_t>(std::countr_zero(found)) / 8;
        }
    }
    for (; i < s.size(); ++i)
        if (s[i] == '=' || s[i] == ':') return i;
    return std::string_view::npos;
}

/// The parts of `value` before and after position `delim`, without copying or bounds checks.
std::string_view before(std::string_view value, size_t delim) { return {value.data(), delim}; }
std::string_view after(std::string_view value, size_t delim) {
    return {value.data() + delim + 1, value.size() - delim - 1};
}

/// Keys compare as their to_lower() forms do: ASCII letters without case.
bool same_key(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

/// Whether _parse_nested accepts one stripped continuation line of a block: every piece that
/// str.splitlines() makes of it is blank or holds '='.
bool nested_line_ok(std::string_view line) {
    size_t start = 0;
    for (size_t i = 0; i <= line.size();) {
        size_t brk = i < line.size() ? splitlines_break_at(line, i) : 1;
        if (brk == 0) {
            ++i;
            continue;
        }
        std::string_view piece = py_strip(line.substr(start, i - start));
        if (!piece.empty() && piece.find('=') == std::string_view::npos) return false;
        i += brk;
        start = i;
    }
    return true;
}

/// A word at a time with murmur's finaliser: cheaper than std::hash on 10,000+ section names.
uint32_t hash_name(std::string_view s) {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size(), w = 0;
    auto mix = [&](uint64_t word) {
        h = (h ^ word) * 0xFF51AFD7ED558CCDULL;
        h ^= h >> 32;
    };
    size_t i = 0;
    for (; i + sizeof w < s.size(); i += sizeof w) {
        std::memcpy(&w, s.data() + i, sizeof w);
        mix(w);
    }
    w = 0;  // the last 1 to 8 bytes, as the last word when there are 8
    size_t tail = std::min(s.size(), sizeof w);
    std::memcpy(&w, s.data() + s.size() - tail, tail);
    mix(w);
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ULL;
    h ^= h >> 33;
    return static_cast<uint32_t>(h);
}

/// Where a section's header is: its name is text[offset, offset + size); `line` is the header's.
struct Header {
    size_t offset = 0;
    uint32_t size = 0;
    int line = 0;
};

constexpr size_t k_none = std::string_view::npos;

/// What parsing keeps of a file besides its text: where each header is, and the section names
/// in an open-addressing table (one allocation, where a node-based map needs one per name).
class Layout {
  public:
    std::string_view text;
    std::vector<Header> sections;  ///< file order
    std::vector<Header> defaults;  ///< each [DEFAULT] header, file order
    bool nested_suspect = false;   ///< a nested block may be malformed: check_nested looks closer

    std::string_view name(const Header& h) const { return {text.data() + h.offset, h.size}; }

    void reserve(size_t n) {
        sections.reserve(n);
        rehash(n);
    }

    /// The position of the section named `name`, or k_none.
    size_t find(std::string_view name) const {
        size_t mask = m_slots.size() - 1;
        for (size_t i = hash_name(name) & mask; !m_slots.empty() && m_slots[i] != 0; i = (i + 1) & mask)
            if (this->name(sections[m_slots[i] - 1]) == name) return m_slots[i] - 1;
        return k_none;
    }

    /// Appends a section and returns k_none, or returns the position of the one of that name.
    size_t add(Header h) {
        if ((sections.size() + 1) * 4 > m_slots.size() * 3) rehash(sections.size() * 2 + 1);
        std::string_view n = name(h);
        size_t mask = m_slots.size() - 1, i = hash_name(n) & mask;
        for (; m_slots[i] != 0; i = (i + 1) & mask)
            if (name(sections[m_slots[i] - 1]) == n) return m_slots[i] - 1;
        sections.push_back(h);
        m_slots[i] = static_cast<uint32_t>(sections.size());
        return k_none;
    }

  private:
    /// Makes room for `n` names with the table at most 3/4 full.
    void rehash(size_t n) {
        size_t slots = 16;
        while (slots * 3 < n * 4) slots *= 2;
        if (slots <= m_slots.size()) return;
        m_slots.assign(slots, 0);
        for (size_t k = 0; k < sections.size(); ++k) {
            size_t i = hash_name(name(sections[k])) & (slots - 1);
            while (m_slots[i] != 0) i = (i + 1) & (slots - 1);
            m_slots[i] = static_cast<uint32_t>(k + 1);
        }
    }

    std::vector<uint32_t> m_slots;  ///< 0 = empty, else 1 + position in sections; a power of two
};

/// One pass of configparser._read's state machine over the whole text: fails on the first
/// problem, and records where each section is without storing its entries or allocating per line.
class Validator {
  public:
    Validator(const std::string& path, Syntax syntax, Layout& layout)
        : m_path(path), m_syntax(syntax), m_layout(layout) {}

    Result<void> run(size_t begin, bool has_cr) {
        Lines lines(m_layout.text, begin, m_layout.text.size(), has_cr);
        std::string_view raw;
        for (int lineno = 1; lines.next(raw); ++lineno) SESAME_TRY(line(raw, lineno));
        return {};
    }

  private:
    struct Key {
        std::string_view name;  ///< as written; compared with same_key
        int line;
    };

    Result<void> line(std::string_view raw, int lineno) {
        if (!m_syntax.ascii && !valid_utf8(raw)) return error(lineno, "not valid UTF-8 text");
        std::string_view value = m_syntax.strip(raw);
        // Blank lines matter only to the values they sit in, which are built on lookup.
        if (value.empty() || value[0] == '#' || value[0] == ';') return {};
        size_t indent = m_syntax.indent(raw, value);
        if (m_in_option && indent > m_indent) {
            if (m_option_empty && !nested_line_ok(value)) m_layout.nested_suspect = true;
            return {};
        }
        m_indent = indent;
        if (value[0] == '[')
            if (auto header = section_header(value)) return start_section(*header, lineno);
        if (!m_keys)
            return error(lineno, "a setting appears before any [section] header",
                         "start the file with a section such as [default] or [profile NAME]");
        return option(value, lineno);
    }

    Result<void> start_section(std::string_view name, int lineno) {
        m_in_option = false;
        m_section = name;
        Header header{static_cast<size_t>(name.data() - m_layout.text.data()), static_cast<uint32_t>(name.size()),
                      lineno};
        if (name == "DEFAULT") {
            m_layout.defaults.push_back(header);
            m_keys = &m_default_keys;  // one [DEFAULT] may continue another
            return {};
        }
        if (size_t first = m_layout.add(header); first != k_none)
            return fail(fmt::format("{}:{}: duplicate section [{}] (first on line {})", m_path, lineno, name,
                                    m_layout.sections[first].line),
                        "merge the two sections; the AWS CLI rejects this file too");
        m_section_keys.clear();
        m_keys = &m_section_keys;
        return {};
    }

    Result<void> option(std::string_view value, int lineno) {
        size_t delim = delimiter(value);
        if (delim == std::string_view::npos)
            return error(lineno, "expected \"key = value\", a [section] header or a comment",
                         "indent a line further than its key to continue that key's value");
        std::string_view key = m_syntax.rstrip(before(value, delim));
        if (key.empty()) return error(lineno, fmt::format("missing key before \"{}\"", value[delim]));
        for (const Key& existing : *m_keys)
            if (existing.name.size() == key.size() && same_key(existing.name, key))
                return fail(fmt::format("{}:{}: duplicate key \"{}\" in [{}] (first set on line {})", m_path,
                                        lineno, to_lower(key), m_section, existing.line),
                            "keep one of them; the AWS CLI rejects this file too");
        m_keys->push_back({key, lineno});
        m_in_option = true;
        m_option_empty = m_syntax.strip(after(value, delim)).empty();
        return {};
    }

    std::unexpected<Error> error(int lineno, std::string_view what, std::string hint = {}) const {
        return fail(fmt::format("{}:{}: {}", m_path, lineno, what), std::move(hint));
    }

    const std::string& m_path;
    Syntax m_syntax;
    Layout& m_layout;
    std::string_view m_section;          ///< the current section's name
    std::vector<Key>* m_keys = nullptr;  ///< the current section's keys; null before any section
    std::vector<Key> m_section_keys;
    std::vector<Key> m_default_keys;
    bool m_in_option = false;     ///< a key was set since the last header: deeper lines continue it
    bool m_option_empty = false;  ///< ...with nothing after its delimiter: a nested block
    size_t m_indent = 0;
};

void append(IniValue& v, std::string_view part, int lineno) {
    if (v.lines.empty()) v.lines.push_back(v.line);  // kept only for multi-line values
    v.value += '\n';
    v.value += part;
    v.lines.push_back(lineno);
}

/// configparser joins a value's parts and rstrips, which drops trailing blank lines.
void trim_values(IniSection& section) {
    for (auto& [key, v] : section.entries) {
        if (v.lines.empty()) continue;  // a single line was stripped when it was read
        v.value.resize(py_rstrip(v.value).size());
        size_t parts = static_cast<size_t>(std::count(v.value.begin(), v.value.end(), '\n')) + 1;
        if (v.lines.size() > parts) v.lines.resize(parts);
    }
}

}  // namespace

struct IniFile::State {
    std::string text;
    std::string path;
    Syntax syntax;
    bool has_cr = false;
    Layout layout;
    std::mutex mutex;  ///< guards the sections built so far
    std::vector<std::unique_ptr<IniSection>> built;  ///< by position; sized on first lookup
    std::unique_ptr<IniSection> defaults;

    /// Appends the entries of the validated section at `header` to `out` as configparser stores
    /// them: its lines run from the one after the header to the next header.
    void add_entries(const Header& header, IniSection& out) const {
        Lines lines(text, header.offset, text.size(), has_cr);
        std::string_view raw;
        lines.next(raw);  // the rest of the header line
        IniValue* option = nullptr;
        size_t option_indent = 0;
        std::vector<int> blank_lines;  // after the option, not yet known to be inside its value
        for (int lineno = header.line + 1; lines.next(raw); ++lineno) {
            std::string_view value = syntax.strip(raw);
            if (value.empty() || value[0] == '#' || value[0] == ';') {
                // configparser keeps blank lines inside a value (trimmed from its end later), but
                // a comment line leaves the value untouched.
                if (value.empty() && option) blank_lines.push_back(lineno);
                continue;
            }
            size_t indent = syntax.indent(raw, value);
            if (option && indent > option_indent) {
                for (int blank : blank_lines) append(*option, "", blank);
                blank_lines.clear();
                append(*option, value, lineno);
                continue;
            }
            if (section_header(value)) break;
            blank_lines.clear();
            option_indent = indent;
            size_t delim = delimiter(value);  // validated: there is one, with a key before it
            auto& entry = out.entries.emplace_back(to_lower(syntax.rstrip(before(value, delim))),
                                                   IniValue{std::string(syntax.strip(after(value, delim))), lineno, {}});
            option = &entry.second;
        }
    }

    std::unique_ptr<IniSection> build(size_t i) {
        const Header& header = layout.sections[i];
        auto section = std::make_unique<IniSection>(IniSection{std::string(layout.name(header)), header.line, {}});
        add_entries(header, *section);
        trim_values(*section);
        if (!defaults) {
            defaults = std::make_unique<IniSection>(IniSection{"DEFAULT", 0, {}});
            for (const Header& h : layout.defaults) add_entries(h, *defaults);
            trim_values(*defaults);
        }
        // [DEFAULT] supplies every key a section does not set itself, after the section's own.
        size_t own = section->entries.size();
        for (const auto& [key, value] : defaults->entries)
            if (std::none_of(section->entries.begin(), section->entries.begin() + static_cast<ptrdiff_t>(own),
                             [&](const auto& e) { return e.first == key; }))
                section->entries.emplace_back(key, value);
        return section;
    }
};

const IniValue* IniSection::find(std::string_view key) const {
    for (const auto& [k, v] : entries)  // keys are stored lowercased
        if (same_key(k, key)) return &v;
    return nullptr;
}

IniFile::IniFile() = default;
IniFile::IniFile(IniFile&&) noexcept = default;
IniFile& IniFile::operator=(IniFile&&) noexcept = default;
IniFile::~IniFile() = default;

const std::string& IniFile::path() const {
    static const std::string k_no_path;
    return m_state ? m_state->path : k_no_path;
}

size_t IniFile::size() const { return m_state ? m_state->layout.sections.size() : 0; }

std::string_view IniFile::name(size_t i) const { return m_state->layout.name(m_state->layout.sections[i]); }

std::optional<size_t> IniFile::index_of(std::string_view name) const {
    size_t i = m_state ? m_state->layout.find(name) : k_none;
    return i == k_none ? std::nullopt : std::optional(i);
}

const IniSection& IniFile::section(size_t i) const {
    State& s = *m_state;
    std::lock_guard lock(s.mutex);
    if (s.built.empty()) s.built.resize(s.layout.sections.size());
    if (!s.built[i]) s.built[i] = s.build(i);
    return *s.built[i];
}

const IniSection* IniFile::find(std::string_view name) const {
    auto i = index_of(name);
    return i ? &section(*i) : nullptr;
}

Result<void> IniFile::check_nested() const {
    if (!m_state || !m_state->layout.nested_suspect) return {};
    for (size_t i = 0; i < size(); ++i)
        for (const auto& [key, value] : section(i).entries)
            if (value.value.starts_with('\n')) SESAME_TRY(parse_nested(value, path()));
    return {};
}

Result<IniFile> parse_ini(std::string text, std::string path) {
    IniFile file;
    file.m_state = std::make_unique<IniFile::State>();
    IniFile::State& s = *file.m_state;
    s.text = std::move(text);
    s.path = std::move(path);
    std::string_view body = s.text;
    size_t begin = body.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    body.remove_prefix(begin);
    s.syntax.ascii = is_ascii(body);
    s.has_cr = body.find('\r') != std::string_view::npos;
    s.layout.text = s.text;
    size_t headers = 0;  // a guess, to size the index once: lines that start with '['
    for (const char* p = body.data(); (p = static_cast<const char*>(std::memchr(p, '[', body.data() + body.size() - p)));
         ++p)
        headers += p == body.data() || p[-1] == '\n' || p[-1] == '\r';
    s.layout.reserve(headers);
    SESAME_TRY(Validator(s.path, s.syntax, s.layout).run(begin, s.has_cr));
    return file;
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
