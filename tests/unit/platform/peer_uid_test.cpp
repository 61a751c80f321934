#include "platform/peer_uid.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/unique_fd.hpp"

namespace sesame {
namespace {

/// A socket listening on 127.0.0.1 at a port the kernel picks; `address` is set to it.
UniqueFd loopback_listener(sockaddr_in& address) {
    UniqueFd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    EXPECT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(::listen(listener.get(), 4), 0);
    EXPECT_EQ(::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
    return listener;
}

/// A connected pair over 127.0.0.1: {the client's socket, the accepted one}.
std::pair<UniqueFd, UniqueFd> loopback_pair() {
    sockaddr_in address;
    UniqueFd listener = loopback_listener(address);
    UniqueFd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    EXPECT_EQ(::connect(client.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    UniqueFd accepted(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    return {std::move(client), std::move(accepted)};
}

TEST(PeerUidLookup, FindsTheClientsUserThroughNetlinkAndThroughProc) {
    for (bool netlink : {true, false}) {
        PeerUidLookup lookup(netlink);
        for (int i = 0; i < 3; ++i) {  // the netlink socket is reused between calls
            auto [client, accepted] = loopback_pair();
            auto uid = lookup(accepted.get());
            ASSERT_TRUE(uid) << "netlink " << netlink;
            EXPECT_EQ(*uid, ::geteuid());
        }
    }
}

TEST(PeerUidLookup, NamesAnotherUsersClient) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to connect as another uid";
    sockaddr_in address;
    UniqueFd listener = loopback_listener(address);
    int hold[2];
    ASSERT_EQ(::pipe(hold), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(hold[1]);
        if (::setresgid(65534, 65534, 65534) != 0 || ::setresuid(65534, 65534, 65534) != 0) ::_exit(1);
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) ::_exit(1);
        char byte;
        [[maybe_unused]] auto n = ::read(hold[0], &byte, 1);  // until the parent has looked
        ::_exit(0);
    }
    ::close(hold[0]);
    UniqueFd accepted(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    for (bool netlink : {true, false}) {
        PeerUidLookup lookup(netlink);
        auto uid = lookup(accepted.get());
        ASSERT_TRUE(uid) << "netlink " << netlink;
        EXPECT_EQ(*uid, 65534u) << "netlink " << netlink;
    }
    ::close(hold[1]);
    ::waitpid(child, nullptr, 0);
}

TEST(PeerUidLookup, NothingForAGoneClientOrANonInetSocket) {
    PeerUidLookup lookup;
    auto [client, accepted] = loopback_pair();
    client.reset();
    // The client's socket lingers in FIN_WAIT for a while and is still its owner's; what matters
    // is that a lookup never names another user.
    auto uid = lookup(accepted.get());
    EXPECT_TRUE(!uid || *uid == ::geteuid());
    int pair[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, pair), 0);
    EXPECT_FALSE(lookup(pair[0]));
    ::close(pair[0]);
    ::close(pair[1]);
}

}  // namespace
}  // namespace sesame
