#include "cli/shell.hpp"

#include <fmt/format.h>
#include <limits.h>
#include <unistd.h>

#include <memory>

#include "cli/command_table.hpp"
#include "cli/credential_flags.hpp"
#include "cli/exec.hpp"
#include "platform/files.hpp"
#include "platform/process.hpp"
#include "shell/export_format.hpp"

namespace sesame {

CommandRun declare_shell(CommandFlags& flags) {
    auto options = std::make_shared<ShellOptions>();
    declare_credential_flags(flags, options->credentials, AccountFlags::With);
    flags.example("Example: sesame shell admin   (exit to return; 'aws' refreshes itself inside)");
    return [options](Context& ctx, const std::vector<std::string>&) { return run_shell(*options, ctx); };
}

CommandRun declare_init(CommandFlags& flags) {
    auto shell = std::make_shared<std::string>();
    flags.required_positional("shell", *shell, "bash, zsh or fish", {"bash", "zsh", "fish"});
    flags.example("Example, in ~/.bashrc:  eval \"$(sesame init bash)\"");
    return [shell](Context& ctx, const std::vector<std::string>&) {
        return run_init(*shell, ctx, command_specs().commands);
    };
}

CommandRun declare_completion(CommandFlags& flags) {
    auto shell = std::make_shared<std::string>();
    flags.required_positional("shell", *shell, "bash, zsh or fish", {"bash", "zsh", "fish"});
    flags.example(
        "Example: sesame completion bash > ~/.local/share/bash-completion/completions/sesame\n"
        "(installed packages already have them; `sesame init` includes them too)");
    return [shell](Context& ctx, const std::vector<std::string>&) {
        return run_completion(*shell, ctx, command_specs().commands);
    };
}

Result<std::pair<std::vector<std::string>, std::vector<std::pair<std::string, std::string>>>> shell_command(
    const std::string& shell_path, const std::string& sesame_path, const std::string& shim_dir,
    const Env& env) {
    std::string name = shell_path.substr(shell_path.find_last_of('/') + 1);
    std::string init = fmt::format("eval \"$({} init {})\"\n", shell_quote(sesame_path), name);
    std::vector<std::pair<std::string, std::string>> vars;
    if (name == "bash") {
        SESAME_TRY(ensure_private_dir(shim_dir));
        std::string rc = shim_dir + "/bashrc";
        SESAME_TRY(
            write_file_atomic(rc,
                              "# Written by sesame shell: your own ~/.bashrc, then sesame's integration.\n"
                              "if [ -f ~/.bashrc ]; then . ~/.bashrc; fi\n" +
                                  init,
                              0600));
        return std::pair{std::vector<std::string>{shell_path, "--rcfile", rc, "-i"}, vars};
    }
    if (name == "zsh") {
        // zsh reads $ZDOTDIR/.zshenv and .zshrc: ours hand over to the user's, then add sesame's.
        SESAME_TRY(ensure_private_dir(shim_dir + "/zsh"));
        SESAME_TRY(write_file_atomic(shim_dir + "/zsh/.zshenv",
                                     "# Written by sesame shell.\n"
                                     "__sesame_zdotdir=\"$ZDOTDIR\"\n"
                                     "ZDOTDIR=\"${SESAME_ORIGINAL_ZDOTDIR:-$HOME}\"\n"
                                     "[ -f \"$ZDOTDIR/.zshenv\" ] && . \"$ZDOTDIR/.zshenv\"\n"
                                     "ZDOTDIR=\"$__sesame_zdotdir\"\n",
                                     0600));
        SESAME_TRY(write_file_atomic(shim_dir + "/zsh/.zshrc",
                                     "# Written by sesame shell.\n"
                                     "ZDOTDIR=\"${SESAME_ORIGINAL_ZDOTDIR:-$HOME}\"\n"
                                     "unset SESAME_ORIGINAL_ZDOTDIR __sesame_zdotdir\n"
                                     "[ -f \"$ZDOTDIR/.zshrc\" ] && . \"$ZDOTDIR/.zshrc\"\n" +
                                         init,
                                     0600));
        vars.emplace_back("SESAME_ORIGINAL_ZDOTDIR", env.get_or("ZDOTDIR", env.home()));
        vars.emplace_back("ZDOTDIR", shim_dir + "/zsh");
        return std::pair{std::vector<std::string>{shell_path, "-i"}, vars};
    }
    if (name == "fish") {
        return std::pair{
            std::vector<std::string>{shell_path, "-i", "-C",
                                     fmt::format("{} init fish | source", shell_quote(sesame_path))},
            vars};
    }
    return std::pair{std::vector<std::string>{shell_path}, vars};
}

Result<int> run_shell(const ShellOptions& options, Context& ctx) {
    auto obtained = obtain_credentials(ctx, options.credentials);
    if (!obtained) return std::unexpected(obtained.error());
    std::string shell = ctx.env().get_or("SHELL", "/bin/sh");
    std::string base = ctx.env()
                           .get("XDG_RUNTIME_DIR")
                           .value_or(ctx.env().get("XDG_CACHE_HOME").value_or(ctx.env().home() + "/.cache"));
    auto command = shell_command(shell, self_path(), base + "/sesame-shell", ctx.env());
    if (!command) return std::unexpected(command.error());
    auto vars = credential_variables(obtained->credentials, obtained->region, obtained->profile,
                                     labels_of(*obtained));
    for (auto& v : command->second) vars.push_back(v);
    ctx.log().debug("starting " + shell + " with the sesame integration");
    Error err = exec_replace(command->first, child_environment(ctx.env(), vars));
    return std::unexpected(std::move(err));
}

Result<int> run_init(const std::string& shell, Context& ctx, const std::vector<CommandSpec>& commands) {
    auto kind = parse_shell_kind(shell);
    if (!kind) return std::unexpected(kind.error());
    ctx.out(init_script(*kind, self_path(), commands));
    return 0;
}

Result<int> run_completion(const std::string& shell, Context& ctx, const std::vector<CommandSpec>& commands) {
    auto kind = parse_shell_kind(shell);
    if (!kind) return std::unexpected(kind.error());
    ctx.out(completion_script(*kind, commands));
    return 0;
}

}  // namespace sesame
