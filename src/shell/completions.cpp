#include "shell/completions.hpp"

#include <fmt/format.h>

#include <algorithm>

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

/// Every option that takes a value, with the command it belongs to: its value completes from its
/// own list (the command table's), or to nothing when it has none — never to profile names.
struct ValueOption {
    std::string command;
    const OptionSpec* option;
};
std::vector<ValueOption> value_options(const std::vector<CommandSpec>& commands) {
    std::vector<ValueOption> out;
    for (const auto& c : commands)
        for (const auto& o : c.options)
            if (!o.value_name.empty()) out.push_back({c.name, &o});
    return out;
}

/// A case pattern matching "COMMAND OPTION" for each of the option's names: "exec -d"|"exec --duration".
std::string case_pattern(const ValueOption& v) {
    std::vector<std::string> alternatives;
    for (const auto& n : v.option->names) alternatives.push_back(fmt::format("\"{} {}\"", v.command, n));
    return join(alternatives, "|");
}

std::string bash_script(const std::vector<CommandSpec>& commands) {
    std::vector<std::string> names;
    std::string flag_cases, value_cases, positional_cases;
    for (const auto& c : commands) {
        names.push_back(c.name);
        flag_cases += fmt::format("        {}) __sesame_words='{}' ;;\n", c.name, join(c.flags(), " "));
        if (!c.positionals.empty() && !c.positionals.front().values.empty())
            positional_cases += fmt::format("        {}) COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")) ;;\n",
                                            c.name, join(c.positionals.front().values, " "));
    }
    for (const auto& v : value_options(commands)) {
        value_cases += fmt::format("        {}) COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")); return ;;\n",
                                   case_pattern(v), join(v.option->values, " "));
    }
    // Profile names never pass through `compgen -W`, which expands `$(...)` in its word list:
    // they are read line by line, compared as strings and offered %q-quoted. After "--" the words
    // are a command's: its name, then its own completion (bash-completion's _command_offset) or
    // file names.
    return fmt::format(R"SH(# bash completion for sesame (sesame completion bash)
_sesame_complete() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]:-}}" cmd="${{COMP_WORDS[1]:-}}"
    local __sesame_words='' __sesame_name __sesame_i
    COMPREPLY=()
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "{names} --help --version --debug" -- "$cur"))
        return
    fi
    for (( __sesame_i = 2; __sesame_i < COMP_CWORD; __sesame_i++ )); do
        [ "${{COMP_WORDS[__sesame_i]}}" = "--" ] || continue
        if [ $((__sesame_i + 1)) -eq "$COMP_CWORD" ]; then
            COMPREPLY=($(compgen -c -- "$cur"))
        elif declare -F _command_offset >/dev/null; then
            _command_offset $((__sesame_i + 1))
        else
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return
    done
    if [ "$prev" = "=" ] && [ "$COMP_CWORD" -ge 3 ]; then
        prev="${{COMP_WORDS[COMP_CWORD-2]}}"
    fi
    case "$cmd $prev" in
{value_cases}    esac
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
{positional_cases}    esac
}}
complete -F _sesame_complete sesame
)SH",
                       fmt::arg("names", join(names, " ")), fmt::arg("flag_cases", flag_cases),
                       fmt::arg("value_cases", value_cases), fmt::arg("positional_cases", positional_cases),
                       fmt::arg("profile_cmds", profile_commands(commands, "|")));
}

std::string zsh_script(const std::vector<CommandSpec>& commands) {
    std::string described, flag_cases, value_cases, positional_cases;
    for (const auto& c : commands) {
        std::string summary = c.summary;
        for (auto& ch : summary)
            if (ch == '\'' || ch == ':') ch = ' ';
        described += fmt::format("        '{}:{}'\n", c.name, summary);
        flag_cases += fmt::format("        {}) compadd -- {} --help ;;\n", c.name, join(c.flags(), " "));
        if (!c.positionals.empty() && !c.positionals.front().values.empty())
            positional_cases += fmt::format("        {}) compadd -- {} ;;\n", c.name,
                                            join(c.positionals.front().values, " "));
    }
    for (const auto& v : value_options(commands))
        value_cases += fmt::format("        {}) compadd -- {}; return ;;\n", case_pattern(v),
                                   join(v.option->values, " "));
    // compadd quotes what it inserts, and ${(f)...} splits the names on newlines only: a name
    // is never evaluated. After "--", the words are handed to zsh's own completion (_normal).
    return fmt::format(R"SH(#compdef sesame
# zsh completion for sesame (sesame completion zsh)
_sesame() {{
    local -a __sesame_commands
    local __sesame_dashes __sesame_prev
    __sesame_commands=(
{described}    )
    if (( CURRENT == 2 )); then
        _describe 'sesame command' __sesame_commands
        return
    fi
    __sesame_dashes=${{words[(i)--]}}
    if (( __sesame_dashes > 2 && __sesame_dashes < CURRENT )); then
        words=("${{(@)words[__sesame_dashes+1,-1]}}")
        (( CURRENT -= __sesame_dashes ))
        _normal
        return
    fi
    __sesame_prev="${{words[CURRENT-1]}}"
    if [[ "${{words[CURRENT]}}" == --*=* ]]; then
        __sesame_prev="${{words[CURRENT]%%=*}}"
        compset -P '*='
    fi
    case "${{words[2]}} $__sesame_prev" in
{value_cases}    esac
    if [[ "${{words[CURRENT]}}" == -* ]]; then
        case "${{words[2]}}" in
{flag_cases}        esac
        return
    fi
    case "${{words[2]}}" in
        {profile_cmds}) compadd -- ${{(f)"$("${{__sesame_bin:-sesame}}" list --names 2>/dev/null)"}} ;;
{positional_cases}    esac
}}
if [[ "${{funcstack[1]:-}}" == _sesame ]]; then
    _sesame "$@"
elif (( $+functions[compdef] )); then
    compdef _sesame sesame
fi
)SH",
                       fmt::arg("described", described), fmt::arg("flag_cases", flag_cases),
                       fmt::arg("value_cases", value_cases), fmt::arg("positional_cases", positional_cases),
                       fmt::arg("profile_cmds", profile_commands(commands, "|")));
}

std::string fish_script(const std::vector<CommandSpec>& commands) {
    // After "--" the words are a command's (__sesame_after_dashes): fish completes them as if
    // typed alone (`complete -C`), its name first. An option's value completes from its own list.
    std::string out =
        "# fish completion for sesame (sesame completion fish)\n"
        "complete -c sesame -f\n"
        "function __sesame_after_dashes\n"
        "    contains -- -- (commandline -opc)\n"
        "end\n"
        "function __sesame_command_after_dashes\n"
        "    set -l words (commandline -opc)\n"
        "    set -l at (contains -i -- -- $words)\n"
        "    set -l rest\n"
        "    if test $at -lt (count $words)\n"
        "        set rest (string escape -- $words[(math $at + 1)..-1])\n"
        "    end\n"
        "    complete -C (string join ' ' -- $rest (commandline -ct))\n"
        "end\n"
        "complete -c sesame -n __sesame_after_dashes -xa '(__sesame_command_after_dashes)'\n";
    std::vector<std::string> value_flags;
    for (const auto& c : commands) {
        const std::string seen =
            fmt::format("'__fish_seen_subcommand_from {}; and not __sesame_after_dashes'", c.name);
        out += fmt::format("complete -c sesame -n __fish_use_subcommand -a {} -d {}\n", c.name,
                           fish_quote(c.summary));
        for (const auto& o : c.options) {
            std::string names;
            for (const auto& n : o.names) {
                names += n.starts_with("--") ? " -l " + n.substr(2) : " -s " + n.substr(1);
                if (!o.value_name.empty() && !o.value_optional) value_flags.push_back(n);
            }
            std::string value;
            if (!o.value_name.empty() && !o.value_optional)
                value = o.values.empty() ? " -x" : " -xa " + fish_quote(join(o.values, " "));
            out += fmt::format("complete -c sesame -n {}{}{} -d {}\n", seen, names, value,
                               fish_quote(o.description));
        }
        if (!c.positionals.empty() && !c.positionals.front().values.empty())
            out += fmt::format("complete -c sesame -n {} -a {}\n", seen,
                               fish_quote(join(c.positionals.front().values, " ")));
    }
    // fish offers each line of the command substitution's output as one candidate, escaped.
    out +=
        "function __sesame_profiles\n"
        "    set -l bin sesame\n"
        "    set -q __sesame_bin; and set bin $__sesame_bin\n"
        "    command $bin list --names 2>/dev/null\n"
        "end\n";
    std::ranges::sort(value_flags);
    value_flags.erase(std::ranges::unique(value_flags).begin(), value_flags.end());
    out += fmt::format(
        "complete -c sesame -n '__fish_seen_subcommand_from {}; and not __sesame_after_dashes; "
        "and not contains -- (commandline -opc)[-1] {}' -a '(__sesame_profiles)'\n",
        profile_commands(commands, " "), join(value_flags, " "));
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
