#include "providers/cached_provider.hpp"

#include <fmt/format.h>

#include "util/time.hpp"

namespace sesame {

Result<std::optional<Credentials>> CachedProvider::lookup() {
    auto found = m_store.session(m_key);  // empty when nothing is stored yet
    if (!found) return std::unexpected(found.error());
    const TimePoint now = m_clock.now();
    if (!*found || (*found)->expiration - now <= m_min_ttl) return std::optional<Credentials>{};
    StoredSession& s = **found;
    m_log.debug(fmt::format(
        "using cached {} session for profile \"{}\" ({} left)", s.kind, s.profile,
        format_duration_short(std::chrono::duration_cast<std::chrono::seconds>(s.expiration - now))));
    Credentials creds;
    creds.access_key_id = std::move(s.access_key_id);
    creds.secret_access_key = std::move(s.secret_access_key);
    creds.session_token = std::move(s.session_token);
    creds.expiration = s.expiration;
    return std::optional<Credentials>(std::move(creds));
}

Result<Credentials> CachedProvider::retrieve() {
    auto cached = lookup();
    if (!cached) return std::unexpected(cached.error());
    if (*cached) return std::move(**cached);

    // Single flight: of the processes that miss at the same moment, one fetches (and asks for the
    // MFA code); the others wait here, then find its session in the store. The lock goes when its
    // holder dies.
    auto lock = m_store.lock(m_key.id());
    if (!lock) return std::unexpected(lock.error());
    cached = lookup();
    if (!cached) return std::unexpected(cached.error());
    if (*cached) return std::move(**cached);

    m_log.debug("fetching: " + m_inner->describe());
    auto creds = m_inner->retrieve();
    if (!creds || !creds->expiration) return creds;

    StoreChange change;
    change.put_sessions.emplace(m_key.id(),
                                stored_session(m_key, creds->access_key_id, creds->secret_access_key,
                                               creds->session_token, *creds->expiration, m_clock.now()));
    auto stored = m_store.apply(change);
    // The credentials are good even if caching failed; the next call will just fetch again.
    if (!stored) m_log.warn("could not cache the session: " + stored.error().message);
    return creds;
}

}  // namespace sesame
