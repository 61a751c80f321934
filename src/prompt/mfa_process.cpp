#include "prompt/mfa_process.hpp"

#include <fmt/format.h>

#include "config/aws_config.hpp"
#include "util/strings.hpp"

namespace sesame {

Result<Secret> ProcessMfaSource::code_for(std::string_view serial) {
    // The command is never shown: it may hold a secret (oathtool --totp -b SEED).
    const std::string where = fmt::format("mfa_process of profile \"{}\"", m_profile);
    constexpr std::string_view k_no_shell =
        "mfa_process runs without a shell, as credential_process: a pipeline or $VAR needs sh -c '...'";
    auto argv = shlex_split(m_command);
    if (!argv)
        return fail(
            fmt::format("{}: cannot split it into words (an unclosed quote or a trailing backslash)", where),
            std::string(k_no_shell));
    if (argv->empty())
        return fail(fmt::format("{} is empty", where), "set it to a command that prints the code");
    auto out = m_run(*argv);
    if (!out) return std::unexpected(std::move(out.error()).context(where));
    Secret printed(std::move(out->out));
    if (out->exit_code != 0)
        return fail(fmt::format("{} exited with status {}", where, out->exit_code),
                    fmt::format("run it by hand to see why; {}", k_no_shell));
    Secret code{std::string(trim(printed.reveal()))};
    if (!check_mfa_code(code, serial))
        return fail(fmt::format("{} did not print a 6-digit code for {}", where, serial),
                    fmt::format("it must print the current code and nothing else on stdout; {}", k_no_shell));
    return code;
}

}  // namespace sesame
