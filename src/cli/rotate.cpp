#include "cli/rotate.hpp"

#include <fmt/format.h>

#include "cli/aws_clients.hpp"
#include "cli/credentials.hpp"
#include "providers/cached_provider.hpp"
#include "providers/session_token_provider.hpp"
#include "providers/static_provider.hpp"
#include "rotation/rotation_backends.hpp"

namespace sesame {
namespace {

/// The profiles whose cached sessions come from `key_profile`'s key: it, and every profile whose
/// source_profile chain reaches it. A profile that does not resolve caches nothing, so it is skipped.
std::set<std::string> profiles_using_key(Context& ctx, const AwsConfig& config,
                                         const std::string& key_profile,
                                         const std::set<std::string>& stored) {
    std::set<std::string> out{key_profile};
    ResolveOptions resolve;
    resolve.has_stored_keys = [&](const std::string& p) { return stored.count(p) > 0; };
    for (const auto& name : config.profile_names()) {
        auto profile = resolve_profile(config, ctx.env(), name, resolve);
        if (!profile) continue;
        for (const ProfileConfig* p = &*profile; p; p = p->source.get()) {
            if (p->name == key_profile) {
                out.insert(name);
                break;
            }
        }
    }
    return out;
}

/// An MFA session made from the stored key, as exec makes and caches it (chain.cpp's cache key),
/// so one that is cached already is used instead of asking for a code.
Result<Credentials> mfa_session(Context& ctx, const UserKey& key, const ProfileConfig& holder,
                                const std::string& serial, const std::string& mfa_token, Sts& sts) {
    std::optional<Secret> code;
    if (!mfa_token.empty()) code = Secret(mfa_token);
    MfaCodes codes(ctx.prompt(), std::move(code));
    auto session = std::make_unique<SessionTokenProvider>(
        std::make_unique<StaticProvider>(key.credentials, fmt::format("stored key of \"{}\"", holder.name)),
        sts, codes, serial, k_session_duration);
    CachedProvider cached(std::move(session), fmt::format("GetSessionToken\n{}\n{}", holder.name, serial),
                          SessionMeta{holder.name, "GetSessionToken", serial, ""}, ctx.vault(), ctx.clock(),
                          std::chrono::minutes(5), ctx.log());
    return cached.retrieve();
}

}  // namespace

Result<int> run_rotate(const RotateOptions& options, Context& ctx) {
    auto key = user_key(ctx, pick_profile(ctx, options.profile));
    if (!key) return std::unexpected(key.error());
    auto config = ctx.config();
    if (!config) return std::unexpected(config.error());
    auto stored = ctx.stored_key_profiles();
    if (!stored) return std::unexpected(stored.error());

    // The profile that holds the key, and the MFA serial its session takes: the first one set
    // along the chain from the profile asked for, as exec picks it.
    const ProfileConfig* holder = &key->profile;
    std::string serial;
    for (; holder->name != key->key_profile && holder->source; holder = holder->source.get())
        if (serial.empty()) serial = holder->mfa_serial;
    if (serial.empty()) serial = holder->mfa_serial;

    StsClients sts_clients(**config, ctx.env(), ctx.clock(), ctx.log(), ctx.http_factory());
    Sts& sts = sts_clients.for_profile(*holder);
    RotationRequest request{key->credentials, std::nullopt};
    if (!options.no_session && !serial.empty()) {
        auto session = mfa_session(ctx, *key, *holder, serial, options.mfa_token, sts);
        if (!session) {
            return fail(
                fmt::format("could not get an MFA session to rotate with: {}", session.error().message),
                "nothing was changed; --no-session signs the IAM calls with the key itself");
        }
        request.session = std::move(*session);
    } else if (!options.no_session) {
        // IAM refuses user operations to a GetSessionToken session made without MFA.
        ctx.log().debug("rotate: no mfa_serial, so the IAM calls are signed with the stored key itself");
    }

    AwsClients clients(ctx, *holder);
    auto iam = clients.iam();
    if (!iam) return std::unexpected(iam.error());
    AwsRotationApi api(sts, **iam);
    VaultRotationStore store(ctx.vault(), ctx.clock(), key->key_profile,
                             profiles_using_key(ctx, **config, key->key_profile, *stored));
    KeyRotation rotation(api, store, QueryApi::real_sleep,
                         [&](std::string_view line) { ctx.out(fmt::format("{}\n", line)); });
    auto outcome = rotation.run(request);
    if (!outcome) return std::unexpected(outcome.error());
    ctx.out(fmt::format("Profile \"{}\" now uses access key {}\n", key->key_profile, outcome->new_key_id));
    return 0;
}

}  // namespace sesame
