#include "crypto/totp.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/strings.hpp"

namespace sesame {
namespace {

using namespace std::chrono_literals;

std::string hex_of(const Sha1Digest& digest) {
    return hex(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

TimePoint unix_time(std::int64_t seconds) {
    return TimePoint{std::chrono::seconds{seconds}};
}

TEST(Sha1, MatchesTheFips180Vectors) {
    EXPECT_EQ(hex_of(sha1("")), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    EXPECT_EQ(hex_of(sha1("abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
    EXPECT_EQ(hex_of(sha1("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
              "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    EXPECT_EQ(hex_of(sha1(std::string(1000000, 'a'))), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    // Lengths around the padding boundary: 55 bytes fit one block, 56 need two.
    EXPECT_EQ(hex_of(sha1(std::string(55, 'a'))), "c1c8bbdc22796e28c0e15163d20899b65621d65a");
    EXPECT_EQ(hex_of(sha1(std::string(56, 'a'))), "c2db330f6083854c99d4b5bfb6e8f29f201be699");
    EXPECT_EQ(hex_of(sha1(std::string(64, 'a'))), "0098ba824b5c16427bd7a1122a5a442a25ec644d");
}

TEST(HmacSha1, MatchesRfc2202) {
    struct Case {
        std::string key;
        std::string data;
        std::string digest;
    };
    const std::vector<Case> cases = {
        {std::string(20, '\x0b'), "Hi There", "b617318655057264e28bc0b6fb378c8ef146be00"},
        {"Jefe", "what do ya want for nothing?", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
        {std::string(20, '\xaa'), std::string(50, '\xdd'), "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
        {std::string(
             "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17"
             "\x18\x19"),
         std::string(50, '\xcd'), "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
        {std::string(20, '\x0c'), "Test With Truncation", "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
        {std::string(80, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First",
         "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
        {std::string(80, '\xaa'), "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data",
         "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.data);
        EXPECT_EQ(hex_of(hmac_sha1(c.key, c.data)), c.digest);
    }
}

TEST(Hotp, MatchesRfc4226AppendixD) {
    const Secret key("12345678901234567890");
    const std::vector<std::string> expected = {"755224", "287082", "359152", "969429", "338314",
                                               "254676", "287922", "162583", "399871", "520489"};
    for (std::uint64_t counter = 0; counter < expected.size(); ++counter) {
        EXPECT_EQ(hotp_code(key, counter).reveal(), expected[counter]) << counter;
    }
}

TEST(Totp, MatchesRfc6238Sha1Vectors) {
    const Secret key("12345678901234567890");
    struct Case {
        std::int64_t time;
        std::string eight_digits;
    };
    const std::vector<Case> cases = {
        {59, "94287082"},         {1111111109, "07081804"}, {1111111111, "14050471"},
        {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.time);
        EXPECT_EQ(hotp_code(key, static_cast<std::uint64_t>(c.time / 30), 8).reveal(), c.eight_digits);
        // Six digits are the value mod 10^6: the last six of the eight. A TimePoint counts
        // nanoseconds in 64 bits, so it ends in 2262, before the last vector's year 2603.
        if (c.time < 9'000'000'000) {
            EXPECT_EQ(totp_code(key, unix_time(c.time)).reveal(), c.eight_digits.substr(2));
        }
    }
}

TEST(Totp, MatchesWithinTheWindowOnly) {
    const Secret key("12345678901234567890");
    const TimePoint now = unix_time(1111111111);  // step 37037037, code 050471
    const Secret current("050471");
    const Secret previous = totp_code(key, now - 30s);
    const Secret next = totp_code(key, now + 30s);
    const Secret two_back = totp_code(key, now - 60s);

    EXPECT_TRUE(totp_matches(key, current, now, 0));
    EXPECT_TRUE(totp_matches(key, Secret("050 471"), now, 0));
    EXPECT_FALSE(totp_matches(key, previous, now, 0));
    EXPECT_TRUE(totp_matches(key, previous, now, 1));
    EXPECT_TRUE(totp_matches(key, next, now, 1));
    EXPECT_FALSE(totp_matches(key, two_back, now, 1));
    EXPECT_TRUE(totp_matches(key, two_back, now, 2));
    EXPECT_FALSE(totp_matches(key, previous, now, -3));

    for (const char* bad : {"", "05047", "0504711", "05047a", "-50471", "050471\n"}) {
        EXPECT_FALSE(totp_matches(key, Secret(bad), now, 1)) << bad;
    }
}

TEST(Totp, StepsChangeEveryThirtySeconds) {
    const Secret key("12345678901234567890");
    EXPECT_EQ(totp_code(key, unix_time(1111111110)), totp_code(key, unix_time(1111111139)));
    EXPECT_NE(totp_code(key, unix_time(1111111139)), totp_code(key, unix_time(1111111140)));
    EXPECT_EQ(totp_code(key, unix_time(1111111109) + 999ms).reveal(), "081804");
}

TEST(Base32, DecodesRfc4648Vectors) {
    struct Case {
        std::string text;
        std::string bytes;
    };
    const std::vector<Case> cases = {
        {"MY======", "f"},
        {"MZXQ====", "fo"},
        {"MZXW6===", "foo"},
        {"MZXW6YQ=", "foob"},
        {"MZXW6YTB", "fooba"},
        {"MZXW6YTBOI======", "foobar"},
        {"mzxw6ytboi", "foobar"},
        {"MZXW 6YTB OI", "foobar"},
        {"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "12345678901234567890"},
        {"74======", "\xff"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        auto decoded = base32_decode(Secret(c.text));
        ASSERT_TRUE(decoded) << decoded.error().message;
        EXPECT_EQ(decoded->reveal(), c.bytes);
    }
}

TEST(Base32, RejectsWhatNoEncoderWritesWithoutShowingIt) {
    struct Case {
        std::string text;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"", "the MFA secret is empty"},
        {"  ==", "the MFA secret is empty"},
        {"MZXW1YTB", "the MFA secret is not base32: character 5 is not a letter or a digit 2-7"},
        {"MZXW-YTB", "the MFA secret is not base32: character 5 is not a letter or a digit 2-7"},
        {"MZXW6YTB\n", "the MFA secret is not base32: character 9 is not a letter or a digit 2-7"},
        {"MY==MY==", "the MFA secret is not base32: character 5 is after '=' padding"},
        {"M", "the MFA secret is not base32: 1 characters cannot encode whole bytes"},
        {"MZX", "the MFA secret is not base32: 3 characters cannot encode whole bytes"},
        {"MZXW6Y", "the MFA secret is not base32: 6 characters cannot encode whole bytes"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.text);
        auto decoded = base32_decode(Secret(c.text));
        ASSERT_FALSE(decoded);
        EXPECT_EQ(decoded.error().message, c.message);
        EXPECT_FALSE(decoded.error().hint.empty());
    }
}

TEST(Totp, WorksFromAnAwsStyleSeed) {
    // The RFC 6238 key, base32 encoded as AWS returns seeds.
    auto key = base32_decode(Secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"));
    ASSERT_TRUE(key);
    EXPECT_EQ(totp_code(*key, unix_time(1234567890)).reveal(), "005924");
}

}  // namespace
}  // namespace sesame
