#pragma once

#include <string>
#include <string_view>

namespace sesame {

/// Thin wrappers over libsodium's SHA-256 and HMAC-SHA256, as SigV4 needs them.
/// libsodium rather than OpenSSL so the binary never loads libcrypto.

/// The raw 32-byte SHA-256 digest of `data`.
std::string sha256(std::string_view data);

/// The SHA-256 digest of `data` as 64 lowercase hex characters.
std::string sha256_hex(std::string_view data);

/// The raw 32-byte HMAC-SHA256 of `data` under `key`. Keys of any length are accepted
/// (RFC 2104: keys longer than the 64-byte block are hashed first).
std::string hmac_sha256(std::string_view key, std::string_view data);

}  // namespace sesame
