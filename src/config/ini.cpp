#include "config/ini.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "config/ini_text.hpp"
#include "util/strings.hpp"

namespace sesame {

namespace {

using namespace ini_text;

/// Where a section's header is: its name is text[offset, offset + size); `line` is the header's.
struct Header {
    size_t offset = 0;
    uint32_t size = 0;
    int line = 0;
};

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
        uint32_t hash = hash_name(name);
        size_t mask = m_slots.size() - 1;
        for (size_t i = hash & mask; !m_slots.empty() && m_slots[i].position != 0; i = (i + 1) & mask)
            if (m_slots[i].hash == hash && this->name(sections[m_slots[i].position - 1]) == name)
                return m_slots[i].position - 1;
        return k_none;
    }

    /// Appends a section and returns k_none, or returns the position of the one of that name.
    size_t add(Header h) {
        if ((sections.size() + 1) * 4 > m_slots.size() * 3) rehash(sections.size() * 2 + 1);
        std::string_view n = name(h);
        uint32_t hash = hash_name(n);
        size_t mask = m_slots.size() - 1, i = hash & mask;
        for (; m_slots[i].position != 0; i = (i + 1) & mask)
            if (m_slots[i].hash == hash && name(sections[m_slots[i].position - 1]) == n)
                return m_slots[i].position - 1;
        sections.push_back(h);
        m_slots[i] = {static_cast<uint32_t>(sections.size()), hash};
        return k_none;
    }

  private:
    /// Makes room for `n` names with the table at most 3/4 full.
    void rehash(size_t n) {
        size_t slots = 16;
        while (slots * 3 < n * 4) slots *= 2;
        if (slots <= m_slots.size()) return;
        std::vector<Slot> old = std::exchange(m_slots, std::vector<Slot>(slots));
        for (const Slot& slot : old) {
            if (slot.position == 0) continue;
            size_t i = slot.hash & (slots - 1);
            while (m_slots[i].position != 0) i = (i + 1) & (slots - 1);
            m_slots[i] = slot;
        }
    }

    /// The hash spares a look at the header and the text (cache misses) for other names.
    struct Slot {
        uint32_t position = 0;  ///< 0 = empty, else 1 + position in sections
        uint32_t hash = 0;
    };
    std::vector<Slot> m_slots;  ///< a power of two of them
};

/// One pass of configparser._read's state machine over the whole text: fails on the first
/// problem, and records where each section is without storing its entries or allocating per line.
class Validator {
  public:
    Validator(const std::string& path, Syntax syntax, Layout& layout)
        : m_path(path), m_syntax(syntax), m_layout(layout) {}

    Result<void> run(size_t begin, bool has_cr) {
        Lines lines(m_layout.text, begin, has_cr);
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
        if (value[0] == '[') {
            if (auto header = section_header(value)) return start_section(*header, lineno);
            // Not a header, and (without "=" or ":") not a setting either: botocore refuses it too.
            // (The line is not echoed: a mangled line of a credentials file may hold a secret.)
            if (delimiter(value) == k_none && value.find(']') == std::string_view::npos)
                return error(lineno, "a section header without its closing \"]\"",
                             "end the header with \"]\", as in [profile NAME]");
        }
        if (!m_keys)
            return error(lineno, "a setting appears before any [section] header",
                         "start the file with a section such as [default] or [profile NAME]");
        return option(value, lineno);
    }

    Result<void> start_section(std::string_view name, int lineno) {
        m_in_option = false;
        m_section = name;
        if (name.size() > UINT32_MAX) return error(lineno, "a section name longer than 4 GiB");
        Header header{static_cast<size_t>(name.data() - m_layout.text.data()),
                      static_cast<uint32_t>(name.size()), lineno};
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
        if (delim == k_none)
            return error(lineno, "expected \"key = value\", a [section] header or a comment",
                         "indent a line further than its key to continue that key's value");
        std::string_view key = m_syntax.rstrip(before(value, delim));
        if (key.empty()) return error(lineno, fmt::format("missing key before \"{}\"", value[delim]));
        for (const Key& existing : *m_keys)
            if (same_option(existing.name, key))
                return fail(fmt::format("{}:{}: duplicate key \"{}\" in [{}] (first set on line {})", m_path,
                                        lineno, key_name(key), m_section, existing.line),
                            "keep one of them; the AWS CLI rejects this file too");
        m_keys->push_back({key, lineno});
        m_in_option = true;
        m_option_empty = delim + 1 == value.size();  // `value` is stripped: it ends in a non-space
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

/// Appends the entries of the section whose name starts at text[offset] (on line `line`) to `out`
/// as configparser stores them: its lines run from the one after the header to the next header or
/// the end of `text`. False on a line the Validator refuses (no key, no delimiter), which a
/// validated text never has: a sparse file's text came from where an index said, which may lie.
bool add_entries(std::string_view text, size_t offset, int line, Syntax syntax, bool has_cr,
                 IniSection& out) {
    Lines lines(text, offset, has_cr);
    std::string_view raw;
    lines.next(raw);  // the rest of the header line
    IniValue* option = nullptr;
    size_t option_indent = 0;
    std::vector<int> blank_lines;  // after the option, not yet known to be inside its value
    for (int lineno = line + 1; lines.next(raw); ++lineno) {
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
        size_t delim = delimiter(value);
        std::string_view key = delim == k_none ? std::string_view() : syntax.rstrip(before(value, delim));
        if (key.empty()) return false;
        auto& entry = out.entries.emplace_back(
            key_name(key), IniValue{std::string(syntax.strip(after(value, delim))), lineno, {}});
        option = &entry.second;
    }
    return true;
}

/// Whether every line of a section at `place` has an int line number: its header's is positive,
/// and it has at most one line per byte (plus its header's and the last).
bool numbered(const IniPlace& place) {
    return place.line > 0 && place.end >= place.offset &&
           place.end - place.offset + 2 <= static_cast<uint64_t>(INT_MAX - place.line);
}

}  // namespace

struct IniFile::State {
    std::string text;
    std::string path;
    Syntax syntax;
    bool has_cr = false;
    Layout layout;
    /// A sparse file's source (sparse_ini); then text and layout stay empty.
    std::unique_ptr<IniSource> source;
    std::mutex mutex;  ///< guards what follows: the sections built so far, a sparse file's names
    /// By position: a map, as a run looks up a few of the 10,000 (an array would be all zeroes).
    std::unordered_map<size_t, std::unique_ptr<IniSection>> built;
    std::unique_ptr<IniSection> defaults;
    std::unordered_map<size_t, std::string> names;  ///< a sparse file's names read so far
    bool damaged = false;

    /// A sparse file's bytes for the section at `place` named `name`: from its '[' to its end,
    /// checked to hold that header where the index says (the name's ']' the last of its line);
    /// nullopt (and damaged) otherwise.
    std::optional<std::string> sparse_text(const std::optional<IniPlace>& place, std::string_view name) {
        std::optional<std::string> text;
        if (place && place->offset > 0 && !name.empty() && place->size == name.size() && numbered(*place))
            text = source->text(place->offset - 1, place->end);
        if (text && text->size() >= name.size() + 2 && (*text)[0] == '[' &&
            std::string_view(*text).substr(1, name.size()) == name && (*text)[name.size() + 1] == ']') {
            std::string_view rest = std::string_view(*text).substr(name.size() + 2);
            if (rest.substr(0, rest.find_first_of("\r\n")).find(']') == std::string_view::npos) return text;
        }
        damaged = true;
        return std::nullopt;
    }

    std::unique_ptr<IniSection> build_sparse(size_t i) {
        auto section = std::make_unique<IniSection>();
        auto name = source->name(i);
        auto place = source->place(i);
        auto text = name ? sparse_text(place, *name) : std::nullopt;
        if (!text) {
            damaged = true;
            return section;  // no name: looks absent
        }
        section->name = std::move(*name);
        section->line = place->line;
        if (!add_entries(*text, 1, place->line, syntax, has_cr, *section)) {
            damaged = true;
            return std::make_unique<IniSection>();  // not the section the index says: looks absent
        }
        return section;
    }

    std::unique_ptr<IniSection> build_defaults() {
        auto section = std::make_unique<IniSection>(IniSection{"DEFAULT", 0, {}});
        if (!source) {
            for (const Header& h : layout.defaults)
                (void)add_entries(text, h.offset, h.line, syntax, has_cr, *section);  // validated
        } else if (auto places = source->defaults()) {
            for (const IniPlace& place : *places)
                if (auto part = sparse_text(place, "DEFAULT");
                    part && !add_entries(*part, 1, place.line, syntax, has_cr, *section))
                    damaged = true;
        } else {
            damaged = true;
        }
        trim_values(*section);
        return section;
    }

    /// Where each of `headers` is, its text ending where the next header's line starts
    /// ([DEFAULT]s included).
    std::vector<IniPlace> places_of(const std::vector<Header>& headers) const {
        std::vector<size_t> starts;
        starts.reserve(layout.sections.size() + layout.defaults.size());
        for (const auto* all : {&layout.sections, &layout.defaults})
            for (const Header& h : *all) {
                size_t begin = h.offset - 1;  // the '['
                while (begin > 0 && text[begin - 1] != '\n' && text[begin - 1] != '\r') --begin;
                starts.push_back(begin);
            }
        std::sort(starts.begin(), starts.end());
        std::vector<IniPlace> out;
        out.reserve(headers.size());
        for (const Header& h : headers) {
            auto next = std::upper_bound(starts.begin(), starts.end(), h.offset);
            out.push_back({h.offset, next == starts.end() ? text.size() : *next, h.size, h.line});
        }
        return out;
    }

    std::unique_ptr<IniSection> build(size_t i) {
        std::unique_ptr<IniSection> section;
        if (source) {
            section = build_sparse(i);
            if (section->name.empty()) return section;
        } else {
            const Header& header = layout.sections[i];
            section =
                std::make_unique<IniSection>(IniSection{std::string(layout.name(header)), header.line, {}});
            (void)add_entries(text, header.offset, header.line, syntax, has_cr, *section);  // validated
        }
        trim_values(*section);
        if (!defaults) defaults = build_defaults();
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

size_t IniFile::size() const {
    if (!m_state) return 0;
    return m_state->source ? m_state->source->size() : m_state->layout.sections.size();
}

std::string_view IniFile::name(size_t i) const {
    State& s = *m_state;
    if (!s.source) return s.layout.name(s.layout.sections[i]);
    std::lock_guard lock(s.mutex);
    auto [it, added] = s.names.try_emplace(i);
    if (added) {
        if (auto name = s.source->name(i))
            it->second = std::move(*name);
        else
            s.damaged = true;
    }
    return it->second;
}

std::optional<size_t> IniFile::index_of(std::string_view name) const {
    if (!m_state) return std::nullopt;
    if (m_state->source) return m_state->source->find(name);
    size_t i = m_state->layout.find(name);
    return i == k_none ? std::nullopt : std::optional(i);
}

const IniSection& IniFile::section(size_t i) const {
    State& s = *m_state;
    std::lock_guard lock(s.mutex);
    std::unique_ptr<IniSection>& built = s.built[i];
    if (!built) built = s.build(i);
    return *built;
}

const IniSection* IniFile::readable(size_t i) const {
    const IniSection& found = section(i);
    return found.name.empty() ? nullptr : &found;  // a section name is never empty, but unread
}

const IniSection* IniFile::find(std::string_view name) const {
    auto i = index_of(name);
    return i ? readable(*i) : nullptr;
}

std::vector<IniPlace> IniFile::places() const {
    return m_state && !m_state->source ? m_state->places_of(m_state->layout.sections)
                                       : std::vector<IniPlace>{};
}

std::vector<IniPlace> IniFile::default_places() const {
    return m_state && !m_state->source ? m_state->places_of(m_state->layout.defaults)
                                       : std::vector<IniPlace>{};
}

bool IniFile::ascii() const {
    return !m_state || m_state->syntax.ascii;
}

bool IniFile::has_cr() const {
    return m_state && m_state->has_cr;
}

bool IniFile::damaged() const {
    if (!m_state) return false;
    std::lock_guard lock(m_state->mutex);
    return m_state->damaged || (m_state->source && m_state->source->damaged());
}

IniFile sparse_ini(std::unique_ptr<IniSource> source, std::string path, bool ascii, bool has_cr) {
    IniFile file;
    file.m_state = std::make_unique<IniFile::State>();
    IniFile::State& s = *file.m_state;
    s.source = std::move(source);
    s.path = std::move(path);
    s.syntax.ascii = ascii;
    s.has_cr = has_cr;
    return file;
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
    for (const char* p = body.data();
         (p = static_cast<const char*>(std::memchr(p, '[', body.data() + body.size() - p))); ++p)
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
