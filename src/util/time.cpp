#include "util/time.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>

namespace sesame {
namespace {

/// UTC fields by calendar arithmetic: glibc's gmtime_r reads /etc/localtime on first use, six
/// system calls the warm path has no use for.
std::tm to_utc_tm(TimePoint t) {
    using namespace std::chrono;
    auto secs = floor<seconds>(t);
    auto day = floor<days>(secs);
    year_month_day ymd{day};
    hh_mm_ss hms{secs - day};
    std::tm tm{};
    tm.tm_year = static_cast<int>(ymd.year()) - 1900;
    tm.tm_mon = static_cast<int>(static_cast<unsigned>(ymd.month())) - 1;
    tm.tm_mday = static_cast<int>(static_cast<unsigned>(ymd.day()));
    tm.tm_hour = static_cast<int>(hms.hours().count());
    tm.tm_min = static_cast<int>(hms.minutes().count());
    tm.tm_sec = static_cast<int>(hms.seconds().count());
    return tm;
}

/// `digits` decimal digits (no sign) at s[pos].
bool read_int(std::string_view s, size_t& pos, size_t digits, int& out) {
    if (pos + digits > s.size() || !std::isdigit(static_cast<unsigned char>(s[pos]))) return false;
    auto r = std::from_chars(s.data() + pos, s.data() + pos + digits, out);
    if (r.ec != std::errc() || r.ptr != s.data() + pos + digits) return false;
    pos += digits;
    return true;
}

bool expect(std::string_view s, size_t& pos, char c) {
    if (pos >= s.size() || (std::toupper(static_cast<unsigned char>(s[pos])) != c)) return false;
    ++pos;
    return true;
}

}  // namespace

std::string format_rfc3339(TimePoint t) {
    std::tm tm = to_utc_tm(t);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string format_amz_date(TimePoint t) {
    std::tm tm = to_utc_tm(t);
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string format_amz_day(TimePoint t) {
    return format_amz_date(t).substr(0, 8);
}

std::optional<TimePoint> parse_rfc3339(std::string_view s) {
    size_t pos = 0;
    int year, mon, day, hour, min, sec;
    if (!read_int(s, pos, 4, year) || !expect(s, pos, '-') || !read_int(s, pos, 2, mon) ||
        !expect(s, pos, '-') || !read_int(s, pos, 2, day) || !(expect(s, pos, 'T') || expect(s, pos, ' ')) ||
        !read_int(s, pos, 2, hour) || !expect(s, pos, ':') || !read_int(s, pos, 2, min) ||
        !expect(s, pos, ':') || !read_int(s, pos, 2, sec))
        return std::nullopt;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    }
    int offset_minutes = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        int sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        int oh, om;
        if (!read_int(s, pos, 2, oh) || !expect(s, pos, ':') || !read_int(s, pos, 2, om)) return std::nullopt;
        offset_minutes = sign * (oh * 60 + om);
    } else {
        return std::nullopt;
    }
    if (pos != s.size()) return std::nullopt;
    if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60) return std::nullopt;
    using namespace std::chrono;
    auto ymd = year_month_day{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(mon)},
                              std::chrono::day{static_cast<unsigned>(day)}};
    if (!ymd.ok()) return std::nullopt;
    // In seconds, where years 0000-9999 fit; a TimePoint (nanoseconds) holds 1677-2262 only, and
    // callers subtract now() from expirations. So times clamp to 1970-2262: a credential_process
    // answering 9999-12-31 means "not soon" (it used to wrap to a time long past, and `server`
    // refreshed without end).
    sys_seconds t = sys_days{ymd} + hours{hour} + minutes{min} + seconds{sec} - minutes{offset_minutes};
    return TimePoint{std::clamp(t, sys_seconds{}, floor<seconds>(TimePoint::max()))};
}

Result<std::chrono::seconds> parse_duration(std::string_view s) {
    auto bad = [&] {
        return fail(fmt::format("invalid duration \"{}\"", s), "use a form like 1h, 90m, 3600s or 1h30m");
    };
    if (s.empty()) return bad();
    // Each part is checked against the limit before it is scaled or added: no overflow.
    constexpr long long k_max = 7LL * 24 * 3600 * 365;
    long long total = 0;
    size_t pos = 0;
    bool any_unit = false;
    while (pos < s.size()) {
        long long n = 0;
        auto r = std::from_chars(s.data() + pos, s.data() + s.size(), n);
        if (r.ec != std::errc() || n < 0) return bad();
        pos = static_cast<size_t>(r.ptr - s.data());
        long long unit = 1;
        if (pos == s.size()) {
            if (any_unit) return bad();  // "1h30" is ambiguous
        } else if (s[pos] == 'h' || s[pos] == 'm' || s[pos] == 's') {
            unit = s[pos] == 'h' ? 3600 : s[pos] == 'm' ? 60 : 1;
            any_unit = true;
            ++pos;
        } else {
            return bad();
        }
        if (n > (k_max - total) / unit) return bad();
        total += n * unit;
    }
    return std::chrono::seconds(total);
}

std::string format_duration_short(std::chrono::seconds s) {
    long long total = s.count();
    if (total < 0) total = 0;
    long long h = total / 3600, m = (total % 3600) / 60, sec = total % 60;
    if (h > 0) return fmt::format("{}h{:02}m", h, m);
    if (m > 0) return fmt::format("{}m", m);
    return fmt::format("{}s", sec);
}

}  // namespace sesame
