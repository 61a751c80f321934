#include "cli/aws_vault_flags.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "app/settings.hpp"

namespace sesame {
namespace {

constexpr const char* k_no_sso =
    "aws-vault prints an SSO sign-in link with it; sesame does not sign in with IAM Identity Center (SSO)";

/// Constant data: no constructor runs at start.
constexpr AwsVaultFlag k_flags[] = {
    {"", "--backend", true, nullptr, "SESAME_BACKEND", "", ""},
    {"", "--prompt", true, nullptr, "SESAME_PROMPT", "", ""},
    {"", "--file-dir", true, nullptr, "SESAME_FILE_DIR", "", ""},
    {"", "--keychain", true, nullptr, nullptr,
     "a macOS keychain is an aws-vault backend sesame does not have (sesame status lists sesame's)",
     "drop it; --backend NAME chooses one of sesame's backends"},
    {"", "--secret-service-collection", true, nullptr, nullptr,
     "sesame's secret-service backend keeps its one item in the default collection",
     "drop it (--backend secret-service chooses that backend)"},
    {"", "--pass-dir", true, nullptr, "PASSWORD_STORE_DIR", "", ""},
    {"", "--pass-cmd", true, nullptr, "SESAME_PASS_CMD", "", ""},
    {"", "--pass-prefix", true, nullptr, "SESAME_PASS_PREFIX", "", ""},
    {"add", "--add-config", false, "", nullptr, "", ""},
    {"add", "--no-add-config", false, nullptr, nullptr,
     "sesame add always adds [profile NAME] to the config file when it has none",
     "drop --no-add-config (and delete the section afterwards if you do not want it)"},
    {"exec", "--stdout", false, nullptr, nullptr, k_no_sso, "drop --stdout"},
    {"export", "--stdout", false, nullptr, nullptr, k_no_sso, "drop --stdout"},
};

/// A folder given on the command line as a variable takes it: "--file-dir=~/x" reaches sesame
/// with its tilde (the shell expands only `--file-dir ~/x`), and a relative one is relative to
/// the current folder, as for any command-line path.
std::string absolute_folder(const std::string& path, const Env& env) {
    if (path == "~") return env.home();
    if (path.starts_with("~/")) return env.home() + path.substr(1);
    std::error_code ec;
    auto absolute = std::filesystem::absolute(path, ec);
    return ec ? path : absolute.lexically_normal().string();
}

bool is_flag(std::string_view word) {
    return word.size() > 1 && word[0] == '-';
}

}  // namespace

std::span<const AwsVaultFlag> aws_vault_flags() {
    return k_flags;
}

const AwsVaultFlag* find_aws_vault_flag(std::string_view command, std::string_view flag) {
    std::string_view name = flag.substr(0, flag.find('='));
    for (const AwsVaultFlag& f : k_flags)
        if (name == f.name && (f.command == std::string_view() || command == f.command)) return &f;
    return nullptr;
}

Result<std::vector<std::string>> normalize_habits(std::vector<std::string> args, Env& env) {
    std::vector<std::string> out;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& word = args[i];
        if (word == "--debug") continue;
        if (word == "--help-long") {
            out.push_back("--help");
            continue;
        }
        const AwsVaultFlag* global = word.starts_with("--") ? find_aws_vault_flag("", word) : nullptr;
        if (!global || global->command[0] != '\0') {
            out.push_back(word);
            continue;
        }
        std::string value;
        if (auto eq = word.find('='); eq != std::string::npos) {
            value = word.substr(eq + 1);
        } else if (i + 1 < args.size()) {
            value = args[++i];
        } else {
            return fail(fmt::format("{} needs a value", global->name), "", 2);
        }
        if (global->sets_variable) {
            if (value.empty()) return fail(fmt::format("{} needs a value", global->name), "", 2);
            // Checked here, so that a bad value names the flag rather than the variable.
            const Setting* setting = find_setting(global->sets_variable);
            if ((setting && setting->type == SettingType::Path) ||
                std::string_view(global->sets_variable).ends_with("_DIR"))
                value = absolute_folder(value, env);
            if (setting) {
                auto parsed = parse_setting(*setting, global->name, value);
                if (!parsed)
                    return fail(std::move(parsed.error().message), std::move(parsed.error().hint), 2);
            }
            env.set(global->sets_variable, value);
            continue;
        }
        if (global->accepts && value == global->accepts) continue;
        return fail(fmt::format("{} {}: {}", global->name, value, global->refusal), global->instead, 2);
    }

    if (out.size() == 1 && out[0] == "--help-man") return std::vector<std::string>{"__man"};
    for (const char* shell : {"bash", "zsh"}) {
        if (std::ranges::find(out, fmt::format("--completion-script-{}", shell)) != out.end())
            return std::vector<std::string>{"completion", shell};
    }

    auto command_word = [&out] {
        return std::ranges::find_if(out, [](const std::string& w) { return !is_flag(w); });
    };
    auto first = command_word();
    if (first == out.end()) return out;
    if (*first == "ls") *first = "list";
    if (*first == "rm") *first = "remove";
    if (*first == "help") {
        out.erase(first);
        out.push_back("--help");
        first = command_word();
        if (first == out.end()) return out;
    }
    // aws-vault's flags of this command that mean what sesame does anyway.
    const std::string command = *first;
    std::erase_if(out, [&](const std::string& w) {
        const AwsVaultFlag* f = is_flag(w) ? find_aws_vault_flag(command, w) : nullptr;
        return f && f->command == command && f->accepts && !f->takes_value;
    });
    return out;
}

}  // namespace sesame
