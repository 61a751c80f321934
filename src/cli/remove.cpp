#include "cli/remove.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "app/key_service.hpp"
#include "util/strings.hpp"

namespace sesame {

Result<int> run_remove(const RemoveOptions& options, Context& ctx) {
    KeyService keys(ctx);
    if (options.sessions_only) {
        auto sessions = keys.clear_sessions(options.profile);
        if (!sessions) return std::unexpected(std::move(sessions.error()));
        ctx.out(fmt::format("Deleted {} cached session(s) of profile \"{}\"\n", *sessions, options.profile));
        return 0;
    }
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
    ctx.out(fmt::format("Deleted the keys of profile \"{}\" and {} cached session(s)\n", options.profile,
                        removed->sessions_removed));
    return 0;
}

Result<int> run_clear(const ClearOptions& options, Context& ctx) {
    auto sessions = KeyService(ctx).clear_sessions(options.profile);
    if (!sessions) return std::unexpected(std::move(sessions.error()));
    ctx.out(fmt::format("Cleared {} cached session(s){}\n", *sessions,
                        options.profile.empty() ? "" : fmt::format(" of profile \"{}\"", options.profile)));
    return 0;
}

CommandRun declare_remove(CommandFlags& flags) {
    auto options = std::make_shared<RemoveOptions>();
    flags.required_positional("profile", options->profile, "Profile name");
    flags.flag("-f,--force", options->force, "Do not ask for confirmation");
    flags.flag("--sessions-only", options->sessions_only, "Keep the keys; delete only cached sessions");
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
