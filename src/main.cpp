// sesame: wires the real implementations together and hands over to the command table.

#include <sodium.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "aws/curl_http.hpp"
#include "cli/app.hpp"
#include "platform/clock.hpp"
#include "platform/process.hpp"
#include "prompt/terminal.hpp"
#include "util/fmod.hpp"

/// The C library's fmod, for pugixml's XPath: defined here so that the binary needs neither
/// libm.so (a library load at every start) nor glibc's libm.a (a private glibc symbol, which
/// pins a package to one glibc version). See util/fmod.hpp.
extern "C" double fmod(double x, double y) noexcept {
    return sesame::exact_fmod(x, y);
}

namespace {

void write_fd(int fd, std::string_view s) {
    while (!s.empty()) {
        ssize_t n = ::write(fd, s.data(), s.size());
        if (n <= 0) return;
        s.remove_prefix(static_cast<size_t>(n));
    }
}

}  // namespace

int main(int argc, char** argv) {
    sesame::protect_from_dumps();
    if (sodium_init() < 0) {
        write_fd(STDERR_FILENO, "sesame: libsodium could not be initialised\n");
        return 1;
    }
    std::vector<std::string> args(argv + 1, argv + argc);
    auto out = [](std::string_view s) { write_fd(STDOUT_FILENO, s); };
    auto err = [](std::string_view s) { write_fd(STDERR_FILENO, s); };

    sesame::Env env = sesame::Env::from_process();
    sesame::SystemClock clock;
    sesame::TerminalPrompt prompt;
    sesame::Log log([err](std::string_view s) { err(std::string(s) + "\n"); }, sesame::wants_debug(args));
    sesame::HttpOptions http_options;
    http_options.https_proxy = env.get("HTTPS_PROXY").value_or(env.get_or("https_proxy", ""));
    http_options.http_proxy = env.get("HTTP_PROXY").value_or(env.get_or("http_proxy", ""));
    http_options.no_proxy = env.get("NO_PROXY").value_or(env.get_or("no_proxy", ""));
    http_options.ca_bundle = env.get_or("AWS_CA_BUNDLE", "");
    http_options.on_slow = [err](std::string_view what) {
        err(std::string("sesame: ").append(what).append("\n"));
    };
    auto http = [http_options] { return std::make_unique<sesame::CurlHttpClient>(http_options); };

    sesame::Context ctx(std::move(env), clock, prompt, log, out, http);
    return sesame::run_app(args, ctx, err);
}
