#include "app/refresh_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <vector>

#include "util/strings.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

constexpr std::string_view k_variable = "SESAME_REFRESH_OPTIONS";

/// `s` has `min` to `max` characters, each one `ok`.
bool made_of(std::string_view s, size_t min, size_t max, bool (*ok)(char)) {
    return s.size() >= min && s.size() <= max && std::all_of(s.begin(), s.end(), ok);
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_region_char(char c) {
    return (c >= 'a' && c <= 'z') || is_digit(c) || c == '-';
}

/// IAM's characters for a role name.
bool is_role_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) ||
           std::string_view("+=,.@_-").find(c) != std::string_view::npos;
}

std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t end = text.find(' ', pos);
        if (end == std::string_view::npos) end = text.size();
        out.push_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

}  // namespace

std::string refresh_options_text(const CredentialRequest& request, const std::string& account_id) {
    std::vector<std::string> parts;
    if (request.account && !account_id.empty()) {
        parts.push_back("--account " + account_id);
        parts.push_back("--role " + request.role);
    }
    if (!request.region.empty()) parts.push_back("--region " + request.region);
    if (!request.duration.empty()) {
        // open() has accepted it: it parses.
        if (auto d = parse_duration(request.duration))
            parts.push_back(fmt::format("--duration {}", d->count()));
    }
    if (request.no_session) parts.emplace_back("--no-session");
    std::string text;
    for (const auto& p : parts) text += (text.empty() ? "" : " ") + p;
    return text;
}

Result<void> apply_refresh_options(std::string_view text, CredentialRequest& request) {
    auto bad = [&](const std::string& why) -> Result<void> {
        return fail(
            fmt::format("{}=\"{}\" is not what sesame sets: {}", k_variable, printable(text, 200), why),
            "sesame shell and sesame exec set it, for the refresh of the shell they start; unset it, "
            "or leave this shell and start a new one");
    };
    if (text.empty()) return {};
    const auto w = words(text);
    std::set<std::string_view> seen;
    bool role = false;
    for (size_t i = 0; i < w.size(); ++i) {
        const std::string_view flag = w[i];
        if (!seen.insert(flag).second) return bad(fmt::format("{} is given twice", printable(flag)));
        if (flag == "--no-session") {
            request.no_session = true;
            continue;
        }
        if (flag != "--account" && flag != "--role" && flag != "--region" && flag != "--duration")
            return bad(fmt::format("\"{}\" is not one of its flags", printable(flag)));
        if (i + 1 >= w.size()) return bad(fmt::format("{} has no value", flag));
        const std::string_view value = w[++i];
        if (flag == "--account") {
            if (!made_of(value, 12, 12, is_digit)) return bad("--account is not a 12-digit account id");
            request.account = std::string(value);
        } else if (flag == "--role") {
            if (!made_of(value, 1, 64, is_role_char)) return bad("--role is not a role name");
            request.role = std::string(value);
            role = true;
        } else if (flag == "--region") {
            if (!made_of(value, 1, 64, is_region_char)) return bad("--region is not a region name");
            request.region = std::string(value);
        } else {
            if (!made_of(value, 1, 6, is_digit)) return bad("--duration is not a number of seconds");
            request.duration = std::string(value);
        }
    }
    if (request.account.has_value() != role) return bad("--account and --role come together");
    return {};
}

}  // namespace sesame
