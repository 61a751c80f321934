#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "app/credential_service.hpp"
#include "platform/unique_fd.hpp"
#include "server/ecs_endpoint.hpp"
#include "server/http_server.hpp"
#include "server/imds_endpoint.hpp"
#include "server/refreshing_credentials.hpp"
#include "server/role_cache.hpp"

namespace sesame {

enum class EndpointKind { Ecs, Ec2 };

struct EndpointOptions {
    EndpointKind kind = EndpointKind::Ecs;
    uint16_t port = 0;    ///< 0: a free port
    bool lazy = false;    ///< --lazy: fetch on the first request
    bool imdsv1 = false;  ///< --imdsv1: EC2 endpoint serves token-less GETs
};

/// A loopback credential endpoint for one profile, with everything it owns: the credentials
/// kept fresh in the background, the HTTP server, and (ECS) the authorization token and its
/// file. Destroying it stops the refresher and removes the token file.
class EndpointSession {
  public:
    static Result<std::unique_ptr<EndpointSession>> start(Context& ctx, const CredentialRequest& request,
                                                          const EndpointOptions& options);
    ~EndpointSession();

    HttpServer& server() { return *m_server; }
    /// What a client needs in its environment to use the endpoint (contains the token).
    const std::vector<std::pair<std::string, std::string>>& variables() const { return m_variables; }
    const std::string& profile() const { return m_source->name(); }
    std::string region() const { return m_source->region(); }

  private:
    EndpointSession() = default;
    std::unique_ptr<CredentialSource> m_source;
    std::unique_ptr<ServiceClients> m_role_clients;
    std::unique_ptr<RefreshingCredentials> m_credentials;
    std::unique_ptr<RoleCache> m_roles;
    std::unique_ptr<EcsEndpoint> m_ecs;
    std::unique_ptr<ImdsEndpoint> m_imds;
    std::unique_ptr<HttpServer> m_server;
    std::vector<std::pair<std::string, std::string>> m_variables;
    std::string m_token_dir;
    UniqueFd m_token_dir_lock;  ///< flock held while the endpoint lives (stale folders are swept)
};

/// `exec --ecs-server/--ec2-server`: starts the endpoint, runs `command` with `environment(session)`
/// as its whole environment, passes on to it the signals sent to sesame (one from the terminal
/// reaches it directly), and stops serving when it ends. Returns its exit code (128+N if killed).
Result<int> run_with_endpoint(
    Context& ctx, const CredentialRequest& request, const EndpointOptions& options,
    const std::vector<std::string>& command,
    const std::function<std::map<std::string, std::string>(const EndpointSession&)>& environment);

/// The refresh policy: SESAME_SERVER_MIN_TTL (default 15m) is the least an endpoint serves;
/// refreshing starts 5 minutes before that. Fitted to shorter sessions by RefreshingCredentials.
Result<RefreshPolicy> endpoint_policy(const Env& env);

}  // namespace sesame
