#include "app/aws_vault_items.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <vector>

#include "crypto/jwe.hpp"

namespace sesame {

namespace {

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> parts;
    for (size_t start = 0;;) {
        size_t at = s.find(sep, start);
        parts.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
        if (at == std::string_view::npos) return parts;
        start = at + 1;
    }
}

bool all_digits(std::string_view s, size_t at_least) {
    return s.size() >= at_least && std::ranges::all_of(s, [](char c) { return c >= '0' && c <= '9'; });
}

/// Go's base64.URLEncoding.WithPadding(NoPadding).DecodeString: strict, no '='.
bool is_base64url_unpadded(std::string_view s) {
    return s.find('=') == std::string_view::npos && base64url_decode(s).has_value();
}

/// sessionKeyPattern `^[^,]+,[^,]+,[^,]*,[0-9]{1,}$`, whose two middle parts must decode, and
/// whose expiry strconv.Atoi must read (a 64-bit int).
bool is_current_session_name(std::string_view name) {
    auto p = split(name, ',');
    return p.size() == 4 && !p[0].empty() && !p[1].empty() && all_digits(p[3], 1) && p[3].size() <= 18 &&
           is_base64url_unpadded(p[1]) && is_base64url_unpadded(p[2]);
}

bool is_old_session_name(std::string_view name) {
    // `^session,(?P<profile>[^,]+),(?P<mfaSerial>[^,]*),(?P<expiration>[0-9]{2,})$`
    auto p = split(name, ',');
    if (p.size() == 4 && p[0] == "session" && !p[1].empty() && all_digits(p[3], 2)) return true;
    // `^session:(?P<profile>[^ ]+):(?P<mfaSerial>[^ ]*):(?P<expiration>[^:]+)$`: the expiry is
    // what follows the last ':'; before it, no space and a ':' with something before it.
    if (name.starts_with("session:")) {
        std::string_view rest = name.substr(8);
        size_t last = rest.rfind(':');
        if (last != std::string_view::npos && last + 1 < rest.size()) {
            std::string_view head = rest.substr(0, last);
            size_t colon = head.find(':', 1);
            if (head.find(' ') == std::string_view::npos && colon != std::string_view::npos) return true;
        }
    }
    // `^(.+?) session \((\d+)\)$`
    if (name.ends_with(")")) {
        size_t open = name.rfind(" session (");
        if (open != std::string_view::npos && open > 0) {
            std::string_view digits = name.substr(open + 10, name.size() - open - 11);
            if (all_digits(digits, 1)) return true;
        }
    }
    return false;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// Go's encoding/json field lookup: the exact name, else the first that matches in any case.
const nlohmann::json* field(const nlohmann::json& object, std::string_view name) {
    if (auto it = object.find(std::string(name)); it != object.end()) return &*it;
    for (auto it = object.begin(); it != object.end(); ++it) {
        const std::string& key = it.key();
        if (key.size() == name.size() &&
            std::ranges::equal(key, name, [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
            return &*it;
    }
    return nullptr;
}

/// Overwrites every string in `value` before the JSON is freed.
void wipe(nlohmann::json& value) {
    if (value.is_string()) {
        auto& s = value.get_ref<std::string&>();
        ::explicit_bzero(s.data(), s.size());
    } else if (value.is_structured()) {
        for (auto& child : value) wipe(child);
    }
}

struct WipedJson {
    nlohmann::json value;
    ~WipedJson() { wipe(value); }
};

/// A string field (missing or null: empty, as Go leaves it); nullopt if it is another type.
std::optional<std::string> text(const nlohmann::json& object, std::string_view name) {
    const nlohmann::json* v = field(object, name);
    if (v == nullptr || v->is_null()) return std::string();
    if (!v->is_string()) return std::nullopt;
    return v->get<std::string>();
}

}  // namespace

bool is_aws_vault_session_name(std::string_view name) {
    return is_current_session_name(name) || is_old_session_name(name);
}

bool is_aws_vault_oidc_name(std::string_view name) {
    return name.starts_with("oidc:");
}

std::string keyring_filename_unescape(std::string_view filename) {
    std::string out;
    for (size_t i = 0; i < filename.size(); ++i) {
        // percent.Decode: "%" and two hex digits; anything else is kept as it is.
        if (filename[i] == '%' && i + 2 < filename.size() && hex_value(filename[i + 1]) >= 0 &&
            hex_value(filename[i + 2]) >= 0) {
            out.push_back(static_cast<char>(hex_value(filename[i + 1]) * 16 + hex_value(filename[i + 2])));
            i += 2;
        } else {
            out.push_back(filename[i]);
        }
    }
    return out;
}

Result<AwsVaultCredentials> parse_aws_vault_item(const Secret& item_json) {
    WipedJson item{nlohmann::json::parse(item_json.reveal(), nullptr, false)};
    if (!item.value.is_object()) return fail("it is not a keyring item (JSON object)");
    AwsVaultCredentials out;
    auto key = text(item.value, "Key");
    if (!key) return fail("its Key is not a string");
    out.key = *key;
    auto data_b64 = text(item.value, "Data");
    if (!data_b64) return fail("its Data is not base64 text");
    auto data_bytes = base64_decode(*data_b64);
    if (!data_bytes) return fail("its Data is not base64");
    Secret data_text(std::move(*data_bytes));
    WipedJson data{nlohmann::json::parse(data_text.reveal(), nullptr, false)};
    if (!data.value.is_object()) return fail("its Data is not aws-vault's credentials (a JSON object)");
    auto id = text(data.value, "AccessKeyID");
    auto secret = text(data.value, "SecretAccessKey");
    auto token = text(data.value, "SessionToken");
    if (!id || !secret || !token) return fail("its credentials have a field of the wrong type");
    Secret secret_key(std::move(*secret));
    Secret session_token(std::move(*token));
    if (id->empty() || secret_key.empty())
        return fail("its credentials have no AccessKeyID or SecretAccessKey");
    out.access_key_id = *id;
    out.secret_access_key = std::move(secret_key);
    out.has_session_token = !session_token.empty();
    return out;
}

}  // namespace sesame
