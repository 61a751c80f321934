#pragma once

#include <map>
#include <optional>
#include <string>

namespace sesame {

/// A snapshot of the process environment. main builds it from environ; everything below cli
/// receives values from it instead of calling getenv, so tests pass their own.
class Env {
  public:
    Env() = default;
    explicit Env(std::map<std::string, std::string> vars) : m_vars(std::move(vars)) {}
    /// Also overwrites, in the process's own environment block (what /proc/PID/environ shows),
    /// the values of k_secret_variables: the snapshot keeps the only copy.
    static Env from_process();

    /// The value if set and non-empty (an empty variable counts as unset, as in botocore).
    std::optional<std::string> get(const std::string& name) const;
    std::string get_or(const std::string& name, const std::string& fallback) const;
    void set(const std::string& name, std::string value) { m_vars[name] = std::move(value); }
    void unset(const std::string& name) { m_vars.erase(name); }
    /// Removes `name` and returns its value, overwriting the bytes it held (for secrets: the
    /// caller keeps the one copy, in wiped memory).
    std::optional<std::string> take(const std::string& name);
    const std::map<std::string, std::string>& all() const { return m_vars; }

    /// $HOME, falling back to the passwd entry.
    std::string home() const;

  private:
    std::map<std::string, std::string> m_vars;
};

}  // namespace sesame
