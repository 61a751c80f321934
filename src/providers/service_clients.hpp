#pragma once

#include <functional>
#include <map>
#include <memory>

#include "aws/http.hpp"
#include "aws/query_api.hpp"
#include "aws/sts.hpp"
#include "config/aws_config.hpp"
#include "config/profile.hpp"
#include "platform/env.hpp"
#include "util/log.hpp"

namespace sesame {

/// Hands out an STS client for a profile's endpoint. The HTTP client is made on first use, so a
/// command served from the cache never loads the network stack.
class StsClients {
  public:
    using HttpFactory = std::function<std::unique_ptr<HttpClient>()>;
    StsClients(const AwsConfig& config, const Env& env, const Clock& clock, const Log& log,
               HttpFactory make_http)
        : m_config(config), m_env(env), m_clock(clock), m_log(log), m_make_http(std::move(make_http)) {}

    Sts& for_profile(const ProfileConfig& profile);

  private:
    struct Client {
        std::unique_ptr<QueryApi> api;
        std::unique_ptr<Sts> sts;
    };
    const AwsConfig& m_config;
    const Env& m_env;
    const Clock& m_clock;
    const Log& m_log;
    HttpFactory m_make_http;
    std::unique_ptr<HttpClient> m_http;
    std::map<std::string, Client> m_clients;  // by endpoint url + signing region
};

}  // namespace sesame
