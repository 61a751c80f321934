#pragma once

#include "prompt/prompt.hpp"

namespace sesame {

/// Prompts on the controlling terminal (/dev/tty), never on stdin/stdout. Without a terminal
/// (CI, cron) every question fails with an Error that names what was being asked for and how
/// to supply it non-interactively (`hint_without_tty`). End of input (Ctrl-D on an empty line),
/// or Ctrl-C while an InterruptScope holds signals back, cancels the question (is_cancel).
class TerminalPrompt final : public Prompt {
  public:
    explicit TerminalPrompt(std::string tty_path = "/dev/tty") : m_tty_path(std::move(tty_path)) {}
    Result<std::string> ask(std::string_view question) override;
    Result<Secret> ask_secret(std::string_view question) override;
    void tell(std::string_view message) override;
    bool can_ask() override;

  private:
    Result<std::string> read_line(std::string_view question, bool echo);
    std::string m_tty_path;
};

}  // namespace sesame
