#pragma once

#include <string>

#include "cli/command_table.hpp"

namespace sesame {

/// The man page sesame(1), in man(7) roff: every command with its arguments and options (from
/// `specs`, the parser's own declarations), the environment (cli/environment.cpp), files, exit
/// status and examples. The build generates it with `sesame __man`; `cmake --install` installs it.
std::string man_page(const CommandSpecs& specs);

/// Text escaped for roff: backslashes, hyphens in option names and a leading '.' or '\''.
std::string roff_escape(std::string_view text);

}  // namespace sesame
