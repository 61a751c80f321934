#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>

#include "app/context.hpp"
#include "app/key_sources.hpp"
#include "aws/credentials.hpp"
#include "config/profile.hpp"
#include "providers/chain.hpp"

namespace sesame {

/// The options exec, export, server (and later shell) share for getting credentials.
struct CredentialRequest {
    std::string profile;      ///< empty: AWS_PROFILE, then "default"
    std::string duration;     ///< -d/--duration, e.g. "1h"
    bool no_session = false;  ///< -n/--no-session
    std::string region;       ///< --region
    std::string mfa_token;    ///< -t/--mfa-token
    /// --account ID|NAME (empty string: pick on the terminal) and --role: assume
    /// arn:<partition>:iam::<id>:role/<role> from the profile's session.
    std::optional<std::string> account;
    std::string role = "OrganizationAccountAccessRole";
};

struct ObtainedCredentials {
    Credentials credentials;
    std::string profile;
    std::string region;   ///< resolved region, may be empty
    std::string account;  ///< the account id when known (CredentialSource::account_id)
    /// The flags to obtain them again, for a shell's refresh (app/refresh_options).
    std::string refresh_options;
};

/// A resolved profile that can fetch credentials again and again (a long-running endpoint
/// refreshes through it). Each fetch builds the provider chain anew, so the vault's cache is
/// consulted every time; calls must not overlap (the endpoint's refresher serialises them).
class CredentialSource {
  public:
    /// Resolves the profile. `min_ttl` overrides SESAME_MIN_TTL (an endpoint needs more left).
    static Result<std::unique_ptr<CredentialSource>> open(Context& ctx, const CredentialRequest& request,
                                                          std::optional<std::chrono::seconds> min_ttl = {});
    Result<Credentials> fetch();

    const std::string& name() const { return m_name; }
    const ProfileConfig& profile() const { return m_profile; }
    /// The profile's region (after the environment and inheritance), as botocore resolves it.
    std::string region() const;
    /// The account the credentials are for, when known without asking AWS (the prompt shows it):
    /// --account's id (once fetched), the role's of a chain that ends in AssumeRole, the MFA
    /// device's of the user's own keys or session; empty otherwise.
    std::string account_id() const;
    /// For a long-running process: keeps in memory only the vault keys of this profile's chain
    /// (itself and its source_profiles) and forgets the vault passphrase (SecretStore::confine).
    /// Call between fetches, from the thread that fetches.
    void confine_store();
    /// A separate STS client set, for calls made outside fetch() (e.g. from another thread).
    std::unique_ptr<ServiceClients> make_clients() const;

  private:
    /// --account: AssumeRole into the account from `base`, cached like any role session.
    Result<ProviderPtr> account_role(ProviderPtr base, ChainDeps& deps);
    CredentialSource(Context& ctx, std::string name, ProfileConfig profile, ChainOptions options,
                     std::unique_ptr<KeySources> keys, std::optional<Secret> mfa_code);
    Context& m_ctx;
    std::string m_name;
    ProfileConfig m_profile;
    ChainOptions m_options;
    std::unique_ptr<KeySources> m_keys;
    MfaCodes m_mfa;
    std::unique_ptr<ServiceClients> m_sts;
    std::optional<std::string> m_account;  ///< as given; resolved to an id on first fetch
    std::string m_role;
    std::string m_account_id;
};

/// Resolves the profile from the AWS config and runs its provider chain once (cache first).
Result<ObtainedCredentials> obtain_credentials(Context& ctx, const CredentialRequest& request);

/// PROFILE argument, else AWS_PROFILE, else "default".
std::string pick_profile(const Context& ctx, const std::string& given);

}  // namespace sesame
