// GetFederationToken for the console: named after the IAM user, allow-all policy, the long-term key
// only; and the name rules.

#include "providers/federation_token_provider.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <nlohmann/json.hpp>

#include "fake_http.hpp"
#include "providers/static_provider.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

using namespace std::chrono_literals;

using testing::FakeHttp;

/// The decoded value of `key` in a form body.
std::string form_value(const std::string& body, const std::string& key) {
    for (const auto& pair : split(body, '&')) {
        auto eq = pair.find('=');
        if (pair.substr(0, eq) != key) continue;
        std::string value = pair.substr(eq + 1), out;
        for (size_t i = 0; i < value.size(); ++i) {
            if (value[i] == '%' && i + 2 < value.size()) {
                out.push_back(static_cast<char>(std::stoi(value.substr(i + 1, 2), nullptr, 16)));
                i += 2;
            } else {
                out.push_back(value[i]);
            }
        }
        return out;
    }
    return "";
}

struct Harness {
    FakeHttp http;
    FixedClock clock{*parse_rfc3339("2026-03-04T05:06:07Z")};
    QueryApi api{http, clock, {"https://sts.amazonaws.com/", "us-east-1"}, RetryPolicy{1}, [](auto) {}};
    Sts sts{api};

    Result<Credentials> run(Credentials source, std::chrono::seconds duration) {
        FederationTokenProvider provider(std::make_unique<StaticProvider>(std::move(source), "stored key"),
                                         sts, duration);
        EXPECT_NE(provider.describe().find("GetFederationToken"), std::string::npos);
        return provider.retrieve();
    }
};

Credentials long_term() {
    Credentials c;
    c.access_key_id = "AKIAALICE";
    c.secret_access_key = Secret("alice-secret");
    return c;
}

TEST(FederationTokenProvider, NamesTheSessionAfterTheUserWithAnAllowAllPolicy) {
    Harness h;
    h.http.reply(
        200,
        "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/team/alice</"
        "Arn>"
        "<UserId>AIDA</UserId><Account>123456789012</Account></GetCallerIdentityResult>"
        "</GetCallerIdentityResponse>");
    h.http.reply(
        200,
        "<GetFederationTokenResponse><GetFederationTokenResult><Credentials><AccessKeyId>ASIAFED</"
        "AccessKeyId>"
        "<SecretAccessKey>fed-secret</SecretAccessKey><SessionToken>fed-token</SessionToken>"
        "<Expiration>2026-03-04T06:36:07Z</Expiration></Credentials><FederatedUser>"
        "<Arn>arn:aws:sts::123456789012:federated-user/alice</Arn><FederatedUserId>123456789012:alice"
        "</FederatedUserId></FederatedUser></GetFederationTokenResult></GetFederationTokenResponse>");
    auto creds = h.run(long_term(), 5400s);
    ASSERT_TRUE(creds) << creds.error().message;
    EXPECT_EQ(creds->access_key_id, "ASIAFED");
    EXPECT_EQ(creds->session_token.reveal(), "fed-token");
    ASSERT_EQ(h.http.requests.size(), 2u);
    const std::string& body = h.http.requests[1].body;
    EXPECT_EQ(form_value(body, "Action"), "GetFederationToken");
    EXPECT_EQ(form_value(body, "Name"), "alice");
    EXPECT_EQ(form_value(body, "DurationSeconds"), "5400");
    auto policy = nlohmann::json::parse(form_value(body, "Policy"));
    EXPECT_EQ(policy["Statement"],
              nlohmann::json::parse(R"([{"Effect":"Allow","Action":"*","Resource":"*"}])"));
    for (const auto& r : h.http.requests) {
        for (const auto& [name, value] : r.headers)
            if (name == "Authorization") {
                EXPECT_NE(value.find("Credential=AKIAALICE/"), std::string::npos);
            }
    }
}

TEST(FederationTokenProvider, RefusesSessionCredentialsWithoutCallingSts) {
    Harness h;
    Credentials session = long_term();
    session.session_token = Secret("token");
    auto creds = h.run(session, 3600s);
    ASSERT_FALSE(creds);
    EXPECT_NE(creds.error().message.find("long-term key"), std::string::npos);
    EXPECT_TRUE(h.http.requests.empty());
}

TEST(FederatedUserName, FollowsGetFederationTokensRules) {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"arn:aws:iam::123456789012:user/alice", "alice"},
        {"arn:aws:iam::123456789012:user/division/bob.smith@corp", "bob.smith@corp"},
        {"arn:aws:iam::123456789012:root", "root"},
        {"arn:aws:iam::123456789012:user/averyveryveryverylongusernamethatgoeson",
         "averyveryveryverylongusernamethat"},
        {"arn:aws:iam::123456789012:user/x", "x-user"},
        {"arn:aws:iam::123456789012:user/a b!c", "a-b-c"},
        {"", "sesame"},
    };
    for (const auto& [arn, name] : cases) {
        std::string got = federated_user_name(arn);
        EXPECT_EQ(got, name.substr(0, 32)) << arn;
        EXPECT_GE(got.size(), 2u);
        EXPECT_LE(got.size(), 32u);
    }
}

}  // namespace
}  // namespace sesame
