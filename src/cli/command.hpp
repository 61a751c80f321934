#pragma once

#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/context.hpp"

namespace CLI {
class App;
}  // namespace CLI

namespace sesame {

/// Runs a parsed command: its flags are already in the options its declaration bound them to.
/// `after_dashes` holds the words after the first "--", which no option parsing touches (exec's
/// command; export and login refuse them).
using CommandRun = std::function<Result<int>(Context& ctx, const std::vector<std::string>& after_dashes)>;

/// How a command declares its arguments and flags, each bound to a field of its options: the
/// parser fills them, and `--help`, the man page and the completions are read back from the same
/// declarations (cli/command_table.cpp), so none of them can disagree with what is parsed.
///
/// A narrow face of CLI11, so that the command files do not include it: every file that includes
/// CLI11 gets static constructors (its validators) that run at every start, the warm path's too.
/// Only cli/command_table.cpp (which implements this) and cli/app.cpp (which parses) include it.
/// The values an option or a positional takes, by its name ("--format", "shell"): what the
/// completions offer for it. Constant lists of sesame's own; the command still checks the value.
using ValueLists = std::map<std::string, std::vector<std::string>>;
using Values = std::initializer_list<const char*>;

class CommandFlags {
  public:
    /// `values`, when given, receives the value lists the declarations name.
    explicit CommandFlags(CLI::App& command, ValueLists* values = nullptr)
        : m_command(command), m_values(values) {}

    /// An optional positional argument ("profile").
    void positional(const char* name, std::string& into, const char* help);
    /// A positional argument the command refuses to run without; `values` for the completions.
    void required_positional(const char* name, std::string& into, const char* help, Values values = {});
    /// A positional argument that takes every remaining word.
    void positional(const char* name, std::vector<std::string>& into, const char* help);

    /// A flag without a value; `names` as "-n,--no-session" or "--json".
    void flag(const char* names, bool& into, const char* help);
    /// An option with a value; `value_name` is what help shows for it ("DURATION").
    /// `values`: the values it takes, when they are a fixed list (the completions offer them).
    void option(const char* names, std::string& into, const char* value_name, const char* help,
                Values values = {});
    void option(const char* names, int& into, const char* value_name, const char* help);
    /// An option with a value whose help shows the value `into` holds now as the default.
    void option_with_default(const char* names, std::string& into, const char* value_name, const char* help,
                             Values values = {});
    /// An option whose value may be left out: given alone, `into` becomes "" (`--account`: pick
    /// on the terminal); not given, `into` stays as it is.
    void optional_value(const char* names, std::optional<std::string>& into, const char* value_name,
                        const char* help);

    /// The example `--help` shows under the options (and the man page under the command).
    void example(const char* text);

  private:
    void remember(const std::string& name, Values values);

    CLI::App& m_command;
    ValueLists* m_values;
};

/// A command's declaration: declares its flags into options it owns and returns what runs it
/// with them. Each command's file defines one (`declare_add`, …) next to its `run_…`.
using DeclareCommand = CommandRun (*)(CommandFlags& flags);

/// One row of the command table: the name users type, the one-line summary `--help` shows,
/// and the declaration. Help, dispatch, the man page and the completions all derive from it.
struct Command {
    const char* name;
    const char* summary;
    DeclareCommand declare;
};

}  // namespace sesame
