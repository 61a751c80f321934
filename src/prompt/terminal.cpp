#include "prompt/terminal.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/interrupt.hpp"
#include "util/strings.hpp"

namespace sesame {
namespace {

/// Restores the terminal's echo setting on every path out, including errors.
class EchoGuard {
  public:
    EchoGuard(int fd, bool echo) : m_fd(fd) {
        if (echo || tcgetattr(fd, &m_saved) != 0) return;
        termios quiet = m_saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        m_active = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
    }
    ~EchoGuard() {
        if (m_active) tcsetattr(m_fd, TCSAFLUSH, &m_saved);
    }
    EchoGuard(const EchoGuard&) = delete;
    EchoGuard& operator=(const EchoGuard&) = delete;

  private:
    int m_fd;
    termios m_saved{};
    bool m_active = false;
};

/// "Enter MFA code for X: " -> "Enter MFA code for X", for error messages.
std::string_view trim_question(std::string_view q) {
    q = trim(q);
    while (!q.empty() && (q.back() == ':' || q.back() == '?')) q.remove_suffix(1);
    return q;
}

void write_all(int fd, std::string_view s) {
    while (!s.empty()) {
        ssize_t n = ::write(fd, s.data(), s.size());
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            return;
        }
        s.remove_prefix(static_cast<size_t>(n));
    }
}

}  // namespace

Result<std::string> TerminalPrompt::read_line(std::string_view question, bool echo) {
    int fd = ::open(m_tty_path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        return fail(fmt::format("cannot ask \"{}\": no terminal ({})", trim_question(question),
                                std::strerror(errno)));
    }
    std::string line;
    int stopped_by = 0;  // a signal held back by an InterruptScope
    bool ended = false;  // end of input (Ctrl-D) before anything was typed, or a hung-up terminal
    {
        EchoGuard guard(fd, echo);
        write_all(fd, question);
        char c;
        while (true) {
            if ((stopped_by = wait_for_input(fd)) != 0) break;
            ssize_t n = ::read(fd, &c, 1);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                ended = line.empty();
                break;
            }
            if (c == '\n') break;
            if (c != '\r') line.push_back(c);
        }
        if (stopped_by != 0 || ended) write_all(fd, "\n");
    }
    ::close(fd);
    if (stopped_by != 0) return std::unexpected(cancelled(trim_question(question), 128 + stopped_by));
    if (ended) return std::unexpected(cancelled(trim_question(question)));
    return line;
}

bool TerminalPrompt::can_ask() {
    int fd = ::open(m_tty_path.c_str(), O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return false;
    ::close(fd);
    return true;
}

Result<std::string> TerminalPrompt::ask(std::string_view question) {
    return read_line(question, true);
}

Result<Secret> TerminalPrompt::ask_secret(std::string_view question) {
    auto line = read_line(question, false);
    if (!line) return std::unexpected(line.error());
    Secret s(std::move(*line));
    sodium_memzero(line->data(), line->size());
    return s;
}

void TerminalPrompt::tell(std::string_view message) {
    int fd = ::open(m_tty_path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        write_all(STDERR_FILENO, fmt::format("{}\n", message));
        return;
    }
    write_all(fd, fmt::format("{}\n", message));
    ::close(fd);
}

}  // namespace sesame
