#pragma once

#include "app/credential_service.hpp"
#include "app/endpoint_session.hpp"
#include "cli/command.hpp"

namespace sesame {

struct ServerOptions {
    CredentialRequest credentials;
    bool ecs = false;
    bool ec2 = false;
    int port = 0;
    bool lazy = false;
    bool imdsv1 = false;
};

CommandRun declare_server(CommandFlags& flags);

/// `sesame server`: a standalone ECS- or EC2-style endpoint on loopback. Prints the variables a
/// client needs (eval-able), serves until SIGINT/SIGTERM, then stops cleanly.
Result<int> run_server(const ServerOptions& options, Context& ctx);

/// Checks the endpoint flags shared by server and exec: exactly one of --ecs/--ec2 (or of
/// --ecs-server/--ec2-server), --imdsv1 only with EC2, a port in range.
Result<EndpointOptions> endpoint_options(bool ecs, bool ec2, int port, bool lazy, bool imdsv1,
                                         std::string_view ecs_flag, std::string_view ec2_flag);

}  // namespace sesame
