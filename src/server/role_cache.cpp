#include "server/role_cache.hpp"

#include <fmt/format.h>

#include "aws/arn.hpp"
#include "util/strings.hpp"

namespace sesame {

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
    auto role = m_sts.assume_role(*base, AssumeRoleInput::for_role(role_arn, now));
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
