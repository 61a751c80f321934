#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "server/http_parser.hpp"
#include "server/http_response.hpp"
#include "util/error.hpp"

namespace sesame {

struct ServerLimits {
    size_t max_header_bytes = 8 * 1024;  ///< request line + headers; more -> 431 and close
    size_t max_body_bytes = 4 * 1024;    ///< a larger Content-Length -> 413 and close
    /// A started request must be complete within this, else 408 and close (slowloris). A new
    /// connection must deliver its first request within it too; a response the client does not
    /// read for this long is abandoned; a connection being closed waits this long for the peer.
    std::chrono::milliseconds request_timeout{5000};
    std::chrono::milliseconds idle_timeout{60000};  ///< idle keep-alive connections are closed after this
    /// At the limit a new connection makes room by closing, in this order, the oldest idle
    /// connection that never had a successful answer, the oldest one still waiting for its first
    /// request, the oldest idle one; only when none is left is it refused. So clients without a
    /// token cannot crowd out one that has it.
    size_t max_connections = 512;
    /// Answer only connections whose client socket belongs to this process's user (its euid):
    /// others get 403 before anything is read. Off only in tests of other limits.
    bool only_own_uid = true;
};

/// A small HTTP/1.1 server on 127.0.0.1 for the credential endpoints SDKs poll (ECS-style and
/// EC2-style). One thread, one epoll loop, non-blocking sockets; keep-alive and pipelining; strict
/// parsing (see RequestParser) and bounded memory per connection.
///
/// Because whatever it serves is a credential, it is hardened against the browser next door:
/// it binds the loopback address only, serves only its own user (ServerLimits::only_own_uid:
/// another local user gets 403 before the request is read), and a request whose Host is not
/// `127.0.0.1:<port>` or `localhost:<port>` (the bare name only when the port is 80) gets 403 without
/// reaching the handler, which defeats DNS rebinding. It never logs: requests carry tokens.
///
/// The event loop measures its timeouts with std::chrono::steady_clock rather than an injected
/// Clock: epoll_wait waits real time, so a fake clock could not drive it anyway.
class HttpServer {
  public:
    /// Called in the loop thread for each request, in order per connection. A throw becomes a
    /// 500 whose body does not carry the exception's message.
    using Handler = std::function<ServerResponse(const ServerRequest&)>;
    /// Receives rare operational messages (accept failures, connection limit, a handler that threw
    /// or returned an invalid response, with the request's method and path and the exception's
    /// what()); never a query string, a header value or a body.
    using Diagnostics = std::function<void(std::string_view)>;

    /// Binds 127.0.0.1:port (0 = a port the kernel chooses) and starts listening; run() serves.
    /// Errors name the address and the reason ("127.0.0.1:8080 is in use").
    static Result<std::unique_ptr<HttpServer>> listen(uint16_t port, Handler handler,
                                                      ServerLimits limits = {});

    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;
    /// Closes every socket. Must not run while run() does.
    ~HttpServer();

    uint16_t port() const;
    /// "127.0.0.1:<port>", read back from the socket (getsockname).
    std::string address() const;

    /// Runs the event loop in the calling thread until stop(); then closes the open connections
    /// (responses not yet written are dropped) and returns. The listening socket stays open, so
    /// run() may be called again; a stop() that came before run() makes it return at once.
    void run();

    /// Thread-safe and async-signal-safe: writes to an eventfd the loop watches.
    void stop() noexcept;

    /// Watches `fd` (a signalfd, a pipe from a child, ...) in the same loop: `on_readable` runs in
    /// the loop thread while the fd is readable (level-triggered, so it must drain it). Call before
    /// run() or from the loop thread; watching an fd again replaces its callback. The fd stays
    /// the caller's to close, after unwatch().
    Result<void> watch(int fd, std::function<void()> on_readable);
    void unwatch(int fd);

    void set_diagnostics(Diagnostics diagnostics);

  private:
    struct Impl;
    explicit HttpServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;  ///< epoll and connection details stay out of this header
};

}  // namespace sesame
