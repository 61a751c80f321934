#include "shell/init_scripts.hpp"

#include <fmt/format.h>

#include "shell/completions.hpp"
#include "shell/export_format.hpp"

namespace sesame {
namespace {

/// Shared by bash and zsh: the terminal's colours, asked once here rather than at every prompt (a
/// number; 0 when tput is missing or says nothing useful). The prompt's stderr is left alone: a
/// bad SESAME_PROMPT_COLORS is shown, not silently dropped.
constexpr std::string_view k_posix_colors = R"SH(__sesame_colors="$(tput colors 2>/dev/null)"
case "$__sesame_colors" in ''|*[!0-9]*) __sesame_colors=0 ;; esac)SH";

/// Shared by bash and zsh: refresh when less than 5 minutes are left, then run the real aws. The
/// refresh obtains what the shell was started with (export --refresh: the profile and its flags,
/// --account and all, from the environment).
constexpr std::string_view k_posix_refresh = R"SH(
sesame-refresh() {
    if [ -z "${SESAME_PROFILE:-}" ]; then
        echo "sesame-refresh: this shell has no sesame profile (SESAME_PROFILE is unset)" >&2
        return 1
    fi
    local __sesame_out
    __sesame_out="$("$__sesame_bin" export --refresh --format export-env)" || return $?
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

std::string bash_script(const std::string& bin, const std::vector<CommandSpec>& commands) {
    return fmt::format(R"SH(# sesame shell integration for bash: add  eval "$(sesame init bash)"  to ~/.bashrc
__sesame_bin={bin}
{colors}
__sesame_prompt_update() {{
    __sesame_segment="$("$__sesame_bin" prompt --shell bash --terminal-colors "$__sesame_colors")"
}}
case ";${{PROMPT_COMMAND:-}};" in
    *";__sesame_prompt_update;"*) ;;
    *)
        PROMPT_COMMAND="__sesame_prompt_update${{PROMPT_COMMAND:+;$PROMPT_COMMAND}}"
        PS1='${{__sesame_segment}}'"${{PS1-\s-\v\$ }}"
        ;;
esac
{refresh}
{completions})SH",
                       fmt::arg("bin", shell_quote(bin)), fmt::arg("colors", k_posix_colors),
                       fmt::arg("refresh", k_posix_refresh),
                       fmt::arg("completions", completion_script(ShellKind::Bash, commands)));
}

std::string zsh_script(const std::string& bin, const std::vector<CommandSpec>& commands) {
    return fmt::format(R"SH(# sesame shell integration for zsh: add  eval "$(sesame init zsh)"  to ~/.zshrc
typeset -g __sesame_bin={bin}
typeset -g __sesame_segment=''
{colors}
__sesame_precmd() {{
    __sesame_segment="$("$__sesame_bin" prompt --shell zsh --terminal-colors "$__sesame_colors")"
}}
autoload -Uz add-zsh-hook
add-zsh-hook precmd __sesame_precmd
setopt PROMPT_SUBST
if [[ "$PROMPT" != *'${{__sesame_segment}}'* ]]; then
    PROMPT='${{__sesame_segment}}'"$PROMPT"
fi
{refresh}
{completions})SH",
                       fmt::arg("bin", shell_quote(bin)), fmt::arg("colors", k_posix_colors),
                       fmt::arg("refresh", k_posix_refresh),
                       fmt::arg("completions", completion_script(ShellKind::Zsh, commands)));
}

std::string fish_script(const std::string& bin, const std::vector<CommandSpec>& commands) {
    return fmt::format(
        R"SH(# sesame shell integration for fish: add  {bin_plain} init fish | source  to ~/.config/fish/config.fish
set -g __sesame_bin {bin}
# The terminal's colours, asked once here rather than at every prompt (a number; else 0).
set -g __sesame_colors 0
command -q tput; and set -g __sesame_colors (tput colors 2>/dev/null)
string match -qr '^[0-9]+$' -- "$__sesame_colors"; or set -g __sesame_colors 0
if not functions -q __sesame_original_fish_prompt
    if functions -q fish_prompt
        functions -c fish_prompt __sesame_original_fish_prompt
    else
        function __sesame_original_fish_prompt
            echo -n '> '
        end
    end
    function fish_prompt
        $__sesame_bin prompt --shell fish --terminal-colors $__sesame_colors
        __sesame_original_fish_prompt
    end
end
function sesame-refresh --description 'Re-export fresh sesame credentials into this shell'
    if test -z "$SESAME_PROFILE"
        echo "sesame-refresh: this shell has no sesame profile (SESAME_PROFILE is unset)" >&2
        return 1
    end
    set -l __sesame_out ($__sesame_bin export --refresh --format fish | string collect)
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
{completions})SH",
        fmt::arg("bin", fish_quote(bin)), fmt::arg("bin_plain", bin),
        fmt::arg("completions", completion_script(ShellKind::Fish, commands)));
}

}  // namespace

std::string init_script(ShellKind shell, const std::string& sesame_path,
                        const std::vector<CommandSpec>& commands) {
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
