#pragma once

#include <map>
#include <string>
#include <string_view>

#include "crypto/secret.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"

namespace sesame {

/// A long-term access key, stored by profile name.
struct StoredKey {
    std::string access_key_id;
    Secret secret_access_key;
    TimePoint added;

    bool operator==(const StoredKey&) const = default;
};

/// Temporary credentials cached so later commands need no new MFA prompt or STS call.
struct StoredSession {
    std::string profile;
    std::string kind;  ///< the STS call that made it: "GetSessionToken", "AssumeRole", ...
    std::string access_key_id;
    Secret secret_access_key;
    Secret session_token;
    TimePoint expiration;
    TimePoint created;
    std::string mfa_serial;  ///< may be empty
    std::string role_arn;    ///< may be empty

    bool operator==(const StoredSession&) const = default;
};

/// The decrypted contents of a vault. Times keep second precision when serialised.
struct VaultData {
    std::map<std::string, StoredKey> keys;          ///< by profile name
    std::map<std::string, StoredSession> sessions;  ///< by cache key (opaque, chosen by callers)

    /// Drops sessions whose expiration <= now: they can never be used again.
    void prune_expired(TimePoint now);

    bool operator==(const VaultData&) const = default;
};

/// The highest version of the JSON form (version 1) deserialize reads; newer JSON is refused.
inline constexpr int k_vault_data_version = 1;

/// The compact binary form (vault/vault_binary.hpp, version 2). The result holds secrets in
/// clear: wipe it (e.g. wrap it in a Secret) once it has been encrypted.
std::string serialize(const VaultData& data);
/// The version-1 JSON form: {"version":1,"keys":{...},"sessions":{...}}, times as RFC 3339.
/// Every intermediate buffer used to build it is zeroed before it is freed.
std::string serialize_json(const VaultData& data);

/// Parses either form. In JSON unknown fields are ignored; a newer version is an error telling
/// the user to upgrade sesame. Error messages never quote the document (it holds secrets).
Result<VaultData> deserialize(std::string_view json);

}  // namespace sesame
