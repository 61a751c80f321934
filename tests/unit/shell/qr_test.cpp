#include "shell/qr.hpp"

#include <gtest/gtest.h>
#include <qrencode.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "../temp_dir.hpp"
#include "util/strings.hpp"

namespace sesame {
namespace {

/// The characters of one rendered line (each ' ' or a 3-byte half/full block).
std::vector<std::string> cells(std::string_view line) {
    std::vector<std::string> out;
    for (size_t i = 0; i < line.size();) {
        size_t len = line[i] == ' ' ? 1 : 3;
        out.emplace_back(line.substr(i, len));
        i += len;
    }
    return out;
}

/// Which halves of a cell are drawn.
std::pair<bool, bool> halves(const std::string& cell) {
    if (cell == " ") return {false, false};
    if (cell == "\u2580") return {true, false};
    if (cell == "\u2584") return {false, true};
    if (cell == "\u2588") return {true, true};
    ADD_FAILURE() << "unexpected character \"" << cell << "\"";
    return {false, false};
}

QrMatrix matrix(int size, std::string modules) {
    for (char& c : modules) c = c == '#' ? 1 : 0;
    return QrMatrix(size, Secret(std::move(modules)));
}

TEST(RenderQrMatrix, DrawsTwoRowsPerLineInsideAFourModuleQuietZone) {
    // 3x3: dark diagonal from the top left, plus the top right corner.
    QrMatrix m = matrix(3,
                        "#.#"
                        ".#."
                        "..#");
    const std::string light =  // shapes = light modules (dark themes)
        "███████████\n"
        "███████████\n"
        "████▄▀▄████\n"
        "██████▄████\n"
        "███████████\n"
        "▀▀▀▀▀▀▀▀▀▀▀\n";
    const std::string dark =  // shapes = dark modules (light themes)
        "           \n"
        "           \n"
        "    ▀▄▀    \n"
        "      ▀    \n"
        "           \n"
        "           \n";
    EXPECT_EQ(render_qr_matrix(m), light);
    EXPECT_EQ(render_qr_matrix(m, QrInk::light_modules), light);
    EXPECT_EQ(render_qr_matrix(m, QrInk::dark_modules), dark);
}

TEST(QrEncode, PicksTheSmallestVersionAtLevelM) {
    auto small = qr_encode(Secret("HELLO"));
    ASSERT_TRUE(small) << small.error().message;
    EXPECT_EQ(small->size(), 21);  // version 1

    // Version 1-M holds 14 bytes; 15 need version 2.
    auto fifteen = qr_encode(Secret(std::string(15, 'x')));
    ASSERT_TRUE(fifteen);
    EXPECT_EQ(fifteen->size(), 25);

    auto too_long = qr_encode(Secret(std::string(3000, 'x')));
    ASSERT_FALSE(too_long);
    EXPECT_EQ(too_long.error().message, "the text is too long for a QR code");
}

TEST(RenderQr, ShowsExactlyLibqrencodesModules) {
    const std::string text = otpauth_uri("AWS", "alice@123456789012", Secret("JBSWY3DPEHPK3PXP")).reveal();
    std::unique_ptr<QRcode, void (*)(QRcode*)> reference(
        QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), QRcode_free);
    ASSERT_NE(reference, nullptr);
    const int size = reference->width;
    auto reference_dark = [&](int x, int y) {
        return x >= 0 && y >= 0 && x < size && y < size && (reference->data[y * size + x] & 1) != 0;
    };

    for (QrInk ink : {QrInk::light_modules, QrInk::dark_modules}) {
        SCOPED_TRACE(ink == QrInk::light_modules ? "light_modules" : "dark_modules");
        auto rendered = render_qr(Secret(text), ink);
        ASSERT_TRUE(rendered) << rendered.error().message;
        std::vector<std::string> lines = split(rendered->reveal(), '\n');
        ASSERT_EQ(lines.back(), "");  // every line ends in '\n'
        lines.pop_back();
        ASSERT_EQ(static_cast<int>(lines.size()), (size + 9) / 2);

        const bool draws_dark = ink == QrInk::dark_modules;
        for (int row = 0; row < static_cast<int>(lines.size()); ++row) {
            auto line = cells(lines[row]);
            ASSERT_EQ(static_cast<int>(line.size()), size + 8) << "line " << row;
            for (int col = 0; col < size + 8; ++col) {
                auto [upper, lower] = halves(line[col]);
                int x = col - 4, y = 2 * row - 4;
                EXPECT_EQ(upper, reference_dark(x, y) == draws_dark) << x << "," << y;
                // Below the quiet zone the lower half is outside the picture: blank.
                bool inside = y + 1 < size + 4;
                EXPECT_EQ(lower, inside && reference_dark(x, y + 1) == draws_dark) << x << "," << y + 1;
            }
        }
    }
}

/// The picture a terminal shows for `rendered`, as a plain PBM image (1 = black): the shapes in
/// the foreground colour, the rest and a margin in the background colour, 4 pixels a module.
std::string terminal_picture(const std::string& rendered, bool dark_theme) {
    constexpr int k_scale = 4, k_margin = 8;
    const bool fg_black = !dark_theme;
    std::vector<std::vector<bool>> drawn;  // by module row
    for (const std::string& line : split(rendered, '\n')) {
        if (line.empty()) continue;
        std::vector<bool> upper, lower;
        for (const auto& cell : cells(line)) {
            auto [u, l] = halves(cell);
            upper.push_back(u);
            lower.push_back(l);
        }
        drawn.push_back(std::move(upper));
        drawn.push_back(std::move(lower));
    }
    const size_t width = drawn.front().size() + 2 * k_margin, height = drawn.size() + 2 * k_margin;
    std::string pbm =
        "P1\n" + std::to_string(width * k_scale) + " " + std::to_string(height * k_scale) + "\n";
    for (size_t y = 0; y < height * k_scale; ++y) {
        for (size_t x = 0; x < width * k_scale; ++x) {
            size_t mx = x / k_scale, my = y / k_scale;
            bool inside = mx >= k_margin && my >= k_margin && mx - k_margin < drawn.front().size() &&
                          my - k_margin < drawn.size();
            bool shape = inside && drawn[my - k_margin][mx - k_margin];
            pbm += (shape == fg_black) ? "1 " : "0 ";
        }
        pbm += '\n';
    }
    return pbm;
}

/// What zbarimg reads in the image at `path`, or nullopt without zbarimg.
std::optional<std::string> zbar_scan(const std::string& path) {
    if (std::system("command -v zbarimg >/dev/null 2>&1") != 0) return std::nullopt;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(
        popen(("zbarimg -q --raw " + path + " 2>/dev/null").c_str(), "r"), pclose);
    std::string out;
    char buffer[256];
    while (pipe && std::fgets(buffer, sizeof buffer, pipe.get())) out += buffer;
    return out;
}

TEST(RenderQr, ScansBackOnTheThemeItsInkIsFor) {
    testing::TempDir dir;
    const Secret uri =
        otpauth_uri("sesame", "alice@123456789012", Secret("2K5K5XTLA7GGE75TQLYEXAMPLEEXAMPLE"));
    for (QrInk ink : {QrInk::light_modules, QrInk::dark_modules}) {
        const bool dark_theme = ink == QrInk::light_modules;
        SCOPED_TRACE(dark_theme ? "dark theme" : "light theme");
        auto rendered = render_qr(uri, ink);
        ASSERT_TRUE(rendered) << rendered.error().message;
        const std::string path = dir / "qr.pbm";
        std::ofstream(path) << terminal_picture(rendered->reveal(), dark_theme);

        auto scanned = zbar_scan(path);
        if (!scanned)
            GTEST_SKIP() << "zbarimg (Debian: zbar-tools) is not installed; not scanning the QR code";
        EXPECT_EQ(*scanned, uri.reveal() + "\n");
    }
}

TEST(OtpauthUri, PercentEncodesTheLabelAndCleansTheSeed) {
    struct Case {
        std::string issuer;
        std::string account;
        std::string seed;
        std::string uri;
    };
    const std::vector<Case> cases = {
        {"AWS", "alice@123456789012", "JBSWY3DPEHPK3PXP",
         "otpauth://totp/AWS:alice%40123456789012?secret=JBSWY3DPEHPK3PXP&issuer=AWS"},
        {"Amazon Web Services", "arn:aws:iam::123456789012:mfa/alice", "jbsw y3dp ehpk 3pxp====",
         "otpauth://totp/Amazon%20Web%20Services:arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice"
         "?secret=JBSWY3DPEHPK3PXP&issuer=Amazon%20Web%20Services"},
        {"a&b=c?d#é", "x", "AB",
         "otpauth://totp/a%26b%3Dc%3Fd%23%C3%A9:x?secret=AB&issuer=a%26b%3Dc%3Fd%23%C3%A9"},
        {"", "bob", "AB", "otpauth://totp/bob?secret=AB"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.uri);
        EXPECT_EQ(otpauth_uri(c.issuer, c.account, Secret(c.seed)).reveal(), c.uri);
    }
}

}  // namespace
}  // namespace sesame
