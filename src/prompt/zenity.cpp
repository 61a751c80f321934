// The zenity driver (GNOME's dialogs, X11 or Wayland): as aws-vault's prompt/zenity.go.

#include <string>
#include <vector>

#include "prompt/dialog.hpp"

namespace sesame {

PromptDriver zenity_driver() {
    // The passphrase is asked with --entry --hide-text rather than --password: zenity's password
    // dialog shows no text, and the question (and "Wrong passphrase; try again.") must be seen.
    auto entry = [](std::string_view text) {
        return std::vector<std::string>{"zenity", "--entry", "--title",
                                        "sesame", "--text",  std::string(text)};
    };
    auto password = [](std::string_view text) {
        return std::vector<std::string>{"zenity", "--entry", "--hide-text",    "--title",
                                        "sesame", "--text",  std::string(text)};
    };
    return {.name = "zenity",
            .summary = "a GNOME dialog (zenity --entry), for a desktop without a terminal",
            .program = "zenity",
            .automatic = true,
            .make_prompt = make_dialog("zenity", entry, password)};
}

}  // namespace sesame
