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
    if (auto it = m_roles.find(role_arn); it != m_roles.end()) {
        if (!it->second.expiration || *it->second.expiration - m_clock.now() >= m_policy.min_ttl)
            return it->second;
    }
    auto base = m_base.get();
    if (!base) return base;
    AssumeRoleInput in;
    in.role_arn = role_arn;
    in.session_name = default_role_session_name(m_clock.now());
    auto role = m_sts.assume_role(*base, in);
    if (!role) return std::unexpected(role.error());
    m_roles[role_arn] = role->credentials;
    return role->credentials;
}

}  // namespace sesame
