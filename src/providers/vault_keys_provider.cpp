#include "providers/vault_keys_provider.hpp"

#include <fmt/format.h>

namespace sesame {

Result<Credentials> VaultKeysProvider::retrieve() {
    auto data = m_vault.load();
    if (!data) return std::unexpected(data.error());
    auto it = data->keys.find(m_profile);
    if (it == data->keys.end()) {
        return fail(fmt::format("no keys are stored for profile \"{}\"", m_profile),
                    fmt::format("add them with: sesame add {}", m_profile));
    }
    Credentials creds;
    creds.access_key_id = it->second.access_key_id;
    creds.secret_access_key = it->second.secret_access_key;
    return creds;
}

}  // namespace sesame
