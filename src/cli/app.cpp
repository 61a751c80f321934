#include "cli/app.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "cli/accounts.hpp"
#include "cli/add.hpp"
#include "cli/cli11.hpp"
#include "cli/exec.hpp"
#include "cli/export.hpp"
#include "cli/list.hpp"
#include "cli/lock.hpp"
#include "cli/login.hpp"
#include "cli/mfa.hpp"
#include "cli/prompt.hpp"
#include "cli/remove.hpp"
#include "cli/rotate.hpp"
#include "cli/server.hpp"
#include "cli/shell.hpp"
#include "util/strings.hpp"
#include "vault/key_agent.hpp"

namespace sesame {

bool wants_debug(const std::vector<std::string>& args) {
    for (const auto& a : args) {
        if (a == "--") return false;
        if (a == "--debug") return true;
    }
    return false;
}

namespace {

/// --account takes an optional value (none: pick on the terminal), which CLI11 reports only
/// through the option's count; finish() moves it into the request after parsing.
struct AccountFlag {
    CLI::Option* option = nullptr;
    std::string value;
    void finish(CredentialRequest& r) const {
        if (option && option->count() > 0) r.account = value;
    }
};

void add_credential_flags(CLI::App* cmd, CredentialRequest& r, AccountFlag* account = nullptr) {
    cmd->add_option("profile", r.profile,
                    "Profile from ~/.aws/config (default: $AWS_PROFILE, then \"default\")");
    cmd->add_option("-d,--duration", r.duration, "Session length, e.g. 1h, 90m, 3600s");
    cmd->add_flag("-n,--no-session", r.no_session, "Use the stored keys directly, without GetSessionToken");
    cmd->add_option("--region", r.region, "Region for STS and for the command (sets AWS_REGION)");
    cmd->add_option("-t,--mfa-token", r.mfa_token, "MFA code, instead of being asked on the terminal");
    if (account) {
        account->option =
            cmd->add_option("--account", account->value,
                            "Assume --role in this organization account (id or name; no value: pick)")
                ->expected(0, 1);
        cmd->add_option("--role", r.role, "Role to assume with --account")->capture_default_str();
    }
}

int report(const Error& e, const Context::Writer& err) {
    err(fmt::format("sesame: {}\n", e.message));
    if (!e.hint.empty()) err(fmt::format("hint: {}\n", e.hint));
    return e.exit_code == 0 ? 1 : e.exit_code;
}

}  // namespace

std::optional<QuickCommand> parse_quick(const std::vector<std::string>& args) {
    // Only forms whose meaning is beyond doubt; anything else goes through CLI11 (same result,
    // plus its checks and messages). Building CLI11's option tree costs about as much as the
    // rest of a cached `sesame exec`.
    auto plain = [](const std::string& s) { return !s.empty() && s[0] != '-'; };
    if (args.size() >= 4 && args[0] == "exec" && plain(args[1]) && args[2] == "--") {
        QuickCommand q{QuickCommand::Exec, args[1], {args.begin() + 3, args.end()}, ""};
        return q;
    }
    if (args.size() == 4 && args[0] == "export" && plain(args[1]) && args[2] == "--format" && plain(args[3]))
        return QuickCommand{QuickCommand::Export, args[1], {}, args[3]};
    return std::nullopt;
}

int run_app(const std::vector<std::string>& all_args, Context& ctx, const Context::Writer& err) {
    // The key agent (vault/key_agent.hpp), started by sesame itself where the kernel keyring is
    // not available: `__agent DIR`, not a command for people.
    if (all_args.size() == 2 && all_args[0] == "__agent") {
        auto served = run_key_agent(all_args[1]);
        return served ? 0 : report(served.error(), err);
    }
    if (auto quick = parse_quick(all_args)) {
        Result<int> result = 0;
        if (quick->kind == QuickCommand::Exec) {
            ExecOptions exec;
            exec.credentials.profile = quick->profile;
            exec.command = quick->command;
            result = run_exec(exec, ctx);
        } else {
            ExportOptions exp;
            exp.credentials.profile = quick->profile;
            exp.format = quick->format;
            result = run_export(exp, ctx);
        }
        if (!result) return report(result.error(), err);
        return *result;
    }

    // Everything after the first "--" is the command for exec, untouched by option parsing.
    std::vector<std::string> args, command;
    auto dash = std::find(all_args.begin(), all_args.end(), "--");
    args.assign(all_args.begin(), dash);
    if (dash != all_args.end()) command.assign(dash + 1, all_args.end());

    static std::ios_base::Init streams;  // CLI11 prints with them; see cli/cli11.hpp
    CLI::App app{"sesame: run commands with temporary AWS credentials from an encrypted vault", "sesame"};
    app.set_version_flag("--version", SESAME_VERSION);
    bool debug = false;
    app.add_flag("--debug", debug, "Print diagnostics to stderr (never secrets)");
    app.require_subcommand(0, 1);
    app.footer(
        "Examples:\n"
        "  sesame add dev                          store a key (asks for it)\n"
        "  sesame exec admin -- aws sts get-caller-identity\n"
        "  eval \"$(sesame export admin --format export-env)\"\n"
        "  credential_process = sesame export admin --format json\n"
        "Run 'sesame COMMAND --help' for a command's options.");

    // Options are registered only for the command being run (all of them for help): building
    // every command's options costs more than the rest of a cached `sesame exec`.
    auto first =
        std::find_if(args.begin(), args.end(), [](const std::string& a) { return !a.starts_with("-"); });
    const std::string selected = first == args.end() ? "" : *first;
    auto wanted = [&](const char* name) { return selected == name; };

    // Likewise only the command being run is declared, unless help or a typo needs them all.
    const bool known = std::any_of(commands().begin(), commands().end(),
                                   [&](const CommandInfo& c) { return selected == c.name; });
    std::map<std::string, CLI::App*> subs;
    for (const auto& c : commands())
        if (!known || wanted(c.name)) subs[c.name] = app.add_subcommand(c.name, c.summary);
    auto sub = [&](const char* name) { return subs.at(name); };
    auto ran = [&](const char* name) {
        auto it = subs.find(name);
        return it != subs.end() && it->second->parsed();
    };

    AccountFlag account_flag;

    CredentialRequest accounts_request;
    if (wanted("accounts")) add_credential_flags(sub("accounts"), accounts_request);
    std::string mfa_profile;
    if (wanted("mfa-devices"))
        sub("mfa-devices")->add_option("profile", mfa_profile, "Profile (default: $AWS_PROFILE)");
    MfaSetupOptions mfa_setup;
    if (wanted("mfa-setup")) {
        sub("mfa-setup")->add_option("profile", mfa_setup.profile, "Profile of the IAM user")->required();
        sub("mfa-setup")
            ->add_option("--qr", mfa_setup.qr_ink,
                         "auto, light or dark: the terminal's text colour, so the QR code scans");
    }

    AddOptions add;
    if (wanted("add")) {
        sub("add")->add_option("profile", add.profile, "Profile name")->required();
        sub("add")->add_flag("--env", add.from_env,
                             "Read AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment");
        sub("add")->add_flag("--no-mfa-discovery", add.no_mfa_discovery,
                             "Do not look up the user's MFA devices (to set mfa_serial)");
    }

    ListOptions list;
    if (wanted("list")) {
        sub("list")->add_flag("--json", list.json, "Machine-readable output");
        sub("list")->add_flag("--names", list.names,
                              "Only profile names from the config files (no vault access; for completions)");
    }

    ShellOptions shell;
    if (wanted("shell")) {
        add_credential_flags(sub("shell"), shell.credentials, &account_flag);
        sub("shell")->footer("Example: sesame shell admin   (exit to return; 'aws' refreshes itself inside)");
    }

    std::string init_shell;
    if (wanted("init")) {
        sub("init")->add_option("shell", init_shell, "bash, zsh or fish")->required();
        sub("init")->footer("Example, in ~/.bashrc:  eval \"$(sesame init bash)\"");
    }

    PromptOptions prompt;
    if (wanted("prompt")) {
        sub("prompt")->add_option("--shell", prompt.shell,
                                  "bash, zsh, fish or plain (how colours are marked)");
        sub("prompt")->add_option("--color", prompt.color, "auto, always or never");
        sub("prompt")->add_flag("--seconds-left", prompt.seconds_left,
                                "Print the seconds the credentials have left (negative once expired)");
    }

    ExecOptions exec;
    bool ecs_server = false, ec2_server = false, exec_lazy = false, exec_imdsv1 = false;
    if (wanted("exec")) {
        add_credential_flags(sub("exec"), exec.credentials, &account_flag);
        sub("exec")->add_option("command", exec.command, "Command and arguments (after --; default $SHELL)");
        sub("exec")->add_flag(
            "--ecs-server", ecs_server,
            "Serve credentials to the command from a loopback ECS-style endpoint (refreshed)");
        sub("exec")->add_flag(
            "--ec2-server", ec2_server,
            "Serve credentials to the command from a loopback EC2 metadata (IMDSv2) endpoint");
        sub("exec")->add_flag("--lazy", exec_lazy,
                              "With an endpoint: fetch credentials on the first request");
        sub("exec")->add_flag("--imdsv1", exec_imdsv1,
                              "With --ec2-server: also answer requests without a token");
        sub("exec")->footer(
            "Examples:\n  sesame exec admin -- aws s3 ls\n  sesame exec admin --ecs-server -- terraform "
            "apply");
    }

    ExportOptions exp;
    if (wanted("export")) {
        add_credential_flags(sub("export"), exp.credentials, &account_flag);
        sub("export")
            ->add_option("--format", exp.format, "env, export-env, json, ini, fish or powershell")
            ->capture_default_str();
        sub("export")->footer("Example: eval \"$(sesame export admin --format export-env)\"");
    }

    LoginOptions login;
    if (wanted("login")) {
        add_credential_flags(sub("login"), login.credentials, &account_flag);
        sub("login")->add_option("--path", login.path, "Console page to open, e.g. /s3/home (default: home)");
        sub("login")->add_flag("-s,--stdout", login.print_url,
                               "Print the sign-in URL (a credential: keep it private) instead of opening it");
        sub("login")->footer(
            "Examples:\n  sesame login admin\n  sesame login admin --path /s3/home --region eu-west-1 "
            "--stdout");
    }

    RotateOptions rotate;
    if (wanted("rotate")) {
        sub("rotate")->add_option("profile", rotate.profile,
                                  "Profile whose key to rotate (default: $AWS_PROFILE, then \"default\")");
        sub("rotate")->add_flag("-n,--no-session", rotate.no_session,
                                "Sign the IAM calls with the key itself, not an MFA session");
        sub("rotate")->add_option("-t,--mfa-token", rotate.mfa_token,
                                  "MFA code, instead of being asked on the terminal");
        sub("rotate")->footer(
            "Example: sesame rotate alice   (the new key is checked before the old is deleted)");
    }

    RemoveOptions remove;
    if (wanted("remove")) {
        sub("remove")->add_option("profile", remove.profile, "Profile name")->required();
        sub("remove")->add_flag("-f,--force", remove.force, "Do not ask for confirmation");
        sub("remove")->add_flag("--sessions-only", remove.sessions_only,
                                "Keep the keys; delete only cached sessions");
    }

    ServerOptions server;
    if (wanted("server")) {
        add_credential_flags(sub("server"), server.credentials);
        sub("server")->add_flag("--ecs", server.ecs, "ECS container-credentials endpoint");
        sub("server")->add_flag("--ec2", server.ec2, "EC2 instance-metadata endpoint (IMDSv2)");
        sub("server")->add_option("--port", server.port, "Port on 127.0.0.1 (default: a free one)");
        sub("server")->add_flag("--lazy", server.lazy, "Fetch credentials on the first request");
        sub("server")->add_flag("--imdsv1", server.imdsv1,
                                "With --ec2: also answer requests without a token");
        sub("server")->footer(
            "Example: sesame server admin --ecs --port 9911  (prints the variables to export)");
    }

    ClearOptions clear;
    if (wanted("clear")) sub("clear")->add_option("profile", clear.profile, "Only this profile's sessions");

    // An unknown command gets a suggestion, as ninja does, instead of CLI11's generic message.
    if (first != args.end() && !known) {
        std::vector<std::string> names;
        for (const auto& c : commands()) names.emplace_back(c.name);
        std::string guess = closest_match(*first, names);
        return report(Error{fmt::format("unknown command \"{}\"", *first),
                            guess.empty() ? "run 'sesame --help' for the list of commands"
                                          : fmt::format("did you mean \"{}\"?", guess),
                            2},
                      err);
    }

    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp& e) {
        auto selected = app.get_subcommands();
        ctx.out(selected.empty() ? app.help() : selected.front()->help());
        return 0;
    } catch (const CLI::CallForAllHelp& e) {
        ctx.out(app.help("", CLI::AppFormatMode::All));
        return 0;
    } catch (const CLI::CallForVersion& e) {
        ctx.out(fmt::format("sesame {}\n", SESAME_VERSION));
        return 0;
    } catch (const CLI::ParseError& e) {
        return report(Error{e.what(), "run 'sesame --help' for usage", 2}, err);
    }

    Result<int> result = 0;
    if (ran("add")) {
        result = run_add(add, ctx);
    } else if (ran("list")) {
        result = run_list(list, ctx);
    } else if (ran("exec")) {
        exec.command.insert(exec.command.end(), command.begin(), command.end());
        if (ecs_server || ec2_server || exec_lazy || exec_imdsv1) {
            auto endpoint = endpoint_options(ecs_server, ec2_server, 0, exec_lazy, exec_imdsv1,
                                             "--ecs-server", "--ec2-server");
            if (!endpoint) return report(endpoint.error(), err);
            exec.endpoint = *endpoint;
        }
        account_flag.finish(exec.credentials);
        result = run_exec(exec, ctx);
    } else if (ran("export")) {
        if (!command.empty()) return report(Error{"export takes no command after --", "", 2}, err);
        account_flag.finish(exp.credentials);
        result = run_export(exp, ctx);
    } else if (ran("login")) {
        if (!command.empty()) return report(Error{"login takes no command after --", "", 2}, err);
        account_flag.finish(login.credentials);
        result = run_login(login, ctx);
    } else if (ran("rotate")) {
        result = run_rotate(rotate, ctx);
    } else if (ran("remove")) {
        result = run_remove(remove, ctx);
    } else if (ran("server")) {
        result = run_server(server, ctx);
    } else if (ran("shell")) {
        account_flag.finish(shell.credentials);
        result = run_shell(shell, ctx, completion_commands());
    } else if (ran("init")) {
        result = run_init(init_shell, ctx, completion_commands());
    } else if (ran("prompt")) {
        result = run_prompt(prompt, ctx);
    } else if (ran("accounts")) {
        result = run_accounts(accounts_request, ctx);
    } else if (ran("mfa-devices")) {
        result = run_mfa_devices(mfa_profile, ctx);
    } else if (ran("mfa-setup")) {
        result = run_mfa_setup(mfa_setup, ctx);
    } else if (ran("status")) {
        result = run_status(ctx);
    } else if (ran("lock")) {
        result = run_lock(ctx);
    } else if (ran("clear")) {
        result = run_clear(clear, ctx);
    } else {
        ctx.out(app.help());
        return 0;
    }
    if (!result) return report(result.error(), err);
    return *result;
}

}  // namespace sesame
