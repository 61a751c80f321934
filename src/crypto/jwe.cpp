#include "crypto/jwe.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "crypto/libcrypto.hpp"

namespace sesame {

namespace {

constexpr std::string_view k_alg = "PBES2-HS256+A128KW";
constexpr std::string_view k_enc = "A256GCM";
/// dvsekhvalnov/jose2go (the JOSE library of 99designs/keyring) refuses more than this for
/// PBES2-HS256+A128KW (pbse2_hmac_aeskw.go, NewPbse2HmacAesKWAlg(128, 310000, 0)); it writes 8192.
constexpr long long k_max_iterations = 310000;

std::optional<std::string> decode(std::string_view text, int variant) {
    if (sodium_init() < 0) return std::nullopt;
    std::string out(text.size() / 4 * 3 + 3, '\0');
    size_t length = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                          nullptr, &length, &end, variant) != 0 ||
        end != text.data() + text.size())
        return std::nullopt;
    out.resize(length);
    return out;
}

std::vector<std::string_view> split_dots(std::string_view s) {
    std::vector<std::string_view> parts;
    for (size_t start = 0;;) {
        size_t dot = s.find('.', start);
        parts.push_back(
            s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return parts;
}

}  // namespace

std::optional<std::string> base64url_decode(std::string_view text) {
    while (text.ends_with('=')) text.remove_suffix(1);
    return decode(text, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

std::optional<std::string> base64_decode(std::string_view text) {
    return decode(text, sodium_base64_VARIANT_ORIGINAL);
}

Result<Secret> decrypt_pbes2_jwe(std::string_view compact, const Secret& passphrase) {
    while (!compact.empty() && (compact.back() == '\n' || compact.back() == '\r' || compact.back() == ' '))
        compact.remove_suffix(1);
    auto parts = split_dots(compact);
    if (parts.size() != 5)
        return fail(fmt::format("not a JWE in compact form (it has {} parts, not 5)", parts.size()));
    auto header_text = base64url_decode(parts[0]);
    if (!header_text) return fail("the JWE header is not base64url");
    nlohmann::json header = nlohmann::json::parse(*header_text, nullptr, false);
    if (!header.is_object()) return fail("the JWE header is not a JSON object");
    auto text_field = [&](const char* name) -> std::string {
        auto it = header.find(name);
        return it != header.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const std::string alg = text_field("alg"), enc = text_field("enc");
    if (alg != k_alg)
        return fail(
            fmt::format("the JWE's alg is \"{}\"; only {} is read (99designs/keyring's)", alg, k_alg));
    if (enc != k_enc)
        return fail(
            fmt::format("the JWE's enc is \"{}\"; only {} is read (99designs/keyring's)", enc, k_enc));
    if (header.contains("zip"))
        return fail("the JWE is compressed (zip), which 99designs/keyring never does");
    auto p2c = header.find("p2c");
    if (p2c == header.end() || !p2c->is_number_integer())
        return fail("the JWE header has no p2c (PBES2 iteration count)");
    const long long iterations = p2c->get<long long>();
    if (iterations < 1 || iterations > k_max_iterations)
        return fail(fmt::format("the JWE's p2c ({}) is not between 1 and {}", iterations, k_max_iterations));
    auto salt_input = base64url_decode(text_field("p2s"));
    if (!header.contains("p2s") || !salt_input) return fail("the JWE header has no valid p2s (PBES2 salt)");

    auto encrypted_key = base64url_decode(parts[1]);
    auto iv = base64url_decode(parts[2]);
    auto ciphertext = base64url_decode(parts[3]);
    auto tag = base64url_decode(parts[4]);
    if (!encrypted_key || !iv || !ciphertext || !tag) return fail("a part of the JWE is not base64url");
    if (iv->size() != 12 || tag->size() != 16)
        return fail("the JWE's IV or tag has the wrong size for A256GCM");

    std::string salt(alg);
    salt.push_back('\0');
    salt += *salt_input;
    auto kek = pbkdf2_hmac_sha256(passphrase.reveal(), salt, static_cast<int>(iterations), 16);
    if (!kek) return std::unexpected(kek.error());
    auto cek = aes_key_unwrap(*kek, *encrypted_key);
    if (!cek) {
        if (cek.error().exit_code == k_integrity_exit_code)
            return fail("wrong passphrase", "", k_wrong_passphrase_exit_code);
        return std::unexpected(cek.error());
    }
    if (cek->size() != 32) return fail("the JWE's content key is not 32 bytes, as A256GCM needs");
    auto plain = aes256_gcm_decrypt(*cek, *iv, parts[0], *ciphertext, *tag);
    if (!plain) {
        if (plain.error().exit_code == k_integrity_exit_code)
            return fail("the JWE is damaged: its authentication tag does not match");
        return std::unexpected(plain.error());
    }
    return std::move(*plain);
}

}  // namespace sesame
