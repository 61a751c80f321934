// The ykman driver: the code of an OATH account on a YubiKey, as aws-vault's prompt/ykman.go
// runs it (`ykman [--device SERIAL] oath accounts code --single NAME`).

#include <fmt/format.h>

#include <string>
#include <vector>

#include "prompt/mfa_source.hpp"
#include "util/strings.hpp"

namespace sesame {
namespace {

/// Asks ykman once per code: it reads the key, there is no one to ask again (a code AWS refused
/// was the current one; the next comes in 30 seconds).
class YkmanMfaSource final : public MfaCodeSource {
  public:
    YkmanMfaSource(RunProgram run, YkmanOptions options)
        : m_run(std::move(run)), m_options(std::move(options)) {}

    Result<Secret> code_for(std::string_view serial) override {
        const std::string account =
            m_options.credential_name.empty() ? std::string(serial) : m_options.credential_name;
        std::vector<std::string> argv{"ykman"};
        if (!m_options.device_serial.empty()) argv.insert(argv.end(), {"--device", m_options.device_serial});
        if (m_options.major_version < 4)
            argv.insert(argv.end(), {"oath", "code", "--single", account});
        else
            argv.insert(argv.end(), {"oath", "accounts", "code", "--single", account});
        const std::string where =
            fmt::format("the MFA code for {} from ykman (OATH account \"{}\")", serial, account);
        auto out = m_run(argv);
        if (!out) return std::unexpected(std::move(out.error()).context(where));
        Secret printed(std::move(out->out));
        if (out->exit_code != 0)
            return fail(
                fmt::format("{}: ykman exited with status {}", where, out->exit_code),
                "is the YubiKey plugged in, and does it hold that account (ykman oath accounts list)? "
                "SESAME_YKMAN_OATH_CREDENTIAL_NAME names another account");
        Secret code{std::string(trim(printed.reveal()))};
        if (!check_mfa_code(code, serial))
            return fail(fmt::format("{}: ykman did not print a 6-digit code", where),
                        "run the ykman command by hand (sesame --debug shows it)");
        return code;
    }

  private:
    RunProgram m_run;
    YkmanOptions m_options;
};

}  // namespace

PromptDriver ykman_driver() {
    return {.name = "ykman",
            .summary =
                "reads the code from a YubiKey (ykman oath accounts code); the passphrase is asked "
                "on the terminal",
            .program = "ykman",
            .make_mfa = [](DriverContext& context) -> std::unique_ptr<MfaCodeSource> {
                return std::make_unique<YkmanMfaSource>(context.run, context.ykman);
            }};
}

}  // namespace sesame
