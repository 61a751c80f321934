#include "util/strings.hpp"

#include <gtest/gtest.h>

#include "crypto/secret.hpp"

namespace sesame {
namespace {

TEST(Strings, UriEncodeKeepsUnreservedOnly) {
    EXPECT_EQ(uri_encode("a-b_c.d~e"), "a-b_c.d~e");
    EXPECT_EQ(uri_encode("a b/c+d=é"), "a%20b%2Fc%2Bd%3D%C3%A9");
    EXPECT_EQ(uri_encode("a/b", false), "a/b");
}

TEST(Strings, ClosestMatchSuggestsTyposOnly) {
    std::vector<std::string> keys{"mfa_serial", "region", "role_arn", "source_profile"};
    EXPECT_EQ(closest_match("mfa_serail", keys), "mfa_serial");
    EXPECT_EQ(closest_match("regoin", keys), "region");
    EXPECT_EQ(closest_match("completely_different", keys), "");
}

TEST(Strings, TrimAndSplit) {
    EXPECT_EQ(trim("  a b \t\r\n"), "a b");
    EXPECT_EQ(split("a,b,,c", ','), (std::vector<std::string>{"a", "b", "", "c"}));
}

TEST(Secret, RedactsAndCompares) {
    Secret s("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    EXPECT_EQ(s.redacted(), "wJal…EKEY");
    EXPECT_EQ(Secret("short").redacted(), "…");
    EXPECT_TRUE(Secret("abc") == Secret("abc"));
    EXPECT_FALSE(Secret("abc") == Secret("abd"));
    Secret moved = std::move(s);
    EXPECT_TRUE(s.empty());
    EXPECT_EQ(moved.size(), 40u);
}

}  // namespace
}  // namespace sesame

namespace sesame {
namespace {

TEST(Printable, EscapesControlBytesAndBackslashesAndCaps) {
    EXPECT_EQ(printable("arn:aws:iam::1:role/x\r\nFAKE LOG LINE\x1b[2J"),
              "arn:aws:iam::1:role/x\\x0d\\x0aFAKE LOG LINE\\x1b[2J");
    EXPECT_EQ(printable("a\\b"), "a\\\\b");
    EXPECT_EQ(printable(std::string(300, 'r'), 10), std::string(10, 'r') + "...");
    EXPECT_EQ(printable("é ok"), "é ok");
}

}  // namespace
}  // namespace sesame

namespace sesame {
namespace {

TEST(Strings, JoinKeepsEmptyItems) {
    EXPECT_EQ(join({}, ", "), "");
    EXPECT_EQ(join({"a"}, ", "), "a");
    EXPECT_EQ(join({"", "b", ""}, "->"), "->b->");
}

}  // namespace
}  // namespace sesame
