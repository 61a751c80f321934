#include "providers/cached_provider.hpp"

#include <fmt/format.h>

#include "util/time.hpp"

namespace sesame {

namespace {

/// The cached session under `key` if more than `min_ttl` of it remains.
Result<std::optional<Credentials>> lookup(FileVault& vault, const std::string& key, TimePoint now,
                                          std::chrono::seconds min_ttl, const Log& log) {
    auto data = vault.load();  // empty when there is no vault yet
    if (!data) return std::unexpected(data.error());
    auto it = data->sessions.find(key);
    if (it == data->sessions.end() || it->second.expiration - now <= min_ttl)
        return std::optional<Credentials>{};
    const StoredSession& s = it->second;
    log.debug(fmt::format(
        "using cached {} session for profile \"{}\" ({} left)", s.kind, s.profile,
        format_duration_short(std::chrono::duration_cast<std::chrono::seconds>(s.expiration - now))));
    Credentials creds;
    creds.access_key_id = s.access_key_id;
    creds.secret_access_key = s.secret_access_key;
    creds.session_token = s.session_token;
    creds.expiration = s.expiration;
    return std::optional<Credentials>(std::move(creds));
}

}  // namespace

Result<Credentials> CachedProvider::retrieve() {
    auto cached = lookup(m_vault, m_key, m_clock.now(), m_min_ttl, m_log);
    if (!cached) return std::unexpected(cached.error());
    if (*cached) return std::move(**cached);

    // Single flight: of the processes that miss at the same moment, one fetches (and asks for the
    // MFA code); the others wait here, then find its session in the vault. The kernel releases
    // the lock if the holder dies.
    auto lock = m_vault.lock_named(m_key);
    if (!lock) return std::unexpected(lock.error());
    cached = lookup(m_vault, m_key, m_clock.now(), m_min_ttl, m_log);
    if (!cached) return std::unexpected(cached.error());
    if (*cached) return std::move(**cached);

    m_log.debug("fetching: " + m_inner->describe());
    auto creds = m_inner->retrieve();
    if (!creds || !creds->expiration) return creds;

    TimePoint now = m_clock.now();
    auto stored = m_vault.update([&](VaultData& data) -> Result<void> {
        data.prune_expired(now);
        StoredSession s;
        s.profile = m_meta.profile;
        s.kind = m_meta.kind;
        s.mfa_serial = m_meta.mfa_serial;
        s.role_arn = m_meta.role_arn;
        s.access_key_id = creds->access_key_id;
        s.secret_access_key = creds->secret_access_key;
        s.session_token = creds->session_token;
        s.expiration = *creds->expiration;
        s.created = now;
        data.sessions[m_key] = std::move(s);
        return {};
    });
    // The credentials are good even if caching failed; the next call will just fetch again.
    if (!stored) m_log.warn("could not cache the session: " + stored.error().message);
    return creds;
}

}  // namespace sesame
