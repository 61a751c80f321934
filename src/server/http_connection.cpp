#include "server/http_connection.hpp"

#include <fmt/format.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace sesame {
namespace {

constexpr size_t k_min_read = 1024;  ///< compact or grow when less room than this is left
constexpr size_t k_initial_capacity = 4096;
constexpr size_t k_linger_discard_max = 1 << 20;  ///< a peer that keeps sending while we close is cut off

Error bind_error(uint16_t port, int err) {
    auto where = fmt::format("127.0.0.1:{}", port);
    if (err == EADDRINUSE) {
        return Error{fmt::format("{} is in use", where),
                     fmt::format("choose another port, or stop the program listening there "
                                 "(ss -ltnp 'sport = :{}' shows it)",
                                 port)};
    }
    if (err == EACCES) {
        return Error{fmt::format("cannot listen on {}: permission denied", where),
                     "ports below 1024 need root or CAP_NET_BIND_SERVICE; choose a port above 1023"};
    }
    return Error{fmt::format("cannot listen on {}: {}", where, std::strerror(err))};
}

bool would_block(int err) {
    return err == EAGAIN || err == EWOULDBLOCK;
}

/// Appends the response to the complete request in c.request, and ends the connection after it
/// when either side asked.
void answer(Connection& c, const Responder& respond) {
    const ServerRequest& request = c.request;
    ServerResponse response = respond(request);
    if (response.status < 400) c.trusted = true;
    bool keep_alive = wants_keep_alive(request) && !response_wants_close(response);
    append_response(c.out, response, keep_alive, request.method == "HEAD");
    if (!keep_alive) c.close_after_write = true;
}

void send_continue_if_asked(Connection& c) {
    if (!c.parser.headers_complete() || c.continue_sent || c.request.minor_version < 1) return;
    const std::string* expect = c.request.header("expect");
    if (expect && ascii_iequals(*expect, "100-continue")) {
        c.out += "HTTP/1.1 100 Continue\r\n\r\n";
        c.continue_sent = true;
    }
}

}  // namespace

Result<Listener> listen_on_loopback(uint16_t port) {
    auto failure = [port](std::string_view what) {
        return fail(fmt::format("cannot listen on 127.0.0.1:{}: {}: {}", port, what, std::strerror(errno)));
    };
    Listener listener{UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0))};
    int fd = listener.fd.get();
    if (fd < 0) return failure("socket");
    // Lets a restarted server bind while its old connections sit in TIME_WAIT; a live listener on
    // the port still makes bind fail.
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
        return std::unexpected(bind_error(port, errno));
    }
    if (::listen(fd, SOMAXCONN) != 0) return failure("listen");
    socklen_t length = sizeof address;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return failure("getsockname");
    listener.port = ntohs(address.sin_port);
    return listener;
}

std::span<char> InputBuffer::tail(size_t max_capacity) {
    if (m_capacity - m_end < k_min_read && m_begin > 0) {
        std::memmove(m_data.get(), m_data.get() + m_begin, m_end - m_begin);
        m_end -= m_begin;
        m_begin = 0;
    }
    if (m_capacity - m_end < k_min_read && m_capacity < max_capacity) {
        size_t capacity = std::min(max_capacity, std::max(k_initial_capacity, m_capacity * 2));
        auto data = std::make_unique_for_overwrite<char[]>(capacity);
        if (m_end > 0) std::memcpy(data.get(), m_data.get(), m_end);
        m_data = std::move(data);
        m_capacity = capacity;
    }
    return {m_data.get() + m_end, m_capacity - m_end};
}

void TimerList::push_back(Connection& c) {
    c.prev = m_tail;
    c.next = nullptr;
    if (m_tail) {
        m_tail->next = &c;
    } else {
        m_head = &c;
    }
    m_tail = &c;
}

void TimerList::remove(Connection& c) {
    if (c.prev) {
        c.prev->next = c.next;
    } else {
        m_head = c.next;
    }
    if (c.next) {
        c.next->prev = c.prev;
    } else {
        m_tail = c.prev;
    }
    c.prev = c.next = nullptr;
}

bool read_input(Connection& c, size_t max_buffered) {
    auto room = c.in.tail(max_buffered);
    if (room.empty()) return false;
    for (;;) {
        ssize_t n = ::recv(c.fd, room.data(), room.size(), 0);
        if (n > 0) {
            c.in.commit(static_cast<size_t>(n));
            return true;
        }
        if (n == 0) {
            c.read_closed = true;
            return true;
        }
        if (errno != EINTR) return would_block(errno);
    }
}

bool answer_requests(Connection& c, const Responder& respond) {
    bool answered = false;
    while (!c.close_after_write && c.out.size() - c.out_sent < k_output_high_water) {
        auto result = c.parser.parse(c.in.view(), c.request);
        if (result.status == ParseResult::Status::incomplete) {
            send_continue_if_asked(c);
            break;
        }
        answered = true;
        if (result.status == ParseResult::Status::error) {
            append_response(c.out, error_response(result.error_status, result.error_message), false, false);
            c.close_after_write = true;
            break;
        }
        c.in.consume(result.consumed);
        c.continue_sent = false;
        c.served_any = true;
        answer(c, respond);
    }
    return answered;
}

bool flush_output(Connection& c, bool& progressed) {
    while (c.output_pending()) {
        ssize_t n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
        if (n >= 0) {
            c.out_sent += static_cast<size_t>(n);
            progressed = true;
        } else if (errno != EINTR) {
            return would_block(errno);
        }
    }
    c.out_sent = 0;
    if (c.out.capacity() > k_output_high_water) {
        std::string().swap(c.out);  // one large response does not pin its memory for the connection's life
    } else {
        c.out.clear();
    }
    return true;
}

/// After an error response our side is shut down, but closing while the client is still sending
/// would make the kernel answer with a reset that can destroy the response before it is read.
/// So the input is read and dropped until the client closes (or the linger deadline).
bool discard_input(Connection& c) {
    char scratch[4096];
    ssize_t n = ::recv(c.fd, scratch, sizeof scratch, 0);
    if (n > 0) {
        c.discarded += static_cast<size_t>(n);
        return c.discarded <= k_linger_discard_max;
    }
    return n < 0 && (would_block(errno) || errno == EINTR);
}

}  // namespace sesame
