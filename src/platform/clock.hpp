#pragma once

#include <chrono>

#include "util/clock.hpp"

namespace sesame {

/// The real Clock: reads the system's wall clock, so it lives with the rest of the OS.
class SystemClock final : public Clock {
  public:
    TimePoint now() const override { return std::chrono::system_clock::now(); }
};

}  // namespace sesame
