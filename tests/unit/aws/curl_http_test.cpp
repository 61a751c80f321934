#include "aws/curl_http.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <ranges>
#include <string>
#include <thread>

namespace sesame {
namespace {

/// A TCP socket on 127.0.0.1. Listening but never accepting: the kernel completes the
/// handshake, then nothing answers. Not listening: the port is closed once this is destroyed.
class RawSocket {
  public:
    explicit RawSocket(bool listening) {
        m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        socklen_t len = sizeof addr;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
        m_port = ntohs(addr.sin_port);
        if (listening) ::listen(m_fd, 4);
    }
    ~RawSocket() { ::close(m_fd); }
    int port() const { return m_port; }
    int fd() const { return m_fd; }

  private:
    int m_fd = -1;
    int m_port = 0;
};

/// What the loopback server saw of the last request.
struct Seen {
    std::string method, target, body, custom_header, content_type, host;
};

/// The value of header `name` (case-insensitive) in a raw request head, or "".
std::string header_value(std::string_view head, std::string_view name) {
    for (std::string_view line : std::views::split(head, std::string_view("\r\n")) |
                                     std::views::transform([](auto r) { return std::string_view(r); })) {
        auto colon = line.find(':');
        if (colon == std::string_view::npos || colon != name.size()) continue;
        if (!std::ranges::equal(line.substr(0, colon), name, [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            }))
            continue;
        auto value = line.substr(colon + 1);
        while (value.starts_with(' ')) value.remove_prefix(1);
        return std::string(value);
    }
    return {};
}

/// A minimal HTTP/1.1 server on an ephemeral 127.0.0.1 port, run in a thread for one test:
/// one request per connection, answered with "Connection: close". Path "/denied" gets a 403
/// echoing the body; anything else gets 200 "ok". Plain sockets keep the test free of
/// extra libraries.
class LoopbackServer {
  public:
    LoopbackServer() : m_listener(true), m_thread([this] { serve(); }) {}
    ~LoopbackServer() {
        m_stop = true;
        m_thread.join();
    }
    std::string url(std::string_view path) const {
        return "http://127.0.0.1:" + std::to_string(m_listener.port()) + std::string(path);
    }
    Seen seen() {
        std::lock_guard lock(m_mutex);
        return m_seen;
    }

  private:
    void serve() {
        while (!m_stop) {
            pollfd pfd{m_listener.fd(), POLLIN, 0};
            if (::poll(&pfd, 1, 20) <= 0) continue;
            int fd = ::accept(m_listener.fd(), nullptr, nullptr);
            if (fd < 0) continue;
            handle(fd);
            ::close(fd);
        }
    }

    void handle(int fd) {
        std::string data;
        char buffer[65536];
        size_t head_end;
        while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
            ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0) return;
            data.append(buffer, static_cast<size_t>(n));
        }
        std::string head = data.substr(0, head_end);
        std::string length = header_value(head, "Content-Length");
        size_t body_size = length.empty() ? 0 : std::stoul(length);
        while (data.size() < head_end + 4 + body_size) {
            ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0) return;
            data.append(buffer, static_cast<size_t>(n));
        }
        std::string request_line = head.substr(0, head.find("\r\n"));
        auto first_space = request_line.find(' ');
        Seen seen{request_line.substr(0, first_space),
                  request_line.substr(first_space + 1, request_line.rfind(' ') - first_space - 1),
                  data.substr(head_end + 4, body_size),
                  header_value(head, "X-Sesame-Test"),
                  header_value(head, "Content-Type"),
                  header_value(head, "Host")};
        bool denied = seen.target == "/denied";
        std::string body = denied ? "denied: " + seen.body : "ok";
        std::string response =
            std::string(denied ? "HTTP/1.1 403 Forbidden" : "HTTP/1.1 200 OK") +
            "\r\nX-Amzn-RequestId: req-123\r\nContent-Type: text/plain\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
        {
            std::lock_guard lock(m_mutex);
            m_seen = std::move(seen);
        }
        ::send(fd, response.data(), response.size(), MSG_NOSIGNAL);
    }

    RawSocket m_listener;
    std::atomic<bool> m_stop = false;
    std::mutex m_mutex;
    Seen m_seen;
    std::thread m_thread;
};

/// A port nothing listens on.
int closed_port() {
    return RawSocket(false).port();
}

HttpOptions quick_options() {
    HttpOptions options;
    options.connect_timeout = std::chrono::milliseconds(5000);
    options.total_timeout = std::chrono::milliseconds(5000);
    return options;
}

TEST(CurlHttpClient, PostRoundTripReturnsAnErrorStatusAsAResponse) {
    LoopbackServer server;
    CurlHttpClient client(quick_options());
    HttpRequest request{
        "POST",
        server.url("/denied"),
        {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}, {"X-Sesame-Test", "hello"}},
        "Action=GetCallerIdentity&Version=2011-06-15"};

    auto response = client.send(request);

    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 403);
    EXPECT_EQ(response->body, "denied: Action=GetCallerIdentity&Version=2011-06-15");
    bool has_request_id = false;
    for (const auto& [name, value] : response->headers)
        has_request_id |= name == "X-Amzn-RequestId" && value == "req-123";
    EXPECT_TRUE(has_request_id);
    Seen seen = server.seen();
    EXPECT_EQ(seen.method, "POST");
    EXPECT_EQ(seen.body, "Action=GetCallerIdentity&Version=2011-06-15");
    EXPECT_EQ(seen.custom_header, "hello");
    EXPECT_EQ(seen.content_type, "application/x-www-form-urlencoded; charset=utf-8");
}

TEST(CurlHttpClient, ReusesTheClientForGetAndPutWithALargeBody) {
    LoopbackServer server;
    CurlHttpClient client(quick_options());

    auto got = client.send({"GET", server.url("/latest/meta-data?x=1"), {}, ""});
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(got->status, 200);
    EXPECT_EQ(server.seen().method, "GET");
    EXPECT_EQ(server.seen().target, "/latest/meta-data?x=1");

    std::string big(100000, 'x');
    auto put = client.send({"PUT", server.url("/token"), {{"X-Sesame-Test", "put"}}, big});
    ASSERT_TRUE(put) << put.error().message;
    EXPECT_EQ(put->body, "ok");
    EXPECT_EQ(server.seen().method, "PUT");
    EXPECT_EQ(server.seen().body, big);
    EXPECT_EQ(server.seen().custom_header, "put");
}

TEST(CurlHttpClient, ClosedPortFailsWithTheUrlButNotItsQuery) {
    CurlHttpClient client(quick_options());
    std::string base = "http://127.0.0.1:" + std::to_string(closed_port()) + "/federation";

    auto response = client.send({"GET", base + "?SigninToken=very-secret-token", {}, ""});

    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().message, "cannot reach " + base + ": Couldn't connect to server");
    EXPECT_EQ(response.error().message.find("very-secret-token"), std::string::npos);
    EXPECT_FALSE(response.error().hint.empty());
}

TEST(CurlHttpClient, ServerThatNeverAnswersTimesOut) {
    RawSocket silent(true);
    HttpOptions options;
    options.connect_timeout = std::chrono::milliseconds(5000);
    options.total_timeout = std::chrono::milliseconds(500);
    CurlHttpClient client(options);
    std::string url = "http://127.0.0.1:" + std::to_string(silent.port()) + "/";

    auto start = std::chrono::steady_clock::now();
    auto response = client.send({"POST", url, {}, "Action=GetCallerIdentity"});
    auto elapsed = std::chrono::steady_clock::now() - start;

    ASSERT_FALSE(response);
    EXPECT_EQ(response.error().message, "request to " + url + " timed out after 0.5 s");
    EXPECT_LT(elapsed, std::chrono::seconds(4));  // generous: proves the 500 ms limit, not its precision
}

TEST(CurlHttpClient, AServerSlowToAnswerIsToldOnceNamingTheHostAndAction) {
    RawSocket silent(true);
    HttpOptions options;
    options.total_timeout = std::chrono::milliseconds(1500);
    options.slow_after = std::chrono::milliseconds(300);
    std::vector<std::string> told;
    options.on_slow = [&](std::string_view s) { told.emplace_back(s); };
    CurlHttpClient client(options);
    const std::string host = "127.0.0.1:" + std::to_string(silent.port());

    auto response =
        client.send({"POST", "http://" + host + "/", {}, "Version=2011-06-15&Action=GetSessionToken"});
    ASSERT_FALSE(response);
    EXPECT_NE(response.error().message.find("timed out"), std::string::npos);
    ASSERT_EQ(told.size(), 1u);
    EXPECT_TRUE(told[0].starts_with("waiting for " + host + " (GetSessionToken)…")) << told[0];
    EXPECT_NE(told[0].find("Ctrl-C to stop"), std::string::npos) << told[0];

    ASSERT_FALSE(client.send({"POST", "http://" + host + "/", {}, "Action=GetCallerIdentity"}));
    EXPECT_EQ(told.size(), 1u) << "told once per client";
}

TEST(CurlHttpClient, AQuickAnswerTellsNothing) {
    LoopbackServer server;
    HttpOptions options = quick_options();
    options.slow_after = std::chrono::milliseconds(2000);
    bool told = false;
    options.on_slow = [&](std::string_view) { told = true; };
    CurlHttpClient client(options);
    auto response = client.send({"POST", server.url("/x"), {}, "Action=GetCallerIdentity"});
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_FALSE(told);
}

TEST(CurlHttpClient, IgnoresProxyVariablesInTheEnvironment) {
    LoopbackServer server;
    std::string dead_proxy = "http://127.0.0.1:" + std::to_string(closed_port());
    const char* saved = std::getenv("http_proxy");
    std::optional<std::string> previous = saved ? std::optional<std::string>(saved) : std::nullopt;
    ::setenv("http_proxy", dead_proxy.c_str(), 1);

    auto response = CurlHttpClient(quick_options()).send({"GET", server.url("/direct"), {}, ""});

    if (previous)
        ::setenv("http_proxy", previous->c_str(), 1);
    else
        ::unsetenv("http_proxy");
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(server.seen().target, "/direct");
}

TEST(CurlHttpClient, SendsThroughTheConfiguredProxy) {
    LoopbackServer proxy;
    HttpOptions options = quick_options();
    options.http_proxy = proxy.url("");
    options.https_proxy = "http://127.0.0.1:" + std::to_string(closed_port());

    // The proxy sees the absolute URL; the target host is never resolved by the client.
    auto response = CurlHttpClient(options).send({"GET", "http://sts.example.invalid/path", {}, ""});

    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(proxy.seen().target, "http://sts.example.invalid/path");
    EXPECT_EQ(proxy.seen().host, "sts.example.invalid");
}

TEST(CurlHttpClient, NoProxyBypassesTheProxy) {
    LoopbackServer server;
    HttpOptions options = quick_options();
    options.http_proxy = "http://127.0.0.1:" + std::to_string(closed_port());
    options.no_proxy = "127.0.0.1";

    auto response = CurlHttpClient(options).send({"GET", server.url("/bypass"), {}, ""});

    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(server.seen().target, "/bypass");
}

TEST(CurlHttpClient, MissingLibraryExplainsWhatToInstall) {
    CurlHttpClient client(quick_options(), "libcurl-sesame-missing.so.4");

    auto response = client.send({"GET", "http://127.0.0.1:1/", {}, ""});

    ASSERT_FALSE(response);
    EXPECT_NE(response.error().message.find("cannot load libcurl"), std::string::npos)
        << response.error().message;
    EXPECT_NE(response.error().hint.find("apt-get install libcurl4"), std::string::npos);
}

TEST(UrlWithoutQuery, DropsQueryAndFragment) {
    EXPECT_EQ(url_without_query("https://signin.aws.amazon.com/federation?Action=login&SigninToken=x"),
              "https://signin.aws.amazon.com/federation");
    EXPECT_EQ(url_without_query("https://sts.amazonaws.com/#frag"), "https://sts.amazonaws.com/");
    EXPECT_EQ(url_without_query("https://sts.amazonaws.com/"), "https://sts.amazonaws.com/");
}

}  // namespace
}  // namespace sesame
