#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "aws/credentials.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace sesame {

/// When to refresh and what may be served. SDKs refresh on their own 10–15 minutes before
/// expiry (botocore refuses credentials with less than 10 minutes left), so by default an
/// endpoint never hands out credentials with less than 15 minutes left.
struct RefreshPolicy {
    std::chrono::seconds min_ttl{15 * 60};         ///< never serve credentials with less left
    std::chrono::seconds refresh_before{20 * 60};  ///< refresh in the background when less is left
    std::chrono::seconds retry_after{30};          ///< after a failed refresh; doubles per failure...
    std::chrono::seconds retry_max{5 * 60};        ///< ...up to this
    std::chrono::seconds wait_limit{30};           ///< how long a request waits for a refresh it needs
    /// The user chose min_ttl (SESAME_SERVER_MIN_TTL): fitted() keeps it, and refuses sessions
    /// that cannot give it, rather than lowering it.
    bool min_ttl_given = false;

    /// How long a fresh session must last for this policy to serve it unchanged: until
    /// refresh_before, and as long again as the window between refresh_before and min_ttl.
    std::chrono::seconds full_lifetime() const { return refresh_before + (refresh_before - min_ttl); }
    /// The policy for a source whose sessions last `lifetime` (15-minute role sessions, a
    /// credential_process giving 10 minutes): unchanged for sessions of full_lifetime() or more;
    /// else min_ttl becomes two thirds of the lifetime (unless given) and the refresh starts
    /// halfway between min_ttl and the lifetime, so each session is served a while and a failed
    /// refresh is retried before the one served runs out.
    RefreshPolicy fitted(std::chrono::seconds lifetime) const;
};

/// Keeps one set of credentials fresh for a long-running endpoint. All fetches after start() run
/// on a background thread, one at a time (a refresh that needs an MFA code asks once): it
/// refreshes before `refresh_before`, retries failures with a growing delay, and adapts the
/// policy once to sources whose sessions are shorter than it needs (saying so once). get() serves
/// what is held while at least `min_ttl` remains, and otherwise waits for the background thread
/// (up to wait_limit) instead of calling AWS itself: however many requests arrive, they cause
/// at most one fetch, and a failure is answered from memory until its retry is due.
class RefreshingCredentials {
  public:
    using Fetch = std::function<Result<Credentials>()>;
    RefreshingCredentials(Fetch fetch, const Clock& clock, const Log& log, RefreshPolicy policy = {});
    ~RefreshingCredentials();
    RefreshingCredentials(const RefreshingCredentials&) = delete;
    RefreshingCredentials& operator=(const RefreshingCredentials&) = delete;

    /// Fetches now unless `lazy`, then starts the background thread. A failed first fetch is
    /// returned, so a bad profile is reported before anything is served.
    Result<void> start(bool lazy);
    /// Credentials with at least min_ttl left, or the error that prevents them.
    Result<Credentials> get();
    /// Stops the background thread (also done by the destructor).
    void stop();

    /// The policy in force: the one given, fitted to the longest session the source has given.
    RefreshPolicy policy() const;
    /// For tests: runs one background-refresh decision now, as the thread would when it wakes.
    void refresh_if_due();

  private:
    Result<Credentials> fetch_locked();  ///< caller holds m_fetch_mutex
    bool fresh(const Credentials& c, std::chrono::seconds margin) const;
    bool servable_locked() const;  ///< caller holds m_mutex
    void adapt_locked(const Credentials& fetched);
    void loop();

    Fetch m_fetch;
    const Clock& m_clock;
    const Log& m_log;
    const RefreshPolicy m_given;

    std::mutex m_fetch_mutex;           ///< single flight
    mutable std::mutex m_mutex;         ///< guards the fields below
    std::condition_variable m_wake;     ///< the background thread waits on it
    std::condition_variable m_done;     ///< requests waiting for a round of the background thread
    RefreshPolicy m_policy;             ///< m_given fitted to m_longest
    std::chrono::seconds m_longest{0};  ///< the longest lifetime a fetch has given
    std::optional<Credentials> m_current;
    std::optional<Error> m_error;  ///< the last fetch's failure, until a fetch succeeds
    std::optional<TimePoint> m_retry_at;
    int m_failures = 0;     ///< consecutive, for the retry delay
    bool m_wanted = false;  ///< a request waits for credentials
    bool m_told = false;    ///< the fitted policy was reported
    uint64_t m_rounds = 0;  ///< background rounds run, so a waiting request sees one finish
    bool m_stopping = false;
    std::thread m_thread;
};

}  // namespace sesame
