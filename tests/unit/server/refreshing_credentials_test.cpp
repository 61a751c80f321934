#include "server/refreshing_credentials.hpp"

#include <gtest/gtest.h>

namespace sesame {
namespace {

using namespace std::chrono;

/// Issues credentials that expire `lifetime` after the (fixed) clock's now, numbered per fetch.
struct Issuer {
    FixedClock& clock;
    seconds lifetime;
    int fetches = 0;
    bool failing = false;
    Result<Credentials> operator()() {
        ++fetches;
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
    Log log;
    RefreshingCredentials creds{[this] { return issuer(); }, clock, log, RefreshPolicy{}};
};

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
    EXPECT_EQ(c->access_key_id, "ASIA2") << "refreshed on the spot";
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

TEST_F(Refreshing, SessionsShorterThanMinTtlAreRefusedWithAHint) {
    issuer.lifetime = minutes(10);
    ASSERT_TRUE(creds.start(false));
    auto c = creds.get();
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().hint.find("longer session"), std::string::npos);
}

}  // namespace
}  // namespace sesame
