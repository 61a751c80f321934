#include "cli/command_line.hpp"

#include "cli/cli11.hpp"
#include "cli/command_table.hpp"

namespace sesame {

namespace {

void add_credential_flags(CLI::App* cmd, CredentialRequest& r, CommandLine* account = nullptr) {
    cmd->add_option(
        "profile", r.profile,
        "Profile from ~/.aws/config (default: $AWS_DEFAULT_PROFILE, $AWS_PROFILE, then \"default\")");
    cmd->add_option("-d,--duration", r.duration, "Session length, e.g. 1h, 90m, 3600s")
        ->type_name("DURATION");
    cmd->add_flag("-n,--no-session", r.no_session, "Use the stored keys directly, without GetSessionToken");
    cmd->add_option("--region", r.region, "Region for STS and for the command (sets AWS_REGION)")
        ->type_name("REGION");
    cmd->add_option("-t,--mfa-token", r.mfa_token, "MFA code, instead of being asked on the terminal")
        ->type_name("CODE");
    if (account) {
        account->account_option =
            cmd->add_option("--account", account->account_value,
                            "Assume --role in this organization account (id or name; no value: pick)")
                ->type_name("ACCOUNT")
                ->expected(0, 1);
        cmd->add_option("--role", r.role, "Role to assume with --account")
            ->type_name("ROLE")
            ->capture_default_str();
    }
}

}  // namespace

void CommandLine::finish_account(CredentialRequest& request) const {
    if (account_option && account_option->count() > 0) request.account = account_value;
}

std::map<std::string, CLI::App*> CommandLine::declare(CLI::App& app, const std::string& only) {
    app.set_version_flag("--version", SESAME_VERSION,
                         "Show the version, the commit and which optional parts work here");
    app.add_flag("--debug", debug, "Print diagnostics to stderr (never secrets)");
    app.require_subcommand(0, 1);

    std::map<std::string, CLI::App*> subs;
    for (const auto& c : commands())
        if (only.empty() || only == c.name) subs[c.name] = app.add_subcommand(c.name, c.summary);
    auto sub = [&](const char* name) -> CLI::App* {
        auto it = subs.find(name);
        return it == subs.end() ? nullptr : it->second;
    };

    if (auto* s = sub("add")) {
        s->add_option("profile", add.profile, "Profile name")->required();
        s->add_flag("--env", add.from_env,
                    "Read AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment");
        s->add_flag("--no-mfa-discovery", add.no_mfa_discovery,
                    "Do not look up the user's MFA devices (to set mfa_serial)");
        s->footer("Example: AWS_ACCESS_KEY_ID=AKIA... AWS_SECRET_ACCESS_KEY=... sesame add alice --env");
    }
    if (auto* s = sub("list")) {
        s->add_flag("--json", list.json, "Machine-readable output");
        s->add_flag("--names", list.names,
                    "Only profile names from the config files (no vault access; for completions)");
        s->footer("Example: sesame list --json");
    }
    if (auto* s = sub("exec")) {
        add_credential_flags(s, exec.credentials, this);
        s->add_option("command", exec.command, "Command and arguments (after --; default $SHELL)");
        s->add_flag("--ecs-server", ecs_server,
                    "Serve credentials to the command from a loopback ECS-style endpoint (refreshed)");
        s->add_flag("--ec2-server", ec2_server,
                    "Serve credentials to the command from a loopback EC2 metadata (IMDSv2) endpoint");
        s->add_flag("--lazy", exec_lazy, "With an endpoint: fetch credentials on the first request");
        s->add_flag("--imdsv1", exec_imdsv1, "With --ec2-server: also answer requests without a token");
        s->footer(
            "Examples:\n  sesame exec admin -- aws s3 ls\n  sesame exec admin --ecs-server -- terraform "
            "apply");
    }
    if (auto* s = sub("export")) {
        add_credential_flags(s, exp.credentials, this);
        s->add_option("--format", exp.format, "env, export-env, json, ini, fish or powershell")
            ->type_name("FORMAT")
            ->capture_default_str();
        s->footer("Example: eval \"$(sesame export admin --format export-env)\"");
    }
    if (auto* s = sub("login")) {
        add_credential_flags(s, login.credentials, this);
        s->add_option("--path", login.path, "Console page to open, e.g. /s3/home (default: home)")
            ->type_name("PATH");
        s->add_flag("-s,--stdout", login.print_url,
                    "Print the sign-in URL (a credential: keep it private) instead of opening it");
        s->footer(
            "Examples:\n  sesame login admin\n  sesame login admin --path /s3/home --region eu-west-1 "
            "--stdout");
    }
    if (auto* s = sub("rotate")) {
        s->add_option(
            "profile", rotate.profile,
            "Profile whose key to rotate (default: $AWS_DEFAULT_PROFILE, $AWS_PROFILE, then \"default\")");
        s->add_flag("-n,--no-session", rotate.no_session,
                    "Sign the IAM calls with the key itself, not an MFA session");
        s->add_option("-t,--mfa-token", rotate.mfa_token, "MFA code, instead of being asked on the terminal")
            ->type_name("CODE");
        s->footer("Example: sesame rotate alice   (the new key is checked before the old is deleted)");
    }
    if (auto* s = sub("accounts")) {
        add_credential_flags(s, accounts);
        s->footer("Example: sesame accounts admin");
    }
    if (auto* s = sub("mfa-devices")) {
        s->add_option("profile", mfa_profile,
                      "Profile (default: $AWS_DEFAULT_PROFILE, $AWS_PROFILE, then \"default\")");
        s->footer("Example: sesame mfa-devices alice");
    }
    if (auto* s = sub("mfa-setup")) {
        s->add_option("profile", mfa_setup.profile, "Profile of the IAM user")->required();
        s->add_option("--qr", mfa_setup.qr_ink,
                      "auto, light or dark: the terminal's text colour, so the QR code scans")
            ->type_name("INK");
        s->footer("Example: sesame mfa-setup alice --qr dark");
    }
    if (auto* s = sub("shell")) {
        add_credential_flags(s, shell.credentials, this);
        s->footer("Example: sesame shell admin   (exit to return; 'aws' refreshes itself inside)");
    }
    if (auto* s = sub("remove")) {
        s->add_option("profile", remove.profile, "Profile name")->required();
        s->add_flag("-f,--force", remove.force, "Do not ask for confirmation");
        s->add_flag("--sessions-only", remove.sessions_only, "Keep the keys; delete only cached sessions");
        s->footer("Example: sesame remove alice --sessions-only");
    }
    if (auto* s = sub("clear")) {
        s->add_option("profile", clear.profile, "Only this profile's sessions");
        s->footer("Example: sesame clear admin");
    }
    if (auto* s = sub("server")) {
        add_credential_flags(s, server.credentials);
        s->add_flag("--ecs", server.ecs, "ECS container-credentials endpoint");
        s->add_flag("--ec2", server.ec2, "EC2 instance-metadata endpoint (IMDSv2)");
        s->add_option("--port", server.port, "Port on 127.0.0.1 (default: a free one)")->type_name("PORT");
        s->add_flag("--lazy", server.lazy, "Fetch credentials on the first request");
        s->add_flag("--imdsv1", server.imdsv1, "With --ec2: also answer requests without a token");
        s->footer("Example: sesame server admin --ecs --port 9911  (prints the variables to export)");
    }
    if (auto* s = sub("status")) s->footer("Example: sesame status");
    if (auto* s = sub("lock")) s->footer("Example: sesame lock");
    if (auto* s = sub("init")) {
        s->add_option("shell", init_shell, "bash, zsh or fish")->required();
        s->footer("Example, in ~/.bashrc:  eval \"$(sesame init bash)\"");
    }
    if (auto* s = sub("completion")) {
        s->add_option("shell", completion_shell, "bash, zsh or fish")->required();
        s->footer(
            "Example: sesame completion bash > ~/.local/share/bash-completion/completions/sesame\n"
            "(installed packages already have them; `sesame init` includes them too)");
    }
    if (auto* s = sub("prompt")) {
        s->add_option("--shell", prompt.shell, "bash, zsh, fish or plain (how colours are marked)")
            ->type_name("SHELL");
        s->add_option("--color", prompt.color, "auto, always or never")->type_name("WHEN");
        s->add_flag("--seconds-left", prompt.seconds_left,
                    "Print the seconds the credentials have left (negative once expired)");
        s->footer("Example: PS1='$(sesame prompt --shell plain)'\"$PS1\"");
    }
    // After the commands: a command inherits the footer set before it is added.
    app.footer(
        "Examples:\n"
        "  sesame add dev                          store a key (asks for it)\n"
        "  sesame exec admin -- aws sts get-caller-identity\n"
        "  eval \"$(sesame export admin --format export-env)\"\n"
        "  credential_process = sesame export admin --format json\n"
        "Run 'sesame COMMAND --help' for a command's options.");
    return subs;
}

}  // namespace sesame
