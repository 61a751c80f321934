#pragma once

#include <string>
#include <vector>

#include "app/context.hpp"
#include "cli/command.hpp"

namespace sesame {

struct ImportOptions {
    std::vector<std::string> profiles;  ///< empty: every profile with keys in the source
    bool dry_run = false;
    std::string from = "aws-files";  ///< aws-files (~/.aws/credentials and config) or aws-vault
    std::string aws_vault_backend;   ///< --from aws-vault: file, pass; empty: found as it says
};

/// `sesame import`: moves long-term keys from ~/.aws/credentials (or the config file) into the
/// encrypted store and takes them out of the file (app/import_keys); with `--from aws-vault`,
/// copies them from aws-vault's store, which stays as it is (app/import_aws_vault).
Result<int> run_import(const ImportOptions& options, Context& ctx);
CommandRun declare_import(CommandFlags& flags);

}  // namespace sesame
