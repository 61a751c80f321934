#include "app/credential_service.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "app/accounts.hpp"
#include "app/refresh_options.hpp"
#include "app/settings.hpp"
#include "app/user_key.hpp"
#include "aws/arn.hpp"
#include "providers/assume_role_provider.hpp"
#include "providers/cached_provider.hpp"
#include "providers/static_provider.hpp"
#include "util/time.hpp"

namespace sesame {

std::string pick_profile(const Context& ctx, const std::string& given) {
    if (!given.empty()) return given;
    // botocore's order (its "profile" setting reads AWS_DEFAULT_PROFILE first, then AWS_PROFILE).
    if (auto p = ctx.env().get("AWS_DEFAULT_PROFILE")) return *p;
    if (auto p = ctx.env().get("AWS_PROFILE")) return *p;
    return "default";
}

CredentialSource::CredentialSource(Context& ctx, std::string name, ProfileConfig profile,
                                   ChainOptions options, std::unique_ptr<KeySources> keys,
                                   std::optional<Secret> mfa_code)
    : m_ctx(ctx),
      m_name(std::move(name)),
      m_profile(std::move(profile)),
      m_options(options),
      m_keys(std::move(keys)),
      m_mfa(ctx.mfa_source_for(m_profile), std::move(mfa_code)),
      m_sts(make_clients()) {}

std::unique_ptr<ServiceClients> CredentialSource::make_clients() const {
    // open() has loaded the config already, so this cannot fail here.
    const AwsConfig* config = *m_ctx.config();
    return std::make_unique<ServiceClients>(*config, m_ctx.env(), m_ctx.clock(), m_ctx.log(),
                                            m_ctx.http_factory());
}

Result<std::unique_ptr<CredentialSource>> CredentialSource::open(
    Context& ctx, const CredentialRequest& request, std::optional<std::chrono::seconds> min_ttl) {
    std::string name = pick_profile(ctx, request.profile);

    ChainOptions options;
    options.use_session = !request.no_session;
    if (!request.duration.empty()) {
        auto d = parse_duration(request.duration);
        if (!d) return std::unexpected(std::move(d.error()).context("--duration"));
        if (*d < k_min_session_duration || *d > k_max_session_duration) {
            return fail(fmt::format("--duration {} is out of range", request.duration),
                        "AWS accepts 15m to 12h (role sessions may be limited further by the role)");
        }
        options.duration = *d;
    }
    // check_settings (cli/app.cpp) has refused a bad value of each before any command ran.
    const Env& env = ctx.env();
    options.min_ttl = duration_setting(env, "SESAME_MIN_TTL").value();
    if (min_ttl) options.min_ttl = std::max(options.min_ttl, *min_ttl);
    options.session_duration = duration_setting(env, "SESAME_SESSION_TTL").value();
    options.chained_session_duration = duration_setting(env, "SESAME_CHAINED_SESSION_TTL").value();
    options.role_duration = optional_duration_setting(env, "SESAME_ASSUME_ROLE_TTL").value();
    options.find_mfa_device = true;

    // botocore's order: the environment's long-term keys come first unless a profile is named.
    auto env_keys = long_term_environment_keys(ctx.chain_environment().first);
    if (env_keys && !request.profile.empty()) {
        ctx.log().debug(fmt::format("AWS_ACCESS_KEY_ID is not used: profile \"{}\" was named", name));
        env_keys.reset();
    }
    auto profile = ctx.resolve(name, request.region, env_keys ? name : "");
    if (!profile) return std::unexpected(profile.error());
    for (const auto& w : profile->warnings) ctx.log().warn(w);
    auto stored = ctx.stored_key_profiles();  // already loaded by resolve()
    if (!stored) return std::unexpected(stored.error());
    auto keys = std::make_unique<KeySources>(ctx.store(), *stored, **ctx.config(), ctx.log());
    if (env_keys) keys->use_environment_for(name, std::move(*env_keys));

    std::optional<Secret> code;
    if (!request.mfa_token.empty()) code = Secret(request.mfa_token);
    std::unique_ptr<CredentialSource> source(
        new CredentialSource(ctx, name, std::move(*profile), options, std::move(keys), std::move(code)));
    source->m_account = request.account;
    source->m_role = request.role;
    if (request.role.empty() || request.role.find_first_of("/: ") != std::string::npos)
        return fail(fmt::format("--role \"{}\" is not a role name", request.role),
                    "give the name only, e.g. --role OrganizationAccountAccessRole");
    return source;
}

Result<Credentials> CredentialSource::fetch() {
    auto [environment_keys, process_env] = m_ctx.chain_environment();
    ChainDeps deps{m_ctx.clock(),
                   m_ctx.store(),
                   m_mfa,
                   *m_sts,
                   m_ctx.log(),
                   [this](const std::string& p) { return m_keys->has(p); },
                   std::move(process_env),
                   std::move(environment_keys),
                   [this](const std::string& p) { return m_keys->open(p); }};
    auto provider = build_provider(m_profile, m_options, deps);
    if (!provider) return std::unexpected(provider.error());
    if (m_account) {
        auto role = account_role(std::move(*provider), deps);
        if (!role) return std::unexpected(role.error());
        provider = std::move(*role);
    }
    auto creds = (*provider)->retrieve();
    if (!creds) return creds;
    m_ctx.log().debug(
        fmt::format("credentials for \"{}\": key {}{}", m_name, redact(creds->access_key_id),
                    creds->expiration ? ", expires " + format_rfc3339(*creds->expiration) : ""));
    return creds;
}

Result<ProviderPtr> CredentialSource::account_role(ProviderPtr base, ChainDeps& deps) {
    if (m_account_id.empty()) {
        bool is_id = m_account->size() == 12 && std::all_of(m_account->begin(), m_account->end(),
                                                            [](unsigned char c) { return std::isdigit(c); });
        if (is_id) {
            m_account_id = *m_account;
        } else {
            // A name (or nothing: pick one) needs the organization's list, read with the profile's session.
            auto creds = base->retrieve();
            if (!creds) return std::unexpected(creds.error());
            auto org = m_ctx.organizations(m_profile);
            if (!org) return std::unexpected(org.error());
            auto accounts = (*org)->list_accounts(*creds);
            if (!accounts) return std::unexpected(accounts.error());
            auto picked = pick_account(*accounts, *m_account, m_ctx.prompt());
            if (!picked) return std::unexpected(picked.error());
            m_account_id = picked->id;
            base =
                std::make_unique<StaticProvider>(std::move(*creds), "session of profile \"" + m_name + "\"");
        }
    }
    AssumeRoleInput in =
        AssumeRoleInput::for_role(role_arn_in_account(region(), m_account_id, m_role), m_ctx.clock().now());
    in.duration = m_options.duration.value_or(m_options.role_duration.value_or(k_role_duration));
    SessionKey key = SessionKey::account_role(m_name, in.role_arn);
    ProviderPtr role =
        std::make_unique<AssumeRoleProvider>(std::move(base), m_sts->sts(m_profile), m_mfa, in);
    std::chrono::seconds least = m_options.min_ttl;
    if (m_options.duration) least = std::max(least, reuse_threshold(*m_options.duration));
    return ProviderPtr(std::make_unique<CachedProvider>(std::move(role), std::move(key), deps.store,
                                                        deps.clock, least, deps.log));
}

void CredentialSource::confine_store() {
    std::set<std::string> chain;
    for (const ProfileConfig* p = &m_profile; p; p = p->source.get()) chain.insert(p->name);
    m_ctx.store().confine(std::move(chain));
}

std::string CredentialSource::region() const {
    // The profile's own (or inherited, or from the environment), as botocore gives it: never the
    // region of its source_profile.
    return m_profile.region;
}

std::string CredentialSource::account_id() const {
    if (m_account) return m_account_id;
    const bool role = chain_assumes_role(m_profile, [this](const std::string& p) { return m_keys->has(p); });
    auto arn = parse_arn(role ? m_profile.role_arn : m_profile.mfa_serial);
    const bool id = arn && arn->account.size() == 12 &&
                    std::all_of(arn->account.begin(), arn->account.end(),
                                [](unsigned char c) { return std::isdigit(c); });
    return id ? arn->account : "";
}

Result<ObtainedCredentials> obtain_credentials(Context& ctx, const CredentialRequest& request) {
    auto source = CredentialSource::open(ctx, request);
    if (!source) return std::unexpected(source.error());
    auto creds = (*source)->fetch();
    if (!creds) return std::unexpected(creds.error());
    const std::string account = (*source)->account_id();
    return ObtainedCredentials{std::move(*creds), (*source)->name(), (*source)->region(), account,
                               refresh_options_text(request, account)};
}

}  // namespace sesame
