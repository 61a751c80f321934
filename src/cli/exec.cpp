#include "cli/exec.hpp"

#include "platform/process.hpp"
#include "shell/export_format.hpp"

namespace sesame {

std::map<std::string, std::string> child_environment(const Env& parent, const ObtainedCredentials& obtained) {
    std::map<std::string, std::string> env = parent.all();
    for (const char* stale :
         {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
          "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "SESAME_PROFILE"}) {
        env.erase(stale);
    }
    for (auto& [name, value] :
         credential_variables(obtained.credentials, obtained.region, obtained.profile)) {
        env[name] = std::move(value);
    }
    return env;
}

Result<int> run_exec(const ExecOptions& options, Context& ctx) {
    auto obtained = obtain_credentials(ctx, options.credentials);
    if (!obtained) return std::unexpected(obtained.error());
    std::vector<std::string> command = options.command;
    if (command.empty()) command.push_back(ctx.env().get_or("SHELL", "/bin/sh"));
    ctx.log().debug("exec " + command.front());
    Error err = exec_replace(command, child_environment(ctx.env(), *obtained));
    return std::unexpected(std::move(err));
}

}  // namespace sesame
