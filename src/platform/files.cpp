#include "platform/files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <thread>
#include <utility>
#include <vector>

namespace sesame {
namespace {

std::string errno_text(int err) {
    return std::strerror(err);
}

std::string parent_dir(const std::string& path) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

std::string base_name(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

/// 16 hex characters from getrandom(2), for temporary file names that other writers cannot guess.
std::string random_suffix() {
    unsigned char bytes[8] = {};
    size_t got = 0;
    while (got < sizeof bytes) {
        ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n < 0) {
            if (errno == EINTR) continue;
            break;  // O_EXCL still guarantees we never clobber a file; a clash just retries
        }
        got += static_cast<size_t>(n);
    }
    std::string out;
    for (unsigned char b : bytes) out += fmt::format("{:02x}", b);
    return out;
}

Result<void> write_all(int fd, std::string_view data, const std::string& path) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail(fmt::format("cannot write {}: {}", path, errno_text(errno)));
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return {};
}

Result<void> write_and_sync(int fd, std::string_view data, mode_t mode, const std::string& tmp) {
    // fchmod so the file gets exactly `mode` whatever the umask.
    if (::fchmod(fd, mode) != 0) return fail(fmt::format("cannot chmod {}: {}", tmp, errno_text(errno)));
    SESAME_TRY(write_all(fd, data, tmp));
    if (::fsync(fd) != 0) return fail(fmt::format("cannot sync {}: {}", tmp, errno_text(errno)));
    return {};
}

}  // namespace

Result<std::string> read_file(const std::string& path) {
    auto content = read_file_if_exists(path);
    if (!content) return std::unexpected(std::move(content.error()));
    if (!*content) return fail(fmt::format("cannot read {}: {}", path, errno_text(ENOENT)));
    return std::move(**content);
}

Result<std::optional<std::string>> read_file_if_exists(const std::string& path, NotRegular not_regular) {
    auto file = ReadOnlyFile::open(path, not_regular);
    if (!file) return std::unexpected(std::move(file.error()));
    if (!*file) return std::optional<std::string>{};
    auto text = (*file)->read_all();
    if (!text) return std::unexpected(std::move(text.error()));
    return std::optional<std::string>(std::move(*text));
}

namespace {

FileStamp stamp_of(const struct stat& s) {
    return FileStamp{static_cast<uint64_t>(s.st_dev), static_cast<uint64_t>(s.st_ino),
                     static_cast<uint64_t>(std::max<off_t>(s.st_size, 0)),
                     static_cast<int64_t>(s.st_mtim.tv_sec) * 1'000'000'000 + s.st_mtim.tv_nsec,
                     static_cast<int64_t>(s.st_ctim.tv_sec) * 1'000'000'000 + s.st_ctim.tv_nsec};
}

}  // namespace

Result<std::optional<ReadOnlyFile>> ReadOnlyFile::open(const std::string& path, NotRegular not_regular) {
    const bool lenient = not_regular == NotRegular::missing;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | (lenient ? O_NONBLOCK : 0)));
    if (fd.get() < 0) {
        if (errno == ENOENT) return std::optional<ReadOnlyFile>{};
        return fail(fmt::format("cannot read {}: {}", path, errno_text(errno)));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return fail(fmt::format("cannot read {}: {}", path, errno_text(errno)));
    if (lenient && !S_ISREG(st.st_mode)) return std::optional<ReadOnlyFile>{};
    if (S_ISDIR(st.st_mode)) return fail(fmt::format("cannot read {}: {}", path, errno_text(EISDIR)));
    if (lenient) ::fcntl(fd.get(), F_SETFL, 0);  // back to blocking reads
    return std::optional<ReadOnlyFile>(ReadOnlyFile(path, std::move(fd), stamp_of(st), st.st_mode & 07777));
}

Result<std::string> ReadOnlyFile::read_all() const {
    // Read straight into the string, sized from the stamp plus one spare byte to see the end (a
    // file that grew is read on in doubling steps): no bounce buffer, no zero-filling first, one
    // copy.
    std::string out;
    const size_t announced = static_cast<size_t>(m_stamp.size) + 1;
    size_t chunk = announced;
    for (;;) {
        const size_t used = out.size();
        ssize_t n = 0;
        int err = 0;
        out.resize_and_overwrite(used + chunk, [&](char* p, size_t) {
            do n = ::pread(m_fd.get(), p + used, chunk, static_cast<off_t>(used));
            while (n < 0 && errno == EINTR);
            err = errno;
            return used + (n > 0 ? static_cast<size_t>(n) : 0);
        });
        if (n < 0) return fail(fmt::format("cannot read {}: {}", m_path, errno_text(err)));
        if (n == 0) break;
        chunk = out.size() < announced ? announced - out.size() : std::max<size_t>(out.size(), 4096);
    }
    return out;
}

std::optional<std::string> ReadOnlyFile::read_at(uint64_t offset, size_t size) const {
    std::string out;
    ssize_t n = 0;
    out.resize_and_overwrite(size, [&](char* p, size_t) {
        size_t got = 0;
        while (got < size) {
            n = ::pread(m_fd.get(), p + got, size - got, static_cast<off_t>(offset + got));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            got += static_cast<size_t>(n);
        }
        return got;
    });
    if (n < 0) return std::nullopt;
    return out;
}

bool ReadOnlyFile::unchanged() const {
    struct stat st {};
    return ::fstat(m_fd.get(), &st) == 0 && stamp_of(st) == m_stamp;
}

Result<std::optional<mode_t>> file_permissions(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return std::optional<mode_t>{};
        return fail(fmt::format("cannot inspect {}: {}", path, errno_text(errno)));
    }
    return std::optional<mode_t>(st.st_mode & 07777);
}

Result<std::string> resolve_symlinks(const std::string& path) {
    std::string current = path;
    for (int hops = 0; hops < 40; ++hops) {
        struct stat st {};
        if (::lstat(current.c_str(), &st) != 0) {
            if (errno == ENOENT) return current;
            return fail(fmt::format("cannot inspect {}: {}", current, errno_text(errno)));
        }
        if (!S_ISLNK(st.st_mode)) return current;
        std::string target(PATH_MAX, '\0');
        ssize_t n = ::readlink(current.c_str(), target.data(), target.size());
        if (n < 0) return fail(fmt::format("cannot read the link {}: {}", current, errno_text(errno)));
        target.resize(static_cast<size_t>(n));
        current = target.starts_with('/') ? target : parent_dir(current) + "/" + target;
    }
    return fail(fmt::format("cannot follow {}: {}", path, errno_text(ELOOP)));
}

namespace {

/// Writes `data` to a temporary file beside `target` and renames it over `target` once
/// `still_ok` (if any) agrees; see write_file_atomic.
Result<void> replace_file(const std::string& target, std::string_view data, mode_t mode,
                          const std::function<Result<void>()>& still_ok) {
    const std::string dir = parent_dir(target);
    sweep_stale_temp_files(dir, base_name(target));
    std::string tmp;
    int raw_fd = -1;
    for (int attempt = 0; attempt < 16 && raw_fd < 0; ++attempt) {
        tmp = fmt::format("{}/.{}.tmp-{}", dir, base_name(target), random_suffix());
        raw_fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode & 0777);
        if (raw_fd < 0 && errno != EEXIST) break;
    }
    if (raw_fd < 0) return fail(fmt::format("cannot write {}: {}", target, errno_text(errno)));
    UniqueFd fd(raw_fd);
    // Held until the file is renamed or removed: a writer that finds it unlocked knows its
    // owner died (sweep_stale_temp_files).
    (void)::flock(fd.get(), LOCK_EX | LOCK_NB);

    auto written = write_and_sync(fd.get(), data, mode, tmp);
    if (written && fd.close() != 0)
        written = fail(fmt::format("cannot write {}: {}", tmp, errno_text(errno)));
    if (written && still_ok) written = still_ok();
    if (written && ::rename(tmp.c_str(), target.c_str()) != 0)
        written = fail(fmt::format("cannot replace {}: {}", target, errno_text(errno)));
    if (!written) {
        ::unlink(tmp.c_str());
        return written;
    }

    // Make the rename itself durable. Some file systems cannot fsync a directory (EINVAL); the
    // new content is already in place then, so only real I/O errors are reported.
    UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir_fd.get() >= 0 && ::fsync(dir_fd.get()) != 0 && errno != EINVAL)
        return fail(fmt::format("wrote {} but cannot sync its directory: {}", target, errno_text(errno)));
    return {};
}

}  // namespace

bool left_by_a_dead_owner(int fd, std::chrono::seconds min_age) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_uid != ::geteuid()) return false;
    // A file created this instant may not be locked yet by the process creating it.
    auto age = std::chrono::system_clock::now() -
               std::chrono::system_clock::time_point(std::chrono::seconds(st.st_mtim.tv_sec) +
                                                     std::chrono::nanoseconds(st.st_mtim.tv_nsec));
    if (age < min_age) return false;
    return ::flock(fd, LOCK_EX | LOCK_NB) == 0;
}

size_t sweep_left_by_dead_owners(const std::string& dir, std::string_view prefix, std::string_view inside) {
    UniqueFd dir_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir_fd.get() < 0) return 0;
    DIR* listing = ::fdopendir(::dup(dir_fd.get()));
    if (!listing) return 0;
    const bool folders = !inside.empty();
    const std::string inside_name(inside);
    std::vector<std::string> stale;
    while (const dirent* e = ::readdir(listing)) {
        std::string_view entry(e->d_name);
        if (!entry.starts_with(prefix)) continue;
        UniqueFd fd(::openat(dir_fd.get(), e->d_name,
                             O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | (folders ? O_DIRECTORY : 0)));
        if (fd.get() < 0) continue;
        struct stat st {};
        if (::fstat(fd.get(), &st) != 0 || !(folders ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode))) continue;
        if (!left_by_a_dead_owner(fd.get(), k_temp_file_grace)) continue;
        if (folders) ::unlinkat(fd.get(), inside_name.c_str(), 0);
        stale.emplace_back(entry);
    }
    ::closedir(listing);
    size_t removed = 0;
    for (const auto& entry : stale)
        removed += ::unlinkat(dir_fd.get(), entry.c_str(), folders ? AT_REMOVEDIR : 0) == 0;
    return removed;
}

size_t sweep_stale_temp_files(const std::string& dir, std::string_view name) {
    return sweep_left_by_dead_owners(dir, fmt::format(".{}.tmp-", name));
}

Result<void> write_file_atomic(const std::string& path, std::string_view data, mode_t mode) {
    auto target = resolve_symlinks(path);
    if (!target) return std::unexpected(std::move(target.error()));
    return replace_file(*target, data, mode, nullptr);
}

Result<bool> edit_text_file(const std::string& path, const TextEdit& edit, mode_t new_mode) {
    auto target = resolve_symlinks(path);
    if (!target) return std::unexpected(std::move(target.error()));
    auto file = ReadOnlyFile::open(*target);
    if (!file) return std::unexpected(std::move(file.error()));
    std::optional<std::string> current;
    if (*file) {
        auto text = (*file)->read_all();
        if (!text) return std::unexpected(std::move(text.error()));
        current = std::move(*text);
    }
    auto edited = edit(current);
    if (!edited) return std::unexpected(std::move(edited.error()));
    if (!*edited) return false;
    const std::optional<FileStamp> read_stamp =
        *file ? std::optional<FileStamp>((*file)->stamp()) : std::nullopt;
    auto unchanged = [&]() -> Result<void> {
        struct stat st {};
        std::optional<FileStamp> now;
        if (::stat(target->c_str(), &st) == 0) now = stamp_of(st);
        if (now == read_stamp) return {};
        return fail(fmt::format("{} changed while sesame was editing it; it was left as it is", *target),
                    "run the command again");
    };
    SESAME_TRY(replace_file(*target, **edited, *file ? (*file)->permissions() : new_mode, unchanged));
    return true;
}

Result<void> ensure_private_dir(const std::string& path) {
    if (path.empty()) return fail("cannot create a directory with an empty name");
    size_t pos = 0;
    for (;;) {
        pos = path.find('/', pos + 1);
        const std::string prefix = path.substr(0, pos);
        if (!prefix.empty() && prefix.back() != '/') {
            if (::mkdir(prefix.c_str(), 0700) == 0) {
                // mkdir's mode is filtered by the umask; make what we created exactly private.
                if (::chmod(prefix.c_str(), 0700) != 0)
                    return fail(fmt::format("cannot chmod {}: {}", prefix, errno_text(errno)));
            } else if (errno != EEXIST) {
                return fail(fmt::format("cannot create directory {}: {}", prefix, errno_text(errno)));
            } else {
                struct stat st {};
                if (::stat(prefix.c_str(), &st) != 0)
                    return fail(fmt::format("cannot inspect {}: {}", prefix, errno_text(errno)));
                if (!S_ISDIR(st.st_mode))
                    return fail(fmt::format("{} exists and is not a directory", prefix),
                                "move it away or choose another directory");
            }
        }
        if (pos == std::string::npos) return {};
    }
}

Result<FileLock> FileLock::acquire(const std::string& path, std::chrono::milliseconds timeout) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return fail(fmt::format("cannot open lock file {}: {}", path, errno_text(errno)));
    FileLock lock(path, fd);  // closes fd on every early return

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0) return lock;
        if (errno == EINTR) continue;
        if (errno != EWOULDBLOCK) return fail(fmt::format("cannot lock {}: {}", path, errno_text(errno)));
        if (std::chrono::steady_clock::now() >= deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return fail(fmt::format("another sesame process holds {} (waited {} ms)", path, timeout.count()),
                "wait for the other sesame command to finish, then try again");
}

FileLock::FileLock(FileLock&& other) noexcept : m_path(std::move(other.m_path)), m_fd(other.m_fd) {
    other.m_fd = -1;
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        release();
        m_path = std::move(other.m_path);
        m_fd = other.m_fd;
        other.m_fd = -1;
    }
    return *this;
}

FileLock::~FileLock() {
    release();
}

void FileLock::release() noexcept {
    if (m_fd < 0) return;
    // Unlock explicitly: a child forked while we held the lock shares the file description,
    // and close alone would leave the lock held until that child exits too.
    ::flock(m_fd, LOCK_UN);
    ::close(m_fd);
    m_fd = -1;
}

namespace {

Result<void> list_into(const std::string& dir, const std::string& relative, bool recursive,
                       std::vector<std::string>& out) {
    DIR* listing = ::opendir(dir.c_str());
    if (listing == nullptr) return fail(fmt::format("cannot list {}: {}", dir, errno_text(errno)));
    std::vector<std::pair<std::string, bool>> entries;  // name, is a directory
    while (const dirent* e = ::readdir(listing)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        struct stat st {};
        if (::lstat((dir + "/" + name).c_str(), &st) != 0) continue;  // gone meanwhile
        entries.emplace_back(std::move(name), S_ISDIR(st.st_mode));
    }
    ::closedir(listing);
    for (auto& [name, is_dir] : entries) {
        std::string path = relative.empty() ? name : relative + "/" + name;
        if (!is_dir) {
            out.push_back(std::move(path));
        } else if (recursive) {
            SESAME_TRY(list_into(dir + "/" + name, path, recursive, out));
        }
    }
    return {};
}

}  // namespace

Result<std::optional<std::vector<std::string>>> list_files(const std::string& dir, bool recursive) {
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0) {
        if (errno == ENOENT) return std::optional<std::vector<std::string>>();
        return fail(fmt::format("cannot read {}: {}", dir, errno_text(errno)));
    }
    if (!S_ISDIR(st.st_mode)) return fail(fmt::format("{} is not a folder", dir));
    std::vector<std::string> out;
    SESAME_TRY(list_into(dir, "", recursive, out));
    std::sort(out.begin(), out.end());
    return std::optional<std::vector<std::string>>(std::move(out));
}

}  // namespace sesame
