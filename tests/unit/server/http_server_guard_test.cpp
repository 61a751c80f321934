#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "server/http_server.hpp"
#include "server/http_test_support.hpp"

namespace sesame {
namespace {

using namespace std::chrono_literals;
using testing::Client;
using testing::HttpServerTest;

TEST_F(HttpServerTest, AClientThatDoesNotReadIsNotAnsweredWithoutBoundThenGetsEverythingInOrder) {
    start();
    Client client(port(), "127.0.0.1", 4096);
    std::string batch;
    constexpr int k_requests = 90;  // 90 MB of responses, asked for in one read
    for (int i = 0; i < k_requests; ++i) batch += get("/large?" + std::to_string(i));
    client.send(batch);
    std::this_thread::sleep_for(200ms);
    EXPECT_LT(request_count(), size_t{k_requests / 2})
        << "the server holds back answers the client has no room for";
    for (int i = 0; i < k_requests; ++i) {
        auto response = client.read_response();
        ASSERT_TRUE(response) << i;
        ASSERT_EQ(response->body.size(), 1'000'000 + 7 + std::to_string(i).size());
        ASSERT_TRUE(response->body.ends_with("/large?" + std::to_string(i)));
    }
}

TEST_F(HttpServerTest, ForeignOrMissingHostIsForbiddenWithoutCallingTheHandler) {
    start();
    uint16_t other = port() == 65535 ? 1 : port() + 1;
    std::vector<std::string> hosts = {"Host: evil.example:" + std::to_string(port()) + "\r\n",
                                      "Host: 127.0.0.1:" + std::to_string(other) + "\r\n",
                                      "",
                                      "Host: 127.0.0.1\r\n",
                                      "Host: localhost\r\n",
                                      "Host: localhost.:" + std::to_string(port()) + "\r\n",
                                      "Host: 127.0.0.1:" + std::to_string(port()) + ".evil.example\r\n",
                                      "Host: 127.0.0.2:" + std::to_string(port()) + "\r\n"};
    for (const auto& host : hosts) {
        Client client(port());
        client.send("GET / HTTP/1.1\r\n" + host + "\r\n");
        auto response = client.read_response();
        ASSERT_TRUE(response) << host;
        EXPECT_EQ(response->status, 403) << host;
        EXPECT_EQ(response->headers["content-type"], "application/json");
        EXPECT_TRUE(response->body.starts_with(R"({"Code":"Forbidden","Message":")")) << response->body;
    }
    EXPECT_EQ(request_count(), 0u);

    Client client(port());
    client.send(fmt::format("GET / HTTP/1.1\r\nHost: LocalHost:{}\r\n\r\n", port()));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200) << "the host part is case-insensitive";
}

struct Refusal {
    const char* name;
    int status;
    std::string request;  ///< "{host}" is replaced with a valid Host header line
};

class HttpServerRefusal : public HttpServerTest, public ::testing::WithParamInterface<Refusal> {};

TEST_P(HttpServerRefusal, AnswersAndCloses) {
    start({.max_header_bytes = 1024, .max_body_bytes = 64});
    std::string request = GetParam().request;
    auto at = request.find("{host}");
    if (at != std::string::npos) request.replace(at, 6, fmt::format("Host: 127.0.0.1:{}\r\n", port()));
    Client client(port());
    client.send(request);
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, GetParam().status);
    EXPECT_EQ(response->headers["connection"], "close");
    EXPECT_TRUE(response->body.starts_with(R"({"Code":")")) << response->body;
    EXPECT_TRUE(client.closed_by_server());
    EXPECT_EQ(request_count(), 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, HttpServerRefusal,
    ::testing::Values(
        Refusal{"Garbage", 400, "HELLO\r\n\r\n"},
        Refusal{"TlsHandshake", 400, std::string("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11)},
        Refusal{"BadHeader", 400, "GET / HTTP/1.1\r\n{host}Bad Header\r\n\r\n"},
        Refusal{"OversizeHeaders", 431,
                "GET / HTTP/1.1\r\n{host}X-Big: " + std::string(2000, 'b') + "\r\n\r\n"},
        Refusal{"OversizeBody", 413,
                "PUT / HTTP/1.1\r\n{host}Content-Length: 100000\r\n\r\n" + std::string(20000, 'x')},
        Refusal{"Chunked", 501,
                "PUT / HTTP/1.1\r\n{host}Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"},
        Refusal{"Http2", 505, "GET / HTTP/2.0\r\n{host}\r\n"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(HttpServerTest, StalledHalfRequestGets408AndIsClosedAfterRequestTimeout) {
    start({.request_timeout = 200ms});
    Client client(port());
    client.send(fmt::format("GET / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nX-Slow: ", port()));
    auto began = std::chrono::steady_clock::now();
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 408);
    EXPECT_TRUE(client.closed_by_server());
    EXPECT_GE(std::chrono::steady_clock::now() - began, 150ms);
    EXPECT_EQ(request_count(), 0u);
}

TEST_F(HttpServerTest, TricklingBytesDoNotExtendTheRequestTimeout) {
    start({.request_timeout = 300ms});
    Client client(port());
    client.send("GET / HTTP/1.1\r\n");
    bool answered = false;
    for (int i = 0; i < 30 && !answered; ++i) {  // 30 x 50 ms: far past the timeout if bytes restarted it
        std::this_thread::sleep_for(50ms);
        ::send(client.fd(), "X", 1, MSG_NOSIGNAL);
        char c;
        answered = ::recv(client.fd(), &c, 1, MSG_DONTWAIT | MSG_PEEK) >= 0 || errno == ECONNRESET;
    }
    EXPECT_TRUE(answered) << "the server must give up on the request while the client still trickles";
}

TEST_F(HttpServerTest, SilentNewConnectionIsClosedAfterRequestTimeoutWithoutResponse) {
    start({.request_timeout = 200ms});
    Client client(port());
    EXPECT_TRUE(client.closed_by_server());
}

TEST_F(HttpServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
    start({.request_timeout = 5000ms, .idle_timeout = 250ms});
    Client client(port());
    client.send(get("/"));
    ASSERT_TRUE(client.read_response());
    auto began = std::chrono::steady_clock::now();
    EXPECT_TRUE(client.closed_by_server());
    EXPECT_GE(std::chrono::steady_clock::now() - began, 200ms);
}

TEST_F(HttpServerTest, AtTheLimitANewConnectionClosesTheOldestIdleOne) {
    start({.max_connections = 2});
    Client first(port()), second(port());
    for (Client* c : {&first, &second}) {
        c->send(get("/"));
        ASSERT_TRUE(c->read_response());
    }
    Client third(port());
    third.send(get("/third"));
    auto response = third.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_TRUE(first.closed_by_server()) << "the oldest idle connection made room";
    second.send(get("/still"));
    EXPECT_TRUE(second.read_response());
}

/// 520 idle keep-alive connections without a token once locked every client out for a minute.
TEST_F(HttpServerTest, ClientsWithoutSuccessAreClosedFirstToMakeRoom) {
    start({.max_connections = 8});
    Client good(port());
    good.send(get("/"));
    ASSERT_EQ(good.read_response()->status, 200);
    std::vector<std::unique_ptr<Client>> junk;
    for (int i = 0; i < 5; ++i) {  // answered 401, then kept alive
        junk.push_back(std::make_unique<Client>(port()));
        junk.back()->send(get("/denied"));
        ASSERT_EQ(junk.back()->read_response()->status, 401);
    }
    for (int i = 0; i < 50; ++i) junk.push_back(std::make_unique<Client>(port()));  // silent
    for (int i = 0; i < 20; ++i) {
        Client fresh(port());
        fresh.send(get("/fresh"));
        auto response = fresh.read_response();
        ASSERT_TRUE(response) << i;
        EXPECT_EQ(response->status, 200);
    }
    good.send(get("/again"));
    auto again = good.read_response();
    ASSERT_TRUE(again) << "the client that had a success kept its connection";
    EXPECT_EQ(again->status, 200);
}

/// The endpoints' loopback port is open to every user of the machine: only the user who
/// started the server is answered (needs root, to become another user).
TEST_F(HttpServerTest, AnotherUserGets403BeforeTheRequestIsRead) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to connect as another uid";
    start();
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(pipe_fds[0]);
        int status = -1;
        if (::setresgid(65534, 65534, 65534) == 0 && ::setresuid(65534, 65534, 65534) == 0) {
            Client client(port());
            client.send(get("/"));
            auto response = client.read_response();
            status = response ? response->status : 0;
        }
        [[maybe_unused]] auto n = ::write(pipe_fds[1], &status, sizeof status);
        ::_exit(0);
    }
    ::close(pipe_fds[1]);
    int status = -1;
    ASSERT_EQ(::read(pipe_fds[0], &status, sizeof status), static_cast<ssize_t>(sizeof status));
    ::close(pipe_fds[0]);
    ::waitpid(child, nullptr, 0);
    EXPECT_EQ(status, 403);
    EXPECT_EQ(request_count(), 0u) << "the handler never saw the request";

    Client own(port());
    own.send(get("/"));
    EXPECT_EQ(own.read_response()->status, 200);
}

}  // namespace
}  // namespace sesame
