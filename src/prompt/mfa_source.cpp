#include "prompt/mfa_source.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>

#include "util/strings.hpp"

namespace sesame {

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
            if (is_cancel(answer.error())) return std::unexpected(std::move(answer.error()));
            return fail(
                fmt::format("an MFA code for {} is needed, but there is no terminal to ask on", serial),
                "pass it with --mfa-token CODE");
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

const std::vector<PromptDriver>& prompt_drivers() {
    static const std::vector<PromptDriver> drivers{
        {"terminal", "asks on the terminal (/dev/tty), even while stdout is captured",
         [](Prompt& terminal) { return std::make_unique<PromptMfaSource>(terminal); }},
    };
    return drivers;
}

Result<std::unique_ptr<MfaCodeSource>> make_mfa_source(std::string_view name, Prompt& terminal) {
    std::vector<std::string> names;
    for (const auto& d : prompt_drivers()) {
        if (d.name == name) return d.make(terminal);
        names.emplace_back(d.name);
    }
    std::string guess = closest_match(std::string(name), names);
    return fail(fmt::format("there is no prompt driver \"{}\"", name),
                guess.empty() ? fmt::format("choose one of: {}", fmt::join(names, ", "))
                              : fmt::format("did you mean \"{}\"?", guess));
}

}  // namespace sesame
