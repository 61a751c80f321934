#include "cli/app.hpp"

#include <gtest/gtest.h>

#include "fakes.hpp"
#include "platform/clock.hpp"
#include "prompt/prompt.hpp"

namespace sesame {
namespace {

using SilentPrompt = testing::NoTerminal;

struct Ran {
    std::string out, err;
    int code;
};

/// `sesame ARGS` in an empty environment: what it printed and its exit code.
Ran run(const std::vector<std::string>& args) {
    SystemClock clock;
    SilentPrompt prompt;
    Ran ran;
    Context ctx(Env{}, clock, prompt, Log{}, [&](std::string_view s) { ran.out += s; }, {});
    ran.code = run_app(args, ctx, [&](std::string_view s) { ran.err += s; });
    return ran;
}

TEST(QuickParse, TakesOnlyThePlainestForms) {
    auto e = parse_quick({"exec", "admin", "--", "aws", "s3", "ls"});
    ASSERT_TRUE(e);
    EXPECT_EQ(e->kind, QuickCommand::Exec);
    EXPECT_EQ(e->profile, "admin");
    EXPECT_EQ(e->command, (std::vector<std::string>{"aws", "s3", "ls"}));

    auto x = parse_quick({"export", "admin", "--format", "json"});
    ASSERT_TRUE(x);
    EXPECT_EQ(x->kind, QuickCommand::Export);
    EXPECT_EQ(x->format, "json");

    // Anything with a flag, a missing command or a missing profile goes through the full parser.
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"exec", "admin", "-d", "1h", "--", "true"},
             {"exec", "--debug", "admin", "--", "true"},
             {"exec", "admin", "--"},
             {"exec", "-n", "--", "true"},
             {"export", "admin"},
             {"export", "admin", "--format", "json", "--region", "x"},
             {"export", "admin", "--format", "--help"},
             {"--debug", "exec", "admin", "--", "true"},
             {"list"},
         }) {
        EXPECT_FALSE(parse_quick(args)) << args.front() << " " << args.size();
    }
}

/// What each command does with the words after "--" is part of its declaration: exec runs them,
/// export and login refuse them, before anything asks for a passphrase.
TEST(Dispatch, ReachesTheCommandThatWasParsed) {
    auto exp = run({"export", "admin", "--region", "eu-west-1", "--", "ls"});
    EXPECT_EQ(exp.code, 2);
    EXPECT_EQ(exp.err, "sesame: export takes no command after --\n");

    auto login = run({"login", "admin", "--stdout", "--", "ls"});
    EXPECT_EQ(login.code, 2);
    EXPECT_EQ(login.err, "sesame: login takes no command after --\n");

    // exec checks its endpoint flags before it looks at the profile.
    auto exec = run({"exec", "admin", "--imdsv1", "--", "true"});
    EXPECT_EQ(exec.code, 1);
    EXPECT_EQ(exec.err, "sesame: choose one of --ecs-server and --ec2-server\n");

    auto prompt = run({"prompt", "--shell", "tcsh"});
    EXPECT_EQ(prompt.code, 1);
    EXPECT_EQ(prompt.err, "sesame: --shell tcsh: use bash, zsh, fish or plain\n");

    auto seconds = run({"prompt", "--seconds-left"});
    EXPECT_EQ(seconds.code, 0);
    EXPECT_EQ(seconds.out, "999999999\n");
}

TEST(Dispatch, SuggestsTheClosestCommandForATypo) {
    auto typo = run({"exce", "admin"});
    EXPECT_EQ(typo.code, 2);
    EXPECT_EQ(typo.err, "sesame: unknown command \"exce\"\nhint: did you mean \"exec\"?\n");
}

TEST(Dispatch, WithoutACommandPrintsTheHelp) {
    auto none = run({});
    EXPECT_EQ(none.code, 0);
    EXPECT_EQ(none.out, run({"--help"}).out);
    EXPECT_NE(none.out.find("Run 'sesame COMMAND --help'"), std::string::npos) << none.out;
}

/// A command's --help shows its own example, never the top-level examples.
TEST(Dispatch, CommandHelpShowsOnlyItsOwnExamples) {
    for (const Command& c : commands()) {
        auto help = run({c.name, "--help"});
        EXPECT_EQ(help.code, 0) << c.name;
        EXPECT_EQ(help.out.find("Run 'sesame COMMAND --help'"), std::string::npos) << help.out;
        EXPECT_NE(help.out.find("sesame " + std::string(c.name)), std::string::npos) << help.out;
    }
}

/// README says --debug goes before or after the command: anywhere before "--".
TEST(Dispatch, TakesDebugAfterTheCommand) {
    auto after = run({"prompt", "--seconds-left", "--debug"});
    EXPECT_EQ(after.code, 0) << after.err;
    EXPECT_EQ(after.out, "999999999\n");
    EXPECT_EQ(run({"prompt", "--debug", "--seconds-left"}).out, after.out);
}

TEST(Dispatch, FlagErrorsSuggestTheFlagAndNameTheCommandsHelp) {
    auto typo = run({"exec", "admin", "--no-sesion", "--", "true"});
    EXPECT_EQ(typo.code, 2);
    EXPECT_EQ(typo.err,
              "sesame: unknown option --no-sesion for sesame exec\n"
              "hint: did you mean --no-session? (run 'sesame exec --help' for its options)\n");
    auto dashes = run({"exec", "admin", "aws", "s3", "ls", "--recursive"});
    EXPECT_EQ(dashes.code, 2);
    EXPECT_NE(
        dashes.err.find("hint: put -- before the command: sesame exec admin -- aws s3 ls --recursive\n"),
        std::string::npos)
        << dashes.err;
    auto missing = run({"remove"});
    EXPECT_EQ(missing.code, 2);
    EXPECT_NE(missing.err.find("'sesame remove --help'"), std::string::npos) << missing.err;
}

/// aws-vault's names for what sesame does: `exec --server`/`-s` is --ec2-server, `help X` and
/// `--help-long` are --help.
TEST(Dispatch, TakesAwsVaultsNames) {
    for (const auto& server : {"--server", "-s"}) {
        auto both = run({"exec", "admin", server, "--ecs-server", "--", "true"});
        EXPECT_EQ(both.code, 1) << server;
        EXPECT_EQ(both.err, "sesame: choose one of --ecs-server and --ec2-server\n") << server;
    }
    auto json = run({"exec", "admin", "--json", "--", "true"});
    EXPECT_EQ(json.code, 2);
    EXPECT_EQ(json.err,
              "sesame: exec --json prints credentials and runs no command or endpoint\nhint: drop --json to "
              "run the command\n");
    const std::string help = run({"exec", "--help"}).out;
    EXPECT_EQ(run({"help", "exec"}).out, help);
    EXPECT_EQ(run({"exec", "--help-long"}).out, help);
    EXPECT_EQ(run({"help"}).out, run({"--help"}).out);
    auto backend = run({"--backend", "kwallet", "list"});
    EXPECT_EQ(backend.code, 2);
    EXPECT_TRUE(
        backend.err.starts_with("sesame: --backend=\"kwallet\" is not a valid choice: it must be file, "))
        << backend.err;
}

}  // namespace
}  // namespace sesame
