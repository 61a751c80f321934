#pragma once

#include <string>
#include <vector>

#include "cli/command.hpp"

namespace sesame {

struct KeepCommandOptions {
    /// PROFILE[=SECTION]... to keep, or an action (status, stop, code [CODE], unit PROFILE...)
    /// followed by its words. A profile named like an action is kept as NAME=NAME.
    std::vector<std::string> words;
    std::string file;      ///< --file (default ~/.aws/sesame-credentials)
    std::string duration;  ///< -d/--duration
    bool foreground = false;
    bool json = false;  ///< status --json
};

CommandRun declare_keep(CommandFlags& flags);

/// `sesame keep`: a credentials file kept fresh for tools that only read files (awscred).
Result<int> run_keep(const KeepCommandOptions& options, Context& ctx);

/// The systemd user unit that runs `exe keep --foreground` with these words and file (no secret:
/// the vault is unlocked from the key cache or an EnvironmentFile the user writes).
Result<std::string> keep_unit_file(const std::string& exe, const std::vector<std::string>& words,
                                   const std::string& file);

}  // namespace sesame
