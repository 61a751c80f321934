#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "util/clock.hpp"
#include "util/error.hpp"

namespace sesame {

/// "2026-11-20T23:07:19Z": RFC 3339 in UTC, second precision (AWS_CREDENTIAL_EXPIRATION,
/// credential_process `Expiration`, IMDS `Expiration`).
std::string format_rfc3339(TimePoint t);

/// Parses ISO 8601 / RFC 3339 timestamps as AWS returns them: "2026-11-20T23:07:19Z",
/// with fractional seconds, or with a numeric offset ("+00:00").
std::optional<TimePoint> parse_rfc3339(std::string_view s);

/// "20150830T123600Z" and "20150830" for SigV4.
std::string format_amz_date(TimePoint t);
std::string format_amz_day(TimePoint t);

/// Parses "1h", "90m", "3600s", "1h30m", or plain seconds "3600". Errors name the input.
Result<std::chrono::seconds> parse_duration(std::string_view s);

/// "1h05m", "42m", "30s": compact time left, for list and prompts.
std::string format_duration_short(std::chrono::seconds s);

}  // namespace sesame
