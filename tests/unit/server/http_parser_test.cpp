#include "server/http_parser.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sesame {
namespace {

using Status = ParseResult::Status;

ParseResult parse_all(std::string_view data, ServerRequest& out, ParseLimits limits = {}) {
    RequestParser parser(limits);
    return parser.parse(data, out);
}

TEST(RequestParser, ParsesRequestLineHeadersAndBody) {
    ServerRequest request;
    std::string data =
        "PUT /latest/api/token?x=1 HTTP/1.1\r\n"
        "Host: 127.0.0.1:9\r\n"
        "X-Aws-Ec2-Metadata-Token-Ttl-Seconds:   21600  \r\n"
        "Content-Length: 5\r\n"
        "\r\n"
        "hello";
    auto result = parse_all(data, request);
    ASSERT_EQ(result.status, Status::complete) << result.error_message;
    EXPECT_EQ(result.consumed, data.size());
    EXPECT_EQ(request.method, "PUT");
    EXPECT_EQ(request.target, "/latest/api/token?x=1");
    EXPECT_EQ(request.path, "/latest/api/token");
    EXPECT_EQ(request.minor_version, 1);
    EXPECT_EQ(request.body, "hello");
    ASSERT_EQ(request.headers.size(), 3u);
    EXPECT_EQ(request.headers[1].first, "x-aws-ec2-metadata-token-ttl-seconds");
    EXPECT_EQ(request.headers[1].second, "21600");
    ASSERT_NE(request.header("host"), nullptr);
    EXPECT_EQ(*request.header("host"), "127.0.0.1:9");
    EXPECT_EQ(request.header("Host"), nullptr) << "lookups take the lowercase name";
}

TEST(RequestParser, EveryPrefixIsIncompleteAndTheWholeIsComplete) {
    std::string data = "POST /p HTTP/1.0\r\nHost: h\r\nContent-Length: 3\r\n\r\nabcGET";
    std::string request_bytes = data.substr(0, data.size() - 3);
    RequestParser parser;
    ServerRequest request;
    for (size_t n = 0; n < request_bytes.size(); ++n) {
        auto result = parser.parse(std::string_view(data).substr(0, n), request);
        ASSERT_EQ(result.status, Status::incomplete) << "prefix of " << n << " bytes";
    }
    auto result = parser.parse(data, request);
    ASSERT_EQ(result.status, Status::complete);
    EXPECT_EQ(result.consumed, request_bytes.size()) << "the pipelined bytes after the body are left";
    EXPECT_EQ(request.body, "abc");
    EXPECT_EQ(request.minor_version, 0);
}

TEST(RequestParser, ReusedRequestDropsHeadersOfThePreviousOne) {
    RequestParser parser;
    ServerRequest request;
    ASSERT_EQ(parser.parse("GET /a HTTP/1.1\r\nA: 1\r\nB: 2\r\nContent-Length: 1\r\n\r\nx", request).status,
              Status::complete);
    ASSERT_EQ(parser.parse("GET /b HTTP/1.1\r\nC: 3\r\n\r\n", request).status, Status::complete);
    ASSERT_EQ(request.headers.size(), 1u);
    EXPECT_EQ(request.headers[0], (std::pair<std::string, std::string>{"c", "3"}));
    EXPECT_EQ(request.body, "");
    EXPECT_EQ(request.path, "/b");
}

TEST(RequestParser, IgnoresEmptyLinesBeforeARequest) {
    ServerRequest request;
    std::string data = "\r\n\r\nGET / HTTP/1.1\r\n\r\n";
    auto result = parse_all(data, request);
    ASSERT_EQ(result.status, Status::complete);
    EXPECT_EQ(result.consumed, data.size());
    EXPECT_EQ(parse_all("\r\n\r", request).status, Status::incomplete);
}

struct Refusal {
    const char* name;
    std::string data;
    int status;
};

class RequestParserRefuses : public ::testing::TestWithParam<Refusal> {};

TEST_P(RequestParserRefuses, WithStatus) {
    ServerRequest request;
    auto result = parse_all(GetParam().data, request, {.max_header_bytes = 256, .max_body_bytes = 16});
    ASSERT_EQ(result.status, Status::error);
    EXPECT_EQ(result.error_status, GetParam().status);
    EXPECT_FALSE(result.error_message.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, RequestParserRefuses,
    ::testing::Values(
        Refusal{"NoVersion", "GET /\r\n\r\n", 400}, Refusal{"DoubleSpace", "GET  / HTTP/1.1\r\n\r\n", 400},
        Refusal{"LowercaseVersion", "GET / http/1.1\r\n\r\n", 400},
        Refusal{"Http2", "GET / HTTP/2.0\r\n\r\n", 505},
        Refusal{"AbsoluteForm", "GET http://evil/ HTTP/1.1\r\n\r\n", 400},
        Refusal{"AsteriskForm", "OPTIONS * HTTP/1.1\r\n\r\n", 400},
        Refusal{"ControlInTarget", std::string("GET /a\x01 HTTP/1.1\r\n\r\n"), 400},
        Refusal{"BadMethod", "G(T / HTTP/1.1\r\n\r\n", 400},
        Refusal{"NoColon", "GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n", 400},
        Refusal{"SpaceBeforeColon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
        Refusal{"EmptyName", "GET / HTTP/1.1\r\n: x\r\n\r\n", 400},
        Refusal{"ObsFold", "GET / HTTP/1.1\r\nA: b\r\n c\r\n\r\n", 400},
        Refusal{"BareLfInValue", "GET / HTTP/1.1\r\nA: b\nc\r\n\r\n", 400},
        Refusal{"BareCrInValue", "GET / HTTP/1.1\r\nA: b\rc\r\n\r\n", 400},
        Refusal{"NulInValue", std::string("GET / HTTP/1.1\r\nA: b\0c\r\n\r\n", 26), 400},
        Refusal{"TwoHosts", "GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400},
        Refusal{"SignedLength", "GET / HTTP/1.1\r\nContent-Length: +1\r\n\r\n", 400},
        Refusal{"ListLength", "GET / HTTP/1.1\r\nContent-Length: 1, 1\r\n\r\n", 400},
        Refusal{"ConflictingLengths", "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                400},
        Refusal{"Chunked", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
        Refusal{"ChunkedWithLength",
                "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 501},
        Refusal{"BodyTooLarge", "POST / HTTP/1.1\r\nContent-Length: 17\r\n\r\n", 413},
        Refusal{"HugeLength", "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999999\r\n\r\n", 413},
        Refusal{"HeadersTooLarge", "GET / HTTP/1.1\r\nA: " + std::string(300, 'a') + "\r\n\r\n", 431},
        Refusal{"HeadersTooLargeUnfinished", "GET / HTTP/1.1\r\nA: " + std::string(300, 'a'), 431},
        Refusal{"TlsHandshakeEarly", std::string("\x16\x03\x01\x02\x00\x01", 6), 400},
        Refusal{"GarbageLineEarly", "HELLO WORLD\r\n", 400}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(RequestParser, AcceptsTheLargestAllowedHeadAndBody) {
    ParseLimits limits{.max_header_bytes = 64, .max_body_bytes = 4};
    std::string head = "POST / HTTP/1.1\r\nContent-Length: 4\r\nA: ";
    head.append(64 - head.size() - 4, 'a');
    head += "\r\n\r\n";
    ASSERT_EQ(head.size(), 64u);
    ServerRequest request;
    EXPECT_EQ(parse_all(head + "wxyz", request, limits).status, Status::complete);
    std::string over = head;
    over.insert(over.find("A: ") + 3, 1, 'a');
    EXPECT_EQ(parse_all(over + "wxyz", request, limits).error_status, 431);
}

TEST(RequestParser, SameContentLengthTwiceIsAccepted) {
    ServerRequest request;
    auto result = parse_all("POST / HTTP/1.1\r\nContent-Length: 2\r\ncontent-length: 2\r\n\r\nok", request);
    ASSERT_EQ(result.status, Status::complete);
    EXPECT_EQ(request.body, "ok");
}

TEST(KeepAlive, FollowsVersionAndConnectionTokens) {
    struct Case {
        int minor;
        const char* connection;  // nullptr: no header
        bool keep;
    };
    for (const auto& c : std::vector<Case>{{1, nullptr, true},
                                           {1, "close", false},
                                           {1, "Keep-Alive, CLOSE", false},
                                           {1, "keep-alive", true},
                                           {0, nullptr, false},
                                           {0, "keep-alive", true},
                                           {0, "Upgrade,  Keep-Alive ", true},
                                           {0, "closed", false}}) {
        ServerRequest request;
        request.minor_version = c.minor;
        if (c.connection) request.headers.emplace_back("connection", c.connection);
        EXPECT_EQ(wants_keep_alive(request), c.keep)
            << "HTTP/1." << c.minor << " Connection: " << (c.connection ? c.connection : "(none)");
    }
}

TEST(HeaderHasToken, MatchesWholeTokensOnly) {
    EXPECT_TRUE(header_has_token("a, 100-Continue", "100-continue"));
    EXPECT_FALSE(header_has_token("close-ish", "close"));
    EXPECT_FALSE(header_has_token("", "close"));
}

}  // namespace
}  // namespace sesame
