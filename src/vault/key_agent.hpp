#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "util/clock.hpp"
#include "util/error.hpp"
#include "vault/key_cache.hpp"

namespace sesame {

/// The KeyCache where the kernel keyring is not available (containers whose seccomp policy
/// forbids keyctl): a small agent process keeps unlocked vault keys in memory it has locked and
/// made undumpable, and answers on a UNIX socket in `dir` ($XDG_RUNTIME_DIR/sesame, mode 0700),
/// only to processes of its own user (SO_PEERCRED). Each key is forgotten after its idle time
/// without use; the agent exits when it holds none, and is started again by the next store().
/// Nothing is ever written to disk.
class AgentKeyCache final : public KeyCache {
  public:
    /// `start`: the command that runs the agent (sesame's own binary, `__agent DIR`).
    AgentKeyCache(std::string dir, std::vector<std::string> start);

    std::optional<Entry> load(const std::string& id, std::chrono::seconds idle) override;
    bool store(const std::string& id, const Entry& entry, std::chrono::seconds idle) override;
    bool forget(const std::string& id) override;
    std::optional<std::chrono::seconds> time_left(const std::string& id) override;
    std::string describe() const override;

    /// The agent's socket in `dir`.
    static std::string socket_path(const std::string& dir);

  private:
    std::string m_dir;
    std::vector<std::string> m_start;
};

/// The agent: serves the socket in `dir` until it holds no key (or, just started, has been asked
/// nothing for `grace`), or its socket is removed. Fails if `dir` is not a 0700 folder of ours or
/// another agent already serves it. Idle times run on the system's wall clock, so time spent
/// suspended counts as idle.
Result<void> run_key_agent(const std::string& dir, std::chrono::seconds grace = std::chrono::seconds(10));

/// The same with idle times and the grace measured on `clock` (tests step a FixedClock). A key
/// past its idle time is never served, even before the agent's next scheduled sweep.
Result<void> run_key_agent(const std::string& dir, std::chrono::seconds grace, const Clock& clock);

}  // namespace sesame
