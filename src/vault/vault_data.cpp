#include "vault/vault_data.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "util/time.hpp"
#include "vault/vault_binary.hpp"

namespace sesame {
namespace {

/// std::allocator that zeroes memory before freeing it. The JSON tree, its strings, the lexer's
/// token buffer and dump's output all allocate through it, so the secrets they held (and the
/// copies left behind when a buffer grows) do not linger in freed heap memory.
template <class T>
struct ZeroingAllocator {
    using value_type = T;
    ZeroingAllocator() = default;
    template <class U>
    ZeroingAllocator(const ZeroingAllocator<U>&) noexcept {}
    T* allocate(size_t n) { return std::allocator<T>().allocate(n); }
    void deallocate(T* p, size_t n) noexcept {
        sodium_memzero(p, n * sizeof(T));
        std::allocator<T>().deallocate(p, n);
    }
    template <class U>
    bool operator==(const ZeroingAllocator<U>&) const noexcept {
        return true;
    }
};

using WipedString = std::basic_string<char, std::char_traits<char>, ZeroingAllocator<char>>;
using Json = nlohmann::basic_json<std::map, std::vector, WipedString, bool, std::int64_t, std::uint64_t,
                                  double, ZeroingAllocator>;

/// Short-string optimisation keeps small strings inside the object, out of the allocator's reach.
void wipe(WipedString& s) {
    sodium_memzero(s.data(), s.size());
}

/// Json::~basic_json frees through the allocator, but strings short enough for the small-string
/// buffer live inside nodes; wiping every string value covers those too. Without recursion: the
/// parser accepts any depth (a damaged document nested 300,000 deep overflowed the stack here).
void wipe_tree(Json& root) {
    std::vector<Json*> pending{&root};
    while (!pending.empty()) {
        Json& j = *pending.back();
        pending.pop_back();
        if (j.is_string()) {
            wipe(j.get_ref<WipedString&>());
        } else if (j.is_structured()) {
            for (auto& child : j) pending.push_back(&child);
        }
    }
}

WipedString wiped(std::string_view s) {
    return WipedString(s.data(), s.size());
}
WipedString time_string(TimePoint t) {
    return wiped(format_rfc3339(t));
}

Json to_json(const StoredKey& k) {
    Json j = Json::object();
    j["access_key_id"] = wiped(k.access_key_id);
    j["secret_access_key"] = wiped(k.secret_access_key.reveal());
    j["added"] = time_string(k.added);
    return j;
}

Json to_json(const StoredSession& s) {
    Json j = Json::object();
    j["profile"] = wiped(s.profile);
    j["kind"] = wiped(s.kind);
    j["access_key_id"] = wiped(s.access_key_id);
    j["secret_access_key"] = wiped(s.secret_access_key.reveal());
    j["session_token"] = wiped(s.session_token.reveal());
    j["expiration"] = time_string(s.expiration);
    j["created"] = time_string(s.created);
    j["mfa_serial"] = wiped(s.mfa_serial);
    j["role_arn"] = wiped(s.role_arn);
    return j;
}

/// Reads fields of one entry, naming it ("keys.\"prod\"") in errors.
class EntryReader {
  public:
    EntryReader(const Json& j, std::string where) : m_json(j), m_where(std::move(where)) {}

    Result<std::string> text(const char* field, bool required = true) const {
        auto it = m_json.find(field);
        if (it == m_json.end()) {
            if (!required) return std::string();
            return bad(fmt::format("missing \"{}\"", field));
        }
        if (!it->is_string()) return bad(fmt::format("\"{}\" is not a string", field));
        const auto& s = it->get_ref<const WipedString&>();
        return std::string(s.data(), s.size());
    }

    Result<Secret> secret(const char* field) const {
        auto value = text(field);
        if (!value) return std::unexpected(std::move(value.error()));
        return Secret(std::move(*value));
    }

    Result<TimePoint> time(const char* field) const {
        auto value = text(field);
        if (!value) return std::unexpected(std::move(value.error()));
        auto t = parse_rfc3339(*value);
        if (!t) return bad(fmt::format("\"{}\" is not an RFC 3339 time", field));
        return *t;
    }

  private:
    std::unexpected<Error> bad(const std::string& what) const {
        return fail(fmt::format("vault entry {}: {}", m_where, what),
                    "the vault contents are damaged; remove the entry with sesame remove and add it again");
    }

    const Json& m_json;
    std::string m_where;
};

#define SESAME_ASSIGN(lhs, expr)                                                        \
    do {                                                                                \
        auto sesame_assign_ = (expr);                                                   \
        if (!sesame_assign_) return std::unexpected(std::move(sesame_assign_.error())); \
        lhs = std::move(*sesame_assign_);                                               \
    } while (0)

Result<StoredKey> key_from_json(const EntryReader& r) {
    StoredKey k;
    SESAME_ASSIGN(k.access_key_id, r.text("access_key_id"));
    SESAME_ASSIGN(k.secret_access_key, r.secret("secret_access_key"));
    SESAME_ASSIGN(k.added, r.time("added"));
    return k;
}

Result<StoredSession> session_from_json(const EntryReader& r) {
    StoredSession s;
    SESAME_ASSIGN(s.profile, r.text("profile"));
    SESAME_ASSIGN(s.kind, r.text("kind"));
    SESAME_ASSIGN(s.access_key_id, r.text("access_key_id"));
    SESAME_ASSIGN(s.secret_access_key, r.secret("secret_access_key"));
    SESAME_ASSIGN(s.session_token, r.secret("session_token"));
    SESAME_ASSIGN(s.expiration, r.time("expiration"));
    SESAME_ASSIGN(s.created, r.time("created"));
    SESAME_ASSIGN(s.mfa_serial, r.text("mfa_serial", false));
    SESAME_ASSIGN(s.role_arn, r.text("role_arn", false));
    return s;
}

#undef SESAME_ASSIGN

std::unexpected<Error> damaged(const std::string& what) {
    return fail(fmt::format("the vault contents are damaged: {}", what),
                "restore the vault from a backup, or move it away and add your keys again");
}

/// Fills `out` from a "keys" or "sessions" object, one entry per member.
template <class Entry, class Parse>
Result<void> read_section(const Json& doc, const char* section, std::map<std::string, Entry>& out,
                          Parse parse) {
    auto it = doc.find(section);
    if (it == doc.end()) return {};
    if (!it->is_object()) return damaged(fmt::format("\"{}\" is not an object", section));
    for (const auto& [name, value] : it->items()) {
        std::string key(name.data(), name.size());
        if (!value.is_object()) return damaged(fmt::format("{}.\"{}\" is not an object", section, key));
        auto entry = parse(EntryReader(value, fmt::format("{}.\"{}\"", section, key)));
        if (!entry) return std::unexpected(std::move(entry.error()));
        out.emplace(std::move(key), std::move(*entry));
    }
    return {};
}

Result<VaultData> from_json(const Json& doc) {
    if (!doc.is_object()) return damaged("the document is not a JSON object");
    auto version = doc.find("version");
    if (version == doc.end() || !version->is_number_integer())
        return damaged("\"version\" is missing or not an integer");
    const auto v = version->get<std::int64_t>();
    if (v > k_vault_data_version)
        return fail(
            fmt::format("the vault was written by a newer sesame (contents version {}, this sesame reads "
                        "up to {})",
                        v, k_vault_data_version),
            "upgrade sesame to use this vault");
    if (v < 1) return damaged(fmt::format("unknown version {}", v));

    VaultData data;
    SESAME_TRY(read_section(doc, "keys", data.keys, key_from_json));
    SESAME_TRY(read_section(doc, "sessions", data.sessions, session_from_json));
    return data;
}

}  // namespace

void VaultData::prune_expired(TimePoint now) {
    std::erase_if(sessions, [&](const auto& entry) { return entry.second.expiration <= now; });
}

std::string serialize(const VaultData& data) {
    return serialize_binary(data);
}

std::string serialize_json(const VaultData& data) {
    Json doc = Json::object();
    doc["version"] = k_vault_data_version;
    Json& keys = doc["keys"] = Json::object();
    for (const auto& [name, key] : data.keys) keys[wiped(name)] = to_json(key);
    Json& sessions = doc["sessions"] = Json::object();
    for (const auto& [name, session] : data.sessions) sessions[wiped(name)] = to_json(session);

    WipedString text = doc.dump();
    wipe_tree(doc);
    // One exact-size allocation; the caller wipes it after encrypting.
    std::string out(text.data(), text.size());
    wipe(text);
    return out;
}

Result<VaultData> deserialize(std::string_view json) {
    if (!json.empty() && json[0] == k_vault_binary_marker) return deserialize_binary(json);
    // Version 1 wrote JSON. No exceptions: their messages quote the input, which holds secrets.
    Json doc = Json::parse(json.begin(), json.end(), nullptr, false);
    if (doc.is_discarded()) return damaged("it is not valid JSON");
    auto data = from_json(doc);
    wipe_tree(doc);
    return data;
}

}  // namespace sesame
