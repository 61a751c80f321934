#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

/// What the fuzz targets share: a property check that stops the run with a message libFuzzer
/// saves the input for. Targets assert properties (round trips, agreement between two paths of the
/// same parser), not only the absence of crashes.
namespace sesame::fuzz {

/// Aborts with `what` when `ok` is false: libFuzzer reports a crash and writes the reproducer.
inline void check(bool ok, std::string_view what) {
    if (ok) return;
    std::fprintf(stderr, "fuzz property violated: %.*s\n", static_cast<int>(what.size()), what.data());
    std::abort();
}

}  // namespace sesame::fuzz
