#pragma once

#include <string>
#include <vector>

#include "app/context.hpp"
#include "cli/command.hpp"

namespace sesame {

struct ImportOptions {
    std::vector<std::string> profiles;  ///< empty: every profile with keys in the files
    bool dry_run = false;
};

/// `sesame import`: moves long-term keys from ~/.aws/credentials (or the config file) into the
/// encrypted store and takes them out of the file (app/import_keys).
Result<int> run_import(const ImportOptions& options, Context& ctx);
CommandRun declare_import(CommandFlags& flags);

}  // namespace sesame
