#include "cli/usage_error.hpp"

#include <gtest/gtest.h>

namespace sesame {
namespace {

const std::vector<FlagShape> k_exec = {{"-d", true},       {"--duration", true},
                                       {"-n", false},      {"--no-session", false},
                                       {"--region", true}, {"--lazy", false}};

TEST(UsageError, SuggestsTheClosestOptionAndTheCommandsHelp) {
    Error e = usage_error("exec", {"exec", "admin", "--no-sesion"}, k_exec, "parser says no");
    EXPECT_EQ(e.message, "unknown option --no-sesion for sesame exec");
    EXPECT_EQ(e.hint, "did you mean --no-session? (run 'sesame exec --help' for its options)");
    EXPECT_EQ(e.exit_code, 2);

    Error far = usage_error("exec", {"exec", "--frobnicate=1", "admin"}, k_exec, "parser says no");
    EXPECT_EQ(far.message, "unknown option --frobnicate for sesame exec");
    EXPECT_EQ(far.hint, "run 'sesame exec --help' for its options");
}

TEST(UsageError, AnOptionAfterExecsCommandWordsGetsTheLineWithDashes) {
    Error e = usage_error("exec",
                          {"exec", "-d", "1h", "admin", "aws", "s3", "ls", "--recursive", "--region", "x y"},
                          k_exec, "parser says no");
    EXPECT_EQ(e.message, "--recursive is not an option of sesame exec: is it the command's?");
    EXPECT_EQ(e.hint,
              "put -- before the command: sesame exec -d 1h admin -- aws s3 ls --recursive --region 'x y'");
}

TEST(UsageError, AwsVaultFlagsSayWhySesameRefusesThem) {
    Error e = usage_error("exec", {"exec", "admin", "--stdout"}, k_exec, "parser says no");
    EXPECT_TRUE(e.message.starts_with("exec --stdout: ")) << e.message;
    EXPECT_NE(e.message.find("SSO"), std::string::npos) << e.message;
    EXPECT_EQ(e.hint, "drop --stdout");
}

TEST(UsageError, OtherwiseKeepsTheParsersMessageWithTheCommandsHelp) {
    Error e = usage_error("remove", {"remove"}, {{"-f", false}}, "profile is required");
    EXPECT_EQ(e.message, "profile is required");
    EXPECT_EQ(e.hint, "run 'sesame remove --help' for its options");
    Error top = usage_error("", {"--bogus"}, {{"--version", false}}, "x");
    EXPECT_EQ(top.message, "unknown option --bogus for sesame");
    EXPECT_EQ(top.hint, "run 'sesame --help' for usage");
}

}  // namespace
}  // namespace sesame
