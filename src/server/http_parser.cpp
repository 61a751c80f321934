#include "server/http_parser.hpp"

#include <algorithm>
#include <array>

namespace sesame {
namespace {

using Status = ParseResult::Status;

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr std::string_view k_crlf = "\r\n";
constexpr std::string_view k_header_terminator = "\r\n\r\n";

/// tchar from RFC 9110 5.6.2: the characters of methods and header names.
constexpr std::array<bool, 256> make_token_table() {
    std::array<bool, 256> table{};
    for (int c = '0'; c <= '9'; ++c) table[c] = true;
    for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
    for (char c : std::string_view("!#$%&'*+-.^_`|~")) table[static_cast<unsigned char>(c)] = true;
    return table;
}
constexpr auto k_token_chars = make_token_table();

bool is_token_char(char c) {
    return k_token_chars[static_cast<unsigned char>(c)];
}

/// origin-form: "/" then visible ASCII (RFC 3986 characters are a subset; anything else is refused).
bool is_origin_target(std::string_view s) {
    return !s.empty() && s[0] == '/' && std::all_of(s.begin(), s.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return c > 0x20 && c < 0x7f;
    });
}

std::string_view trim_ows(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

void assign_lower(std::string& out, std::string_view s) {
    out.assign(s);
    for (char& c : out) c = lower(c);
}

/// Digits only, no sign or spaces; values past `limit` are reported as limit + 1 (no overflow).
bool parse_content_length(std::string_view s, size_t limit, size_t& out) {
    if (s.empty()) return false;
    size_t value = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        if (value <= limit) value = value * 10 + static_cast<size_t>(c - '0');
    }
    out = std::min(value, limit + 1);
    return true;
}

ParseResult error(int status, std::string_view message) {
    return {Status::error, 0, status, message};
}

/// Checks "METHOD SP target SP HTTP/1.x" and, when `out` is given, fills the request's first fields.
ParseResult parse_request_line(std::string_view line, ServerRequest* out) {
    auto sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) return error(400, "malformed request line");
    auto sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return error(400, "malformed request line");
    auto method = line.substr(0, sp1);
    auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    auto version = line.substr(sp2 + 1);
    if (!is_http_token(method)) return error(400, "malformed request method");
    if (!is_origin_target(target)) return error(400, "the request target must be a path starting with /");
    int minor_version = 1;
    if (version == "HTTP/1.1") {
        minor_version = 1;
    } else if (version == "HTTP/1.0") {
        minor_version = 0;
    } else if (version.size() == 8 && version.starts_with("HTTP/") && version[6] == '.' &&
               version[5] >= '0' && version[5] <= '9' && version[7] >= '0' && version[7] <= '9') {
        return error(505, "only HTTP/1.0 and HTTP/1.1 are supported");
    } else {
        return error(400, "malformed HTTP version");
    }
    if (out) {
        out->minor_version = minor_version;
        out->method.assign(method);
        out->target.assign(target);
        out->path.assign(target.substr(0, target.find('?')));
    }
    return {};
}

/// Refuses early what can never become a valid request line, so that a client speaking another
/// protocol (a TLS handshake, say) gets its 400 now rather than a 408 at the timeout.
ParseResult check_partial_request_line(std::string_view partial) {
    auto end = partial.find(k_crlf);
    if (end != std::string_view::npos) return parse_request_line(partial.substr(0, end), nullptr);
    auto method = partial.substr(0, partial.find(' '));
    bool method_ok = std::all_of(method.begin(), method.end(), is_token_char);
    if (!method_ok || (method.empty() && !partial.empty())) return error(400, "malformed request method");
    return {};
}

}  // namespace

bool is_http_token(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char);
}

/// field-content: visible ASCII, space, tab and obs-text (bytes >= 0x80).
bool is_http_field_value(std::string_view s) {
    return std::none_of(s.begin(), s.end(), [](char ch) {
        auto c = static_cast<unsigned char>(ch);
        return (c < 0x20 && c != '\t') || c == 0x7f;
    });
}

bool ascii_iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

const std::string* ServerRequest::header(std::string_view lowercase_name) const {
    for (const auto& [name, value] : headers) {
        if (name == lowercase_name) return &value;
    }
    return nullptr;
}

bool header_has_token(std::string_view value, std::string_view token) {
    while (!value.empty()) {
        auto comma = value.find(',');
        auto item = trim_ows(value.substr(0, comma));
        if (ascii_iequals(item, token)) return true;
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    return false;
}

bool wants_keep_alive(const ServerRequest& request) {
    const std::string* connection = request.header("connection");
    if (request.minor_version >= 1) return !connection || !header_has_token(*connection, "close");
    return connection && header_has_token(*connection, "keep-alive");
}

void RequestParser::reset() {
    m_scanned = 0;
    m_header_end = 0;
    m_content_length = 0;
}

ParseResult RequestParser::parse(std::string_view data, ServerRequest& out) {
    if (m_header_end == 0) {
        // RFC 9112 2.2: empty lines before a request line are ignored (some clients send a
        // CRLF after a body). They count towards the header limit.
        size_t lead = 0;
        while (data.substr(lead).starts_with(k_crlf)) lead += 2;
        auto start = std::max(m_scanned, lead + 3) - 3;
        auto end = data.find(k_header_terminator, start);
        if (end == std::string_view::npos) {
            if (data.size() >= m_limits.max_header_bytes) {
                return error(431, "the request line and headers are too large");
            }
            m_scanned = data.size();
            auto partial = data.substr(lead);
            if (partial == "\r") return {};
            return check_partial_request_line(partial);
        }
        if (end + k_header_terminator.size() > m_limits.max_header_bytes) {
            return error(431, "the request line and headers are too large");
        }
        auto result = parse_head(data.substr(lead, end + k_crlf.size() - lead), out);
        if (result.status == Status::error) return result;
        m_header_end = end + k_header_terminator.size();
    }
    if (data.size() - m_header_end < m_content_length) return {};
    out.body.assign(data.substr(m_header_end, m_content_length));
    size_t consumed = m_header_end + m_content_length;
    reset();
    return {Status::complete, consumed, 0, {}};
}

ParseResult RequestParser::parse_head(std::string_view head, ServerRequest& out) {
    // `head` is the request line and each header line, every one ending in CRLF.
    auto line_end = head.find(k_crlf);
    auto result = parse_request_line(head.substr(0, line_end), &out);
    if (result.status == Status::error) return result;
    head.remove_prefix(line_end + k_crlf.size());

    size_t count = 0;
    int hosts = 0;
    bool has_length = false;
    size_t length = 0;
    while (!head.empty()) {
        line_end = head.find(k_crlf);
        auto line = head.substr(0, line_end);
        head.remove_prefix(line_end + k_crlf.size());
        if (line.starts_with(' ') || line.starts_with('\t')) {
            return error(400, "folded header lines are not accepted");
        }
        auto colon = line.find(':');
        if (colon == std::string_view::npos) return error(400, "malformed header line");
        auto name = line.substr(0, colon);
        auto value = trim_ows(line.substr(colon + 1));
        if (!is_http_token(name)) return error(400, "malformed header name");
        if (!is_http_field_value(value)) return error(400, "header value holds a control character");

        if (count < out.headers.size()) {
            assign_lower(out.headers[count].first, name);
            out.headers[count].second.assign(value);
        } else {
            out.headers.emplace_back();
            assign_lower(out.headers.back().first, name);
            out.headers.back().second.assign(value);
        }
        const std::string& lname = out.headers[count].first;
        ++count;

        if (lname == "host") {
            if (++hosts > 1) return error(400, "more than one Host header");
        } else if (lname == "transfer-encoding") {
            return error(501, "request bodies with Transfer-Encoding are not supported; send Content-Length");
        } else if (lname == "content-length") {
            size_t parsed = 0;
            if (!parse_content_length(value, m_limits.max_body_bytes, parsed)) {
                return error(400, "malformed Content-Length");
            }
            if (has_length && parsed != length) return error(400, "conflicting Content-Length headers");
            has_length = true;
            length = parsed;
        }
    }
    out.headers.resize(count);
    if (length > m_limits.max_body_bytes) return error(413, "the request body is too large");
    m_content_length = length;
    return {};
}

}  // namespace sesame
