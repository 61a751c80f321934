// The loopback server's HTTP/1.1 request parser (RequestParser), as SDKs and anything else on
// 127.0.0.1 talk to it.
//
// Input: the bytes a client sends; the last byte picks how they arrive (in chunks of 1 to 64 bytes)
// and the limits. Properties:
// - bytes arriving in chunks parse to the same requests (pipelined ones included) and the same
//   outcome as when they arrive at once;
// - a complete request is what the parser promises: a token method, an origin-form target, a
//   lowercase token per header name, a body of the Content-Length sent;
// - a complete request written back in canonical form parses to the same request.

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "server/http_parser.hpp"

namespace sesame {
namespace {

using fuzz::check;
using Status = ParseResult::Status;

struct Parsed {
    std::string method, target, path, body;
    int minor_version = 1;
    Headers headers;
    size_t consumed = 0;
    bool operator==(const Parsed&) const = default;
};

struct Outcome {
    std::vector<Parsed> requests;
    Status last = Status::incomplete;  ///< what parsing the rest gave: incomplete or error
    int error_status = 0;
};

Parsed record(const ServerRequest& r, size_t consumed) {
    return {r.method, r.target, r.path, r.body, r.minor_version, r.headers, consumed};
}

/// Feeds `data` to one parser `chunk` bytes at a time (all at once for 0), as a connection does:
/// each complete request is dropped from the front and parsing goes on with what follows.
Outcome feed(std::string_view data, size_t chunk, ParseLimits limits) {
    Outcome out;
    RequestParser parser(limits);
    ServerRequest request;
    std::string buffer;
    size_t given = 0;
    while (true) {
        if (given == 0 && !data.empty()) {
            size_t n = chunk == 0 ? data.size() : std::min(chunk, data.size());
            buffer.append(data.substr(0, n));
            given = n;
        }
        ParseResult r = parser.parse(buffer, request);
        if (r.status == Status::complete) {
            check(r.consumed > 0 && r.consumed <= buffer.size(), "a request consumes bytes it was given");
            out.requests.push_back(record(request, r.consumed));
            buffer.erase(0, r.consumed);
            continue;
        }
        if (r.status == Status::error) {
            check(r.error_status >= 400 && r.error_status < 600 && !r.error_message.empty(),
                  "an error has a status and a message");
            out.last = Status::error;
            out.error_status = r.error_status;
            return out;
        }
        if (given == data.size()) return out;
        size_t n = std::min(chunk, data.size() - given);
        buffer.append(data.substr(given, n));
        given += n;
    }
}

void check_request(const Parsed& r, ParseLimits limits) {
    check(is_http_token(r.method), "the method is a token");
    check(!r.target.empty() && r.target[0] == '/', "the target is origin-form");
    check(r.target.starts_with(r.path) && r.path.find('?') == std::string::npos, "the path is the target's");
    check(r.minor_version == 0 || r.minor_version == 1, "HTTP/1.0 or HTTP/1.1");
    check(r.body.size() <= limits.max_body_bytes, "the body is within the limit");
    size_t hosts = 0;
    for (const auto& [name, value] : r.headers) {
        check(is_http_token(name) &&
                  std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; }),
              "header names are lowercase tokens");
        check(is_http_field_value(value), "header values hold no control character");
        check(name != "transfer-encoding", "Transfer-Encoding is refused");
        hosts += name == "host";
        if (name == "content-length") {
            std::string_view digits = value;
            while (digits.size() > 1 && digits[0] == '0') digits.remove_prefix(1);
            check(digits == std::to_string(r.body.size()), "the body is as long as sent");
        }
    }
    check(hosts <= 1, "at most one Host header");
}

/// `r` as a client would send it without any of the liberties the parser accepts.
std::string canonical(const Parsed& r) {
    std::string out = r.method + " " + r.target + " HTTP/1." + std::to_string(r.minor_version) + "\r\n";
    for (const auto& [name, value] : r.headers) out += name + ": " + value + "\r\n";
    return out + "\r\n" + r.body;
}

}  // namespace
}  // namespace sesame

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace sesame;
    FuzzedDataProvider fdp(data, size);
    const uint8_t how = fdp.ConsumeIntegral<uint8_t>();  // the last byte
    const std::string bytes = fdp.ConsumeRemainingBytesAsString();
    ParseLimits limits;
    if (how & 0x80) limits = {256, 16};  // small limits, to reach them with small inputs
    const size_t chunk = 1 + (how & 0x3F);

    const Outcome whole = feed(bytes, 0, limits);
    const Outcome chunked = feed(bytes, chunk, limits);
    check(chunked.requests == whole.requests, "chunks parse to the requests the whole bytes do");
    check(chunked.last == whole.last, "chunks end as the whole bytes do");

    for (const Parsed& r : whole.requests) {
        check_request(r, limits);
        const std::string again = canonical(r);
        if (again.size() > limits.max_header_bytes + r.body.size()) continue;
        const Outcome reparsed = feed(again, 0, limits);
        Parsed expected = r;
        expected.consumed = again.size();
        fuzz::check(reparsed.requests.size() == 1 && reparsed.requests[0] == expected,
                    "a request written back canonically parses to itself");
        (void)wants_keep_alive(ServerRequest{r.method, r.target, r.path, r.minor_version, r.headers, r.body});
    }
    return 0;
}
