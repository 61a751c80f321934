#include "config/ini_text.hpp"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <utility>
#include <vector>

#include "config/unicode_tables.hpp"

namespace sesame::ini_text {

namespace {

/// Byte length of a whitespace character that ends exactly at s[end], else 0.
size_t space_before(std::string_view s, size_t end) {
    for (size_t len = 1; len <= 3 && len <= end; ++len)
        if (space_at(s, end - len) == len) return len;
    return 0;
}

}  // namespace

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

namespace {

/// The code point at s[i] of valid UTF-8 text, and its length.
std::pair<char32_t, size_t> decode_at(std::string_view s, size_t i) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
    unsigned char c = b(0);
    if (c < 0x80) return {c, 1};
    if (c < 0xE0) return {static_cast<char32_t>((c & 0x1F) << 6 | (b(1) & 0x3F)), 2};
    if (c < 0xF0) return {static_cast<char32_t>((c & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F)), 3};
    return {
        static_cast<char32_t>((c & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F)),
        4};
}

void encode(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | cp >> 6);
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | cp >> 12);
        out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | cp >> 18);
        out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
        out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::optional<char32_t> lower_of(char32_t cp) {
    const auto& t = unicode_tables::k_lower;
    auto it = std::lower_bound(t.begin(), t.end(), cp, [](const auto& p, char32_t c) { return p.from < c; });
    if (it != t.end() && it->from == cp) return it->to;
    return std::nullopt;
}

bool cased(char32_t cp) {
    if (lower_of(cp)) return true;
    const auto& t = unicode_tables::k_lower;
    return std::any_of(t.begin(), t.end(), [&](const auto& p) { return p.to == cp; });
}

/// The value of a decimal digit of any script, or -1.
int digit_value(char32_t cp) {
    const auto& z = unicode_tables::k_digit_zeros;
    auto it = std::upper_bound(z.begin(), z.end(), cp);
    if (it == z.begin()) return -1;
    char32_t zero = *(it - 1);
    return cp - zero < 10 ? static_cast<int>(cp - zero) : -1;
}

}  // namespace

std::string py_lower(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    std::vector<char32_t> cps;
    for (size_t i = 0; i < s.size();) {
        auto [cp, n] = decode_at(s, i);
        cps.push_back(cp);
        i += n;
    }
    for (size_t i = 0; i < cps.size(); ++i) {
        char32_t cp = cps[i];
        if (cp < 0x80) {
            out += static_cast<char>(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
        } else if (cp == 0x130) {
            out += 'i';
            encode(0x307, out);
        } else if (cp == 0x3A3) {
            bool final = i > 0 && cased(cps[i - 1]) && !(i + 1 < cps.size() && cased(cps[i + 1]));
            encode(final ? 0x3C2 : 0x3C3, out);
        } else {
            encode(lower_of(cp).value_or(cp), out);
        }
    }
    return out;
}

std::optional<long long> py_int(std::string_view s) {
    s = py_strip(s);
    bool negative = false;
    if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.empty() || !valid_utf8(s)) return std::nullopt;
    unsigned long long value = 0;
    bool after_digit = false;
    for (size_t i = 0; i < s.size();) {
        auto [cp, n] = decode_at(s, i);
        i += n;
        if (cp == '_') {
            if (!after_digit || i >= s.size()) return std::nullopt;  // leading, doubled or trailing
            after_digit = false;
            continue;
        }
        int d = digit_value(cp);
        if (d < 0) return std::nullopt;
        if (value > (static_cast<unsigned long long>(INT64_MAX) - static_cast<unsigned long long>(d)) / 10)
            return std::nullopt;
        value = value * 10 + static_cast<unsigned long long>(d);
        after_digit = true;
    }
    if (!after_digit) return std::nullopt;
    return negative ? -static_cast<long long>(value) : static_cast<long long>(value);
}

}  // namespace sesame::ini_text
