#include "crypto/hash.hpp"

#include <sodium.h>

#include "util/strings.hpp"

namespace sesame {
namespace {

/// libsodium asks for sodium_init() before any other call. Hashing does not depend on the
/// random source that sodium_init() may fail to open, so its result is deliberately not checked.
void ensure_sodium() {
    static const int k_init_result = sodium_init();
    (void)k_init_result;
}

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string sha256(std::string_view data) {
    ensure_sodium();
    std::string out(crypto_hash_sha256_BYTES, '\0');
    crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()), bytes(data), data.size());
    return out;
}

std::string sha256_hex(std::string_view data) {
    return hex(sha256(data));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    ensure_sodium();
    // The streaming API, because crypto_auth_hmacsha256() insists on a 32-byte key.
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, bytes(key), key.size());
    crypto_auth_hmacsha256_update(&state, bytes(data), data.size());
    std::string out(crypto_auth_hmacsha256_BYTES, '\0');
    crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(out.data()));
    sodium_memzero(&state, sizeof state);  // the state holds key-derived pads
    return out;
}

}  // namespace sesame
