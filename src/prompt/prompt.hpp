#pragma once

#include <string>
#include <string_view>

#include "crypto/secret.hpp"
#include "util/error.hpp"

namespace sesame {

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
};

}  // namespace sesame
