#pragma once

#include <string>
#include <string_view>

#include "crypto/secret.hpp"
#include "util/error.hpp"

namespace sesame {

/// "otpauth://totp/ISSUER:ACCOUNT?secret=SEED&issuer=ISSUER", the Key URI format authenticator
/// apps scan. Issuer and account are percent-encoded (RFC 3986: all but A-Z a-z 0-9 - . _ ~);
/// the seed is base32 with spaces and '=' padding dropped and letters upper-cased. The defaults
/// (SHA1, 6 digits, 30 s) are what AWS uses, so they are left out. No issuer: label and
/// parameter are left out. A Secret: it carries the seed.
Secret otpauth_uri(std::string_view issuer, std::string_view account, const Secret& base32_seed);

/// A QR symbol's modules. A Secret inside: the modules are the encoded text in another form.
class QrMatrix {
  public:
    /// `modules` holds size*size bytes, row by row, 1 for dark and 0 for light.
    QrMatrix(int size, Secret modules) : m_size(size), m_modules(std::move(modules)) {}

    int size() const { return m_size; }
    /// Whether the module at column x, row y is dark; outside the symbol (the quiet zone) it is not.
    bool dark(int x, int y) const {
        return x >= 0 && y >= 0 && x < m_size && y < m_size && m_modules.reveal()[y * m_size + x] != 0;
    }

  private:
    int m_size;
    Secret m_modules;
};

/// libqrencode's version ("4.1.1"), loading it as drawing a code would; the error says why it
/// cannot be used. For `sesame --version`.
Result<std::string> qrencode_version();

/// Encodes `text` with libqrencode as 8-bit data, error correction M, the smallest version that
/// holds it. Fails when the text is too long for any version.
Result<QrMatrix> qr_encode(const Secret& text);

/// Which modules the characters draw. A terminal draws a character's shape in its foreground
/// colour on its background colour, so plain characters cannot come out dark-on-light on both
/// dark and light themes: one of the two needs the other mapping.
enum class QrInk {
    light_modules,  ///< shapes are the light modules and the quiet zone, blank cells the dark
                    ///< ones: dark-on-light on dark themes (light text), the usual terminal
    dark_modules,   ///< shapes are the dark modules: dark-on-light on light themes (dark text)
};

/// Draws the matrix with a 4-module quiet zone using ' ', '▀', '▄' and '█', each character two
/// modules high (upper half: the even row) and one wide; no colour or reverse-video escapes.
/// Lines end in '\n'; each is size + 8 characters wide, and there are (size + 9) / 2 of them (QR
/// sizes are odd, so the lower half of the last line is left blank: outside the picture).
std::string render_qr_matrix(const QrMatrix& matrix, QrInk ink = QrInk::light_modules);

/// qr_encode then render_qr_matrix; a Secret because it shows `text` to anyone with a camera.
Result<Secret> render_qr(const Secret& text, QrInk ink = QrInk::light_modules);

}  // namespace sesame
