#pragma once

// Fakes several test files share.

#include <string>
#include <string_view>

#include "prompt/prompt.hpp"
#include "vault/file_vault.hpp"

namespace sesame::testing {

/// A prompt with no terminal behind it: every question fails, as it does for sesame run without one.
class NoTerminal final : public Prompt {
  public:
    Result<std::string> ask(std::string_view) override { return fail("no terminal in this test"); }
    Result<Secret> ask_secret(std::string_view) override { return fail("no terminal in this test"); }
    void tell(std::string_view) override {}
};

/// Answers every passphrase request with the same passphrase.
class FixedPassphrase final : public PassphraseSource {
  public:
    explicit FixedPassphrase(std::string value = "correct horse") : m_value(std::move(value)) {}
    Result<Secret> passphrase(bool) override { return Secret(m_value); }

  private:
    std::string m_value;
};

}  // namespace sesame::testing
