#include "providers/sts_clients.hpp"

#include "config/endpoints.hpp"

namespace sesame {

Sts& StsClients::for_profile(const ProfileConfig& profile) {
    ServiceEndpoint endpoint = resolve_endpoint("sts", profile, m_config, m_env);
    std::string key = endpoint.url + "|" + endpoint.signing_region;
    auto it = m_clients.find(key);
    if (it != m_clients.end()) return *it->second.sts;
    if (!m_http) m_http = m_make_http();
    m_log.debug("STS endpoint for profile \"" + profile.name + "\": " + endpoint.url + " (signing region " +
                endpoint.signing_region + ")");
    Client client;
    client.api = std::make_unique<QueryApi>(*m_http, m_clock, endpoint, RetryPolicy{}, QueryApi::real_sleep,
                                            m_log.debug_fn());
    client.sts = std::make_unique<Sts>(*client.api);
    return *m_clients.emplace(key, std::move(client)).first->second.sts;
}

}  // namespace sesame
