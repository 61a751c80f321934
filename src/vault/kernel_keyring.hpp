#pragma once

#include "vault/key_cache.hpp"

namespace sesame {

/// The Linux kernel keyring as sesame's KeyCache: a "user" key in the session keyring, readable
/// only by processes that possess that keyring — the login session's, or for processes without
/// one (containers, CI) the per-user session keyring — never by other users. A kernel-enforced
/// timeout, restarted by each use, forgets it; it is never on disk and is gone at reboot.
class KernelKeyring final : public KeyCache {
  public:
    /// Whether the kernel (or a container's seccomp policy) allows keyrings here.
    static bool available();
    std::optional<Entry> load(const std::string& id, std::chrono::seconds idle) override;
    bool store(const std::string& id, const Entry& entry, std::chrono::seconds idle) override;
    bool forget(const std::string& id) override;
    std::optional<std::chrono::seconds> time_left(const std::string& id) override;
    std::string describe() const override { return "the kernel session keyring"; }
};

}  // namespace sesame
