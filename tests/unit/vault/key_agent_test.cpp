#include "vault/key_agent.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <future>
#include <mutex>

#include "temp_dir.hpp"

namespace sesame {
namespace {

using namespace std::chrono_literals;

KeyCache::Entry sample_entry() {
    KeyCache::Entry e;
    e.salt = std::string(16, 's');
    e.key = AeadKey::random();
    e.passphrase_check = std::string(32, 'c');
    return e;
}

/// A FixedClock this thread steps while the agent's thread reads it.
class SteppedClock final : public Clock {
  public:
    TimePoint now() const override {
        std::lock_guard lock(m_mutex);
        return m_clock.now();
    }
    void advance(std::chrono::nanoseconds d) {
        std::lock_guard lock(m_mutex);
        m_clock.advance(d);
    }

  private:
    mutable std::mutex m_mutex;
    FixedClock m_clock{std::chrono::sys_days{std::chrono::year{2026} / 11 / 20}};
};

/// An agent serving a fresh private folder on a thread, with idle times on m_clock, and a client
/// for it that never starts one.
class AgentTest : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_GE(sodium_init(), 0);
        ::chmod(m_dir.path().c_str(), 0700);
        m_agent = std::async(std::launch::async, [this] { return run_key_agent(m_dir.path(), 3s, m_clock); });
        // store() retries for two seconds while no agent answers (it would start one).
        ASSERT_TRUE(m_cache.store("vault-a", m_entry, 60s));
    }
    void TearDown() override {
        m_cache.forget("vault-a");
        m_cache.forget("vault-b");
        if (m_agent.valid()) m_agent.wait_for(10s);
    }
    /// Whether the agent has returned within `t`, and what it returned.
    bool exited_within(std::chrono::seconds t) { return m_agent.wait_for(t) == std::future_status::ready; }

    SteppedClock m_clock;
    testing::TempDir m_dir;
    AgentKeyCache m_cache{m_dir.path(), {}};
    KeyCache::Entry m_entry = sample_entry();
    std::future<Result<void>> m_agent;
};

TEST_F(AgentTest, KeepsAKeyUntilForgottenThenExits) {
    auto loaded = m_cache.load("vault-a", 60s);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->salt, m_entry.salt);
    EXPECT_EQ(loaded->passphrase_check, m_entry.passphrase_check);
    EXPECT_EQ(encode_key_entry(*loaded), encode_key_entry(m_entry));
    auto left = m_cache.time_left("vault-a");
    ASSERT_TRUE(left);
    EXPECT_EQ(left->count(), 60);
    m_clock.advance(25s);
    EXPECT_EQ(m_cache.time_left("vault-a"), 35s);
    EXPECT_FALSE(m_cache.load("vault-b", 60s));
    EXPECT_NE(m_cache.describe().find(AgentKeyCache::socket_path(m_dir.path())), std::string::npos);

    EXPECT_TRUE(m_cache.forget("vault-a"));
    EXPECT_FALSE(m_cache.load("vault-a", 60s));
    // Holding nothing, the agent exits and removes its socket.
    ASSERT_TRUE(exited_within(5s));
    EXPECT_TRUE(m_agent.get());
    EXPECT_FALSE(std::filesystem::exists(AgentKeyCache::socket_path(m_dir.path())));
}

TEST_F(AgentTest, ForgetsAKeyAfterItsIdleTime) {
    ASSERT_TRUE(m_cache.store("vault-b", m_entry, 1s));
    m_clock.advance(999ms);
    EXPECT_TRUE(m_cache.time_left("vault-b")) << "not yet idle for 1 s";
    m_clock.advance(1ms);
    EXPECT_FALSE(m_cache.time_left("vault-b"));
    EXPECT_FALSE(m_cache.load("vault-b", 1s));
    EXPECT_TRUE(m_cache.load("vault-a", 60s));
}

TEST_F(AgentTest, EachUseRestartsTheIdleTime) {
    ASSERT_TRUE(m_cache.store("vault-b", m_entry, 2s));
    m_clock.advance(1200ms);
    EXPECT_TRUE(m_cache.load("vault-b", 2s));
    m_clock.advance(1200ms);  // 2.4 s after the store, 1.2 s after the use
    EXPECT_TRUE(m_cache.load("vault-b", 2s));
    m_clock.advance(2s);  // unused for its whole idle time
    EXPECT_FALSE(m_cache.load("vault-b", 2s));
}

TEST_F(AgentTest, ASecondAgentForTheSameFolderRefuses) {
    auto second = run_key_agent(m_dir.path(), 1s);
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message.find("another sesame agent"), std::string::npos);
    EXPECT_TRUE(m_cache.load("vault-a", 60s));
}

TEST_F(AgentTest, AnswersNoOtherUser) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to connect as another user";
    // Open the folder and the socket to everyone, so that only the agent's own check stands.
    const std::string socket = AgentKeyCache::socket_path(m_dir.path());
    ::chmod(m_dir.path().c_str(), 0711);
    ::chmod(socket.c_str(), 0666);
    pid_t child = ::fork();
    if (child == 0) {
        if (::setuid(65534) != 0) ::_exit(3);
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, socket.c_str(), sizeof addr.sun_path - 1);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) ::_exit(4);
        // A well-formed load request for "vault-a".
        std::string request = std::string("G") + std::string("\x3c\0\0\0", 4) + "\x07" +
                              std::string(1, '\0') + "vault-a" + std::string(2, '\0');
        // The agent may already have hung up: a failed send is a refusal too.
        (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
        ::shutdown(fd, SHUT_WR);
        char buf[256];
        ssize_t n = ::read(fd, buf, sizeof buf);
        ::_exit(n > 0 ? 1 : 0);  // any answer at all is a failure
    }
    int status = 0;
    ::waitpid(child, &status, 0);
    ::chmod(m_dir.path().c_str(), 0700);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "the agent answered another user (or the child failed to ask)";
    EXPECT_TRUE(m_cache.load("vault-a", 60s));
}

TEST(Agent, RefusesAFolderOthersCanEnter) {
    testing::TempDir dir;
    ::chmod(dir.path().c_str(), 0755);
    auto served = run_key_agent(dir.path(), 1s);
    ASSERT_FALSE(served);
    EXPECT_NE(served.error().message.find("0700"), std::string::npos) << served.error().message;
    // Nor does a client hand a key over there.
    AgentKeyCache cache(dir.path(), {});
    EXPECT_FALSE(cache.store("vault-a", sample_entry(), 60s));
}

TEST(Agent, RefusesASocketPathTooLongForUnixSockets) {
    ASSERT_GE(sodium_init(), 0);
    testing::TempDir base;
    std::string dir = base.path() + "/" + std::string(120, 'd');  // sun_path holds 108 bytes
    ASSERT_TRUE(std::filesystem::create_directory(dir));
    ::chmod(dir.c_str(), 0700);
    auto served = run_key_agent(dir, 1s);
    ASSERT_FALSE(served);
    EXPECT_NE(served.error().message.find("too long for a UNIX socket"), std::string::npos)
        << served.error().message;
    AgentKeyCache cache(dir, {});
    EXPECT_FALSE(cache.store("vault-a", sample_entry(), 60s));
    EXPECT_FALSE(cache.load("vault-a", 60s));
}

TEST(Agent, JustStartedAndNeverAskedItExitsAfterItsGrace) {
    ASSERT_GE(sodium_init(), 0);
    testing::TempDir dir;
    ::chmod(dir.path().c_str(), 0700);
    auto start = std::chrono::steady_clock::now();
    ASSERT_TRUE(run_key_agent(dir.path(), 1s));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

}  // namespace
}  // namespace sesame
