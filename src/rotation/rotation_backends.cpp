#include "rotation/rotation_backends.hpp"

#include <fmt/format.h>

namespace sesame {

Result<std::string> AwsRotationApi::caller_arn(const Credentials& caller) {
    auto identity = m_sts.get_caller_identity(caller);
    if (!identity) return std::unexpected(std::move(identity.error()));
    return std::move(identity->arn);
}

Result<std::string> AwsRotationApi::user_arn(const Credentials& key) {
    auto user = m_iam.get_user(key);
    if (!user) return std::unexpected(std::move(user.error()));
    return std::move(user->arn);
}

Result<std::vector<AccessKeyInfo>> AwsRotationApi::list_access_keys(const Credentials& caller,
                                                                    const std::string& user_name) {
    return m_iam.list_access_keys(caller, user_name);
}

Result<CreatedAccessKey> AwsRotationApi::create_access_key(const Credentials& caller,
                                                           const std::string& user_name) {
    return m_iam.create_access_key(caller, user_name);
}

Result<void> AwsRotationApi::delete_access_key(const Credentials& caller, const std::string& access_key_id,
                                               const std::string& user_name) {
    return m_iam.delete_access_key(caller, access_key_id, user_name);
}

Result<std::string> VaultRotationStore::stored_key_id() {
    auto data = m_vault.load();
    if (!data) return std::unexpected(std::move(data.error()));
    auto it = data->keys.find(m_profile);
    if (it == data->keys.end()) return std::string();
    return it->second.access_key_id;
}

Result<size_t> VaultRotationStore::replace(const std::string& old_key_id, const Credentials& new_key) {
    size_t cleared = 0;
    auto updated = m_vault.update([&](VaultData& data) -> Result<void> {
        auto it = data.keys.find(m_profile);
        if (it == data.keys.end() || it->second.access_key_id != old_key_id) {
            return fail(fmt::format("profile \"{}\" no longer holds key {} in the vault (changed meanwhile)",
                                    m_profile, old_key_id));
        }
        it->second = StoredKey{new_key.access_key_id, new_key.secret_access_key, m_clock.now()};
        cleared = std::erase_if(
            data.sessions, [&](const auto& kv) { return m_session_profiles.count(kv.second.profile) > 0; });
        return {};
    });
    if (!updated) return std::unexpected(std::move(updated.error()));
    return cleared;
}

}  // namespace sesame
