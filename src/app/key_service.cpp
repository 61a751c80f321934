#include "app/key_service.hpp"

#include <fmt/format.h>

#include "app/credential_service.hpp"
#include "app/user_key.hpp"
#include "providers/chain.hpp"
#include "rotation/rotation_backends.hpp"
#include "util/strings.hpp"

namespace sesame {

KeyService::KeyService(Context& ctx)
    : KeyService(ctx.store(), ctx.clock(),
                 [&ctx](const std::string& p) { return ctx.profiles_using_key(p); }) {}

Result<std::function<bool(const StoredSession&)>> KeyService::sessions_of_key(const std::string& profile) {
    auto profiles = m_profiles_using(profile);
    if (!profiles) return std::unexpected(std::move(profiles.error()));
    return [profiles = std::move(*profiles)](const StoredSession& s) { return profiles.contains(s.profile); };
}

Result<KeyService::Outcome> KeyService::put(const std::string& profile, const std::string& access_key_id,
                                            const Secret& secret) {
    auto dies = sessions_of_key(profile);
    if (!dies) return std::unexpected(std::move(dies.error()));
    auto before = m_store.key(profile);
    if (!before) return std::unexpected(std::move(before.error()));
    StoreChange change;
    change.put_keys.emplace(profile, StoredKey{access_key_id, secret, m_clock.now()});
    change.remove_sessions = std::move(*dies);
    auto done = m_store.apply(change);
    if (!done) return std::unexpected(std::move(done.error()));
    return Outcome{before->has_value(), done->sessions_removed};
}

Result<KeyService::Outcome> KeyService::remove(const std::string& profile) {
    auto names = m_store.key_names();
    if (!names) return std::unexpected(std::move(names.error()));
    auto dies = sessions_of_key(profile);
    if (!dies) return std::unexpected(std::move(dies.error()));
    if (std::find(names->begin(), names->end(), profile) == names->end()) {
        // No key, but sessions the rule names (a role profile's own): they go, as they would
        // with a key. Read first, so that a profile with nothing at all leaves the store unwritten.
        auto sessions = m_store.sessions();
        if (!sessions) return std::unexpected(std::move(sessions.error()));
        const TimePoint now = m_clock.now();
        if (std::ranges::none_of(*sessions, [&](const auto& entry) {
                return entry.second.expiration > now && (*dies)(entry.second);
            })) {
            std::string guess = closest_match(profile, *names);
            return fail(fmt::format("no keys are stored for profile \"{}\"{}", profile,
                                    m_store.exists() ? "" : " (nothing is stored yet)"),
                        guess.empty() ? "see stored profiles with: sesame list"
                                      : fmt::format("did you mean \"{}\"?", guess));
        }
    }
    StoreChange change;
    change.remove_keys = {profile};
    change.remove_sessions = std::move(*dies);
    auto done = m_store.apply(change);
    if (!done) return std::unexpected(std::move(done.error()));
    return Outcome{done->keys_removed > 0, done->sessions_removed};
}

Result<size_t> KeyService::clear_sessions(const std::string& profile) {
    if (!m_store.exists()) return 0;
    StoreChange change;
    change.remove_sessions = [&](const StoredSession& s) { return profile.empty() || s.profile == profile; };
    auto done = m_store.apply(change);
    if (!done) return std::unexpected(std::move(done.error()));
    return done->sessions_removed;
}

Result<size_t> KeyService::replace_if(const std::string& profile, const std::string& old_key_id,
                                      const Credentials& new_key) {
    auto dies = sessions_of_key(profile);
    if (!dies) return std::unexpected(std::move(dies.error()));
    StoreChange change;
    change.expect_key_ids.emplace(profile, old_key_id);
    change.put_keys.emplace(profile,
                            StoredKey{new_key.access_key_id, new_key.secret_access_key, m_clock.now()});
    change.remove_sessions = std::move(*dies);
    auto done = m_store.apply(change);
    if (!done) return std::unexpected(std::move(done.error()));
    return done->sessions_removed;
}

Result<std::string> KeyServiceRotationStore::stored_key_id() {
    auto key = m_store.key(m_profile);
    if (!key) return std::unexpected(std::move(key.error()));
    return *key ? (*key)->access_key_id : std::string();
}

Result<size_t> KeyServiceRotationStore::replace(const std::string& old_key_id, const Credentials& new_key) {
    return m_keys.replace_if(m_profile, old_key_id, new_key);
}

Result<std::pair<std::string, std::string>> rotate_key(
    Context& ctx, const RotateRequest& request, const std::function<void(std::string_view)>& progress) {
    auto key = user_key(ctx, pick_profile(ctx, request.profile));
    if (!key) return std::unexpected(key.error());
    auto config = ctx.config();
    if (!config) return std::unexpected(config.error());
    auto stored = ctx.stored_key_profiles();
    if (!stored) return std::unexpected(stored.error());
    const ProfileConfig* holder = &key->profile;
    while (holder->name != key->key_profile && holder->source) holder = holder->source.get();

    // Every STS call of the chain goes through the target's client, as exec makes them.
    auto clients = ctx.clients();
    if (!clients) return std::unexpected(clients.error());
    ServiceClients& aws = **clients;
    RotationRequest rotation_request{key->credentials, std::nullopt, key->key_profile};
    if (!request.no_session) {
        std::optional<Secret> code;
        if (!request.mfa_token.empty()) code = Secret(request.mfa_token);
        MfaCodes codes(ctx.mfa_source_for(key->profile), std::move(code));
        auto [environment_keys, process_env] = ctx.chain_environment();
        ChainDeps deps{ctx.clock(),
                       ctx.store(),
                       codes,
                       aws,
                       ctx.log(),
                       [&](const std::string& p) { return stored->count(p) > 0; },
                       std::move(process_env),
                       std::move(environment_keys)};
        auto session = build_key_session(key->profile, key->key_profile, ChainOptions{}, deps);
        if (!session) return std::unexpected(session.error());
        if (*session) {
            auto creds = (*session)->retrieve();
            if (!creds) {
                if (auto gone =
                        stored_key_refused(creds.error(), key->credentials.access_key_id, key->key_profile))
                    return std::unexpected(std::move(*gone));
                return fail(
                    fmt::format("could not get an MFA session to rotate with: {}", creds.error().message),
                    "nothing was changed; --no-session signs the IAM calls with the key itself");
            }
            rotation_request.session = std::move(*creds);
        } else {
            // IAM refuses user operations to a GetSessionToken session made without MFA.
            ctx.log().debug("rotate: no mfa_serial, so the IAM calls are signed with the stored key itself");
        }
    }

    AwsRotationApi api(aws.sts(key->profile), aws.iam(*holder));
    KeyService keys(ctx);
    KeyServiceRotationStore store(keys, ctx.store(), key->key_profile);
    KeyRotation rotation(api, store, QueryApi::real_sleep, progress);
    auto outcome = rotation.run(rotation_request);
    if (!outcome) return std::unexpected(outcome.error());
    return std::pair{key->key_profile, outcome->new_key_id};
}

}  // namespace sesame
