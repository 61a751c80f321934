#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "aws/credentials.hpp"
#include "platform/clock.hpp"
#include "util/error.hpp"
#include "util/log.hpp"

namespace sesame {

/// When to refresh and what may be served. SDKs refresh on their own 10–15 minutes before
/// expiry, so an endpoint must never hand out credentials with less than 15 minutes left.
struct RefreshPolicy {
    std::chrono::seconds min_ttl{15 * 60};         ///< never serve credentials with less left
    std::chrono::seconds refresh_before{20 * 60};  ///< refresh in the background when less is left
    std::chrono::seconds retry_after{30};          ///< after a failed background refresh
};

/// Keeps one set of credentials fresh for a long-running endpoint. A background thread
/// refreshes them before `refresh_before`; get() serves them while at least `min_ttl` remains
/// and otherwise refreshes on the spot. Fetches are single-flight: one at a time, so a refresh
/// that needs an MFA code asks once.
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

    /// For tests: runs one background-refresh decision now, as the thread would when it wakes.
    void refresh_if_due();

  private:
    Result<Credentials> fetch_locked();  ///< caller holds m_fetch_mutex
    bool fresh(const Credentials& c, std::chrono::seconds margin) const;
    void loop();

    Fetch m_fetch;
    const Clock& m_clock;
    const Log& m_log;
    RefreshPolicy m_policy;

    std::mutex m_fetch_mutex;  ///< single flight
    std::mutex m_mutex;        ///< guards the fields below
    std::condition_variable m_wake;
    std::optional<Credentials> m_current;
    std::optional<TimePoint> m_retry_at;
    bool m_stopping = false;
    std::thread m_thread;
};

}  // namespace sesame
