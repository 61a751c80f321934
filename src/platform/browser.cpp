#include "platform/browser.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "util/strings.hpp"

namespace sesame {
namespace {

/// `name` itself when it holds a '/', else the first executable `dir/name` along `path`.
std::string find_program(const std::string& name, const std::string& path) {
    if (name.find('/') != std::string::npos) return name;
    for (const auto& dir : split(path, ':')) {
        std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    return "";
}

/// Runs argv; waits up to `settle` for it to end. Empty on success (exit 0, or still running).
std::string try_open(const std::vector<std::string>& argv, const Env& env, std::chrono::milliseconds settle) {
    std::string program = find_program(argv[0], env.get_or("PATH", "/usr/bin:/bin"));
    if (program.empty()) return "not found";
    std::vector<std::string> args = argv;
    std::vector<std::string> vars;
    for (const auto& [k, v] : env.all()) vars.push_back(k + "=" + v);
    std::vector<char*> argp, envp;
    for (auto& a : args) argp.push_back(a.data());
    argp.push_back(nullptr);
    for (auto& v : vars) envp.push_back(v.data());
    envp.push_back(nullptr);

    // A close-on-exec pipe reports an exec failure (its errno) from the child; EOF means it ran.
    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0) return std::strerror(errno);
    pid_t pid = ::fork();
    if (pid < 0) {
        ::close(report[0]);
        ::close(report[1]);
        return std::strerror(errno);
    }
    if (pid == 0) {
        int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
        ::dup2(STDERR_FILENO, STDOUT_FILENO);
        ::execve(program.c_str(), argp.data(), envp.data());
        int err = errno;
        ssize_t ignored = ::write(report[1], &err, sizeof err);
        (void)ignored;
        _exit(127);
    }
    ::close(report[1]);
    int child_errno = 0;
    ssize_t n;
    while ((n = ::read(report[0], &child_errno, sizeof child_errno)) < 0 && errno == EINTR) {
    }
    ::close(report[0]);
    if (n == static_cast<ssize_t>(sizeof child_errno)) {
        ::waitpid(pid, nullptr, 0);
        return std::strerror(child_errno);
    }
    auto deadline = std::chrono::steady_clock::now() + settle;
    while (true) {
        int status = 0;
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return "";
            return WIFEXITED(status) ? fmt::format("exited with status {}", WEXITSTATUS(status))
                                     : fmt::format("killed by signal {}", WTERMSIG(status));
        }
        if (done < 0 && errno != EINTR) return "";  // not ours to wait for any more
        if (std::chrono::steady_clock::now() >= deadline) return "";
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace

std::vector<std::vector<std::string>> browser_commands(const Env& env, std::string_view url) {
    std::vector<std::vector<std::string>> out;
    for (const auto& entry : split(env.get_or("BROWSER", ""), ':')) {
        std::vector<std::string> argv;
        bool placed = false;
        for (const auto& word : split(entry, ' ')) {
            if (word.empty()) continue;
            std::string arg = word;
            if (auto at = arg.find("%s"); at != std::string::npos) {
                arg.replace(at, 2, url);
                placed = true;
            }
            argv.push_back(std::move(arg));
        }
        if (argv.empty()) continue;
        if (!placed) argv.emplace_back(url);
        out.push_back(std::move(argv));
    }
#ifdef __APPLE__
    out.push_back({"open", std::string(url)});
#else
    out.push_back({"xdg-open", std::string(url)});
#endif
    return out;
}

Result<std::string> open_in_browser(const Env& env, const Secret& url, std::chrono::milliseconds settle) {
    std::vector<std::string> tried;
    for (const auto& argv : browser_commands(env, url.reveal())) {
        std::string failure = try_open(argv, env, settle);
        if (failure.empty()) return argv[0];
        tried.push_back(fmt::format("{}: {}", argv[0], failure));
    }
    return fail(fmt::format("could not open a browser ({})", fmt::join(tried, "; ")),
                "set BROWSER to your browser's command, or use --stdout and open the URL yourself");
}

}  // namespace sesame
