#include "cli/keep.hpp"

#include <gtest/gtest.h>

namespace sesame {
namespace {

TEST(KeepUnit, ExecStartQuotesEveryWordForSystemd) {
    auto unit = keep_unit_file("/opt/my sesame/sesame", {"a\"b=c%d$e\\f"}, "/home/u/kept");
    ASSERT_TRUE(unit) << unit.error().message;
    EXPECT_NE(unit->find("\nExecStart=\"/opt/my sesame/sesame\" \"keep\" \"--foreground\" \"--file\" "
                         "\"/home/u/kept\" \"a\\\"b=c%%d$$e\\\\f\"\n"),
              std::string::npos)
        << *unit;
    EXPECT_NE(unit->find("[Install]\nWantedBy=default.target\n"), std::string::npos);
    EXPECT_FALSE(keep_unit_file("/s", {"a\nExecStartPre=/bin/evil"}, "/k"));
}

}  // namespace
}  // namespace sesame
