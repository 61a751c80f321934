#include "cli/server.hpp"

#include <fmt/format.h>

#include <memory>

#include "cli/credential_flags.hpp"
#include "platform/signals.hpp"
#include "shell/export_format.hpp"

namespace sesame {

CommandRun declare_server(CommandFlags& flags) {
    auto options = std::make_shared<ServerOptions>();
    declare_credential_flags(flags, options->credentials, AccountFlags::Without);
    flags.flag("--ecs", options->ecs, "ECS container-credentials endpoint");
    flags.flag("--ec2", options->ec2, "EC2 instance-metadata endpoint (IMDSv2)");
    flags.option("--port", options->port, "PORT", "Port on 127.0.0.1 (default: a free one)");
    flags.flag("--lazy", options->lazy, "Fetch credentials on the first request");
    flags.flag("--imdsv1", options->imdsv1, "With --ec2: also answer requests without a token");
    flags.example("Example: sesame server admin --ecs --port 9911  (prints the variables to export)");
    return [options](Context& ctx, const std::vector<std::string>&) { return run_server(*options, ctx); };
}

Result<EndpointOptions> endpoint_options(bool ecs, bool ec2, int port, bool lazy, bool imdsv1,
                                         std::string_view ecs_flag, std::string_view ec2_flag) {
    if (ecs == ec2) return fail(fmt::format("choose one of {} and {}", ecs_flag, ec2_flag));
    if (imdsv1 && !ec2) return fail(fmt::format("--imdsv1 goes with {}", ec2_flag));
    if (port < 0 || port > 65535)
        return fail(fmt::format("--port {} is not a TCP port", port), "use 1 to 65535");
    return EndpointOptions{ecs ? EndpointKind::Ecs : EndpointKind::Ec2, static_cast<uint16_t>(port), lazy,
                           imdsv1};
}

Result<int> run_server(const ServerOptions& options, Context& ctx) {
    auto endpoint = endpoint_options(options.ecs, options.ec2, options.port, options.lazy, options.imdsv1,
                                     "--ecs", "--ec2");
    if (!endpoint) return std::unexpected(endpoint.error());
    // Block the stop signals before any thread starts, so only the event loop receives them.
    auto signals = SignalRouter::block({SIGINT, SIGTERM, SIGHUP});
    if (!signals) return std::unexpected(signals.error());
    auto session = EndpointSession::start(ctx, options.credentials, *endpoint);
    if (!session) return std::unexpected(session.error());

    std::string lines;
    for (const auto& [name, value] : (*session)->variables())
        lines += fmt::format("export {}={}\n", name, shell_quote(value));
    if (auto region = (*session)->region(); !region.empty()) {
        lines += fmt::format("export AWS_REGION={}\n", shell_quote(region));
        lines += fmt::format("export AWS_DEFAULT_REGION={}\n", shell_quote(region));
    }
    ctx.out(lines);
    ctx.prompt().tell(
        fmt::format("sesame: serving credentials of profile \"{}\" on 127.0.0.1:{}; stop with Ctrl-C",
                    (*session)->profile(), (*session)->server().port()));

    HttpServer& server = (*session)->server();
    SESAME_TRY(server.watch(signals->fd(), [&] {
        for (const auto& s : signals->read()) {
            ctx.log().debug(fmt::format("signal {}: stopping", s.signo));
            server.stop();
        }
    }));
    server.run();
    server.unwatch(signals->fd());
    return 0;
}

}  // namespace sesame
