// InterruptScope: a signal sent while it is alive does not end the process; it is seen by take(),
// and ends a wait for input at once.

#include "platform/interrupt.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace sesame {
namespace {

TEST(InterruptScope, HoldsSigintBackUntilTaken) {
    InterruptScope scope;
    EXPECT_EQ(scope.take(), 0);
    // raise(): to this thread, which the scope blocked (other test threads may not have).
    ASSERT_EQ(::raise(SIGINT), 0);  // would end the test binary without the scope
    EXPECT_EQ(scope.take(), SIGINT);
}

TEST(InterruptScope, AHeldBackSignalEndsAWaitForInput) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    {
        InterruptScope scope;
        ASSERT_EQ(::raise(SIGTERM), 0);
        EXPECT_EQ(wait_for_input(fds[0]), SIGTERM) << "the wait must end although nothing is readable";
    }
    // Without a scope, a wait returns at once: the read itself blocks as before.
    EXPECT_EQ(wait_for_input(fds[0]), 0);
    ::close(fds[0]);
    ::close(fds[1]);
}

}  // namespace
}  // namespace sesame
