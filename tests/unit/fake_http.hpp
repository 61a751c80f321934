#pragma once

#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "aws/http.hpp"

namespace sesame::testing {

/// An HttpClient for unit tests: records every request and answers from a script, in order.
/// Running out of script is an error ("fake: no scripted response"), not a crash.
class FakeHttp final : public HttpClient {
  public:
    std::vector<HttpRequest> requests;
    std::deque<Result<HttpResponse>> script;

    void reply(long status, std::string body, Headers headers = {}) {
        script.push_back(HttpResponse{status, std::move(headers), std::move(body)});
    }
    /// A transport failure (no HTTP response at all).
    void refuse(std::string message) { script.push_back(fail(std::move(message))); }

    Result<HttpResponse> send(const HttpRequest& request) override {
        requests.push_back(request);
        if (script.empty()) return fail("fake: no scripted response");
        auto next = std::move(script.front());
        script.pop_front();
        return next;
    }
};

}  // namespace sesame::testing
