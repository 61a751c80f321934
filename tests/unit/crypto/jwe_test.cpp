#include "crypto/jwe.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sesame {
namespace {

#include "jwe_vectors.inc"

// A JWE that Python's `cryptography` made as 99designs/keyring's file backend makes one
// (gen_jwe_vectors.py): sesame reads back the item, byte for byte.
TEST(Jwe, DecryptsWhatAnIndependentImplementationWrote) {
    auto plain = decrypt_pbes2_jwe(k_jwe_token, Secret(k_jwe_passphrase));
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_EQ(plain->reveal(), k_jwe_item);
    // A trailing newline (a file edited by hand) is no part of the token.
    auto with_newline = decrypt_pbes2_jwe(std::string(k_jwe_token) + "\n", Secret(k_jwe_passphrase));
    ASSERT_TRUE(with_newline);
    EXPECT_EQ(with_newline->reveal(), k_jwe_item);
}

TEST(Jwe, PassphrasesAreUtf8Bytes) {
    auto plain = decrypt_pbes2_jwe(k_jwe_unicode_token, Secret("pässwörd ✓"));
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_EQ(plain->reveal(), "{\"k\":\"é\"}");
}

TEST(Jwe, AWrongPassphraseIsToldApart) {
    auto plain = decrypt_pbes2_jwe(k_jwe_token, Secret("correct horse battery stapler"));
    ASSERT_FALSE(plain);
    EXPECT_TRUE(is_wrong_passphrase(plain.error()));
    EXPECT_EQ(plain.error().message, "wrong passphrase");
    auto empty = decrypt_pbes2_jwe(k_jwe_token, Secret(""));
    ASSERT_FALSE(empty);
    EXPECT_TRUE(is_wrong_passphrase(empty.error()));
}

std::string replace_part(const std::string& token, int index, const std::string& part) {
    size_t start = 0;
    for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
    size_t end = token.find('.', start);
    return token.substr(0, start) + part + (end == std::string::npos ? "" : token.substr(end));
}

std::string b64url(const std::string& text) {
    static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    unsigned value = 0;
    int bits = 0;
    for (unsigned char c : text) {
        value = (value << 8) | c;
        bits += 8;
        while (bits >= 6) {
            out.push_back(alphabet[(value >> (bits - 6)) & 63]);
            bits -= 6;
        }
    }
    if (bits > 0) out.push_back(alphabet[(value << (6 - bits)) & 63]);
    return out;
}

TEST(Jwe, DamagedOrForeignTokensAreRefusedWithoutQuotingThem) {
    const std::string token = k_jwe_token;
    const Secret pass(k_jwe_passphrase);
    struct Case {
        std::string token;
        std::string fragment;
    };
    std::string flipped_tag = token;
    flipped_tag[flipped_tag.size() - 3] = flipped_tag[flipped_tag.size() - 3] == 'A' ? 'B' : 'A';
    std::string flipped_ct = token;
    const size_t ct_at = token.find('.', token.find('.', token.find('.') + 1) + 1) + 5;
    flipped_ct[ct_at] = flipped_ct[ct_at] == 'A' ? 'B' : 'A';
    const Case cases[] = {
        {"not.a.jwe", "not a JWE in compact form (it has 3 parts"},
        {token.substr(0, token.rfind('.')), "has 4 parts"},
        {flipped_tag, "authentication tag does not match"},
        {flipped_ct, "authentication tag does not match"},
        {replace_part(token, 0, b64url(R"({"alg":"dir","enc":"A256GCM"})")), "alg is \"dir\""},
        {replace_part(token, 0, b64url(R"({"alg":"PBES2-HS256+A128KW","enc":"A128GCM","p2c":1,"p2s":"AA"})")),
         "enc is \"A128GCM\""},
        {replace_part(token, 0, b64url(R"({"alg":"PBES2-HS256+A128KW","enc":"A256GCM","p2s":"AA"})")),
         "no p2c"},
        {replace_part(token, 0,
                      b64url(R"({"alg":"PBES2-HS256+A128KW","enc":"A256GCM","p2c":310001,"p2s":"AA"})")),
         "p2c (310001) is not between 1 and 310000"},
        {replace_part(token, 0, b64url(R"({"alg":"PBES2-HS256+A128KW","enc":"A256GCM","p2c":8192})")),
         "no valid p2s"},
        {replace_part(
             token, 0,
             b64url(R"({"alg":"PBES2-HS256+A128KW","enc":"A256GCM","p2c":8192,"p2s":"AA","zip":"DEF"})")),
         "compressed"},
        {replace_part(token, 0, "!!"), "header is not base64url"},
        {replace_part(token, 0, b64url("[1]")), "not a JSON object"},
        {replace_part(token, 2, "AAAA"), "IV or tag has the wrong size"},
    };
    for (const auto& c : cases) {
        auto plain = decrypt_pbes2_jwe(c.token, pass);
        ASSERT_FALSE(plain) << c.fragment;
        EXPECT_NE(plain.error().message.find(c.fragment), std::string::npos) << plain.error().message;
        EXPECT_FALSE(is_wrong_passphrase(plain.error())) << c.fragment;
        EXPECT_EQ(plain.error().message.find(token.substr(0, 20)), std::string::npos);
    }
}

TEST(Jwe, Base64Decoders) {
    EXPECT_EQ(base64url_decode("_-8"), "\xff\xef");
    EXPECT_EQ(base64url_decode("_-8="), "\xff\xef");
    EXPECT_FALSE(base64url_decode("/+8"));
    EXPECT_EQ(base64_decode("/+8="), "\xff\xef");
    EXPECT_FALSE(base64_decode("_-8="));
    EXPECT_EQ(base64_decode(""), "");
}

}  // namespace
}  // namespace sesame
