#include "cli/remove.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "app/key_service.hpp"
#include "util/strings.hpp"

namespace sesame {
namespace {

/// Fails for a profile sesame knows nothing of (in no config file, with no key and no cached
/// session), naming the closest one it knows: a typo must not read as "nothing to delete".
Result<void> check_known_profile(Context& ctx, const std::string& profile) {
    auto config = ctx.config();
    if (!config) return std::unexpected(config.error());
    std::vector<std::string> known = (*config)->profile_names();
    if (ctx.store().exists()) {
        auto keys = ctx.store().key_names();
        if (!keys) return std::unexpected(std::move(keys.error()));
        known.insert(known.end(), keys->begin(), keys->end());
        auto sessions = ctx.store().sessions();
        if (!sessions) return std::unexpected(std::move(sessions.error()));
        for (const auto& [id, s] : *sessions) known.push_back(s.profile);
    }
    if (std::ranges::find(known, profile) != known.end()) return {};
    std::string guess = closest_match(profile, known);
    return fail(
        fmt::format("no profile \"{}\" in the config files or the vault", profile),
        guess.empty() ? "see the profiles with: sesame list" : fmt::format("did you mean \"{}\"?", guess));
}

/// What clearing `profile`'s sessions did, in words that stay true when there was nothing.
std::string cleared(Context& ctx, size_t count, const std::string& profile) {
    std::string whose = profile.empty() ? "" : fmt::format(" of profile \"{}\"", profile);
    if (!ctx.store().exists())
        return fmt::format("No cached sessions{} to delete: nothing is stored yet\n", whose);
    if (count == 0) return fmt::format("No cached sessions{} to delete\n", whose);
    return fmt::format("Deleted {} cached session(s){}\n", count, whose);
}

}  // namespace

Result<int> run_remove(const RemoveOptions& options, Context& ctx) {
    KeyService keys(ctx);
    if (options.sessions_only) {
        SESAME_TRY(check_known_profile(ctx, options.profile));
        auto sessions = keys.clear_sessions(options.profile);
        if (!sessions) return std::unexpected(std::move(sessions.error()));
        ctx.out(cleared(ctx, *sessions, options.profile));
        return 0;
    }
    SESAME_TRY(check_known_profile(ctx, options.profile));
    auto names = ctx.store().key_names();
    if (!names) return std::unexpected(std::move(names.error()));
    const bool held = std::find(names->begin(), names->end(), options.profile) != names->end();
    if (held && !options.force) {
        auto answer = ctx.prompt().ask(
            fmt::format("Delete the stored keys of profile \"{}\"? [y/N] ", options.profile));
        if (!answer) return fail("cannot ask for confirmation without a terminal", "use --force");
        std::string a = to_lower(trim(*answer));
        if (a != "y" && a != "yes") {
            ctx.out("Nothing deleted.\n");
            return 1;
        }
    }
    // The sessions made from the key go with it (KeyService's one rule); an unknown profile is
    // refused there, with a did-you-mean.
    auto removed = keys.remove(options.profile);
    if (!removed) return std::unexpected(std::move(removed.error()));
    if (!removed->replaced) {
        ctx.out(fmt::format("Profile \"{}\" has no stored keys; deleted its {} cached session(s)\n",
                            options.profile, removed->sessions_removed));
        return 0;
    }
    ctx.out(fmt::format("Deleted the keys of profile \"{}\" and {} cached session(s)\n", options.profile,
                        removed->sessions_removed));
    return 0;
}

Result<int> run_clear(const ClearOptions& options, Context& ctx) {
    if (!options.profile.empty()) SESAME_TRY(check_known_profile(ctx, options.profile));
    auto sessions = KeyService(ctx).clear_sessions(options.profile);
    if (!sessions) return std::unexpected(std::move(sessions.error()));
    ctx.out(cleared(ctx, *sessions, options.profile));
    return 0;
}

CommandRun declare_remove(CommandFlags& flags) {
    auto options = std::make_shared<RemoveOptions>();
    flags.required_positional("profile", options->profile, "Profile name");
    flags.flag("-f,--force", options->force, "Do not ask for confirmation");
    flags.flag("-s,--sessions-only", options->sessions_only, "Keep the keys; delete only cached sessions");
    flags.example("Example: sesame remove alice --sessions-only");
    return [options](Context& ctx, const std::vector<std::string>&) { return run_remove(*options, ctx); };
}

CommandRun declare_clear(CommandFlags& flags) {
    auto options = std::make_shared<ClearOptions>();
    flags.positional("profile", options->profile, "Only this profile's sessions");
    flags.example("Example: sesame clear admin");
    return [options](Context& ctx, const std::vector<std::string>&) { return run_clear(*options, ctx); };
}

}  // namespace sesame
