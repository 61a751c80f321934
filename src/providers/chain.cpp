#include "providers/chain.hpp"

#include <fmt/format.h>

#include "providers/assume_role_provider.hpp"
#include "providers/cached_provider.hpp"
#include "providers/process_provider.hpp"
#include "providers/session_token_provider.hpp"
#include "providers/static_provider.hpp"
#include "providers/vault_keys_provider.hpp"
#include "util/strings.hpp"

namespace sesame {
namespace {

struct Built {
    ProviderPtr provider;
    bool mfa_satisfied = false;  ///< the credentials already carry an MFA authentication
    /// --no-session: the long-term key itself, and the MFA device its session would have taken,
    /// which a role above must then send with its AssumeRole.
    bool long_term_key = false;
    std::string unsent_mfa;
    std::string made_from;  ///< LongTermKeys::made_from of the keys at the chain's root
};

class ChainBuilder {
  public:
    /// Every STS call of the chain goes through `target`'s client: botocore signs each AssumeRole
    /// of a chain in the target profile's region, with its endpoint settings.
    ChainBuilder(const ChainOptions& options, ChainDeps& deps, const ProfileConfig& target)
        : m_options(options), m_deps(deps), m_sts(deps.sts.sts(target)) {}

    /// botocore's order: a role profile assumes its role, except as a source that holds keys
    /// (those are used as they are); then keys; then credential_process. source_profile without
    /// role_arn gives nothing, in botocore as here.
    Result<Built> build(const ProfileConfig& p, bool is_target, bool feeds_role,
                        const std::string& wanted_mfa) {
        const bool keys = m_deps.has_stored_keys(p.name);
        if (!p.role_arn.empty() && (is_target || !keys)) return build_role(p, is_target, wanted_mfa);
        if (keys) return build_keys(p, is_target, feeds_role, wanted_mfa);
        if (!p.credential_process.empty()) return build_process(p);
        if (!p.source_profile_name.empty() || p.source)
            return fail(
                fmt::format("profile \"{}\" has source_profile but no role_arn, stored keys or "
                            "credential_process: the AWS CLI finds no credentials for it either",
                            p.name),
                fmt::format("add role_arn to assume a role from \"{}\", or store keys with: sesame add {}",
                            p.source_profile_name, p.name));
        return fail(
            fmt::format("profile \"{}\" has no stored keys, role_arn, source_profile or credential_process",
                        p.name),
            fmt::format("store its keys with: sesame add {}", p.name));
    }

    Result<Built> key_session(const ProfileConfig& target, const std::string& key_profile) {
        std::string mfa;  // as build_role hands it down
        for (const ProfileConfig* p = &target; p; p = p->source.get()) {
            const bool keys = m_deps.has_stored_keys(p->name);
            if (p->name == key_profile && keys) {
                if (mfa.empty() && p->mfa_serial.empty()) return Built{nullptr, false};
                return build_keys(*p, p == &target, p != &target, mfa);
            }
            if (p->role_arn.empty() || (p != &target && keys) || p->credential_source == "Environment") break;
            if (!p->mfa_serial.empty()) mfa = p->mfa_serial;
        }
        return fail(
            fmt::format("profile \"{}\" does not use the stored key of \"{}\"", target.name, key_profile));
    }

  private:
    Result<Built> build_process(const ProfileConfig& p) {
        return Built{std::make_unique<ProcessProvider>(p.name, p.credential_process, m_deps.process_env),
                     false};
    }

    Result<Built> build_keys(const ProfileConfig& p, bool is_target, bool feeds_role,
                             const std::string& wanted_mfa) {
        auto source = m_deps.long_term_keys
                          ? m_deps.long_term_keys(p.name)
                          : Result<LongTermKeys>(LongTermKeys{
                                std::make_unique<VaultKeysProvider>(m_deps.store, p.name), "", false});
        if (!source) return std::unexpected(source.error());
        ProviderPtr keys = std::move(source->provider);
        if (source->temporary) return Built{std::move(keys), false};
        std::string mfa = wanted_mfa.empty() ? p.mfa_serial : wanted_mfa;
        if (!m_options.use_session) return Built{std::move(keys), false, true, mfa, source->made_from};
        std::chrono::seconds duration =
            feeds_role ? m_options.chained_session_duration : m_options.session_duration;
        if (is_target && m_options.duration) duration = *m_options.duration;
        auto session =
            std::make_unique<SessionTokenProvider>(std::move(keys), m_sts, m_deps.mfa, mfa, duration);
        if (mfa.empty() && m_options.find_mfa_device) session->find_mfa_device_with(find_device(p));
        SessionKey key = SessionKey::session_token(p.name, mfa);
        if (!source->made_from.empty()) key = key.made_from(source->made_from);
        return Built{wrap(std::move(session), std::move(key), is_target), !mfa.empty(), false, "",
                     source->made_from};
    }

    Result<Built> build_role(const ProfileConfig& p, bool is_target, const std::string& wanted_mfa) {
        // A role profile's own mfa_serial wins; one inherited from a role above is used otherwise.
        std::string mfa = p.mfa_serial.empty() ? wanted_mfa : p.mfa_serial;
        Result<Built> source = [&]() -> Result<Built> {
            if (p.credential_source == "Environment") return from_environment(p);
            if (p.source) return build(*p.source, false, true, mfa);
            // source_profile naming itself, or aws-vault's AWS_ROLE_ARN on a profile with keys
            // (resolve_profile refuses role_arn without a source otherwise).
            if (m_deps.has_stored_keys(p.name)) return build_keys(p, false, true, mfa);
            return fail(  // resolve_profile refuses these first
                fmt::format("profile \"{}\" has role_arn but nothing to assume it with", p.name),
                fmt::format("set source_profile in its section, or store keys with: sesame add {}", p.name));
        }();
        if (!source) return source;

        AssumeRoleInput in = AssumeRoleInput::for_role(p.role_arn, m_deps.clock.now());
        if (!p.role_session_name.empty()) in.session_name = p.role_session_name;
        in.external_id = p.external_id;
        // aws-vault's order: AWS_ASSUME_ROLE_TTL (SESAME_ASSUME_ROLE_TTL) over duration_seconds.
        in.duration = m_options.role_duration.value_or(p.duration_seconds.value_or(k_role_duration));
        if (is_target && m_options.duration) in.duration = *m_options.duration;
        in.source_identity = p.source_identity;
        for (const auto& item : split(p.session_tags, ',')) {
            std::string_view t = trim(item);
            if (t.empty()) continue;
            auto eq = t.find('=');
            if (eq == std::string_view::npos || eq == 0) {
                return fail(
                    fmt::format("profile \"{}\": session_tags item \"{}\" is not key=value", p.name, t),
                    "write session_tags = key1=value1,key2=value2");
            }
            in.tags.emplace_back(std::string(trim(t.substr(0, eq))), std::string(trim(t.substr(eq + 1))));
        }
        for (const auto& key : split(p.transitive_session_tags, ','))
            if (!trim(key).empty()) in.transitive_tag_keys.emplace_back(trim(key));
        // Under --no-session the key's own MFA device goes with the AssumeRole: no session of
        // the key carries it.
        if (mfa.empty()) mfa = source->unsent_mfa;
        bool mfa_here = !mfa.empty() && !source->mfa_satisfied;
        if (mfa_here) in.mfa_serial = mfa;

        SessionKey key = SessionKey::role(p.name, p.role_arn, p.external_id, p.role_session_name, mfa);
        if (source->long_term_key)
            key = key.made_from("long-term key" + (source->made_from.empty() ? "" : " " + source->made_from));
        else if (!source->made_from.empty())
            key = key.made_from(source->made_from);
        auto role = std::make_unique<AssumeRoleProvider>(std::move(source->provider), m_sts, m_deps.mfa,
                                                         std::move(in));
        return Built{wrap(std::move(role), std::move(key), is_target), source->mfa_satisfied || mfa_here,
                     false, "", source->made_from};
    }

    /// credential_source = Environment: botocore's EnvProvider, the keys in sesame's own
    /// environment (not cached: they are the user's to change).
    Result<Built> from_environment(const ProfileConfig& p) {
        auto get = [&](const char* name) -> std::string {
            auto it = m_deps.environment_keys.find(name);
            return it == m_deps.environment_keys.end() ? std::string() : it->second;
        };
        Credentials c;
        c.access_key_id = get("AWS_ACCESS_KEY_ID");
        c.secret_access_key = Secret(get("AWS_SECRET_ACCESS_KEY"));
        std::string token = get("AWS_SESSION_TOKEN");
        c.session_token = Secret(token.empty() ? get("AWS_SECURITY_TOKEN") : token);
        if (c.access_key_id.empty() || c.secret_access_key.empty())
            return fail(fmt::format("profile \"{}\" has credential_source = Environment, but "
                                    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not both set",
                                    p.name),
                        "set them, or use source_profile");
        return Built{std::make_unique<StaticProvider>(std::move(c), "environment keys"), false};
    }

    /// `asked`: the session --duration is for, reused only while most of that duration remains.
    /// The first MFA device of the key's user, or "" (none, or IAM would not say: then the
    /// session is made without MFA, as before).
    SessionTokenProvider::FindMfaDevice find_device(const ProfileConfig& p) {
        // The builder is gone when the provider runs; the deps and the profile are not.
        ChainDeps& deps = m_deps;
        return [&deps, &p](const Credentials& key) -> std::string {
            // The user's name first, as `add` does: IAM infers it from the caller, but not every
            // IAM (moto) does for ListMFADevices.
            Iam& iam = deps.sts.iam(p);
            auto user = iam.get_user(key);
            auto devices = user ? iam.list_mfa_devices(key, user->user_name)
                                : Result<std::vector<MfaDevice>>(std::unexpected(user.error()));
            if (!devices) {
                deps.log.debug("no MFA device looked up for \"" + p.name + "\": " + devices.error().message);
                return "";
            }
            if (devices->empty()) return "";
            const std::string& serial = devices->front().serial_number;
            deps.log.warn(fmt::format(
                "profile \"{}\" names no mfa_serial: using the user's MFA device {}{}; set mfa_serial = {} "
                "in "
                "its section to skip this lookup",
                p.name, serial,
                devices->size() > 1 ? " (the first of " + std::to_string(devices->size()) + ")" : "",
                serial));
            return serial;
        };
    }

    ProviderPtr wrap(ProviderPtr inner, SessionKey key, bool asked) {
        std::chrono::seconds least = m_options.min_ttl;
        if (asked && m_options.duration) least = std::max(least, reuse_threshold(*m_options.duration));
        return std::make_unique<CachedProvider>(std::move(inner), std::move(key), m_deps.store, m_deps.clock,
                                                least, m_deps.log);
    }

    const ChainOptions& m_options;
    ChainDeps& m_deps;
    Sts& m_sts;
};

}  // namespace

std::chrono::seconds reuse_threshold(std::chrono::seconds asked) {
    return asked * k_asked_duration_reuse_percent / 100;
}

Result<ProviderPtr> build_key_session(const ProfileConfig& target, const std::string& key_profile,
                                      const ChainOptions& options, ChainDeps& deps) {
    ChainBuilder builder(options, deps, target);
    auto built = builder.key_session(target, key_profile);
    if (!built) return std::unexpected(built.error());
    return std::move(built->provider);
}

bool chain_assumes_role(const ProfileConfig& target,
                        const std::function<bool(const std::string&)>& has_stored_keys) {
    // The order of ChainBuilder::build.
    for (const ProfileConfig* p = &target; p; p = p->source.get()) {
        bool keys = has_stored_keys(p->name);
        if (!p->role_arn.empty() && (p == &target || !keys)) return true;
        if (keys || !p->credential_process.empty()) return false;
    }
    return false;
}

Result<ProviderPtr> build_provider(const ProfileConfig& target, const ChainOptions& options,
                                   ChainDeps& deps) {
    ChainBuilder builder(options, deps, target);
    auto built = builder.build(target, true, false, "");
    if (!built) return std::unexpected(built.error());
    deps.log.debug("credentials chain: " + built->provider->describe());
    return std::move(built->provider);
}

}  // namespace sesame
