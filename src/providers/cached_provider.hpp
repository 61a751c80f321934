#pragma once

#include <chrono>

#include "providers/provider.hpp"
#include "util/clock.hpp"
#include "util/log.hpp"
#include "vault/secret_store.hpp"

namespace sesame {

/// Serves a session from the store while more than `min_ttl` of it remains; otherwise asks the
/// inner provider and stores what it returns under `key` (the whole store is encrypted or kept
/// by the OS: the key is never written in clear).
class CachedProvider final : public CredentialsProvider {
  public:
    CachedProvider(ProviderPtr inner, SessionKey key, SecretStore& store, const Clock& clock,
                   std::chrono::seconds min_ttl, const Log& log)
        : m_inner(std::move(inner)),
          m_key(std::move(key)),
          m_store(store),
          m_clock(clock),
          m_min_ttl(min_ttl),
          m_log(log) {}
    Result<Credentials> retrieve() override;
    std::string describe() const override { return "cached " + m_inner->describe(); }

  private:
    /// The cached session if more than min_ttl of it remains.
    Result<std::optional<Credentials>> lookup();

    ProviderPtr m_inner;
    SessionKey m_key;
    SecretStore& m_store;
    const Clock& m_clock;
    std::chrono::seconds m_min_ttl;
    const Log& m_log;
};

}  // namespace sesame
