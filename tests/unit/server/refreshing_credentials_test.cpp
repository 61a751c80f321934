#include "server/refreshing_credentials.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace sesame {
namespace {

using namespace std::chrono;

/// Issues credentials that expire `lifetime` after the (fixed) clock's now, numbered per fetch.
struct Issuer {
    FixedClock& clock;
    seconds lifetime;
    std::atomic<int> fetches = 0;
    std::atomic<bool> failing = false;
    std::thread::id fetched_on;
    Result<Credentials> operator()() {
        ++fetches;
        fetched_on = std::this_thread::get_id();
        if (failing) return fail("STS is down");
        Credentials c;
        c.access_key_id = "ASIA" + std::to_string(fetches);
        c.secret_access_key = Secret("s");
        c.session_token = Secret("t");
        c.expiration = clock.now() + lifetime;
        return c;
    }
};

class Refreshing : public ::testing::Test {
  protected:
    FixedClock clock{sys_days{2026y / 11 / 20}};
    Issuer issuer{clock, hours(1)};
    std::mutex warnings_mutex;
    std::vector<std::string> warnings;
    Log log{[this](std::string_view m) {
                std::lock_guard lock(warnings_mutex);
                warnings.emplace_back(m);
            },
            false};
    RefreshingCredentials creds{[this] { return issuer(); }, clock, log, RefreshPolicy{}};
};

TEST(RefreshPolicy, FitsSessionsShorterThanItNeeds) {
    RefreshPolicy p;
    EXPECT_EQ(p.full_lifetime(), minutes(25));
    auto hour = p.fitted(hours(1));
    EXPECT_EQ(hour.min_ttl, minutes(15));
    EXPECT_EQ(hour.refresh_before, minutes(20));
    auto role = p.fitted(minutes(15));  // duration_seconds = 900, the shortest STS gives
    EXPECT_EQ(role.min_ttl, minutes(10)) << "still what botocore accepts after a refresh";
    EXPECT_EQ(role.refresh_before, seconds(12 * 60 + 30));
    auto tiny = p.fitted(minutes(3));
    EXPECT_EQ(tiny.min_ttl, minutes(2));
    EXPECT_EQ(tiny.refresh_before, seconds(150));
    EXPECT_EQ(p.fitted(minutes(25)).min_ttl, minutes(15)) << "continuous at the boundary";
    EXPECT_EQ(p.fitted(minutes(25)).refresh_before, minutes(20));
}

TEST(RefreshPolicy, KeepsAMinimumTheUserGave) {
    RefreshPolicy p;
    p.min_ttl = seconds(14 * 60 + 50);
    p.refresh_before = p.min_ttl + minutes(5);
    p.min_ttl_given = true;
    auto fitted = p.fitted(minutes(15));
    EXPECT_EQ(fitted.min_ttl, seconds(14 * 60 + 50));
    EXPECT_EQ(fitted.refresh_before, seconds(14 * 60 + 55));
    EXPECT_EQ(p.fitted(minutes(10)).min_ttl, seconds(14 * 60 + 50)) << "refused later, not lowered";
}

TEST_F(Refreshing, FetchesAtStartUnlessLazy) {
    ASSERT_TRUE(creds.start(false));
    EXPECT_EQ(issuer.fetches, 1);
    EXPECT_EQ(creds.get()->access_key_id, "ASIA1");
    EXPECT_EQ(issuer.fetches, 1);
}

TEST_F(Refreshing, LazyFetchesOnFirstGet) {
    ASSERT_TRUE(creds.start(true));
    EXPECT_EQ(issuer.fetches, 0);
    EXPECT_EQ(creds.get()->access_key_id, "ASIA1");
    EXPECT_EQ(issuer.fetches, 1);
}

TEST_F(Refreshing, StartReportsAFailedFirstFetch) {
    issuer.failing = true;
    auto r = creds.start(false);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "STS is down");
}

TEST_F(Refreshing, BackgroundRefreshHappensBeforeTheWindow) {
    ASSERT_TRUE(creds.start(false));
    clock.advance(minutes(39));  // 21 min left: not due
    creds.refresh_if_due();
    EXPECT_EQ(issuer.fetches, 1);
    clock.advance(minutes(2));  // 19 min left: due (refresh_before 20 min)
    creds.refresh_if_due();
    EXPECT_EQ(issuer.fetches, 2);
    EXPECT_EQ(creds.get()->access_key_id, "ASIA2");
}

TEST_F(Refreshing, NeverServesLessThanMinTtl) {
    ASSERT_TRUE(creds.start(false));
    clock.advance(minutes(46));  // 14 min left, and the background refresh did not run
    auto c = creds.get();
    ASSERT_TRUE(c);
    EXPECT_EQ(c->access_key_id, "ASIA2") << "refreshed before answering";
    EXPECT_GE(*c->expiration - clock.now(), minutes(15));
}

TEST_F(Refreshing, FailedRefreshKeepsServingWhileEnoughIsLeftThenErrors) {
    ASSERT_TRUE(creds.start(false));
    clock.advance(minutes(41));
    issuer.failing = true;
    creds.refresh_if_due();  // fails, logged
    EXPECT_EQ(creds.get()->access_key_id, "ASIA1") << "19 min left is still servable";
    clock.advance(minutes(5));  // 14 min left
    auto c = creds.get();
    ASSERT_FALSE(c) << "expiring credentials must not be served";
    EXPECT_EQ(c.error().message, "STS is down");
}

TEST_F(Refreshing, FailedBackgroundRefreshWaitsBeforeRetrying) {
    ASSERT_TRUE(creds.start(false));
    clock.advance(minutes(41));
    issuer.failing = true;
    creds.refresh_if_due();
    creds.refresh_if_due();
    EXPECT_EQ(issuer.fetches, 2) << "no retry within retry_after";
    clock.advance(seconds(31));
    creds.refresh_if_due();
    EXPECT_EQ(issuer.fetches, 3);
}

TEST_F(Refreshing, ShortSessionsAreServedUnderAFittedPolicySaidOnce) {
    issuer.lifetime = minutes(15);
    ASSERT_TRUE(creds.start(false));
    for (int i = 0; i < 50; ++i) ASSERT_EQ(creds.get()->access_key_id, "ASIA1");
    EXPECT_EQ(issuer.fetches, 1) << "50 requests, one session: no call on the request path";
    EXPECT_EQ(creds.policy().min_ttl, minutes(10));
    clock.advance(minutes(2));  // 13 min left: not due yet
    creds.refresh_if_due();
    EXPECT_EQ(issuer.fetches, 1);
    clock.advance(minutes(1));  // 12 min left: due
    creds.refresh_if_due();
    EXPECT_EQ(issuer.fetches, 2);
    EXPECT_EQ(creds.get()->access_key_id, "ASIA2");
    std::lock_guard lock(warnings_mutex);
    ASSERT_EQ(warnings.size(), 1u) << "said once, not per fetch";
    EXPECT_NE(warnings[0].find("last 15m"), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[0].find("while 10m are left"), std::string::npos) << warnings[0];
}

TEST_F(Refreshing, VeryShortSessionsWarnThatBotocoreRefusesThem) {
    issuer.lifetime = minutes(6);
    ASSERT_TRUE(creds.start(false));
    EXPECT_TRUE(creds.get());
    std::lock_guard lock(warnings_mutex);
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_NE(warnings[0].find("botocore clients refuse"), std::string::npos) << warnings[0];
}

TEST(RefreshingGiven, AMinimumTheSessionsCannotGiveIsRefusedWithAHintAndNoStorm) {
    FixedClock clock{sys_days{2026y / 11 / 20}};
    Issuer issuer{clock, minutes(15)};
    Log log;
    RefreshPolicy policy;
    policy.min_ttl = minutes(20);
    policy.refresh_before = minutes(25);
    policy.min_ttl_given = true;
    RefreshingCredentials creds([&] { return issuer(); }, clock, log, policy);
    ASSERT_TRUE(creds.start(false));
    for (int i = 0; i < 50; ++i) {
        auto c = creds.get();
        ASSERT_FALSE(c);
        EXPECT_NE(c.error().hint.find("SESAME_SERVER_MIN_TTL"), std::string::npos);
    }
    EXPECT_LE(issuer.fetches, 2) << "refusing must not fetch again per request";
}

TEST_F(Refreshing, RequestsWaitForTheBackgroundFetchAndShareIt) {
    ASSERT_TRUE(creds.start(true));
    std::vector<std::thread> clients;
    std::atomic<int> served = 0;
    for (int i = 0; i < 20; ++i)
        clients.emplace_back([&] {
            if (auto c = creds.get(); c && c->access_key_id == "ASIA1") ++served;
        });
    for (auto& t : clients) t.join();
    EXPECT_EQ(served, 20);
    EXPECT_EQ(issuer.fetches, 1) << "20 waiting requests, one fetch";
    EXPECT_NE(issuer.fetched_on, std::this_thread::get_id());
}

TEST_F(Refreshing, RefreshNeededByARequestRunsOffItsThread) {
    ASSERT_TRUE(creds.start(false));
    clock.advance(minutes(46));
    ASSERT_EQ(creds.get()->access_key_id, "ASIA2");
    EXPECT_NE(issuer.fetched_on, std::this_thread::get_id()) << "fetched on the request's thread";
}

TEST_F(Refreshing, AFailingSourceIsAskedOncePerRetryWithAGrowingDelay) {
    issuer.failing = true;
    ASSERT_TRUE(creds.start(true));
    for (int i = 0; i < 50; ++i) {
        auto c = creds.get();
        ASSERT_FALSE(c);
        EXPECT_EQ(c.error().message, "STS is down");
    }
    EXPECT_EQ(issuer.fetches, 1) << "the failure is answered from memory";
    clock.advance(seconds(31));
    EXPECT_FALSE(creds.get());
    EXPECT_EQ(issuer.fetches, 2);
    clock.advance(seconds(31));  // the second failure waits 60 s
    EXPECT_FALSE(creds.get());
    EXPECT_EQ(issuer.fetches, 2);
    clock.advance(seconds(30));
    issuer.failing = false;
    EXPECT_EQ(creds.get()->access_key_id, "ASIA3");
}

}  // namespace
}  // namespace sesame
