#include "server/refreshing_credentials.hpp"

#include <fmt/format.h>

#include "util/time.hpp"

namespace sesame {

RefreshingCredentials::RefreshingCredentials(Fetch fetch, const Clock& clock, const Log& log,
                                             RefreshPolicy policy)
    : m_fetch(std::move(fetch)), m_clock(clock), m_log(log), m_policy(policy) {}

RefreshingCredentials::~RefreshingCredentials() {
    stop();
}

bool RefreshingCredentials::fresh(const Credentials& c, std::chrono::seconds margin) const {
    return !c.expiration || *c.expiration - m_clock.now() >= margin;
}

Result<Credentials> RefreshingCredentials::fetch_locked() {
    {
        // Another caller may have refreshed while we waited for the fetch lock.
        std::lock_guard lock(m_mutex);
        if (m_current && fresh(*m_current, m_policy.refresh_before)) return *m_current;
    }
    auto fetched = m_fetch();
    std::lock_guard lock(m_mutex);
    if (!fetched) {
        m_retry_at = m_clock.now() + m_policy.retry_after;
        return fetched;
    }
    if (fetched->expiration && !fresh(*fetched, m_policy.min_ttl)) {
        m_log.warn(
            fmt::format("the new credentials expire at {}, within the {}-minute minimum an endpoint serves",
                        format_rfc3339(*fetched->expiration), m_policy.min_ttl.count() / 60));
    } else if (fetched->expiration) {
        m_log.debug("endpoint credentials refreshed, expiring " + format_rfc3339(*fetched->expiration));
    }
    m_current = *fetched;
    m_retry_at.reset();
    m_wake.notify_all();
    return fetched;
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
    {
        std::lock_guard lock(m_mutex);
        if (m_current && fresh(*m_current, m_policy.min_ttl)) return *m_current;
    }
    std::lock_guard fetch_lock(m_fetch_mutex);
    auto creds = fetch_locked();
    if (!creds) return creds;
    if (!fresh(*creds, m_policy.min_ttl)) {
        return fail(
            fmt::format("the credentials expire in less than {} minutes and could not be renewed for longer",
                        m_policy.min_ttl.count() / 60),
            "use a longer session (duration_seconds / --duration)");
    }
    return creds;
}

void RefreshingCredentials::refresh_if_due() {
    {
        std::lock_guard lock(m_mutex);
        if (!m_current) return;  // lazy and never asked: nothing to keep fresh yet
        if (fresh(*m_current, m_policy.refresh_before)) return;
        if (m_retry_at && m_clock.now() < *m_retry_at) return;
    }
    std::lock_guard fetch_lock(m_fetch_mutex);
    auto creds = fetch_locked();
    if (!creds) m_log.warn("could not refresh the endpoint's credentials: " + creds.error().message);
}

void RefreshingCredentials::loop() {
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        // Wake when a refresh becomes due (or a retry after a failure), at least once a minute,
        // so a changed wall clock (suspend/resume) is noticed.
        auto wait = std::chrono::seconds(60);
        if (m_current && m_current->expiration) {
            auto due = *m_current->expiration - m_policy.refresh_before;
            if (m_retry_at) due = std::max(due, *m_retry_at);
            auto left = std::chrono::duration_cast<std::chrono::seconds>(due - m_clock.now());
            wait = std::clamp(left, std::chrono::seconds(0), wait);
        }
        if (wait > std::chrono::seconds(0)) m_wake.wait_for(lock, wait);
        if (m_stopping) break;
        lock.unlock();
        refresh_if_due();
        lock.lock();
        if (m_current && !fresh(*m_current, m_policy.refresh_before) && !m_retry_at) {
            // Nothing longer can be had (a session shorter than the window): don't spin.
            m_wake.wait_for(lock, m_policy.retry_after);
        }
    }
}

void RefreshingCredentials::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
}

}  // namespace sesame
