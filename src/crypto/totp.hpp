#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "crypto/secret.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"

/// One-time codes as virtual MFA devices and authenticator apps make them: RFC 6238 TOTP over
/// RFC 4226 HOTP with HMAC-SHA1, 6 digits, 30-second steps (the only parameters AWS supports).
namespace sesame {

/// Decodes RFC 4648 base32 (A-Z, 2-7), as AWS's Base32StringSeed and otpauth:// secrets are
/// written: case-insensitive, spaces ignored, '=' padding allowed at the end only. Fails, without
/// showing the text, on any other character, on a length no encoder produces, or on empty input.
Result<Secret> base32_decode(const Secret& text);

/// The HOTP value for `counter` (RFC 4226): `digits` (6 to 8) decimal digits, zero-padded.
/// `key` is raw.
Secret hotp_code(const Secret& key, std::uint64_t counter, int digits = 6);

/// The 6-digit TOTP code for the 30-second step containing `now`. `key` is raw (base32_decode
/// the seed first).
Secret totp_code(const Secret& key, TimePoint now);

/// Whether `code` (6 digits; spaces ignored, as apps show "123 456") is the code of the step
/// containing `now` or of one of the `window` steps either side, to allow for clock drift and
/// typing time. Compares in constant time.
bool totp_matches(const Secret& key, const Secret& code, TimePoint now, int window = 1);

using Sha1Digest = std::array<unsigned char, 20>;

/// SHA-1 (RFC 3174) and HMAC-SHA1 (RFC 2104), exposed for their test vectors. They exist only
/// because TOTP is defined on them (libsodium has no SHA-1); use nothing here for anything else.
Sha1Digest sha1(std::string_view data);
Sha1Digest hmac_sha1(std::string_view key, std::string_view data);

}  // namespace sesame
