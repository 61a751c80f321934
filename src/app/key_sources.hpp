#pragma once

#include <optional>
#include <set>
#include <string>

#include "config/aws_config.hpp"
#include "providers/chain.hpp"
#include "util/log.hpp"
#include "vault/secret_store.hpp"

namespace sesame {

/// Where a profile's long-term keys come from, in the order sesame looks (issue 15: chaperone's
/// and aws-session's users keep theirs in ~/.aws/credentials or in the environment):
///  1. the store (`sesame add`, `sesame import`);
///  2. the AWS files, as botocore reads them (config/file_keys): the credentials file's section,
///     then the profile's config section. Used as the store's keys are (a GetSessionToken session,
///     cached), and each time they make a session sesame says they sit in clear and how to move
///     them into the store;
///  3. for the profile sesame picked itself (none named on the command line) and only then:
///     AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, when they are long-term keys (no session
///     token), as botocore's environment provider comes first unless a profile is named.
/// Sessions made from keys of 2 and 3 are cached apart, by key id (LongTermKeys::made_from).
class KeySources {
  public:
    KeySources(SecretStore& store, std::set<std::string> stored, const AwsConfig& config, const Log& log)
        : m_store(store), m_stored(std::move(stored)), m_config(config), m_log(log) {}

    /// The environment's long-term keys serve `profile`, the profile sesame picked.
    void use_environment_for(std::string profile, Credentials keys);

    bool has(const std::string& profile) const;
    /// Where `profile`'s keys are, for messages: "the vault", "~/.aws/credentials:3", ...; empty
    /// when it has none.
    std::string where(const std::string& profile) const;
    Result<LongTermKeys> open(const std::string& profile) const;

  private:
    SecretStore& m_store;
    std::set<std::string> m_stored;
    const AwsConfig& m_config;
    const Log& m_log;
    std::string m_env_profile;
    std::optional<Credentials> m_env_keys;
};

/// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from `keys` (Context::chain_environment), when
/// both are set and no session token is: long-term keys; nullopt otherwise.
std::optional<Credentials> long_term_environment_keys(const std::map<std::string, std::string>& keys);

}  // namespace sesame
