#include "util/fmod.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>

namespace sesame {
namespace {

/// Bit-for-bit equal, or both NaN.
::testing::AssertionResult same(double a, double b) {
    if ((std::isnan(a) && std::isnan(b)) ||
        std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b))
        return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << a << " != " << b;
}

// The unit tests link libm's fmod (only the sesame binary replaces it), so libm is the oracle.
TEST(ExactFmod, MatchesLibmOnEdgeCases) {
    const double inf = std::numeric_limits<double>::infinity(),
                 nan = std::numeric_limits<double>::quiet_NaN();
    const double tiny = std::numeric_limits<double>::denorm_min(), big = std::numeric_limits<double>::max();
    const double values[] = {0.0,
                             -0.0,
                             1.0,
                             -1.0,
                             0.5,
                             3.0,
                             -7.25,
                             1e300,
                             -1e-300,
                             tiny,
                             -tiny,
                             big,
                             -big,
                             inf,
                             -inf,
                             nan,
                             2.2250738585072014e-308,
                             5.5,
                             1e-310};
    for (double x : values)
        for (double y : values) EXPECT_TRUE(same(exact_fmod(x, y), std::fmod(x, y))) << x << " % " << y;
}

TEST(ExactFmod, MatchesLibmOnRandomBitPatterns) {
    std::mt19937_64 rng(20261130);
    for (int n = 0; n < 500'000; ++n) {
        double x = std::bit_cast<double>(rng()), y = std::bit_cast<double>(rng());
        // A third of the divisors scaled to within 2^60 of x, where the long division is longest.
        if (n % 3 == 1 && std::isnormal(x) && std::isnormal(y))
            y = std::ldexp(y, -std::ilogb(y) + std::ilogb(x) - static_cast<int>(rng() % 60));
        ASSERT_TRUE(same(exact_fmod(x, y), std::fmod(x, y))) << std::hexfloat << x << " % " << y;
    }
}

}  // namespace
}  // namespace sesame
