#include "platform/peer_uid.hpp"

#include <arpa/inet.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace sesame {

namespace {

struct Endpoints {
    sockaddr_in peer{};   ///< the client: the socket to look up
    sockaddr_in local{};  ///< our accepted socket's address
};

std::optional<Endpoints> endpoints_of(int fd) {
    Endpoints e;
    socklen_t length = sizeof e.peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr*>(&e.peer), &length) != 0 || e.peer.sin_family != AF_INET)
        return std::nullopt;
    length = sizeof e.local;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&e.local), &length) != 0 ||
        e.local.sin_family != AF_INET)
        return std::nullopt;
    return e;
}

/// One exact inet_diag lookup: the TCP socket whose source is the client's address and whose
/// destination is ours. nullopt when there is none; `refused` when netlink itself is unusable.
std::optional<uid_t> ask_sock_diag(int netlink, const Endpoints& e, bool& refused) {
    struct {
        nlmsghdr header;
        inet_diag_req_v2 request;
    } message{};
    message.header.nlmsg_len = sizeof message;
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST;
    message.request.sdiag_family = AF_INET;
    message.request.sdiag_protocol = IPPROTO_TCP;
    message.request.idiag_states = ~0u;
    message.request.id.idiag_sport = e.peer.sin_port;
    message.request.id.idiag_dport = e.local.sin_port;
    std::memcpy(message.request.id.idiag_src, &e.peer.sin_addr, sizeof e.peer.sin_addr);
    std::memcpy(message.request.id.idiag_dst, &e.local.sin_addr, sizeof e.local.sin_addr);
    message.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    message.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;

    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    ssize_t sent;
    do {
        sent = ::sendto(netlink, &message, sizeof message, 0, reinterpret_cast<sockaddr*>(&kernel),
                        sizeof kernel);
    } while (sent < 0 && errno == EINTR);
    if (sent != static_cast<ssize_t>(sizeof message)) {
        refused = true;
        return std::nullopt;
    }
    alignas(nlmsghdr) char buffer[8192];
    ssize_t n;
    do {
        n = ::recv(netlink, buffer, sizeof buffer, 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        refused = true;
        return std::nullopt;
    }
    for (auto* h = reinterpret_cast<nlmsghdr*>(buffer); NLMSG_OK(h, static_cast<unsigned>(n));
         h = NLMSG_NEXT(h, n)) {
        if (h->nlmsg_type == NLMSG_ERROR) {
            const auto* err = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
            // ENOENT: no such socket (the client is gone). Anything else: diag unsupported here.
            if (err->error != -ENOENT) refused = true;
            return std::nullopt;
        }
        if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg)))
            continue;
        const auto* reply = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
        if (reply->id.idiag_sport == e.peer.sin_port && reply->id.idiag_dport == e.local.sin_port &&
            std::memcmp(reply->id.idiag_src, &e.peer.sin_addr, sizeof e.peer.sin_addr) == 0 &&
            std::memcmp(reply->id.idiag_dst, &e.local.sin_addr, sizeof e.local.sin_addr) == 0)
            return reply->idiag_uid;
    }
    return std::nullopt;
}

/// /proc/net/tcp lists each socket as "sl local rem st ... uid ...", addresses in the kernel's
/// byte order as hex ("0100007F:1F90").
std::optional<uid_t> ask_proc_net_tcp(const Endpoints& e) {
    std::FILE* f = std::fopen("/proc/net/tcp", "re");
    if (!f) return std::nullopt;
    char line[512];
    std::optional<uid_t> found;
    if (std::fgets(line, sizeof line, f)) {  // the header line
        while (!found && std::fgets(line, sizeof line, f)) {
            unsigned local_ip, local_port, remote_ip, remote_port, state, uid;
            unsigned long tx, rx, when;
            unsigned timer, retransmits;
            int fields = std::sscanf(line, " %*u: %8X:%4X %8X:%4X %2X %8lX:%8lX %2X:%8lX %8X %u", &local_ip,
                                     &local_port, &remote_ip, &remote_port, &state, &tx, &rx, &timer, &when,
                                     &retransmits, &uid);
            if (fields == 11 && local_ip == e.peer.sin_addr.s_addr && local_port == ntohs(e.peer.sin_port) &&
                remote_ip == e.local.sin_addr.s_addr && remote_port == ntohs(e.local.sin_port))
                found = static_cast<uid_t>(uid);
        }
    }
    std::fclose(f);
    return found;
}

}  // namespace

PeerUidLookup::~PeerUidLookup() {
    if (m_netlink >= 0) ::close(m_netlink);
}

std::optional<uid_t> PeerUidLookup::operator()(int connected_fd) {
    auto e = endpoints_of(connected_fd);
    if (!e) return std::nullopt;
    if (!m_netlink_refused && m_netlink < 0) {
        m_netlink = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (m_netlink < 0) m_netlink_refused = true;
    }
    if (!m_netlink_refused) {
        bool refused = false;
        auto uid = ask_sock_diag(m_netlink, *e, refused);
        if (!refused) return uid;
        m_netlink_refused = true;
        ::close(m_netlink);
        m_netlink = -1;
    }
    return ask_proc_net_tcp(*e);
}

}  // namespace sesame
