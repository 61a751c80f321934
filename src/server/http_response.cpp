#include "server/http_response.hpp"

#include <algorithm>
#include <charconv>

#include "server/http_parser.hpp"

namespace sesame {
namespace {

/// Headers the server writes itself from what it knows; a handler's copy could contradict them.
bool is_framing_header(std::string_view name) {
    return ascii_iequals(name, "content-length") || ascii_iequals(name, "transfer-encoding") ||
           ascii_iequals(name, "connection");
}

void append_number(std::string& out, size_t n) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
    out.append(digits, end);
}

void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    for (char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (static_cast<unsigned char>(c) >= 0x20) {
            out += c;
        }
    }
    out += '"';
}

}  // namespace

std::string_view reason_phrase(int status) {
    switch (status) {
        case 100:
            return "Continue";
        case 200:
            return "OK";
        case 201:
            return "Created";
        case 202:
            return "Accepted";
        case 204:
            return "No Content";
        case 301:
            return "Moved Permanently";
        case 302:
            return "Found";
        case 304:
            return "Not Modified";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 409:
            return "Conflict";
        case 411:
            return "Length Required";
        case 413:
            return "Content Too Large";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 502:
            return "Bad Gateway";
        case 503:
            return "Service Unavailable";
        case 504:
            return "Gateway Timeout";
        case 505:
            return "HTTP Version Not Supported";
        default:
            return "Unknown";
    }
}

ServerResponse error_response(int status, std::string_view code, std::string_view message) {
    ServerResponse response;
    response.status = status;
    response.headers.emplace_back("Content-Type", "application/json");
    response.body = "{\"Code\":";
    append_json_string(response.body, code);
    response.body += ",\"Message\":";
    append_json_string(response.body, message);
    response.body += '}';
    return response;
}

ServerResponse error_response(int status, std::string_view message) {
    std::string_view code = "InternalError";
    switch (status) {
        case 400:
            code = "BadRequest";
            break;
        case 403:
            code = "Forbidden";
            break;
        case 404:
            code = "NotFound";
            break;
        case 405:
            code = "MethodNotAllowed";
            break;
        case 408:
            code = "RequestTimeout";
            break;
        case 413:
            code = "RequestTooLarge";
            break;
        case 431:
            code = "RequestHeaderFieldsTooLarge";
            break;
        case 501:
            code = "NotImplemented";
            break;
        case 505:
            code = "HTTPVersionNotSupported";
            break;
        default:
            break;
    }
    return error_response(status, code, message);
}

bool response_wants_close(const ServerResponse& response) {
    return std::any_of(response.headers.begin(), response.headers.end(), [](const auto& header) {
        return ascii_iequals(header.first, "connection") && header_has_token(header.second, "close");
    });
}

bool is_valid_response(const ServerResponse& response) {
    if (response.status < 200 || response.status > 599) return false;
    return std::all_of(response.headers.begin(), response.headers.end(), [](const auto& header) {
        return is_http_token(header.first) && is_http_field_value(header.second);
    });
}

bool append_response(std::string& out, const ServerResponse& response, bool keep_alive, bool head_request) {
    if (!is_valid_response(response)) return false;
    bool has_type = std::any_of(response.headers.begin(), response.headers.end(), [](const auto& header) {
        return ascii_iequals(header.first, "content-type");
    });
    bool bodiless_status = response.status == 204 || response.status == 304;

    out += "HTTP/1.1 ";
    append_number(out, static_cast<size_t>(response.status));
    out += ' ';
    out += reason_phrase(response.status);
    out += "\r\n";
    for (const auto& [name, value] : response.headers) {
        if (is_framing_header(name)) continue;
        out += name;
        out += ": ";
        out += value;
        out += "\r\n";
    }
    if (!has_type && !bodiless_status) out += "Content-Type: text/plain; charset=utf-8\r\n";
    if (!bodiless_status) {
        out += "Content-Length: ";
        append_number(out, response.body.size());
        out += "\r\n";
    }
    out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    if (!head_request && !bodiless_status) out += response.body;
    return true;
}

}  // namespace sesame
