#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "util/strings.hpp"

/// Python's text rules as configparser applies them to a config file (str.isspace and strip,
/// UTF-8, the line breaks of file iteration and of str.splitlines), and the scanners the INI
/// reader (config/ini.cpp) builds on them. The inline ones run once or more per line of files with
/// 10,000+ sections.
namespace sesame::ini_text {

/// Byte length of the UTF-8 sequence at s[i] if it is a character Python's str.isspace() accepts
/// (configparser strips with str.strip() and measures indentation with \S), else 0.
size_t space_at(std::string_view s, size_t i);

/// str.rstrip() and str.strip(): without Python's whitespace (space_at) at the ends.
std::string_view py_rstrip(std::string_view s);
std::string_view py_strip(std::string_view s);

/// Indentation in characters, as configparser compares it (a tab counts as one).
size_t indent_of(std::string_view line);

/// Python decodes the file as UTF-8 and botocore reports a decode error as a parse error.
bool valid_utf8(std::string_view s);

/// Whether no byte of `s` is above 0x7F.
bool is_ascii(std::string_view s);

/// Length of a line break Python's str.splitlines() splits on at s[i], else 0.
size_t splitlines_break_at(std::string_view s, size_t i);

/// Whether _parse_nested accepts one stripped continuation line of a block: every piece that
/// str.splitlines() makes of it is blank or holds '='.
bool nested_line_ok(std::string_view line);

/// Python's str.lower() of valid UTF-8 text, as configparser applies it to keys: ASCII as usual,
/// the rest by Python's Unicode tables (config/unicode_tables), with its two special cases:
/// U+0130 becomes "i\u0307", and a capital sigma ending a word becomes the final sigma (a letter
/// counts as cased when it has a case mapping; case-ignorable marks are not skipped).
std::string py_lower(std::string_view s);
/// Python's int() of a string: surrounding whitespace (str.strip), an optional sign, then digits
/// of any Unicode script, single underscores allowed between them. nullopt where int() raises
/// ValueError (or the value does not fit in 64 bits).
std::optional<long long> py_int(std::string_view s);
/// A word at a time with murmur's finaliser: cheaper than std::hash on 10,000+ section names.
uint32_t hash_name(std::string_view s);

/// The ASCII subset of space_at, for files with no byte above 0x7F (nearly all of them):
/// \t \n \v \f \r, \x1c-\x1f and ' '.
constexpr auto k_ascii_space = [] {
    std::array<bool, 256> table{};
    for (int c = 0x09; c <= 0x0D; ++c) table[c] = true;
    for (int c = 0x1C; c <= 0x20; ++c) table[c] = true;
    return table;
}();

inline bool ascii_space(char c) {
    return k_ascii_space[static_cast<unsigned char>(c)];
}

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

constexpr size_t k_none = std::string_view::npos;
constexpr uint64_t k_ones = 0x0101010101010101ULL;

/// The high bit of each byte of `w` that is zero, and maybe of bytes above such a byte: the
/// lowest bit set always marks a zero byte.
constexpr uint64_t zero_bytes(uint64_t w) {
    return (w - k_ones) & ~w & (k_ones * 0x80);
}

/// The lines of text[begin, end) as Python's text-mode iteration splits them: at \n, \r\n and \r.
class Lines {
  public:
    Lines(std::string_view text, size_t begin, bool has_cr) : m_text(text), m_pos(begin), m_has_cr(has_cr) {}

    /// The next line without its break; false at the end.
    bool next(std::string_view& line) {
        const char* s = m_text.data();
        size_t end = m_text.size(), stop = m_pos;
        if (m_pos >= end) return false;
        if (!m_has_cr) {
            const void* newline = std::memchr(s + m_pos, '\n', end - m_pos);
            stop = newline ? static_cast<size_t>(static_cast<const char*>(newline) - s) : end;
        } else {
            while (stop < end && s[stop] != '\n' && s[stop] != '\r') ++stop;
        }
        line = {s + m_pos, stop - m_pos};
        m_pos = stop == end ? end : stop + 1;
        if (m_has_cr && stop < end && s[stop] == '\r' && m_pos < end && s[m_pos] == '\n') ++m_pos;
        return true;
    }

  private:
    std::string_view m_text;
    size_t m_pos;
    bool m_has_cr;
};

/// The first '=' or ':' (configparser's delimiters), or k_none; eight bytes at a time where the
/// byte order allows.
inline size_t delimiter(std::string_view s) {
    size_t i = 0;
    if constexpr (std::endian::native == std::endian::little) {
        for (uint64_t w; i + sizeof w <= s.size(); i += sizeof w) {
            std::memcpy(&w, s.data() + i, sizeof w);
            if (uint64_t found = zero_bytes(w ^ (k_ones * '=')) | zero_bytes(w ^ (k_ones * ':')))
                return i + static_cast<size_t>(std::countr_zero(found)) / 8;
        }
    }
    for (; i < s.size(); ++i)
        if (s[i] == '=' || s[i] == ':') return i;
    return k_none;
}

/// configparser's SECTCRE `\[(?P<header>.+)\]`, matched at the start: the name runs to the last
/// ']' and anything after it is ignored ("[profile x] junk" is section "profile x").
inline std::optional<std::string_view> section_header(std::string_view value) {
    if (value.front() != '[') return std::nullopt;
    size_t close = value.rfind(']');
    if (close == std::string_view::npos || close < 2) return std::nullopt;
    return value.substr(1, close - 1);
}

/// The parts of `value` before and after position `delim`, without copying or bounds checks.
inline std::string_view before(std::string_view value, size_t delim) {
    return {value.data(), delim};
}
inline std::string_view after(std::string_view value, size_t delim) {
    return {value.data() + delim + 1, value.size() - delim - 1};
}

/// Keys compare as their to_lower() forms do: ASCII letters without case.
inline bool same_key(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

/// The name configparser gives a key (str.lower()): the ASCII fast path, else py_lower.
inline std::string key_name(std::string_view key) {
    return is_ascii(key) ? to_lower(key) : py_lower(key);
}

/// Whether two keys as written are the same option to configparser (str.lower() equal).
inline bool same_option(std::string_view a, std::string_view b) {
    if (is_ascii(a) && is_ascii(b)) return same_key(a, b);
    return py_lower(a) == py_lower(b);
}

}  // namespace sesame::ini_text
