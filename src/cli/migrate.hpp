#pragma once

#include <string>

#include "app/context.hpp"
#include "cli/command.hpp"

namespace sesame {

struct MigrateOptions {
    std::string to;
    bool dry_run = false;
};

/// `sesame migrate --to BACKEND`: moves every key and session to another backend and uses it
/// from then on (app/migrate).
Result<int> run_migrate(const MigrateOptions& options, Context& ctx);
CommandRun declare_migrate(CommandFlags& flags);

}  // namespace sesame
