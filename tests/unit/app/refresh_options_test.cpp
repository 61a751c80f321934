#include "app/refresh_options.hpp"

#include <gtest/gtest.h>

namespace sesame {
namespace {

TEST(RefreshOptions, WritesOnlyTheFlagsGivenAndReadsThemBack) {
    CredentialRequest given;
    given.profile = "alice";
    given.account = "dev";  // a name: the text carries the id it was resolved to
    given.role = "Admin.Role@x";
    given.region = "eu-west-1";
    given.duration = "1h30m";
    given.no_session = true;
    given.mfa_token = "123456";
    const std::string text = refresh_options_text(given, "210987654321");
    EXPECT_EQ(text,
              "--account 210987654321 --role Admin.Role@x --region eu-west-1 --duration 5400 --no-session");

    CredentialRequest read;
    read.profile = "alice";
    ASSERT_TRUE(apply_refresh_options(text, read));
    EXPECT_EQ(read.account, "210987654321");
    EXPECT_EQ(read.role, "Admin.Role@x");
    EXPECT_EQ(read.region, "eu-west-1");
    EXPECT_EQ(read.duration, "5400");
    EXPECT_TRUE(read.no_session);
    EXPECT_EQ(read.mfa_token, "") << "an MFA code is never carried";
    EXPECT_EQ(read.profile, "alice");
}

TEST(RefreshOptions, NothingGivenIsEmpty) {
    CredentialRequest plain;
    plain.profile = "admin";
    EXPECT_EQ(refresh_options_text(plain, "123456789012"), "") << "the account is only carried for --account";
    CredentialRequest read;
    ASSERT_TRUE(apply_refresh_options("", read));
    EXPECT_FALSE(read.account);
    EXPECT_EQ(read.role, CredentialRequest{}.role);
}

TEST(RefreshOptions, RefusesWhatSesameDoesNotWrite) {
    const char* bad[] = {
        "--account 12345",                                        // not 12 digits
        "--account dev --role R",                                 // a name, not an id
        "--account 123456789012",                                 // no role
        "--role R",                                               // no account
        "--account 123456789012 --role a/b",                      // not a role name
        "--account 123456789012 --role $(id)",                    // not a role name
        "--region eu-west-1;id",                                  // not a region
        "--region EU",                                            // not a region
        "--duration 1h",                                          // not seconds
        "--duration",                                             // no value
        "--profile prod",                                         // not one of its flags
        "-t 123456",                                              // not one of its flags
        "--no-session --no-session",                              // twice
        "--region  eu-west-1",                                    // two spaces
        " --no-session",                                          // leading space
        "--no-session\n",                                         // a newline
        "--account 123456789012 --role R --account 123456789012"  // twice
    };
    for (const char* text : bad) {
        CredentialRequest request;
        auto r = apply_refresh_options(text, request);
        ASSERT_FALSE(r) << text;
        EXPECT_NE(r.error().message.find("SESAME_REFRESH_OPTIONS"), std::string::npos) << r.error().message;
        EXPECT_NE(r.error().hint.find("unset it"), std::string::npos);
    }
}

}  // namespace
}  // namespace sesame
