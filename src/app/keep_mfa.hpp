#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

#include "platform/unique_fd.hpp"
#include "prompt/mfa_source.hpp"

namespace sesame {

/// The keeper's prompt driver: the terminal while the keeper has one (started in the foreground
/// from a shell), otherwise a FIFO in the keeper's folder that `sesame keep code` writes a code
/// into. While it waits it says so (`waiting`, which the keeper writes into its state file) and
/// still ends on the keeper's stop signals (read from `signal_fd`, a signalfd). A GUI prompt
/// driver will be one more branch here: the terminal, else the driver, else the FIFO.
class KeeperMfaSource final : public MfaCodeSource {
  public:
    /// Opens (creating it, mode 0600) the FIFO at `fifo_path`, for reading and, so that a writer
    /// closing it never makes it end, for writing.
    static Result<std::unique_ptr<KeeperMfaSource>> open(
        const std::string& fifo_path, Prompt& terminal, int signal_fd, std::atomic<bool>& stop,
        std::function<void(std::string_view serial)> waiting);
    Result<Secret> code_for(std::string_view serial) override;

  private:
    KeeperMfaSource(UniqueFd reader, UniqueFd writer, Prompt& terminal, int signal_fd,
                    std::atomic<bool>& stop, std::function<void(std::string_view)> waiting);
    Result<Secret> wait_for_code(std::string_view serial);

    UniqueFd m_reader, m_writer;
    PromptMfaSource m_terminal;
    int m_signal_fd;
    std::atomic<bool>& m_stop;
    std::function<void(std::string_view)> m_waiting;
};

/// Whether this process has a controlling terminal to ask on.
bool has_terminal();

}  // namespace sesame
