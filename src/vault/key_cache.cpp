#include "vault/key_cache.hpp"

#include <sodium.h>

#include <cstring>

namespace sesame {

namespace {
constexpr size_t k_check_size = 32;
}

std::string passphrase_check(const AeadKey& key, const Secret& passphrase) {
    std::string out(k_check_size, '\0');
    crypto_generichash(reinterpret_cast<unsigned char*>(out.data()), out.size(),
                       reinterpret_cast<const unsigned char*>(passphrase.reveal().data()), passphrase.size(),
                       key.data(), AeadKey::size());
    return out;
}

std::string encode_key_entry(const KeyCache::Entry& entry) {
    std::string out = entry.salt;
    out.append(reinterpret_cast<const char*>(entry.key.data()), AeadKey::size());
    out += entry.passphrase_check;
    return out;
}

std::optional<KeyCache::Entry> decode_key_entry(std::string_view bytes) {
    if (bytes.size() != k_kdf_salt_size + AeadKey::size() + k_check_size) return std::nullopt;
    KeyCache::Entry e;
    e.salt = std::string(bytes.substr(0, k_kdf_salt_size));
    std::memcpy(e.key.data(), bytes.data() + k_kdf_salt_size, AeadKey::size());
    e.passphrase_check = std::string(bytes.substr(k_kdf_salt_size + AeadKey::size()));
    return e;
}

}  // namespace sesame
