#include "crypto/libcrypto.hpp"

#include <gtest/gtest.h>

#include <string>

namespace sesame {
namespace {

std::string unhex(std::string_view hex) {
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

std::string hex(const std::string& bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        out.push_back(digits[c >> 4]);
        out.push_back(digits[c & 15]);
    }
    return out;
}

// RFC 7914 §11 (PBKDF2-HMAC-SHA256), both vectors.
TEST(LibCrypto, Pbkdf2HmacSha256Rfc7914Vectors) {
    auto one = pbkdf2_hmac_sha256("passwd", "salt", 1, 64);
    ASSERT_TRUE(one) << one.error().message;
    EXPECT_EQ(hex(one->reveal()),
              "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
              "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    auto many = pbkdf2_hmac_sha256("Password", "NaCl", 80000, 64);
    ASSERT_TRUE(many);
    EXPECT_EQ(hex(many->reveal()),
              "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
              "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

struct UnwrapCase {
    const char* kek;
    const char* wrapped;
    const char* key;
};

// RFC 3394 §4.1 (128-bit KEK, 128-bit key) and §4.6 (256-bit KEK, 256-bit key).
TEST(LibCrypto, AesKeyUnwrapRfc3394Vectors) {
    const UnwrapCase cases[] = {
        {"000102030405060708090A0B0C0D0E0F", "1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5",
         "00112233445566778899aabbccddeeff"},
        {"000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F",
         "28C9F404C4B810F4CBCCB35CFB87F8263F5786E2D80ED326CBC7F0E71A99F43BFB988B9B7A02DD21",
         "00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f"},
    };
    for (const auto& c : cases) {
        auto key = aes_key_unwrap(Secret(unhex(c.kek)), unhex(c.wrapped));
        ASSERT_TRUE(key) << key.error().message;
        EXPECT_EQ(hex(key->reveal()), c.key);
    }
}

TEST(LibCrypto, AesKeyUnwrapWithTheWrongKeyFailsItsIntegrityCheck) {
    auto key = aes_key_unwrap(Secret(unhex("000102030405060708090A0B0C0D0E0E")),
                              unhex("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5"));
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().exit_code, k_integrity_exit_code);
    EXPECT_FALSE(aes_key_unwrap(Secret(std::string(15, 'k')), std::string(24, 'w')));
    EXPECT_FALSE(aes_key_unwrap(Secret(std::string(16, 'k')), std::string(20, 'w')));
}

// The GCM specification's test case 14 (AES-256, zero key and IV, one zero block); then the
// same with a byte of the tag, the ciphertext or the additional data changed.
TEST(LibCrypto, Aes256GcmDecryptsTheSpecVectorAndRefusesAnyChange) {
    const Secret key(std::string(32, '\0'));
    const std::string iv(12, '\0');
    const std::string ct = unhex("cea7403d4d606b6e074ec5d3baf39d18");
    const std::string tag = unhex("d0d1c8a799996bf0265b98b5d48ab919");
    auto plain = aes256_gcm_decrypt(key, iv, "", ct, tag);
    ASSERT_TRUE(plain) << plain.error().message;
    EXPECT_EQ(plain->reveal(), std::string(16, '\0'));

    std::string bad_tag = tag;
    bad_tag[0] ^= 1;
    auto forged = aes256_gcm_decrypt(key, iv, "", ct, bad_tag);
    ASSERT_FALSE(forged);
    EXPECT_EQ(forged.error().exit_code, k_integrity_exit_code);
    std::string bad_ct = ct;
    bad_ct[5] ^= 0x80;
    EXPECT_FALSE(aes256_gcm_decrypt(key, iv, "", bad_ct, tag));
    EXPECT_FALSE(aes256_gcm_decrypt(key, iv, "aad", ct, tag));
    EXPECT_FALSE(aes256_gcm_decrypt(Secret(std::string(16, '\0')), iv, "", ct, tag));
}

}  // namespace
}  // namespace sesame
