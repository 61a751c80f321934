#pragma once

#include <string>
#include <vector>

#include "aws/credentials.hpp"
#include "aws/json_api.hpp"
#include "util/error.hpp"

namespace sesame {

/// An account of an organization, as ListAccounts returns it.
struct OrganizationAccount {
    std::string id;  ///< "111111111111"
    std::string name;
    std::string email;
    std::string status;  ///< "ACTIVE", "SUSPENDED", "PENDING_CLOSURE" (or State when Status is absent)
    std::string arn;
};

/// The AWS Organizations API (JSON 1.1, AWSOrganizationsV20161128), one function per operation.
/// Its endpoint is global per partition (us-east-1 in aws): see resolve_endpoint("organizations").
class Organizations {
  public:
    static constexpr const char* k_target_prefix = "AWSOrganizationsV20161128";

    explicit Organizations(JsonApi& api) : m_api(api) {}

    /// Every account in the caller's organization, all pages, in the order AWS lists them. Works
    /// only from the management account or a delegated administrator.
    Result<std::vector<OrganizationAccount>> list_accounts(const Credentials& caller);

  private:
    JsonApi& m_api;
};

}  // namespace sesame
