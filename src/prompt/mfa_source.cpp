#include "prompt/mfa_source.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>

#include "util/strings.hpp"

namespace sesame {

// Each driver's own file (prompt/<name>.cpp) defines its entry.
PromptDriver ykman_driver();
PromptDriver zenity_driver();
PromptDriver kdialog_driver();
PromptDriver osascript_driver();

namespace {

constexpr std::string_view k_no_prompt_hint =
    "give the code with --mfa-token CODE, choose a prompt driver with --prompt (or SESAME_PROMPT): "
    "ykman, zenity, kdialog; or set mfa_process in the profile to a command that prints the code";

}  // namespace

Result<void> check_mfa_code(const Secret& code, std::string_view serial) {
    const auto& c = code.reveal();
    bool digits = std::all_of(c.begin(), c.end(), [](unsigned char ch) { return std::isdigit(ch) != 0; });
    if (c.size() != 6 || !digits) {
        return fail(fmt::format("MFA code for {} must be 6 digits", serial),
                    "enter the current code from your authenticator app or device");
    }
    return {};
}

Result<Secret> PromptMfaSource::code_for(std::string_view serial) {
    constexpr int k_tries = 3;
    for (int attempt = 1;; ++attempt) {
        auto answer = m_prompt.ask(fmt::format("Enter MFA code for {}: ", serial));
        if (!answer) {
            // A dialog that failed says why itself; only a missing terminal needs explaining.
            if (is_cancel(answer.error()) || m_prompt.can_ask())
                return std::unexpected(std::move(answer.error()));
            return fail(
                fmt::format("an MFA code for {} is needed, but there is no terminal to ask on", serial),
                std::string(k_no_prompt_hint));
        }
        Secret code(std::string(trim(*answer)));
        auto checked = check_mfa_code(code, serial);
        if (checked) return code;
        if (attempt == k_tries) return std::unexpected(std::move(checked.error()));
        m_prompt.tell("An MFA code is 6 digits; try again.");
    }
}

bool PromptMfaSource::ask_again(std::string_view serial) {
    m_prompt.tell(
        fmt::format("AWS refused that code for {} (a code works once, for about 30 seconds); "
                    "wait for the next one.",
                    serial));
    return true;
}

Result<Secret> MfaUnavailable::code_for(std::string_view serial) {
    return fail(fmt::format("an MFA code for {} is needed, but {}", serial, m_why.message), m_why.hint);
}

const std::vector<PromptDriver>& prompt_drivers() {
    static const std::vector<PromptDriver> drivers{
        {.name = "terminal", .summary = "asks on the terminal (/dev/tty), even while stdout is captured"},
        ykman_driver(),
        zenity_driver(),
        kdialog_driver(),
        osascript_driver(),
    };
    return drivers;
}

Result<MadeDriver> make_prompt_driver(std::string_view name, DriverContext& context) {
    std::vector<std::string> names;
    for (const auto& d : prompt_drivers()) {
        if (d.name != name) {
            names.emplace_back(d.name);
            continue;
        }
        MadeDriver made;
        made.driver = &d;
        if (d.make_prompt) made.prompt = d.make_prompt(context);
        made.mfa = d.make_mfa
                       ? d.make_mfa(context)
                       : std::make_unique<PromptMfaSource>(made.prompt ? *made.prompt : context.terminal);
        return made;
    }
    std::string guess = closest_match(std::string(name), names);
    return fail(fmt::format("there is no prompt driver \"{}\"", name),
                guess.empty() ? fmt::format("choose one of: {}", fmt::join(names, ", "))
                              : fmt::format("did you mean \"{}\"?", guess));
}

Result<std::string_view> choose_prompt_driver(std::string_view setting, const PromptSurroundings& around) {
    if (setting != "auto") return setting;
    if (around.terminal) return std::string_view("terminal");
    std::vector<std::string> dialogs;
    for (const auto& d : prompt_drivers()) {
        if (!d.automatic) continue;
        if (around.display && around.installed(d.program)) return d.name;
        dialogs.emplace_back(d.program);
    }
    return fail(around.display
                    ? fmt::format("there is no terminal to ask on, and no dialog program ({}) is installed",
                                  fmt::join(dialogs, ", "))
                    : std::string("there is no terminal to ask on, and no display (DISPLAY, WAYLAND_DISPLAY) "
                                  "for a dialog"),
                std::string(k_no_prompt_hint));
}

}  // namespace sesame
