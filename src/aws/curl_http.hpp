#pragma once

#include <string>
#include <string_view>

#include "aws/http.hpp"

namespace sesame {

struct CurlApi;

/// The real HttpClient. libcurl is loaded with dlopen on the first send(), not linked, because
/// linking it costs every process start a few milliseconds and the warm path (cached
/// credentials) never touches the network.
///
/// Network settings come only from HttpOptions: curl is told not to read proxy variables from
/// the environment itself. Only http and https are allowed and redirects are not followed.
/// Errors name the URL without its query string (presigned and federation URLs carry tokens)
/// and never include request headers or bodies.
///
/// One easy handle is kept per client so consecutive calls reuse the TLS connection. Not
/// thread-safe: use one client per thread.
/// The version of `library` ("libcurl/7.88.1 OpenSSL/3.0.15 ..."), loading it as a request
/// would; the error says why it cannot be used. For `sesame --version`.
Result<std::string> curl_library_version(const std::string& library = "libcurl.so.4");

class CurlHttpClient final : public HttpClient {
  public:
    /// `library` is the soname to load; tests pass a missing one to check the error.
    explicit CurlHttpClient(HttpOptions options, std::string library = "libcurl.so.4");
    ~CurlHttpClient() override;
    CurlHttpClient(const CurlHttpClient&) = delete;
    CurlHttpClient& operator=(const CurlHttpClient&) = delete;

    Result<HttpResponse> send(const HttpRequest& request) override;

  private:
    Result<const CurlApi*> api();

    HttpOptions m_options;
    std::string m_library;
    const CurlApi* m_api = nullptr;
    void* m_easy = nullptr;    ///< CURL*, created on first send
    bool m_told_slow = false;  ///< HttpOptions::on_slow was called (once per client)
};

/// "https://host/path?query" -> "https://host/path": a URL safe to show in errors and logs.
std::string url_without_query(std::string_view url);

}  // namespace sesame
