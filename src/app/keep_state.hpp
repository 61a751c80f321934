#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "platform/env.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"

namespace sesame {

/// What `sesame keep` (app/credentials_keeper) shares with `keep status|stop|code`: where a
/// keeper's files are, what it reports, and when it renews. No secret is ever part of it.

/// A keeper's files, one folder per kept file (so two keepers never write one file):
/// `lock` (flock'ed while the keeper lives), `state.json` (what status shows), `mfa` (a FIFO
/// that `keep code` writes a code into) and `keeper.log` (a background keeper's stderr).
struct KeeperPaths {
    std::string file;  ///< the kept credentials file, absolute
    std::string dir;   ///< <vault dir>/keep-<hash of file>
    std::string lock() const { return dir + "/lock"; }
    std::string state() const { return dir + "/state.json"; }
    std::string fifo() const { return dir + "/mfa"; }
    std::string log() const { return dir + "/keeper.log"; }
};

/// `file` (made absolute; empty: ~/.aws/sesame-credentials) and its keeper folder.
Result<KeeperPaths> keeper_paths(const Env& env, const std::string& file);

/// One kept profile as status shows it.
struct KeptRow {
    std::string profile;
    std::string section;
    bool mfa = false;    ///< ON: its chain uses an MFA device (a renewal may need a code)
    std::string serial;  ///< that device
    std::optional<TimePoint> obtained, expires;
    std::optional<TimePoint> renew_at;
    std::string state;  ///< "ok", "waiting for an MFA code", or the last error
};

struct KeeperState {
    pid_t pid = 0;
    std::string file, source;
    std::vector<KeptRow> rows;
};

std::string state_to_json(const KeeperState& state);
Result<KeeperState> state_from_json(const std::string& text, const std::string& path);

/// awscred's `info` table: NAME ON SERIAL DURATION EXPIRES (time left), plus SECTION and STATE.
std::string render_status_table(const KeeperState& state, TimePoint now);

/// When a session obtained at `obtained` that expires at `expires` is renewed: when less than
/// `renew_before` (SESAME_KEEP_RENEW_BEFORE; 0 or nullopt: 5 minutes or a fifth of the session,
/// whichever is more) remains, but never sooner than k_keep_min_hold after it was obtained, so
/// that a setting longer than the sessions cannot make the keeper call STS in a loop.
TimePoint renew_time(TimePoint obtained, TimePoint expires, std::optional<std::chrono::seconds> renew_before);

inline constexpr std::chrono::seconds k_keep_min_hold{10};

}  // namespace sesame
