#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "aws/sts.hpp"
#include "server/refreshing_credentials.hpp"

namespace sesame {

/// The ECS endpoint's `/role-arn/<ARN>`: AssumeRole from the profile's session, one cached
/// session per ARN, renewed when less than the policy's min_ttl (fitted to the session's
/// lifetime) would remain. A failed AssumeRole is answered from memory for retry_after.
class RoleCache {
  public:
    RoleCache(RefreshingCredentials& base, Sts& sts, const Clock& clock, RefreshPolicy policy)
        : m_base(base), m_sts(sts), m_clock(clock), m_policy(policy) {}
    Result<Credentials> get(const std::string& role_arn);

  private:
    RefreshingCredentials& m_base;
    Sts& m_sts;
    const Clock& m_clock;
    RefreshPolicy m_policy;
    std::mutex m_mutex;
    struct Entry {
        std::optional<Credentials> credentials;
        std::chrono::seconds min_ttl{0};
        std::optional<Error> error;  ///< the last AssumeRole's failure, until retry_at
        TimePoint retry_at;
    };
    std::map<std::string, Entry> m_roles;
};

}  // namespace sesame
