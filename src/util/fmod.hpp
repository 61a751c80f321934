#pragma once

namespace sesame {

/// fmod, exact (the result is x - n*y with n = trunc(x/y), computed without rounding), by
/// integer arithmetic on the IEEE 754 representation; NaN for y == 0 or infinite x, as C's
/// fmod, but errno is left alone.
///
/// Why sesame has its own: pugixml's XPath needs fmod, the only libm function the binary uses.
/// Loading libm.so costs every process start about 50 microseconds, and taking fmod from
/// glibc's libm.a references glibc's private `errno` symbol, which pins a package to one exact
/// glibc version. main.cpp defines `fmod` as this, so neither is needed.
double exact_fmod(double x, double y);

}  // namespace sesame
