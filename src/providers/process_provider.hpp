#pragma once

#include <map>

#include "providers/provider.hpp"
#include "util/clock.hpp"

namespace sesame {

/// Runs a profile's `credential_process` and reads its JSON as botocore does
/// (Version 1, AccessKeyId, SecretAccessKey, optional SessionToken and Expiration).
class ProcessProvider final : public CredentialsProvider {
  public:
    ProcessProvider(std::string profile, std::string command, std::map<std::string, std::string> env)
        : m_profile(std::move(profile)), m_command(std::move(command)), m_env(std::move(env)) {}
    Result<Credentials> retrieve() override;
    std::string describe() const override { return "credential_process of profile \"" + m_profile + "\""; }

  private:
    std::string m_profile;
    std::string m_command;
    std::map<std::string, std::string> m_env;
};

/// Parses credential_process output; `where` prefixes errors. Exposed for unit tests.
Result<Credentials> parse_credential_process_output(std::string_view json, const std::string& where);

}  // namespace sesame
