#include "platform/interrupt.hpp"

#include <poll.h>
#include <pthread.h>

#include <cerrno>
#include <ctime>

namespace sesame {
namespace {

constexpr int k_signals[] = {SIGINT, SIGTERM, SIGHUP};

volatile sig_atomic_t g_received = 0;
bool g_taken = false;
bool g_active = false;
sigset_t g_wait_mask;  ///< the mask while waiting for input: the scope's signals let through

void note(int signo) {
    g_received = signo;
}

}  // namespace

InterruptScope::InterruptScope() {
    g_received = 0;
    g_taken = false;
    sigset_t block;
    sigemptyset(&block);
    for (int i = 0; i < k_count; ++i) {
        ::sigaction(k_signals[i], nullptr, &m_old_actions[i]);
        if (m_old_actions[i].sa_handler == SIG_IGN) continue;  // nohup: stays ignored
        struct sigaction sa {};
        sa.sa_handler = note;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = 0;  // no SA_RESTART: a wait ends with EINTR
        ::sigaction(k_signals[i], &sa, nullptr);
        sigaddset(&block, k_signals[i]);
    }
    ::pthread_sigmask(SIG_BLOCK, &block, &m_old_mask);
    g_wait_mask = m_old_mask;
    for (int s : k_signals) sigdelset(&g_wait_mask, s);
    g_active = true;
}

InterruptScope::~InterruptScope() {
    const int untaken = g_taken ? 0 : g_received;
    g_active = false;
    if (g_taken) {
        // The command has handled an interrupt: a second Ctrl-C during its clean-up asks the same.
        sigset_t ours;
        sigemptyset(&ours);
        for (int s : k_signals) sigaddset(&ours, s);
        const timespec zero{};
        while (::sigtimedwait(&ours, nullptr, &zero) > 0) {
        }
    }
    for (int i = 0; i < k_count; ++i) ::sigaction(k_signals[i], &m_old_actions[i], nullptr);
    // Still-blocked signals nobody took are delivered here, with the actions just restored.
    ::pthread_sigmask(SIG_SETMASK, &m_old_mask, nullptr);
    if (untaken != 0) ::raise(untaken);
}

int InterruptScope::take() {
    if (g_received == 0) {
        sigset_t pending;
        sigemptyset(&pending);
        ::sigpending(&pending);
        for (int s : k_signals) {
            if (!sigismember(&pending, s)) continue;
            sigset_t one;
            sigemptyset(&one);
            sigaddset(&one, s);
            const timespec zero{};
            if (::sigtimedwait(&one, nullptr, &zero) == s) {
                g_received = s;
                break;
            }
        }
    }
    if (g_received != 0) g_taken = true;
    return g_received;
}

int wait_for_input(int fd) {
    if (!g_active) return 0;
    for (;;) {
        if (g_received != 0) {
            g_taken = true;
            return g_received;
        }
        pollfd p{fd, POLLIN, 0};
        // Atomically lets the held-back signals through for the wait only: one pending already,
        // or arriving meanwhile, runs note() and ends the wait with EINTR.
        const int r = ::ppoll(&p, 1, nullptr, &g_wait_mask);
        if (r > 0 || (r < 0 && errno != EINTR)) return 0;  // readable, or the read will tell
    }
}

}  // namespace sesame
