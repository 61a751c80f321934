#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "aws/http.hpp"

namespace sesame {

/// One request as the server hands it to a handler.
struct ServerRequest {
    std::string method;     ///< "GET", "PUT", ... exactly as sent (methods are case-sensitive)
    std::string target;     ///< as sent: "/latest/api/token?x=1"
    std::string path;       ///< target without the query, not percent-decoded
    int minor_version = 1;  ///< HTTP/1.<minor_version>: 0 or 1
    Headers headers;        ///< names lowercased, values trimmed, in the order sent
    std::string body;

    /// The first header named `lowercase_name`, or nullptr.
    const std::string* header(std::string_view lowercase_name) const;
};

struct ParseLimits {
    size_t max_header_bytes = 8 * 1024;  ///< request line + headers + the blank line
    size_t max_body_bytes = 4 * 1024;
};

/// What RequestParser::parse found at the front of the buffered bytes.
struct ParseResult {
    enum class Status { incomplete, complete, error };
    Status status = Status::incomplete;
    size_t consumed = 0;             ///< complete: bytes of this request, which the caller drops
    int error_status = 0;            ///< error: 400, 413, 431, 501 or 505
    std::string_view error_message;  ///< error: static text, safe to show the client (no input echoed)
};

/// An incremental, strict HTTP/1.1 request parser (RFC 9112) for a server that only talks to
/// local SDKs: origin-form targets only, CRLF line endings, no obs-fold, no request
/// Transfer-Encoding (501), a single Content-Length. Being strict is the point: anything a
/// proxy or smuggler could read differently is refused.
///
/// Usage: call parse() with all unconsumed bytes each time more arrive (the bytes seen before must
/// still be at the front); on `complete`, drop `consumed` bytes and call again for a pipelined
/// request. The parser remembers how far it has scanned, so a request trickling in is not rescanned.
/// `out` is filled once the headers are complete (its strings are reused, so a steady stream of
/// requests does not allocate) and must not be modified until parse() returns `complete`.
class RequestParser {
  public:
    explicit RequestParser(ParseLimits limits = {}) : m_limits(limits) {}

    ParseResult parse(std::string_view data, ServerRequest& out);

    /// True between the headers being parsed and the body being complete (for Expect: 100-continue).
    bool headers_complete() const { return m_header_end != 0; }

  private:
    ParseResult parse_head(std::string_view head, ServerRequest& out);
    void reset();

    ParseLimits m_limits;
    size_t m_scanned = 0;     ///< no header terminator starts before this offset
    size_t m_header_end = 0;  ///< offset of the body once the headers are parsed, else 0
    size_t m_content_length = 0;
};

/// RFC 9110 grammar, shared with the response writer: a token (methods, header names) and a
/// field value (no CR, LF, NUL or other control character except tab).
bool is_http_token(std::string_view s);
bool is_http_field_value(std::string_view s);

/// ASCII case-insensitive equality (header names, host names); no locale, no allocation.
bool ascii_iequals(std::string_view a, std::string_view b);

/// Whether a comma-separated header value (Connection, Expect) holds `token`, case-insensitively.
bool header_has_token(std::string_view value, std::string_view token);

/// Whether the client wants the connection kept open after this request: HTTP/1.1 unless it sent
/// `Connection: close`; HTTP/1.0 only if it sent `Connection: keep-alive`.
bool wants_keep_alive(const ServerRequest& request);

}  // namespace sesame
