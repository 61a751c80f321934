#include "cli/command_table.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "app/settings.hpp"
#include "cli/app.hpp"
#include "cli/environment.hpp"
#include "cli/manual.hpp"
#include "fakes.hpp"
#include "platform/clock.hpp"
#include "prompt/prompt.hpp"
#include "shell/completions.hpp"
#include "shell/export_format.hpp"
#include "util/strings.hpp"

namespace sesame {
namespace {

using SilentPrompt = testing::NoTerminal;

/// What `sesame ARGS` prints on stdout, and its exit code.
std::pair<std::string, int> run(const std::vector<std::string>& args) {
    SystemClock clock;
    SilentPrompt prompt;
    std::string out, err;
    Context ctx(Env{}, clock, prompt, Log{}, [&](std::string_view s) { out += s; }, {});
    int code = run_app(args, ctx, [&](std::string_view s) { err += s; });
    return {out + err, code};
}

/// The option names in the first column of CLI11's help text ("  -d,--duration TEXT  ...").
std::set<std::string> flags_in_help(const std::string& help) {
    std::set<std::string> out;
    std::istringstream lines(help);
    std::string line;
    while (std::getline(lines, line)) {
        auto start = line.find_first_not_of(' ');
        if (start == std::string::npos || start == 0 || line[start] != '-') continue;
        std::string first = line.substr(start, line.find(' ', start) - start);
        std::istringstream names(first);
        for (std::string name; std::getline(names, name, ',');) out.insert(name);
    }
    return out;
}

const CommandSpec& spec(const CommandSpecs& specs, std::string_view name) {
    for (const auto& c : specs.commands)
        if (c.name == name) return c;
    throw std::runtime_error("no command " + std::string(name));
}

TEST(CommandSpecs, ListEveryCommandOfTheTable) {
    auto specs = command_specs();
    ASSERT_EQ(specs.commands.size(), commands().size());
    for (size_t i = 0; i < commands().size(); ++i) EXPECT_EQ(specs.commands[i].name, commands()[i].name);
}

/// Both directions: every flag `sesame X --help` shows is in the spec, and nothing else is.
TEST(CommandSpecs, AreExactlyWhatHelpShows) {
    for (const auto& c : command_specs().commands) {
        auto [help, code] = run({c.name, "--help"});
        ASSERT_EQ(code, 0) << help;
        auto shown = flags_in_help(help);
        shown.erase("-h");
        shown.erase("--help");
        auto flags = c.flags();
        EXPECT_EQ(shown, std::set<std::string>(flags.begin(), flags.end())) << c.name;
    }
}

TEST(CommandSpecs, KnowWhichCommandsTakeAProfileAndWhichValuesAreOptional) {
    auto specs = command_specs();
    EXPECT_TRUE(spec(specs, "exec").takes_profile());
    EXPECT_TRUE(spec(specs, "mfa-setup").takes_profile());
    EXPECT_FALSE(spec(specs, "init").takes_profile());
    EXPECT_FALSE(spec(specs, "status").takes_profile());
    for (const auto& o : spec(specs, "exec").options) {
        if (o.names.back() == "--account") {
            EXPECT_TRUE(o.value_optional);
        }
        if (o.names.back() == "--duration") {
            EXPECT_FALSE(o.value_name.empty());
        }
        if (o.names.back() == "--lazy") {
            EXPECT_TRUE(o.value_name.empty());
        }
    }
}

/// `shell --account/--role` were once missing from a hand-kept list: completions are now
/// generated from the specs, for every shell.
TEST(Completions, OfferEveryFlagOfEveryCommandInEveryShell) {
    auto specs = command_specs();
    for (auto shell : {ShellKind::Bash, ShellKind::Zsh, ShellKind::Fish}) {
        std::string script = completion_script(shell, specs.commands);
        for (const auto& c : specs.commands) {
            EXPECT_NE(script.find(c.name), std::string::npos) << c.name;
            for (const auto& f : c.flags()) {
                // fish names them without dashes: "-l duration", "-s d".
                std::string expected = shell != ShellKind::Fish ? f
                                       : f.starts_with("--")    ? "-l " + f.substr(2)
                                                                : "-s " + f.substr(1);
                EXPECT_NE(script.find(expected), std::string::npos) << c.name << " " << f;
            }
        }
    }
    auto shell_flags = spec(specs, "shell").flags();
    EXPECT_NE(std::find(shell_flags.begin(), shell_flags.end(), "--account"), shell_flags.end());
    EXPECT_NE(std::find(shell_flags.begin(), shell_flags.end(), "--role"), shell_flags.end());
}

/// `--format <TAB>` once offered profile names: an option's values are declared with it, and
/// every value declared is one the command takes.
TEST(CommandSpecs, CarryTheValuesAnOptionTakes) {
    auto specs = command_specs();
    const OptionSpec* format = nullptr;
    for (const auto& o : spec(specs, "export").options)
        if (o.names.back() == "--format") format = &o;
    ASSERT_NE(format, nullptr);
    EXPECT_EQ(format->values,
              (std::vector<std::string>{"env", "export-env", "json", "ini", "fish", "powershell"}));
    for (const auto& v : format->values) EXPECT_TRUE(parse_export_format(v)) << v;
    EXPECT_NE(parse_export_format("x").error().hint.find(join(format->values, ", ")), std::string::npos);
    EXPECT_EQ(spec(specs, "init").positionals.front().values,
              (std::vector<std::string>{"bash", "zsh", "fish"}));
    for (const auto& v : spec(specs, "init").positionals.front().values)
        EXPECT_TRUE(parse_shell_kind(v)) << v;
    for (auto shell : {ShellKind::Bash, ShellKind::Zsh, ShellKind::Fish}) {
        std::string script = completion_script(shell, specs.commands);
        EXPECT_NE(script.find("env export-env json ini fish powershell"), std::string::npos) << script;
    }
}

TEST(ManPage, HasEveryCommandFlagAndVariable) {
    auto specs = command_specs();
    std::string page = man_page(specs);
    EXPECT_TRUE(page.starts_with(".\\\" Generated")) << page.substr(0, 80);
    EXPECT_NE(page.find(".TH SESAME 1"), std::string::npos);
    for (const char* section : {".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH COMMANDS",
                                ".SH ENVIRONMENT", ".SH FILES", ".SH \"EXIT STATUS\"", ".SH EXAMPLES"})
        EXPECT_NE(page.find(section), std::string::npos) << section;
    for (const auto& c : specs.commands) {
        EXPECT_NE(page.find(".SS \"sesame " + roff_escape(c.name)), std::string::npos) << c.name;
        for (const auto& f : c.flags())
            EXPECT_NE(page.find("\\fB" + roff_escape(f) + "\\fR"), std::string::npos) << c.name << " " << f;
    }
    for (const auto& v : environment_variables())
        EXPECT_NE(page.find(".B " + roff_escape(v.name) + "\n"), std::string::npos) << v.name;
    // No line may start with a character roff would take as a request by accident.
    std::istringstream lines(page);
    for (std::string line; std::getline(lines, line);) {
        if (line.starts_with("'")) ADD_FAILURE() << line;
    }
}

TEST(ManPage, EscapesWhatRoffWouldInterpret) {
    EXPECT_EQ(roff_escape("--region"), "\\-\\-region");
    EXPECT_EQ(roff_escape("a\\b"), "a\\eb");
    EXPECT_EQ(roff_escape(".hidden"), "\\&.hidden");
    EXPECT_EQ(roff_escape("'quote"), "\\&'quote");
}

TEST(ManPage, IsWhatTheHiddenCommandPrints) {
    auto [out, code] = run({"__man"});
    EXPECT_EQ(code, 0);
    EXPECT_EQ(out, man_page(command_specs()));
}

/// Every SESAME_*, AWS_* and XDG_* name in the sources is documented in the environment table,
/// and the table names nothing the sources do not use.
TEST(Environment, TableMatchesTheSources) {
    std::set<std::string> used;
    const std::regex name_re("\"((SESAME|AWS|XDG)_[A-Z0-9_]*)\"");
    for (const auto& entry : std::filesystem::recursive_directory_iterator(SESAME_SOURCE_DIR "/src")) {
        if (entry.path().extension() != ".cpp" && entry.path().extension() != ".hpp") continue;
        // The documentation itself; a setting documented there must be read or set elsewhere.
        if (entry.path().filename() == "environment.cpp" || entry.path().filename() == "settings.cpp")
            continue;
        std::ifstream in(entry.path());
        std::string text((std::istreambuf_iterator<char>(in)), {});
        for (std::sregex_iterator it(text.begin(), text.end(), name_re), end; it != end; ++it)
            used.insert((*it)[1]);
    }
    // Other tools' names for settings are read by the settings table itself.
    for (const auto& setting : settings_table())
        for (const auto& alias : setting.aliases) used.insert(std::string(alias.name));
    // A prefix: AWS_ENDPOINT_URL_<SERVICE>.
    ASSERT_TRUE(used.erase("AWS_ENDPOINT_URL_"));
    used.insert("AWS_ENDPOINT_URL_<SERVICE>");
    ASSERT_GT(used.size(), 30u);

    std::set<std::string> documented;
    for (const auto& v : environment_variables()) EXPECT_TRUE(documented.insert(v.name).second) << v.name;
    for (const auto& name : used)
        EXPECT_TRUE(documented.count(name)) << name << " is not in cli/environment.cpp";
    for (const auto& name : documented) {
        if (name.starts_with("SESAME_") || name.starts_with("AWS_") || name.starts_with("XDG_")) {
            EXPECT_TRUE(used.count(name)) << name << " is documented but not used";
        }
    }
}

TEST(Version, NamesTheCommitAndTheOptionalParts) {
    auto [out, code] = run({"--version"});
    EXPECT_EQ(code, 0);
    EXPECT_TRUE(out.starts_with("sesame " SESAME_VERSION " (commit ")) << out;
    EXPECT_NE(out.find("libcurl"), std::string::npos) << out;
    EXPECT_NE(out.find("libqrencode"), std::string::npos) << out;
    EXPECT_NE(out.find("key cache"), std::string::npos) << out;
}

}  // namespace
}  // namespace sesame
