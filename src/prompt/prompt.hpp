#pragma once

#include <string>
#include <string_view>

#include "crypto/secret.hpp"
#include "util/error.hpp"

namespace sesame {

/// The exit status of a command stopped at a prompt: a shell's 128 + SIGINT (Ctrl-C), also used
/// for Ctrl-D; 128 + the signal for SIGTERM and SIGHUP.
inline constexpr int k_cancelled_exit_code = 130;

/// The error of a question the user declined to answer (end of input, or an interrupt while an
/// InterruptScope holds signals back): `what` was being asked.
inline Error cancelled(std::string_view what, int exit_code = k_cancelled_exit_code) {
    return Error{std::string(what) + ": cancelled", "", exit_code};
}

/// Whether `e` is a cancelled prompt: callers pass it on as it is, rather than explaining how to
/// answer without a terminal.
inline bool is_cancel(const Error& e) {
    return e.exit_code > 128;
}

/// Asks the user something. Abstract so tests answer by script; the real one is TerminalPrompt,
/// which talks to /dev/tty so it works while stdout is captured (credential_process, $(...)).
class Prompt {
  public:
    virtual ~Prompt() = default;
    /// Reads a line with echo, e.g. an access key id.
    virtual Result<std::string> ask(std::string_view question) = 0;
    /// Reads a line without echo: passphrases, secret keys.
    virtual Result<Secret> ask_secret(std::string_view question) = 0;
    /// Prints a line to the user (not to stdout).
    virtual void tell(std::string_view message) = 0;
    /// Whether questions can be asked at all (a terminal is there): a command that would have to
    /// undo work when its questions fail checks this before starting.
    virtual bool can_ask() { return true; }
};

}  // namespace sesame
