#include "vault/key_agent.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sodium.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <map>
#include <optional>
#include <thread>

#include "platform/clock.hpp"
#include "platform/files.hpp"
#include "platform/unique_fd.hpp"
#include "util/bytes.hpp"

namespace sesame {

namespace {

// One request per connection. Request: op, idle seconds (u32), id (u16 length + bytes), payload
// (u16 length + bytes). Response: status, seconds left (u32), payload (u16 length + bytes).
// Little-endian. The client closes its side after the request; the agent answers and closes.
enum : char { k_store = 'S', k_load = 'G', k_forget = 'F', k_time_left = 'T' };
enum : char { k_ok = 0, k_absent = 1 };
constexpr size_t k_max_message = 4096;

struct Message {
    char code = 0;  ///< op or status
    uint32_t seconds = 0;
    std::string id;  ///< requests only
    std::string payload;
};

std::string encode(const Message& m, bool request) {
    std::string out(1, m.code);
    bytes::put_le(out, m.seconds, 4);
    if (request) bytes::put_str(out, m.id, 2);
    bytes::put_str(out, m.payload, 2);
    return out;
}

std::optional<Message> decode(std::string_view in, bool request) {
    bytes::Reader r(in);
    Message m;
    m.code = static_cast<char>(r.le(1));
    m.seconds = r.u32();
    if (request) m.id = r.str(2);
    m.payload = r.str(2);
    if (r.ok() && r.at_end()) return m;
    sodium_memzero(m.payload.data(), m.payload.size());
    return std::nullopt;
}

/// Wipes a string that held key material before it goes.
void wipe(std::string& s) {
    sodium_memzero(s.data(), s.size());
    s.clear();
}

bool set_timeouts(int fd, std::chrono::milliseconds t) {
    timeval tv{static_cast<time_t>(t.count() / 1000), static_cast<suseconds_t>((t.count() % 1000) * 1000)};
    return ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0 &&
           ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0;
}

bool peer_is_us(int fd) {
    ucred cred{};
    socklen_t len = sizeof cred;
    return ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid == ::geteuid();
}

bool write_all(int fd, std::string_view s) {
    while (!s.empty()) {
        ssize_t n = ::send(fd, s.data(), s.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        s.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

/// Everything the peer sends until it closes its side (at most k_max_message bytes).
std::optional<std::string> read_all(int fd) {
    std::string out;
    char buf[512];
    for (;;) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            wipe(out);
            return std::nullopt;
        }
        if (n == 0) return out;
        out.append(buf, static_cast<size_t>(n));
        sodium_memzero(buf, sizeof buf);
        if (out.size() > k_max_message) {
            wipe(out);
            return std::nullopt;
        }
    }
}

std::optional<sockaddr_un> address(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) return std::nullopt;
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}

/// Whether `dir` is a folder of ours that no one else can enter: where keys may be handed over.
Result<void> check_private_dir(const std::string& dir) {
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0)
        return fail(fmt::format("cannot use {}: {}", dir, std::strerror(errno)));
    if (!S_ISDIR(st.st_mode) || st.st_uid != ::geteuid() || (st.st_mode & 077) != 0)
        return fail(fmt::format("{} must be a folder of yours with mode 0700 to hold the key agent", dir),
                    fmt::format("run: chmod 700 {}", dir));
    return {};
}

/// Sends one request to the agent and returns its answer; nullopt when there is no agent (or
/// the socket is not one of ours, or it answers nonsense).
std::optional<Message> ask(const std::string& dir, const Message& request) {
    if (!check_private_dir(dir)) return std::nullopt;
    auto addr = address(AgentKeyCache::socket_path(dir));
    if (!addr) return std::nullopt;
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (fd.get() < 0 || !set_timeouts(fd.get(), std::chrono::seconds(2))) return std::nullopt;
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0)
        return std::nullopt;
    if (!peer_is_us(fd.get())) return std::nullopt;  // never hand a key to another user's socket
    std::string wire = encode(request, true);
    bool sent = write_all(fd.get(), wire) && ::shutdown(fd.get(), SHUT_WR) == 0;
    wipe(wire);
    if (!sent) return std::nullopt;
    auto answer = read_all(fd.get());
    if (!answer) return std::nullopt;
    auto m = decode(*answer, false);
    wipe(*answer);
    return m;
}

/// Starts the agent, detached (its own session, reparented, no inherited files or environment).
void spawn(const std::vector<std::string>& start) {
    if (start.empty()) return;
    std::vector<char*> argv;
    for (const auto& a : start) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    char* envp[] = {nullptr};
    pid_t child = ::fork();
    if (child < 0) return;
    if (child == 0) {
        ::setsid();
        if (::fork() != 0) ::_exit(0);
        int null = ::open("/dev/null", O_RDWR);
        if (null >= 0) {
            ::dup2(null, 0);
            ::dup2(null, 1);
            ::dup2(null, 2);
        }
        ::close_range(3, ~0U, 0);
        ::execve(argv[0], argv.data(), envp);
        ::_exit(127);
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
}

/// A key held by the agent: in sodium_malloc'd memory (locked, guarded, wiped when freed).
class LockedBytes {
  public:
    explicit LockedBytes(std::string_view bytes) : m_size(bytes.size()) {
        m_data = static_cast<char*>(sodium_malloc(m_size ? m_size : 1));
        if (m_data) std::memcpy(m_data, bytes.data(), m_size);
    }
    LockedBytes(const LockedBytes&) = delete;
    LockedBytes& operator=(const LockedBytes&) = delete;
    ~LockedBytes() { sodium_free(m_data); }
    std::string_view view() const { return m_data ? std::string_view(m_data, m_size) : std::string_view(); }

  private:
    char* m_data = nullptr;
    size_t m_size = 0;
};

struct Held {
    std::unique_ptr<LockedBytes> bytes;
    TimePoint expiry;
};

Message answer(std::map<std::string, Held>& keys, const Message& request, TimePoint now) {
    Message out;
    out.code = k_absent;
    auto it = keys.find(request.id);
    if (it != keys.end() && it->second.expiry <= now) {  // due, even if the loop has not run yet
        keys.erase(it);
        it = keys.end();
    }
    switch (request.code) {
        case k_store:
            if (request.seconds == 0) break;
            keys[request.id] = Held{std::make_unique<LockedBytes>(request.payload),
                                    now + std::chrono::seconds(request.seconds)};
            out.code = k_ok;
            break;
        case k_load:
            if (it == keys.end()) break;
            if (request.seconds > 0) it->second.expiry = now + std::chrono::seconds(request.seconds);
            out.code = k_ok;
            out.payload.assign(it->second.bytes->view());
            break;
        case k_forget:
            if (it == keys.end()) break;
            keys.erase(it);
            out.code = k_ok;
            break;
        case k_time_left:
            if (it == keys.end()) break;
            out.code = k_ok;
            out.seconds = static_cast<uint32_t>(std::max<int64_t>(
                0, std::chrono::duration_cast<std::chrono::seconds>(it->second.expiry - now).count()));
            break;
        default:
            break;
    }
    return out;
}

void serve(int client, std::map<std::string, Held>& keys, const Clock& clock) {
    if (!peer_is_us(client) || !set_timeouts(client, std::chrono::seconds(1))) return;
    auto bytes = read_all(client);
    if (!bytes) return;
    auto request = decode(*bytes, true);
    wipe(*bytes);
    if (!request) return;
    Message reply = answer(keys, *request, clock.now());
    wipe(request->payload);
    std::string wire = encode(reply, false);
    write_all(client, wire);
    wipe(wire);
    wipe(reply.payload);
}

}  // namespace

AgentKeyCache::AgentKeyCache(std::string dir, std::vector<std::string> start)
    : m_dir(std::move(dir)), m_start(std::move(start)) {}

std::string AgentKeyCache::socket_path(const std::string& dir) {
    return dir + "/agent.sock";
}

std::string AgentKeyCache::describe() const {
    return fmt::format("the sesame agent at {}", socket_path(m_dir));
}

std::optional<KeyCache::Entry> AgentKeyCache::load(const std::string& id, std::chrono::seconds idle) {
    auto reply = ask(m_dir, {k_load, static_cast<uint32_t>(std::max<int64_t>(idle.count(), 0)), id, {}});
    if (!reply || reply->code != k_ok) return std::nullopt;
    auto entry = decode_key_entry(reply->payload);
    wipe(reply->payload);
    return entry;
}

bool AgentKeyCache::store(const std::string& id, const Entry& entry, std::chrono::seconds idle) {
    if (idle.count() <= 0) return false;
    Message request{k_store, static_cast<uint32_t>(idle.count()), id, encode_key_entry(entry)};
    auto stored = [&] {
        auto reply = ask(m_dir, request);
        return reply && reply->code == k_ok;
    };
    bool ok = stored();
    if (!ok && ensure_private_dir(m_dir) && check_private_dir(m_dir)) {
        // No agent: start one, a single one however many processes get here at once.
        auto lock = FileLock::acquire(m_dir + "/agent.lock", std::chrono::seconds(5));
        ok = lock && stored();
        if (lock && !ok) {
            spawn(m_start);
            for (int i = 0; i < 200 && !ok; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
                ok = stored();
            }
        }
    }
    wipe(request.payload);
    return ok;
}

bool AgentKeyCache::forget(const std::string& id) {
    auto reply = ask(m_dir, {k_forget, 0, id, {}});
    return reply && reply->code == k_ok;
}

std::optional<std::chrono::seconds> AgentKeyCache::time_left(const std::string& id) {
    auto reply = ask(m_dir, {k_time_left, 0, id, {}});
    if (!reply || reply->code != k_ok) return std::nullopt;
    return std::chrono::seconds(reply->seconds);
}

Result<void> run_key_agent(const std::string& dir, std::chrono::seconds grace) {
    SystemClock clock;
    return run_key_agent(dir, grace, clock);
}

Result<void> run_key_agent(const std::string& dir, std::chrono::seconds grace, const Clock& clock) {
    if (sodium_init() < 0) return fail("libsodium could not be initialised");
    SESAME_TRY(check_private_dir(dir));
    ::prctl(PR_SET_DUMPABLE, 0);  // no core dumps, no ptrace by other processes of the user
    const std::string path = AgentKeyCache::socket_path(dir);
    auto addr = address(path);
    if (!addr) return fail(fmt::format("{}: path too long for a UNIX socket", path));
    UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (listener.get() < 0) return fail(fmt::format("cannot create a socket: {}", std::strerror(errno)));
    if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0) {
        if (errno != EADDRINUSE)
            return fail(fmt::format("cannot listen on {}: {}", path, std::strerror(errno)));
        // A socket file: a live agent (then leave it be), or one that died (then take its place).
        UniqueFd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (::connect(probe.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) == 0)
            return fail(fmt::format("another sesame agent serves {}", path));
        ::unlink(path.c_str());
        if (::bind(listener.get(), reinterpret_cast<const sockaddr*>(&*addr), sizeof *addr) != 0)
            return fail(fmt::format("cannot listen on {}: {}", path, std::strerror(errno)));
    }
    ::chmod(path.c_str(), 0600);
    if (::listen(listener.get(), 64) != 0)
        return fail(fmt::format("cannot listen on {}: {}", path, std::strerror(errno)));
    struct stat mine {};
    ::stat(path.c_str(), &mine);

    std::map<std::string, Held> keys;
    const TimePoint started = clock.now();
    bool asked = false;
    for (;;) {
        TimePoint now = clock.now();
        auto wake = now + std::chrono::seconds(5);  // also to notice a removed socket
        for (const auto& [id, held] : keys) wake = std::min(wake, held.expiry);
        if (!asked) wake = std::min(wake, started + grace);
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(wake - now).count();
        pollfd p{listener.get(), POLLIN, 0};
        int ready = ::poll(&p, 1, static_cast<int>(std::clamp<int64_t>(wait, 0, 5000)) + 1);
        if (ready > 0 && (p.revents & POLLIN)) {
            UniqueFd client(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
            if (client.get() >= 0) {
                serve(client.get(), keys, clock);
                asked = true;
            }
        }
        now = clock.now();
        std::erase_if(keys, [&](const auto& kv) { return kv.second.expiry <= now; });
        struct stat current {};
        bool still_ours = ::stat(path.c_str(), &current) == 0 && current.st_ino == mine.st_ino &&
                          current.st_dev == mine.st_dev;
        if (!still_ours || (keys.empty() && (asked || now >= started + grace))) {
            if (still_ours) ::unlink(path.c_str());
            return {};
        }
    }
}

}  // namespace sesame
