#include "cli/command_table.hpp"

namespace sesame {

// Flags every command that obtains credentials takes (app.cpp's add_credential_flags).
#define SESAME_CREDENTIAL_FLAGS "--duration", "--no-session", "--region", "--mfa-token"

const std::vector<CommandInfo>& commands() {
    static const std::vector<CommandInfo> table{
        {"add",
         "Store a profile's long-term access key in the encrypted vault",
         {"--env", "--no-mfa-discovery"},
         true},
        {"list", "List profiles, stored keys, MFA serials and cached sessions", {"--json", "--names"}},
        {"exec",
         "Run a command with temporary credentials for a profile",
         {SESAME_CREDENTIAL_FLAGS, "--account", "--role", "--ecs-server", "--ec2-server", "--lazy",
          "--imdsv1"},
         true},
        {"export",
         "Print temporary credentials (env, export-env, json, ini, fish, powershell)",
         {SESAME_CREDENTIAL_FLAGS, "--account", "--role", "--format"},
         true},
        {"login",
         "Open the AWS console signed in as a profile (or print the sign-in URL)",
         {SESAME_CREDENTIAL_FLAGS, "--account", "--role", "--path", "--stdout"},
         true},
        {"rotate",
         "Replace a profile's stored access key with a new one, then delete the old key",
         {"--no-session", "--mfa-token"},
         true},
        {"accounts", "List the organization's accounts (id, name, status)", {SESAME_CREDENTIAL_FLAGS}, true},
        {"mfa-devices", "List the IAM user's MFA devices", {}, true},
        {"mfa-setup",
         "Create and enable a virtual MFA device, with a QR code in the terminal",
         {"--qr"},
         true},
        {"shell",
         "Start $SHELL with credentials and a prompt showing the time left",
         {SESAME_CREDENTIAL_FLAGS},
         true},
        {"remove", "Delete a profile's stored keys and sessions", {"--force", "--sessions-only"}, true},
        {"clear", "Delete cached sessions (all, or one profile's)", {}, true},
        {"server",
         "Serve credentials on loopback as ECS or EC2 (IMDSv2) do, refreshed before expiry",
         {SESAME_CREDENTIAL_FLAGS, "--ecs", "--ec2", "--port", "--lazy", "--imdsv1"},
         true},
        {"status", "Show where the vault is and whether it is unlocked, and for how long", {}},
        {"lock", "Forget the unlocked vault key now; the next command asks for the passphrase", {}},
        {"init",
         "Print the shell integration (prompt, refreshing aws, completions) for bash, zsh or fish",
         {}},
        {"prompt",
         "Print the prompt segment ([profile 42m]) from the environment alone",
         {"--shell", "--color", "--seconds-left"}},
    };
    return table;
}

#undef SESAME_CREDENTIAL_FLAGS

std::vector<CompletionCommand> completion_commands() {
    std::vector<CompletionCommand> out;
    for (const auto& c : commands()) out.push_back({c.name, c.summary, c.flags, c.takes_profile});
    return out;
}

}  // namespace sesame
