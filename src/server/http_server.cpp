#include "server/http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <map>
#include <vector>

#include "platform/peer_uid.hpp"
#include "server/http_connection.hpp"

namespace sesame {
namespace {

constexpr int k_max_events = 64;
constexpr int k_accepts_per_wakeup = 64;

std::string errno_text(int err) {
    return std::strerror(err);
}

}  // namespace

struct HttpServer::Impl {
    Handler handler;
    ServerLimits limits;
    Diagnostics diagnostics;
    UniqueFd listen_fd, epoll_fd, wake_fd, spare_fd;
    uint16_t port = 0;
    std::string allowed_host_ip;                           ///< "127.0.0.1:<port>"
    std::string allowed_host_name;                         ///< "localhost:<port>"
    std::vector<std::unique_ptr<Connection>> connections;  ///< by fd
    size_t connection_count = 0;
    uint32_t next_generation = 1;  ///< 0 marks the listening socket, the wake-up fd and watched fds
    std::map<int, std::shared_ptr<std::function<void()>>> watches;
    Responder responder = [this](const ServerRequest& request) { return respond(request); };
    TimerList busy;  ///< Wait::request, write and linger: request_timeout
    TimerList idle;  ///< Wait::idle: idle_timeout
    SteadyTime now;  ///< read once per loop iteration
    bool stopping = false;
    PeerUidLookup peer_uid;
    uid_t own_uid = ::geteuid();

    ~Impl() { close_all_connections(); }

    void diagnose(std::string_view message) const {
        if (diagnostics) diagnostics(message);
    }

    void run();
    int next_timeout_ms() const;
    void expire_timers();
    void dispatch(const epoll_event& event);
    void accept_connections();
    void add_connection(int fd);
    bool refuse_other_users(int fd);
    bool make_room();
    void close_connection(Connection& c);
    void close_all_connections();
    void on_connection_event(Connection& c, uint32_t events);
    ServerResponse respond(const ServerRequest& request) const;
    bool host_allowed(const ServerRequest& request) const;
    void settle(Connection& c, bool progressed);
    bool set_interest(Connection& c, uint32_t interest);
    void set_wait(Connection& c, Wait wait, bool restart);
};

void HttpServer::Impl::run() {
    stopping = false;
    epoll_event events[k_max_events];
    now = std::chrono::steady_clock::now();
    while (!stopping) {
        int n = ::epoll_wait(epoll_fd.get(), events, k_max_events, next_timeout_ms());
        now = std::chrono::steady_clock::now();
        if (n < 0) {
            if (errno == EINTR) continue;
            diagnose(fmt::format("epoll_wait failed: {}; the server stops", errno_text(errno)));
            break;
        }
        for (int i = 0; i < n; ++i) dispatch(events[i]);
        expire_timers();
    }
    close_all_connections();
}

int HttpServer::Impl::next_timeout_ms() const {
    const Connection* first = idle.front();
    if (const Connection* b = busy.front(); b && (!first || b->deadline < first->deadline)) first = b;
    if (!first) return -1;
    if (first->deadline <= now) return 0;
    auto ms = std::chrono::ceil<std::chrono::milliseconds>(first->deadline - now).count();
    return static_cast<int>(std::min<long long>(ms, INT_MAX));
}

void HttpServer::Impl::expire_timers() {
    while (idle.front() && idle.front()->deadline <= now) close_connection(*idle.front());
    while (busy.front() && busy.front()->deadline <= now) {
        Connection& c = *busy.front();
        if (c.wait == Wait::request && !c.in.empty()) {
            // Best effort, one non-blocking send: the client stalled mid-request and is told why.
            append_response(c.out, error_response(408, "the request was not completed in time"), false,
                            false);
            ssize_t rc = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            (void)rc;
        }
        close_connection(c);
    }
}

void HttpServer::Impl::dispatch(const epoll_event& event) {
    auto generation = static_cast<uint32_t>(event.data.u64 >> 32);
    auto fd = static_cast<int>(event.data.u64 & 0xffffffffu);
    if (generation == 0) {
        if (fd == listen_fd.get()) {
            accept_connections();
        } else if (fd == wake_fd.get()) {
            uint64_t count = 0;
            ssize_t rc = ::read(fd, &count, sizeof count);
            (void)rc;
            stopping = true;
        } else if (auto it = watches.find(fd); it != watches.end()) {
            auto callback = it->second;  // the callback may unwatch itself
            (*callback)();
        }
        return;
    }
    if (static_cast<size_t>(fd) >= connections.size()) return;
    Connection* c = connections[static_cast<size_t>(fd)].get();
    if (c && c->generation == generation) on_connection_event(*c, event.events);
}

void HttpServer::Impl::accept_connections() {
    for (int i = 0; i < k_accepts_per_wakeup; ++i) {
        int fd = ::accept4(listen_fd.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            int err = errno;
            if (err == EINTR || err == ECONNABORTED) continue;
            if (err == EMFILE || err == ENFILE) {
                // The listening socket stays readable at the fd limit and the loop would spin:
                // the spare descriptor makes room to accept the connection and drop it.
                spare_fd.reset();
                int dropped = ::accept4(listen_fd.get(), nullptr, nullptr, SOCK_CLOEXEC);
                if (dropped >= 0) ::close(dropped);
                spare_fd.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
                diagnose("out of file descriptors; refused a connection");
                return;
            }
            if (err != EAGAIN && err != EWOULDBLOCK)
                diagnose(fmt::format("accept failed: {}", errno_text(err)));
            return;
        }
        if (limits.only_own_uid && refuse_other_users(fd)) continue;
        if (connection_count >= limits.max_connections && !make_room()) {
            ::close(fd);
            diagnose(fmt::format("{} connections are open, the limit; refused one", connection_count));
            continue;
        }
        add_connection(fd);
    }
}

/// True (and the connection answered 403 and closed) when the client is not this user.
bool HttpServer::Impl::refuse_other_users(int fd) {
    auto uid = peer_uid(fd);
    if (uid && *uid == own_uid) return false;
    std::string out;
    append_response(out, error_response(403, "this endpoint serves only the user who started it"), false,
                    false);
    ssize_t rc = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);  // best effort
    (void)rc;
    ::close(fd);
    diagnose(uid ? fmt::format("refused a connection from uid {}", *uid)
                 : std::string("refused a connection whose user could not be found"));
    return true;
}

/// Closes one connection to make room for a new one (ServerLimits::max_connections).
bool HttpServer::Impl::make_room() {
    Connection* victim = nullptr;
    for (Connection* c = idle.front(); c && !victim; c = c->next)
        if (!c->trusted) victim = c;
    for (Connection* c = busy.front(); c && !victim; c = c->next)
        if (c->wait == Wait::request && !c->served_any) victim = c;
    if (!victim) victim = idle.front();
    if (!victim) return false;
    close_connection(*victim);
    return true;
}

void HttpServer::Impl::add_connection(int fd) {
    int one = 1;  // responses go out in one write; Nagle would only delay the next one
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    uint32_t generation = next_generation++;
    if (next_generation == 0) next_generation = 1;
    auto c = std::make_unique<Connection>(fd, generation,
                                          ParseLimits{limits.max_header_bytes, limits.max_body_bytes});
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = c->key();
    if (::epoll_ctl(epoll_fd.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
        diagnose(fmt::format("cannot watch a new connection: {}", errno_text(errno)));
        ::close(fd);
        return;
    }
    if (connections.size() <= static_cast<size_t>(fd)) connections.resize(static_cast<size_t>(fd) + 1);
    connections[static_cast<size_t>(fd)] = std::move(c);
    ++connection_count;
    set_wait(*connections[static_cast<size_t>(fd)], Wait::request, true);
}

void HttpServer::Impl::close_connection(Connection& c) {
    if (c.wait == Wait::idle) idle.remove(c);
    if (c.wait != Wait::idle && c.wait != Wait::none) busy.remove(c);
    auto fd = static_cast<size_t>(c.fd);
    ::close(c.fd);
    connections[fd].reset();
    --connection_count;
}

void HttpServer::Impl::close_all_connections() {
    for (auto& c : connections) {
        if (c) close_connection(*c);
    }
}

void HttpServer::Impl::on_connection_event(Connection& c, uint32_t events) {
    if (events & EPOLLERR) return close_connection(c);
    if (c.lingering) {
        if (!discard_input(c)) close_connection(c);
        return;
    }
    size_t max_buffered = limits.max_header_bytes + limits.max_body_bytes + 1024;
    bool readable = (events & (EPOLLIN | EPOLLHUP)) && !c.read_closed;
    if (readable && !read_input(c, max_buffered)) return close_connection(c);
    bool progressed = false;
    if (!flush_output(c, progressed)) return close_connection(c);  // what waits goes before new answers
    for (;;) {
        bool answered = answer_requests(c, responder);
        if (!flush_output(c, progressed)) return close_connection(c);
        progressed = progressed || answered;
        // Requests held back by the output budget can go now that the output has drained.
        if (!answered || c.output_pending() || c.close_after_write) break;
    }
    settle(c, progressed);
}

/// The DNS-rebinding guard: a page on evil.example that rebinds its name to 127.0.0.1 still sends
/// `Host: evil.example`, so only our own address and port are accepted.
bool HttpServer::Impl::host_allowed(const ServerRequest& request) const {
    const std::string* host = request.header("host");
    if (!host) return false;
    if (ascii_iequals(*host, allowed_host_ip) || ascii_iequals(*host, allowed_host_name)) return true;
    return port == 80 && (*host == "127.0.0.1" || ascii_iequals(*host, "localhost"));
}

ServerResponse HttpServer::Impl::respond(const ServerRequest& request) const {
    if (!host_allowed(request)) {
        return error_response(
            403, fmt::format("the Host header must be {} or {}", allowed_host_ip, allowed_host_name));
    }
    try {
        ServerResponse response = handler(request);
        if (is_valid_response(response)) return response;
        diagnose(fmt::format("the handler for {} {} returned an invalid status or header", request.method,
                             request.path));
    } catch (const std::exception& e) {
        diagnose(fmt::format("the handler for {} {} failed: {}", request.method, request.path, e.what()));
    } catch (...) {
        diagnose(fmt::format("the handler for {} {} failed", request.method, request.path));
    }
    return error_response(500, "the server failed to handle the request");
}

/// Decides what the connection waits for next: the client reading (EPOLLOUT), more requests
/// (EPOLLIN), or the end (lingering close).
void HttpServer::Impl::settle(Connection& c, bool progressed) {
    if (c.output_pending()) {
        if (!set_interest(c, EPOLLOUT)) return close_connection(c);
        return set_wait(c, Wait::write, progressed);
    }
    if (c.read_closed) return close_connection(c);
    if (c.close_after_write) {
        ::shutdown(c.fd, SHUT_WR);
        c.lingering = true;
        if (!set_interest(c, EPOLLIN)) return close_connection(c);
        return set_wait(c, Wait::linger, false);
    }
    if (!set_interest(c, EPOLLIN)) return close_connection(c);
    set_wait(c, c.in.empty() && c.served_any ? Wait::idle : Wait::request, progressed);
}

bool HttpServer::Impl::set_interest(Connection& c, uint32_t interest) {
    if (c.interest == interest) return true;
    epoll_event event{};
    event.events = interest;
    event.data.u64 = c.key();
    if (::epoll_ctl(epoll_fd.get(), EPOLL_CTL_MOD, c.fd, &event) != 0) return false;
    c.interest = interest;
    return true;
}

/// A request deadline runs from the request's first byte; progress (a request answered, bytes
/// written) restarts it. The idle deadline restarts with each answered request.
void HttpServer::Impl::set_wait(Connection& c, Wait wait, bool restart) {
    if (wait == c.wait && !restart) return;
    TimerList& list = wait == Wait::idle ? idle : busy;
    if (c.wait == Wait::idle) idle.remove(c);
    if (c.wait != Wait::idle && c.wait != Wait::none) busy.remove(c);
    c.wait = wait;
    c.deadline = now + (wait == Wait::idle ? limits.idle_timeout : limits.request_timeout);
    list.push_back(c);
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

HttpServer::~HttpServer() = default;

Result<std::unique_ptr<HttpServer>> HttpServer::listen(uint16_t port, Handler handler, ServerLimits limits) {
    auto failure = [port](std::string_view what) {
        return fail(fmt::format("cannot listen on 127.0.0.1:{}: {}: {}", port, what, errno_text(errno)));
    };
    auto impl = std::make_unique<Impl>();
    impl->handler = std::move(handler);
    impl->limits = limits;
    auto listener = listen_on_loopback(port);
    if (!listener) return std::unexpected(std::move(listener.error()));
    impl->listen_fd = std::move(listener->fd);
    impl->port = listener->port;
    impl->allowed_host_ip = fmt::format("127.0.0.1:{}", impl->port);
    impl->allowed_host_name = fmt::format("localhost:{}", impl->port);

    impl->epoll_fd.reset(::epoll_create1(EPOLL_CLOEXEC));
    if (!impl->epoll_fd) return failure("epoll_create1");
    impl->wake_fd.reset(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!impl->wake_fd) return failure("eventfd");
    for (int fd : {impl->listen_fd.get(), impl->wake_fd.get()}) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.u64 = static_cast<uint32_t>(fd);
        if (::epoll_ctl(impl->epoll_fd.get(), EPOLL_CTL_ADD, fd, &event) != 0) return failure("epoll_ctl");
    }
    impl->spare_fd.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

uint16_t HttpServer::port() const {
    return m_impl->port;
}

std::string HttpServer::address() const {
    sockaddr_in address{};
    socklen_t length = sizeof address;
    if (::getsockname(m_impl->listen_fd.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
        return {};
    char ip[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &address.sin_addr, ip, sizeof ip);
    return fmt::format("{}:{}", ip, ntohs(address.sin_port));
}

void HttpServer::run() {
    m_impl->run();
}

void HttpServer::stop() noexcept {
    int saved = errno;  // a signal handler must leave errno as it found it
    uint64_t one = 1;
    ssize_t rc = ::write(m_impl->wake_fd.get(), &one, sizeof one);
    (void)rc;
    errno = saved;
}

Result<void> HttpServer::watch(int fd, std::function<void()> on_readable) {
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = static_cast<uint32_t>(fd);
    int op = m_impl->watches.contains(fd) ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
    if (::epoll_ctl(m_impl->epoll_fd.get(), op, fd, &event) != 0) {
        return fail(fmt::format("cannot watch file descriptor {}: {}", fd, errno_text(errno)));
    }
    m_impl->watches[fd] = std::make_shared<std::function<void()>>(std::move(on_readable));
    return {};
}

void HttpServer::unwatch(int fd) {
    if (m_impl->watches.erase(fd) > 0) ::epoll_ctl(m_impl->epoll_fd.get(), EPOLL_CTL_DEL, fd, nullptr);
}

void HttpServer::set_diagnostics(Diagnostics diagnostics) {
    m_impl->diagnostics = std::move(diagnostics);
}

}  // namespace sesame
