#pragma once

#include <functional>
#include <string>
#include <vector>

#include "app/context.hpp"
#include "app/keep_state.hpp"
#include "crypto/secret.hpp"

namespace sesame {

/// `sesame keep`: keeps a credentials file current for tools that only read files (awscred's
/// job). The file holds each kept profile's session under a section of the user's choice and
/// every other section of the user's credentials file (the source) byte for byte
/// (config/kept_credentials); sessions come through CredentialSource, so the session cache is
/// used and MFA is asked only when a new session needs it.

struct KeptProfile {
    std::string profile;
    std::string section;
};

struct KeepOptions {
    std::vector<KeptProfile> profiles;
    KeeperPaths paths;
    std::string duration;  ///< -d/--duration for each session, as exec takes it
    bool foreground = false;
    /// Called in the foreground process once the file is written, before a background keeper
    /// detaches (with its pid) — what the command prints.
    std::function<void(const KeeperState&)> started;
};

/// Writes the file, then (unless foreground) detaches and renews each session before it expires
/// until SIGTERM, SIGINT or SIGHUP. One keeper per file (an flock); the file must not be the
/// source, a symbolic link, or a file that is not a kept file. Without a terminal an MFA code is
/// waited for (status says so) and read from the keeper's FIFO (send_mfa_code).
Result<int> run_keeper(Context& ctx, const KeepOptions& options);

/// The state of the keeper of `paths`; an error when none runs.
Result<KeeperState> running_keeper(const KeeperPaths& paths);

/// Sends SIGTERM to the keeper and waits (up to `wait`) for it to end.
Result<KeeperState> stop_keeper(const KeeperPaths& paths, std::chrono::milliseconds wait);

/// Hands `code` to a keeper that waits for one.
Result<void> send_mfa_code(const KeeperPaths& paths, const Secret& code);

}  // namespace sesame
