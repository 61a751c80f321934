#include "util/fmod.hpp"

#include <bit>
#include <cstdint>

namespace sesame {

// The classic shift-and-subtract long division on the significands (as in musl's fmod): each
// step is exact, so the remainder is exact.
double exact_fmod(double x, double y) {
    std::uint64_t ux = std::bit_cast<std::uint64_t>(x), uy = std::bit_cast<std::uint64_t>(y);
    int ex = static_cast<int>(ux >> 52 & 0x7ff), ey = static_cast<int>(uy >> 52 & 0x7ff);
    const std::uint64_t sign = ux >> 63;

    if (uy << 1 == 0 || y != y || ex == 0x7ff) return (x * y) / (x * y);  // NaN (or x's NaN)
    if (ux << 1 <= uy << 1) return ux << 1 == uy << 1 ? 0 * x : x;        // |x| <= |y|

    // Significands with the implicit bit, subnormals normalised.
    if (ex == 0) {
        for (std::uint64_t i = ux << 12; i >> 63 == 0; --ex, i <<= 1) {
        }
        ux <<= -ex + 1;
    } else {
        ux &= ~std::uint64_t{0} >> 12;
        ux |= std::uint64_t{1} << 52;
    }
    if (ey == 0) {
        for (std::uint64_t i = uy << 12; i >> 63 == 0; --ey, i <<= 1) {
        }
        uy <<= -ey + 1;
    } else {
        uy &= ~std::uint64_t{0} >> 12;
        uy |= std::uint64_t{1} << 52;
    }

    for (; ex > ey; --ex) {
        std::uint64_t i = ux - uy;
        if (i >> 63 == 0) {
            if (i == 0) return 0 * x;
            ux = i;
        }
        ux <<= 1;
    }
    std::uint64_t i = ux - uy;
    if (i >> 63 == 0) {
        if (i == 0) return 0 * x;
        ux = i;
    }
    for (; ux >> 52 == 0; ux <<= 1, --ex) {
    }

    if (ex > 0) {
        ux -= std::uint64_t{1} << 52;
        ux |= static_cast<std::uint64_t>(ex) << 52;
    } else {
        ux >>= -ex + 1;
    }
    ux |= sign << 63;
    return std::bit_cast<double>(ux);
}

}  // namespace sesame
