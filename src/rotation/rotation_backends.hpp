#pragma once

#include <set>
#include <string>

#include "aws/iam.hpp"
#include "aws/sts.hpp"
#include "platform/clock.hpp"
#include "rotation/key_rotation.hpp"
#include "vault/file_vault.hpp"

namespace sesame {

/// RotationApi on the real STS and IAM clients.
class AwsRotationApi final : public RotationApi {
  public:
    AwsRotationApi(Sts& sts, Iam& iam) : m_sts(sts), m_iam(iam) {}
    Result<std::string> caller_arn(const Credentials& caller) override;
    Result<std::string> user_arn(const Credentials& key) override;
    Result<std::vector<AccessKeyInfo>> list_access_keys(const Credentials& caller,
                                                        const std::string& user_name) override;
    Result<CreatedAccessKey> create_access_key(const Credentials& caller,
                                               const std::string& user_name) override;
    Result<void> delete_access_key(const Credentials& caller, const std::string& access_key_id,
                                   const std::string& user_name) override;

  private:
    Sts& m_sts;
    Iam& m_iam;
};

/// RotationStore on the vault: the key of `profile`; a replacement also forgets the cached
/// sessions of `session_profiles` (the profile and those whose chain starts from its key).
class VaultRotationStore final : public RotationStore {
  public:
    VaultRotationStore(FileVault& vault, const Clock& clock, std::string profile,
                       std::set<std::string> session_profiles)
        : m_vault(vault),
          m_clock(clock),
          m_profile(std::move(profile)),
          m_session_profiles(std::move(session_profiles)) {}
    Result<std::string> stored_key_id() override;
    Result<size_t> replace(const std::string& old_key_id, const Credentials& new_key) override;

  private:
    FileVault& m_vault;
    const Clock& m_clock;
    std::string m_profile;
    std::set<std::string> m_session_profiles;
};

}  // namespace sesame
