#include "cli/app.hpp"

#include <gtest/gtest.h>

namespace sesame {
namespace {

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

}  // namespace
}  // namespace sesame
