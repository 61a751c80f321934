#include "cli/lock.hpp"

#include <fmt/format.h>

#include "util/time.hpp"

namespace sesame {

CommandRun declare_lock(CommandFlags& flags) {
    flags.example("Example: sesame lock");
    return [](Context& ctx, const std::vector<std::string>&) { return run_lock(ctx); };
}

CommandRun declare_status(CommandFlags& flags) {
    flags.example("Example: sesame status");
    return [](Context& ctx, const std::vector<std::string>&) { return run_status(ctx); };
}

Result<int> run_lock(Context& ctx) {
    bool was_unlocked = ctx.store().forget_unlocked();
    const std::string backend = ctx.backend_name().value();  // checked before any command ran
    ctx.out(!was_unlocked ? "The vault was not unlocked\n"
            : backend == "file"
                ? "Locked: the vault key is forgotten; the next command asks for the passphrase\n"
                : fmt::format("Locked: the vault key is forgotten; the next command reads it from "
                              "the {} backend again\n",
                              backend));
    return 0;
}

Result<int> run_status(Context& ctx) {
    auto idle = ctx.unlock_idle();
    if (!idle) return std::unexpected(idle.error());
    SecretStore& store = ctx.store();
    const std::string in_use = ctx.backend_name().value();  // checked before any command ran
    std::string text = fmt::format("Backend:   {}\nVault:     {}\n", in_use, store.describe());
    KeyCache* cache = ctx.key_cache();
    if (idle->count() == 0) {
        text += "Unlocked:  never kept (SESAME_UNLOCK_TTL=0): the passphrase is asked by every command\n";
    } else if (!cache) {
        text +=
            "Unlocked:  never kept: no kernel keyring here and no $XDG_RUNTIME_DIR for the agent (or "
            "SESAME_KEY_CACHE=none), so every command asks\n";
    } else if (auto left = store.unlocked_for()) {
        text += fmt::format(
            "Unlocked:  yes, for {} more without use (idle limit {}, in {}); sesame lock forgets it\n",
            format_duration_short(*left), format_duration_short(*idle), cache->describe());
    } else if (in_use != "file") {
        text += fmt::format(
            "Unlocked:  no; the next command reads the key from the {} backend (no passphrase) "
            "and keeps it for {} without use\n",
            in_use, format_duration_short(*idle));
    } else {
        text += fmt::format(
            "Unlocked:  no; the next command asks for the passphrase and keeps the key for {} "
            "without use\n",
            format_duration_short(*idle));
    }
    text += "Backends:  (--backend NAME or SESAME_BACKEND; sesame migrate --to NAME moves the keys)\n";
    StoreSetup setup = ctx.store_setup();
    setup.pass = ctx.pass_setup();
    for (const auto& backend : backends()) {
        auto why = backend.unavailable(setup);
        text += fmt::format("  {} {:<15} {}\n", backend.name == in_use ? '*' : ' ', backend.name,
                            why ? "not available here: " + *why : std::string(backend.summary));
    }
    ctx.out(text);
    return 0;
}

}  // namespace sesame
