#pragma once

#include <optional>
#include <string>
#include <string_view>

/// AWS partitions and ARNs: the one table that maps a region to its partition, and the one ARN
/// parser. Config (endpoints, profile validation), the credential endpoints and `--account` all
/// read them here, so a region of a new partition is taught in one place.
namespace sesame {

/// A partition as botocore's endpoints.json describes it: its name (the second field of an
/// ARN), the DNS suffix of its endpoints and the region its global services live in.
struct Partition {
    std::string_view name;           ///< "aws", "aws-cn", "aws-us-gov", "aws-iso", …
    std::string_view region_prefix;  ///< "" matches every region (the aws partition)
    std::string_view dns_suffix;     ///< "amazonaws.com"
    std::string_view iam_host;       ///< "" when IAM follows iam.<iam_region>.<dns_suffix>
    std::string_view iam_region;
    std::string_view organizations_region;
};

/// The partition of `region`; "aws" for an empty or unknown one, as botocore does.
const Partition& partition_of(std::string_view region);

/// arn:<partition>:<service>:<region>:<account>:<resource>. The resource is everything after the
/// fifth colon and may contain colons itself ("log-group:name:*").
struct Arn {
    std::string partition;
    std::string service;
    std::string region;   ///< "" for global services (IAM)
    std::string account;  ///< "" for some services (S3 buckets)
    std::string resource;
};

/// Splits an ARN; nullopt unless it starts with "arn:", has six fields, a partition of
/// [a-z0-9-], a service and a resource.
std::optional<Arn> parse_arn(std::string_view text);

/// arn:<partition>:iam::<12 digits>:role/<optional path/>name, with IAM's characters for the path
/// and name ([A-Za-z0-9+=,.@_-]). The one rule for role_arn in a profile and for the ECS
/// endpoint's /role-arn/ requests.
bool is_role_arn(std::string_view arn);

/// The ARN of role `role` in `account`, in the partition of `region` (`--account`).
std::string role_arn_in_account(std::string_view region, std::string_view account, std::string_view role);

}  // namespace sesame
