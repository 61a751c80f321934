#include "cli/import.hpp"

#include <fmt/format.h>

#include <memory>

#include "app/import_keys.hpp"

namespace sesame {

CommandRun declare_import(CommandFlags& flags) {
    auto options = std::make_shared<ImportOptions>();
    flags.positional("profiles", options->profiles,
                     "Profiles whose keys to move (default: every one with keys)");
    flags.flag("-n,--dry-run", options->dry_run, "Say what would move; change nothing");
    flags.example(
        "Examples:\n  sesame import            (every key in ~/.aws/credentials)\n  sesame import default "
        "--dry-run");
    return [options](Context& ctx, const std::vector<std::string>& after_dashes) -> Result<int> {
        if (!after_dashes.empty()) return std::unexpected(Error{"import takes no command after --", "", 2});
        return run_import(*options, ctx);
    };
}

Result<int> run_import(const ImportOptions& options, Context& ctx) {
    auto report = import_file_keys(ctx, options.profiles, options.dry_run);
    if (!report) return std::unexpected(report.error());
    for (const auto& r : *report) {
        using O = ImportedKey::Outcome;
        const std::string key = redact(r.key_id);
        switch (r.outcome) {
            case O::Moved:
                ctx.out(options.dry_run ? fmt::format("would move  {}  {} from {}\n", r.profile, key, r.from)
                                        : fmt::format("moved       {}  {} from {} into sesame's store\n",
                                                      r.profile, key, r.from));
                break;
            case O::AlreadyStored:
                ctx.out(fmt::format("{}{}  {} (already in sesame's store) from {}\n",
                                    options.dry_run ? "would remove " : "removed     ", r.profile, key,
                                    r.from));
                break;
            case O::Skipped:
                ctx.out(fmt::format("skipped     {}  {}: {}\n", r.profile, r.from, r.why));
                break;
        }
    }
    return 0;
}

}  // namespace sesame
