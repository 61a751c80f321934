#pragma once

#include <optional>
#include <string>

#include "crypto/secret.hpp"
#include "util/clock.hpp"

namespace sesame {

/// A set of AWS credentials: long-term (no token, no expiry) or temporary.
struct Credentials {
    std::string access_key_id;
    Secret secret_access_key;
    Secret session_token;                 ///< empty for long-term keys
    std::optional<TimePoint> expiration;  ///< empty for long-term keys

    bool is_temporary() const { return !session_token.empty(); }
};

}  // namespace sesame
