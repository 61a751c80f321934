#include "app/migrate.hpp"

#include <fmt/format.h>

#include "platform/files.hpp"

namespace sesame {

Result<MigrateReport> migrate_store(Context& ctx, const std::string& to, bool dry_run) {
    auto from = ctx.backend_name();
    if (!from) return std::unexpected(std::move(from.error()));
    const Backend* target = find_backend(to);
    if (!target) {
        std::string names;
        for (const auto& b : backends()) names += (names.empty() ? "" : ", ") + std::string(b.name);
        return fail(fmt::format("there is no backend \"{}\"", to), "choose one of " + names);
    }
    if (*from == to)
        return fail(fmt::format("the keys are in the {} backend already", to), "sesame status shows it");
    StoreSetup setup = ctx.store_setup();
    setup.pass = ctx.pass_setup();
    if (auto why = target->unavailable(setup))
        return fail(fmt::format("the {} backend cannot be used here: {}", to, *why),
                    "nothing was changed; sesame status lists the backends that work here");

    SecretStore& source = ctx.store();
    auto migrating = source.lock("migrate");
    if (!migrating) return std::unexpected(std::move(migrating.error()));

    StoreChange copy;
    auto names = source.key_names();
    if (!names) return std::unexpected(std::move(names.error()));
    for (const auto& name : *names) {
        auto key = source.key(name);
        if (!key) return std::unexpected(std::move(key.error()));
        if (*key) copy.put_keys.emplace(name, std::move(**key));
    }
    auto sessions = source.sessions();
    if (!sessions) return std::unexpected(std::move(sessions.error()));
    copy.put_sessions = std::move(*sessions);

    std::unique_ptr<SecretStore> destination = ctx.open_store(*target);
    MigrateReport report{*from,
                         to,
                         source.describe(),
                         destination->describe(),
                         copy.put_keys.size(),
                         copy.put_sessions.size(),
                         backend_marker_path(ctx.env())};
    // A profile the destination holds another key for is not overwritten: the user decides.
    for (const auto& [name, key] : copy.put_keys) {
        auto there = destination->key(name);
        if (!there) return std::unexpected(std::move(there.error()));
        if (*there && (*there)->access_key_id != key.access_key_id)
            return fail(
                fmt::format("the {} backend holds another key for profile \"{}\"", to, name),
                fmt::format("nothing was changed; remove it there first (SESAME_BACKEND={} sesame remove {})",
                            to, name));
        copy.expect_key_ids.emplace(name, *there ? (*there)->access_key_id : "");
    }
    if (dry_run) return report;

    if (!copy.put_keys.empty() || !copy.put_sessions.empty()) {
        auto copied = destination->apply(copy);
        if (!copied)
            return std::unexpected(std::move(copied.error()).context("copying to the " + to + " backend"));
    }
    // From here the keys are in both stores: switch, then empty the old one.
    auto recorded = ensure_private_dir(vault_dir(ctx.env()));
    if (recorded) recorded = write_file_atomic(report.marker, to + "\n", 0600);
    if (!recorded)
        return std::unexpected(
            std::move(recorded.error())
                .context(fmt::format("the keys are in both backends now, and sesame still uses {}", *from)));

    StoreChange drop;
    for (const auto& [name, key] : copy.put_keys) {
        drop.remove_keys.insert(name);
        drop.expect_key_ids.emplace(name, key.access_key_id);
    }
    drop.remove_sessions = [](const StoredSession&) { return true; };
    auto dropped = source.apply(drop);
    if (!dropped)
        return std::unexpected(Error{
            fmt::format(
                "the keys are in the {} backend, which sesame uses from now on, but could not be removed "
                "from the {} backend: {}",
                to, *from, dropped.error().message),
            fmt::format("remove them there yourself: SESAME_BACKEND={} sesame remove PROFILE", *from)});
    return report;
}

}  // namespace sesame
