#pragma once

#include <memory>

#include "app/context.hpp"
#include "config/profile.hpp"

namespace sesame {

/// A profile resolved for an IAM user operation, with the long-term key that acts for the user:
/// the profile's own stored key, else the first one along its source_profile chain. IAM refuses
/// most user operations with session credentials that did not use MFA, so the key is used as is.
struct UserKey {
    ProfileConfig profile;    ///< the profile asked for, resolved
    std::string key_profile;  ///< the profile whose stored key this is
    Credentials credentials;
};
Result<UserKey> user_key(Context& ctx, const std::string& profile);

/// Writes `key = value` into the profile's section of the AWS config file (atomic; the rest of
/// the file unchanged byte for byte).
Result<void> set_config_key(Context& ctx, const std::string& profile, const std::string& key,
                            const std::string& value);

}  // namespace sesame
