// The rotation's real backends: the vault store (a real FileVault in a temp dir) replaces a key only
// if it is still the one rotated, in one write with the sessions of the old key; the AWS side sends
// each call to its service.

#include "rotation/rotation_backends.hpp"

#include <gtest/gtest.h>

#include <deque>

#include "fake_http.hpp"
#include "platform/files.hpp"
#include "temp_dir.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

using namespace std::chrono_literals;
using testing::TempDir;

class FixedPassphrase final : public PassphraseSource {
  public:
    Result<Secret> passphrase(bool) override { return Secret("correct horse"); }
};

StoredSession session_of(const std::string& profile, TimePoint expires) {
    return StoredSession{profile, "GetSessionToken", "ASIAX", Secret("s"), Secret("t"),
                         expires, expires - 1h,      "",      ""};
}

class VaultStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        FileVaultOptions options;
        options.kdf = minimum_kdf_params();
        options.lock_timeout = 50ms;
        vault = std::make_unique<FileVault>(tmp.path() + "/vault", passphrase, clock, options);
        ASSERT_TRUE(vault->update([&](VaultData& d) -> Result<void> {
            d.keys["alice"] = StoredKey{"AKIAOLD", Secret("old-secret"), clock.now()};
            d.keys["bob"] = StoredKey{"AKIABOB", Secret("bob-secret"), clock.now()};
            d.sessions["a"] = session_of("alice", clock.now() + 1h);
            d.sessions["b"] = session_of("admin", clock.now() + 1h);
            d.sessions["c"] = session_of("bob", clock.now() + 1h);
            return {};
        }));
    }

    Credentials new_key() const {
        Credentials c;
        c.access_key_id = "AKIANEW";
        c.secret_access_key = Secret("new-secret");
        return c;
    }

    TempDir tmp;
    FixedClock clock{*parse_rfc3339("2026-03-04T05:06:07Z")};
    FixedPassphrase passphrase;
    std::unique_ptr<FileVault> vault;
};

TEST_F(VaultStoreTest, ReplacesTheKeyAndForgetsOnlyTheOldKeysSessions) {
    VaultRotationStore store(*vault, clock, "alice", {"alice", "admin"});
    auto id = store.stored_key_id();
    ASSERT_TRUE(id);
    EXPECT_EQ(*id, "AKIAOLD");
    auto cleared = store.replace("AKIAOLD", new_key());
    ASSERT_TRUE(cleared) << cleared.error().message;
    EXPECT_EQ(*cleared, 2u);

    auto data = vault->load();
    ASSERT_TRUE(data);
    EXPECT_EQ(data->keys.at("alice").access_key_id, "AKIANEW");
    EXPECT_EQ(data->keys.at("alice").secret_access_key.reveal(), "new-secret");
    EXPECT_EQ(data->keys.at("bob").access_key_id, "AKIABOB");
    EXPECT_EQ(data->sessions.size(), 1u);
    EXPECT_EQ(data->sessions.count("c"), 1u);
    EXPECT_EQ(*store.stored_key_id(), "AKIANEW");
}

TEST_F(VaultStoreTest, RefusesWhenTheStoredKeyChangedMeanwhile) {
    VaultRotationStore store(*vault, clock, "alice", {"alice"});
    auto before = read_file(vault->path());
    ASSERT_TRUE(before);
    auto cleared = store.replace("AKIAOTHER", new_key());
    ASSERT_FALSE(cleared);
    EXPECT_NE(cleared.error().message.find("no longer holds key AKIAOTHER"), std::string::npos);
    EXPECT_EQ(*read_file(vault->path()), *before) << "the vault was written";
}

TEST_F(VaultStoreTest, FailsWhileAnotherProcessHoldsTheLock) {
    VaultRotationStore store(*vault, clock, "alice", {"alice"});
    auto lock = FileLock::acquire(vault->path() + ".lock", 1s);
    ASSERT_TRUE(lock);
    auto cleared = store.replace("AKIAOLD", new_key());
    ASSERT_FALSE(cleared);
    EXPECT_EQ(*store.stored_key_id(), "AKIAOLD");
}

TEST_F(VaultStoreTest, AProfileWithoutAKeyReadsAsEmpty) {
    VaultRotationStore store(*vault, clock, "nobody", {"nobody"});
    EXPECT_EQ(*store.stored_key_id(), "");
    EXPECT_FALSE(store.replace("AKIAOLD", new_key()));
}

/// Answers by service: the Authorization header's credential scope names it.
using testing::FakeHttp;

TEST(AwsRotationApi, AsksStsForTheCallerAndIamForTheUser) {
    FakeHttp http;
    FixedClock clock{*parse_rfc3339("2026-03-04T05:06:07Z")};
    QueryApi sts_api{http, clock, {"https://sts.amazonaws.com/", "us-east-1"}, RetryPolicy{1}, [](auto) {}};
    QueryApi iam_api{http, clock, {"https://iam.amazonaws.com/", "us-east-1"}, RetryPolicy{1}, [](auto) {}};
    Sts sts(sts_api);
    Iam iam(iam_api);
    AwsRotationApi api(sts, iam);
    http.reply(
        200,
        "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::1:user/alice</Arn>"
        "<UserId>AIDA</UserId><Account>1</Account></GetCallerIdentityResult></GetCallerIdentityResponse>");
    http.reply(
        200,
        "<GetUserResponse><GetUserResult><User><UserName>alice</UserName><Arn>arn:aws:iam::1:user/alice</Arn>"
        "<UserId>AIDA</UserId></User></GetUserResult></GetUserResponse>");
    Credentials key;
    key.access_key_id = "AKIAOLD";
    key.secret_access_key = Secret("old-secret");
    EXPECT_EQ(*api.caller_arn(key), "arn:aws:iam::1:user/alice");
    EXPECT_EQ(*api.user_arn(key), "arn:aws:iam::1:user/alice");
    ASSERT_EQ(http.requests.size(), 2u);
    EXPECT_EQ(http.requests[0].url, "https://sts.amazonaws.com/");
    EXPECT_NE(http.requests[0].body.find("Action=GetCallerIdentity"), std::string::npos);
    EXPECT_EQ(http.requests[1].url, "https://iam.amazonaws.com/");
    EXPECT_NE(http.requests[1].body.find("Action=GetUser"), std::string::npos);
}

}  // namespace
}  // namespace sesame
