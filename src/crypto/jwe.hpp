#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crypto/secret.hpp"
#include "util/error.hpp"

namespace sesame {

/// The exit code of the Error that decrypt_pbes2_jwe returns for a wrong passphrase (the key
/// unwrap's integrity check failed): callers ask again or name the variable that gave it.
inline constexpr int k_wrong_passphrase_exit_code = 66;

inline bool is_wrong_passphrase(const Error& e) {
    return e.exit_code == k_wrong_passphrase_exit_code;
}

/// base64url without padding (RFC 4648 §5, as JOSE writes it; trailing '=' tolerated); nullopt
/// when `text` is not that.
std::optional<std::string> base64url_decode(std::string_view text);
/// Standard base64 with padding (RFC 4648 §4: Go's encoding/json writes []byte so).
std::optional<std::string> base64_decode(std::string_view text);

/// Decrypts a JWE compact serialization (RFC 7516 §7.1) made with a passphrase, as
/// 99designs/keyring's file backend writes each item: alg PBES2-HS256+A128KW (RFC 7518 §4.8:
/// PBKDF2-HMAC-SHA-256 over the passphrase with salt = alg || 0x00 || p2s, p2c iterations, a
/// 16-byte key that unwraps the content key with AES Key Wrap) and enc A256GCM (RFC 7518 §5.3,
/// the protected header's base64url text as additional data). Anything else (another alg or enc,
/// compression, more than 310000 iterations, jose2go's own limit for this alg) is refused. A
/// wrong passphrase is an error with k_wrong_passphrase_exit_code; a damaged token another.
/// Errors never quote the token or the payload.
Result<Secret> decrypt_pbes2_jwe(std::string_view compact, const Secret& passphrase);

}  // namespace sesame
