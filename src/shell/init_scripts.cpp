#include "shell/init_scripts.hpp"

#include <fmt/format.h>

#include "shell/export_format.hpp"

namespace sesame {
namespace {

/// Shared by bash and zsh: refresh when less than 5 minutes are left, then run the real aws.
constexpr std::string_view k_posix_refresh = R"SH(
sesame-refresh() {
    if [ -z "${SESAME_PROFILE:-}" ]; then
        echo "sesame-refresh: this shell has no sesame profile (SESAME_PROFILE is unset)" >&2
        return 1
    fi
    local __sesame_out
    __sesame_out="$("$__sesame_bin" export "$SESAME_PROFILE" --format export-env)" || return $?
    eval "$__sesame_out"
}
__sesame_maybe_refresh() {
    [ -n "${SESAME_PROFILE:-}" ] || return 0
    local __sesame_left
    __sesame_left="$("$__sesame_bin" prompt --seconds-left 2>/dev/null)" || __sesame_left=0
    [ "${__sesame_left:-0}" -gt 300 ] 2>/dev/null && return 0
    sesame-refresh
}
aws() {
    __sesame_maybe_refresh || return $?
    command aws "$@"
}
)SH";

std::string join(const std::vector<std::string>& items, std::string_view sep) {
    std::string out;
    for (const auto& i : items) out += (out.empty() ? "" : std::string(sep)) + i;
    return out;
}

std::string bash_script(const std::string& bin, const std::vector<CompletionCommand>& commands) {
    std::string names, flag_cases, profile_cmds;
    for (const auto& c : commands) {
        names += (names.empty() ? "" : " ") + c.name;
        flag_cases += fmt::format("        {}) __sesame_words='{}' ;;\n", c.name, join(c.flags, " "));
        if (c.takes_profile) profile_cmds += (profile_cmds.empty() ? "" : "|") + c.name;
    }
    return fmt::format(R"SH(# sesame shell integration for bash: add  eval "$(sesame init bash)"  to ~/.bashrc
__sesame_bin={bin}
__sesame_prompt_update() {{
    __sesame_segment="$("$__sesame_bin" prompt --shell bash 2>/dev/null)"
}}
case ";${{PROMPT_COMMAND:-}};" in
    *";__sesame_prompt_update;"*) ;;
    *)
        PROMPT_COMMAND="__sesame_prompt_update${{PROMPT_COMMAND:+;$PROMPT_COMMAND}}"
        PS1='${{__sesame_segment}}'"${{PS1-\s-\v\$ }}"
        ;;
esac
{refresh}
_sesame_complete() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" cmd="${{COMP_WORDS[1]:-}}" __sesame_words=''
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
        {profile_cmds}) COMPREPLY=($(compgen -W "$("$__sesame_bin" list --names 2>/dev/null)" -- "$cur")) ;;
        init) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")) ;;
    esac
}}
complete -F _sesame_complete sesame
)SH",
                       fmt::arg("bin", shell_quote(bin)), fmt::arg("refresh", k_posix_refresh),
                       fmt::arg("names", names), fmt::arg("flag_cases", flag_cases),
                       fmt::arg("profile_cmds", profile_cmds));
}

std::string zsh_script(const std::string& bin, const std::vector<CompletionCommand>& commands) {
    std::string described, flag_cases, profile_cmds;
    for (const auto& c : commands) {
        std::string summary = c.summary;
        for (auto& ch : summary)
            if (ch == '\'' || ch == ':') ch = ' ';
        described += fmt::format("        '{}:{}'\n", c.name, summary);
        flag_cases += fmt::format("        {}) compadd -- {} --help ;;\n", c.name, join(c.flags, " "));
        if (c.takes_profile) profile_cmds += (profile_cmds.empty() ? "" : "|") + c.name;
    }
    return fmt::format(R"SH(# sesame shell integration for zsh: add  eval "$(sesame init zsh)"  to ~/.zshrc
typeset -g __sesame_bin={bin}
typeset -g __sesame_segment=''
__sesame_precmd() {{
    __sesame_segment="$("$__sesame_bin" prompt --shell zsh 2>/dev/null)"
}}
autoload -Uz add-zsh-hook
add-zsh-hook precmd __sesame_precmd
setopt PROMPT_SUBST
if [[ "$PROMPT" != *'${{__sesame_segment}}'* ]]; then
    PROMPT='${{__sesame_segment}}'"$PROMPT"
fi
{refresh}
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
        {profile_cmds}) compadd -- ${{(f)"$("$__sesame_bin" list --names 2>/dev/null)"}} ;;
        init) compadd -- bash zsh fish ;;
    esac
}}
if (( $+functions[compdef] )); then
    compdef _sesame sesame
fi
)SH",
                       fmt::arg("bin", shell_quote(bin)), fmt::arg("refresh", k_posix_refresh),
                       fmt::arg("described", described), fmt::arg("flag_cases", flag_cases),
                       fmt::arg("profile_cmds", profile_cmds));
}

std::string fish_quote_arg(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\\' || c == '\'') out.push_back('\\');
        out.push_back(c);
    }
    return out + "'";
}

std::string fish_script(const std::string& bin, const std::vector<CompletionCommand>& commands) {
    std::string completions, profile_cmds;
    for (const auto& c : commands) {
        completions += fmt::format("complete -c sesame -n __fish_use_subcommand -a {} -d {}\n", c.name,
                                   fish_quote_arg(c.summary));
        for (const auto& f : c.flags) {
            if (f.starts_with("--"))
                completions += fmt::format("complete -c sesame -n '__fish_seen_subcommand_from {}' -l {}\n",
                                           c.name, f.substr(2));
        }
        if (c.takes_profile) profile_cmds += (profile_cmds.empty() ? "" : " ") + c.name;
    }
    return fmt::format(
        R"SH(# sesame shell integration for fish: add  {bin_plain} init fish | source  to ~/.config/fish/config.fish
set -g __sesame_bin {bin}
if not functions -q __sesame_original_fish_prompt
    if functions -q fish_prompt
        functions -c fish_prompt __sesame_original_fish_prompt
    else
        function __sesame_original_fish_prompt
            echo -n '> '
        end
    end
    function fish_prompt
        $__sesame_bin prompt --shell fish 2>/dev/null
        __sesame_original_fish_prompt
    end
end
function sesame-refresh --description 'Re-export fresh sesame credentials into this shell'
    if test -z "$SESAME_PROFILE"
        echo "sesame-refresh: this shell has no sesame profile (SESAME_PROFILE is unset)" >&2
        return 1
    end
    set -l __sesame_out ($__sesame_bin export $SESAME_PROFILE --format fish | string collect)
    or return $status
    echo $__sesame_out | source
end
function __sesame_maybe_refresh
    test -n "$SESAME_PROFILE"; or return 0
    set -l __sesame_left ($__sesame_bin prompt --seconds-left 2>/dev/null); or set __sesame_left 0
    if test "$__sesame_left" -gt 300 2>/dev/null
        return 0
    end
    sesame-refresh
end
function aws --wraps aws --description 'aws with sesame credentials refreshed first'
    __sesame_maybe_refresh; or return $status
    command aws $argv
end
complete -c sesame -f
{completions}complete -c sesame -n '__fish_seen_subcommand_from {profile_cmds}' -a '($__sesame_bin list --names 2>/dev/null)'
complete -c sesame -n '__fish_seen_subcommand_from init' -a 'bash zsh fish'
)SH",
        fmt::arg("bin", fish_quote_arg(bin)), fmt::arg("bin_plain", bin),
        fmt::arg("completions", completions), fmt::arg("profile_cmds", profile_cmds));
}

}  // namespace

Result<ShellKind> parse_shell_kind(std::string_view name) {
    if (name == "bash") return ShellKind::Bash;
    if (name == "zsh") return ShellKind::Zsh;
    if (name == "fish") return ShellKind::Fish;
    return fail(fmt::format("no shell integration for \"{}\"", name), "use bash, zsh or fish");
}

std::string init_script(ShellKind shell, const std::string& sesame_path,
                        const std::vector<CompletionCommand>& commands) {
    switch (shell) {
        case ShellKind::Bash:
            return bash_script(sesame_path, commands);
        case ShellKind::Zsh:
            return zsh_script(sesame_path, commands);
        case ShellKind::Fish:
            return fish_script(sesame_path, commands);
    }
    return "";
}

}  // namespace sesame
