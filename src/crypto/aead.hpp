#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/secret.hpp"
#include "util/error.hpp"

namespace sesame {

/// Sizes of the XChaCha20-Poly1305-IETF / Argon2id primitives below.
inline constexpr size_t k_aead_key_size = 32;
inline constexpr size_t k_aead_nonce_size = 24;
inline constexpr size_t k_aead_tag_size = 16;
inline constexpr size_t k_kdf_salt_size = 16;

/// Initialises libsodium once; safe to call repeatedly and from several threads. Every function
/// in this header calls it, so callers need not.
Result<void> crypto_init();

/// `n` bytes from the OS CSPRNG (randombytes_buf).
std::string random_bytes(size_t n);

/// A 32-byte symmetric key in guarded, mlocked memory (sodium_malloc) that is zeroed when freed.
/// Move-only, so there is exactly one copy of the key bytes; a moved-from key must not be used.
class AeadKey {
  public:
    /// All-zero key; fill it through data().
    AeadKey();
    AeadKey(AeadKey&&) noexcept = default;
    AeadKey& operator=(AeadKey&&) noexcept = default;
    AeadKey(const AeadKey&) = delete;
    AeadKey& operator=(const AeadKey&) = delete;

    /// A fresh random key.
    static AeadKey random();

    unsigned char* data() { return m_bytes.get(); }
    const unsigned char* data() const { return m_bytes.get(); }
    static constexpr size_t size() { return k_aead_key_size; }

  private:
    struct Free {
        void operator()(unsigned char* p) const noexcept;
    };
    std::unique_ptr<unsigned char, Free> m_bytes;
};

/// Argon2id cost parameters, stored next to the data they protect so they can be raised later.
struct KdfParams {
    uint64_t opslimit = 0;
    uint64_t memlimit = 0;  ///< bytes
    bool operator==(const KdfParams&) const = default;
};

/// crypto_pwhash_OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE (2 passes, 64 MiB): a fraction of a
/// second per unlock on a laptop.
KdfParams default_kdf_params();

/// The cheapest parameters libsodium accepts; for tests only.
KdfParams minimum_kdf_params();

/// Whether libsodium accepts these parameters (within its MIN..MAX bounds).
bool kdf_params_valid(const KdfParams& params);

/// Argon2id13 (crypto_pwhash) of `passphrase` with a k_kdf_salt_size-byte `salt`. Fails on bad
/// parameters or when the memory cost cannot be allocated.
Result<AeadKey> derive_key(const Secret& passphrase, std::string_view salt, const KdfParams& params);

/// XChaCha20-Poly1305-IETF: ciphertext || 16-byte tag. `nonce` must be k_aead_nonce_size bytes and
/// never reused with the same key (use random_bytes). `ad` is authenticated, not encrypted.
std::string aead_seal(const AeadKey& key, std::string_view nonce, std::string_view plaintext,
                      std::string_view ad);

/// The inverse of aead_seal. Fails when the key, nonce, ad or ciphertext do not match (a wrong
/// key and tampering are indistinguishable by design); the caller words the error for its user.
/// The plaintext is returned as a Secret so its buffer is wiped when freed.
Result<Secret> aead_open(const AeadKey& key, std::string_view nonce, std::string_view ciphertext,
                         std::string_view ad);

}  // namespace sesame
