#pragma once

#include <string>

#include "prompt/mfa_source.hpp"

namespace sesame {

/// A profile's `mfa_process` (aws-vault's key): a command that prints the current code. Split
/// with shlex and run without a shell, as credential_process is (aws-vault runs it with
/// `/bin/sh -c`: a pipeline needs `sh -c '...'` here). Its stderr is the user's; its stdout,
/// trimmed, must be 6 digits. It is asked once per code: a refused code is not asked for again.
class ProcessMfaSource final : public MfaCodeSource {
  public:
    /// `profile`: the profile whose mfa_process it is, for messages.
    ProcessMfaSource(std::string profile, std::string command, RunProgram run)
        : m_profile(std::move(profile)), m_command(std::move(command)), m_run(std::move(run)) {}
    Result<Secret> code_for(std::string_view serial) override;

  private:
    std::string m_profile;
    std::string m_command;
    RunProgram m_run;
};

}  // namespace sesame
