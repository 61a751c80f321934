#include "providers/cached_provider.hpp"

#include <fmt/format.h>

#include "util/time.hpp"

namespace sesame {

Result<Credentials> CachedProvider::retrieve() {
    TimePoint now = m_clock.now();
    if (m_vault.exists()) {
        auto data = m_vault.load();
        if (!data) return std::unexpected(data.error());
        auto it = data->sessions.find(m_key);
        if (it != data->sessions.end() && it->second.expiration - now > m_min_ttl) {
            const StoredSession& s = it->second;
            m_log.debug(fmt::format(
                "using cached {} session for profile \"{}\" ({} left)", s.kind, s.profile,
                format_duration_short(std::chrono::duration_cast<std::chrono::seconds>(s.expiration - now))));
            Credentials creds;
            creds.access_key_id = s.access_key_id;
            creds.secret_access_key = s.secret_access_key;
            creds.session_token = s.session_token;
            creds.expiration = s.expiration;
            return creds;
        }
    }
    m_log.debug("fetching: " + m_inner->describe());
    auto creds = m_inner->retrieve();
    if (!creds || !creds->expiration) return creds;

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
