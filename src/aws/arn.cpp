#include "aws/arn.hpp"

#include <algorithm>
#include <array>

namespace sesame {

namespace {

/// From botocore's endpoints.json, the aws partition last: it matches every region.
constexpr std::array<Partition, 8> k_partitions = {{
    {"aws-cn", "cn-", "amazonaws.com.cn", "", "cn-north-1", "cn-northwest-1"},
    {"aws-us-gov", "us-gov-", "amazonaws.com", "iam.us-gov.amazonaws.com", "us-gov-west-1", "us-gov-west-1"},
    {"aws-iso", "us-iso-", "c2s.ic.gov", "", "us-iso-east-1", "us-iso-east-1"},
    {"aws-iso-b", "us-isob-", "sc2s.sgov.gov", "", "us-isob-east-1", "us-isob-east-1"},
    {"aws-iso-f", "us-isof-", "csp.hci.ic.gov", "", "us-isof-south-1", "us-isof-south-1"},
    {"aws-iso-e", "eu-isoe-", "cloud.adc-e.uk", "", "eu-isoe-west-1", "eu-isoe-west-1"},
    {"aws-eusc", "eusc-", "amazonaws.eu", "", "eusc-de-east-1", "eusc-de-east-1"},
    {"aws", "", "amazonaws.com", "iam.amazonaws.com", "us-east-1", "us-east-1"},
}};

constexpr std::string_view k_digits = "0123456789";
constexpr std::string_view k_partition_chars = "abcdefghijklmnopqrstuvwxyz0123456789-";
constexpr std::string_view k_role_chars =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+=,.@_/-";

bool only(std::string_view s, std::string_view allowed) {
    return std::all_of(s.begin(), s.end(), [&](char c) { return allowed.find(c) != std::string_view::npos; });
}

}  // namespace

const Partition& partition_of(std::string_view region) {
    for (const auto& p : k_partitions)
        if (region.starts_with(p.region_prefix)) return p;
    return k_partitions.back();
}

std::optional<Arn> parse_arn(std::string_view text) {
    std::array<std::string_view, 5> fields;
    for (auto& field : fields) {
        auto colon = text.find(':');
        if (colon == std::string_view::npos) return std::nullopt;
        field = text.substr(0, colon);
        text.remove_prefix(colon + 1);
    }
    if (fields[0] != "arn" || fields[1].empty() || !only(fields[1], k_partition_chars) || fields[2].empty() ||
        text.empty())
        return std::nullopt;
    return Arn{std::string(fields[1]), std::string(fields[2]), std::string(fields[3]), std::string(fields[4]),
               std::string(text)};
}

bool is_role_arn(std::string_view text) {
    auto arn = parse_arn(text);
    if (!arn || arn->service != "iam" || !arn->region.empty()) return false;
    if (arn->account.size() != 12 || !only(arn->account, k_digits)) return false;
    std::string_view role = arn->resource;
    if (!role.starts_with("role/") || role.size() == 5 || role.back() == '/') return false;
    return only(role.substr(5), k_role_chars);
}

std::string role_arn_in_account(std::string_view region, std::string_view account, std::string_view role) {
    std::string out = "arn:";
    out += partition_of(region).name;
    out += ":iam::";
    out += account;
    out += ":role/";
    out += role;
    return out;
}

}  // namespace sesame
