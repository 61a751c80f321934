#include "shell/qr.hpp"

#include <dlfcn.h>
#include <qrencode.h>
#include <sodium.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "util/strings.hpp"

namespace sesame {

namespace {

constexpr int k_quiet_zone = 4;

constexpr std::string_view k_blank = " ";
constexpr std::string_view k_upper = "\u2580";  // ▀
constexpr std::string_view k_lower = "\u2584";  // ▄
constexpr std::string_view k_full = "\u2588";   // █

}  // namespace

Secret otpauth_uri(std::string_view issuer, std::string_view account, const Secret& base32_seed) {
    std::string seed;
    seed.reserve(base32_seed.size());
    for (char c : base32_seed.reveal())
        if (c != ' ' && c != '=')
            seed.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    Secret clean_seed(std::move(seed));

    const std::string label_issuer = issuer.empty() ? "" : uri_encode(issuer) + ":";
    const std::string issuer_param = issuer.empty() ? "" : "&issuer=" + uri_encode(issuer);
    const std::string label = "otpauth://totp/" + label_issuer + uri_encode(account) + "?secret=";
    std::string uri;
    uri.reserve(label.size() + clean_seed.size() + issuer_param.size());  // one buffer: no stray copies
    uri += label;
    uri += clean_seed.reveal();
    uri += issuer_param;
    return Secret(std::move(uri));
}

namespace {

/// libqrencode, loaded on first use: only `mfa-setup` draws QR codes, and Debian ships no static
/// archive of it, so linking it would add a library load to every sesame start.
struct QrencodeLib {
    decltype(&QRcode_encodeString) encode = nullptr;
    decltype(&QRcode_free) free = nullptr;
    decltype(&QRcode_APIVersionString) version = nullptr;
};

Result<QrencodeLib> load_qrencode() {
    static void* handle = ::dlopen("libqrencode.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!handle)
        return fail("cannot draw the QR code: libqrencode is missing", "apt-get install libqrencode4");
    QrencodeLib lib;
    lib.encode = reinterpret_cast<decltype(lib.encode)>(::dlsym(handle, "QRcode_encodeString"));
    lib.free = reinterpret_cast<decltype(lib.free)>(::dlsym(handle, "QRcode_free"));
    lib.version = reinterpret_cast<decltype(lib.version)>(::dlsym(handle, "QRcode_APIVersionString"));
    if (!lib.encode || !lib.free || !lib.version)
        return fail("cannot draw the QR code: libqrencode.so.4 lacks the functions sesame uses");
    return lib;
}

}  // namespace

Result<std::string> qrencode_version() {
    auto lib = load_qrencode();
    if (!lib) return std::unexpected(lib.error());
    return std::string(lib->version());
}

Result<QrMatrix> qr_encode(const Secret& text) {
    if (text.reveal().find('\0') != std::string::npos)
        return fail("cannot show text with a NUL byte as a QR code");
    auto lib = load_qrencode();
    if (!lib) return std::unexpected(lib.error());
    errno = 0;
    QRcode* code = lib->encode(text.reveal().c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (code == nullptr) {
        if (errno == ERANGE) return fail("the text is too long for a QR code");
        return fail(std::string("cannot make a QR code: ") + std::strerror(errno));
    }
    const int size = code->width;
    const size_t count = static_cast<size_t>(size) * static_cast<size_t>(size);
    std::string modules(count, '\0');
    // Bit 0 of each libqrencode byte is the module's colour; the other bits describe its role.
    for (size_t i = 0; i < count; ++i) modules[i] = static_cast<char>(code->data[i] & 1);
    sodium_memzero(code->data, count);
    lib->free(code);
    return QrMatrix(size, Secret(std::move(modules)));
}

std::string render_qr_matrix(const QrMatrix& matrix, QrInk ink) {
    const int first = -k_quiet_zone, last = matrix.size() + k_quiet_zone;  // [first, last)
    const bool draw_dark = ink == QrInk::dark_modules;
    const int width = last - first, lines = (width + 1) / 2;
    std::string out;
    out.reserve(static_cast<size_t>(lines) * (static_cast<size_t>(width) * k_full.size() + 1));
    for (int y = first; y < last; y += 2) {
        for (int x = first; x < last; ++x) {
            bool upper = matrix.dark(x, y) == draw_dark;
            bool lower = y + 1 < last && matrix.dark(x, y + 1) == draw_dark;
            out += upper ? (lower ? k_full : k_upper) : (lower ? k_lower : k_blank);
        }
        out += '\n';
    }
    return out;
}

Result<Secret> render_qr(const Secret& text, QrInk ink) {
    auto matrix = qr_encode(text);
    if (!matrix) return std::unexpected(std::move(matrix.error()));
    return Secret(render_qr_matrix(*matrix, ink));
}

}  // namespace sesame
