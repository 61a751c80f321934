#include "platform/files.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "temp_dir.hpp"

namespace sesame {
namespace {

namespace fs = std::filesystem;

using testing::TempDir;

void write_plain(const std::string& path, const std::string& content) {
    std::ofstream(path) << content;
}

mode_t mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
}

std::set<std::string> entries(const std::string& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.insert(e.path().filename().string());
    return out;
}

TEST(ReadFile, ReturnsWholeContentIncludingNulBytes) {
    TempDir dir;
    const std::string content("a\0b\nc", 5);
    write_plain(dir / "f", content);
    auto got = read_file(dir / "f");
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_EQ(*got, content);
}

TEST(ReadFile, MissingFileErrorNamesPathAndReason) {
    TempDir dir;
    auto got = read_file(dir / "nope");
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find(dir / "nope"), std::string::npos);
    EXPECT_NE(got.error().message.find("No such file"), std::string::npos);
}

TEST(ReadFileIfExists, MissingIsNulloptAndPresentIsContent) {
    TempDir dir;
    auto missing = read_file_if_exists(dir / "nope");
    ASSERT_TRUE(missing);
    EXPECT_FALSE(missing->has_value());
    write_plain(dir / "f", "hello");
    auto present = read_file_if_exists(dir / "f");
    ASSERT_TRUE(present);
    ASSERT_TRUE(present->has_value());
    EXPECT_EQ(**present, "hello");
}

TEST(ReadFileIfExists, DirectoryIsAnError) {
    TempDir dir;
    auto got = read_file_if_exists(dir.path());
    ASSERT_FALSE(got);
    EXPECT_NE(got.error().message.find(dir.path()), std::string::npos);
}

TEST(FilePermissions, ReportsBitsOrNullopt) {
    TempDir dir;
    auto missing = file_permissions(dir / "nope");
    ASSERT_TRUE(missing);
    EXPECT_FALSE(missing->has_value());
    write_plain(dir / "f", "x");
    ::chmod((dir / "f").c_str(), 0640);
    auto present = file_permissions(dir / "f");
    ASSERT_TRUE(present);
    EXPECT_EQ(present->value_or(0), 0640u);
}

TEST(WriteFileAtomic, CreatesFileWithExactModeDespiteUmask) {
    struct Case {
        mode_t mode;
        mode_t umask;
    };
    for (const Case& c : {Case{0600, 022}, Case{0644, 077}, Case{0640, 0}}) {
        TempDir dir;
        const mode_t old_umask = ::umask(c.umask);
        auto written = write_file_atomic(dir / "f", "data", c.mode);
        ::umask(old_umask);
        ASSERT_TRUE(written) << written.error().message;
        EXPECT_EQ(mode_of(dir / "f"), c.mode) << std::oct << c.mode;
        EXPECT_EQ(read_file(dir / "f").value_or(""), "data");
    }
}

TEST(WriteFileAtomic, ReplacesExistingFileAndLeavesNoTemporaryFiles) {
    TempDir dir;
    write_plain(dir / "f", "old content that is longer");
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(write_file_atomic(dir / "f", "new " + std::to_string(i), 0600));
    EXPECT_EQ(read_file(dir / "f").value_or(""), "new 4");
    EXPECT_EQ(entries(dir.path()), std::set<std::string>{"f"});
}

/// Backdates `path` by `seconds`, as a temporary file left by a writer killed a while ago.
void age(const std::string& path, int seconds) {
    struct timespec times[2];
    ::clock_gettime(CLOCK_REALTIME, &times[0]);
    times[0].tv_sec -= seconds;
    times[1] = times[0];
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

TEST(WriteFileAtomic, SweepsTemporaryFilesOfDeadWritersOnly) {
    TempDir dir;
    write_plain(dir / ".vault.tmp-dead", "left by a writer killed with -9");
    age(dir / ".vault.tmp-dead", 60);
    write_plain(dir / ".vault.tmp-live", "a writer still at work holds its lock");
    age(dir / ".vault.tmp-live", 60);
    UniqueFd live(::open((dir / ".vault.tmp-live").c_str(), O_RDONLY | O_CLOEXEC));
    ASSERT_EQ(::flock(live.get(), LOCK_EX | LOCK_NB), 0);
    write_plain(dir / ".vault.tmp-new", "just created, maybe not locked yet");
    write_plain(dir / ".other.tmp-dead", "another file's");
    age(dir / ".other.tmp-dead", 60);
    write_plain(dir / "elsewhere", "x");
    ASSERT_EQ(::symlink((dir / "elsewhere").c_str(), (dir / ".vault.tmp-link").c_str()), 0);
    ASSERT_TRUE(write_file_atomic(dir / "vault", "data", 0600));
    EXPECT_EQ(entries(dir.path()),
              (std::set<std::string>{"vault", ".vault.tmp-live", ".vault.tmp-new", ".other.tmp-dead",
                                     "elsewhere", ".vault.tmp-link"}));
    live.reset();
    EXPECT_EQ(sweep_stale_temp_files(dir.path(), "vault"), 1u) << "its writer has gone now";
    EXPECT_EQ(sweep_stale_temp_files(dir.path(), "other"), 1u);
    EXPECT_EQ(read_file(dir / "elsewhere").value_or(""), "x") << "a link is not followed";
}

TEST(WriteFileAtomic, FailedRenameRemovesTemporaryAndKeepsTarget) {
    TempDir dir;
    // A non-empty directory cannot be replaced by rename(2), so the write fails after the
    // temporary file has been written.
    fs::create_directory(dir / "target");
    write_plain(dir / "target/keep", "kept");
    auto written = write_file_atomic(dir / "target", "data", 0600);
    ASSERT_FALSE(written);
    EXPECT_NE(written.error().message.find(dir / "target"), std::string::npos);
    EXPECT_EQ(entries(dir.path()), std::set<std::string>{"target"});
    EXPECT_EQ(read_file(dir / "target/keep").value_or(""), "kept");
}

TEST(WriteFileAtomic, MissingDirectoryIsAnErrorNamingThePath) {
    TempDir dir;
    auto written = write_file_atomic(dir / "no/such/f", "data", 0600);
    ASSERT_FALSE(written);
    EXPECT_NE(written.error().message.find(dir / "no/such/f"), std::string::npos);
}

TEST(EnsurePrivateDir, CreatesEveryMissingLevelWith0700) {
    TempDir dir;
    const mode_t old_umask = ::umask(0);
    auto made = ensure_private_dir(dir / "a/b/c");
    ::umask(old_umask);
    ASSERT_TRUE(made) << made.error().message;
    for (const char* sub : {"a", "a/b", "a/b/c"}) EXPECT_EQ(mode_of(dir / sub), 0700u) << sub;
}

TEST(EnsurePrivateDir, ExistingDirectoryIsLeftAsIs) {
    TempDir dir;
    fs::create_directory(dir / "d");
    ::chmod((dir / "d").c_str(), 0755);
    ASSERT_TRUE(ensure_private_dir(dir / "d"));
    ASSERT_TRUE(ensure_private_dir(dir / "d/"));
    EXPECT_EQ(mode_of(dir / "d"), 0755u);
}

TEST(EnsurePrivateDir, FileInTheWayIsAnError) {
    TempDir dir;
    write_plain(dir / "f", "x");
    for (const std::string& target : {dir / "f", dir / "f/sub"}) {
        auto made = ensure_private_dir(target);
        ASSERT_FALSE(made) << target;
        EXPECT_NE(made.error().message.find(dir / "f"), std::string::npos);
        EXPECT_NE(made.error().message.find("not a directory"), std::string::npos);
    }
}

TEST(FileLock, SecondAcquireTimesOutNamingTheFileUntilFirstIsReleased) {
    TempDir dir;
    const std::string lock_path = dir / "lock";
    {
        auto first = FileLock::acquire(lock_path, std::chrono::milliseconds(0));
        ASSERT_TRUE(first) << first.error().message;
        EXPECT_EQ(mode_of(lock_path), 0600u);
        auto second = FileLock::acquire(lock_path, std::chrono::milliseconds(50));
        ASSERT_FALSE(second);
        EXPECT_NE(second.error().message.find("another sesame process holds " + lock_path),
                  std::string::npos);
    }
    EXPECT_TRUE(FileLock::acquire(lock_path, std::chrono::milliseconds(0)));
}

TEST(FileLock, MovedLockStaysHeldUntilItsLastOwnerGoes) {
    TempDir dir;
    const std::string lock_path = dir / "lock";
    auto first = FileLock::acquire(lock_path, std::chrono::milliseconds(0));
    ASSERT_TRUE(first);
    {
        FileLock moved = std::move(*first);
        EXPECT_EQ(moved.path(), lock_path);
        EXPECT_FALSE(FileLock::acquire(lock_path, std::chrono::milliseconds(0)));
    }
    EXPECT_TRUE(FileLock::acquire(lock_path, std::chrono::milliseconds(0)));
}

TEST(FileLock, HolderKilledWithSigkillReleasesTheLock) {
    TempDir dir;
    const std::string lock_path = dir / "lock";
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        ::close(ready[0]);
        auto lock = FileLock::acquire(lock_path, std::chrono::milliseconds(1000));
        char ok = lock ? 'y' : 'n';
        if (::write(ready[1], &ok, 1) != 1) ::_exit(2);
        for (;;) ::pause();
    }
    ::close(ready[1]);
    char ok = 0;
    ASSERT_EQ(::read(ready[0], &ok, 1), 1);
    ::close(ready[0]);
    ASSERT_EQ(ok, 'y');

    auto blocked = FileLock::acquire(lock_path, std::chrono::milliseconds(50));
    EXPECT_FALSE(blocked);
    ::kill(child, SIGKILL);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFSIGNALED(status));
    auto after = FileLock::acquire(lock_path, std::chrono::milliseconds(2000));
    EXPECT_TRUE(after) << (after ? "" : after.error().message);
}

}  // namespace
}  // namespace sesame

namespace sesame {
namespace {

using testing::TempDir;

std::string slurp(const std::string& path) {
    return read_file(path).value_or("<unreadable>");
}

/// stow, chezmoi and dotfile repositories link ~/.aws/config to a file elsewhere.
TEST(WriteFileAtomic, WritesALinksTargetAndKeepsTheLink) {
    TempDir dir;
    std::filesystem::create_directories(dir / "dotfiles");
    ASSERT_TRUE(write_file_atomic(dir / "dotfiles/aws-config", "old\n", 0600));
    std::filesystem::create_symlink("dotfiles/aws-config", dir / "config");  // relative
    ASSERT_TRUE(write_file_atomic(dir / "config", "new\n", 0600));
    EXPECT_TRUE(std::filesystem::is_symlink(dir / "config"));
    EXPECT_EQ(slurp(dir / "dotfiles/aws-config"), "new\n");
    for (const auto& e : std::filesystem::directory_iterator(dir / "dotfiles"))
        EXPECT_EQ(e.path().filename(), "aws-config") << "no temporary file is left";
}

TEST(ResolveSymlinks, FollowsChainsAndDanglingLinksAndRefusesLoops) {
    TempDir dir;
    std::filesystem::create_symlink(dir / "b", dir / "a");
    std::filesystem::create_symlink("c", dir / "b");
    EXPECT_EQ(resolve_symlinks(dir / "a").value_or(""), dir / "c") << "the target need not exist";
    EXPECT_EQ(resolve_symlinks(dir / "plain").value_or(""), dir / "plain");
    std::filesystem::create_symlink("loop2", dir / "loop1");
    std::filesystem::create_symlink("loop1", dir / "loop2");
    auto looped = resolve_symlinks(dir / "loop1");
    ASSERT_FALSE(looped);
    EXPECT_NE(looped.error().message.find("loop1"), std::string::npos) << looped.error().message;
}

TEST(EditTextFile, EditsTheTargetWithItsModeAndSaysWhetherItWrote) {
    TempDir dir;
    ASSERT_TRUE(write_file_atomic(dir / "target", "[default]\n", 0640));
    std::filesystem::create_symlink(dir / "target", dir / "link");
    auto append = [](const std::optional<std::string>& text) -> Result<std::optional<std::string>> {
        return std::optional<std::string>(text.value_or("") + "[profile x]\n");
    };
    auto wrote = edit_text_file(dir / "link", append, 0600);
    ASSERT_TRUE(wrote) << wrote.error().message;
    EXPECT_TRUE(*wrote);
    EXPECT_EQ(slurp(dir / "target"), "[default]\n[profile x]\n");
    EXPECT_TRUE(std::filesystem::is_symlink(dir / "link"));
    EXPECT_EQ(file_permissions(dir / "target").value().value(), 0640u) << "the file keeps its own mode";

    auto nothing = [](const std::optional<std::string>&) -> Result<std::optional<std::string>> {
        return std::optional<std::string>{};
    };
    EXPECT_FALSE(edit_text_file(dir / "link", nothing, 0600).value());

    auto created = edit_text_file(dir / "new", append, 0600);
    ASSERT_TRUE(created && *created);
    EXPECT_EQ(slurp(dir / "new"), "[profile x]\n");
    EXPECT_EQ(file_permissions(dir / "new").value().value(), 0600u);
}

/// The user's editor saves the file between sesame's read and its rename: their edit wins and
/// sesame says so, instead of writing back what it read.
TEST(EditTextFile, AFileChangedMeanwhileIsLeftAsItIs) {
    TempDir dir;
    ASSERT_TRUE(write_file_atomic(dir / "config", "[a]\n", 0600));
    auto racing = [&](const std::optional<std::string>& text) -> Result<std::optional<std::string>> {
        EXPECT_TRUE(write_file_atomic(dir / "config", "[a]\n[users-edit]\n", 0600));
        return std::optional<std::string>(text.value_or("") + "[sesames-edit]\n");
    };
    auto wrote = edit_text_file(dir / "config", racing, 0600);
    ASSERT_FALSE(wrote);
    EXPECT_NE(wrote.error().message.find("changed while sesame was editing it"), std::string::npos);
    EXPECT_EQ(slurp(dir / "config"), "[a]\n[users-edit]\n");
    for (const auto& e : std::filesystem::directory_iterator(dir.path()))
        EXPECT_EQ(e.path().filename(), "config") << "no temporary file is left";

    // A file that appears meanwhile counts as a change too.
    auto appearing = [&](const std::optional<std::string>&) -> Result<std::optional<std::string>> {
        EXPECT_TRUE(write_file_atomic(dir / "fresh", "theirs\n", 0600));
        return std::optional<std::string>("ours\n");
    };
    EXPECT_FALSE(edit_text_file(dir / "fresh", appearing, 0600));
    EXPECT_EQ(slurp(dir / "fresh"), "theirs\n");
}

}  // namespace
}  // namespace sesame
