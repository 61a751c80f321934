#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "aws/http.hpp"
#include "aws/iam.hpp"
#include "aws/json_api.hpp"
#include "aws/organizations.hpp"
#include "aws/query_api.hpp"
#include "aws/sts.hpp"
#include "config/aws_config.hpp"
#include "config/profile.hpp"
#include "platform/env.hpp"
#include "util/log.hpp"

namespace sesame {

/// The one factory of AWS API clients: STS, IAM and Organizations for a profile's endpoint
/// (config/endpoints: AWS_ENDPOINT_URL_*, [services], endpoint_url, the region's default), one
/// client per endpoint and signing region, all on one HTTP client made on first use, so a
/// command served from the cache never loads the network stack. Not thread-safe: a thread
/// that calls AWS has its own.
class ServiceClients {
  public:
    using HttpFactory = std::function<std::unique_ptr<HttpClient>()>;
    ServiceClients(const AwsConfig& config, const Env& env, const Clock& clock, const Log& log,
                   HttpFactory make_http)
        : m_config(config), m_env(env), m_clock(clock), m_log(log), m_make_http(std::move(make_http)) {}

    Sts& sts(const ProfileConfig& profile);
    Iam& iam(const ProfileConfig& profile);
    Organizations& organizations(const ProfileConfig& profile);

  private:
    HttpClient& http();
    QueryApi& query_api(const std::string& key, const ServiceEndpoint& e);
    /// The endpoint of `service` for `profile`, and the key its client is kept under.
    std::pair<ServiceEndpoint, std::string> endpoint(const std::string& service,
                                                     const ProfileConfig& profile);

    const AwsConfig& m_config;
    const Env& m_env;
    const Clock& m_clock;
    const Log& m_log;
    HttpFactory m_make_http;
    std::unique_ptr<HttpClient> m_http;
    std::map<std::string, std::unique_ptr<QueryApi>> m_query_apis;  // by service, url and signing region
    std::map<std::string, std::unique_ptr<JsonApi>> m_json_apis;
    std::map<std::string, std::unique_ptr<Sts>> m_sts;
    std::map<std::string, std::unique_ptr<Iam>> m_iam;
    std::map<std::string, std::unique_ptr<Organizations>> m_organizations;
};

}  // namespace sesame
