#pragma once

#include <string>
#include <string_view>

#include "crypto/secret.hpp"
#include "util/error.hpp"

namespace sesame {

/// What aws-vault keeps in its keyring (99designs/keyring), read as aws-vault reads it. Only
/// long-term keys are imported: sessions and SSO tokens are aws-vault's caches.

/// Whether aws-vault takes an item name for a cached session (99designs/aws-vault
/// vault/sessionkeyring.go IsSessionKey): the current form "TYPE,base64url(profile),
/// base64url(mfa serial),UNIX EXPIRY", or one of the three older ones ("session,P,M,EXPIRY",
/// "session:P:M:EXPIRY", "P session (N)").
bool is_aws_vault_session_name(std::string_view name);

/// Whether it is an SSO (OIDC) token: "oidc:START URL" (vault/oidctokenkeyring.go).
bool is_aws_vault_oidc_name(std::string_view name);

/// The item name a file of keyring's file backend stands for: mtibben/percent Decode (each
/// "%XX" of hex digits is that byte; anything else is itself), the inverse of the
/// filenameEscape (percent.Encode(key, "/")) that file.go names files with.
std::string keyring_filename_unescape(std::string_view filename);

/// An aws-vault credentials item, decoded.
struct AwsVaultCredentials {
    std::string key;  ///< the item's name: the profile
    std::string access_key_id;
    Secret secret_access_key;
    bool has_session_token = false;  ///< a session (temporary credentials), not a long-term key
};

/// Parses an item as 99designs/keyring stores it (keyring.go Item, JSON: {"Key", "Data" (base64),
/// "Label", ...}) whose Data is aws-vault's credentials (credentialkeyring.go: aws-sdk-go-v2's
/// aws.Credentials {"AccessKeyID", "SecretAccessKey", "SessionToken", ...}; sessions hold
/// sts.Credentials, "AccessKeyId"): field names match as Go's encoding/json matches them (the
/// exact name, else any case). Errors never quote the item. The parsed JSON's strings are
/// wiped before they are freed.
Result<AwsVaultCredentials> parse_aws_vault_item(const Secret& item_json);

}  // namespace sesame
