#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/error.hpp"

namespace sesame {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method = "GET";
    std::string url;  ///< absolute: scheme://host[:port]/path[?query]
    Headers headers;
    std::string body;
};

struct HttpResponse {
    long status = 0;
    Headers headers;
    std::string body;
};

/// Network settings from the environment (HTTPS_PROXY/NO_PROXY, AWS_CA_BUNDLE) and timeouts.
struct HttpOptions {
    std::string https_proxy;
    std::string http_proxy;
    std::string no_proxy;
    std::string ca_bundle;
    std::chrono::milliseconds connect_timeout{3000};
    std::chrono::milliseconds total_timeout{15000};
    /// Told once per client, when a request has had no answer for `slow_after`, what sesame is
    /// waiting for ("waiting for HOST (Action)… (timeout in N s; Ctrl-C to stop)"), so a hung
    /// endpoint is not silence. Empty: nothing is told.
    std::function<void(std::string_view)> on_slow;
    std::chrono::milliseconds slow_after{4000};
};

/// Sends one HTTP request. Abstract so tests use a fake; the real one is CurlHttpClient,
/// which loads libcurl on first use so commands that need no network never pay for it.
/// A transport failure (refused, timeout, TLS) is an Error naming the URL; any HTTP status is
/// a response.
class HttpClient {
  public:
    virtual ~HttpClient() = default;
    virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

}  // namespace sesame
