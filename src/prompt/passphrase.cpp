#include "prompt/passphrase.hpp"

#include <fmt/format.h>

namespace sesame {

Result<Secret> PromptPassphrase::passphrase(bool creating) {
    if (m_preset) return *m_preset;
    auto no_tty = [&](Error e) -> std::unexpected<Error> {
        // A dialog that failed says why itself; only a missing terminal needs explaining.
        if (is_cancel(e) || m_prompt.can_ask()) return std::unexpected(std::move(e));
        return fail(fmt::format("the vault at {} needs a passphrase, but there is no terminal to ask on",
                                m_vault_path),
                    "set SESAME_FILE_PASSPHRASE for non-interactive use, or ask in a dialog: --prompt zenity "
                    "or kdialog");
    };
    if (!creating) {
        auto p = m_prompt.ask_secret("Enter passphrase to unlock the sesame vault: ");
        if (!p) return no_tty(std::move(p.error()));
        return p;
    }
    // A slip of the finger costs a retry, not what the command was doing (the key just typed).
    constexpr int k_tries = 3;
    m_prompt.tell(fmt::format("Creating a new sesame vault at {}", m_vault_path));
    for (int attempt = 1;; ++attempt) {
        auto first = m_prompt.ask_secret("Choose a passphrase for the new vault: ");
        if (!first) return no_tty(std::move(first.error()));
        std::string_view problem = "the vault passphrase must not be empty";
        if (!first->empty()) {
            auto second = m_prompt.ask_secret("Enter the passphrase again: ");
            if (!second) return no_tty(std::move(second.error()));
            if (*first == *second) return first;
            problem = "the two passphrases do not match";
        }
        if (attempt == k_tries)
            return fail(fmt::format("{} ({} tries); nothing was created", problem, k_tries),
                        "run the command again");
        m_prompt.tell(first->empty() ? "The passphrase must not be empty; try again."
                                     : "The two passphrases do not match; try again.");
    }
}

bool PromptPassphrase::ask_again() {
    if (m_preset) return false;
    m_prompt.tell("Wrong passphrase; try again.");
    return true;
}

}  // namespace sesame
