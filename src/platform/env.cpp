#include "platform/env.hpp"

#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "platform/process.hpp"

extern char** environ;

namespace sesame {

Env Env::from_process() {
    std::map<std::string, std::string> vars;
    for (char** e = environ; e && *e; ++e) {
        std::string_view entry(*e);
        auto eq = entry.find('=');
        if (eq == std::string_view::npos) continue;
        std::string_view name = entry.substr(0, eq);
        vars.emplace(std::string(name), std::string(entry.substr(eq + 1)));
        for (const char* secret : k_secret_variables)
            if (name == secret) ::explicit_bzero(*e + eq + 1, entry.size() - eq - 1);
    }
    return Env(std::move(vars));
}

std::optional<std::string> Env::take(const std::string& name) {
    auto it = m_vars.find(name);
    if (it == m_vars.end()) return std::nullopt;
    std::optional<std::string> value(it->second);
    ::explicit_bzero(it->second.data(), it->second.size());
    m_vars.erase(it);
    return value;
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
