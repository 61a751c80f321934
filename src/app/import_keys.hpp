#pragma once

#include <string>
#include <vector>

#include "app/context.hpp"

namespace sesame {

/// What `sesame import` did, or would do with dry_run, for one profile.
struct ImportedKey {
    std::string profile;
    std::string key_id;  ///< the access key id (not a secret)
    std::string from;    ///< file:line the key was in
    enum class Outcome { Moved, AlreadyStored, Skipped } outcome = Outcome::Moved;
    std::string why;  ///< Skipped: the reason
};

/// Moves long-term keys written in clear in the AWS files (config/file_keys: the credentials
/// file, then the config file, as botocore reads them) into the secret store, then takes their
/// lines out of the file: `profiles`, or every profile that has keys there. The key is stored
/// first (KeyService::put, with its session rule), then removed from the file in one atomic
/// rewrite that keeps every other byte: interrupted, the key is in both places, never neither.
/// A session written in a file (aws_session_token) is left alone; a profile whose stored key is
/// another one is refused (nothing of it changes). `dry_run` changes nothing.
Result<std::vector<ImportedKey>> import_file_keys(Context& ctx, const std::vector<std::string>& profiles,
                                                  bool dry_run);

}  // namespace sesame
