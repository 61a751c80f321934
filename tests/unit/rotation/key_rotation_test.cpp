// The rotation state machine against a fake AWS (IAM's keys as a set) and a fake vault: a failure
// at each step leaves the vault holding a key IAM still has, and the message tells what IAM holds.

#include "rotation/key_rotation.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <set>

namespace sesame {
namespace {

using namespace std::chrono_literals;

const std::string k_arn = "arn:aws:iam::123456789012:user/alice";

Credentials key(std::string id, std::string secret, std::string token = {}) {
    Credentials c;
    c.access_key_id = std::move(id);
    c.secret_access_key = Secret(std::move(secret));
    c.session_token = Secret(std::move(token));
    return c;
}

/// IAM as a set of key ids, with a switch for each call that can fail.
class FakeAws final : public RotationApi {
  public:
    std::set<std::string> keys{"AKIAOLD"};
    std::string caller = k_arn;
    bool fail_caller = false, fail_list = false, fail_create = false;
    bool old_key_gone = false;  ///< AKIAOLD was deleted in IAM: AWS refuses it
    bool fail_delete_new = false, fail_delete_old = false;
    int refuse_new_key = 0;  ///< GetUser with the new key fails this many times (-1: always)
    std::string new_key_arn = k_arn;
    std::vector<std::string> log;  ///< "Action by KEYID"

    Result<std::string> caller_arn(const Credentials& c) override {
        log.push_back("GetCallerIdentity by " + c.access_key_id);
        if (fail_caller) return fail("GetCallerIdentity failed: could not connect to sts.amazonaws.com");
        if (old_key_gone && c.access_key_id == "AKIAOLD")
            return fail(
                "GetCallerIdentity failed: InvalidClientTokenId: The security token included in the "
                "request is invalid.");
        return caller;
    }
    Result<std::string> user_arn(const Credentials& c) override {
        log.push_back("GetUser by " + c.access_key_id);
        if (!keys.count(c.access_key_id)) return fail("GetUser failed: InvalidClientTokenId: unknown key");
        if (refuse_new_key != 0) {
            if (refuse_new_key > 0) --refuse_new_key;
            return fail("GetUser failed: InvalidClientTokenId: not yet");
        }
        return new_key_arn;
    }
    Result<std::vector<AccessKeyInfo>> list_access_keys(const Credentials& c,
                                                        const std::string& user) override {
        log.push_back("ListAccessKeys by " + c.access_key_id + " for " + user);
        if (fail_list) return fail("ListAccessKeys failed: AccessDenied: no");
        std::vector<AccessKeyInfo> out;
        for (const auto& k : keys) out.push_back({k, user, "Active", std::nullopt});
        return out;
    }
    Result<CreatedAccessKey> create_access_key(const Credentials& c, const std::string& user) override {
        log.push_back("CreateAccessKey by " + c.access_key_id + " for " + user);
        if (fail_create) return fail("CreateAccessKey failed: AccessDenied: no");
        keys.insert("AKIANEW");
        return CreatedAccessKey{key("AKIANEW", "new-secret"), user, std::nullopt};
    }
    Result<void> delete_access_key(const Credentials& c, const std::string& id,
                                   const std::string& user) override {
        log.push_back("DeleteAccessKey " + id + " by " + c.access_key_id + " for " + user);
        if ((id == "AKIANEW" && fail_delete_new) || (id == "AKIAOLD" && fail_delete_old))
            return fail("DeleteAccessKey failed: AccessDenied: no");
        keys.erase(id);
        return {};
    }
};

class FakeStore final : public RotationStore {
  public:
    std::string stored = "AKIAOLD";
    std::string stored_secret = "old-secret";
    bool fail_replace = false;
    bool writes_despite_failure = false;  ///< the write landed but was reported as failed
    bool fail_read = false;

    Result<std::string> stored_key_id() override {
        if (fail_read) return fail("the vault cannot be read");
        return stored;
    }
    Result<size_t> replace(const std::string& old_id, const Credentials& new_key) override {
        if (stored != old_id) return fail("changed meanwhile");
        if (fail_replace || writes_despite_failure) {
            if (writes_despite_failure) stored = new_key.access_key_id;
            return fail("another sesame process holds the lock");
        }
        stored = new_key.access_key_id;
        stored_secret = new_key.secret_access_key.reveal();
        return size_t{3};
    }
};

struct Scenario {
    FakeAws aws;
    FakeStore store;
    std::vector<std::chrono::milliseconds> sleeps;
    std::vector<std::string> progress;
    Result<RotationOutcome> result = std::unexpected(Error{});

    void go(std::optional<Credentials> session = std::nullopt) {
        KeyRotation rotation(
            aws, store, [this](std::chrono::milliseconds d) { sleeps.push_back(d); },
            [this](std::string_view line) { progress.emplace_back(line); }, RotationTiming{4, 250ms});
        result = rotation.run({key("AKIAOLD", "old-secret"), std::move(session), "alice"});
    }
    std::string text() const {
        return result ? "" : result.error().message + "\nhint: " + result.error().hint;
    }
};

struct Case {
    const char* name;
    std::function<void(Scenario&)> setup;
    bool ok;
    std::set<std::string> iam_keys;  ///< what IAM holds afterwards
    std::string stored;              ///< what the vault holds afterwards
    std::vector<std::string> says;   ///< fragments of the message (error + hint)
};

TEST(KeyRotation, EveryStepLeavesAWorkingStoredKeyAndSaysWhatIamHolds) {
    const std::vector<Case> cases{
        {"success", [](Scenario&) {}, true, {"AKIANEW"}, "AKIANEW", {}},
        {"caller lookup fails",
         [](Scenario& r) { r.aws.fail_caller = true; },
         false,
         {"AKIAOLD"},
         "AKIAOLD",
         {"could not find out whose key", "nothing was changed", "sesame still holds key AKIAOLD"}},
        {"the stored key was deleted in IAM",
         [](Scenario& r) {
             r.aws.keys.clear();
             r.aws.old_key_gone = true;
         },
         false,
         {},
         "AKIAOLD",
         {"AWS does not know the stored key AKIAOLD", "deleted or deactivated outside sesame",
          "InvalidClientTokenId", "sesame add alice", "sesame remove alice"}},
        {"list fails",
         [](Scenario& r) { r.aws.fail_list = true; },
         false,
         {"AKIAOLD"},
         "AKIAOLD",
         {"could not list the access keys of IAM user \"alice\"", "nothing was changed"}},
        {"two keys already",
         [](Scenario& r) { r.aws.keys.insert("AKIAOTHER"); },
         false,
         {"AKIAOLD", "AKIAOTHER"},
         "AKIAOLD",
         {"already has two access keys", "AKIAOLD (stored in sesame) and AKIAOTHER",
          "aws iam delete-access-key --user-name alice --access-key-id AKIAOTHER"}},
        {"stored key is not the user's",
         [](Scenario& r) { r.aws.keys = {"AKIAELSE"}; },
         false,
         {"AKIAELSE"},
         "AKIAOLD",
         {"the stored key AKIAOLD is not one of the access keys", "AKIAELSE"}},
        {"caller is a role session",
         [](Scenario& r) { r.aws.caller = "arn:aws:sts::123456789012:assumed-role/admin/s"; },
         false,
         {"AKIAOLD"},
         "AKIAOLD",
         {"not as an IAM user"}},
        {"create fails",
         [](Scenario& r) { r.aws.fail_create = true; },
         false,
         {"AKIAOLD"},
         "AKIAOLD",
         {"could not create a new access key", "AKIAOLD is unchanged and still active"}},
        {"new key refused at first, then accepted",
         [](Scenario& r) { r.aws.refuse_new_key = 2; },
         true,
         {"AKIANEW"},
         "AKIANEW",
         {}},
        {"new key never accepted",
         [](Scenario& r) { r.aws.refuse_new_key = -1; },
         false,
         {"AKIAOLD"},
         "AKIAOLD",
         {"AKIANEW is not accepted", "after 4 tries", "not yet", "AKIANEW was deleted again",
          "AKIAOLD is unchanged and still active"}},
        {"new key never accepted, and cannot be deleted",
         [](Scenario& r) {
             r.aws.refuse_new_key = -1;
             r.aws.fail_delete_new = true;
         },
         false,
         {"AKIAOLD", "AKIANEW"},
         "AKIAOLD",
         {"AKIANEW could not be deleted again", "IAM holds it beside the stored key AKIAOLD",
          "aws iam delete-access-key --user-name alice --access-key-id AKIANEW"}},
        {"new key belongs to someone else",
         [](Scenario& r) { r.aws.new_key_arn = "arn:aws:iam::123456789012:user/bob"; },
         false,
         {"AKIAOLD"},
         "AKIAOLD",
         {"acts as arn:aws:iam::123456789012:user/bob", "AKIANEW was deleted again"}},
        {"vault write fails",
         [](Scenario& r) { r.store.fail_replace = true; },
         false,
         {"AKIAOLD"},
         "AKIAOLD",
         {"could not store the new key AKIANEW", "holds the lock", "AKIANEW was deleted again"}},
        {"vault write fails, and the new key cannot be deleted",
         [](Scenario& r) {
             r.store.fail_replace = true;
             r.aws.fail_delete_new = true;
         },
         false,
         {"AKIAOLD", "AKIANEW"},
         "AKIAOLD",
         {"could not store", "AKIANEW could not be deleted again"}},
        {"vault write reported failed but landed",
         [](Scenario& r) { r.store.writes_despite_failure = true; },
         true,
         {"AKIANEW"},
         "AKIANEW",
         {}},
        {"vault write fails and cannot be read back",
         [](Scenario& r) {
             r.store.fail_replace = true;
             r.store.fail_read = true;
         },
         false,
         {"AKIAOLD", "AKIANEW"},
         "AKIAOLD",
         {"nor read the vault back", "both active", "sesame list"}},
        {"old key delete fails",
         [](Scenario& r) { r.aws.fail_delete_old = true; },
         false,
         {"AKIAOLD", "AKIANEW"},
         "AKIANEW",
         {"AKIANEW is stored and works", "old key AKIAOLD could not be deleted", "still active in IAM",
          "aws iam delete-access-key --user-name alice --access-key-id AKIAOLD"}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        Scenario r;
        c.setup(r);
        const bool stored_in_iam = r.aws.keys.count(r.store.stored) > 0;
        r.go();
        EXPECT_EQ(r.result.has_value(), c.ok) << r.text();
        EXPECT_EQ(r.aws.keys, c.iam_keys);
        EXPECT_EQ(r.store.stored, c.stored);
        // Whatever happened, the vault's key is one IAM still has: never zero working keys.
        if (stored_in_iam) {
            EXPECT_TRUE(r.aws.keys.count(r.store.stored)) << r.store.stored;
        }
        for (const auto& fragment : c.says) EXPECT_NE(r.text().find(fragment), std::string::npos) << fragment;
        EXPECT_EQ(r.text().find("new-secret"), std::string::npos);
        EXPECT_EQ(r.text().find("old-secret"), std::string::npos);
    }
}

TEST(KeyRotation, RetriesTheNewKeyWithInjectedSleepsOnly) {
    Scenario r;
    r.aws.refuse_new_key = 2;
    r.go();
    ASSERT_TRUE(r.result) << r.text();
    EXPECT_EQ(r.sleeps, (std::vector<std::chrono::milliseconds>{250ms, 250ms}));
    EXPECT_EQ(r.result->new_key_id, "AKIANEW");
    EXPECT_EQ(r.result->old_key_id, "AKIAOLD");
    EXPECT_EQ(r.result->user_name, "alice");
    EXPECT_EQ(r.result->sessions_cleared, 3u);
    EXPECT_EQ(r.store.stored_secret, "new-secret");

    Scenario never;
    never.aws.refuse_new_key = -1;
    never.go();
    EXPECT_EQ(never.sleeps.size(), 3u) << "4 attempts, a pause between each";
}

TEST(KeyRotation, OrderOfCallsWithoutASession) {
    Scenario r;
    r.go();
    ASSERT_TRUE(r.result) << r.text();
    // The old key does everything up to the store; the new key (proven to work) deletes the old one.
    EXPECT_EQ(r.aws.log, (std::vector<std::string>{
                             "GetCallerIdentity by AKIAOLD",
                             "ListAccessKeys by AKIAOLD for alice",
                             "CreateAccessKey by AKIAOLD for alice",
                             "GetUser by AKIANEW",
                             "DeleteAccessKey AKIAOLD by AKIANEW for alice",
                         }));
    EXPECT_EQ(r.progress.size(), 5u);
    EXPECT_NE(r.progress.back().find("Deleted the old access key AKIAOLD"), std::string::npos);
}

TEST(KeyRotation, AnMfaSessionSignsEveryIamCallButTheCheck) {
    Scenario r;
    r.aws.refuse_new_key = -1;  // the clean-up delete must use the session too
    r.go(key("ASIASESSION", "session-secret", "token"));
    ASSERT_FALSE(r.result);
    EXPECT_EQ(r.aws.log.front(), "GetCallerIdentity by ASIASESSION");
    EXPECT_EQ(r.aws.log[2], "CreateAccessKey by ASIASESSION for alice");
    EXPECT_EQ(r.aws.log.back(), "DeleteAccessKey AKIANEW by ASIASESSION for alice");

    Scenario ok;
    ok.go(key("ASIASESSION", "session-secret", "token"));
    ASSERT_TRUE(ok.result) << ok.text();
    EXPECT_EQ(ok.aws.log.back(), "DeleteAccessKey AKIAOLD by ASIASESSION for alice");
}

TEST(KeyRotation, RootUserActsOnItself) {
    Scenario r;
    r.aws.caller = "arn:aws:iam::123456789012:root";
    r.aws.new_key_arn = r.aws.caller;
    r.go();
    ASSERT_TRUE(r.result) << r.text();
    EXPECT_EQ(r.aws.log[1], "ListAccessKeys by AKIAOLD for ");
    EXPECT_EQ(delete_key_command("", "AKIAX"), "aws iam delete-access-key --access-key-id AKIAX");
}

TEST(IamUserName, FromCallerArns) {
    const std::vector<std::pair<std::string, std::optional<std::string>>> cases{
        {"arn:aws:iam::123456789012:user/alice", "alice"},
        {"arn:aws:iam::123456789012:user/division/team/bob", "bob"},
        {"arn:aws-cn:iam::123456789012:user/carol", "carol"},
        {"arn:aws:iam::123456789012:root", ""},
        {"arn:aws:sts::123456789012:assumed-role/admin/s", std::nullopt},
        {"arn:aws:sts::123456789012:federated-user/alice", std::nullopt},
        {"arn:aws:iam::123456789012:user/", std::nullopt},
        {"not an arn", std::nullopt},
    };
    for (const auto& [arn, name] : cases) EXPECT_EQ(iam_user_name(arn), name) << arn;
}

}  // namespace
}  // namespace sesame
