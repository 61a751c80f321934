#pragma once

#include <string>

#include "app/context.hpp"

namespace sesame {

/// The commit sesame was built from, "unknown" outside a git checkout (cmake/git_commit.cmake
/// generates its definition at every build; packagers may set SESAME_GIT_COMMIT instead).
extern const char* const k_git_commit;

/// What `sesame --version` prints: the version, the commit, and which optional parts work on
/// this machine (libcurl and libqrencode are loaded on demand; where the unlocked vault key is
/// kept), each with what is missing and what it costs.
std::string version_report(Context& ctx);

}  // namespace sesame
