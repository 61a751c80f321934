#include "aws/federation.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "aws/curl_http.hpp"
#include "util/strings.hpp"

namespace sesame {

namespace {

/// `url` followed by `query`, joined with '?' or, when `url` has a query already, '&'.
std::string with_query(std::string_view url, std::string_view query) {
    std::string out(url);
    out += url.find('?') == std::string_view::npos ? '?' : '&';
    out += query;
    return out;
}

/// Appends `value` as a JSON string (quotes included) without intermediate copies, so the only
/// buffer holding it is the caller's.
void append_json_string(std::string& out, std::string_view value) {
    out.push_back('"');
    for (unsigned char c : value) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c < 0x20) {
            constexpr char k_hex[] = "0123456789abcdef";
            out += "\\u00";
            out.push_back(k_hex[c >> 4]);
            out.push_back(k_hex[c & 0xf]);
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
    out.push_back('"');
}

void wipe(std::string& s) {
    sodium_memzero(s.data(), s.size());
}

}  // namespace

ConsoleHosts console_hosts(std::string_view partition) {
    if (partition == "aws-cn")
        return {"https://signin.amazonaws.cn/federation", "https://console.amazonaws.cn/"};
    if (partition == "aws-us-gov")
        return {"https://signin.amazonaws-us-gov.com/federation", "https://console.amazonaws-us-gov.com/"};
    return {"https://signin.aws.amazon.com/federation", "https://console.aws.amazon.com/"};
}

Result<std::string> console_destination(std::string_view console, std::string_view path,
                                        std::string_view region) {
    bool bad = std::any_of(path.begin(), path.end(), [](unsigned char c) { return c <= 0x20 || c == 0x7f; });
    if (bad || path.find("://") != std::string_view::npos) {
        return fail(fmt::format("--path \"{}\" is not a console path", path),
                    "give the part after the console's host, e.g. --path /s3/home or --path /ec2/home");
    }
    while (console.ends_with('/')) console.remove_suffix(1);
    std::string out(console);
    if (!path.starts_with('/')) out.push_back('/');
    std::string_view fragment;
    if (auto hash = path.find('#'); hash != std::string_view::npos) {
        fragment = path.substr(hash);
        path = path.substr(0, hash);
    }
    out += path;
    if (!region.empty()) out = with_query(out, "region=" + uri_encode(region));
    out += fragment;
    return out;
}

Secret federation_session_json(const Credentials& session) {
    std::string json;
    json.reserve(64 + session.access_key_id.size() + session.secret_access_key.size() * 2 +
                 session.session_token.size() * 2);
    json += "{\"sessionId\":";
    append_json_string(json, session.access_key_id);
    json += ",\"sessionKey\":";
    append_json_string(json, session.secret_access_key.reveal());
    json += ",\"sessionToken\":";
    append_json_string(json, session.session_token.reveal());
    json += "}";
    return Secret(std::move(json));
}

Result<Secret> get_signin_token(HttpClient& http, const std::string& federation_url,
                                const Credentials& session,
                                std::optional<std::chrono::seconds> session_duration) {
    if (!session.is_temporary()) {
        return fail("the console sign-in needs temporary credentials, not a long-term access key",
                    "sign in with a role session or a GetFederationToken session");
    }
    std::string query = "Action=getSigninToken";
    if (session_duration) query += fmt::format("&SessionDuration={}", session_duration->count());
    HttpRequest request{"GET", with_query(federation_url, query), {}, {}};
    {
        Secret json = federation_session_json(session);
        std::string encoded = uri_encode(json.reveal());
        request.url.reserve(request.url.size() + 9 + encoded.size());
        request.url += "&Session=";
        request.url += encoded;
        wipe(encoded);
    }
    auto response = http.send(request);
    wipe(request.url);
    const std::string where = url_without_query(federation_url);
    if (!response) return std::unexpected(std::move(response.error()).context("getSigninToken"));

    // The body is never shown: an endpoint that echoes its request would echo the session.
    if (response->status != 200) {
        wipe(response->body);
        if (response->status >= 400 && response->status < 500) {
            return fail(
                fmt::format("the sign-in endpoint {} refused the session (HTTP {})", where, response->status),
                "it takes unexpired role sessions and GetFederationToken sessions only; a role session "
                "cannot ask for a longer console session (-d) than the role allows");
        }
        return fail(fmt::format("the sign-in endpoint {} answered HTTP {}", where, response->status),
                    "try again in a moment");
    }
    auto json = nlohmann::json::parse(response->body, nullptr, false);
    wipe(response->body);
    auto field = json.is_object() ? json.find("SigninToken") : json.end();
    if (!json.is_object() || field == json.end() || !field->is_string() ||
        field->get_ref<const std::string&>().empty()) {
        return fail(fmt::format("the sign-in endpoint {} answered without a SigninToken", where),
                    "check SESAME_FEDERATION_URL, if you set it");
    }
    auto& text = field->get_ref<std::string&>();
    Secret token(text);
    wipe(text);
    return token;
}

Secret console_login_url(const std::string& federation_url, std::string_view issuer,
                         std::string_view destination, const Secret& signin_token) {
    std::string encoded = uri_encode(signin_token.reveal());
    std::string url =
        with_query(federation_url, "Action=login&Issuer=" + uri_encode(issuer) +
                                       "&Destination=" + uri_encode(destination) + "&SigninToken=");
    url.reserve(url.size() + encoded.size());
    url += encoded;
    wipe(encoded);
    return Secret(std::move(url));
}

}  // namespace sesame
