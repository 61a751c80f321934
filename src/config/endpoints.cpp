#include "config/endpoints.hpp"

#include <algorithm>
#include <array>

#include "aws/arn.hpp"
#include "util/strings.hpp"

namespace sesame {

namespace {

/// botocore's LEGACY_GLOBAL_STS_REGIONS: with sts_regional_endpoints = legacy these use
/// https://sts.amazonaws.com.
constexpr std::array<std::string_view, 16> k_legacy_global_sts_regions = {
    "ap-northeast-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2", "aws-global", "ca-central-1",
    "eu-central-1",   "eu-north-1", "eu-west-1",      "eu-west-2",      "eu-west-3",  "sa-east-1",
    "us-east-1",      "us-east-2",  "us-west-1",      "us-west-2",
};

std::string env_suffix(std::string_view service) {
    std::string out;
    for (char c : service)
        out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

/// The `endpoint_url` in the [services NAME] block for `service`, if any.
std::string services_endpoint(std::string_view service, const ProfileConfig& p, const AwsConfig& cfg) {
    if (p.services_name.empty()) return {};
    const IniSection* section = cfg.services(p.services_name);
    const IniValue* block = section ? section->find(service) : nullptr;
    if (!block || !block->value.starts_with('\n')) return {};
    auto nested = parse_nested(*block, cfg.paths().config);
    if (!nested) return {};
    for (const auto& [key, value] : *nested)
        if (key == "endpoint_url") return value;
    return {};
}

std::string configured_endpoint(std::string_view service, const ProfileConfig& p, const AwsConfig& cfg,
                                const Env& env) {
    auto ignore = env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    if (ignore ? to_lower(*ignore) == "true" : p.ignore_configured_endpoint_urls) return {};
    if (auto url = env.get("AWS_ENDPOINT_URL_" + env_suffix(service))) return *url;
    if (auto url = env.get("AWS_ENDPOINT_URL")) return *url;
    if (auto url = services_endpoint(service, p, cfg); !url.empty()) return url;
    return p.endpoint_url;
}

ServiceEndpoint sts_endpoint(const std::string& region, const std::string& mode) {
    bool legacy = mode == "legacy" &&
                  std::find(k_legacy_global_sts_regions.begin(), k_legacy_global_sts_regions.end(), region) !=
                      k_legacy_global_sts_regions.end();
    if (region.empty() || region == "aws-global" || legacy) return {"https://sts.amazonaws.com", "us-east-1"};
    return {"https://sts." + region + "." + std::string(partition_of(region).dns_suffix), region};
}

}  // namespace

ServiceEndpoint resolve_endpoint(std::string_view service, const ProfileConfig& p, const AwsConfig& cfg,
                                 const Env& env) {
    if (auto url = configured_endpoint(service, p, cfg, env); !url.empty())
        return {url, p.region.empty() ? "us-east-1" : p.region};
    if (service == "sts") return sts_endpoint(p.region, p.sts_regional_endpoints);
    const Partition& part = partition_of(p.region);
    std::string suffix(part.dns_suffix);
    if (service == "iam") {
        std::string region(part.iam_region);
        return {part.iam_host.empty() ? "https://iam." + region + "." + suffix
                                      : "https://" + std::string(part.iam_host),
                region};
    }
    std::string region(part.organizations_region);
    return {"https://" + std::string(service) + "." + region + "." + suffix, region};
}

}  // namespace sesame
