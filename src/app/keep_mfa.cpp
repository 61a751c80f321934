#include "app/keep_mfa.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sodium.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crypto/secret.hpp"

namespace sesame {

bool has_terminal() {
    UniqueFd tty(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC));
    return tty.get() >= 0;
}

Result<std::unique_ptr<KeeperMfaSource>> KeeperMfaSource::open(
    const std::string& fifo_path, Prompt& terminal, MadeDriver named, int signal_fd, std::atomic<bool>& stop,
    std::function<void(std::string_view)> waiting) {
    ::unlink(fifo_path.c_str());
    if (::mkfifo(fifo_path.c_str(), 0600) != 0)
        return fail(fmt::format("cannot create {}: {}", fifo_path, std::strerror(errno)));
    UniqueFd reader(::open(fifo_path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW));
    UniqueFd writer(::open(fifo_path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW));
    if (reader.get() < 0 || writer.get() < 0)
        return fail(fmt::format("cannot open {}: {}", fifo_path, std::strerror(errno)));
    return std::unique_ptr<KeeperMfaSource>(new KeeperMfaSource(std::move(reader), std::move(writer),
                                                                terminal, std::move(named), signal_fd, stop,
                                                                std::move(waiting)));
}

KeeperMfaSource::KeeperMfaSource(UniqueFd reader, UniqueFd writer, Prompt& terminal, MadeDriver named,
                                 int signal_fd, std::atomic<bool>& stop,
                                 std::function<void(std::string_view)> waiting)
    : m_reader(std::move(reader)),
      m_writer(std::move(writer)),
      m_named(std::move(named)),
      m_terminal(terminal),
      m_signal_fd(signal_fd),
      m_stop(stop),
      m_waiting(std::move(waiting)) {}

Result<Secret> KeeperMfaSource::code_for(std::string_view serial) {
    if (m_named.mfa) return m_named.mfa->code_for(serial);
    if (has_terminal()) return m_terminal.code_for(serial);
    return wait_for_code(serial);
}

bool KeeperMfaSource::ask_again(std::string_view serial) {
    return m_named.mfa && m_named.mfa->ask_again(serial);
}

Result<Secret> KeeperMfaSource::wait_for_code(std::string_view serial) {
    // A code written while nobody waited is stale by now (TOTP): drop it.
    char drain[256];
    while (::read(m_reader.get(), drain, sizeof drain) > 0) {
    }
    if (m_waiting) m_waiting(serial);
    std::string line;
    for (;;) {
        if (m_stop) return fail("stopped while waiting for an MFA code");
        pollfd fds[2] = {{m_reader.get(), POLLIN, 0}, {m_signal_fd, POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            return fail(fmt::format("waiting for an MFA code: {}", std::strerror(errno)));
        }
        if (fds[1].revents & POLLIN) {
            signalfd_siginfo info;
            while (::read(m_signal_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info))
                m_stop = true;
            continue;
        }
        char buf[64];
        ssize_t n = ::read(m_reader.get(), buf, sizeof buf);
        if (n <= 0) continue;
        line.append(buf, static_cast<size_t>(n));
        size_t nl = line.find('\n');
        if (nl == std::string::npos) {
            if (line.size() > 64) line.clear();  // not a code: never grows without bound
            continue;
        }
        Secret code(line.substr(0, nl));
        sodium_memzero(line.data(), line.size());
        line.clear();
        if (check_mfa_code(code, serial)) return code;
    }
}

}  // namespace sesame
