#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>

#include "app/context.hpp"
#include "aws/credentials.hpp"
#include "rotation/key_rotation.hpp"
#include "vault/secret_store.hpp"

namespace sesame {

/// Adds, replaces, removes and rotates the long-term keys in the secret store, with the one rule
/// for which cached sessions die with a key: the sessions of every profile whose credentials come
/// from it (Context::profiles_using_key: the key's own profile and every profile whose
/// source_profile chain reaches it), GetSessionToken and AssumeRole sessions alike. A replaced or
/// removed key's sessions never outlive it. Each change is one StoreChange (atomic in the file vault).
class KeyService {
  public:
    /// `profiles_using(key_profile)`: the rule's profiles, from the current config.
    using ProfilesUsing = std::function<Result<std::set<std::string>>(const std::string&)>;
    KeyService(SecretStore& store, const Clock& clock, ProfilesUsing profiles_using)
        : m_store(store), m_clock(clock), m_profiles_using(std::move(profiles_using)) {}
    /// The real one: the context's store and config.
    explicit KeyService(Context& ctx);

    struct Outcome {
        bool replaced = false;        ///< a key was there before (put) / was removed (remove)
        size_t sessions_removed = 0;  ///< cached sessions that went with the old key
    };
    /// Stores `key` for `profile`, adding or replacing.
    Result<Outcome> put(const std::string& profile, const std::string& access_key_id, const Secret& secret);
    /// Removes `profile`'s key and the sessions the rule names. A profile that holds no key but
    /// has such sessions (a role profile) loses those (`replaced` false); one with neither
    /// fails, with a did-you-mean, and nothing is written.
    Result<Outcome> remove(const std::string& profile);
    /// Drops the cached sessions made for `profile` (every profile's when empty); keys stay.
    Result<size_t> clear_sessions(const std::string& profile);
    /// Rotation's compare-and-swap: if `profile` still holds `old_key_id`, stores `new_key`.
    Result<size_t> replace_if(const std::string& profile, const std::string& old_key_id,
                              const Credentials& new_key);

  private:
    /// The rule, as a StoreChange's remove_sessions.
    Result<std::function<bool(const StoredSession&)>> sessions_of_key(const std::string& profile);

    SecretStore& m_store;
    const Clock& m_clock;
    ProfilesUsing m_profiles_using;
};

/// RotationStore (rotation/key_rotation.hpp) on the key service, for one profile's key.
class KeyServiceRotationStore final : public RotationStore {
  public:
    KeyServiceRotationStore(KeyService& keys, SecretStore& store, std::string profile)
        : m_keys(keys), m_store(store), m_profile(std::move(profile)) {}
    Result<std::string> stored_key_id() override;
    Result<size_t> replace(const std::string& old_key_id, const Credentials& new_key) override;

  private:
    KeyService& m_keys;
    SecretStore& m_store;
    std::string m_profile;
};

struct RotateRequest {
    std::string profile;      ///< the profile asked for (its key, or the first along its chain)
    bool no_session = false;  ///< sign the IAM calls with the key itself, not an MFA session
    std::string mfa_token;    ///< a code given on the command line
};

/// Rotates the stored key `request.profile` uses: KeyRotation (rotation/) driven through the MFA
/// session the profile's chain makes from that key, when it takes MFA. `progress` gets a line
/// per step. Returns the profile whose key was replaced and the new key id.
Result<std::pair<std::string, std::string>> rotate_key(Context& ctx, const RotateRequest& request,
                                                       const std::function<void(std::string_view)>& progress);

}  // namespace sesame
