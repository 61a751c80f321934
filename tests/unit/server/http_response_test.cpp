#include "server/http_response.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sesame {
namespace {

std::string serialize(const ServerResponse& response, bool keep_alive = true, bool head = false) {
    std::string out = "previous|";
    EXPECT_TRUE(append_response(out, response, keep_alive, head));
    EXPECT_TRUE(out.starts_with("previous|")) << "appends, never replaces";
    return out.substr(9);
}

TEST(AppendResponse, AddsLengthConnectionAndDefaultContentType) {
    EXPECT_EQ(serialize({200, {}, "hi"}),
              "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 2\r\n"
              "Connection: keep-alive\r\n\r\nhi");
    EXPECT_EQ(serialize({404, {{"content-type", "application/json"}}, "{}"}, false),
              "HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nContent-Length: 2\r\n"
              "Connection: close\r\n\r\n{}");
}

TEST(AppendResponse, DropsTheHandlersFramingHeaders) {
    ServerResponse response{200,
                            {{"Content-Length", "999"},
                             {"Transfer-Encoding", "chunked"},
                             {"Connection", "keep-alive"},
                             {"Content-Type", "text/plain"},
                             {"X-Kept", "yes"}},
                            "abc"};
    EXPECT_EQ(serialize(response, false),
              "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Kept: yes\r\nContent-Length: 3\r\n"
              "Connection: close\r\n\r\nabc");
}

TEST(AppendResponse, HeadKeepsLengthWithoutBodyAndNoContentHasNeither) {
    EXPECT_EQ(serialize({200, {{"Content-Type", "a/b"}}, "abcd"}, true, true),
              "HTTP/1.1 200 OK\r\nContent-Type: a/b\r\nContent-Length: 4\r\nConnection: keep-alive\r\n\r\n");
    EXPECT_EQ(serialize({204, {}, "ignored"}), "HTTP/1.1 204 No Content\r\nConnection: keep-alive\r\n\r\n");
}

TEST(AppendResponse, RefusesWhatIsNotValidHttp) {
    for (const ServerResponse& bad :
         {ServerResponse{100, {}, ""}, ServerResponse{600, {}, ""},
          ServerResponse{200, {{"X-Injected", "a\r\nSet-Cookie: x"}}, ""},
          ServerResponse{200, {{"Bad Name", "v"}}, ""}, ServerResponse{200, {{"", "v"}}, ""}}) {
        std::string out = "kept";
        EXPECT_FALSE(is_valid_response(bad));
        EXPECT_FALSE(append_response(out, bad, true, false));
        EXPECT_EQ(out, "kept");
    }
}

TEST(ErrorResponse, IsSmallJsonWithCodeAndEscapedMessage) {
    auto response = error_response(403, "Host \"x\" refused");
    EXPECT_EQ(response.status, 403);
    EXPECT_EQ(response.body, R"({"Code":"Forbidden","Message":"Host \"x\" refused"})");
    ASSERT_EQ(response.headers.size(), 1u);
    EXPECT_EQ(response.headers[0].second, "application/json");
    EXPECT_EQ(error_response(413, "m").body, R"({"Code":"RequestTooLarge","Message":"m"})");
    EXPECT_EQ(error_response(599, "m").body, R"({"Code":"InternalError","Message":"m"})");
}

TEST(ResponseWantsClose, SeesCloseTokenInAnyCase) {
    EXPECT_TRUE(response_wants_close({200, {{"connection", "Close"}}, ""}));
    EXPECT_FALSE(response_wants_close({200, {{"X-Connection", "close"}}, ""}));
    EXPECT_FALSE(response_wants_close({200, {}, ""}));
}

}  // namespace
}  // namespace sesame
