#pragma once

#include <string>

namespace sesame {

/// Where to send an AWS API call and which region to sign it for. Resolved by config
/// (region, FIPS/dual-stack, custom endpoint URLs); the aws/ callers only consume it.
struct ServiceEndpoint {
    std::string url;             ///< "https://sts.us-east-1.amazonaws.com/"
    std::string signing_region;  ///< "us-east-1"
};

}  // namespace sesame
