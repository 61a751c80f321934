#pragma once

#include <chrono>

#include "platform/clock.hpp"
#include "providers/provider.hpp"
#include "util/log.hpp"
#include "vault/file_vault.hpp"

namespace sesame {

/// What a cached session is, for `list` and `clear`; stored beside it in the vault.
struct SessionMeta {
    std::string profile;  ///< the profile it was made for
    std::string kind;     ///< "GetSessionToken" or "AssumeRole"
    std::string mfa_serial;
    std::string role_arn;
};

/// Serves a session from the vault while more than `min_ttl` of it remains; otherwise asks the
/// inner provider and stores what it returns. The cache key is opaque and never written in clear
/// (the whole vault is encrypted).
class CachedProvider final : public CredentialsProvider {
  public:
    CachedProvider(ProviderPtr inner, std::string key, SessionMeta meta, FileVault& vault, const Clock& clock,
                   std::chrono::seconds min_ttl, const Log& log)
        : m_inner(std::move(inner)),
          m_key(std::move(key)),
          m_meta(std::move(meta)),
          m_vault(vault),
          m_clock(clock),
          m_min_ttl(min_ttl),
          m_log(log) {}
    Result<Credentials> retrieve() override;
    std::string describe() const override { return "cached " + m_inner->describe(); }

  private:
    ProviderPtr m_inner;
    std::string m_key;
    SessionMeta m_meta;
    FileVault& m_vault;
    const Clock& m_clock;
    std::chrono::seconds m_min_ttl;
    const Log& m_log;
};

}  // namespace sesame
