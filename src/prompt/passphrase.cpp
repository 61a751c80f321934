#include "prompt/passphrase.hpp"

#include <fmt/format.h>

namespace sesame {

Result<Secret> PromptPassphrase::passphrase(bool creating) {
    if (m_preset) return *m_preset;
    auto no_tty = [&](const Error&) {
        return fail(fmt::format("the vault at {} needs a passphrase, but there is no terminal to ask on",
                                m_vault_path),
                    "set SESAME_FILE_PASSPHRASE for non-interactive use");
    };
    if (!creating) {
        auto p = m_prompt.ask_secret("Enter passphrase to unlock the sesame vault: ");
        if (!p) return no_tty(p.error());
        return p;
    }
    m_prompt.tell(fmt::format("Creating a new sesame vault at {}", m_vault_path));
    auto first = m_prompt.ask_secret("Choose a passphrase for the new vault: ");
    if (!first) return no_tty(first.error());
    if (first->empty())
        return fail("the vault passphrase must not be empty", "choose a passphrase and try again");
    auto second = m_prompt.ask_secret("Enter the passphrase again: ");
    if (!second) return no_tty(second.error());
    if (!(*first == *second))
        return fail("the two passphrases do not match; nothing was created", "try again");
    return first;
}

}  // namespace sesame
