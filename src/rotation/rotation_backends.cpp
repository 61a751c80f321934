#include "rotation/rotation_backends.hpp"

#include <fmt/format.h>

namespace sesame {

Result<std::string> AwsRotationApi::caller_arn(const Credentials& caller) {
    auto identity = m_sts.get_caller_identity(caller);
    if (!identity) return std::unexpected(std::move(identity.error()));
    return std::move(identity->arn);
}

Result<std::string> AwsRotationApi::user_arn(const Credentials& key) {
    auto user = m_iam.get_user(key);
    if (!user) return std::unexpected(std::move(user.error()));
    return std::move(user->arn);
}

Result<std::vector<AccessKeyInfo>> AwsRotationApi::list_access_keys(const Credentials& caller,
                                                                    const std::string& user_name) {
    return m_iam.list_access_keys(caller, user_name);
}

Result<CreatedAccessKey> AwsRotationApi::create_access_key(const Credentials& caller,
                                                           const std::string& user_name) {
    return m_iam.create_access_key(caller, user_name);
}

Result<void> AwsRotationApi::delete_access_key(const Credentials& caller, const std::string& access_key_id,
                                               const std::string& user_name) {
    return m_iam.delete_access_key(caller, access_key_id, user_name);
}

}  // namespace sesame
