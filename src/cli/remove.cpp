#include "cli/remove.hpp"

#include <fmt/format.h>

#include "util/strings.hpp"

namespace sesame {
namespace {

size_t erase_sessions(VaultData& data, const std::string& profile) {
    return std::erase_if(data.sessions,
                         [&](const auto& kv) { return profile.empty() || kv.second.profile == profile; });
}

}  // namespace

Result<int> run_remove(const RemoveOptions& options, Context& ctx) {
    if (!ctx.vault().exists()) {
        return fail(
            fmt::format("no keys are stored for profile \"{}\" (there is no vault yet)", options.profile));
    }
    auto current = ctx.vault().load();
    if (!current) return std::unexpected(current.error());
    if (!options.sessions_only && !current->keys.count(options.profile)) {
        std::vector<std::string> names;
        for (auto& [n, k] : current->keys) names.push_back(n);
        std::string guess = closest_match(options.profile, names);
        return fail(fmt::format("no keys are stored for profile \"{}\"", options.profile),
                    guess.empty() ? "see stored profiles with: sesame list"
                                  : fmt::format("did you mean \"{}\"?", guess));
    }
    if (!options.force && !options.sessions_only) {
        auto answer = ctx.prompt().ask(
            fmt::format("Delete the stored keys of profile \"{}\"? [y/N] ", options.profile));
        if (!answer) return fail("cannot ask for confirmation without a terminal", "use --force");
        std::string a = to_lower(trim(*answer));
        if (a != "y" && a != "yes") {
            ctx.out("Nothing deleted.\n");
            return 1;
        }
    }
    size_t sessions = 0;
    SESAME_TRY(ctx.vault().update([&](VaultData& data) -> Result<void> {
        if (!options.sessions_only) data.keys.erase(options.profile);
        sessions = erase_sessions(data, options.profile);
        return {};
    }));
    if (options.sessions_only)
        ctx.out(fmt::format("Deleted {} cached session(s) of profile \"{}\"\n", sessions, options.profile));
    else
        ctx.out(fmt::format("Deleted the keys of profile \"{}\" and {} cached session(s)\n", options.profile,
                            sessions));
    return 0;
}

Result<int> run_clear(const ClearOptions& options, Context& ctx) {
    size_t sessions = 0;
    if (ctx.vault().exists()) {
        SESAME_TRY(ctx.vault().update([&](VaultData& data) -> Result<void> {
            sessions = erase_sessions(data, options.profile);
            return {};
        }));
    }
    ctx.out(fmt::format("Cleared {} cached session(s){}\n", sessions,
                        options.profile.empty() ? "" : fmt::format(" of profile \"{}\"", options.profile)));
    return 0;
}

}  // namespace sesame
