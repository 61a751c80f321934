#include "server/refreshing_credentials.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "util/time.hpp"

namespace sesame {
namespace {

using std::chrono::seconds;

/// "15m", "12m30s", "45s", "1h20m": a span as the user would write it (SESAME_SERVER_MIN_TTL).
std::string span(seconds s) {
    long long total = std::max<long long>(s.count(), 0);
    long long h = total / 3600, m = total % 3600 / 60, sec = total % 60;
    std::string out;
    if (h) out += fmt::format("{}h", h);
    if (m) out += fmt::format("{}m", m);
    if (sec || out.empty()) out += fmt::format("{}s", sec);
    return out;
}

/// botocore refuses credentials that have less than this left after a refresh.
constexpr seconds k_botocore_mandatory{10 * 60};

}  // namespace

RefreshPolicy RefreshPolicy::fitted(seconds lifetime) const {
    if (lifetime >= full_lifetime()) return *this;
    RefreshPolicy p = *this;
    if (!min_ttl_given) p.min_ttl = std::min(min_ttl, lifetime * 2 / 3);
    p.refresh_before = std::max(p.min_ttl, (lifetime + p.min_ttl) / 2);
    return p;
}

RefreshingCredentials::RefreshingCredentials(Fetch fetch, const Clock& clock, const Log& log,
                                             RefreshPolicy policy)
    : m_fetch(std::move(fetch)), m_clock(clock), m_log(log), m_given(policy), m_policy(policy) {}

RefreshingCredentials::~RefreshingCredentials() {
    stop();
}

RefreshPolicy RefreshingCredentials::policy() const {
    std::lock_guard lock(m_mutex);
    return m_policy;
}

bool RefreshingCredentials::fresh(const Credentials& c, seconds margin) const {
    return !c.expiration || *c.expiration - m_clock.now() >= margin;
}

bool RefreshingCredentials::servable_locked() const {
    return m_current && fresh(*m_current, m_policy.min_ttl);
}

void RefreshingCredentials::adapt_locked(const Credentials& fetched) {
    if (!fetched.expiration) return;
    // Measured after the call returned, so a 900-second session reads 14m59s: count in steps of
    // 10 s, rounding up, so the policy and the message speak of the session the profile asked for.
    auto lifetime = std::chrono::ceil<std::chrono::duration<long long, std::ratio<10>>>(*fetched.expiration -
                                                                                        m_clock.now());
    if (lifetime <= m_longest) return;
    m_longest = lifetime;
    m_policy = m_given.fitted(m_longest);
    if (m_told || m_longest >= m_given.full_lifetime()) return;
    m_told = true;
    if (m_policy.min_ttl >= m_longest) {
        m_log.warn(
            fmt::format("the sessions obtained last {}, not more than the {} an endpoint must leave "
                        "(SESAME_SERVER_MIN_TTL): they cannot be served; lower it or use a longer session "
                        "(duration_seconds / --duration)",
                        span(m_longest), span(m_policy.min_ttl)));
        return;
    }
    std::string warning = fmt::format(
        "the sessions obtained last {}, less than the {} an endpoint needs to serve credentials with "
        "{} left and renew them in time: serving them while {} are left and renewing them when {} are left",
        span(m_longest), span(m_given.full_lifetime()), span(m_given.min_ttl), span(m_policy.min_ttl),
        span(m_policy.refresh_before));
    if (m_policy.min_ttl < k_botocore_mandatory) {
        warning += fmt::format(
            "; the AWS CLI and other botocore clients refuse credentials with less than {} left: "
            "use a longer session (duration_seconds / --duration)",
            span(k_botocore_mandatory));
    }
    m_log.warn(warning);
}

Result<Credentials> RefreshingCredentials::fetch_locked() {
    {
        // Another caller may have refreshed while we waited for the fetch lock.
        std::lock_guard lock(m_mutex);
        if (m_current && fresh(*m_current, m_policy.refresh_before)) return *m_current;
    }
    auto fetched = m_fetch();
    std::lock_guard lock(m_mutex);
    TimePoint now = m_clock.now();
    if (!fetched) {
        m_error = fetched.error();
        ++m_failures;
        seconds delay = m_given.retry_after * (1 << std::min(m_failures - 1, 16));
        m_retry_at = now + std::min(delay, std::max(m_given.retry_max, m_given.retry_after));
        return fetched;
    }
    adapt_locked(*fetched);
    // Keep whichever lasts longer (a source may hand back what it gave before).
    if (!m_current || !m_current->expiration || !fetched->expiration ||
        *fetched->expiration >= *m_current->expiration)
        m_current = *fetched;
    m_error.reset();
    m_failures = 0;
    if (fetched->expiration && !fresh(*m_current, m_policy.refresh_before)) {
        // Nothing longer could be had: ask again later, not at once.
        m_retry_at = now + m_given.retry_after;
    } else {
        m_retry_at.reset();
    }
    if (fetched->expiration)
        m_log.debug("endpoint credentials refreshed, expiring " + format_rfc3339(*fetched->expiration));
    return *m_current;
}

Result<void> RefreshingCredentials::start(bool lazy) {
    if (!lazy) {
        std::lock_guard fetch_lock(m_fetch_mutex);
        auto first = fetch_locked();
        if (!first) return std::unexpected(first.error());
    }
    m_thread = std::thread([this] { loop(); });
    return {};
}

Result<Credentials> RefreshingCredentials::get() {
    std::unique_lock lock(m_mutex);
    if (servable_locked()) return *m_current;
    auto refusal = [&]() -> Result<Credentials> {
        if (m_error) return std::unexpected(*m_error);
        if (m_current && m_longest > seconds(0) && m_policy.min_ttl >= m_longest) {
            return fail(
                fmt::format("the sessions obtained last {}, not more than the {} an endpoint must leave "
                            "(SESAME_SERVER_MIN_TTL)",
                            span(m_longest), span(m_policy.min_ttl)),
                "lower SESAME_SERVER_MIN_TTL or use a longer session (duration_seconds / --duration)");
        }
        if (m_current) {
            return fail(
                fmt::format("the credentials expire in less than {} and could not be renewed for longer yet",
                            span(m_policy.min_ttl)),
                "try again shortly, or use a longer session (duration_seconds / --duration)");
        }
        return fail("the endpoint has no credentials yet", "try again shortly");
    };
    // A failure is answered from memory until its retry is due: clients polling a broken
    // profile must not turn into a stream of calls to AWS.
    if (m_error && m_retry_at && m_clock.now() < *m_retry_at) return refusal();
    if (m_stopping || !m_thread.joinable()) return refusal();
    uint64_t round = m_rounds;
    m_wanted = true;
    m_wake.notify_all();
    bool ran = m_done.wait_for(lock, m_given.wait_limit, [&] { return m_rounds != round || m_stopping; });
    if (servable_locked()) return *m_current;
    if (!ran) {
        return fail(
            fmt::format("no credentials within {}: they are still being fetched", span(m_given.wait_limit)),
            "try again in a moment (an MFA code may be awaited)");
    }
    return refusal();
}

void RefreshingCredentials::refresh_if_due() {
    {
        std::lock_guard lock(m_mutex);
        if (!m_current && !m_wanted) return;  // lazy and never asked: nothing to keep fresh yet
        if (m_current && fresh(*m_current, m_policy.refresh_before)) return;
        if (m_retry_at && m_clock.now() < *m_retry_at) return;
    }
    std::lock_guard fetch_lock(m_fetch_mutex);
    auto creds = fetch_locked();
    if (!creds) m_log.warn("could not refresh the endpoint's credentials: " + creds.error().message);
}

void RefreshingCredentials::loop() {
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        if (!m_wanted) {
            // Wake when a refresh becomes due (or a retry), when a request needs credentials,
            // and at least once a minute, so a changed wall clock (suspend/resume) is noticed.
            seconds wait(60);
            std::optional<TimePoint> due;
            if (m_current && m_current->expiration) due = *m_current->expiration - m_policy.refresh_before;
            if (m_retry_at && (m_current || m_error)) due = due ? std::max(*due, *m_retry_at) : *m_retry_at;
            if (due) wait = std::clamp(std::chrono::ceil<seconds>(*due - m_clock.now()), seconds(0), wait);
            if (wait > seconds(0)) m_wake.wait_for(lock, wait, [&] { return m_stopping || m_wanted; });
        }
        if (m_stopping) break;
        lock.unlock();
        refresh_if_due();
        lock.lock();
        m_wanted = false;
        ++m_rounds;
        m_done.notify_all();
    }
}

void RefreshingCredentials::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    m_done.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

}  // namespace sesame
