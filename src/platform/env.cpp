#include "platform/env.hpp"

#include <pwd.h>
#include <unistd.h>

extern char** environ;

namespace sesame {

Env Env::from_process() {
    std::map<std::string, std::string> vars;
    for (char** e = environ; e && *e; ++e) {
        std::string_view entry(*e);
        auto eq = entry.find('=');
        if (eq == std::string_view::npos) continue;
        vars.emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
    }
    return Env(std::move(vars));
}

std::optional<std::string> Env::get(const std::string& name) const {
    auto it = m_vars.find(name);
    if (it == m_vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
}

std::string Env::get_or(const std::string& name, const std::string& fallback) const {
    return get(name).value_or(fallback);
}

std::string Env::home() const {
    if (auto h = get("HOME")) return *h;
    if (const passwd* pw = getpwuid(getuid()); pw && pw->pw_dir) return pw->pw_dir;
    return "/";
}

}  // namespace sesame
