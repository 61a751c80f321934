#include "platform/signals.hpp"

#include <fmt/format.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sesame {

Result<SignalRouter> SignalRouter::block(const std::vector<int>& signals) {
    SignalRouter r;
    sigset_t set;
    sigemptyset(&set);
    for (int s : signals) sigaddset(&set, s);
    if (pthread_sigmask(SIG_BLOCK, &set, &r.m_old) != 0) return fail("cannot block signals");
    r.m_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (r.m_fd < 0) {
        pthread_sigmask(SIG_SETMASK, &r.m_old, nullptr);
        return fail(fmt::format("cannot create a signalfd: {}", std::strerror(errno)));
    }
    return r;
}

SignalRouter::SignalRouter(SignalRouter&& other) noexcept : m_fd(other.m_fd), m_old(other.m_old) {
    other.m_fd = -1;
}

SignalRouter::~SignalRouter() {
    if (m_fd < 0) return;
    ::close(m_fd);
    pthread_sigmask(SIG_SETMASK, &m_old, nullptr);
}

std::vector<SignalRouter::Received> SignalRouter::read() {
    std::vector<Received> out;
    signalfd_siginfo info;
    while (::read(m_fd, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        int code = info.ssi_code;
        out.push_back(
            {static_cast<int>(info.ssi_signo), code == SI_USER || code == SI_QUEUE || code == SI_TKILL});
    }
    return out;
}

int exit_code_of(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}

}  // namespace sesame
