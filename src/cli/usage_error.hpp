#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "util/error.hpp"

namespace sesame {

/// One option of the command being parsed, as usage_error needs it.
struct FlagShape {
    std::string name;  ///< "--duration", "-d"
    bool takes_value = false;
};

/// The error for a command line the option parser refused (`parser_message` is the parser's
/// own), saying what to do next instead of pointing at the top-level help: an unknown option
/// gets the closest of `flags` ("did you mean --no-session?"), a flag of aws-vault's the reason
/// sesame refuses it (cli/aws_vault_flags.hpp), an unknown option after exec's command words
/// the same line with "--" in its place, and every hint names `sesame COMMAND --help`.
/// `args` are the words before "--", the command's name among them; `command` is "" when no
/// command was given. A usage error: exit code 2.
Error usage_error(std::string_view command, const std::vector<std::string>& args,
                  const std::vector<FlagShape>& flags, std::string_view parser_message);

}  // namespace sesame
