#include "aws/curl_http.hpp"

#include <curl/curl.h>
#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include "util/dynamic_symbol.hpp"

namespace sesame {

/// The libcurl entry points sesame uses, resolved from the dlopen'ed library.
struct CurlApi {
    CURLcode (*global_init)(long);
    CURL* (*easy_init)();
    CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
    CURLcode (*easy_perform)(CURL*);
    CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
    void (*easy_cleanup)(CURL*);
    void (*easy_reset)(CURL*);
    const char* (*easy_strerror)(CURLcode);
    curl_slist* (*slist_append)(curl_slist*, const char*);
    void (*slist_free_all)(curl_slist*);
    char* (*version)();
};

namespace {

/// Responses larger than this are refused: no AWS API sesame calls returns anything close.
constexpr size_t k_max_response_bytes = 16 * 1024 * 1024;

/// Loads `library` once per process and keeps it loaded: curl_global_init must not be undone
/// while any handle may still exist, and the cost is paid only by commands that go online.
Result<const CurlApi*> load_api(const std::string& library) {
    static std::mutex mutex;
    static std::map<std::string, std::unique_ptr<CurlApi>> loaded;
    std::lock_guard lock(mutex);
    if (auto it = loaded.find(library); it != loaded.end()) return it->second.get();

    const std::string hint = "install libcurl (Debian/Ubuntu: `apt-get install libcurl4`)";
    void* lib = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        const char* why = dlerror();
        return fail(fmt::format("cannot load libcurl, which sesame needs to reach AWS: {}",
                                why ? why : library + ": unknown error"),
                    hint);
    }
    auto api = std::make_unique<CurlApi>();
    bool ok = resolve_symbol(lib, "curl_global_init", api->global_init) &&
              resolve_symbol(lib, "curl_easy_init", api->easy_init) &&
              resolve_symbol(lib, "curl_easy_setopt", api->easy_setopt) &&
              resolve_symbol(lib, "curl_easy_perform", api->easy_perform) &&
              resolve_symbol(lib, "curl_easy_getinfo", api->easy_getinfo) &&
              resolve_symbol(lib, "curl_easy_cleanup", api->easy_cleanup) &&
              resolve_symbol(lib, "curl_easy_reset", api->easy_reset) &&
              resolve_symbol(lib, "curl_easy_strerror", api->easy_strerror) &&
              resolve_symbol(lib, "curl_slist_append", api->slist_append) &&
              resolve_symbol(lib, "curl_slist_free_all", api->slist_free_all) &&
              resolve_symbol(lib, "curl_version", api->version);
    if (!ok) {
        dlclose(lib);
        return fail(fmt::format("{} is not a usable libcurl (missing symbols)", library), hint);
    }
    if (CURLcode rc = api->global_init(CURL_GLOBAL_DEFAULT); rc != CURLE_OK) {
        return fail(fmt::format("libcurl failed to initialise: {}", api->easy_strerror(rc)));
    }
    return loaded.emplace(library, std::move(api)).first->second.get();
}

struct Received {
    HttpResponse response;
    bool too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
    auto* received = static_cast<Received*>(user);
    size_t n = size * count;
    if (received->response.body.size() + n > k_max_response_bytes) {
        received->too_large = true;
        return 0;
    }
    received->response.body.append(data, n);
    return n;
}

/// Collects the headers of the final response; a new status line (after "100 Continue" or a
/// proxy CONNECT) starts over.
size_t on_header(char* data, size_t size, size_t count, void* user) {
    auto* received = static_cast<Received*>(user);
    size_t n = size * count;
    std::string_view line(data, n);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.starts_with("HTTP/")) {
        received->response.headers.clear();
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
        auto value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        received->response.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    return n;
}

/// What a request is, for the user: its host, and its API action (the Query protocol's Action
/// form field, or the JSON protocol's X-Amz-Target) when it has one.
std::string describe_request(const HttpRequest& request) {
    std::string_view url = request.url;
    if (auto scheme = url.find("://"); scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
    std::string_view host = url.substr(0, url.find_first_of("/?#"));
    std::string action;
    for (const auto& [name, value] : request.headers)
        if (name == "X-Amz-Target") action = value.substr(value.find('.') + 1);
    if (action.empty()) {
        std::string_view body = request.body;
        size_t at = body.starts_with("Action=") ? 0 : body.find("&Action=");
        if (at != std::string_view::npos) {
            body.remove_prefix(body.find('=', at) + 1);
            action = std::string(body.substr(0, body.find('&')));
        }
    }
    return action.empty() ? std::string(host) : fmt::format("{} ({})", host, action);
}

/// CURLOPT_XFERINFOFUNCTION's data: tells on_slow once, after slow_after without an answer. Costs
/// a comparison per call (curl calls it about once a second while waiting, and per chunk).
struct SlowWatch {
    const CurlApi* api;
    CURL* easy;
    const HttpRequest* request;
    const HttpOptions* options;
    bool* told;
};

int on_progress(void* user, curl_off_t, curl_off_t downloaded, curl_off_t, curl_off_t) {
    auto* watch = static_cast<SlowWatch*>(user);
    if (*watch->told || downloaded > 0) return 0;
    curl_off_t elapsed_us = 0;
    watch->api->easy_getinfo(watch->easy, CURLINFO_TOTAL_TIME_T, &elapsed_us);
    const auto elapsed =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::microseconds(elapsed_us));
    if (elapsed < watch->options->slow_after) return 0;
    *watch->told = true;
    const auto left = std::chrono::ceil<std::chrono::seconds>(watch->options->total_timeout - elapsed);
    watch->options->on_slow(fmt::format(
        "waiting for {}… (no answer for {} s; this try times out in {} s; "
        "Ctrl-C to stop)",
        describe_request(*watch->request), std::chrono::duration_cast<std::chrono::seconds>(elapsed).count(),
        std::max<long long>(left.count(), 0)));
    return 0;
}

std::string format_seconds(std::chrono::milliseconds ms) {
    return fmt::format("{:g} s", static_cast<double>(ms.count()) / 1000.0);
}

/// Frees the header list however send() returns.
struct SlistGuard {
    const CurlApi* api;
    curl_slist* list = nullptr;
    ~SlistGuard() {
        if (list != nullptr) api->slist_free_all(list);
    }
};

}  // namespace

std::string url_without_query(std::string_view url) {
    return std::string(url.substr(0, url.find_first_of("?#")));
}

Result<std::string> curl_library_version(const std::string& library) {
    auto api = load_api(library);
    if (!api) return std::unexpected(api.error());
    return std::string((*api)->version());
}

CurlHttpClient::CurlHttpClient(HttpOptions options, std::string library)
    : m_options(std::move(options)), m_library(std::move(library)) {}

CurlHttpClient::~CurlHttpClient() {
    if (m_easy != nullptr) m_api->easy_cleanup(static_cast<CURL*>(m_easy));
}

Result<const CurlApi*> CurlHttpClient::api() {
    if (m_api == nullptr) {
        auto loaded = load_api(m_library);
        if (!loaded) return std::unexpected(std::move(loaded.error()));
        m_api = *loaded;
    }
    return m_api;
}

Result<HttpResponse> CurlHttpClient::send(const HttpRequest& request) {
    auto loaded = api();
    if (!loaded) return std::unexpected(std::move(loaded.error()));
    const CurlApi& c = **loaded;
    const std::string shown_url = url_without_query(request.url);

    if (m_easy == nullptr) {
        m_easy = c.easy_init();
        if (m_easy == nullptr)
            return fail(fmt::format("cannot reach {}: libcurl could not create a handle", shown_url));
    } else {
        c.easy_reset(static_cast<CURL*>(m_easy));
    }
    CURL* easy = static_cast<CURL*>(m_easy);

    SlistGuard headers{&c};
    for (const auto& [name, value] : request.headers) {
        // "Name;" is curl's way to send a header with an empty value ("Name:" would remove it).
        std::string line = value.empty() ? name + ";" : name + ": " + value;
        headers.list = c.slist_append(headers.list, line.c_str());
    }
    // Without this curl waits for "100 Continue" before sending a body over 1 KiB.
    headers.list = c.slist_append(headers.list, "Expect:");

    Received received;
    char error_buffer[CURL_ERROR_SIZE] = {};
    const bool is_https = request.url.starts_with("https:") || request.url.starts_with("HTTPS:");
    // An empty CURLOPT_PROXY means "no proxy", which also stops curl from reading *_proxy itself.
    const std::string& proxy = is_https ? m_options.https_proxy : m_options.http_proxy;

    c.easy_setopt(easy, CURLOPT_URL, request.url.c_str());
    c.easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    c.easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    c.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    c.easy_setopt(easy, CURLOPT_PROXY, proxy.c_str());
    c.easy_setopt(easy, CURLOPT_NOPROXY, m_options.no_proxy.c_str());
    if (!m_options.ca_bundle.empty()) c.easy_setopt(easy, CURLOPT_CAINFO, m_options.ca_bundle.c_str());
    c.easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(m_options.connect_timeout.count()));
    c.easy_setopt(easy, CURLOPT_TIMEOUT_MS, static_cast<long>(m_options.total_timeout.count()));
    c.easy_setopt(easy, CURLOPT_HTTPHEADER, headers.list);
    c.easy_setopt(easy, CURLOPT_ERRORBUFFER, error_buffer);
    c.easy_setopt(easy, CURLOPT_WRITEFUNCTION, &on_body);
    c.easy_setopt(easy, CURLOPT_WRITEDATA, &received);
    c.easy_setopt(easy, CURLOPT_HEADERFUNCTION, &on_header);
    c.easy_setopt(easy, CURLOPT_HEADERDATA, &received);

    if (request.method == "GET" && request.body.empty()) {
        c.easy_setopt(easy, CURLOPT_HTTPGET, 1L);
    } else if (request.method == "HEAD") {
        c.easy_setopt(easy, CURLOPT_NOBODY, 1L);
    } else {
        c.easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.data());
        c.easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        if (request.method != "POST") c.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }

    SlowWatch watch{&c, easy, &request, &m_options, &m_told_slow};
    if (m_options.on_slow && !m_told_slow) {
        c.easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, &on_progress);
        c.easy_setopt(easy, CURLOPT_XFERINFODATA, &watch);
        c.easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
    }

    CURLcode rc = c.easy_perform(easy);
    if (rc == CURLE_OK) {
        c.easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &received.response.status);
        return std::move(received.response);
    }
    if (received.too_large) {
        return fail(fmt::format("response from {} is larger than {} MiB; refusing it", shown_url,
                                k_max_response_bytes >> 20));
    }
    const std::string network_hint =
        "check your network connection and proxy settings (HTTPS_PROXY, NO_PROXY)";
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        double connect_time = 0;
        c.easy_getinfo(easy, CURLINFO_CONNECT_TIME, &connect_time);
        if (connect_time <= 0) {
            return fail(fmt::format("cannot reach {}: connection timed out after {}", shown_url,
                                    format_seconds(m_options.connect_timeout)),
                        network_hint);
        }
        return fail(fmt::format("request to {} timed out after {}", shown_url,
                                format_seconds(m_options.total_timeout)),
                    network_hint);
    }
    std::string message = fmt::format("cannot reach {}: {}", shown_url, c.easy_strerror(rc));
    switch (rc) {
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_SSL_CACERT_BADFILE:
        case CURLE_SSL_CERTPROBLEM:
            // The error buffer names the certificate problem; it never holds request data.
            if (error_buffer[0] != '\0') message += fmt::format(" ({})", error_buffer);
            return fail(
                std::move(message),
                "if a proxy or firewall re-signs TLS traffic, point AWS_CA_BUNDLE at its CA certificate");
        case CURLE_COULDNT_RESOLVE_PROXY:
            return fail(std::move(message), "check the proxy host in HTTPS_PROXY / HTTP_PROXY");
        default:
            return fail(std::move(message), network_hint);
    }
}

}  // namespace sesame
