#include "cli/list.hpp"

#include <gtest/gtest.h>

namespace sesame {
namespace {

/// "AssumeRole 58m" said nothing about which role: a role session is named by role and account.
TEST(ListSessionLabel, NamesARoleSessionByRoleAndAccount) {
    StoredSession role;
    role.kind = "AssumeRole";
    role.role_arn = "arn:aws:iam::123456789012:role/admin";
    EXPECT_EQ(session_label(role), "admin@123456789012");
    role.role_arn = "arn:aws-cn:iam::210987654321:role/team/path/deploy";
    EXPECT_EQ(session_label(role), "deploy@210987654321");

    StoredSession token;
    token.kind = "GetSessionToken";
    EXPECT_EQ(session_label(token), "GetSessionToken");
    token.role_arn = "not an arn";
    EXPECT_EQ(session_label(token), "GetSessionToken");
}

}  // namespace
}  // namespace sesame
