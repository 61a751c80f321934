#pragma once

#include <signal.h>

namespace sesame {

/// While one is alive, SIGINT, SIGTERM and SIGHUP do not end the process at once: they are held
/// back (blocked) so that a command can undo what it started before it stops (mfa-setup deletes
/// the MFA device it created). A prompt waiting for input lets them through (wait_for_input), so
/// Ctrl-C ends a question at once. A signal nobody took (take(), wait_for_input) is delivered with
/// its usual effect when the scope ends. Signals the process ignores stay ignored. One at a time.
class InterruptScope {
  public:
    InterruptScope();
    ~InterruptScope();
    InterruptScope(const InterruptScope&) = delete;
    InterruptScope& operator=(const InterruptScope&) = delete;

    /// The signal received so far (0 if none), taken: it will not be delivered when the scope ends.
    int take();

  private:
    static constexpr int k_count = 3;
    struct sigaction m_old_actions[k_count] {};
    sigset_t m_old_mask{};
};

/// Waits until `fd` can be read. With an InterruptScope alive, a signal it holds back ends the wait
/// and is returned (taken); otherwise returns 0 at once or once `fd` is readable.
int wait_for_input(int fd);

}  // namespace sesame
