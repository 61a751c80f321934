#pragma once

#include <vector>

namespace sesame {

/// One environment variable sesame reads or sets, documented once: the man page's ENVIRONMENT
/// section is rendered from this table, and a unit test checks that every SESAME_*, AWS_* and
/// XDG_* name in the sources is in it.
struct EnvironmentVariable {
    enum Kind { Read, SetForCommand, RemovedFromCommand };
    const char* name;
    Kind kind;
    const char* meaning;
};

const std::vector<EnvironmentVariable>& environment_variables();

}  // namespace sesame
