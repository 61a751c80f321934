#include "cli/command_table.hpp"

#include "cli/cli11.hpp"
#include "cli/command_line.hpp"

namespace sesame {

const std::vector<CommandInfo>& commands() {
    static const std::vector<CommandInfo> table{
        {"add", "Store a profile's long-term access key in the encrypted vault"},
        {"list", "List profiles, stored keys, MFA serials and cached sessions"},
        {"exec", "Run a command with temporary credentials for a profile"},
        {"export", "Print temporary credentials (env, export-env, json, ini, fish, powershell)"},
        {"login", "Open the AWS console signed in as a profile (or print the sign-in URL)"},
        {"rotate", "Replace a profile's stored access key with a new one, then delete the old key"},
        {"accounts", "List the organization's accounts (id, name, status)"},
        {"mfa-devices", "List the IAM user's MFA devices"},
        {"mfa-setup", "Create and enable a virtual MFA device, with a QR code in the terminal"},
        {"shell", "Start $SHELL with credentials and a prompt showing the time left"},
        {"remove", "Delete a profile's stored keys and sessions"},
        {"clear", "Delete cached sessions (all, or one profile's)"},
        {"server", "Serve credentials on loopback as ECS or EC2 (IMDSv2) do, refreshed before expiry"},
        {"status", "Show where the vault is and whether it is unlocked, and for how long"},
        {"lock", "Forget the unlocked vault key now; the next command asks for the passphrase"},
        {"init", "Print the shell integration (prompt, refreshing aws, completions) for bash, zsh or fish"},
        {"completion", "Print only the completions for bash, zsh or fish"},
        {"prompt", "Print the prompt segment ([profile 42m]) from the environment alone"},
    };
    return table;
}

std::vector<std::string> CommandSpec::flags() const {
    std::vector<std::string> out;
    for (const auto& o : options) out.insert(out.end(), o.names.begin(), o.names.end());
    return out;
}

namespace {

std::vector<OptionSpec> option_specs(const CLI::App& app, std::vector<PositionalSpec>* positionals) {
    std::vector<OptionSpec> out;
    for (const CLI::Option* opt : app.get_options()) {
        if (opt->get_positional()) {
            if (positionals)
                positionals->push_back({opt->get_name(), opt->get_description(), opt->get_required(),
                                        opt->get_items_expected_max() > 1});
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
        o.description = opt->get_description();
        if (!opt->get_default_str().empty()) o.description += " (default: " + opt->get_default_str() + ")";
        out.push_back(std::move(o));
    }
    return out;
}

}  // namespace

CommandSpecs command_specs() {
    CommandLine line;
    CLI::App app{k_tagline, "sesame"};
    auto subs = line.declare(app, "");
    CommandSpecs specs;
    specs.global = {
        {{"-h", "--help"}, "", false, "Show help (after a command: that command's options) and exit"}};
    auto globals = option_specs(app, nullptr);
    specs.global.insert(specs.global.end(), globals.begin(), globals.end());
    for (const auto& c : commands()) {
        const CLI::App* sub = subs.at(c.name);
        CommandSpec spec{c.name, c.summary, {}, {}, sub->get_footer()};
        spec.options = option_specs(*sub, &spec.positionals);
        specs.commands.push_back(std::move(spec));
    }
    return specs;
}

}  // namespace sesame
