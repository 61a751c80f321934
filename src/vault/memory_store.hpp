#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "util/clock.hpp"
#include "vault/secret_store.hpp"

namespace sesame {

/// A SecretStore in this process's memory: the second implementation of the interface, so the
/// contract suite proves the interface rather than one backend, and a fast store for the unit
/// tests of what sits above it. Handles made on one `Contents` share it, as processes share a
/// vault file.
class MemoryStore final : public SecretStore {
  public:
    /// What the handles on one store share: the data, and the names locked.
    struct Contents {
        std::mutex mutex;
        std::condition_variable released;
        bool exists = false;
        VaultData data;
        std::set<std::string> locked;
    };

    explicit MemoryStore(std::shared_ptr<Contents> contents, const Clock& clock,
                         std::chrono::milliseconds lock_wait = std::chrono::seconds(10))
        : m_contents(std::move(contents)), m_clock(clock), m_lock_wait(lock_wait) {}

    std::string describe() const override { return "in-memory store (this process only; for tests)"; }
    bool exists() const override;
    Result<std::vector<std::string>> key_names() override;
    Result<std::optional<StoredKey>> key(const std::string& profile) override;
    Result<std::map<std::string, StoredSession>> sessions() override;
    Result<std::optional<StoredSession>> session(const SessionKey& key) override;
    Result<StoreChangeResult> apply(const StoreChange& change) override;
    Result<StoreLockPtr> lock(std::string_view name) override;
    void confine(std::set<std::string> profiles) override { m_confined = std::move(profiles); }

  private:
    /// The contents as a reader sees them: expired sessions and (when confined) other keys left out.
    VaultData snapshot() const;

    std::shared_ptr<Contents> m_contents;
    const Clock& m_clock;
    std::chrono::milliseconds m_lock_wait;
    std::optional<std::set<std::string>> m_confined;
};

}  // namespace sesame
