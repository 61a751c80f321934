#include "providers/vault_keys_provider.hpp"

#include <fmt/format.h>

namespace sesame {

Result<Credentials> VaultKeysProvider::retrieve() {
    auto key = m_store.key(m_profile);
    if (!key) return std::unexpected(key.error());
    if (!*key) {
        return fail(fmt::format("no keys are stored for profile \"{}\"", m_profile),
                    fmt::format("add them with: sesame add {}", m_profile));
    }
    Credentials creds;
    creds.access_key_id = std::move((*key)->access_key_id);
    creds.secret_access_key = std::move((*key)->secret_access_key);
    return creds;
}

}  // namespace sesame
