#include "aws/sigv4.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <map>
#include <utility>
#include <vector>

#include "crypto/hash.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace sesame::sigv4 {
namespace {

constexpr std::string_view k_algorithm = "AWS4-HMAC-SHA256";

/// botocore's SIGNED_HEADERS_BLACKLIST: headers that proxies or HTTP libraries may add, drop or
/// rewrite in transit, so signing them would make valid requests fail.
constexpr std::array<std::string_view, 11> k_unsigned_headers = {"connection",
                                                                 "expect",
                                                                 "keep-alive",
                                                                 "proxy-authenticate",
                                                                 "proxy-authorization",
                                                                 "te",
                                                                 "trailer",
                                                                 "transfer-encoding",
                                                                 "upgrade",
                                                                 "user-agent",
                                                                 "x-amzn-trace-id"};

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && starts_with_icase(a, b);
}

bool has_header(const Headers& headers, std::string_view name) {
    return std::ranges::any_of(headers, [&](const auto& h) { return iequals(h.first, name); });
}

/// Removes every header called `name` (any case), as `del request.headers[name]` does in botocore.
void erase_header(Headers& headers, std::string_view name) {
    std::erase_if(headers, [&](const auto& h) { return iequals(h.first, name); });
}

/// Python's str.isspace() for ASCII: what botocore's `' '.join(value.split())` splits on.
bool is_space(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

/// Trims and collapses every run of whitespace (line folds included) to one space.
std::string trim_all(std::string_view value) {
    std::string out;
    size_t i = 0;
    while (i < value.size()) {
        while (i < value.size() && is_space(value[i])) ++i;
        size_t start = i;
        while (i < value.size() && !is_space(value[i])) ++i;
        if (i > start) {
            if (!out.empty()) out.push_back(' ');
            out.append(value.substr(start, i - start));
        }
    }
    return out;
}

/// botocore's remove_dot_segments: RFC 3986 dot removal that also drops empty segments ("//").
std::string normalize_path(std::string_view path) {
    if (path.empty()) return "/";
    std::vector<std::string> kept;
    for (auto& segment : split(path, '/')) {
        if (segment.empty() || segment == ".") continue;
        if (segment == "..") {
            if (!kept.empty()) kept.pop_back();
        } else {
            kept.push_back(std::move(segment));
        }
    }
    std::string out = path.front() == '/' ? "/" : "";
    for (size_t i = 0; i < kept.size(); ++i) {
        if (i > 0) out.push_back('/');
        out += kept[i];
    }
    if (path.back() == '/' && !kept.empty()) out.push_back('/');
    return out;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Form decoding as Python's parse_qsl: '+' is a space, "%XX" a byte, a stray '%' itself.
std::string form_decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+') {
            out.push_back(' ');
        } else if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

std::string canonical_query(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> pairs;
    for (const auto& piece : split(query, '&')) {
        if (piece.empty()) continue;
        auto eq = piece.find('=');
        std::string_view key = std::string_view(piece).substr(0, eq);
        std::string_view value = eq == std::string::npos ? "" : std::string_view(piece).substr(eq + 1);
        pairs.emplace_back(uri_encode(form_decode(key)), uri_encode(form_decode(value)));
    }
    std::ranges::sort(pairs);
    std::string out;
    for (const auto& [key, value] : pairs) {
        if (!out.empty()) out.push_back('&');
        out += key;
        out.push_back('=');
        out += value;
    }
    return out;
}

struct CanonicalHeaders {
    std::string lines;         ///< "name:value\n" per signed header
    std::string signed_names;  ///< "host;x-amz-date"
};

CanonicalHeaders canonical_headers(const Headers& headers) {
    std::map<std::string, std::vector<std::string>> by_name;  // sorted by lowercased name
    for (const auto& [name, value] : headers) {
        std::string lower = to_lower(trim(name));
        if (std::ranges::find(k_unsigned_headers, lower) != k_unsigned_headers.end()) continue;
        by_name[lower].push_back(trim_all(value));
    }
    CanonicalHeaders out;
    for (const auto& [name, values] : by_name) {
        out.lines += name;
        out.lines.push_back(':');
        for (size_t i = 0; i < values.size(); ++i) {
            if (i > 0) out.lines.push_back(',');
            out.lines += values[i];
        }
        out.lines.push_back('\n');
        if (!out.signed_names.empty()) out.signed_names.push_back(';');
        out.signed_names += name;
    }
    return out;
}

std::string payload_hash(const Request& r) {
    for (const auto& [name, value] : r.headers)
        if (iequals(name, "X-Amz-Content-SHA256")) return value;
    return sha256_hex(r.body);
}

/// email.utils.formatdate(t) as botocore uses it: "Sun, 30 Aug 2015 12:36:00 -0000".
std::string http_date(TimePoint now) {
    using namespace std::chrono;
    static constexpr std::array<std::string_view, 7> k_days = {"Sun", "Mon", "Tue", "Wed",
                                                               "Thu", "Fri", "Sat"};
    static constexpr std::array<std::string_view, 12> k_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    auto day = floor<days>(now);
    year_month_day ymd{day};
    hh_mm_ss time{floor<seconds>(now - day)};
    return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} -0000", k_days[weekday{day}.c_encoding()],
                       static_cast<unsigned>(ymd.day()), k_months[static_cast<unsigned>(ymd.month()) - 1],
                       static_cast<int>(ymd.year()), time.hours().count(), time.minutes().count(),
                       time.seconds().count());
}

struct UrlParts {
    std::string host;  ///< Host header value: lowercased, ":port" only when not the default
    std::string path;
    std::string query;
};

/// Splits an absolute URL the way Python's urlsplit does for the parts SigV4 needs.
UrlParts split_url(std::string_view url) {
    UrlParts parts;
    std::string scheme;
    std::string_view authority;
    std::string_view rest = url;
    if (auto scheme_end = url.find("://"); scheme_end != std::string_view::npos) {
        scheme = to_lower(url.substr(0, scheme_end));
        rest = url.substr(scheme_end + 3);
        auto authority_end = rest.find_first_of("/?#");
        authority = rest.substr(0, authority_end);
        rest = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
    }
    rest = rest.substr(0, rest.find('#'));
    auto question = rest.find('?');
    parts.path = rest.substr(0, question);
    if (question != std::string_view::npos) parts.query = rest.substr(question + 1);

    if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
    std::string_view host = authority;
    std::string_view port_text;
    bool bracketed = authority.starts_with('[');  // an IPv6 literal keeps its brackets
    size_t host_end = bracketed ? authority.find(']') : authority.find(':');
    if (bracketed && host_end != std::string_view::npos) ++host_end;
    if (host_end != std::string_view::npos) {
        host = authority.substr(0, host_end);
        port_text = authority.substr(host_end);
        if (port_text.starts_with(':')) port_text.remove_prefix(1);
    }
    parts.host = to_lower(host);
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    bool numeric = !port_text.empty() && ec == std::errc() && end == port_text.data() + port_text.size();
    unsigned default_port = scheme == "https" ? 443 : scheme == "http" ? 80 : 0;
    if (numeric && port != default_port) parts.host += fmt::format(":{}", port);
    return parts;
}

}  // namespace

std::string canonical_request(const Request& r) {
    CanonicalHeaders headers = canonical_headers(r.headers);
    std::string method = r.method;
    std::ranges::transform(method, method.begin(), [](unsigned char c) { return std::toupper(c); });
    return fmt::format("{}\n{}\n{}\n{}\n{}\n{}", method, uri_encode(normalize_path(r.path), false),
                       canonical_query(r.query), headers.lines, headers.signed_names, payload_hash(r));
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
    return fmt::format("{}\n{}\n{}\n{}", k_algorithm, amz_date, scope, sha256_hex(canonical_request));
}

std::string signature(const Secret& secret, std::string_view day, std::string_view region,
                      std::string_view service, std::string_view string_to_sign) {
    // Derived keys are as powerful as the secret for this day/region/service: keep them in
    // Secrets so they are zeroed when freed.
    std::string seed;
    seed.reserve(4 + secret.size());
    seed.append("AWS4").append(secret.reveal());
    Secret key(std::move(seed));
    for (std::string_view part : {day, region, service, std::string_view("aws4_request")})
        key = Secret(hmac_sha256(key.reveal(), part));
    return hex(hmac_sha256(key.reveal(), string_to_sign));
}

void sign(Request& r, const Credentials& creds, std::string_view region, std::string_view service,
          TimePoint now) {
    std::string amz_date = format_amz_date(now);
    std::string day = format_amz_day(now);

    erase_header(r.headers, "Authorization");
    if (has_header(r.headers, "Date")) {
        erase_header(r.headers, "Date");
        erase_header(r.headers, "X-Amz-Date");
        r.headers.emplace_back("Date", http_date(now));
    } else {
        erase_header(r.headers, "X-Amz-Date");
        r.headers.emplace_back("X-Amz-Date", amz_date);
    }
    if (!creds.session_token.empty()) {
        erase_header(r.headers, "X-Amz-Security-Token");
        r.headers.emplace_back("X-Amz-Security-Token", creds.session_token.reveal());
    }

    std::string scope = fmt::format("{}/{}/{}/aws4_request", day, region, service);
    std::string sts = string_to_sign(amz_date, scope, canonical_request(r));
    std::string sig = signature(creds.secret_access_key, day, region, service, sts);
    std::string signed_names = canonical_headers(r.headers).signed_names;
    r.headers.emplace_back("Authorization",
                           fmt::format("{} Credential={}/{}, SignedHeaders={}, Signature={}", k_algorithm,
                                       creds.access_key_id, scope, signed_names, sig));
}

void sign_http(HttpRequest& req, const Credentials& creds, std::string_view region, std::string_view service,
               TimePoint now) {
    UrlParts url = split_url(req.url);
    Request r{req.method, std::move(url.path), std::move(url.query), std::move(req.headers),
              std::move(req.body)};
    if (!url.host.empty() && !has_header(r.headers, "Host")) r.headers.emplace_back("Host", url.host);
    sign(r, creds, region, service, now);
    req.headers = std::move(r.headers);
    req.body = std::move(r.body);
}

}  // namespace sesame::sigv4
