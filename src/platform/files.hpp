#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/unique_fd.hpp"
#include "util/error.hpp"

namespace sesame {

/// The whole file. Errors name the path and the OS reason.
Result<std::string> read_file(const std::string& path);

/// What tells one version of a file from another without reading it, as git's index and ccache
/// use it: rewriting a file changes its ctime, which its owner cannot set back.
struct FileStamp {
    uint64_t dev = 0, ino = 0, size = 0;
    int64_t mtime_ns = 0, ctime_ns = 0;
    bool operator==(const FileStamp&) const = default;
};

/// What ReadOnlyFile::open makes of a path that is not a regular file (a directory, a device).
enum class NotRegular {
    error,    ///< an error naming the path (the vault: something is wrong)
    missing,  ///< no file (botocore's os.path.isfile for AWS_CONFIG_FILE and the credentials file)
};

/// Like read_file, but a missing file is not an error: it reads as nullopt.
Result<std::optional<std::string>> read_file_if_exists(const std::string& path,
                                                       NotRegular not_regular = NotRegular::error);

/// A file open for reading, whole or in parts, with the stamp it had when opened.
class ReadOnlyFile {
  public:
    /// nullopt when `path` does not exist; errors (a directory among them, unless `not_regular`
    /// says it is missing) name the path. With NotRegular::missing a FIFO is not opened (that
    /// would wait for a writer).
    static Result<std::optional<ReadOnlyFile>> open(const std::string& path,
                                                    NotRegular not_regular = NotRegular::error);

    const std::string& path() const { return m_path; }
    const FileStamp& stamp() const { return m_stamp; }
    /// Permission bits (st_mode & 07777) when opened.
    mode_t permissions() const { return m_permissions; }

    /// The whole file from its start (all of it, should it have grown since it was opened).
    Result<std::string> read_all() const;
    /// Up to `size` bytes at `offset` (fewer at the end of the file); nullopt on a read error.
    std::optional<std::string> read_at(uint64_t offset, size_t size) const;
    /// Whether the file still has the stamp it had when opened.
    bool unchanged() const;

  private:
    ReadOnlyFile(std::string path, UniqueFd fd, FileStamp stamp, mode_t permissions)
        : m_path(std::move(path)), m_fd(std::move(fd)), m_stamp(stamp), m_permissions(permissions) {}

    std::string m_path;
    UniqueFd m_fd;
    FileStamp m_stamp;
    mode_t m_permissions = 0;
};

/// Permission bits (st_mode & 07777) of `path`, following symlinks; nullopt when it does not exist.
Result<std::optional<mode_t>> file_permissions(const std::string& path);

/// The file `path` finally names: symbolic links followed (a relative target against its link's
/// folder), at most 40 of them; `path` itself when it is not a link. The target need not exist.
Result<std::string> resolve_symlinks(const std::string& path);

/// Replaces `path` with `data` so that readers (and a crash) see either the old or the new file,
/// never a mix: writes a randomly named temporary file in the same directory (O_EXCL, exactly
/// `mode` regardless of umask), fsyncs it, renames it over `path`, then fsyncs the directory.
/// On any failure before the rename the temporary file is removed and the old file is untouched.
/// A symbolic link is followed, not replaced: its target gets the new content (dotfile managers
/// link ~/.aws/config into a repository, and the link must keep pointing at the edited file).
Result<void> write_file_atomic(const std::string& path, std::string_view data, mode_t mode);

/// How old a temporary file must be before a sweep may take it for a dead writer's: the one
/// moment a live writer's file is not yet locked is between its open and its flock.
inline constexpr std::chrono::seconds k_temp_file_grace{2};

/// Removes the temporary files (`.NAME.tmp-*`, this user's, regular) that writers of `dir`/`name`
/// killed mid-write (kill -9, a crash, power loss) left behind. A live writer holds an flock on
/// its temporary file until it is renamed, so one that can be locked, and is older than
/// k_temp_file_grace, has no owner left. Every write_file_atomic sweeps before it writes; returns
/// how many were removed. Best effort: an unreadable folder removes nothing.
size_t sweep_stale_temp_files(const std::string& dir, std::string_view name);

/// The sweep behind sweep_stale_temp_files, for any flock-while-alive convention: removes the
/// entries of `dir` whose names start with `prefix` and that left_by_a_dead_owner(k_temp_file_grace) says are
/// stale. Regular files; or, when `inside` is given, folders, after removing the file `inside`
/// each (an endpoint's token folder). Symbolic links are never followed. Returns how many went.
size_t sweep_left_by_dead_owners(const std::string& dir, std::string_view prefix,
                                 std::string_view inside = {});

/// True when `fd` (a file or folder of this user's, older than `min_age`) can be flock'ed at
/// once: whoever created it and held its lock is gone. The lock is then held through `fd`.
bool left_by_a_dead_owner(int fd, std::chrono::seconds min_age);

/// What an edit makes of a text file: nullopt leaves the file as it is.
using TextEdit = std::function<Result<std::optional<std::string>>(const std::optional<std::string>& current)>;

/// Read-modify-write of a text file: reads `path`'s target (symlinks followed; nullopt when there
/// is no file), applies `edit`, and replaces the target atomically with its own mode kept
/// (`new_mode` for a file it creates). If the file changed between the read and the replace (an
/// editor saved it meanwhile), nothing is written and the error says so. Returns whether it
/// wrote. Edits by several sesame processes must also hold one lock (Context::edit_config).
Result<bool> edit_text_file(const std::string& path, const TextEdit& edit, mode_t new_mode);

/// mkdir -p, giving each directory it creates mode 0700. Fails if `path` (or a parent) exists
/// and is not a directory. Existing directories keep their mode: callers check it if it matters.
Result<void> ensure_private_dir(const std::string& path);

/// An exclusive flock(2) on a lock file, so that one sesame process at a time reads-modifies-writes
/// a file. The kernel releases it when the process dies, so a crash never leaves a stale lock.
/// Each acquire opens its own file description, so it also excludes other threads of this process.
class FileLock {
  public:
    /// Creates `path` (mode 0600) if needed and locks it, waiting up to `timeout` for another
    /// holder; then fails with "another sesame process holds <path>".
    static Result<FileLock> acquire(const std::string& path, std::chrono::milliseconds timeout);

    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

    const std::string& path() const { return m_path; }

  private:
    FileLock(std::string path, int fd) : m_path(std::move(path)), m_fd(fd) {}
    void release() noexcept;

    std::string m_path;
    int m_fd = -1;
};

/// The files (anything but directories, as Go's filepath.Walk reports them) under `dir`, as paths
/// relative to it, sorted; with `recursive`, those in its subfolders too (symbolic links are
/// listed, never followed). nullopt when `dir` does not exist. For reading other tools' stores
/// (aws-vault's), which keep one item per file.
Result<std::optional<std::vector<std::string>>> list_files(const std::string& dir, bool recursive);

}  // namespace sesame
