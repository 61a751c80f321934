#pragma once

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "server/http_server.hpp"

/// What the HttpServer tests share: a raw-socket client and a fixture running a server in a thread.
namespace sesame::testing {

/// A raw-socket client that keeps whatever it read past the current response.
class Client {
  public:
    explicit Client(uint16_t port, const char* ip = "127.0.0.1", int receive_buffer = 0) {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (receive_buffer > 0)
            ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
        timeval timeout{3, 0};  // a broken server fails the test instead of hanging it
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        ::inet_pton(AF_INET, ip, &address.sin_addr);
        m_connected = ::connect(m_fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
        m_connect_errno = m_connected ? 0 : errno;
    }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client() { ::close(m_fd); }

    bool connected() const { return m_connected; }
    int connect_errno() const { return m_connect_errno; }
    int fd() const { return m_fd; }

    void send(std::string_view data) {
        while (!data.empty()) {
            ssize_t n = ::send(m_fd, data.data(), data.size(), MSG_NOSIGNAL);
            if (n <= 0) return;  // the server closed; the test's reads will tell
            data.remove_prefix(static_cast<size_t>(n));
        }
    }

    struct Response {
        int status = 0;
        std::map<std::string, std::string> headers;  ///< names lowercased
        std::string body;
    };

    /// The next response, or nullopt if the connection ends (or stalls) first. A response to HEAD
    /// has a Content-Length but no body.
    std::optional<Response> read_response(bool to_head = false) {
        size_t end;
        while ((end = m_buffer.find("\r\n\r\n")) == std::string::npos) {
            if (!fill()) return std::nullopt;
        }
        Response response;
        std::string head = m_buffer.substr(0, end + 2);
        response.status = std::stoi(head.substr(9, 3));
        for (size_t pos = head.find("\r\n") + 2; pos < head.size();) {
            size_t line_end = head.find("\r\n", pos);
            std::string line = head.substr(pos, line_end - pos);
            size_t colon = line.find(':');
            std::string name = line.substr(0, colon);
            for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            response.headers[name] = line.substr(colon + 2);
            pos = line_end + 2;
        }
        size_t length = 0;
        if (!to_head && response.headers.contains("content-length")) {
            length = std::stoul(response.headers["content-length"]);
        }
        while (m_buffer.size() < end + 4 + length) {
            if (!fill()) return std::nullopt;
        }
        response.body = m_buffer.substr(end + 4, length);
        m_buffer.erase(0, end + 4 + length);
        return response;
    }

    /// True when the server closes the connection with nothing more to read.
    bool closed_by_server() { return m_buffer.empty() && !fill() && m_eof; }

  private:
    bool fill() {
        char chunk[65536];
        ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (n == 0) m_eof = true;
        if (n <= 0) return false;
        m_buffer.append(chunk, static_cast<size_t>(n));
        return true;
    }

    int m_fd = -1;
    bool m_connected = false;
    int m_connect_errno = 0;
    bool m_eof = false;
    std::string m_buffer;
};

class HttpServerTest : public ::testing::Test {
  protected:
    void start(ServerLimits limits = {}) {
        auto server = HttpServer::listen(
            0, [this](const ServerRequest& r) { return handle(r); }, limits);
        ASSERT_TRUE(server) << server.error().message;
        m_server = std::move(*server);
        m_server->set_diagnostics([this](std::string_view message) {
            std::lock_guard lock(m_mutex);
            m_diagnostics.emplace_back(message);
        });
        m_thread = std::thread([this] { m_server->run(); });
    }
    void TearDown() override {
        if (m_server) m_server->stop();
        if (m_thread.joinable()) m_thread.join();
    }

    /// Echoes what it got; "/denied" answers 401, "/throw" throws, "/large" returns 1 MB, "/close" asks to
    /// close.
    ServerResponse handle(const ServerRequest& request) {
        {
            std::lock_guard lock(m_mutex);
            m_requests.push_back(request);
        }
        if (request.path == "/denied") return {401, {}, "no token"};
        if (request.path == "/throw") throw std::runtime_error("secret-token-in-message");
        if (request.path == "/large") return {200, {}, std::string(1'000'000, 'L') + request.target};
        if (request.path == "/bad-header") return {200, {{"X-Evil", "a\r\nSet-Cookie: b"}}, ""};
        ServerResponse response{
            200, {{"X-Target", request.target}}, request.method + " " + request.path + " " + request.body};
        if (request.path == "/close") response.headers.emplace_back("Connection", "close");
        if (request.path == "/json") response.headers.emplace_back("Content-Type", "application/json");
        return response;
    }

    std::string get(std::string_view path, std::string_view extra_headers = "") const {
        return fmt::format("GET {} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{}\r\n", path, port(), extra_headers);
    }
    uint16_t port() const { return m_server->port(); }
    size_t request_count() {
        std::lock_guard lock(m_mutex);
        return m_requests.size();
    }
    ServerRequest last_request() {
        std::lock_guard lock(m_mutex);
        return m_requests.back();
    }
    std::vector<std::string> diagnostics() {
        std::lock_guard lock(m_mutex);
        return m_diagnostics;
    }

    std::unique_ptr<HttpServer> m_server;
    std::thread m_thread;
    std::mutex m_mutex;
    std::vector<ServerRequest> m_requests;
    std::vector<std::string> m_diagnostics;
};

}  // namespace sesame::testing
