// Time parsing and formatting (util/time): RFC 3339 from AWS, credential_process and the
// environment; durations users type (--duration, SESAME_*_TTL). Input: the text, read as both; its
// last byte, when above 0x7F, asks for the formatters instead, with the 8 bytes before it as a
// time. Properties:
// - parse_rfc3339 gives whole seconds within 1970-2262 (what every caller can subtract without
//   overflow), format_rfc3339 of that parses back to it, and a canonical UTC time in that range
//   ("2026-11-20T23:07:19Z") formats back to itself;
// - parse_duration gives 0 to 7 years, and format_duration_short of it reads back to within a
//   minute below it;
// - the formatters accept any time a TimePoint holds.

#include <fuzzer/FuzzedDataProvider.h>

#include <cctype>
#include <chrono>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

using fuzz::check;
using namespace std::chrono;

/// "YYYY-MM-DDTHH:MM:SSZ" with digits where digits go, seconds below 60 and a year whose times
/// all fit in a TimePoint (1970 to 2261).
bool canonical(std::string_view s) {
    if (s.size() != 20) return false;
    for (size_t i = 0; i < s.size(); ++i) {
        const char want = "0000-00-00T00:00:00Z"[i];
        if (want == '0' ? !std::isdigit(static_cast<unsigned char>(s[i])) : s[i] != want) return false;
    }
    return s.substr(0, 4) >= "1970" && s.substr(0, 4) <= "2261" && s.substr(17, 2) < "60";
}

void check_rfc3339(const std::string& s) {
    auto t = parse_rfc3339(s);
    if (!t) return;
    check(*t >= TimePoint{} && *t <= floor<seconds>(TimePoint::max()), "a parsed time lies in 1970-2262");
    check(floor<seconds>(*t) == *t, "a parsed time is whole seconds");
    const std::string formatted = format_rfc3339(*t);
    check(parse_rfc3339(formatted) == t, "format_rfc3339 parses back to the time");
    if (canonical(s)) check(formatted == s, "a canonical UTC time formats back to itself");
    check(format_amz_date(*t).size() == 16 && format_amz_day(*t) == format_amz_date(*t).substr(0, 8),
          "SigV4 dates have their fixed form");
}

void check_duration(const std::string& s) {
    auto d = parse_duration(s);
    if (!d) {
        check(d.error().message.find(s) != std::string::npos, "a duration error names the input");
        return;
    }
    check(d->count() >= 0 && d->count() <= 7LL * 365 * 24 * 3600, "a duration lies in 0 to 7 years");
    const std::string shown = format_duration_short(*d);
    auto back = parse_duration(shown);
    check(back && *back <= *d && *d - *back < minutes(1), "format_duration_short reads back within a minute");
}

}  // namespace
}  // namespace sesame

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace sesame;
    FuzzedDataProvider fdp(data, size);
    const uint8_t which = fdp.ConsumeIntegral<uint8_t>();  // the last byte
    if (which & 0x80) {
        const auto ns = fdp.ConsumeIntegral<int64_t>();
        const TimePoint t{nanoseconds(ns)};
        const std::string formatted = format_rfc3339(t);
        (void)format_amz_date(t);
        (void)format_duration_short(seconds(ns));
        // Every time a TimePoint holds formats as a time parse_rfc3339 reads (clamped to its range).
        fuzz::check(parse_rfc3339(formatted).has_value(), "format_rfc3339 writes what parse_rfc3339 reads");
        return 0;
    }
    const std::string text = fdp.ConsumeRemainingBytesAsString();
    check_rfc3339(text);
    check_duration(text);
    return 0;
}
