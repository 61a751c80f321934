#include "cli/command.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "cli/cli11.hpp"
#include "cli/command_table.hpp"

namespace sesame {
namespace {

/// Parses `args` (without the program name) into one command declared with CommandFlags.
void parse(CLI::App& app, std::vector<std::string> args) {
    std::reverse(args.begin(), args.end());
    app.parse(args);
}

/// `--account` alone means "pick on the terminal" (""), which CLI11 reports only through the
/// option being seen: the request must tell it apart from no --account at all.
TEST(CommandFlags, OptionalValueTellsAloneFromAbsentFromGiven) {
    struct Case {
        std::vector<std::string> args;
        std::optional<std::string> expected;
    } cases[] = {
        {{"cmd"}, std::nullopt},
        {{"cmd", "--account"}, ""},
        {{"cmd", "--account", "dev"}, "dev"},
        {{"cmd", "--account=dev"}, "dev"},
        {{"cmd", "--account", "--flag"}, ""},
    };
    for (const auto& c : cases) {
        CLI::App app;
        CommandFlags flags(*app.add_subcommand("cmd"));
        std::optional<std::string> account;
        bool flag = false;
        flags.optional_value("--account", account, "ACCOUNT", "help");
        flags.flag("--flag", flag, "help");
        parse(app, c.args);
        EXPECT_EQ(account, c.expected) << c.args.size();
    }
}

TEST(CommandFlags, BindEveryKindOfArgument) {
    CLI::App app;
    CommandFlags flags(*app.add_subcommand("cmd"));
    std::string profile, duration, format = "env";
    std::vector<std::string> rest;
    int port = 0;
    bool no_session = false;
    flags.required_positional("profile", profile, "help");
    flags.positional("rest", rest, "help");
    flags.option("-d,--duration", duration, "DURATION", "help");
    flags.option_with_default("--format", format, "FORMAT", "help");
    flags.option("--port", port, "PORT", "help");
    flags.flag("-n,--no-session", no_session, "help");
    parse(app, {"cmd", "admin", "-d", "1h", "--port", "9911", "-n", "a", "b"});
    EXPECT_EQ(profile, "admin");
    EXPECT_EQ(duration, "1h");
    EXPECT_EQ(format, "env");
    EXPECT_EQ(port, 9911);
    EXPECT_TRUE(no_session);
    EXPECT_EQ(rest, (std::vector<std::string>{"a", "b"}));

    CLI::App missing;
    CommandFlags required(*missing.add_subcommand("cmd"));
    required.required_positional("profile", profile, "help");
    EXPECT_THROW(parse(missing, {"cmd"}), CLI::RequiredError);
}

TEST(CommandTable, FindsEachCommandByItsNameOnly) {
    for (const Command& c : commands()) {
        EXPECT_EQ(find_command(c.name), &c);
        EXPECT_NE(c.declare, nullptr) << c.name;
    }
    EXPECT_EQ(find_command("exce"), nullptr);
    EXPECT_EQ(find_command(""), nullptr);
}

/// The warm path declares only the command it runs; help declares them all.
TEST(CommandTable, DeclaresOneCommandOrAll) {
    CLI::App one;
    auto declared = declare_commands(one, "exec");
    ASSERT_EQ(declared.size(), 1u);
    EXPECT_STREQ(declared.front().command->name, "exec");
    EXPECT_EQ(one.get_subcommands({}).size(), 1u);
    EXPECT_TRUE(declared.front().run);

    CLI::App all;
    EXPECT_EQ(declare_commands(all, "").size(), commands().size());
}

}  // namespace
}  // namespace sesame
