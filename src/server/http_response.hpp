#pragma once

#include <string>
#include <string_view>

#include "aws/http.hpp"

namespace sesame {

/// What a handler returns. The server adds Content-Length and Connection itself (a handler's own
/// Content-Length, Transfer-Encoding and Connection headers are dropped, though `Connection: close`
/// is honoured) and `Content-Type: text/plain; charset=utf-8` when the handler set none.
struct ServerResponse {
    int status = 200;  ///< 200–599; informational responses are the server's business
    Headers headers;
    std::string body;
};

/// The standard reason phrase ("Not Found"), or "Unknown" for a code without one.
std::string_view reason_phrase(int status);

/// A response with a small JSON body in the shape AWS endpoints use for errors:
/// {"Code":"Forbidden","Message":"..."}. `message` must not hold anything secret.
ServerResponse error_response(int status, std::string_view code, std::string_view message);

/// The same with the Code the server uses for `status` ("BadRequest", "Forbidden", "NotFound",
/// "RequestTimeout", ...; "InternalError" for the 5xx it has no name for).
ServerResponse error_response(int status, std::string_view message);

/// Whether the handler asked for the connection to be closed after this response.
bool response_wants_close(const ServerResponse& response);

/// Whether `response` can be sent as it is: a status within 200–599, header names that are tokens,
/// and header values without CR, LF or another control character (header injection).
bool is_valid_response(const ServerResponse& response);

/// Appends `response` to `out` as HTTP/1.1 bytes, ready for one write. `head_request` leaves the body
/// out but keeps its Content-Length; 204 and 304 get neither (RFC 9110 8.6). Returns false, appending
/// nothing, when the response is not valid (see is_valid_response).
bool append_response(std::string& out, const ServerResponse& response, bool keep_alive, bool head_request);

}  // namespace sesame
