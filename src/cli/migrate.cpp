#include "cli/migrate.hpp"

#include <fmt/format.h>

#include <memory>

#include "app/migrate.hpp"
#include "app/settings.hpp"

namespace sesame {

CommandRun declare_migrate(CommandFlags& flags) {
    auto options = std::make_shared<MigrateOptions>();
    flags.option("--to", options->to, "BACKEND", "The backend to move to (sesame status lists them)");
    flags.flag("-n,--dry-run", options->dry_run, "Say what would move; change nothing");
    flags.example("Examples:\n  sesame migrate --to secret-service\n  sesame migrate --to file --dry-run");
    return [options](Context& ctx, const std::vector<std::string>& after_dashes) -> Result<int> {
        if (!after_dashes.empty()) return std::unexpected(Error{"migrate takes no command after --", "", 2});
        if (options->to.empty())
            return std::unexpected(
                Error{"migrate needs --to BACKEND", "sesame status lists the backends", 2});
        return run_migrate(*options, ctx);
    };
}

Result<int> run_migrate(const MigrateOptions& options, Context& ctx) {
    auto report = migrate_store(ctx, options.to, options.dry_run);
    if (!report) return std::unexpected(std::move(report.error()));
    const auto& r = *report;
    if (options.dry_run) {
        ctx.out(fmt::format("would move {} key(s) and {} session(s)\n  from {}: {}\n  to   {}: {}\n", r.keys,
                            r.sessions, r.from, r.from_where, r.to, r.to_where));
        return 0;
    }
    ctx.out(fmt::format(
        "moved {} key(s) and {} session(s)\n  from {}: {}\n  to   {}: {}\nsesame uses {} from now on "
        "(recorded in {})\n",
        r.keys, r.sessions, r.from, r.from_where, r.to, ctx.open_store(*find_backend(r.to))->describe(), r.to,
        r.marker));
    if (setting_is_set(ctx.env(), "SESAME_BACKEND"))
        ctx.log().warn(
            fmt::format("SESAME_BACKEND (or AWS_VAULT_BACKEND) is set to {} in this environment and wins "
                        "over what migrate "
                        "recorded: set it to {} or unset it",
                        r.from, r.to));
    return 0;
}

}  // namespace sesame
