#include "cli/credentials.hpp"

#include <fmt/format.h>

#include "config/profile.hpp"
#include "providers/chain.hpp"
#include "util/time.hpp"

namespace sesame {

std::string pick_profile(const Context& ctx, const std::string& given) {
    if (!given.empty()) return given;
    if (auto p = ctx.env().get("AWS_PROFILE")) return *p;
    return "default";
}

Result<ObtainedCredentials> obtain_credentials(Context& ctx, const CredentialRequest& request) {
    std::string name = pick_profile(ctx, request.profile);
    if (!request.region.empty()) ctx.env().set("AWS_REGION", request.region);

    ChainOptions options;
    options.use_session = !request.no_session;
    if (!request.duration.empty()) {
        auto d = parse_duration(request.duration);
        if (!d) return std::unexpected(std::move(d.error()).context("--duration"));
        if (*d < std::chrono::seconds(900) || *d > std::chrono::seconds(43200)) {
            return fail(fmt::format("--duration {} is out of range", request.duration),
                        "AWS accepts 15m to 12h (role sessions may be limited further by the role)");
        }
        options.duration = *d;
    }
    if (auto ttl = ctx.env().get("SESAME_MIN_TTL")) {
        auto d = parse_duration(*ttl);
        if (!d) return std::unexpected(std::move(d.error()).context("SESAME_MIN_TTL"));
        options.min_ttl = *d;
    }

    auto config = ctx.config();
    if (!config) return std::unexpected(config.error());
    auto stored = ctx.stored_key_profiles();
    if (!stored) return std::unexpected(stored.error());
    ResolveOptions resolve;
    resolve.has_stored_keys = [&](const std::string& p) { return stored->count(p) > 0; };
    auto profile = resolve_profile(**config, ctx.env(), name, resolve);
    if (!profile) return std::unexpected(profile.error());
    for (const auto& w : profile->warnings) ctx.log().warn(w);

    std::optional<Secret> given_code;
    if (!request.mfa_token.empty()) given_code = Secret(request.mfa_token);
    MfaCodes mfa(ctx.prompt(), std::move(given_code));
    StsClients sts(**config, ctx.env(), ctx.clock(), ctx.log(), ctx.http_factory());
    std::map<std::string, std::string> process_env = ctx.env().all();
    for (const char* v :
         {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"})
        process_env.erase(v);
    ChainDeps deps{ctx.clock(),           ctx.vault(), mfa, sts, ctx.log(), resolve.has_stored_keys,
                   std::move(process_env)};

    auto provider = build_provider(*profile, options, deps);
    if (!provider) return std::unexpected(provider.error());
    auto creds = (*provider)->retrieve();
    if (!creds) return std::unexpected(creds.error());
    ctx.log().debug(fmt::format("credentials for \"{}\": key {}{}", name, redact(creds->access_key_id),
                                creds->expiration ? ", expires " + format_rfc3339(*creds->expiration) : ""));
    // A role profile often sets no region of its own; the region its source works in is the best
    // guess for the command (the AWS CLI would otherwise refuse to run without one).
    std::string region;
    for (const ProfileConfig* p = &*profile; p && region.empty(); p = p->source.get()) region = p->region;
    return ObtainedCredentials{std::move(*creds), name, region};
}

}  // namespace sesame
