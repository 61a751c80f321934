#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "crypto/aead.hpp"

namespace sesame {

/// Keeps an unlocked vault key between commands, so the passphrase is asked once per login
/// session. Abstract so tests use a fake; the real ones are KernelKeyring (vault/kernel_keyring)
/// and, where the kernel forbids keyrings, AgentKeyCache (vault/key_agent).
class KeyCache {
  public:
    struct Entry {
        std::string salt;              ///< the vault's KDF salt: a re-created vault does not match
        AeadKey key;                   ///< the derived vault key
        std::string passphrase_check;  ///< BLAKE2b(key = vault key, passphrase): checks a preset passphrase
    };
    virtual ~KeyCache() = default;
    /// The entry for `id`, restarting its idle timeout at `idle`; nullopt when absent or expired.
    virtual std::optional<Entry> load(const std::string& id, std::chrono::seconds idle) = 0;
    /// Stores (or replaces) the entry, to be forgotten after `idle` without use.
    virtual bool store(const std::string& id, const Entry& entry, std::chrono::seconds idle) = 0;
    /// Forgets the entry at once; true if there was one.
    virtual bool forget(const std::string& id) = 0;
    /// How long the entry will live without use, if present.
    virtual std::optional<std::chrono::seconds> time_left(const std::string& id) = 0;
    /// Where entries are kept, for `sesame status` ("kernel session keyring").
    virtual std::string describe() const = 0;
};

/// BLAKE2b-256 of the passphrase keyed with the vault key: lets a cached key be used with
/// SESAME_FILE_PASSPHRASE only when that passphrase is the right one, without Argon2.
std::string passphrase_check(const AeadKey& key, const Secret& passphrase);

/// Fixed-size payload: salt | key | check. Empty optional when the bytes have the wrong size.
std::string encode_key_entry(const KeyCache::Entry& entry);
std::optional<KeyCache::Entry> decode_key_entry(std::string_view bytes);

}  // namespace sesame
