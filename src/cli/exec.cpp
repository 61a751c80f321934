#include "cli/exec.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <memory>

#include "cli/credential_flags.hpp"
#include "cli/export.hpp"
#include "cli/server.hpp"
#include "platform/process.hpp"
#include "shell/export_format.hpp"

namespace sesame {
namespace {

std::vector<std::string> command_or_shell(const ExecOptions& options, const Context& ctx) {
    std::vector<std::string> command = options.command;
    if (command.empty()) command.push_back(ctx.env().get_or("SHELL", "/bin/sh"));
    return command;
}

Result<int> exec_with_endpoint(const ExecOptions& options, Context& ctx) {
    return run_with_endpoint(ctx, options.credentials, *options.endpoint, command_or_shell(options, ctx),
                             [&](const EndpointSession& session) {
                                 std::vector<std::pair<std::string, std::string>> vars = session.variables();
                                 if (auto region = session.region(); !region.empty()) {
                                     vars.emplace_back("AWS_REGION", region);
                                     vars.emplace_back("AWS_DEFAULT_REGION", region);
                                 }
                                 vars.emplace_back("SESAME_PROFILE", session.profile());
                                 auto env = child_environment(ctx.env(), vars);
                                 // SDKs skip the metadata service entirely when this is set (CI images often
                                 // set it).
                                 if (options.endpoint->kind == EndpointKind::Ec2)
                                     env.erase("AWS_EC2_METADATA_DISABLED");
                                 return env;
                             });
}

}  // namespace

CommandRun declare_exec(CommandFlags& flags) {
    struct Parsed {
        ExecOptions options;
        bool ecs_server = false, ec2_server = false, lazy = false, imdsv1 = false, json = false;
    };
    auto parsed = std::make_shared<Parsed>();
    declare_credential_flags(flags, parsed->options.credentials, AccountFlags::With);
    flags.positional("command", parsed->options.command, "Command and arguments (after --; default $SHELL)");
    flags.flag("--ecs-server", parsed->ecs_server,
               "Serve credentials to the command from a loopback ECS-style endpoint (refreshed)");
    flags.flag("-s,--ec2-server,--server", parsed->ec2_server,
               "Serve credentials to the command from a loopback EC2 metadata (IMDSv2) endpoint");
    flags.flag("--lazy", parsed->lazy, "With an endpoint: fetch credentials on the first request");
    flags.flag("--imdsv1", parsed->imdsv1, "With --ec2-server: also answer requests without a token");
    flags.flag("-j,--json", parsed->json,
               "Run no command: print the credentials as credential_process JSON (= export --format json)");
    flags.example(
        "Examples:\n  sesame exec admin -- aws s3 ls\n  sesame exec admin --ecs-server -- terraform apply");
    return [parsed](Context& ctx, const std::vector<std::string>& after_dashes) -> Result<int> {
        ExecOptions options = parsed->options;
        options.command.insert(options.command.end(), after_dashes.begin(), after_dashes.end());
        if (parsed->json) {
            // aws-vault's `exec --json`, from before `export --format json` existed.
            if (!options.command.empty() || parsed->ecs_server || parsed->ec2_server || parsed->lazy ||
                parsed->imdsv1)
                return std::unexpected(Error{"exec --json prints credentials and runs no command or endpoint",
                                             "drop --json to run the command", 2});
            ExportOptions json;
            json.credentials = options.credentials;
            json.format = "json";
            return run_export(json, ctx);
        }
        if (parsed->ecs_server || parsed->ec2_server || parsed->lazy || parsed->imdsv1) {
            auto endpoint = endpoint_options(parsed->ecs_server, parsed->ec2_server, 0, parsed->lazy,
                                             parsed->imdsv1, "--ecs-server", "--ec2-server");
            if (!endpoint) return std::unexpected(endpoint.error());
            options.endpoint = *endpoint;
        }
        return run_exec(options, ctx);
    };
}

std::map<std::string, std::string> child_environment(
    const Env& parent, const std::vector<std::pair<std::string, std::string>>& extra) {
    std::map<std::string, std::string> env = parent.all();
    for (const char* stale :
         {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
          "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "SESAME_PROFILE",
          "SESAME_ACCOUNT", "SESAME_REFRESH_OPTIONS", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
          "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
          "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "AWS_EC2_METADATA_SERVICE_ENDPOINT"}) {
        env.erase(stale);
    }
    for (const auto& [name, value] : extra) env[name] = value;
    return env;
}

SessionLabels labels_of(const ObtainedCredentials& obtained) {
    return SessionLabels{obtained.account, obtained.refresh_options};
}

Result<int> run_exec(const ExecOptions& options, Context& ctx) {
    if (options.endpoint) return exec_with_endpoint(options, ctx);
    auto obtained = obtain_credentials(ctx, options.credentials);
    if (!obtained) return std::unexpected(obtained.error());
    auto command = command_or_shell(options, ctx);
    ctx.log().debug("exec " + command.front());
    Error err = exec_replace(
        command, child_environment(ctx.env(), credential_variables(obtained->credentials, obtained->region,
                                                                   obtained->profile, labels_of(*obtained))));
    return std::unexpected(std::move(err));
}

}  // namespace sesame
