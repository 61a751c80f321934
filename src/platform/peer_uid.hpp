#pragma once

#include <sys/types.h>

#include <optional>

namespace sesame {

/// The uid that owns the other end of an accepted TCP connection over IPv4 loopback: the kernel
/// keeps each socket's owner, and sock_diag (inet_diag over netlink) looks up the client's socket
/// by its exact address and port pair. Falls back to /proc/net/tcp where netlink is refused.
///
/// Why: a loopback port is open to every user of the machine. The credential endpoints must
/// answer only the user who started them; a token alone does not do that for IMDSv2, whose token
/// anyone may ask for. nullopt when the connection is gone or not IPv4 (refuse it then).
///
/// Keeps one netlink socket open between calls; not thread-safe (the server calls it from its
/// loop thread only).
class PeerUidLookup {
  public:
    /// `use_netlink` false goes straight to /proc/net/tcp (tests check both ways).
    explicit PeerUidLookup(bool use_netlink = true) : m_netlink_refused(!use_netlink) {}
    ~PeerUidLookup();
    PeerUidLookup(const PeerUidLookup&) = delete;
    PeerUidLookup& operator=(const PeerUidLookup&) = delete;

    std::optional<uid_t> operator()(int connected_fd);

  private:
    int m_netlink = -1;
    bool m_netlink_refused = false;
};

}  // namespace sesame
