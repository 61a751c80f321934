#pragma once
// Tables from Python's Unicode database (scripts/gen-unicode-tables writes unicode_tables.cpp).

#include <array>
#include <cstdint>

namespace sesame::unicode_tables {

struct LowerPair {
    char32_t from, to;
};
/// Every code point str.lower() maps to one other code point, sorted. (U+0130 lowers to two,
/// "i" and U+0307: handled by the caller.)
extern const std::array<LowerPair, 1432> k_lower;
/// The zero of every run of ten decimal digits (category Nd), sorted: int() reads each run as 0-9.
extern const std::array<char32_t, 66> k_digit_zeros;

}  // namespace sesame::unicode_tables
