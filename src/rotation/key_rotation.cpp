#include "rotation/key_rotation.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "util/strings.hpp"

namespace sesame {

std::optional<std::string> iam_user_name(std::string_view arn) {
    auto parts = split(arn, ':');
    if (parts.size() != 6 || parts[0] != "arn" || parts[2] != "iam") return std::nullopt;
    if (parts[5] == "root") return std::string();
    if (!parts[5].starts_with("user/")) return std::nullopt;
    std::string name = parts[5].substr(parts[5].rfind('/') + 1);
    if (name.empty()) return std::nullopt;
    return name;
}

std::string delete_key_command(const std::string& user_name, const std::string& access_key_id) {
    return fmt::format("aws iam delete-access-key{} --access-key-id {}",
                       user_name.empty() ? "" : " --user-name " + user_name, access_key_id);
}

std::optional<Error> stored_key_refused(const Error& cause, const std::string& key_id,
                                        const std::string& profile) {
    if (cause.message.find("InvalidClientTokenId") == std::string::npos) return std::nullopt;
    const std::string name = profile.empty() ? "PROFILE" : profile;
    return Error{fmt::format("AWS does not know the stored key {}: it was deleted or deactivated outside "
                             "sesame, so there is nothing to rotate ({})",
                             key_id, cause.message),
                 fmt::format("store a working key with: sesame add {} (or, if the profile is not needed any "
                             "more: sesame remove {}); a deactivated key can be reactivated in IAM instead",
                             name, name)};
}

Result<void> KeyRotation::verify(const Credentials& new_key, const std::string& user_arn) {
    Error last;
    for (int attempt = 1; attempt <= m_timing.verify_attempts; ++attempt) {
        auto arn = m_api.user_arn(new_key);
        if (arn && *arn == user_arn) return {};
        if (arn) return fail(fmt::format("it acts as {}, not as {}", *arn, user_arn));
        last = std::move(arn.error());
        if (attempt < m_timing.verify_attempts) m_sleep(m_timing.verify_delay);
    }
    return fail(fmt::format("still refused after {} tries: {}", m_timing.verify_attempts, last.message));
}

Error KeyRotation::abandon(Error why, const Credentials& signer, const std::string& new_key_id,
                           const std::string& user_name, const std::string& old_key_id) {
    auto deleted = m_api.delete_access_key(signer, new_key_id, user_name);
    if (deleted) {
        why.message +=
            fmt::format(". The new key {} was deleted again; the stored key {} is unchanged and still active",
                        new_key_id, old_key_id);
        why.hint = "nothing has changed; run sesame rotate again once the cause is fixed";
    } else {
        why.message += fmt::format(
            ". The new key {} could not be deleted again ({}): IAM holds it beside the stored key {}, "
            "which is unchanged and still active",
            new_key_id, deleted.error().message, old_key_id);
        why.hint = fmt::format("the new key's secret is gone, so it is of no use: {}",
                               delete_key_command(user_name, new_key_id));
    }
    return why;
}

Result<RotationOutcome> KeyRotation::run(const RotationRequest& request) {
    const Credentials& signer = request.session ? *request.session : request.old_key;
    const std::string old_id = request.old_key.access_key_id;
    auto nothing_changed = [&](const std::string& what, const Error& e) {
        return fail(fmt::format("{}: {}", what, e.message),
                    fmt::format("nothing was changed: sesame still holds key {}", old_id));
    };

    // 1. Whose key it is, and its place among the user's keys.
    auto arn = m_api.caller_arn(signer);
    if (!arn) {
        if (!request.session)
            if (auto gone = stored_key_refused(arn.error(), old_id, request.profile))
                return std::unexpected(std::move(*gone));
        return nothing_changed("could not find out whose key is stored", arn.error());
    }
    auto user = iam_user_name(*arn);
    if (!user) {
        return fail(fmt::format("the stored key acts as {}, not as an IAM user", *arn),
                    "only an IAM user's (or the root user's) long-term key can be rotated");
    }
    const std::string who = user->empty() ? "the root user" : fmt::format("IAM user \"{}\"", *user);
    auto keys = m_api.list_access_keys(signer, *user);
    if (!keys) return nothing_changed(fmt::format("could not list the access keys of {}", who), keys.error());
    std::vector<std::string> ids;
    for (const auto& k : *keys) ids.push_back(k.access_key_id);
    if (std::find(ids.begin(), ids.end(), old_id) == ids.end()) {
        return fail(fmt::format("the stored key {} is not one of the access keys of {} ({})", old_id, who,
                                ids.empty() ? "none" : fmt::format("{}", fmt::join(ids, ", "))),
                    "nothing was changed; check the profile's key with: sesame list");
    }
    if (ids.size() >= 2) {
        std::string other = ids[0] == old_id ? ids[1] : ids[0];
        return fail(fmt::format("{} already has two access keys, the most IAM allows: {} (stored in sesame) "
                                "and {}",
                                who, old_id, other),
                    fmt::format("if nothing uses {}, delete it, then run sesame rotate again: {}", other,
                                delete_key_command(*user, other)));
    }
    m_progress(fmt::format("Rotating access key {} of {}", old_id, who));

    // 2. The new key. From here on the old key stays active until the new one is stored.
    auto created = m_api.create_access_key(signer, *user);
    if (!created) {
        return fail(fmt::format("could not create a new access key: {}", created.error().message),
                    fmt::format("the stored key {} is unchanged and still active; if the call timed out, "
                                "IAM may have made a key anyway: aws iam list-access-keys{}",
                                old_id, user->empty() ? "" : " --user-name " + *user));
    }
    const Credentials& new_key = created->credentials;
    const std::string new_id = new_key.access_key_id;
    m_progress(fmt::format("Created new access key {}", new_id));

    // 3. AWS must accept it before anything relies on it.
    if (auto ok = verify(new_key, *arn); !ok) {
        Error why{fmt::format("the new key {} is not accepted by AWS (iam:GetUser signed with it): {}",
                              new_id, ok.error().message)};
        return std::unexpected(abandon(std::move(why), signer, new_id, *user, old_id));
    }
    m_progress("Checked that AWS accepts the new key");

    // 4. Store it. If that fails, the vault tells which key it holds: only a key it does not hold
    // may be deleted.
    auto cleared = m_store.replace(old_id, new_key);
    if (!cleared) {
        auto stored = m_store.stored_key_id();
        if (stored && *stored == new_id) {
            cleared = size_t{0};
        } else if (stored) {
            Error why{fmt::format("could not store the new key {} in the vault: {}", new_id,
                                  cleared.error().message)};
            return std::unexpected(abandon(std::move(why), signer, new_id, *user, old_id));
        } else {
            return fail(fmt::format("could not store the new key {} in the vault ({}), nor read the vault "
                                    "back ({}): IAM holds both it and the old key {}, both active",
                                    new_id, cleared.error().message, stored.error().message, old_id),
                        fmt::format("see which one the vault holds with: sesame list; then delete the other "
                                    "one: {}",
                                    delete_key_command(*user, "<the other key>")));
        }
    }
    m_progress(
        fmt::format("Stored the new key in the vault; forgot {} session(s) made with the old one", *cleared));

    // 5. Only now may the old key go.
    const Credentials& deleter = request.session ? *request.session : new_key;
    if (auto deleted = m_api.delete_access_key(deleter, old_id, *user); !deleted) {
        return fail(fmt::format("the new key {} is stored and works, but the old key {} could not be "
                                "deleted: {}",
                                new_id, old_id, deleted.error().message),
                    fmt::format("the old key is still active in IAM; delete it: {}",
                                delete_key_command(*user, old_id)));
    }
    m_progress(fmt::format("Deleted the old access key {}", old_id));
    return RotationOutcome{*user, old_id, new_id, *cleared};
}

}  // namespace sesame
