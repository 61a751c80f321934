#pragma once

#include "platform/env.hpp"
#include "prompt/prompt.hpp"
#include "vault/file_vault.hpp"

namespace sesame {

/// The vault passphrase: SESAME_FILE_PASSPHRASE when set (scripts, CI), else asked on the
/// prompt driver's Prompt (the terminal, or a zenity/kdialog/osascript dialog) — twice, and compared, when
/// the vault is being created (up to three times until the two match), and again after a wrong one when
/// unlocking (FileVault decides how often).
class PromptPassphrase final : public PassphraseSource {
  public:
    /// `preset`: SESAME_FILE_PASSPHRASE, taken out of the environment snapshot by Context.
    PromptPassphrase(std::optional<Secret> preset, Prompt& prompt, std::string vault_path)
        : m_preset(std::move(preset)), m_prompt(prompt), m_vault_path(std::move(vault_path)) {}
    Result<Secret> passphrase(bool creating) override;
    std::optional<Secret> preset() override { return m_preset; }
    void forget() override { m_preset.reset(); }
    bool ask_again() override;

  private:
    std::optional<Secret> m_preset;
    Prompt& m_prompt;
    std::string m_vault_path;
};

}  // namespace sesame
