#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "aws/credentials.hpp"
#include "config/aws_config.hpp"
#include "util/error.hpp"

namespace sesame {

/// Keys written in clear in the AWS files, as botocore finds them for a profile: its
/// SharedCredentialProvider (the [NAME] section of the credentials file), then its
/// ConfigProvider (the profile's own config section; no include_profile, no [default]).
struct FileKeys {
    Credentials credentials;  ///< with a session token when the file gives one
    std::string file;         ///< the file they are in
    int line = 0;             ///< of aws_access_key_id
    bool in_credentials_file = false;
};

/// The lowercase names of the keys a profile's section holds its credentials in.
inline constexpr std::string_view k_file_key_names[] = {"aws_access_key_id", "aws_secret_access_key",
                                                        "aws_session_token", "aws_security_token"};

/// Whether `profile`'s sections hold an aws_access_key_id (cheap: no secret is copied).
bool has_file_keys(const AwsConfig& config, std::string_view profile);

/// `profile`'s keys from the files, nullopt when they have none. A section with only one of
/// aws_access_key_id and aws_secret_access_key is an error naming file and line, as botocore's
/// PartialCredentialsError.
Result<std::optional<FileKeys>> file_keys(const AwsConfig& config, std::string_view profile);

}  // namespace sesame
