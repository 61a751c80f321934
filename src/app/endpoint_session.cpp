#include "app/endpoint_session.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <string_view>

#include "app/settings.hpp"
#include "platform/files.hpp"
#include "platform/process.hpp"
#include "platform/signals.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

std::string random_token() {
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    std::string token = hex(std::string_view(reinterpret_cast<const char*>(raw), sizeof raw));
    sodium_memzero(raw, sizeof raw);
    return token;
}

/// The name under iam/security-credentials/: the role's name, else the profile's, made safe.
std::string imds_role_name(const ProfileConfig& p) {
    std::string name = p.role_arn.empty() ? p.name : p.role_arn.substr(p.role_arn.find_last_of('/') + 1);
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) &&
            std::string_view("+=,.@_-").find(c) == std::string_view::npos)
            c = '-';
    return name;
}

std::string account_of(const ProfileConfig& p) {
    auto parts = split(p.role_arn, ':');
    return parts.size() > 4 && parts[4].size() == 12 ? parts[4] : "000000000000";
}

constexpr std::string_view k_token_dir_prefix = "sesame-endpoint-";

/// A private folder for the token file (memory-backed $XDG_RUNTIME_DIR when there is one),
/// locked for the endpoint's life through `lock`.
Result<std::string> make_token_dir(const Env& env, UniqueFd& lock) {
    std::string base = env.get("XDG_RUNTIME_DIR").value_or(env.get_or("TMPDIR", "/tmp"));
    // Token folders of endpoints that were killed instead of stopped: a live endpoint holds an
    // flock on its folder, so one that can be locked is stale.
    sweep_left_by_dead_owners(base, k_token_dir_prefix, "token");
    std::string tmpl = fmt::format("{}/{}XXXXXX", base, k_token_dir_prefix);
    if (!::mkdtemp(tmpl.data())) return fail(fmt::format("cannot create a private folder in {}", base));
    lock = UniqueFd(::open(tmpl.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (lock.get() < 0 || ::flock(lock.get(), LOCK_EX | LOCK_NB) != 0) {
        ::rmdir(tmpl.c_str());
        return fail(fmt::format("cannot lock the private folder {}", tmpl));
    }
    return tmpl;
}

}  // namespace

Result<RefreshPolicy> endpoint_policy(const Env& env) {
    RefreshPolicy policy;
    auto min_ttl = duration_setting(env, "SESAME_SERVER_MIN_TTL");
    if (!min_ttl) return std::unexpected(std::move(min_ttl.error()));
    policy.min_ttl = *min_ttl;
    policy.min_ttl_given = setting_is_set(env, "SESAME_SERVER_MIN_TTL");
    policy.refresh_before = policy.min_ttl + std::chrono::minutes(5);
    return policy;
}

Result<std::unique_ptr<EndpointSession>> EndpointSession::start(Context& ctx,
                                                                const CredentialRequest& request,
                                                                const EndpointOptions& options) {
    if (request.no_session) {
        return fail("--no-session cannot be used with a credential endpoint",
                    "endpoints serve temporary credentials only; drop --no-session");
    }
    auto policy = endpoint_policy(ctx.env());
    if (!policy) return std::unexpected(policy.error());

    std::unique_ptr<EndpointSession> s(new EndpointSession);
    // A cached session is taken only if the policy can serve it unchanged: what is fetched then
    // lasts as long as the profile's sessions do, which is what the policy is fitted to.
    auto source = CredentialSource::open(ctx, request, policy->full_lifetime());
    if (!source) return std::unexpected(source.error());
    s->m_source = std::move(*source);
    s->m_role_clients = s->m_source->make_clients();
    CredentialSource* src = s->m_source.get();
    s->m_credentials = std::make_unique<RefreshingCredentials>(
        [src, confined = false]() mutable -> Result<Credentials> {
            auto c = src->fetch();
            if (c && !c->is_temporary()) {
                return fail("the profile gives long-term keys, which an endpoint does not serve",
                            "use a profile with a session or a role");
            }
            if (c && !confined) {
                // From the first success on, the endpoint holds its own chain's keys only.
                src->confine_store();
                confined = true;
            }
            return c;
        },
        ctx.clock(), ctx.log(), *policy);
    SESAME_TRY(s->m_credentials->start(options.lazy));

    ServerLimits limits;
    HttpServer::Handler handler;
    Secret token;
    if (options.kind == EndpointKind::Ecs) {
        token = Secret(random_token());
        s->m_roles = std::make_unique<RoleCache>(*s->m_credentials, s->m_role_clients->sts(src->profile()),
                                                 ctx.clock(), *policy);
        s->m_ecs = std::make_unique<EcsEndpoint>(*s->m_credentials, *s->m_roles, token, ctx.log());
        handler = [ecs = s->m_ecs.get()](const ServerRequest& r) { return ecs->handle(r); };
    } else {
        ImdsOptions imds{options.imdsv1, imds_role_name(src->profile()), src->region(),
                         account_of(src->profile())};
        s->m_imds = std::make_unique<ImdsEndpoint>(*s->m_credentials, imds, ctx.clock(), ctx.log());
        handler = [imds = s->m_imds.get()](const ServerRequest& r) { return imds->handle(r); };
    }
    auto server = HttpServer::listen(options.port, std::move(handler), limits);
    if (!server) return std::unexpected(server.error());
    s->m_server = std::move(*server);
    s->m_server->set_diagnostics([&log = ctx.log()](std::string_view m) { log.debug(std::string(m)); });

    std::string base = fmt::format("http://127.0.0.1:{}", s->m_server->port());
    if (options.kind == EndpointKind::Ecs) {
        auto dir = make_token_dir(ctx.env(), s->m_token_dir_lock);
        if (!dir) return std::unexpected(dir.error());
        s->m_token_dir = *dir;
        std::string token_file = s->m_token_dir + "/token";
        SESAME_TRY(write_file_atomic(token_file, token.reveal(), 0600));
        s->m_variables = {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", base + std::string(EcsEndpoint::k_path)},
                          {"AWS_CONTAINER_AUTHORIZATION_TOKEN", token.reveal()},
                          {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", token_file}};
    } else {
        s->m_variables = {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", base + "/"}};
    }
    ctx.log().debug(fmt::format("{} credential endpoint for \"{}\" on {}",
                                options.kind == EndpointKind::Ecs ? "ECS" : "EC2", src->name(), base));
    return s;
}

EndpointSession::~EndpointSession() {
    if (m_credentials) m_credentials->stop();
    if (!m_token_dir.empty()) {
        ::unlink((m_token_dir + "/token").c_str());
        ::rmdir(m_token_dir.c_str());
    }
}

namespace {
/// Signals passed on to the child. SIGCHLD tells sesame the child ended.
const std::vector<int> k_forwarded{SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
}  // namespace

Result<int> run_with_endpoint(
    Context& ctx, const CredentialRequest& request, const EndpointOptions& options,
    const std::vector<std::string>& command,
    const std::function<std::map<std::string, std::string>(const EndpointSession&)>& environment) {
    std::vector<int> blocked = k_forwarded;
    blocked.push_back(SIGCHLD);
    auto signals = SignalRouter::block(blocked);  // before the refresher thread starts
    if (!signals) return std::unexpected(signals.error());
    auto session = EndpointSession::start(ctx, request, options);
    if (!session) return std::unexpected(session.error());
    auto env = environment(**session);

    pid_t child = ::fork();
    if (child < 0) return fail("cannot start the command: fork failed");
    if (child == 0) {
        pthread_sigmask(SIG_SETMASK, &signals->original_mask(), nullptr);
        Error err = exec_replace(command, env);
        std::string line = fmt::format("sesame: {}\n", err.message);
        [[maybe_unused]] auto n = ::write(STDERR_FILENO, line.data(), line.size());
        _exit(err.exit_code);
    }
    ctx.log().debug(fmt::format("started {} as pid {}", command.front(), child));

    int status = 0;
    bool done = false;
    HttpServer& server = (*session)->server();
    SESAME_TRY(server.watch(signals->fd(), [&] {
        for (const auto& s : signals->read()) {
            if (s.signo == SIGCHLD) continue;
            // A signal from the terminal reached the child too (same process group); one sent
            // to sesame with kill() is passed on.
            if (s.from_process) ::kill(child, s.signo);
        }
        if (!done && ::waitpid(child, &status, WNOHANG) == child) {
            done = true;
            server.stop();
        }
    }));
    server.run();
    server.unwatch(signals->fd());
    if (!done) ::waitpid(child, &status, 0);
    return exit_code_of(status);
}

}  // namespace sesame
