#include "shell/command_spec.hpp"

namespace sesame {

std::vector<std::string> CommandSpec::flags() const {
    std::vector<std::string> out;
    for (const auto& o : options) out.insert(out.end(), o.names.begin(), o.names.end());
    return out;
}

}  // namespace sesame
