// The kdialog driver (KDE's dialogs): as aws-vault's prompt/kdialog.go.

#include <string>
#include <vector>

#include "prompt/dialog.hpp"

namespace sesame {

PromptDriver kdialog_driver() {
    auto entry = [](std::string_view text) {
        return std::vector<std::string>{"kdialog", "--title", "sesame", "--inputbox", std::string(text)};
    };
    auto password = [](std::string_view text) {
        return std::vector<std::string>{"kdialog", "--title", "sesame", "--password", std::string(text)};
    };
    return {.name = "kdialog",
            .summary = "a KDE dialog (kdialog --inputbox), for a desktop without a terminal",
            .program = "kdialog",
            .automatic = true,
            .make_prompt = make_dialog("kdialog", entry, password)};
}

}  // namespace sesame
