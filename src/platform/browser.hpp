#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/secret.hpp"
#include "platform/env.hpp"
#include "util/error.hpp"

namespace sesame {

/// The commands that may open `url` in a browser, in the order to try them: each entry of
/// $BROWSER (':'-separated, as xdg-utils and Python read it; words split on spaces; "%s" replaced
/// by the URL, else the URL appended), then the desktop's opener (xdg-open; open on macOS).
std::vector<std::vector<std::string>> browser_commands(const Env& env, std::string_view url);

/// Starts the first of browser_commands() that can be run and does not fail within `settle`
/// (an opener such as xdg-open exits at once; a browser started directly keeps running, and is
/// left to run). The URL reaches it as an argument, the only way these programs take one. The
/// child's stdout goes to our stderr, so our stdout stays the command's output. Returns the name of
/// the program that took the URL; the error lists what was tried, never the URL.
Result<std::string> open_in_browser(const Env& env, const Secret& url,
                                    std::chrono::milliseconds settle = std::chrono::milliseconds(2000));

}  // namespace sesame
