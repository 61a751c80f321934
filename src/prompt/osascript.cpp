// The osascript driver (macOS's dialogs): as aws-vault's prompt/osascript.go, except that the
// question is an argument of the script rather than spliced into its text, so no quoting is
// needed. Not tested here (no macOS); the command line is unit-tested.

#include <string>
#include <vector>

#include "prompt/dialog.hpp"

namespace sesame {
namespace {

std::vector<std::string> dialog(std::string_view text, bool hidden) {
    return {"osascript",
            "-e",
            "on run argv",
            "-e",
            std::string("display dialog (item 1 of argv) default answer \"\"") +
                (hidden ? " with hidden answer" : "") +
                " with title \"sesame\" buttons {\"Cancel\", \"OK\"} default button \"OK\"",
            "-e",
            "return text returned of result",
            "-e",
            "end run",
            std::string(text)};
}

}  // namespace

PromptDriver osascript_driver() {
    return {.name = "osascript",
            .summary = "a macOS dialog (osascript's display dialog)",
            .program = "osascript",
            .make_prompt = make_dialog(
                "osascript", [](std::string_view text) { return dialog(text, false); },
                [](std::string_view text) { return dialog(text, true); }, false)};
}

}  // namespace sesame
