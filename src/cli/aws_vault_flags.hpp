#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platform/env.hpp"
#include "util/error.hpp"

namespace sesame {

/// A flag of aws-vault's (99designs/aws-vault cli/*.go, kingpin) that sesame does not declare as
/// one of its own: what sesame does when a switcher types it. Flags sesame declares under the
/// same name (`exec --server`, `list --profiles`, ...) are not here: they are in the commands'
/// declarations and in `--help`. Nothing here is ever ignored in silence: each entry is either
/// today's behaviour under aws-vault's name (`accepts`) or refused with what to use instead.
struct AwsVaultFlag {
    const char* command;  ///< "" for one of aws-vault's global flags
    const char* name;     ///< "--backend"
    bool takes_value;     ///< `--backend file`, `--backend=file`
    /// The one value that is sesame's own behaviour ("file"; "" for a flag without a value), or
    /// nullptr: refused whatever its value.
    const char* accepts;
    const char* sets_variable;  ///< the value becomes this variable ("SESAME_FILE_DIR"), or nullptr
    const char* refusal;        ///< why sesame refuses it (the message)
    const char* instead;        ///< what to do instead (the hint)
};

/// Every entry, global flags first: the README's "aws-vault flags" table is checked against it.
std::span<const AwsVaultFlag> aws_vault_flags();

/// The entry for `flag` ("--stdout" or "--stdout=x") given to `command`, or to any command when
/// it is one of aws-vault's global flags; nullptr if aws-vault has no such flag there.
const AwsVaultFlag* find_aws_vault_flag(std::string_view command, std::string_view flag);

/// The words as sesame parses them, with aws-vault's habits turned into sesame's own, anywhere
/// before "--" (`args` holds only those words):
/// - `--debug` anywhere (main acted on it already: wants_debug) is taken out;
/// - the global flags aws-vault takes before or after its command (`--backend file`,
///   `--prompt zenity`, `--file-dir DIR`, ...) are taken out: `--file-dir DIR` sets
///   SESAME_FILE_DIR in `env` (made absolute), `--prompt NAME` SESAME_PROMPT (checked against its
///   choices); one sesame cannot honour is an error (exit 2) naming what sesame supports;
/// - kingpin's `help [COMMAND]`, `--help-long`, `--completion-script-bash|zsh` and the command
///   aliases `ls` and `rm` become `COMMAND --help`, `--help`, `completion bash|zsh`, `list` and
///   `remove`; `--help-man` becomes `__man` (the man page).
Result<std::vector<std::string>> normalize_habits(std::vector<std::string> args, Env& env);

}  // namespace sesame
