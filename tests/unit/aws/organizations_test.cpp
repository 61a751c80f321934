#include "aws/organizations.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "fake_http.hpp"

namespace sesame {
namespace {

/// Records every request and answers from a script.
using testing::FakeHttp;

struct Harness {
    FakeHttp http;
    FixedClock clock{std::chrono::sys_days{std::chrono::year{2024} / 5 / 1}};
    JsonApi api{http, clock, {"https://organizations.us-east-1.amazonaws.com", "us-east-1"}, RetryPolicy{1}};
    Organizations organizations{api};
    Credentials caller{"AKIDEXAMPLE", Secret("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"), Secret(), {}};
};

// Shaped as the Organizations API reference's ListAccounts example.
const std::string k_page1 = R"({
  "Accounts": [
    {"Arn": "arn:aws:organizations::111111111111:account/o-exampleorgid/111111111111",
     "JoinedMethod": "INVITED", "JoinedTimestamp": 1481830215.45, "Id": "111111111111",
     "Name": "Master Account", "Email": "bill@example.com", "Status": "ACTIVE"},
    {"Arn": "arn:aws:organizations::111111111111:account/o-exampleorgid/222222222222",
     "JoinedMethod": "INVITED", "JoinedTimestamp": 1481835741.044, "Id": "222222222222",
     "Name": "Production Account", "Email": "alice@example.com", "Status": "ACTIVE"}
  ],
  "NextToken": "AAEBAHgx/token+1=="
})";

const std::string k_page2 = R"({
  "Accounts": [
    {"Arn": "arn:aws:organizations::111111111111:account/o-exampleorgid/333333333333",
     "Id": "333333333333", "Name": "Development Account", "Email": "juan@example.com",
     "State": "SUSPENDED"}
  ]
})";

TEST(Organizations, ListAccountsReadsEveryPage) {
    Harness h;
    h.http.reply(200, k_page1);
    h.http.reply(200, k_page2);

    auto accounts = h.organizations.list_accounts(h.caller);

    ASSERT_TRUE(accounts) << accounts.error().message;
    ASSERT_EQ(accounts->size(), 3u);
    const OrganizationAccount& first = (*accounts)[0];
    EXPECT_EQ(first.id, "111111111111");
    EXPECT_EQ(first.name, "Master Account");
    EXPECT_EQ(first.email, "bill@example.com");
    EXPECT_EQ(first.status, "ACTIVE");
    EXPECT_EQ(first.arn, "arn:aws:organizations::111111111111:account/o-exampleorgid/111111111111");
    EXPECT_EQ((*accounts)[1].name, "Production Account");
    EXPECT_EQ((*accounts)[2].id, "333333333333");
    EXPECT_EQ((*accounts)[2].status, "SUSPENDED");

    ASSERT_EQ(h.http.requests.size(), 2u);
    EXPECT_EQ(h.http.requests[0].body, "{}");
    EXPECT_EQ(h.http.requests[1].body, R"({"NextToken":"AAEBAHgx/token+1=="})");
}

TEST(Organizations, MalformedResponsesAreErrors) {
    struct Case {
        std::vector<std::string> pages;
        std::string message;
    };
    const std::vector<Case> cases = {
        {{R"({"NextToken": "x"})"}, "malformed ListAccounts response from Organizations: missing Accounts"},
        {{R"({"Accounts": {}})"}, "malformed ListAccounts response from Organizations: missing Accounts"},
        {{R"({"Accounts": [{"Name": "no id"}]})"},
         "malformed ListAccounts response from Organizations: an account without an Id"},
        {{R"({"Accounts": ["111111111111"]})"},
         "malformed ListAccounts response from Organizations: an Accounts entry is not an object"},
        {{R"({"Accounts": [], "NextToken": "t"})", R"({"Accounts": [], "NextToken": "t"})"},
         "malformed ListAccounts response from Organizations: the same NextToken twice"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.message);
        Harness h;
        for (const auto& page : c.pages) h.http.reply(200, page);
        auto accounts = h.organizations.list_accounts(h.caller);
        ASSERT_FALSE(accounts);
        EXPECT_EQ(accounts.error().message, c.message);
        EXPECT_EQ(h.http.requests.size(), c.pages.size());
    }
}

TEST(Organizations, AnErrorOnALaterPageFailsTheList) {
    Harness h;
    h.http.reply(200, k_page1);
    h.http.reply(
        400,
        R"({"__type":"InvalidInputException","Message":"You specified an invalid value for nextToken."})");

    auto accounts = h.organizations.list_accounts(h.caller);

    ASSERT_FALSE(accounts);
    EXPECT_EQ(accounts.error().message,
              "ListAccounts failed: InvalidInputException: You specified an invalid value for nextToken.");
}

}  // namespace
}  // namespace sesame
