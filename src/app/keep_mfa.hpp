#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

#include "platform/unique_fd.hpp"
#include "prompt/mfa_source.hpp"

namespace sesame {

/// The keeper's prompt driver: the driver the user named (--prompt or SESAME_PROMPT zenity,
/// kdialog, ykman, ...: a dialog pops up when a renewal needs a code), else the terminal while
/// the keeper has one (started in the foreground from a shell), otherwise a FIFO in the keeper's
/// folder that `sesame keep code` writes a code into. While it waits on the FIFO it says so
/// (`waiting`, which the keeper writes into its state file) and still ends on the keeper's stop
/// signals (read from `signal_fd`, a signalfd). A profile's mfa_process comes before all of
/// these (Context::mfa_source_for).
class KeeperMfaSource final : public MfaCodeSource {
  public:
    /// Opens (creating it, mode 0600) the FIFO at `fifo_path`, for reading and, so that a writer
    /// closing it never makes it end, for writing. `named`: Context::named_prompt_driver.
    static Result<std::unique_ptr<KeeperMfaSource>> open(
        const std::string& fifo_path, Prompt& terminal, MadeDriver named, int signal_fd,
        std::atomic<bool>& stop, std::function<void(std::string_view serial)> waiting);
    Result<Secret> code_for(std::string_view serial) override;
    bool ask_again(std::string_view serial) override;

  private:
    KeeperMfaSource(UniqueFd reader, UniqueFd writer, Prompt& terminal, MadeDriver named, int signal_fd,
                    std::atomic<bool>& stop, std::function<void(std::string_view)> waiting);
    Result<Secret> wait_for_code(std::string_view serial);

    UniqueFd m_reader, m_writer;
    MadeDriver m_named;
    PromptMfaSource m_terminal;
    int m_signal_fd;
    std::atomic<bool>& m_stop;
    std::function<void(std::string_view)> m_waiting;
};

/// Whether this process has a controlling terminal to ask on.
bool has_terminal();

}  // namespace sesame
