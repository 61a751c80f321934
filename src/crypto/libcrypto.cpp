#include "crypto/libcrypto.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <openssl/evp.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <string>

#include "util/dynamic_symbol.hpp"

namespace sesame {

namespace {

/// The libcrypto entry points used, typed from OpenSSL's own declarations (the headers are a
/// build dependency; the library is not).
struct LibCrypto {
    decltype(&::PKCS5_PBKDF2_HMAC) pbkdf2_hmac;
    decltype(&::EVP_sha256) sha256;
    decltype(&::EVP_aes_128_wrap) aes_128_wrap;
    decltype(&::EVP_aes_192_wrap) aes_192_wrap;
    decltype(&::EVP_aes_256_wrap) aes_256_wrap;
    decltype(&::EVP_aes_256_gcm) aes_256_gcm;
    decltype(&::EVP_CIPHER_CTX_new) ctx_new;
    decltype(&::EVP_CIPHER_CTX_free) ctx_free;
    decltype(&::EVP_CIPHER_CTX_set_flags) ctx_set_flags;
    decltype(&::EVP_CIPHER_CTX_ctrl) ctx_ctrl;
    decltype(&::EVP_DecryptInit_ex) decrypt_init;
    decltype(&::EVP_DecryptUpdate) decrypt_update;
    decltype(&::EVP_DecryptFinal_ex) decrypt_final;
};

/// Loaded once per process and kept: the cost is paid only by the command that needs it.
Result<const LibCrypto*> libcrypto() {
    static std::mutex mutex;
    static std::unique_ptr<LibCrypto> loaded;
    std::lock_guard lock(mutex);
    if (loaded) return loaded.get();
    const std::string hint = "install OpenSSL's library (Debian/Ubuntu: `apt-get install libssl3`)";
    void* lib = ::dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        const char* why = ::dlerror();
        return fail(fmt::format("cannot load libcrypto, which reading aws-vault's file store needs: {}",
                                why ? why : "libcrypto.so.3: unknown error"),
                    hint);
    }
    auto api = std::make_unique<LibCrypto>();
    bool ok = resolve_symbol(lib, "PKCS5_PBKDF2_HMAC", api->pbkdf2_hmac) &&
              resolve_symbol(lib, "EVP_sha256", api->sha256) &&
              resolve_symbol(lib, "EVP_aes_128_wrap", api->aes_128_wrap) &&
              resolve_symbol(lib, "EVP_aes_192_wrap", api->aes_192_wrap) &&
              resolve_symbol(lib, "EVP_aes_256_wrap", api->aes_256_wrap) &&
              resolve_symbol(lib, "EVP_aes_256_gcm", api->aes_256_gcm) &&
              resolve_symbol(lib, "EVP_CIPHER_CTX_new", api->ctx_new) &&
              resolve_symbol(lib, "EVP_CIPHER_CTX_free", api->ctx_free) &&
              resolve_symbol(lib, "EVP_CIPHER_CTX_set_flags", api->ctx_set_flags) &&
              resolve_symbol(lib, "EVP_CIPHER_CTX_ctrl", api->ctx_ctrl) &&
              resolve_symbol(lib, "EVP_DecryptInit_ex", api->decrypt_init) &&
              resolve_symbol(lib, "EVP_DecryptUpdate", api->decrypt_update) &&
              resolve_symbol(lib, "EVP_DecryptFinal_ex", api->decrypt_final);
    if (!ok) {
        ::dlclose(lib);
        return fail("libcrypto.so.3 is not a usable libcrypto (missing symbols)", hint);
    }
    loaded = std::move(api);
    return loaded.get();
}

const unsigned char* bytes(std::string_view s) {
    return reinterpret_cast<const unsigned char*>(s.data());
}

unsigned char* bytes(std::string& s) {
    return reinterpret_cast<unsigned char*>(s.data());
}

/// An EVP_CIPHER_CTX freed (and cleared: EVP_CIPHER_CTX_free wipes its key schedule) on scope exit.
struct CipherCtx {
    const LibCrypto* api;
    EVP_CIPHER_CTX* ctx;
    explicit CipherCtx(const LibCrypto* a) : api(a), ctx(a->ctx_new()) {}
    ~CipherCtx() {
        if (ctx) api->ctx_free(ctx);
    }
    CipherCtx(const CipherCtx&) = delete;
    CipherCtx& operator=(const CipherCtx&) = delete;
};

/// `buffer` as a Secret, its own bytes wiped: the one clear copy is the Secret's.
Secret into_secret(std::string& buffer, size_t length) {
    Secret result(std::string(buffer.data(), length));
    ::explicit_bzero(buffer.data(), buffer.size());
    return result;
}

Error integrity_error(std::string message) {
    return Error{std::move(message), "", k_integrity_exit_code};
}

}  // namespace

Result<Secret> pbkdf2_hmac_sha256(std::string_view password, std::string_view salt, int iterations,
                                  size_t length) {
    auto api = libcrypto();
    if (!api) return std::unexpected(api.error());
    if (iterations < 1) return fail("PBKDF2: the iteration count must be at least 1");
    std::string buffer(length, '\0');
    if ((*api)->pbkdf2_hmac(password.data(), static_cast<int>(password.size()), bytes(salt),
                            static_cast<int>(salt.size()), iterations, (*api)->sha256(),
                            static_cast<int>(length), bytes(buffer)) != 1)
        return fail("PBKDF2 failed in libcrypto");
    return into_secret(buffer, length);
}

Result<Secret> aes_key_unwrap(const Secret& kek, std::string_view wrapped) {
    auto api = libcrypto();
    if (!api) return std::unexpected(api.error());
    const EVP_CIPHER* cipher = kek.size() == 16   ? (*api)->aes_128_wrap()
                               : kek.size() == 24 ? (*api)->aes_192_wrap()
                               : kek.size() == 32 ? (*api)->aes_256_wrap()
                                                  : nullptr;
    if (cipher == nullptr) return fail("AES key unwrap: the key must be 16, 24 or 32 bytes");
    if (wrapped.size() < 24 || wrapped.size() % 8 != 0)
        return fail("AES key unwrap: the wrapped key must be a multiple of 8 bytes, at least 24");
    CipherCtx c(*api);
    if (!c.ctx) return fail("libcrypto: out of memory");
    (*api)->ctx_set_flags(c.ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
    if ((*api)->decrypt_init(c.ctx, cipher, nullptr, bytes(kek.reveal()), nullptr) != 1)
        return fail("AES key unwrap: libcrypto refused the key");
    std::string out(wrapped.size(), '\0');
    int n = 0;
    if ((*api)->decrypt_update(c.ctx, bytes(out), &n, bytes(wrapped), static_cast<int>(wrapped.size())) !=
            1 ||
        n <= 0)
        return std::unexpected(integrity_error("AES key unwrap: the integrity check failed (wrong key)"));
    int tail = 0;
    if ((*api)->decrypt_final(c.ctx, bytes(out) + n, &tail) != 1)
        return std::unexpected(integrity_error("AES key unwrap: the integrity check failed (wrong key)"));
    return into_secret(out, static_cast<size_t>(n + tail));
}

Result<Secret> aes256_gcm_decrypt(const Secret& key, std::string_view iv, std::string_view aad,
                                  std::string_view ciphertext, std::string_view tag) {
    auto api = libcrypto();
    if (!api) return std::unexpected(api.error());
    if (key.size() != 32) return fail("AES-256-GCM: the key must be 32 bytes");
    if (iv.empty()) return fail("AES-256-GCM: the IV is empty");
    if (tag.size() != 16) return fail("AES-256-GCM: the tag must be 16 bytes");
    CipherCtx c(*api);
    if (!c.ctx) return fail("libcrypto: out of memory");
    if ((*api)->decrypt_init(c.ctx, (*api)->aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        (*api)->ctx_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(iv.size()), nullptr) != 1 ||
        (*api)->decrypt_init(c.ctx, nullptr, nullptr, bytes(key.reveal()), bytes(iv)) != 1)
        return fail("AES-256-GCM: libcrypto refused the key or IV");
    int n = 0;
    if (!aad.empty() &&
        (*api)->decrypt_update(c.ctx, nullptr, &n, bytes(aad), static_cast<int>(aad.size())) != 1)
        return fail("AES-256-GCM: libcrypto refused the additional data");
    std::string out(ciphertext.size() + 16, '\0');
    n = 0;
    if (!ciphertext.empty() && (*api)->decrypt_update(c.ctx, bytes(out), &n, bytes(ciphertext),
                                                      static_cast<int>(ciphertext.size())) != 1)
        return fail("AES-256-GCM: decryption failed in libcrypto");
    std::string expected_tag(tag);
    if ((*api)->ctx_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, 16, expected_tag.data()) != 1)
        return fail("AES-256-GCM: libcrypto refused the tag");
    int tail = 0;
    if ((*api)->decrypt_final(c.ctx, bytes(out) + n, &tail) != 1) {
        ::explicit_bzero(out.data(), out.size());
        return std::unexpected(integrity_error("AES-256-GCM: the authentication tag does not match"));
    }
    return into_secret(out, static_cast<size_t>(n + tail));
}

}  // namespace sesame
