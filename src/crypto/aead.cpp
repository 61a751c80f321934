#include "crypto/aead.hpp"

#include <sodium.h>

#include <new>
#include <stdexcept>

namespace sesame {

static_assert(k_aead_key_size == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
static_assert(k_aead_nonce_size == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
static_assert(k_aead_tag_size == crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(k_kdf_salt_size == crypto_pwhash_SALTBYTES);

namespace {

/// sodium_init only fails when the OS offers no randomness at all; nothing can work then, so the
/// internal callers treat it as a fatal condition. main calls crypto_init to report it nicely.
void require_sodium() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium could not be initialised");
}

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

Result<void> crypto_init() {
    if (sodium_init() < 0)
        return fail("cannot initialise the crypto library (libsodium)",
                    "check that /dev/urandom is available");
    return {};
}

std::string random_bytes(size_t n) {
    require_sodium();
    std::string out(n, '\0');
    randombytes_buf(out.data(), n);
    return out;
}

AeadKey::AeadKey() {
    require_sodium();
    auto* p = static_cast<unsigned char*>(sodium_malloc(k_aead_key_size));
    if (!p) throw std::bad_alloc();
    sodium_memzero(p, k_aead_key_size);
    m_bytes.reset(p);
}

void AeadKey::Free::operator()(unsigned char* p) const noexcept {
    sodium_free(p);
}  // zeroes first

AeadKey AeadKey::random() {
    AeadKey key;
    crypto_aead_xchacha20poly1305_ietf_keygen(key.data());
    return key;
}

KdfParams default_kdf_params() {
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

KdfParams minimum_kdf_params() {
    // Argon2id needs at least one pass; libsodium's MIN for argon2id13 is 1 pass, 8 KiB.
    return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

bool kdf_params_valid(const KdfParams& params) {
    return params.opslimit >= crypto_pwhash_argon2id_OPSLIMIT_MIN &&
           params.opslimit <= crypto_pwhash_argon2id_OPSLIMIT_MAX &&
           params.memlimit >= crypto_pwhash_argon2id_MEMLIMIT_MIN &&
           params.memlimit <= crypto_pwhash_argon2id_MEMLIMIT_MAX;
}

Result<AeadKey> derive_key(const Secret& passphrase, std::string_view salt, const KdfParams& params) {
    require_sodium();
    if (salt.size() != k_kdf_salt_size) return fail("key derivation needs a 16-byte salt");
    if (!kdf_params_valid(params)) return fail("key derivation parameters are out of range");
    AeadKey key;
    const std::string& pass = passphrase.reveal();
    if (crypto_pwhash(key.data(), AeadKey::size(), pass.data(), pass.size(), bytes(salt), params.opslimit,
                      static_cast<size_t>(params.memlimit), crypto_pwhash_ALG_ARGON2ID13) != 0)
        return fail("cannot derive the vault key: out of memory",
                    "Argon2id needs the amount of memory recorded in the vault header; free some memory");
    return key;
}

std::string aead_seal(const AeadKey& key, std::string_view nonce, std::string_view plaintext,
                      std::string_view ad) {
    require_sodium();
    if (nonce.size() != k_aead_nonce_size) throw std::invalid_argument("aead_seal: nonce must be 24 bytes");
    std::string out(plaintext.size() + k_aead_tag_size, '\0');
    unsigned long long out_len = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(out.data()), &out_len,
                                               bytes(plaintext), plaintext.size(), bytes(ad), ad.size(),
                                               nullptr, bytes(nonce), key.data());
    out.resize(static_cast<size_t>(out_len));
    return out;
}

Result<Secret> aead_open(const AeadKey& key, std::string_view nonce, std::string_view ciphertext,
                         std::string_view ad) {
    require_sodium();
    if (nonce.size() != k_aead_nonce_size || ciphertext.size() < k_aead_tag_size)
        return fail("ciphertext is malformed");
    // libsodium verifies the tag before writing any plaintext, so on failure `plain` holds zeros.
    std::string plain(ciphertext.size() - k_aead_tag_size, '\0');
    unsigned long long plain_len = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(plain.data()), &plain_len,
                                                   nullptr, bytes(ciphertext), ciphertext.size(), bytes(ad),
                                                   ad.size(), bytes(nonce), key.data()) != 0)
        return fail("decryption failed: wrong key or modified data");
    return Secret(std::move(plain));  // takes over the buffer: no copy of the plaintext is left behind
}

}  // namespace sesame
