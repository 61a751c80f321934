#pragma once

#include <string>
#include <string_view>

#include "aws/service_endpoint.hpp"
#include "config/aws_config.hpp"
#include "config/profile.hpp"
#include "platform/env.hpp"

namespace sesame {

/// The endpoint for `service` ("sts", "iam" or "organizations") as botocore picks it. Configured
/// endpoints first, in botocore's order: AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the
/// `endpoint_url` in the profile's [services NAME] block for the service, the profile's
/// endpoint_url; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (or the profile's
/// ignore_configured_endpoint_urls when that variable is unset) set to true skips them. A
/// configured endpoint is signed for the profile's region, else us-east-1. Otherwise the
/// partition's standard endpoint: STS is regional unless there is no region or
/// sts_regional_endpoints = legacy and the region is one botocore sends to sts.amazonaws.com.
ServiceEndpoint resolve_endpoint(std::string_view service, const ProfileConfig& p, const AwsConfig& cfg,
                                 const Env& env);

}  // namespace sesame
