#include "vault/vault_data.hpp"

#include <gtest/gtest.h>

#include "util/bytes.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

using namespace std::chrono_literals;

TimePoint at(const char* rfc3339) {
    return *parse_rfc3339(rfc3339);
}

StoredSession session(const std::string& profile, TimePoint expiration) {
    StoredSession s;
    s.profile = profile;
    s.kind = "GetSessionToken";
    s.access_key_id = "ASIAEXAMPLE0000000001";
    s.secret_access_key = Secret("session-secret/with+chars");
    s.session_token = Secret("FwoGZXIvYXdzEJr//////////wEaDA==");
    s.expiration = expiration;
    s.created = expiration - 1h;
    return s;
}

VaultData sample() {
    VaultData d;
    d.keys["prod"] = StoredKey{"AKIAEXAMPLE000000001", Secret("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                               at("2026-01-02T03:04:05Z")};
    d.keys["name with \"quotes\" and ünïcode"] =
        StoredKey{"AKIAEXAMPLE000000002", Secret("secret\\with\nescapes\t\x01"), at("2025-12-31T23:59:59Z")};
    StoredSession full = session("prod", at("2026-01-02T04:04:05Z"));
    full.kind = "AssumeRole";
    full.mfa_serial = "arn:aws:iam::123456789012:mfa/alice";
    full.role_arn = "arn:aws:iam::123456789012:role/admin";
    d.sessions["prod|role|mfa"] = full;
    d.sessions["dev"] = session("dev", at("2026-01-02T05:00:00Z"));
    return d;
}

TEST(VaultData, SerializeThenDeserializeGivesTheSameData) {
    const VaultData original = sample();
    auto back = deserialize(serialize(original));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, original);
    EXPECT_EQ(back->sessions.at("prod|role|mfa").role_arn, "arn:aws:iam::123456789012:role/admin");
    EXPECT_EQ(back->keys.at("prod").secret_access_key.reveal(), "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
}

TEST(VaultData, EmptyDataRoundTrips) {
    auto back = deserialize(serialize(VaultData{}));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_TRUE(back->keys.empty());
    EXPECT_TRUE(back->sessions.empty());
}

TEST(VaultData, JsonFormIsVersionedWithRfc3339TimesAndStillRead) {
    const std::string json = serialize_json(sample());
    auto back = deserialize(json);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, sample());
    EXPECT_NE(json.find("\"version\":1"), std::string::npos) << json;
    EXPECT_NE(json.find("\"added\":\"2026-01-02T03:04:05Z\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"expiration\":\"2026-01-02T05:00:00Z\""), std::string::npos) << json;
}

TEST(VaultData, BinaryFormRoundTripsAndRefusesDamage) {
    const std::string bin = serialize(sample());
    ASSERT_FALSE(bin.empty());
    EXPECT_EQ(bin[0], '\x02') << "written in the compact form";
    auto back = deserialize(bin);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, sample());
    for (size_t cut : {size_t{1}, size_t{3}, bin.size() / 2, bin.size() - 1}) {
        auto r = deserialize(bin.substr(0, cut));
        ASSERT_FALSE(r) << cut;
        EXPECT_NE(r.error().message.find("damaged"), std::string::npos) << r.error().message;
    }
    EXPECT_FALSE(deserialize(bin + "x"));
    std::string newer = bin;
    newer[1] = 9;
    auto r = deserialize(newer);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("newer sesame"), std::string::npos);
}

TEST(VaultData, OptionalSessionFieldsMayBeAbsentAndUnknownFieldsAreIgnored) {
    auto got = deserialize(R"({"version":1,"future":[1,2],"sessions":{"k":{
        "profile":"p","kind":"GetSessionToken","access_key_id":"ASIA","secret_access_key":"s",
        "session_token":"t","expiration":"2026-01-02T03:04:05Z","created":"2026-01-02T02:04:05Z",
        "extra":true}}})");
    ASSERT_TRUE(got) << got.error().message;
    const StoredSession& s = got->sessions.at("k");
    EXPECT_EQ(s.mfa_serial, "");
    EXPECT_EQ(s.role_arn, "");
    EXPECT_EQ(s.session_token.reveal(), "t");
    EXPECT_EQ(s.expiration, at("2026-01-02T03:04:05Z"));
}

TEST(VaultData, NewerVersionTellsTheUserToUpgrade) {
    for (const char* doc : {R"({"version":2,"keys":{}})", R"({"version":99})"}) {
        auto got = deserialize(doc);
        ASSERT_FALSE(got) << doc;
        EXPECT_NE(got.error().message.find("newer sesame"), std::string::npos) << got.error().message;
        EXPECT_NE(got.error().hint.find("upgrade sesame"), std::string::npos) << got.error().hint;
    }
}

TEST(VaultData, MalformedDocumentsAreErrorsThatNeverQuoteSecrets) {
    struct Case {
        const char* doc;
        const char* expected;  // a fragment of the message
    };
    const Case cases[] = {
        {R"({"version":1,"keys":{"p":{"secret_access_key":"SUPERSECRET)", "not valid JSON"},
        {R"(["SUPERSECRET"])", "not a JSON object"},
        {R"({"keys":{}})", "\"version\" is missing"},
        {R"({"version":"1"})", "\"version\" is missing"},
        {R"({"version":0})", "unknown version 0"},
        {R"({"version":1,"keys":[]})", "\"keys\" is not an object"},
        {R"({"version":1,"keys":{"p":"SUPERSECRET"}})", "keys.\"p\" is not an object"},
        {R"({"version":1,"keys":{"p":{"access_key_id":"A","secret_access_key":"SUPERSECRET"}}})",
         "keys.\"p\": missing \"added\""},
        {R"({"version":1,"keys":{"p":{"access_key_id":"A","secret_access_key":7,)"
         R"("added":"2026-01-01T00:00:00Z"}}})",
         "\"secret_access_key\" is not a string"},
        {R"({"version":1,"keys":{"p":{"access_key_id":"A","secret_access_key":"SUPERSECRET",)"
         R"("added":"yesterday"}}})",
         "\"added\" is not an RFC 3339 time"},
        {R"({"version":1,"sessions":{"s":{"profile":"p","secret_access_key":"SUPERSECRET"}}})",
         "sessions.\"s\": missing \"kind\""},
    };
    for (const Case& c : cases) {
        auto got = deserialize(c.doc);
        ASSERT_FALSE(got) << c.doc;
        EXPECT_NE(got.error().message.find(c.expected), std::string::npos) << got.error().message;
        EXPECT_EQ(got.error().message.find("SUPERSECRET"), std::string::npos) << got.error().message;
        EXPECT_EQ(got.error().hint.find("SUPERSECRET"), std::string::npos) << got.error().hint;
    }
}

TEST(VaultData, PruneExpiredDropsSessionsExpiringAtOrBeforeNowAndKeepsKeys) {
    const TimePoint now = at("2026-01-02T03:00:00Z");
    VaultData d;
    d.keys["prod"] = StoredKey{"AKIA", Secret("s"), now - 24h};
    d.sessions["past"] = session("a", now - 1s);
    d.sessions["exactly-now"] = session("b", now);
    d.sessions["future"] = session("c", now + 1s);
    d.prune_expired(now);
    ASSERT_EQ(d.sessions.size(), 1u);
    EXPECT_TRUE(d.sessions.contains("future"));
    EXPECT_TRUE(d.keys.contains("prod"));
}

TEST(VaultData, BinaryTimesATimePointCannotHoldAreClampedTo1970Through2262) {
    // An older sesame stored a credential_process's year 9999 wrapped around; 9999 itself, or
    // any 64 bits, must not overflow into nanoseconds (nor make the vault unreadable).
    using namespace std::chrono;
    const TimePoint latest = floor<seconds>(TimePoint::max());
    const int64_t year_9999 = 253402300799;
    struct Case {
        int64_t stored;
        TimePoint expected;
    } cases[] = {{year_9999, latest}, {INT64_MAX, latest},        {INT64_MIN, TimePoint{}},
                 {-1, TimePoint{}},   {-9223372036, TimePoint{}}, {1767323045, at("2026-01-02T03:04:05Z")}};
    for (const auto& c : cases) {
        std::string bin = serialize(VaultData{});
        bin.resize(bin.size() - 4);  // the session count, zero
        bytes::put_le(bin, 1, 4);
        for (const char* field : {"name", "profile", "kind", "ASIA", "secret", "token"})
            bytes::put_str(bin, field);
        bytes::put_le(bin, static_cast<uint64_t>(c.stored), 8);  // expiration
        bytes::put_le(bin, static_cast<uint64_t>(c.stored), 8);  // created
        bytes::put_str(bin, "");
        bytes::put_str(bin, "");
        auto got = deserialize(bin);
        ASSERT_TRUE(got) << c.stored << ": " << got.error().message;
        EXPECT_EQ(got->sessions.at("name").expiration, c.expected) << c.stored;
        EXPECT_EQ(got->sessions.at("name").created, c.expected) << c.stored;
    }
}

TEST(VaultData, DeeplyNestedJsonIsRefusedWithoutOverflowingTheStack) {
    // Wiping the parsed tree used to recurse once per level.
    const size_t depth = 300'000;
    for (const std::string& doc :
         {std::string(depth, '[') + std::string(depth, ']'),
          R"({"version":1,"keys":{"p":)" + std::string(depth, '[') + std::string(depth, ']') + "}}"}) {
        auto got = deserialize(doc);
        ASSERT_FALSE(got);
        EXPECT_NE(got.error().message.find("damaged"), std::string::npos) << got.error().message;
    }
}

}  // namespace
}  // namespace sesame
