#pragma once

#include <string>
#include <vector>

namespace sesame {

/// What a cached session was made for: the one key it is stored and found under, and what `list`
/// shows of it. Two requests share a session exactly when their keys are equal, so every input
/// that makes a different session (the MFA device, the role, its external id, ...) is part of it.
/// The one place a session's cache key is built: the provider chain, `--account`, and `rotate`'s
/// MFA session all use these factories.
struct SessionKey {
    std::string kind;        ///< the STS call that makes it: "GetSessionToken" or "AssumeRole"
    std::string profile;     ///< the profile it is made for
    std::string mfa_serial;  ///< the MFA device it was made with; empty: none
    std::string role_arn;    ///< AssumeRole: the role; empty otherwise

    /// GetSessionToken on `profile`'s stored key, with `mfa_serial` (may be empty).
    static SessionKey session_token(std::string profile, std::string mfa_serial);
    /// AssumeRole of a profile's role_arn, with what else its config gives the call.
    static SessionKey role(std::string profile, std::string role_arn, std::string external_id,
                           std::string role_session_name, std::string mfa_serial);
    /// `--account`: AssumeRole of `role_arn` from `profile`'s own session.
    static SessionKey account_role(std::string profile, std::string role_arn);

    /// This key, for a session made from another source than the usual one: `source` tells the
    /// two apart (a role assumed with the long-term key itself under --no-session; a session made
    /// from keys read from a file or the environment, named by their key id).
    SessionKey made_from(std::string source) const;

    /// The store's key: kind, profile and the inputs, one per line (names cannot hold a newline).
    std::string id() const;

    bool operator==(const SessionKey&) const = default;

  private:
    std::vector<std::string> m_inputs;  ///< what else tells sessions apart, in id() order
};

}  // namespace sesame
