#include "server/role_cache.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "util/strings.hpp"

namespace sesame {

bool is_role_arn(std::string_view arn) {
    // arn:aws:iam::123456789012:role/name
    if (!arn.starts_with("arn:")) return false;
    auto parts_end = arn.find(":iam::");
    if (parts_end == std::string_view::npos || parts_end <= 4) return false;
    std::string_view rest = arn.substr(parts_end + 6);
    if (rest.size() < 12 + 6) return false;
    if (!std::all_of(rest.begin(), rest.begin() + 12, [](unsigned char c) { return std::isdigit(c); }))
        return false;
    rest.remove_prefix(12);
    if (!rest.starts_with(":role/") || rest.size() <= 6) return false;
    return std::all_of(rest.begin(), rest.end(), [](unsigned char c) {
        return std::isalnum(c) ||
               std::string_view("/:+=,.@_-").find(static_cast<char>(c)) != std::string_view::npos;
    });
}

Result<Credentials> RoleCache::get(const std::string& role_arn) {
    if (!is_role_arn(role_arn)) {
        return fail(fmt::format("\"{}\" is not a role ARN", printable(role_arn)),
                    "use arn:aws:iam::<account>:role/<name>");
    }
    std::lock_guard lock(m_mutex);
    Entry& entry = m_roles[role_arn];
    TimePoint now = m_clock.now();
    if (entry.credentials &&
        (!entry.credentials->expiration || *entry.credentials->expiration - now >= entry.min_ttl))
        return *entry.credentials;
    if (entry.error && now < entry.retry_at) return std::unexpected(*entry.error);
    auto base = m_base.get();
    if (!base) return base;
    AssumeRoleInput in;
    in.role_arn = role_arn;
    in.session_name = default_role_session_name(now);
    auto role = m_sts.assume_role(*base, in);
    if (!role) {
        entry.error = role.error();
        entry.retry_at = now + m_policy.retry_after;
        return std::unexpected(role.error());
    }
    entry.error.reset();
    entry.credentials = role->credentials;
    entry.min_ttl = m_policy.min_ttl;
    if (auto expiration = role->credentials.expiration)
        entry.min_ttl = m_policy.fitted(std::chrono::floor<std::chrono::seconds>(*expiration - now)).min_ttl;
    return role->credentials;
}

}  // namespace sesame
