#include "shell/completions.hpp"

#include <fmt/format.h>

#include "shell/export_format.hpp"
#include "util/strings.hpp"

namespace sesame {
namespace {

/// "add|exec|export": the commands whose first argument is a profile.
std::string profile_commands(const std::vector<CommandSpec>& commands, std::string_view sep) {
    std::vector<std::string> names;
    for (const auto& c : commands)
        if (c.takes_profile()) names.push_back(c.name);
    return join(names, sep);
}

std::string bash_script(const std::vector<CommandSpec>& commands) {
    std::vector<std::string> names;
    std::string flag_cases;
    for (const auto& c : commands) {
        names.push_back(c.name);
        flag_cases += fmt::format("        {}) __sesame_words='{}' ;;\n", c.name, join(c.flags(), " "));
    }
    // Profile names never pass through `compgen -W`, which expands `$(...)` in its word list:
    // they are read line by line, compared as strings and offered %q-quoted.
    return fmt::format(R"SH(# bash completion for sesame (sesame completion bash)
_sesame_complete() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" cmd="${{COMP_WORDS[1]:-}}" __sesame_words='' __sesame_name
    COMPREPLY=()
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "{names} --help --version --debug" -- "$cur"))
        return
    fi
    if [[ "$cur" == -* ]]; then
        case "$cmd" in
{flag_cases}        esac
        COMPREPLY=($(compgen -W "$__sesame_words --help" -- "$cur"))
        return
    fi
    case "$cmd" in
        {profile_cmds})
            while IFS= read -r __sesame_name; do
                [ -n "$__sesame_name" ] || continue
                [[ "$__sesame_name" == "$cur"* ]] || continue
                COMPREPLY+=("$(printf '%q' "$__sesame_name")")
            done < <("${{__sesame_bin:-sesame}}" list --names 2>/dev/null)
            ;;
        init|completion) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
    esac
}}
complete -F _sesame_complete sesame
)SH",
                       fmt::arg("names", join(names, " ")), fmt::arg("flag_cases", flag_cases),
                       fmt::arg("profile_cmds", profile_commands(commands, "|")));
}

std::string zsh_script(const std::vector<CommandSpec>& commands) {
    std::string described, flag_cases;
    for (const auto& c : commands) {
        std::string summary = c.summary;
        for (auto& ch : summary)
            if (ch == '\'' || ch == ':') ch = ' ';
        described += fmt::format("        '{}:{}'\n", c.name, summary);
        flag_cases += fmt::format("        {}) compadd -- {} --help ;;\n", c.name, join(c.flags(), " "));
    }
    // compadd quotes what it inserts, and ${(f)...} splits the names on newlines only: a name
    // is never evaluated.
    return fmt::format(R"SH(#compdef sesame
# zsh completion for sesame (sesame completion zsh)
_sesame() {{
    local -a __sesame_commands
    __sesame_commands=(
{described}    )
    if (( CURRENT == 2 )); then
        _describe 'sesame command' __sesame_commands
        return
    fi
    if [[ "${{words[CURRENT]}}" == -* ]]; then
        case "${{words[2]}}" in
{flag_cases}        esac
        return
    fi
    case "${{words[2]}}" in
        {profile_cmds}) compadd -- ${{(f)"$("${{__sesame_bin:-sesame}}" list --names 2>/dev/null)"}} ;;
        init|completion) compadd -- bash zsh fish ;;
    esac
}}
if [[ "${{funcstack[1]:-}}" == _sesame ]]; then
    _sesame "$@"
elif (( $+functions[compdef] )); then
    compdef _sesame sesame
fi
)SH",
                       fmt::arg("described", described), fmt::arg("flag_cases", flag_cases),
                       fmt::arg("profile_cmds", profile_commands(commands, "|")));
}

std::string fish_script(const std::vector<CommandSpec>& commands) {
    std::string out = "# fish completion for sesame (sesame completion fish)\ncomplete -c sesame -f\n";
    for (const auto& c : commands) {
        out += fmt::format("complete -c sesame -n __fish_use_subcommand -a {} -d {}\n", c.name,
                           fish_quote(c.summary));
        for (const auto& o : c.options) {
            std::string names;
            for (const auto& n : o.names)
                names += n.starts_with("--") ? " -l " + n.substr(2) : " -s " + n.substr(1);
            out += fmt::format("complete -c sesame -n '__fish_seen_subcommand_from {}'{}{} -d {}\n", c.name,
                               names, o.value_name.empty() || o.value_optional ? "" : " -r",
                               fish_quote(o.description));
        }
    }
    // fish offers each line of the command substitution's output as one candidate, escaped.
    out +=
        "function __sesame_profiles\n"
        "    set -l bin sesame\n"
        "    set -q __sesame_bin; and set bin $__sesame_bin\n"
        "    command $bin list --names 2>/dev/null\n"
        "end\n";
    out += fmt::format("complete -c sesame -n '__fish_seen_subcommand_from {}' -a '(__sesame_profiles)'\n",
                       profile_commands(commands, " "));
    out += "complete -c sesame -n '__fish_seen_subcommand_from init completion' -a 'bash zsh fish'\n";
    return out;
}

}  // namespace

Result<ShellKind> parse_shell_kind(std::string_view name) {
    if (name == "bash") return ShellKind::Bash;
    if (name == "zsh") return ShellKind::Zsh;
    if (name == "fish") return ShellKind::Fish;
    return fail(fmt::format("no shell integration for \"{}\"", name), "use bash, zsh or fish");
}

std::string completion_script(ShellKind shell, const std::vector<CommandSpec>& commands) {
    switch (shell) {
        case ShellKind::Bash:
            return bash_script(commands);
        case ShellKind::Zsh:
            return zsh_script(commands);
        case ShellKind::Fish:
            return fish_script(commands);
    }
    return "";
}

}  // namespace sesame
