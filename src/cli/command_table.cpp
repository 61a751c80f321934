#include "cli/command_table.hpp"

#include "cli/accounts.hpp"
#include "cli/add.hpp"
#include "cli/cli11.hpp"
#include "cli/exec.hpp"
#include "cli/export.hpp"
#include "cli/import.hpp"
#include "cli/keep.hpp"
#include "cli/list.hpp"
#include "cli/lock.hpp"
#include "cli/login.hpp"
#include "cli/mfa.hpp"
#include "cli/migrate.hpp"
#include "cli/prompt_command.hpp"
#include "cli/remove.hpp"
#include "cli/rotate.hpp"
#include "cli/server.hpp"
#include "cli/shell.hpp"

namespace sesame {

namespace {

/// Constant data: no constructor runs at start.
constexpr Command k_commands[] = {
    {"add", "Store a profile's long-term access key in the encrypted vault", declare_add},
    {"import", "Move long-term keys from ~/.aws/credentials, or aws-vault's store, into the encrypted store",
     declare_import},
    {"list", "List profiles, stored keys, MFA serials and cached sessions", declare_list},
    {"exec", "Run a command with temporary credentials for a profile", declare_exec},
    {"export", "Print temporary credentials (env, export-env, json, ini, fish, powershell)", declare_export},
    {"login", "Open the AWS console signed in as a profile (or print the sign-in URL)", declare_login},
    {"rotate", "Replace a profile's stored access key with a new one, then delete the old key",
     declare_rotate},
    {"accounts", "List the organization's accounts (id, name, status)", declare_accounts},
    {"mfa-devices", "List the IAM user's MFA devices", declare_mfa_devices},
    {"mfa-setup", "Create and enable a virtual MFA device, with a QR code in the terminal",
     declare_mfa_setup},
    {"shell", "Start $SHELL with credentials and a prompt showing the time left", declare_shell},
    {"remove", "Delete a profile's stored keys and sessions", declare_remove},
    {"clear", "Delete cached sessions (all, or one profile's)", declare_clear},
    {"server", "Serve credentials on loopback as ECS or EC2 (IMDSv2) do, refreshed before expiry",
     declare_server},
    {"keep", "Keep a credentials file fresh for tools that only read files (status, stop, code, unit)",
     declare_keep},
    {"status", "Show the backend in use, which work here, and whether the vault is unlocked", declare_status},
    {"migrate", "Move every key and session to another backend (file, secret-service, keyctl)",
     declare_migrate},
    {"lock", "Forget the unlocked vault key now; the next command asks for the passphrase", declare_lock},
    {"init", "Print the shell integration (prompt, refreshing aws, completions) for bash, zsh or fish",
     declare_init},
    {"completion", "Print only the completions for bash, zsh or fish", declare_completion},
    {"prompt", "Print the prompt segment ([profile 42m]) from the environment alone", declare_prompt},
};

std::vector<OptionSpec> option_specs(const CLI::App& app, std::vector<PositionalSpec>* positionals,
                                     const ValueLists& values) {
    auto values_of = [&values](const CLI::Option* opt) {
        auto it = values.find(opt->get_name());
        return it == values.end() ? std::vector<std::string>{} : it->second;
    };
    std::vector<OptionSpec> out;
    for (const CLI::Option* opt : app.get_options()) {
        if (opt->get_positional()) {
            if (positionals)
                positionals->push_back({opt->get_name(), opt->get_description(), opt->get_required(),
                                        opt->get_items_expected_max() > 1, values_of(opt)});
            continue;
        }
        if (opt == app.get_help_ptr() || opt == app.get_help_all_ptr()) continue;
        OptionSpec o;
        for (const auto& s : opt->get_snames()) o.names.push_back("-" + s);
        for (const auto& l : opt->get_lnames()) o.names.push_back("--" + l);
        if (opt->get_type_size_max() > 0) {
            o.value_name = opt->get_type_name();
            o.value_optional = opt->get_expected_min() == 0;
        }
        o.values = values_of(opt);
        o.description = opt->get_description();
        if (!opt->get_default_str().empty()) o.description += " (default: " + opt->get_default_str() + ")";
        out.push_back(std::move(o));
    }
    return out;
}

}  // namespace

std::span<const Command> commands() {
    return k_commands;
}

const Command* find_command(std::string_view name) {
    for (const Command& c : k_commands)
        if (name == c.name) return &c;
    return nullptr;
}

void CommandFlags::positional(const char* name, std::string& into, const char* help) {
    m_command.add_option(name, into, help);
}

void CommandFlags::remember(const std::string& name, Values values) {
    if (m_values && values.size() > 0)
        m_values->emplace(name, std::vector<std::string>(values.begin(), values.end()));
}

void CommandFlags::required_positional(const char* name, std::string& into, const char* help, Values values) {
    remember(m_command.add_option(name, into, help)->required()->get_name(), values);
}

void CommandFlags::positional(const char* name, std::vector<std::string>& into, const char* help) {
    m_command.add_option(name, into, help);
}

void CommandFlags::flag(const char* names, bool& into, const char* help) {
    m_command.add_flag(names, into, help);
}

void CommandFlags::option(const char* names, std::string& into, const char* value_name, const char* help,
                          Values values) {
    remember(m_command.add_option(names, into, help)->type_name(value_name)->get_name(), values);
}

void CommandFlags::option(const char* names, int& into, const char* value_name, const char* help) {
    m_command.add_option(names, into, help)->type_name(value_name);
}

void CommandFlags::option_with_default(const char* names, std::string& into, const char* value_name,
                                       const char* help, Values values) {
    remember(
        m_command.add_option(names, into, help)->type_name(value_name)->capture_default_str()->get_name(),
        values);
}

void CommandFlags::optional_value(const char* names, std::optional<std::string>& into, const char* value_name,
                                  const char* help) {
    // Given alone, CLI11 hands the callback one empty value; not given, it does not call it.
    auto assign = [&into](const CLI::results_t& values) {
        into = values.empty() ? std::string() : values.back();
        return true;
    };
    m_command.add_option(names, CLI::callback_t(assign), help)->type_name(value_name)->expected(0, 1);
}

void CommandFlags::example(const char* text) {
    m_command.footer(text);
}

std::vector<DeclaredCommand> declare_commands(CLI::App& app, std::string_view only) {
    app.set_version_flag("--version", SESAME_VERSION,
                         "Show the version, the commit and which optional parts work here");
    // Acted on before parsing (wants_debug, in cli/app.cpp); declared so that it parses and shows.
    app.add_flag("--debug")->description("Print diagnostics to stderr (never secrets)");
    app.require_subcommand(0, 1);

    std::vector<DeclaredCommand> declared;
    for (const Command& c : k_commands) {
        if (!only.empty() && only != c.name) continue;
        CLI::App* parser = app.add_subcommand(c.name, c.summary);
        ValueLists values;
        CommandFlags flags(*parser, &values);
        CommandRun run = c.declare(flags);
        declared.push_back({&c, parser, std::move(run), std::move(values)});
    }
    // After the commands: a command inherits the footer set before it is added.
    app.footer(
        "Examples:\n"
        "  sesame add dev                          store a key (asks for it)\n"
        "  sesame exec admin -- aws sts get-caller-identity\n"
        "  eval \"$(sesame export admin --format export-env)\"\n"
        "  credential_process = sesame export admin --format json\n"
        "Run 'sesame COMMAND --help' for a command's options.");
    return declared;
}

CommandSpecs command_specs() {
    CLI::App app{k_tagline, "sesame"};
    const auto declared = declare_commands(app, "");
    CommandSpecs specs;
    specs.global = {
        {{"-h", "--help"}, "", false, "Show help (after a command: that command's options) and exit"}};
    auto globals = option_specs(app, nullptr, {});
    specs.global.insert(specs.global.end(), globals.begin(), globals.end());
    for (const auto& d : declared) {
        CommandSpec spec{d.command->name, d.command->summary, {}, {}, d.parser->get_footer()};
        spec.options = option_specs(*d.parser, &spec.positionals, d.values);
        specs.commands.push_back(std::move(spec));
    }
    return specs;
}

}  // namespace sesame
