#include "providers/service_clients.hpp"

#include <fmt/format.h>

#include "config/endpoints.hpp"

namespace sesame {

HttpClient& ServiceClients::http() {
    if (!m_http) m_http = m_make_http();
    return *m_http;
}

std::pair<ServiceEndpoint, std::string> ServiceClients::endpoint(const std::string& service,
                                                                 const ProfileConfig& profile) {
    ServiceEndpoint e = resolve_endpoint(service, profile, m_config, m_env);
    std::string key = service + "|" + e.url + "|" + e.signing_region;
    return {std::move(e), std::move(key)};
}

QueryApi& ServiceClients::query_api(const std::string& key, const ServiceEndpoint& e) {
    auto& api = m_query_apis[key];
    if (!api)
        api = std::make_unique<QueryApi>(http(), m_clock, e, RetryPolicy{}, QueryApi::real_sleep,
                                         m_log.debug_fn());
    return *api;
}

Sts& ServiceClients::sts(const ProfileConfig& profile) {
    auto [e, key] = endpoint("sts", profile);
    auto& client = m_sts[key];
    if (!client) {
        m_log.debug(fmt::format("STS endpoint for profile \"{}\": {} (signing region {})", profile.name,
                                e.url, e.signing_region));
        client = std::make_unique<Sts>(query_api(key, e));
    }
    return *client;
}

Iam& ServiceClients::iam(const ProfileConfig& profile) {
    auto [e, key] = endpoint("iam", profile);
    auto& client = m_iam[key];
    if (!client) client = std::make_unique<Iam>(query_api(key, e));
    return *client;
}

Organizations& ServiceClients::organizations(const ProfileConfig& profile) {
    auto [e, key] = endpoint("organizations", profile);
    auto& client = m_organizations[key];
    if (!client) {
        m_json_apis[key] = std::make_unique<JsonApi>(http(), m_clock, e, RetryPolicy{},
                                                     RetryingSender::real_sleep, m_log.debug_fn());
        client = std::make_unique<Organizations>(*m_json_apis[key]);
    }
    return *client;
}

}  // namespace sesame
