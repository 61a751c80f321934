#include "vault/memory_store.hpp"

#include <fmt/format.h>

namespace sesame {

bool MemoryStore::exists() const {
    std::lock_guard guard(m_contents->mutex);
    return m_contents->exists;
}

VaultData MemoryStore::snapshot() const {
    std::lock_guard guard(m_contents->mutex);
    VaultData data = m_contents->data;
    data.prune_expired(m_clock.now());
    if (m_confined) std::erase_if(data.keys, [&](const auto& k) { return !m_confined->contains(k.first); });
    return data;
}

Result<std::vector<std::string>> MemoryStore::key_names() {
    std::vector<std::string> names;
    for (const auto& [name, key] : snapshot().keys) names.push_back(name);
    return names;
}

Result<std::optional<StoredKey>> MemoryStore::key(const std::string& profile) {
    VaultData data = snapshot();
    auto it = data.keys.find(profile);
    if (it == data.keys.end()) return std::optional<StoredKey>{};
    return std::optional<StoredKey>(std::move(it->second));
}

Result<std::map<std::string, StoredSession>> MemoryStore::sessions() {
    return snapshot().sessions;
}

Result<std::optional<StoredSession>> MemoryStore::session(const SessionKey& key) {
    VaultData data = snapshot();
    auto it = data.sessions.find(key.id());
    if (it == data.sessions.end()) return std::optional<StoredSession>{};
    return std::optional<StoredSession>(std::move(it->second));
}

Result<StoreChangeResult> MemoryStore::apply(const StoreChange& change) {
    std::lock_guard guard(m_contents->mutex);
    VaultData data = m_contents->data;  // all or nothing: changed on a copy
    auto result = apply_change(data, change);
    if (!result) return result;
    data.prune_expired(m_clock.now());
    m_contents->data = std::move(data);
    m_contents->exists = true;
    return result;
}

namespace {
struct MemoryLock final : StoreLock {
    MemoryLock(std::shared_ptr<MemoryStore::Contents> c, std::string n)
        : contents(std::move(c)), name(std::move(n)) {}
    ~MemoryLock() override {
        std::lock_guard guard(contents->mutex);
        contents->locked.erase(name);
        contents->released.notify_all();
    }
    std::shared_ptr<MemoryStore::Contents> contents;
    std::string name;
};
}  // namespace

Result<StoreLockPtr> MemoryStore::lock(std::string_view name) {
    std::unique_lock guard(m_contents->mutex);
    std::string n(name);
    if (!m_contents->released.wait_for(guard, m_lock_wait, [&] { return !m_contents->locked.contains(n); }))
        return fail(fmt::format("timed out after {} ms waiting for another holder of a store lock",
                                m_lock_wait.count()));
    m_contents->locked.insert(n);
    return StoreLockPtr(std::make_unique<MemoryLock>(m_contents, std::move(n)));
}

}  // namespace sesame
