#include "vault/file_vault.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "platform/files.hpp"
#include "temp_dir.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

using testing::TempDir;

/// Answers with a fixed passphrase and records every request.
class FakePassphrase final : public PassphraseSource {
  public:
    explicit FakePassphrase(std::string value) : m_value(std::move(value)) {}
    Result<Secret> passphrase(bool creating) override {
        requests.push_back(creating);
        return Secret(m_value);
    }
    std::vector<bool> requests;

  private:
    std::string m_value;
};

const TimePoint k_now = *parse_rfc3339("2026-03-04T05:06:07Z");

FileVaultOptions fast() {
    return FileVaultOptions{minimum_kdf_params(), 2000ms};
}

/// Whether `r` failed with a message containing `fragment`.
template <class T>
::testing::AssertionResult fails_with(const Result<T>& r, const std::string& fragment) {
    if (r) return ::testing::AssertionFailure() << "succeeded; expected an error containing: " << fragment;
    if (r.error().message.find(fragment) == std::string::npos)
        return ::testing::AssertionFailure() << "error \"" << r.error().message << "\" lacks: " << fragment;
    return ::testing::AssertionSuccess();
}

std::string slurp(const std::string& path) {
    return read_file(path).value_or("<unreadable>");
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

StoredSession sample_session(TimePoint expiration) {
    StoredSession s;
    s.profile = "prod-profile-name";
    s.kind = "AssumeRole";
    s.access_key_id = "ASIASESSIONKEYID0001";
    s.secret_access_key = Secret("session-secret-access-key-0123456789");
    s.session_token = Secret("FwoGZXIvYXdzSESSIONTOKEN0123456789");
    s.expiration = expiration;
    s.created = k_now;
    s.mfa_serial = "arn:aws:iam::123456789012:mfa/alice";
    s.role_arn = "arn:aws:iam::123456789012:role/admin";
    return s;
}

Result<void> add_key(FileVault& vault, const std::string& profile) {
    return vault.update([&](VaultData& d) -> Result<void> {
        d.keys[profile] =
            StoredKey{"AKIALONGTERMKEYID001", Secret("long-term-secret-access-key-abcdef"), k_now};
        return {};
    });
}

/// A vault at <tmp>/vault holding one key and one session, made with passphrase "correct horse".
struct Fixture {
    TempDir tmp;
    std::string dir = tmp / "vault";
    FixedClock clock{k_now};
    FakePassphrase passphrase{"correct horse"};
    FileVault vault{dir, passphrase, clock, fast()};

    void populate() {
        ASSERT_TRUE(add_key(vault, "prod-profile-name"));
        ASSERT_TRUE(vault.update([&](VaultData& d) -> Result<void> {
            d.sessions["cache-key"] = sample_session(k_now + 1h);
            return {};
        }));
    }
};

/// Counts forget() calls, as PromptPassphrase drops SESAME_FILE_PASSPHRASE.
class ForgettingPassphrase final : public PassphraseSource {
  public:
    Result<Secret> passphrase(bool) override { return Secret("correct horse"); }
    void forget() override { ++forgotten; }
    int forgotten = 0;
};

TEST(FileVault, ConfinedToAChainItLoadsOnlyItsKeysAndStillWritesTheRest) {
    TempDir tmp;
    FixedClock clock{k_now};
    ForgettingPassphrase passphrase;
    FileVault vault{tmp / "vault", passphrase, clock, fast()};
    ASSERT_TRUE(add_key(vault, "alice"));
    ASSERT_TRUE(add_key(vault, "bob"));
    ASSERT_EQ(vault.load()->keys.size(), 2u);
    vault.confine({"alice"});
    EXPECT_EQ(passphrase.forgotten, 1);
    auto data = vault.load();
    ASSERT_TRUE(data);
    EXPECT_EQ(data->keys.size(), 1u);
    EXPECT_TRUE(data->keys.contains("alice"));
    // A session cached by the confined process must not drop the keys it does not see.
    ASSERT_TRUE(vault.update([&](VaultData& d) -> Result<void> {
        d.sessions["cache-key"] = sample_session(k_now + 1h);
        return {};
    }));
    FileVault other{tmp / "vault", passphrase, clock, fast()};
    auto all = other.load();
    ASSERT_TRUE(all);
    EXPECT_TRUE(all->keys.contains("bob")) << "confinement lost another profile's key on write";
    EXPECT_EQ(all->sessions.size(), 1u);
}

TEST(FileVault, AbsentVaultLoadsEmptyWithoutAskingOrCreatingAnything) {
    Fixture f;
    EXPECT_EQ(f.vault.path(), f.dir + "/vault.sesame");
    EXPECT_FALSE(f.vault.exists());
    auto data = f.vault.load();
    ASSERT_TRUE(data) << data.error().message;
    EXPECT_TRUE(data->keys.empty());
    EXPECT_TRUE(f.passphrase.requests.empty());
    EXPECT_FALSE(fs::exists(f.dir));
}

TEST(FileVault, RoundTripThroughANewVaultObject) {
    Fixture f;
    f.populate();
    EXPECT_TRUE(f.vault.exists());
    // Created once (asked with creating=true), then the cached key served the second update.
    EXPECT_EQ(f.passphrase.requests, std::vector<bool>{true});

    FakePassphrase other{"correct horse"};
    FileVault reopened(f.dir, other, f.clock, fast());
    auto data = reopened.load();
    ASSERT_TRUE(data) << data.error().message;
    ASSERT_TRUE(data->keys.contains("prod-profile-name"));
    EXPECT_EQ(data->keys.at("prod-profile-name").secret_access_key.reveal(),
              "long-term-secret-access-key-abcdef");
    ASSERT_TRUE(data->sessions.contains("cache-key"));
    EXPECT_EQ(data->sessions.at("cache-key"), sample_session(k_now + 1h));
    EXPECT_EQ(other.requests, std::vector<bool>{false});
}

TEST(FileVault, LoadThenUpdateInOneProcessAsksOnce) {
    Fixture f;
    f.populate();
    FakePassphrase other{"correct horse"};
    FileVault vault(f.dir, other, f.clock, fast());
    ASSERT_TRUE(vault.load());
    ASSERT_TRUE(add_key(vault, "second"));
    ASSERT_TRUE(vault.load());
    EXPECT_EQ(other.requests.size(), 1u);
}

TEST(FileVault, HeaderFollowsTheDocumentedFormatAndEveryWriteHasANewNonce) {
    Fixture f;
    f.populate();
    const std::string file = slurp(f.vault.path());
    ASSERT_GT(file.size(), 72u + 16u);
    EXPECT_EQ(file.substr(0, 8), std::string("SESAME\x00\x01", 8));
    EXPECT_EQ(file.substr(8, 4), std::string("\x01\x00\x00\x00", 4));   // format version
    EXPECT_EQ(file.substr(12, 4), std::string("\x01\x00\x00\x00", 4));  // argon2id13
    const KdfParams kdf = minimum_kdf_params();
    uint64_t ops = 0, mem = 0;
    for (int i = 7; i >= 0; --i) {
        ops = (ops << 8) | static_cast<unsigned char>(file[16 + i]);
        mem = (mem << 8) | static_cast<unsigned char>(file[24 + i]);
    }
    EXPECT_EQ(ops, kdf.opslimit);
    EXPECT_EQ(mem, kdf.memlimit);

    ASSERT_TRUE(f.vault.update([](VaultData&) -> Result<void> { return {}; }));
    const std::string after = slurp(f.vault.path());
    ASSERT_EQ(file.size(), after.size());
    EXPECT_EQ(file.substr(0, 48), after.substr(0, 48));    // magic, params and salt are kept
    EXPECT_NE(file.substr(48, 24), after.substr(48, 24));  // nonce
    EXPECT_NE(file.substr(72), after.substr(72));
}

TEST(FileVault, NothingIsStoredInClear) {
    Fixture f;
    f.populate();
    const std::string file = slurp(f.vault.path());
    // clang-format off
    const std::vector<std::string> needles = {
        "prod-profile-name", "cache-key", "AKIALONGTERMKEYID001", "long-term-secret-access-key",
        "ASIASESSIONKEYID0001", "session-secret-access-key", "SESSIONTOKEN", "alice", "role/admin",
        "AssumeRole", format_rfc3339(k_now + 1h), "2026", "version"};
    // clang-format on
    for (const std::string& needle : needles) EXPECT_EQ(file.find(needle), std::string::npos) << needle;
}

TEST(FileVault, CreatesPrivateDirectoryAndFiles) {
    TempDir tmp;
    const std::string dir = tmp / "a/b/sesame";
    FixedClock clock{k_now};
    FakePassphrase passphrase{"pw"};
    FileVault vault(dir, passphrase, clock, fast());
    const mode_t old_umask = ::umask(0);
    auto added = add_key(vault, "p");
    ::umask(old_umask);
    ASSERT_TRUE(added) << added.error().message;
    EXPECT_EQ(mode_of(dir), 0700u);
    EXPECT_EQ(mode_of(tmp / "a"), 0700u);
    EXPECT_EQ(mode_of(vault.path()), 0600u);
    EXPECT_EQ(mode_of(vault.path() + ".lock"), 0600u);
}

TEST(FileVault, RefusesFilesOrDirectoriesOthersCanAccess) {
    struct Case {
        const char* target;  // "file" or "dir"
        mode_t mode;
        const char* hint;
    };
    for (const Case& c : {Case{"file", 0644, "chmod 600"}, Case{"file", 0620, "chmod 600"},
                          Case{"dir", 0755, "chmod 700"}, Case{"dir", 0701, "chmod 700"}}) {
        Fixture f;
        f.populate();
        const std::string target = std::string(c.target) == "file" ? f.vault.path() : f.dir;
        ASSERT_EQ(::chmod(target.c_str(), c.mode), 0);
        const std::string before = slurp(f.vault.path());

        FakePassphrase other{"correct horse"};
        FileVault vault(f.dir, other, f.clock, fast());
        auto loaded = vault.load();
        ASSERT_TRUE(fails_with(loaded, target));
        EXPECT_NE(loaded.error().hint.find(c.hint), std::string::npos) << loaded.error().hint;
        EXPECT_FALSE(add_key(vault, "x"));
        EXPECT_TRUE(other.requests.empty());
        EXPECT_EQ(slurp(f.vault.path()), before);
    }
}

TEST(FileVault, UninspectableVaultPathIsAnErrorNotAnEmptyVault) {
    TempDir tmp;
    std::ofstream(tmp / "not-a-dir") << "x";
    FixedClock clock{k_now};
    FakePassphrase passphrase{"pw"};
    FileVault vault(tmp / "not-a-dir", passphrase, clock, fast());
    auto loaded = vault.load();  // stat fails with ENOTDIR rather than ENOENT
    ASSERT_TRUE(fails_with(loaded, vault.path()));
    auto added = add_key(vault, "p");
    ASSERT_TRUE(fails_with(added, "not a directory"));
    EXPECT_TRUE(passphrase.requests.empty());
}

TEST(FileVault, WrongPassphraseIsReportedAndChangesNothing) {
    Fixture f;
    f.populate();
    const std::string before = slurp(f.vault.path());
    FakePassphrase wrong{"incorrect horse"};
    FileVault vault(f.dir, wrong, f.clock, fast());
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto loaded = vault.load();
        ASSERT_FALSE(loaded);
        EXPECT_EQ(loaded.error().message, "wrong passphrase for the vault at " + f.vault.path());
        EXPECT_NE(loaded.error().hint.find("try again"), std::string::npos);
        EXPECT_FALSE(add_key(vault, "intruder"));
    }
    // The failed key is not cached: every attempt asked again.
    EXPECT_EQ(wrong.requests.size(), 4u);
    EXPECT_EQ(slurp(f.vault.path()), before);
}

/// A person at a terminal: answers from a list, and may be asked again after a wrong one.
class TypedPassphrases final : public PassphraseSource {
  public:
    explicit TypedPassphrases(std::vector<std::string> typed) : m_typed(std::move(typed)) {}
    Result<Secret> passphrase(bool) override {
        if (asked == m_typed.size()) return fail("no more answers");
        return Secret(m_typed[asked++]);
    }
    bool ask_again() override { return true; }
    size_t asked = 0;

  private:
    std::vector<std::string> m_typed;
};

/// SESAME_FILE_PASSPHRASE: the same answer every time, never asked again.
class PresetPassphrase final : public PassphraseSource {
  public:
    Result<Secret> passphrase(bool) override {
        ++asked;
        return Secret("incorrect horse");
    }
    std::optional<Secret> preset() override { return Secret("incorrect horse"); }
    int asked = 0;
};

TEST(FileVault, AWrongPassphraseTypedIsAskedAgainThreeTimesInAll) {
    Fixture f;
    f.populate();
    TypedPassphrases typo({"corect horse", "correct hores", "correct horse"});
    FileVault vault(f.dir, typo, f.clock, fast());
    auto loaded = vault.load();
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(typo.asked, 3u);
    EXPECT_EQ(loaded->keys.count("prod-profile-name"), 1u);

    TypedPassphrases wrong({"a", "b", "c", "correct horse"});
    FileVault closed(f.dir, wrong, f.clock, fast());
    auto refused = closed.load();
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message, "wrong passphrase for the vault at " + f.vault.path() + " (3 tries)");
    EXPECT_EQ(wrong.asked, 3u);
}

TEST(FileVault, AWrongPresetPassphraseFailsAtOnceNamingIt) {
    Fixture f;
    f.populate();
    PresetPassphrase preset;
    FileVault vault(f.dir, preset, f.clock, fast());
    auto loaded = vault.load();
    ASSERT_FALSE(loaded);
    EXPECT_EQ(preset.asked, 1);
    EXPECT_NE(loaded.error().message.find("SESAME_FILE_PASSPHRASE does not open it"), std::string::npos)
        << loaded.error().message;
    EXPECT_NE(loaded.error().hint.find("unset it to be asked"), std::string::npos);
}

TEST(FileVault, DamagedFilesAreToldApartFromWrongPassphrases) {
    // Each case keeps the first `keep` bytes (negative: drops that many from the end), then
    // XORs the byte at `at` with `mask`.
    constexpr long k_all = 1L << 30;
    const std::string k_damaged = "is not a sesame vault or is damaged";
    struct Case {
        const char* name;
        long keep;
        size_t at;
        unsigned char mask;
        std::string expected;
    };
    const Case cases[] = {
        {"empty", 0, 0, 0, k_damaged},
        {"truncated header", 40, 0, 0, k_damaged},
        {"no tag", 80, 0, 0, k_damaged},
        {"bad magic", k_all, 0, 'S' ^ 'X', k_damaged},
        {"unknown kdf", k_all, 12, 1 ^ 2, k_damaged},
        {"zero opslimit", k_all, 16, 1, k_damaged},  // minimum_kdf_params has opslimit 1
        {"newer format", k_all, 8, 1 ^ 2, "was written by a newer sesame"},
        // Past the header, damage and a wrong passphrase look the same to a fresh reader.
        {"flipped ciphertext", k_all, 80, 1, "wrong passphrase"},
        {"flipped salt", k_all, 40, 1, "wrong passphrase"},
        {"truncated ciphertext", -1, 0, 0, "wrong passphrase"},
    };
    for (const Case& c : cases) {
        Fixture f;
        f.populate();
        std::string damaged = slurp(f.vault.path());
        const long size = static_cast<long>(damaged.size());
        damaged.resize(static_cast<size_t>(std::min(c.keep < 0 ? size + c.keep : c.keep, size)));
        if (c.at < damaged.size()) damaged[c.at] = static_cast<char>(damaged[c.at] ^ c.mask);
        ASSERT_TRUE(write_file_atomic(f.vault.path(), damaged, 0600));
        FakePassphrase other{"correct horse"};
        FileVault vault(f.dir, other, f.clock, fast());
        auto loaded = vault.load();
        ASSERT_TRUE(fails_with(loaded, c.expected)) << c.name;
        EXPECT_TRUE(fails_with(loaded, f.vault.path())) << c.name;
        EXPECT_FALSE(add_key(vault, "x")) << c.name;
        EXPECT_EQ(slurp(f.vault.path()), damaged) << c.name;
    }
}

TEST(FileVault, DamageSeenWithAKeyThatWorkedBeforeIsReportedAsDamage) {
    Fixture f;
    f.populate();
    ASSERT_TRUE(f.vault.load());
    std::string file = slurp(f.vault.path());
    file[file.size() - 1] ^= 1;
    ASSERT_TRUE(write_file_atomic(f.vault.path(), file, 0600));
    auto loaded = f.vault.load();
    ASSERT_TRUE(fails_with(loaded, "is not a sesame vault or is damaged"));
}

TEST(FileVault, FailedChangeWritesNothing) {
    Fixture f;
    f.populate();
    const std::string before = slurp(f.vault.path());
    auto failing = [](VaultData& d) -> Result<void> {
        d.keys.clear();
        return fail("profile \"ghost\" is not in the vault", "run sesame list");
    };
    auto updated = f.vault.update(failing);
    ASSERT_FALSE(updated);
    EXPECT_EQ(updated.error().message, "profile \"ghost\" is not in the vault");
    EXPECT_EQ(updated.error().hint, "run sesame list");
    EXPECT_EQ(slurp(f.vault.path()), before);

    // On a vault that does not exist yet, a failed change creates no vault and asks nothing.
    Fixture empty;
    EXPECT_FALSE(empty.vault.update(failing));
    EXPECT_FALSE(empty.vault.exists());
    EXPECT_TRUE(empty.passphrase.requests.empty());
}

TEST(FileVault, EmptyPassphraseIsRefusedOnCreation) {
    TempDir tmp;
    FixedClock clock{k_now};
    FakePassphrase empty{""};
    FileVault vault(tmp / "v", empty, clock, fast());
    auto added = add_key(vault, "p");
    ASSERT_TRUE(fails_with(added, "empty passphrase"));
    EXPECT_EQ(empty.requests, std::vector<bool>{true});
    EXPECT_FALSE(vault.exists());
}

TEST(FileVault, WritesLeaveNoTemporaryFiles) {
    Fixture f;
    f.populate();
    for (char i = '0'; i < '5'; ++i) ASSERT_TRUE(add_key(f.vault, std::string{'p', i}));
    EXPECT_EQ(entries(f.dir), (std::set<std::string>{"vault.sesame", "vault.sesame.lock"}));
}

TEST(FileVault, ExpiredSessionsAreDroppedOnLoadAndUpdate) {
    Fixture f;
    f.populate();
    ASSERT_TRUE(f.vault.update([&](VaultData& d) -> Result<void> {
        d.sessions["short"] = sample_session(k_now + 10min);
        return {};
    }));
    f.clock.advance(std::chrono::seconds(10min));
    auto loaded = f.vault.load();
    ASSERT_TRUE(loaded);
    EXPECT_FALSE(loaded->sessions.contains("short"));
    EXPECT_TRUE(loaded->sessions.contains("cache-key"));

    ASSERT_TRUE(add_key(f.vault, "other"));
    FixedClock earlier{k_now};
    FakePassphrase other{"correct horse"};
    auto raw = FileVault(f.dir, other, earlier, fast()).load();
    ASSERT_TRUE(raw);
    EXPECT_FALSE(raw->sessions.contains("short"));  // gone from the file, not just hidden
}

TEST(FileVault, UpdateWaitsForTheLockAndGivesUpNamingIt) {
    Fixture f;
    f.populate();
    auto held = FileLock::acquire(f.vault.path() + ".lock", 0ms);
    ASSERT_TRUE(held);
    FileVault vault(f.dir, f.passphrase, f.clock, FileVaultOptions{minimum_kdf_params(), 50ms});
    auto added = add_key(vault, "blocked");
    ASSERT_TRUE(fails_with(added, "another sesame process holds " + f.vault.path() + ".lock"));
}

TEST(FileVault, RecreatedVaultAsksForTheNewPassphrase) {
    Fixture f;
    f.populate();
    fs::remove(f.vault.path());
    FakePassphrase second{"a different passphrase"};
    FileVault creator(f.dir, second, f.clock, fast());
    ASSERT_TRUE(add_key(creator, "fresh"));
    // f.vault cached the old key; the new salt makes it ask again (and the old answer is wrong).
    auto loaded = f.vault.load();
    ASSERT_TRUE(fails_with(loaded, "wrong passphrase"));
    EXPECT_EQ(f.passphrase.requests, (std::vector<bool>{true, false}));
}

TEST(FileVault, ConcurrentProcessesLoseNoUpdates) {
    Fixture f;
    constexpr int k_processes = 3;
    constexpr int k_updates = 20;
    std::vector<pid_t> children;
    for (int p = 0; p < k_processes; ++p) {
        pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            FakePassphrase passphrase{"correct horse"};
            FileVault vault(f.dir, passphrase, f.clock, FileVaultOptions{minimum_kdf_params(), 30'000ms});
            for (int i = 0; i < k_updates; ++i)
                if (!add_key(vault, "proc" + std::to_string(p) + "-" + std::to_string(i))) ::_exit(1);
            ::_exit(0);
        }
        children.push_back(child);
    }
    for (pid_t child : children) {
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
            << "child " << child << " status " << status;
    }
    auto data = f.vault.load();
    ASSERT_TRUE(data) << data.error().message;
    EXPECT_EQ(data->keys.size(), static_cast<size_t>(k_processes * k_updates));
    for (int p = 0; p < k_processes; ++p)
        for (int i = 0; i < k_updates; ++i)
            EXPECT_TRUE(data->keys.contains("proc" + std::to_string(p) + "-" + std::to_string(i)))
                << p << "-" << i;
    EXPECT_EQ(entries(f.dir), (std::set<std::string>{"vault.sesame", "vault.sesame.lock"}));
}

}  // namespace
}  // namespace sesame
