#pragma once

#include <string>

#include "app/context.hpp"
#include "cli/command.hpp"

namespace sesame {

struct RemoveOptions {
    std::string profile;
    bool force = false;          ///< do not ask for confirmation
    bool sessions_only = false;  ///< keep the keys, drop the profile's cached sessions
};

/// `sesame remove`: deletes a profile's stored keys and its cached sessions.
Result<int> run_remove(const RemoveOptions& options, Context& ctx);
CommandRun declare_remove(CommandFlags& flags);

struct ClearOptions {
    std::string profile;  ///< empty: every profile
};

/// `sesame clear`: deletes cached sessions only; keys stay.
Result<int> run_clear(const ClearOptions& options, Context& ctx);
CommandRun declare_clear(CommandFlags& flags);

}  // namespace sesame
