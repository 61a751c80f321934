#include "vault/vault_binary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "util/bytes.hpp"

namespace sesame {
namespace {

using bytes::put_str;

void put_u32(std::string& out, std::uint32_t v) {
    bytes::put_le(out, v, 4);
}

void put_time(std::string& out, TimePoint t) {
    bytes::put_le(out,
                  static_cast<std::uint64_t>(
                      std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count()),
                  8);
}

/// bytes::Reader with the vault's own field kinds.
class Reader : public bytes::Reader {
  public:
    using bytes::Reader::Reader;
    /// Clamped to 1970-2262, as parse_rfc3339 clamps: a TimePoint (nanoseconds) holds 1677-2262
    /// only, and callers subtract now() from expirations. Refusing instead would lock the user out
    /// of every key for one odd session (older sesames stored the year 9999 wrapped around).
    TimePoint time() {
        using namespace std::chrono;
        const auto secs = static_cast<std::int64_t>(u64());
        const std::int64_t latest = floor<seconds>(TimePoint::max()).time_since_epoch().count();
        return TimePoint(seconds(std::clamp<std::int64_t>(secs, 0, latest)));
    }
    Secret secret() { return Secret(str()); }
};

}  // namespace

std::string serialize_binary(const VaultData& data) {
    std::string out;
    size_t estimate = 16;
    for (const auto& [name, k] : data.keys)
        estimate += name.size() + k.access_key_id.size() + k.secret_access_key.size() + 32;
    for (const auto& [name, s] : data.sessions)
        estimate += name.size() + s.profile.size() + s.kind.size() + s.access_key_id.size() +
                    s.secret_access_key.size() + s.session_token.size() + s.mfa_serial.size() +
                    s.role_arn.size() + 64;
    out.reserve(estimate);  // one allocation: no stale partial copies of secrets in freed memory
    out.push_back(k_vault_binary_marker);
    put_u32(out, k_vault_binary_version);
    put_u32(out, static_cast<std::uint32_t>(data.keys.size()));
    for (const auto& [name, k] : data.keys) {
        put_str(out, name);
        put_str(out, k.access_key_id);
        put_str(out, k.secret_access_key.reveal());
        put_time(out, k.added);
    }
    put_u32(out, static_cast<std::uint32_t>(data.sessions.size()));
    for (const auto& [name, s] : data.sessions) {
        put_str(out, name);
        put_str(out, s.profile);
        put_str(out, s.kind);
        put_str(out, s.access_key_id);
        put_str(out, s.secret_access_key.reveal());
        put_str(out, s.session_token.reveal());
        put_time(out, s.expiration);
        put_time(out, s.created);
        put_str(out, s.mfa_serial);
        put_str(out, s.role_arn);
    }
    return out;
}

Result<VaultData> deserialize_binary(std::string_view bytes) {
    auto damaged = [](std::string_view what) {
        return fail(fmt::format("the vault's contents are damaged: {}", what),
                    "restore the vault file from a backup, or remove it and add the keys again");
    };
    if (bytes.empty() || bytes[0] != k_vault_binary_marker) return damaged("unknown format");
    Reader r(bytes.substr(1));
    std::uint32_t version = r.u32();
    if (!r.ok()) return damaged("it is truncated");
    if (version > k_vault_binary_version)
        return fail(
            fmt::format("the vault was written by a newer sesame (contents version {}, this sesame reads "
                        "up to {})",
                        version, k_vault_binary_version),
            "upgrade sesame to use this vault");
    if (version < k_vault_binary_version) return damaged(fmt::format("unknown version {}", version));
    VaultData data;
    for (std::uint32_t n = r.u32(), i = 0; r.ok() && i < n; ++i) {
        std::string name = r.str();
        StoredKey k;
        k.access_key_id = r.str();
        k.secret_access_key = r.secret();
        k.added = r.time();
        data.keys.emplace(std::move(name), std::move(k));
    }
    for (std::uint32_t n = r.u32(), i = 0; r.ok() && i < n; ++i) {
        std::string name = r.str();
        StoredSession s;
        s.profile = r.str();
        s.kind = r.str();
        s.access_key_id = r.str();
        s.secret_access_key = r.secret();
        s.session_token = r.secret();
        s.expiration = r.time();
        s.created = r.time();
        s.mfa_serial = r.str();
        s.role_arn = r.str();
        data.sessions.emplace(std::move(name), std::move(s));
    }
    if (!r.ok()) return damaged("it is truncated");
    if (!r.at_end()) return damaged("it has trailing bytes");
    return data;
}

}  // namespace sesame
