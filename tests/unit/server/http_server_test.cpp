#include "server/http_server.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "server/http_test_support.hpp"

namespace sesame {
namespace {

using namespace std::chrono_literals;
using testing::Client;
using testing::HttpServerTest;

TEST_F(HttpServerTest, GetIsAnsweredWithLengthKeepAliveAndDefaultContentType) {
    start();
    Client client(port());
    client.send(get("/latest/meta-data/?a=b"));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "GET /latest/meta-data/ ");
    EXPECT_EQ(response->headers["x-target"], "/latest/meta-data/?a=b");
    EXPECT_EQ(response->headers["content-length"], std::to_string(response->body.size()));
    EXPECT_EQ(response->headers["connection"], "keep-alive");
    EXPECT_EQ(response->headers["content-type"], "text/plain; charset=utf-8");
}

TEST_F(HttpServerTest, HandlerContentTypeIsKept) {
    start();
    Client client(port());
    client.send(get("/json"));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->headers["content-type"], "application/json");
}

TEST_F(HttpServerTest, PutBodyAndHeadersReachTheHandler) {
    start();
    Client client(port());
    client.send(
        fmt::format("PUT /latest/api/token HTTP/1.1\r\nHost: localhost:{}\r\n"
                    "X-aws-ec2-metadata-token-ttl-seconds:  21600 \r\nContent-Length: 4\r\n\r\nbody",
                    port()));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, "PUT /latest/api/token body");
    auto request = last_request();
    ASSERT_NE(request.header("x-aws-ec2-metadata-token-ttl-seconds"), nullptr);
    EXPECT_EQ(*request.header("x-aws-ec2-metadata-token-ttl-seconds"), "21600");
}

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
    start();
    Client client(port());
    for (const char* path : {"/one", "/two"}) {
        client.send(get(path));
        auto response = client.read_response();
        ASSERT_TRUE(response) << path;
        EXPECT_EQ(response->body, std::string("GET ") + path + " ");
    }
    EXPECT_EQ(request_count(), 2u);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
    start();
    Client client(port());
    std::string batch;
    for (int i = 0; i < 50; ++i) batch += get("/p" + std::to_string(i));
    client.send(batch);
    for (int i = 0; i < 50; ++i) {
        auto response = client.read_response();
        ASSERT_TRUE(response) << i;
        EXPECT_EQ(response->body, "GET /p" + std::to_string(i) + " ");
    }
}

TEST_F(HttpServerTest, ConnectionCloseFromClientOrHandlerIsHonoured) {
    start();
    for (auto request : {get("/", "Connection: close\r\n"), get("/close")}) {
        Client client(port());
        client.send(request + get("/never"));
        auto response = client.read_response();
        ASSERT_TRUE(response);
        EXPECT_EQ(response->status, 200);
        EXPECT_EQ(response->headers["connection"], "close");
        EXPECT_TRUE(client.closed_by_server());
    }
    EXPECT_EQ(request_count(), 2u) << "nothing after a closing request is served";
}

TEST_F(HttpServerTest, Http10ClosesUnlessKeepAliveIsAsked) {
    start();
    Client closing(port());
    closing.send(fmt::format("GET /a HTTP/1.0\r\nHost: 127.0.0.1:{}\r\n\r\n", port()));
    auto response = closing.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->headers["connection"], "close");
    EXPECT_TRUE(closing.closed_by_server());

    Client keeping(port());
    for (int i = 0; i < 2; ++i) {
        keeping.send(
            fmt::format("GET /b HTTP/1.0\r\nHost: 127.0.0.1:{}\r\nConnection: keep-alive\r\n\r\n", port()));
        response = keeping.read_response();
        ASSERT_TRUE(response) << i;
        EXPECT_EQ(response->headers["connection"], "keep-alive");
    }
}

TEST_F(HttpServerTest, HeadGetsHeadersOnly) {
    start();
    Client client(port());
    client.send(fmt::format("HEAD /h HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", port()) + get("/after"));
    auto head = client.read_response(true);
    ASSERT_TRUE(head);
    EXPECT_EQ(head->headers["content-length"], "8");  // "HEAD /h "
    auto next = client.read_response();
    ASSERT_TRUE(next);
    EXPECT_EQ(next->body, "GET /after ") << "no body bytes came between the two responses";
}

TEST_F(HttpServerTest, HandlerExceptionBecomes500WithoutItsMessage) {
    start();
    Client client(port());
    client.send(get("/throw") + get("/after"));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 500);
    EXPECT_EQ(response->body.find("secret-token"), std::string::npos);
    auto next = client.read_response();
    ASSERT_TRUE(next) << "the connection survives";
    EXPECT_EQ(next->status, 200);
}

TEST_F(HttpServerTest, InvalidHandlerHeaderBecomes500AndIsNotInjected) {
    start();
    Client client(port());
    client.send(get("/bad-header"));
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 500);
    EXPECT_FALSE(response->headers.contains("set-cookie"));
    auto messages = diagnostics();
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_NE(messages[0].find("/bad-header"), std::string::npos);
}

TEST_F(HttpServerTest, ExpectContinueGetsInterimResponseBeforeTheBody) {
    start();
    Client client(port());
    client.send(fmt::format(
        "PUT /e HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n",
        port()));
    auto interim = client.read_response();
    ASSERT_TRUE(interim);
    EXPECT_EQ(interim->status, 100);
    client.send("ok");
    auto response = client.read_response();
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, "PUT /e ok");
}

TEST_F(HttpServerTest, RequestsSentBeforeTheClientShutsDownItsSideAreAnswered) {
    start();
    Client client(port());
    client.send(get("/a") + get("/b"));
    ::shutdown(client.fd(), SHUT_WR);
    ASSERT_TRUE(client.read_response());
    ASSERT_TRUE(client.read_response());
    EXPECT_TRUE(client.closed_by_server());
}

TEST(HttpServer, StopFromAnotherThreadEndsRun) {
    auto server = HttpServer::listen(0, [](const ServerRequest&) { return ServerResponse{}; });
    ASSERT_TRUE(server);
    auto done = std::async(std::launch::async, [&] { (*server)->run(); });
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(done.wait_for(0ms), std::future_status::timeout) << "run() serves until stopped";
    std::thread([&] { (*server)->stop(); }).join();
    EXPECT_EQ(done.wait_for(3s), std::future_status::ready);
}

TEST(HttpServer, WatchedFdCallbackRunsInTheLoop) {
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    std::promise<char> got;
    std::atomic<bool> once{false};
    auto server = HttpServer::listen(0, [](const ServerRequest&) { return ServerResponse{}; });
    ASSERT_TRUE(server);
    ASSERT_TRUE((*server)->watch(pipe_fds[0], [&] {
        char c = 0;
        if (::read(pipe_fds[0], &c, 1) == 1 && !once.exchange(true)) got.set_value(c);
        (*server)->unwatch(pipe_fds[0]);
    }));
    std::thread loop([&] { (*server)->run(); });
    ASSERT_EQ(::write(pipe_fds[1], "!", 1), 1);
    auto future = got.get_future();
    ASSERT_EQ(future.wait_for(3s), std::future_status::ready);
    EXPECT_EQ(future.get(), '!');
    (*server)->stop();
    loop.join();
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
}

TEST(HttpServer, WatchingABadFdIsAnError) {
    auto server = HttpServer::listen(0, [](const ServerRequest&) { return ServerResponse{}; });
    ASSERT_TRUE(server);
    auto watched = (*server)->watch(-1, [] {});
    ASSERT_FALSE(watched);
    EXPECT_NE(watched.error().message.find("-1"), std::string::npos);
}

TEST_F(HttpServerTest, BindingAPortInUseNamesTheAddress) {
    start();
    auto second = HttpServer::listen(port(), [](const ServerRequest&) { return ServerResponse{}; });
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().message, fmt::format("127.0.0.1:{} is in use", port()));
    EXPECT_FALSE(second.error().hint.empty());
}

TEST_F(HttpServerTest, ListensOnLoopbackOnly) {
    start();
    EXPECT_EQ(m_server->address(), fmt::format("127.0.0.1:{}", port()));
    // 127.0.0.2 is loopback too: a socket bound to 0.0.0.0 or 127.0.0.0/8 would accept it.
    Client other(port(), "127.0.0.2");
    EXPECT_FALSE(other.connected());
    EXPECT_EQ(other.connect_errno(), ECONNREFUSED);
}

}  // namespace
}  // namespace sesame
