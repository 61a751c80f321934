#pragma once

#include <string>
#include <vector>

namespace sesame {

/// One option of a command, as its parser declares it.
struct OptionSpec {
    std::vector<std::string> names;  ///< "-d", "--duration"
    std::string value_name;          ///< "D" for an option that takes a value, empty for a flag
    bool value_optional = false;     ///< `--account` may be given without a value
    std::string description;
    std::vector<std::string> values;  ///< the values it takes, when a fixed list (completions offer them)
};

/// A positional argument ("profile", "command").
struct PositionalSpec {
    std::string name;
    std::string description;
    bool required = false;
    bool repeats = false;             ///< takes every remaining word
    std::vector<std::string> values;  ///< the values it takes, when a fixed list
};

/// A command as `--help`, the man page and the completions show it. Built from the option
/// parser's own declarations (cli/command_table.cpp), so none of them can drift from the others.
struct CommandSpec {
    std::string name;
    std::string summary;
    std::vector<PositionalSpec> positionals;
    std::vector<OptionSpec> options;
    std::string example;  ///< the command's help footer, when it has one

    /// True when the command's first positional is a profile name (completions offer profiles).
    bool takes_profile() const { return !positionals.empty() && positionals.front().name == "profile"; }
    /// Every option name, long and short ("--duration", "-d").
    std::vector<std::string> flags() const;
};

}  // namespace sesame
