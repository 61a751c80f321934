#pragma once

#include <string>
#include <vector>

namespace sesame {

struct Setting;

/// One environment variable sesame reads or sets, documented once: the man page's ENVIRONMENT
/// section is rendered from this list, and a unit test checks that every SESAME_*, AWS_* and
/// XDG_* name in the sources is in it.
struct EnvironmentVariable {
    enum Kind { Read, SetForCommand, RemovedFromCommand };
    std::string name;
    Kind kind;
    std::string meaning;
};

/// sesame's own settings (app/settings.hpp, in table order), then the variables it reads or sets
/// by other tools' conventions (AWS_*, XDG_*, proxies, ...).
const std::vector<EnvironmentVariable>& environment_variables();

/// A setting's doc with its default, as the man page and the README say it.
std::string setting_meaning(const Setting& setting);

}  // namespace sesame
