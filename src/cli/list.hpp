#pragma once

#include "app/context.hpp"
#include "cli/command.hpp"

namespace sesame {

struct ListOptions {
    bool json = false;
    bool names = false;  ///< only names from the config files, never opening the vault
};

/// `sesame list`: every profile known from the config, the credentials file and the vault, with
/// whether keys are stored, its MFA serial, and its cached sessions with time left.
Result<int> run_list(const ListOptions& options, Context& ctx);
CommandRun declare_list(CommandFlags& flags);

}  // namespace sesame
