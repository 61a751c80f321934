#include "platform/process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace sesame {
namespace {

/// The user's core size limit before protect_from_dumps(), restored for the programs sesame starts.
rlimit g_user_core_limit{RLIM_INFINITY, RLIM_INFINITY};
bool g_core_limit_saved = false;

void restore_user_core_limit() {
    if (g_core_limit_saved) ::setrlimit(RLIMIT_CORE, &g_user_core_limit);
}

std::vector<std::string> flatten(const std::map<std::string, std::string>& env) {
    std::vector<std::string> out;
    out.reserve(env.size());
    for (const auto& [k, v] : env) {
        bool secret = false;
        for (const char* name : k_secret_variables) secret = secret || k == name;
        if (!secret) out.push_back(k + "=" + v);
    }
    return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

}  // namespace

void protect_from_dumps() {
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (::getrlimit(RLIMIT_CORE, &g_user_core_limit) == 0) {
        g_core_limit_saved = true;
        rlimit none{0, g_user_core_limit.rlim_max};  // the hard limit stays, so it can be restored
        ::setrlimit(RLIMIT_CORE, &none);
    }
}

Error exec_replace(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env) {
    if (argv.empty()) return Error{"no command to run"};
    std::vector<std::string> args = argv;
    std::vector<std::string> vars = flatten(env);
    auto argp = pointers(args);
    auto envp = pointers(vars);
    // execvpe searches the PATH of *this* process; point it at the child's PATH instead.
    if (auto it = env.find("PATH"); it != env.end()) setenv("PATH", it->second.c_str(), 1);
    restore_user_core_limit();
    ::execvpe(argp[0], argp.data(), envp.data());
    protect_from_dumps();  // still sesame: the exec failed
    int err = errno;
    return Error{fmt::format("cannot run \"{}\": {}", argv[0], std::strerror(err)),
                 err == ENOENT ? "check the command name and PATH" : "", err == ENOENT ? 127 : 126};
}

std::optional<std::string> find_program(const std::string& name, const std::string& path) {
    if (name.find('/') != std::string::npos) return name;
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = std::min(path.find(':', start), path.size());
        std::string dir = path.substr(start, end - start);
        std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
        struct stat st {};
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
        start = end + 1;
    }
    return std::nullopt;
}

Result<CapturedOutput> run_capture(const std::vector<std::string>& argv,
                                   const std::map<std::string, std::string>& env, const std::string* input) {
    if (argv.empty() || argv[0].empty()) return fail("no command to run");
    auto path_var = env.find("PATH");
    auto program =
        find_program(argv[0], path_var != env.end() ? path_var->second : "/usr/local/bin:/usr/bin:/bin");
    if (!program) return fail(fmt::format("cannot run \"{}\": not found in PATH", argv[0]));
    int pipefd[2];
    if (::pipe2(pipefd, O_CLOEXEC) != 0)
        return fail(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
    int inputfd[2] = {-1, -1};
    if (input && ::pipe2(inputfd, O_CLOEXEC) != 0) {
        ::close(pipefd[0]);
        ::close(pipefd[1]);
        return fail(fmt::format("cannot create a pipe: {}", std::strerror(errno)));
    }
    std::vector<std::string> vars = flatten(env);
    auto envp = pointers(vars);
    std::vector<std::string> args = argv;
    auto argp = pointers(args);
    pid_t pid = ::fork();
    if (pid < 0) {
        for (int fd : {pipefd[0], pipefd[1], inputfd[0], inputfd[1]})
            if (fd >= 0) ::close(fd);
        return fail(fmt::format("cannot start a process: {}", std::strerror(errno)));
    }
    if (pid == 0) {
        int stdin_fd = input ? inputfd[0] : ::open("/dev/null", O_RDONLY);
        if (stdin_fd >= 0) ::dup2(stdin_fd, STDIN_FILENO);
        ::dup2(pipefd[1], STDOUT_FILENO);
        restore_user_core_limit();
        ::execve(program->c_str(), argp.data(), envp.data());
        _exit(127);
    }
    ::close(pipefd[1]);
    if (input) {
        // Written whole before reading: what sesame hands a program this way is small (a key
        // entry), far below a pipe's buffer, so the child cannot block on its output meanwhile.
        ::close(inputfd[0]);
        // A child that exits without reading would raise SIGPIPE: held back on this thread and
        // dropped, so the write fails with EPIPE instead (the child's exit status tells why).
        sigset_t pipe_signal, previous;
        sigemptyset(&pipe_signal);
        sigaddset(&pipe_signal, SIGPIPE);
        ::pthread_sigmask(SIG_BLOCK, &pipe_signal, &previous);
        size_t done = 0;
        while (done < input->size()) {
            ssize_t n = ::write(inputfd[1], input->data() + done, input->size() - done);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            done += static_cast<size_t>(n);
        }
        ::close(inputfd[1]);
        const struct timespec now {};
        while (::sigtimedwait(&pipe_signal, nullptr, &now) > 0) {
        }
        ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    }
    CapturedOutput result;
    char buf[4096];
    while (true) {
        ssize_t n = ::read(pipefd[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        result.out.append(buf, static_cast<size_t>(n));
    }
    explicit_bzero(buf, sizeof buf);  // it may have held a code or a passphrase (prompt drivers)
    ::close(pipefd[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return result;
}

std::string self_path() {
    char buf[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return "sesame";
    return std::string(buf, static_cast<size_t>(n));
}

}  // namespace sesame
