#pragma once

#include "app/context.hpp"
#include "cli/command.hpp"

namespace sesame {

CommandRun declare_lock(CommandFlags& flags);
CommandRun declare_status(CommandFlags& flags);

/// `sesame lock`: forgets the unlocked vault key at once, so the next command asks again.
Result<int> run_lock(Context& ctx);

/// `sesame status`: where the vault is and whether it is unlocked, and for how long. Never asks
/// for the passphrase.
Result<int> run_status(Context& ctx);

}  // namespace sesame
