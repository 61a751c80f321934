#pragma once

#include <chrono>

namespace sesame {

using TimePoint = std::chrono::system_clock::time_point;

/// Wall-clock time, injected so expiry logic is testable. Here, below every folder, so that pure
/// code (time formats, TOTP) can take a time without reaching the OS; the real one is
/// SystemClock in platform/clock.hpp.
class Clock {
  public:
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};

/// A clock tests set by hand.
class FixedClock final : public Clock {
  public:
    explicit FixedClock(TimePoint t) : m_now(t) {}
    TimePoint now() const override { return m_now; }
    void advance(std::chrono::nanoseconds d) { m_now += std::chrono::duration_cast<TimePoint::duration>(d); }

  private:
    TimePoint m_now;
};

}  // namespace sesame
