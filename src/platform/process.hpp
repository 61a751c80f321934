#pragma once

#include <map>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace sesame {

/// Replaces this process with `argv` (searched in PATH from `env`), with exactly `env` as its
/// environment. Returns only on failure, with an Error naming the command.
Error exec_replace(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);

struct CapturedOutput {
    int exit_code = 0;
    std::string out;  ///< stdout; stderr goes to ours so the user sees the program's own messages
};

/// Runs `command` with /bin/sh -c (as botocore runs credential_process, through the shell's word
/// splitting), stdin closed, stdout captured.
Result<CapturedOutput> run_shell_capture(const std::string& command,
                                         const std::map<std::string, std::string>& env);

}  // namespace sesame
