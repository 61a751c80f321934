#include "util/time.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <random>

namespace sesame {
namespace {

using namespace std::chrono;

TEST(Duration, ParsesTheFormsUsersType) {
    struct Case {
        const char* in;
        long long seconds;
    } cases[] = {{"1h", 3600},    {"90m", 5400},  {"3600s", 3600},
                 {"1h30m", 5400}, {"3600", 3600}, {"2h0m30s", 7230}};
    for (const auto& c : cases) {
        auto d = parse_duration(c.in);
        ASSERT_TRUE(d) << c.in;
        EXPECT_EQ(d->count(), c.seconds) << c.in;
    }
}

TEST(Duration, RejectsGarbageWithTheInputInTheMessage) {
    for (const char* in : {"", "h", "1x", "-5m", "1h30", "1.5h", "abc"}) {
        auto d = parse_duration(in);
        ASSERT_FALSE(d) << in;
        EXPECT_NE(d.error().message.find(std::string("\"") + in + "\""), std::string::npos)
            << d.error().message;
        EXPECT_FALSE(d.error().hint.empty());
    }
}

TEST(Rfc3339, RoundTripsAndAcceptsAwsVariants) {
    auto t = parse_rfc3339("2026-11-20T23:07:19Z");
    ASSERT_TRUE(t);
    EXPECT_EQ(format_rfc3339(*t), "2026-11-20T23:07:19Z");
    EXPECT_EQ(parse_rfc3339("2026-11-20T23:07:19.123Z"), t);
    EXPECT_EQ(parse_rfc3339("2026-11-21T00:07:19+01:00"), t);
    EXPECT_EQ(parse_rfc3339("2026-11-20T22:07:19-01:00"), t);
    EXPECT_FALSE(parse_rfc3339("2026-11-20"));
    EXPECT_FALSE(parse_rfc3339("2026-13-20T23:07:19Z"));
    EXPECT_FALSE(parse_rfc3339("2026-02-30T23:07:19Z"));
    EXPECT_FALSE(parse_rfc3339("2026-11-20T23:07:19Zjunk"));
}

TEST(Rfc3339, FormatsAsGmtimeDoesAcrossCalendarEdges) {
    // format_rfc3339 does its own calendar arithmetic; gmtime_r is the reference.
    std::vector<std::time_t> times{0,
                                   -1,
                                   951782400 /* 2000-02-29 */,
                                   4107542399 /* 2100-02-28T23:59:59 */,
                                   1735689599 /* 2024-12-31T23:59:59 */,
                                   -2208988800 /* 1900-01-01 */};
    std::mt19937_64 rng(42);
    for (int i = 0; i < 2000; ++i)
        times.push_back(static_cast<std::time_t>(rng() % 8'000'000'000) - 2'000'000'000);
    for (std::time_t tt : times) {
        std::tm tm{};
        gmtime_r(&tt, &tm);
        char want[32];
        std::strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%SZ", &tm);
        EXPECT_EQ(format_rfc3339(system_clock::from_time_t(tt)), want) << tt;
    }
}

TEST(AmzDate, MatchesSigV4Format) {
    auto t = parse_rfc3339("2015-08-30T12:36:00Z");
    ASSERT_TRUE(t);
    EXPECT_EQ(format_amz_date(*t), "20150830T123600Z");
    EXPECT_EQ(format_amz_day(*t), "20150830");
}

TEST(DurationShort, IsCompact) {
    EXPECT_EQ(format_duration_short(seconds(3900)), "1h05m");
    EXPECT_EQ(format_duration_short(seconds(42 * 60 + 5)), "42m");
    EXPECT_EQ(format_duration_short(seconds(30)), "30s");
    EXPECT_EQ(format_duration_short(seconds(-5)), "0s");
}

TEST(Rfc3339, ClampsTimesATimePointCannotHoldTo1970Through2262) {
    // A TimePoint counts nanoseconds in 64 bits (1677-2262), and callers subtract now() from
    // expirations: year 9999 used to wrap around to a time long past.
    const TimePoint latest = floor<seconds>(TimePoint::max());
    struct Case {
        const char* in;
        TimePoint expected;
    } cases[] = {
        {"9999-12-31T23:59:59Z", latest},      {"2262-04-11T23:47:16Z", latest},
        {"2262-04-11T23:47:17Z", latest},      {"2300-01-01T00:00:00+23:59", latest},
        {"1000-01-01T00:00:00Z", TimePoint{}}, {"0000-01-01T00:00:00Z", TimePoint{}},
        {"1969-12-31T23:59:59Z", TimePoint{}}, {"1970-01-01T00:00:01Z", TimePoint{seconds(1)}},
    };
    for (const auto& c : cases) {
        auto t = parse_rfc3339(c.in);
        ASSERT_TRUE(t) << c.in;
        EXPECT_EQ(*t, c.expected) << c.in;
    }
    EXPECT_EQ(format_rfc3339(latest), "2262-04-11T23:47:16Z");
}

TEST(Rfc3339, FieldsAreDigitsOnly) {
    for (const char* in :
         {"2026-11-20T-1:07:19Z", "2026-11-20T23:-7:19Z", "2026-11-20T23:07:-9Z", "-026-11-20T23:07:19Z",
          "2026-11-20T23:07:19+-1:00", "2026-11-20T23:07:19+01:-5", "+026-11-20T23:07:19Z"})
        EXPECT_FALSE(parse_rfc3339(in)) << in;
}

TEST(Duration, RefusesMoreThanSevenYearsWithoutOverflowing) {
    for (const char* in : {"3000000000000000h", "153722867280912931m", "1h9223372036854775807s",
                           "9223372036854775807", "220752001", "61320h1s"}) {
        auto d = parse_duration(in);
        EXPECT_FALSE(d) << in << " gave " << (d ? d->count() : 0);
    }
    EXPECT_EQ(parse_duration("220752000")->count(), 220752000);  // 7 * 365 days
    EXPECT_EQ(parse_duration("61320h")->count(), 220752000);
}

}  // namespace
}  // namespace sesame
