#include "crypto/totp.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstring>
#include <string>

namespace sesame {

namespace {

constexpr std::chrono::seconds k_step{30};
constexpr int k_digits = 6;
constexpr size_t k_block = 64;

/// SHA-1 as RFC 3174 specifies it. Its state is wiped on destruction: under HMAC it holds
/// key-derived bytes.
class Sha1 {
  public:
    ~Sha1() {
        sodium_memzero(m_h, sizeof m_h);
        sodium_memzero(m_block, sizeof m_block);
    }

    void update(std::string_view data) {
        for (char c : data) {
            m_block[m_used++] = static_cast<unsigned char>(c);
            if (m_used == k_block) compress();
        }
        m_bytes += data.size();
    }

    Sha1Digest finish() {
        const std::uint64_t bits = m_bytes * 8;
        m_block[m_used++] = 0x80;
        if (m_used > k_block - 8) {
            std::memset(m_block + m_used, 0, k_block - m_used);
            m_used = k_block;
            compress();
        }
        std::memset(m_block + m_used, 0, k_block - 8 - m_used);
        for (int i = 0; i < 8; ++i) m_block[k_block - 1 - i] = static_cast<unsigned char>(bits >> (8 * i));
        compress();
        Sha1Digest out;
        for (int i = 0; i < 20; ++i) out[i] = static_cast<unsigned char>(m_h[i / 4] >> (24 - 8 * (i % 4)));
        return out;
    }

  private:
    void compress() {
        std::uint32_t w[80];
        for (int i = 0; i < 16; ++i)
            w[i] = std::uint32_t{m_block[4 * i]} << 24 | std::uint32_t{m_block[4 * i + 1]} << 16 |
                   std::uint32_t{m_block[4 * i + 2]} << 8 | std::uint32_t{m_block[4 * i + 3]};
        for (int i = 16; i < 80; ++i) w[i] = std::rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        std::uint32_t a = m_h[0], b = m_h[1], c = m_h[2], d = m_h[3], e = m_h[4];
        for (int i = 0; i < 80; ++i) {
            std::uint32_t f, k;
            if (i < 20) {
                f = (b & c) | (~b & d), k = 0x5A827999;
            } else if (i < 40) {
                f = b ^ c ^ d, k = 0x6ED9EBA1;
            } else if (i < 60) {
                f = (b & c) | (b & d) | (c & d), k = 0x8F1BBCDC;
            } else {
                f = b ^ c ^ d, k = 0xCA62C1D6;
            }
            std::uint32_t t = std::rotl(a, 5) + f + e + k + w[i];
            e = d, d = c, c = std::rotl(b, 30), b = a, a = t;
        }
        m_h[0] += a, m_h[1] += b, m_h[2] += c, m_h[3] += d, m_h[4] += e;
        sodium_memzero(w, sizeof w);
        m_used = 0;
    }

    std::uint32_t m_h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
    unsigned char m_block[k_block] = {};
    size_t m_used = 0;
    std::uint64_t m_bytes = 0;
};

std::string_view as_chars(const Sha1Digest& digest) {
    return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

/// The value of a base32 character, or -1.
int base32_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a';
    if (c >= '2' && c <= '7') return c - '2' + 26;
    return -1;
}

std::int64_t step_of(TimePoint now) {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch());
    auto step = seconds / k_step;
    return seconds.count() < 0 && seconds % k_step != std::chrono::seconds{0} ? step - 1 : step;
}

}  // namespace

Sha1Digest sha1(std::string_view data) {
    Sha1 hash;
    hash.update(data);
    return hash.finish();
}

Sha1Digest hmac_sha1(std::string_view key, std::string_view data) {
    unsigned char pad[k_block] = {};
    Sha1Digest hashed_key{};
    if (key.size() > k_block) {
        hashed_key = sha1(key);
        key = as_chars(hashed_key);
    }
    std::memcpy(pad, key.data(), key.size());
    auto pad_view = std::string_view(reinterpret_cast<const char*>(pad), k_block);

    for (auto& byte : pad) byte ^= 0x36;
    Sha1 inner;
    inner.update(pad_view);
    inner.update(data);
    Sha1Digest inner_digest = inner.finish();

    for (auto& byte : pad) byte ^= 0x36 ^ 0x5c;
    Sha1 outer;
    outer.update(pad_view);
    outer.update(as_chars(inner_digest));
    Sha1Digest out = outer.finish();

    sodium_memzero(pad, sizeof pad);
    sodium_memzero(hashed_key.data(), hashed_key.size());
    sodium_memzero(inner_digest.data(), inner_digest.size());
    return out;
}

Result<Secret> base32_decode(const Secret& text) {
    std::string out;
    out.reserve(text.size() * 5 / 8 + 1);  // no reallocation leaves a partial copy behind
    std::uint32_t buffer = 0;
    int bits = 0;
    size_t chars = 0;
    bool padding = false;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text.reveal()[i];
        if (c == ' ') continue;
        if (c == '=') {
            padding = true;
            continue;
        }
        int value = base32_value(c);
        if (value < 0 || padding) {
            Secret wipe(std::move(out));
            return fail(fmt::format("the MFA secret is not base32: character {} is {}", i + 1,
                                    padding ? "after '=' padding" : "not a letter or a digit 2-7"),
                        "copy the secret key again exactly as shown (letters A-Z and digits 2-7)");
        }
        buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
        bits += 5;
        ++chars;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
        }
    }
    buffer = 0;
    Secret decoded(std::move(out));
    if (chars == 0) return fail("the MFA secret is empty", "copy the secret key again");
    // A whole number of bytes leaves 0, 2, 4, 5 or 7 characters over a multiple of 8.
    if (size_t rest = chars % 8; rest == 1 || rest == 3 || rest == 6)
        return fail(
            fmt::format("the MFA secret is not base32: {} characters cannot encode whole bytes", chars),
            "copy the secret key again; a character may be missing");
    return decoded;
}

Secret hotp_code(const Secret& key, std::uint64_t counter, int digits) {
    char message[8];
    for (int i = 0; i < 8; ++i) message[i] = static_cast<char>(counter >> (56 - 8 * i));
    Sha1Digest mac = hmac_sha1(key.reveal(), std::string_view(message, sizeof message));
    const int offset = mac[19] & 0x0F;
    std::uint32_t value = (std::uint32_t{mac[offset]} & 0x7F) << 24 | std::uint32_t{mac[offset + 1]} << 16 |
                          std::uint32_t{mac[offset + 2]} << 8 | std::uint32_t{mac[offset + 3]};
    sodium_memzero(mac.data(), mac.size());

    std::string code(static_cast<size_t>(digits), '0');
    for (int i = digits - 1; i >= 0 && value > 0; --i, value /= 10)
        code[i] = static_cast<char>('0' + value % 10);
    value = 0;
    return Secret(std::move(code));
}

Secret totp_code(const Secret& key, TimePoint now) {
    return hotp_code(key, static_cast<std::uint64_t>(step_of(now)), k_digits);
}

bool totp_matches(const Secret& key, const Secret& code, TimePoint now, int window) {
    std::string typed;
    typed.reserve(code.size());
    for (char c : code.reveal())
        if (c != ' ') typed.push_back(c);
    Secret given(std::move(typed));
    if (given.size() != k_digits) return false;
    for (char c : given.reveal())
        if (c < '0' || c > '9') return false;

    const std::int64_t step = step_of(now);
    bool matched = false;
    for (std::int64_t s = step - std::max(window, 0); s <= step + std::max(window, 0); ++s) {
        if (s < 0) continue;
        Secret expected = hotp_code(key, static_cast<std::uint64_t>(s), k_digits);
        matched |= sodium_memcmp(expected.reveal().data(), given.reveal().data(), k_digits) == 0;
    }
    return matched;
}

}  // namespace sesame
