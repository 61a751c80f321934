#pragma once

#include "platform/env.hpp"
#include "prompt/prompt.hpp"
#include "vault/file_vault.hpp"

namespace sesame {

/// The vault passphrase: SESAME_FILE_PASSPHRASE when set (scripts, CI), else asked on the
/// terminal — twice, and compared, when the vault is being created.
class PromptPassphrase final : public PassphraseSource {
  public:
    PromptPassphrase(const Env& env, Prompt& prompt, std::string vault_path)
        : m_env(env), m_prompt(prompt), m_vault_path(std::move(vault_path)) {}
    Result<Secret> passphrase(bool creating) override;
    std::optional<Secret> preset() override;

  private:
    const Env& m_env;
    Prompt& m_prompt;
    std::string m_vault_path;
};

}  // namespace sesame
