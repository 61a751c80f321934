#pragma once

#include <map>
#include <string>

#include "cli/add.hpp"
#include "cli/credentials.hpp"
#include "cli/exec.hpp"
#include "cli/export.hpp"
#include "cli/list.hpp"
#include "cli/login.hpp"
#include "cli/mfa.hpp"
#include "cli/prompt.hpp"
#include "cli/remove.hpp"
#include "cli/rotate.hpp"
#include "cli/server.hpp"
#include "cli/shell.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace sesame {

/// Every command's options and what the parser fills them with. `declare` is the one place a
/// command's arguments are defined: `--help`, the man page and the shell completions are all
/// read from what it declares (cli/command_table.cpp), so they cannot disagree.
struct CommandLine {
    bool debug = false;  ///< --debug (acted on before parsing, see wants_debug)
    AddOptions add;
    ListOptions list;
    ExecOptions exec;
    bool ecs_server = false, ec2_server = false, exec_lazy = false, exec_imdsv1 = false;
    ExportOptions exp;
    LoginOptions login;
    RotateOptions rotate;
    RemoveOptions remove;
    ClearOptions clear;
    ServerOptions server;
    ShellOptions shell;
    std::string init_shell;
    std::string completion_shell;
    PromptOptions prompt;
    CredentialRequest accounts;
    std::string mfa_profile;
    MfaSetupOptions mfa_setup;

    /// --account takes an optional value (none: pick on the terminal), which CLI11 reports only
    /// through the option's count; finish_account() moves it into the request after parsing.
    CLI::Option* account_option = nullptr;
    std::string account_value;
    void finish_account(CredentialRequest& request) const;

    /// Adds the global flags and the commands to `app`, each command with its options. `only` non-empty
    /// declares that one command alone (building every command's options costs more than the rest of a cached
    /// `sesame exec`); empty declares all of them (help, man page, completions, typos).
    std::map<std::string, CLI::App*> declare(CLI::App& app, const std::string& only);
};

}  // namespace sesame
