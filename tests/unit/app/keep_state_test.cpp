#include "app/keep_state.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "util/time.hpp"

namespace sesame {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TimePoint at(const char* t) {
    return *parse_rfc3339(t);
}

TEST(KeepRenewal, DecidesOnAnInjectedClock) {
    struct Case {
        const char* name;
        seconds lifetime;
        std::optional<seconds> setting;
        seconds renew_after;  ///< after obtaining
    };
    const Case cases[] = {
        {"hour: a fifth (12m) is more than 5m", seconds(3600), {}, minutes(48)},
        {"15m: 5m is more than a fifth", seconds(900), {}, minutes(10)},
        {"12h: a fifth", seconds(12 * 3600), {}, seconds(12 * 3600 * 4 / 5)},
        {"setting wins", seconds(3600), seconds(120), minutes(58)},
        {"setting near the lifetime: 10s hold", seconds(900), seconds(895), seconds(10)},
        {"setting over the lifetime: 10s hold, no loop", seconds(900), seconds(3600), seconds(10)},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        FixedClock clock(at("2026-11-30T12:00:00Z"));
        const TimePoint obtained = clock.now(), expires = obtained + c.lifetime;
        const TimePoint renew = renew_time(obtained, expires, c.setting);
        EXPECT_EQ(renew - obtained, c.renew_after);
        clock.advance(c.renew_after - seconds(1));
        EXPECT_LT(clock.now(), renew) << "due a second early";
        clock.advance(seconds(1));
        EXPECT_GE(clock.now(), renew);
    }
}

KeeperState sample() {
    KeeperState s{4242, "/home/u/.awscred/credentials", "/home/u/.aws/credentials", {}};
    KeptRow r;
    r.profile = "admin";
    r.section = "admin-keep";
    r.mfa = true;
    r.serial = "arn:aws:iam::123456789012:mfa/alice";
    r.obtained = at("2026-11-30T12:00:00Z");
    r.expires = at("2026-11-30T13:00:00Z");
    r.renew_at = at("2026-11-30T12:48:00Z");
    r.state = "ok";
    s.rows.push_back(r);
    KeptRow waiting;
    waiting.profile = "dev";
    waiting.section = "dev";
    waiting.state = "waiting for an MFA code for arn:x";
    s.rows.push_back(waiting);
    return s;
}

TEST(KeepStatus, TableHasAwscredsColumnsAndTimeLeft) {
    const std::string table = render_status_table(sample(), at("2026-11-30T12:18:00Z"));
    EXPECT_EQ(table,
              "keeping /home/u/.awscred/credentials (pid 4242; source /home/u/.aws/credentials)\n"
              "NAME   SECTION     ON   SERIAL                               DURATION  EXPIRES                "
              "        "
              "  STATE\n"
              "admin  admin-keep  yes  arn:aws:iam::123456789012:mfa/alice  1h00m     2026-11-30T13:00:00Z "
              "(42m left)  ok\n"
              "dev    dev         no   -                                    -         -                      "
              "          "
              "waiting for an MFA code for arn:x\n");
}

TEST(KeepStatus, JsonRoundTrips) {
    const KeeperState s = sample();
    auto back = state_from_json(state_to_json(s), "state.json");
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(state_to_json(*back), state_to_json(s));
    EXPECT_NE(state_to_json(s).find("\"duration_seconds\": 3600"), std::string::npos);
    EXPECT_FALSE(state_from_json("{", "state.json"));
    EXPECT_FALSE(state_from_json("{\"profiles\": [{\"name\": 3}]}", "state.json"));
}

TEST(KeepPaths, OneFolderPerFileAndTheDefault) {
    Env env({{"HOME", "/home/u"}, {"SESAME_FILE_DIR", "/v"}, {"PWD", "/work"}});
    auto def = keeper_paths(env, "");
    ASSERT_TRUE(def);
    EXPECT_EQ(def->file, "/home/u/.aws/sesame-credentials");
    EXPECT_TRUE(def->dir.starts_with("/v/keep-"));
    auto tilde = keeper_paths(env, "~/.awscred/credentials");
    auto rel = keeper_paths(env, "kept");
    ASSERT_TRUE(tilde && rel);
    EXPECT_EQ(tilde->file, "/home/u/.awscred/credentials");
    EXPECT_EQ(rel->file, "/work/kept");
    EXPECT_NE(tilde->dir, def->dir);
    EXPECT_FALSE(keeper_paths(env, "/a\nb"));
    // A folder reached through a link is the folder itself: one keeper per file.
    const std::string dir = ::testing::TempDir() + "/keep_paths";
    std::filesystem::create_directories(dir + "/real");
    std::filesystem::remove(dir + "/link");
    std::filesystem::create_directory_symlink(dir + "/real", dir + "/link");
    auto via_link = keeper_paths(env, dir + "/link/kept");
    auto direct = keeper_paths(env, dir + "/real/kept");
    ASSERT_TRUE(via_link && direct);
    EXPECT_EQ(via_link->dir, direct->dir);
    EXPECT_EQ(via_link->file, direct->file);
}

}  // namespace
}  // namespace sesame
