// The vault's contents decoder (deserialize: the binary form of vault_binary, version-1 JSON).
// The contents are decrypted and authenticated before they are decoded, so bytes come only from a
// sesame that wrote them (maybe an older or buggy one): decoding must never crash, and what it
// accepts must survive being written again. Properties:
// - deserialize(serialize(d)) == d for every d that deserialize returns, and serialize is then a
//   fixed point (serialize(deserialize(serialize(d))) == serialize(d));
// - the version-1 JSON of d reads back as d (when d's strings are UTF-8, which JSON needs);
// - times read are whole seconds within what every caller can subtract without overflow.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "vault/vault_binary.hpp"
#include "vault/vault_data.hpp"

namespace sesame {
namespace {

using fuzz::check;

void check_time(TimePoint t) {
    using namespace std::chrono;
    check(t >= TimePoint{} && t <= floor<seconds>(TimePoint::max()), "a time read is within 1970-2262");
    check(floor<seconds>(t) == t, "a time read is whole seconds");
}

void check_times(const VaultData& d) {
    for (const auto& [name, k] : d.keys) check_time(k.added);
    for (const auto& [name, s] : d.sessions) {
        check_time(s.expiration);
        check_time(s.created);
    }
}

}  // namespace
}  // namespace sesame

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace sesame;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    auto decoded = deserialize(bytes);
    if (!decoded) {
        fuzz::check(!decoded.error().message.empty(), "an error says what is wrong");
        return 0;
    }
    check_times(*decoded);
    const std::string binary = serialize(*decoded);
    auto again = deserialize(binary);
    fuzz::check(again && *again == *decoded, "deserialize(serialize(d)) == d");
    fuzz::check(serialize(*again) == binary, "serialize(deserialize(serialize(d))) == serialize(d)");
    fuzz::check(deserialize_binary(binary) && *deserialize_binary(binary) == *decoded,
                "the binary form is read by deserialize_binary itself");
    std::string json;
    try {
        json = serialize_json(*decoded);
    } catch (const nlohmann::json::type_error&) {
        return 0;  // JSON holds UTF-8 only; the binary form holds any bytes (and is what is written)
    }
    auto from_json = deserialize(json);
    fuzz::check(from_json && *from_json == *decoded, "the version-1 JSON of d reads back as d");
    return 0;
}
