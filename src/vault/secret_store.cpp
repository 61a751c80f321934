#include "vault/secret_store.hpp"

#include <fmt/format.h>

namespace sesame {

StoredSession stored_session(const SessionKey& key, std::string access_key_id, Secret secret_access_key,
                             Secret session_token, TimePoint expiration, TimePoint now) {
    StoredSession s;
    s.profile = key.profile;
    s.kind = key.kind;
    s.mfa_serial = key.mfa_serial;
    s.role_arn = key.role_arn;
    s.access_key_id = std::move(access_key_id);
    s.secret_access_key = std::move(secret_access_key);
    s.session_token = std::move(session_token);
    s.expiration = expiration;
    s.created = now;
    return s;
}

Result<StoreChangeResult> apply_change(VaultData& data, const StoreChange& change) {
    for (const auto& [profile, expected] : change.expect_key_ids) {
        auto it = data.keys.find(profile);
        const std::string now_id = it == data.keys.end() ? "" : it->second.access_key_id;
        if (now_id != expected) {
            return fail(fmt::format("profile \"{}\" {} in the store (changed meanwhile)", profile,
                                    expected.empty() ? "has a key now" : "no longer holds key " + expected),
                        "nothing was changed; run the command again");
        }
    }
    StoreChangeResult result;
    for (const auto& profile : change.remove_keys) result.keys_removed += data.keys.erase(profile);
    if (change.remove_sessions)
        result.sessions_removed =
            std::erase_if(data.sessions, [&](const auto& kv) { return change.remove_sessions(kv.second); });
    for (const auto& [profile, key] : change.put_keys) data.keys[profile] = key;
    for (const auto& [id, session] : change.put_sessions) data.sessions[id] = session;
    return result;
}

}  // namespace sesame
