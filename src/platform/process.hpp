#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "util/error.hpp"

namespace sesame {

/// Variables that hold sesame's own secrets. No program sesame starts gets them (exec, shell,
/// the endpoints' command, credential_process): both ways of starting one drop them here.
/// aws-vault's name for the passphrase is one (app/settings reads it as SESAME_FILE_PASSPHRASE).
inline constexpr const char* k_secret_variables[] = {"SESAME_FILE_PASSPHRASE", "AWS_VAULT_FILE_PASSPHRASE"};

/// Makes this process non-dumpable (no core file; /proc/PID/mem and ptrace closed to other
/// processes of the same user that lack CAP_SYS_PTRACE) and sets its core size limit to 0.
/// Programs it starts get the user's own core limit back and are dumpable again (execve resets
/// that flag). Called first thing in main: every sesame process may hold a key.
void protect_from_dumps();

/// Replaces this process with `argv` (searched in PATH from `env`), with `env` less
/// k_secret_variables as its environment. Returns only on failure, with an Error naming the command.
Error exec_replace(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env);

struct CapturedOutput {
    int exit_code = 0;
    std::string out;  ///< stdout; stderr goes to ours so the user sees the program's own messages
};

/// Runs `argv` (no shell; argv[0] searched in `env`'s PATH as Python's subprocess does), with
/// `env` less k_secret_variables, stdin closed, stdout captured. A program that cannot be found
/// or run is an error naming it.
/// `input`, when given, is written to its stdin instead (a secret for `pass insert`: never argv).
Result<CapturedOutput> run_capture(const std::vector<std::string>& argv,
                                   const std::map<std::string, std::string>& env,
                                   const std::string* input = nullptr);

/// `name` as execvp would find it in `path` (a :-separated PATH; a name with a slash is taken as
/// it is): a regular, executable file. run_capture finds argv[0] with it before the fork (the
/// child of a threaded process must not allocate); the prompt drivers ask whether a dialog
/// program is installed.
std::optional<std::string> find_program(const std::string& name, const std::string& path);

/// The running binary's own path (/proc/self/exe), or "sesame" if it cannot be read.
std::string self_path();

}  // namespace sesame
