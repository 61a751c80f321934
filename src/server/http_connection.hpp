#pragma once

#include <sys/epoll.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "platform/unique_fd.hpp"
#include "server/http_parser.hpp"
#include "server/http_response.hpp"
#include "util/error.hpp"

namespace sesame {

/// Internals of HttpServer, in a header of their own so that http_server.cpp stays about the loop.

using SteadyTime = std::chrono::steady_clock::time_point;

struct Listener {
    UniqueFd fd;
    uint16_t port = 0;  ///< the one bound, which the kernel chose when 0 was asked
};

/// A non-blocking socket listening on 127.0.0.1:port. Errors name the address and the reason.
Result<Listener> listen_on_loopback(uint16_t port);

/// Bytes received but not yet parsed. Reads go straight into its tail; answered requests are
/// dropped from the front, and the rest is moved down only when the tail runs short.
class InputBuffer {
  public:
    std::string_view view() const { return {m_data.get() + m_begin, m_end - m_begin}; }
    bool empty() const { return m_begin == m_end; }
    void consume(size_t n) {
        m_begin += n;
        if (m_begin == m_end) m_begin = m_end = 0;
    }
    /// Free space for the next read, after compacting or growing (never beyond `max_capacity`).
    /// Empty only when `max_capacity` bytes are buffered.
    std::span<char> tail(size_t max_capacity);
    void commit(size_t n) { m_end += n; }

  private:
    std::unique_ptr<char[]> m_data;
    size_t m_capacity = 0;
    size_t m_begin = 0;
    size_t m_end = 0;
};

/// What a connection's deadline is for; request, write and linger share request_timeout.
enum class Wait : uint8_t { none, request, write, idle, linger };

struct Connection {
    Connection(int fd_, uint32_t generation_, ParseLimits limits)
        : fd(fd_), generation(generation_), parser(limits) {}

    bool output_pending() const { return out_sent < out.size(); }
    /// The epoll key: the generation tells a stale event for a reused fd from a current one.
    uint64_t key() const { return (static_cast<uint64_t>(generation) << 32) | static_cast<uint32_t>(fd); }

    int fd;
    uint32_t generation;
    InputBuffer in;
    std::string out;  ///< responses not yet written, from out_sent on
    size_t out_sent = 0;
    RequestParser parser;
    ServerRequest request;  ///< reused, so its strings keep their capacity across requests
    uint32_t interest = EPOLLIN;
    bool served_any = false;         ///< a first request was answered (until then: Wait::request)
    bool trusted = false;            ///< some answer was a success (2xx/3xx): the client holds a token
    bool read_closed = false;        ///< the peer shut down its side
    bool close_after_write = false;  ///< an error or `Connection: close`: no more requests
    bool lingering = false;          ///< our side is shut down; draining the peer until it closes
    bool continue_sent = false;      ///< "100 Continue" already sent for the current request
    size_t discarded = 0;            ///< bytes thrown away while lingering

    Wait wait = Wait::none;
    SteadyTime deadline{};
    Connection* prev = nullptr;  ///< TimerList links
    Connection* next = nullptr;
};

/// Connections in deadline order. Everyone in one list waits the same duration from the moment
/// it was appended, so appending keeps the order and the earliest deadline is at the front:
/// O(1) for every operation, with no heap and no scan.
class TimerList {
  public:
    Connection* front() const { return m_head; }
    void push_back(Connection& c);
    void remove(Connection& c);

  private:
    Connection* m_head = nullptr;
    Connection* m_tail = nullptr;
};

/// Builds the response to one complete request (the server's Host guard and handler). It must not
/// throw and must return a valid response (is_valid_response).
using Responder = std::function<ServerResponse(const ServerRequest&)>;

/// Pipelined requests are answered only while less than this much output waits for the client,
/// so a client that sends without reading cannot make the server buffer without bound.
constexpr size_t k_output_high_water = 64 * 1024;

/// One recv into c.in, which holds at most `max_buffered` bytes; end of input sets c.read_closed.
/// False on a socket error.
bool read_input(Connection& c, size_t max_buffered);

/// Parses and answers the buffered requests in order, appending the responses to c.out, until the
/// input holds no complete request, an error response ends the connection (close_after_write), or
/// k_output_high_water bytes wait. Sends "100 Continue" when a client asks for it. Returns whether
/// it appended a response.
bool answer_requests(Connection& c, const Responder& respond);

/// Writes c.out until done or the socket is full. False when the peer is gone; sets `progressed`
/// when bytes went out.
bool flush_output(Connection& c, bool& progressed);

/// For a lingering connection: reads and drops input. False when it is time to close.
bool discard_input(Connection& c);

}  // namespace sesame
