#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

/// Little-endian fields, the one byte order of sesame's binary formats: the vault file and its
/// contents, the key agent's messages, the extra bytes of a config index.
namespace sesame::bytes {

/// Appends the low `n` bytes (1 to 8) of `value`, least significant first.
inline void put_le(std::string& out, uint64_t value, int n) {
    for (int i = 0; i < n; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

/// `s` after its length in `length_bytes` bytes.
inline void put_str(std::string& out, std::string_view s, int length_bytes = 4) {
    put_le(out, s.size(), length_bytes);
    out.append(s);
}

/// The `n`-byte field at `offset`; the caller has checked that it is there.
inline uint64_t get_le(std::string_view in, size_t offset, int n) {
    uint64_t value = 0;
    for (int i = 0; i < n; ++i)
        value |= uint64_t{static_cast<unsigned char>(in[offset + static_cast<size_t>(i)])} << (8 * i);
    return value;
}

/// Reads fields in order; a read past the end fails the whole read (ok() turns false and stays
/// so, and reads give zeroes and empty strings).
class Reader {
  public:
    explicit Reader(std::string_view in) : m_in(in) {}
    bool ok() const { return m_ok; }
    bool at_end() const { return m_pos == m_in.size(); }

    uint64_t le(int n) {
        if (!m_ok || m_in.size() - m_pos < static_cast<size_t>(n)) {
            m_ok = false;
            return 0;
        }
        uint64_t v = get_le(m_in, m_pos, n);
        m_pos += static_cast<size_t>(n);
        return v;
    }
    uint32_t u32() { return static_cast<uint32_t>(le(4)); }
    uint64_t u64() { return le(8); }
    /// A string written by put_str with the same `length_bytes`.
    std::string str(int length_bytes = 4) {
        uint64_t n = le(length_bytes);
        if (!m_ok || m_in.size() - m_pos < n) {
            m_ok = false;
            return {};
        }
        std::string s(m_in.substr(m_pos, n));
        m_pos += n;
        return s;
    }

  private:
    std::string_view m_in;
    size_t m_pos = 0;
    bool m_ok = true;
};

}  // namespace sesame::bytes
