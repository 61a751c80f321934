#include "cli/version.hpp"

#include <fmt/format.h>

#include "app/settings.hpp"
#include "aws/curl_http.hpp"
#include "shell/qr.hpp"

namespace sesame {

std::string version_report(Context& ctx) {
    std::string out = fmt::format("sesame {} (commit {})\n", SESAME_VERSION, k_git_commit);
    auto part = [&](std::string_view name, const Result<std::string>& found, std::string_view use,
                    std::string_view without) {
        if (found)
            out += fmt::format("  {:<12} {} ({})\n", name, *found, use);
        else
            out += fmt::format("  {:<12} not available: {} ({}; {})\n", name, found.error().message, without,
                               found.error().hint);
    };
    part("libcurl", curl_library_version(), "loaded when sesame calls AWS", "only cached sessions work");
    part("libqrencode", qrencode_version(), "loaded by mfa-setup to draw the QR code",
         "mfa-setup shows the secret as text only");

    // run_app refuses --version too while a setting is bad; said here anyway, never thrown.
    auto choice = choice_setting(ctx.env(), "SESAME_KEY_CACHE");
    if (!choice)
        out += fmt::format("  {:<12} unknown: {}\n", "key cache", choice.error().message);
    else if (KeyCache* cache = ctx.key_cache())
        out += fmt::format("  {:<12} {} (SESAME_KEY_CACHE={})\n", "key cache", cache->describe(), *choice);
    else
        out += fmt::format(
            "  {:<12} none: every command asks for the passphrase (SESAME_KEY_CACHE={}; "
            "`sesame status` says why)\n",
            "key cache", *choice);
    return out;
}

}  // namespace sesame
