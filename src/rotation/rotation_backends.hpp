#pragma once

#include <string>

#include "aws/iam.hpp"
#include "aws/sts.hpp"
#include "rotation/key_rotation.hpp"
#include "util/clock.hpp"

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

}  // namespace sesame
