#pragma once

#include <string>
#include <vector>

#include "app/credential_service.hpp"
#include "cli/command.hpp"
#include "shell/init_scripts.hpp"

namespace sesame {

struct ShellOptions {
    CredentialRequest credentials;
};

CommandRun declare_shell(CommandFlags& flags);
/// init and completion print what is generated from every command's declaration
/// (command_specs(), cli/command_table.hpp).
CommandRun declare_init(CommandFlags& flags);
CommandRun declare_completion(CommandFlags& flags);

/// `sesame shell`: replaces this process with $SHELL holding the credentials. bash, zsh and fish
/// load the user's own rc files and then sesame's integration (prompt segment with the time
/// left, `aws` that refreshes itself); other shells start plain. Exiting returns to the parent.
Result<int> run_shell(const ShellOptions& options, Context& ctx);

/// `sesame init SHELL`: prints the integration for an rc file.
Result<int> run_init(const std::string& shell, Context& ctx, const std::vector<CommandSpec>& commands);

/// `sesame completion SHELL`: prints only the completions (what packages install).
Result<int> run_completion(const std::string& shell, Context& ctx, const std::vector<CommandSpec>& commands);

/// How to start `shell_path` with the integration loaded: its argv, plus variables to set.
/// Writes the small rc shims it needs (no secrets in them) under `shim_dir`.
Result<std::pair<std::vector<std::string>, std::vector<std::pair<std::string, std::string>>>> shell_command(
    const std::string& shell_path, const std::string& sesame_path, const std::string& shim_dir,
    const Env& env);

}  // namespace sesame
