#include "crypto/hash.hpp"

#include <gtest/gtest.h>

#include <string>

#include "util/strings.hpp"

namespace sesame {
namespace {

TEST(Sha256, KnownVectors) {
    struct Case {
        std::string input;
        std::string expected_hex;
    };
    const Case cases[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        // Embedded NULs and every byte value: the input is bytes, not a C string.
        {[] {
             std::string all;
             for (int round = 0; round < 4; ++round)
                 for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
             return all;
         }(),
         "785b0751fc2c53dc14a4ce3d800e69ef9ce1009eb327ccf458afe09c242c26c9"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.expected_hex);
        std::string raw = sha256(c.input);
        EXPECT_EQ(raw.size(), 32u);
        EXPECT_EQ(hex(raw), c.expected_hex);
        EXPECT_EQ(sha256_hex(c.input), c.expected_hex);
    }
}

TEST(HmacSha256, Rfc4231Vectors) {
    struct Case {
        const char* name;
        std::string key;
        std::string data;
        std::string expected_hex;
    };
    const Case cases[] = {
        {"RFC 4231 case 1", std::string(20, '\x0b'), "Hi There",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"RFC 4231 case 2", "Jefe", "what do ya want for nothing?",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {"RFC 4231 case 6 (131-byte key)", std::string(131, '\xaa'),
         "Test Using Larger Than Block-Size Key - Hash Key First",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {"empty key and data", "", "", "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        std::string raw = hmac_sha256(c.key, c.data);
        EXPECT_EQ(raw.size(), 32u);
        EXPECT_EQ(hex(raw), c.expected_hex);
    }
}

}  // namespace
}  // namespace sesame
