#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aws/credentials.hpp"
#include "aws/query_api.hpp"
#include "crypto/secret.hpp"
#include "util/clock.hpp"
#include "util/error.hpp"

namespace sesame {

struct IamUser {
    std::string user_name;  ///< empty for the account's root user
    std::string arn;        ///< "arn:aws:iam::123456789012:user/Bob" (or ":root")
    std::string user_id;    ///< "AIDACKCEVSQ6C2EXAMPLE" (the account id for root)
};

struct MfaDevice {
    std::string serial_number;  ///< "arn:aws:iam::123456789012:mfa/Bob" or a hardware serial
    std::string user_name;
    std::optional<TimePoint> enable_date;
};

/// A virtual MFA device just created, not yet enabled.
struct VirtualMfaDevice {
    std::string serial_number;
    Secret base32_seed;  ///< the TOTP key, base32 (RFC 4648) as authenticator apps take it
};

struct EnableMfaDeviceInput {
    std::string user_name;  ///< required by IAM
    std::string serial_number;
    Secret code1;  ///< two consecutive codes from the device
    Secret code2;
};

enum class AccessKeyStatus { active, inactive };

struct AccessKeyInfo {
    std::string access_key_id;
    std::string user_name;
    std::string status;  ///< "Active", "Inactive" (as IAM says it)
    std::optional<TimePoint> create_date;
};

struct CreatedAccessKey {
    Credentials credentials;  ///< long-term: id and secret, no token
    std::string user_name;
    std::optional<TimePoint> create_date;
};

/// The IAM API (Query protocol, version 2010-05-08), one function per action. An empty user_name
/// leaves UserName out, so IAM acts on the user whose key signs the request. Lists return every
/// page. A response missing an expected field is an error naming that field.
class Iam {
  public:
    static constexpr const char* k_version = "2010-05-08";

    explicit Iam(QueryApi& api) : m_api(api) {}

    Result<IamUser> get_user(const Credentials& caller, const std::string& user_name = {});
    Result<std::vector<MfaDevice>> list_mfa_devices(const Credentials& caller,
                                                    const std::string& user_name = {});
    /// Creates the device at `path`; the seed is returned once and never again by AWS.
    Result<VirtualMfaDevice> create_virtual_mfa_device(const Credentials& caller, const std::string& name,
                                                       const std::string& path = "/");
    Result<void> enable_mfa_device(const Credentials& caller, const EnableMfaDeviceInput& in);
    Result<void> deactivate_mfa_device(const Credentials& caller, const std::string& serial_number,
                                       const std::string& user_name = {});
    Result<void> delete_virtual_mfa_device(const Credentials& caller, const std::string& serial_number);
    Result<std::vector<AccessKeyInfo>> list_access_keys(const Credentials& caller,
                                                        const std::string& user_name = {});
    Result<CreatedAccessKey> create_access_key(const Credentials& caller, const std::string& user_name = {});
    Result<void> delete_access_key(const Credentials& caller, const std::string& access_key_id,
                                   const std::string& user_name = {});
    Result<void> update_access_key(const Credentials& caller, const std::string& access_key_id,
                                   AccessKeyStatus status, const std::string& user_name = {});

  private:
    QueryApi& m_api;
};

}  // namespace sesame
