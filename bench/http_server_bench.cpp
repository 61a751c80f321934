// Throughput of HttpServer under wrk: a keep-alive load of small JSON responses, the shape of an
// SDK polling the credential endpoint. Prints wrk's summary, then one line:
//   http_server_bench: N requests/s, E errors
// Usage: http_server_bench [wrk options]   (default: -t1 -c64 -d5s --latency; wrk must be in PATH)

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "server/http_server.hpp"

namespace {

/// About 400 bytes, like the credentials document the ECS endpoint returns.
const std::string k_body =
    R"({"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",)"
    R"("Token":"IQoJb3JpZ2luX2VjEXAMPLETOKENvYWxhbGFsYWxhbGFsYWxhbGFsYWxhbGFsYWxhbGFsYWxhbGFsYWxhbGFsYWxhbGFs)"
    R"(YWxhbGFsYWxhbGFsYWxhbGFsYWxhbGFsYWxhbGFsYWxhbGFsYWxhbGFsYWxhbGFsYWxhbGFsYWxhbGFsYWxhbGFsYWxhbGFsYWxhbGE=",)"
    R"("Expiration":"2030-01-01T00:00:00Z","RoleArn":"arn:aws:iam::123456789012:role/bench"})";

/// Runs `argv` and returns what it wrote to stdout; exit status in `status`.
std::string run_capture(const std::vector<std::string>& argv, int& status) {
    int fds[2];
    if (::pipe(fds) != 0) return {};
    pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(fds[1], STDOUT_FILENO);
        ::close(fds[0]);
        ::close(fds[1]);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        std::perror(args[0]);
        ::_exit(127);
    }
    ::close(fds[1]);
    std::string out;
    char chunk[4096];
    ssize_t n;
    while ((n = ::read(fds[0], chunk, sizeof chunk)) > 0) out.append(chunk, static_cast<size_t>(n));
    ::close(fds[0]);
    ::waitpid(pid, &status, 0);
    return out;
}

long long sum_of_numbers_on_line(const std::string& text, const std::string& label) {
    std::smatch line;
    if (!std::regex_search(text, line, std::regex(label + "[^\n]*"))) return 0;
    long long total = 0;
    std::string rest = line.str().substr(label.size());
    std::regex number("\\d+");
    for (auto it = std::sregex_iterator(rest.begin(), rest.end(), number); it != std::sregex_iterator();
         ++it) {
        total += std::stoll(it->str());
    }
    return total;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace sesame;
    auto server = HttpServer::listen(0, [](const ServerRequest&) {
        return ServerResponse{200, {{"Content-Type", "application/json"}}, k_body};
    });
    if (!server) {
        fmt::print(stderr, "http_server_bench: {}\n", server.error().message);
        return 1;
    }
    std::thread loop([&] { (*server)->run(); });

    std::vector<std::string> command = {"wrk"};
    if (argc > 1) {
        command.insert(command.end(), argv + 1, argv + argc);
    } else {
        command.insert(command.end(), {"-t1", "-c64", "-d5s", "--latency"});
    }
    command.push_back(fmt::format("http://127.0.0.1:{}/", (*server)->port()));
    int status = 0;
    std::string output = run_capture(command, status);
    (*server)->stop();
    loop.join();

    fmt::print("{}", output);
    std::smatch rate;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
        !std::regex_search(output, rate, std::regex(R"(Requests/sec:\s+([0-9.]+))"))) {
        fmt::print(stderr, "http_server_bench: wrk failed or printed no Requests/sec line\n");
        return 1;
    }
    long long errors = sum_of_numbers_on_line(output, "Socket errors:") +
                       sum_of_numbers_on_line(output, "Non-2xx or 3xx responses:");
    fmt::print("http_server_bench: {:.0f} requests/s, {} errors (body {} bytes)\n", std::stod(rate[1].str()),
               errors, k_body.size());
    return 0;
}
