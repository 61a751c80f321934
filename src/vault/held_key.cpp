#include "vault/held_key.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include "crypto/aead.hpp"

namespace sesame {

HeldKeyPassphrase::HeldKeyPassphrase(std::unique_ptr<VaultKeyHolder> holder, std::string vault_path)
    : m_holder(std::move(holder)), m_vault_path(std::move(vault_path)) {}

Result<Secret> HeldKeyPassphrase::passphrase(bool creating) {
    if (creating) {
        std::string raw = random_bytes(32);
        std::string hex(2 * raw.size() + 1, '\0');  // sodium_bin2hex writes a terminating NUL
        sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                       raw.size());
        hex.pop_back();
        sodium_memzero(raw.data(), raw.size());
        Secret key(std::move(hex));
        if (auto stored = m_holder->store(key); !stored) return std::unexpected(std::move(stored.error()));
        return key;
    }
    auto held = m_holder->load();
    if (!held) return std::unexpected(std::move(held.error()));
    if (!*held)
        return fail(
            fmt::format("the key of the vault at {} is no longer in {}", m_vault_path, m_holder->describe()),
            m_holder->when_lost());
    return std::move(**held);
}

std::string HeldKeyPassphrase::key_origin() const {
    return "a random key held by " + m_holder->describe();
}

std::optional<Error> HeldKeyPassphrase::wrong_key() const {
    return Error{
        fmt::format("the key in {} does not open the vault at {}", m_holder->describe(), m_vault_path),
        m_holder->when_lost()};
}

}  // namespace sesame
