#include "cli/exec.hpp"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/process.hpp"
#include "platform/signals.hpp"
#include "shell/export_format.hpp"

namespace sesame {
namespace {

/// Signals the parent passes on to the child. SIGCHLD tells it the child ended.
const std::vector<int> k_forwarded{SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

std::vector<std::string> command_or_shell(const ExecOptions& options, const Context& ctx) {
    std::vector<std::string> command = options.command;
    if (command.empty()) command.push_back(ctx.env().get_or("SHELL", "/bin/sh"));
    return command;
}

Result<int> exec_with_endpoint(const ExecOptions& options, Context& ctx) {
    std::vector<int> blocked = k_forwarded;
    blocked.push_back(SIGCHLD);
    auto signals = SignalRouter::block(blocked);  // before the refresher thread starts
    if (!signals) return std::unexpected(signals.error());
    auto session = EndpointSession::start(ctx, options.credentials, *options.endpoint);
    if (!session) return std::unexpected(session.error());

    std::vector<std::pair<std::string, std::string>> vars = (*session)->variables();
    if (auto region = (*session)->region(); !region.empty()) {
        vars.emplace_back("AWS_REGION", region);
        vars.emplace_back("AWS_DEFAULT_REGION", region);
    }
    vars.emplace_back("SESAME_PROFILE", (*session)->profile());
    auto env = child_environment(ctx.env(), vars);
    // SDKs skip the metadata service entirely when this is set (CI images often set it).
    if (options.endpoint->kind == EndpointKind::Ec2) env.erase("AWS_EC2_METADATA_DISABLED");
    auto command = command_or_shell(options, ctx);

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

}  // namespace

std::map<std::string, std::string> child_environment(
    const Env& parent, const std::vector<std::pair<std::string, std::string>>& extra) {
    std::map<std::string, std::string> env = parent.all();
    for (const char* stale :
         {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
          "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "SESAME_PROFILE",
          "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
          "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
          "AWS_EC2_METADATA_SERVICE_ENDPOINT"}) {
        env.erase(stale);
    }
    for (const auto& [name, value] : extra) env[name] = value;
    return env;
}

Result<int> run_exec(const ExecOptions& options, Context& ctx) {
    if (options.endpoint) return exec_with_endpoint(options, ctx);
    auto obtained = obtain_credentials(ctx, options.credentials);
    if (!obtained) return std::unexpected(obtained.error());
    auto command = command_or_shell(options, ctx);
    ctx.log().debug("exec " + command.front());
    Error err = exec_replace(
        command, child_environment(ctx.env(), credential_variables(obtained->credentials, obtained->region,
                                                                   obtained->profile)));
    return std::unexpected(std::move(err));
}

}  // namespace sesame
