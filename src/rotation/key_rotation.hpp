#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aws/credentials.hpp"
#include "aws/iam.hpp"
#include "util/error.hpp"

namespace sesame {

/// The AWS calls a rotation makes. Abstract so the state machine is tested with fakes; the real
/// one is AwsRotationApi (rotation/rotation_backends.hpp).
class RotationApi {
  public:
    virtual ~RotationApi() = default;
    /// The ARN the caller acts as (sts:GetCallerIdentity, which needs no permission).
    virtual Result<std::string> caller_arn(const Credentials& caller) = 0;
    /// The ARN of the IAM user whose key signs (iam:GetUser): proves a new key is accepted.
    virtual Result<std::string> user_arn(const Credentials& key) = 0;
    virtual Result<std::vector<AccessKeyInfo>> list_access_keys(const Credentials& caller,
                                                                const std::string& user_name) = 0;
    virtual Result<CreatedAccessKey> create_access_key(const Credentials& caller,
                                                       const std::string& user_name) = 0;
    virtual Result<void> delete_access_key(const Credentials& caller, const std::string& access_key_id,
                                           const std::string& user_name) = 0;
};

/// Where the key lives (the vault, for one profile).
class RotationStore {
  public:
    virtual ~RotationStore() = default;
    /// The access key id stored now.
    virtual Result<std::string> stored_key_id() = 0;
    /// In one atomic write: if the stored key is still `old_key_id`, stores `new_key` and forgets
    /// the sessions made from the old key; returns how many. Fails, changing nothing, otherwise.
    virtual Result<size_t> replace(const std::string& old_key_id, const Credentials& new_key) = 0;
};

struct RotationRequest {
    Credentials old_key;  ///< the stored long-term key
    /// An MFA session made from old_key; when set it signs every IAM call (IAM refuses user
    /// operations to sessions without MFA, and policies may demand MFA).
    std::optional<Credentials> session;
    std::string profile;  ///< the profile that stores old_key, for what to do next
};

struct RotationOutcome {
    std::string user_name;  ///< empty for the account's root user
    std::string old_key_id;
    std::string new_key_id;
    size_t sessions_cleared = 0;
};

/// When `cause` is AWS refusing the stored key itself (InvalidClientTokenId: it was deleted or
/// deactivated outside sesame), the error that says so and what to do instead; nullopt otherwise.
std::optional<Error> stored_key_refused(const Error& cause, const std::string& key_id,
                                        const std::string& profile);

/// How long to wait for a new key to be accepted: IAM is eventually consistent, and a key is
/// often refused for a few seconds after it is created. About 10 s in all by default.
struct RotationTiming {
    int verify_attempts = 10;
    std::chrono::milliseconds verify_delay{1000};
};

/// Replaces a stored access key with a new one, in the only order that never leaves the user
/// without a working key: create the new key, check that AWS accepts it, store it (forgetting
/// sessions of the old one), and only then delete the old key. A failure at any step says what IAM
/// and the vault now hold and what to do; a new key that was not stored is deleted again, and a
/// key is never deleted while the vault may hold it.
class KeyRotation {
  public:
    using Sleep = std::function<void(std::chrono::milliseconds)>;
    /// One line of progress (no newline), for the user.
    using Progress = std::function<void(std::string_view)>;

    KeyRotation(RotationApi& api, RotationStore& store, Sleep sleep, Progress progress,
                RotationTiming timing = {})
        : m_api(api),
          m_store(store),
          m_sleep(std::move(sleep)),
          m_progress(std::move(progress)),
          m_timing(timing) {}

    Result<RotationOutcome> run(const RotationRequest& request);

  private:
    /// The new key's id once AWS accepts it as `user_arn`'s; the last refusal otherwise.
    Result<void> verify(const Credentials& new_key, const std::string& user_arn);
    /// Deletes a new key that was never stored, and says so in `why`.
    Error abandon(Error why, const Credentials& signer, const std::string& new_key_id,
                  const std::string& user_name, const std::string& old_key_id);

    RotationApi& m_api;
    RotationStore& m_store;
    Sleep m_sleep;
    Progress m_progress;
    RotationTiming m_timing;
};

/// The IAM user name in a caller ARN: "arn:aws:iam::1:user/path/alice" -> "alice"; "" for the
/// root user ("arn:aws:iam::1:root"); nullopt for anything else (a role session).
std::optional<std::string> iam_user_name(std::string_view arn);

/// The command that deletes an access key, for messages.
std::string delete_key_command(const std::string& user_name, const std::string& access_key_id);

}  // namespace sesame
