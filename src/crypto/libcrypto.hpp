#pragma once

#include <string>
#include <string_view>

#include "crypto/secret.hpp"
#include "util/error.hpp"

namespace sesame {

/// The three primitives of aws-vault's file store (JWE PBES2-HS256+A128KW with A256GCM) that
/// libsodium lacks, from OpenSSL's libcrypto, `dlopen`ed on first use: sesame does not link it,
/// so only `sesame import --from aws-vault` ever loads it (libcurl, which most systems have,
/// depends on it). A missing library is an error saying what to install.

/// PBKDF2 (RFC 8018) with HMAC-SHA-256: `length` bytes.
Result<Secret> pbkdf2_hmac_sha256(std::string_view password, std::string_view salt, int iterations,
                                  size_t length);

/// The outcome of an integrity check that failed: the key unwrap's (RFC 3394: wrong key) or the
/// AEAD tag's (damaged or forged data). Other failures (no libcrypto) are plain errors.
inline constexpr int k_integrity_exit_code = 65;

/// AES Key Unwrap (RFC 3394) of `wrapped` with `kek` (16, 24 or 32 bytes). A wrong `kek` fails
/// the integrity check: an Error with exit_code k_integrity_exit_code.
Result<Secret> aes_key_unwrap(const Secret& kek, std::string_view wrapped);

/// AES-GCM decryption (NIST SP 800-38D) with a 32-byte key, a 16-byte tag and `aad`. A tag that
/// does not match is an Error with exit_code k_integrity_exit_code; nothing is returned.
Result<Secret> aes256_gcm_decrypt(const Secret& key, std::string_view iv, std::string_view aad,
                                  std::string_view ciphertext, std::string_view tag);

}  // namespace sesame
