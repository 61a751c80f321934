#include "aws/iam.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sodium.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "util/strings.hpp"
#include "util/time.hpp"

namespace sesame {

namespace {

/// A service that keeps answering IsTruncated with new markers is broken, not big: IAM lists
/// here hold at most a few entries per user.
constexpr int k_max_pages = 1000;

/// Reads fields below <{Action}Result>. Required fields that are missing or empty are errors
/// naming them; values are trimmed.
class Reader {
  public:
    Reader(const pugi::xml_document& doc, std::string action) : m_action(std::move(action)) {
        m_result = child_local(child_local(doc, m_action + "Response"), m_action + "Result");
    }

    /// <{Action}Result>, or null when the response has none.
    pugi::xml_node result() const { return m_result; }

    Result<std::string> text(pugi::xml_node parent, std::initializer_list<std::string_view> path) const {
        std::string value = optional_text(parent, path);
        if (value.empty()) return malformed(fmt::format("missing {}", fmt::join(path, "/")));
        return value;
    }

    std::string optional_text(pugi::xml_node parent, std::initializer_list<std::string_view> path) const {
        auto value = text_at(parent, path);
        return value ? std::string(trim(*value)) : std::string();
    }

    /// An absent date is nullopt; one that is present must parse.
    Result<std::optional<TimePoint>> date(pugi::xml_node parent, std::string_view name) const {
        std::string value = optional_text(parent, {name});
        if (value.empty()) return std::optional<TimePoint>();
        auto when = parse_rfc3339(value);
        if (!when) return malformed(fmt::format("{} \"{}\" is not a timestamp", name, value));
        return std::optional<TimePoint>(*when);
    }

    /// A required secret field, whitespace dropped (AWS's samples wrap long values); its text in
    /// the document is zeroed once read, so only the Secret holds it.
    Result<Secret> take_secret(pugi::xml_node parent, std::string_view name) const {
        pugi::xml_node node = child_local(parent, name);
        std::string_view raw = node.child_value();
        std::string clear;
        clear.reserve(raw.size());  // no reallocation leaves a partial copy behind
        for (char c : raw)
            if (!std::isspace(static_cast<unsigned char>(c))) clear.push_back(c);
        Secret value(std::move(clear));
        for (pugi::xml_node text : node.children()) {
            if (text.type() != pugi::node_pcdata && text.type() != pugi::node_cdata) continue;
            auto* data = const_cast<char*>(text.value());
            sodium_memzero(data, std::strlen(data));
        }
        if (value.empty()) return malformed(fmt::format("missing {}", name));
        return value;
    }

    std::unexpected<Error> malformed(const std::string& what) const {
        return fail(fmt::format("malformed {} response from IAM: {}", m_action, what),
                    "this is unexpected; retry, and report it if it persists");
    }

  private:
    std::string m_action;
    pugi::xml_node m_result;
};

void add_user(QueryCall& call, const std::string& user_name) {
    if (!user_name.empty()) call.params.emplace_back("UserName", user_name);
}

/// Every <member> of the list element `list_name` over all pages, each read by `read_item`.
template <class Item, class ReadItem>
Result<std::vector<Item>> list_all(QueryApi& api, const Credentials& caller, const QueryCall& call,
                                   std::string_view list_name, ReadItem read_item) {
    std::vector<Item> items;
    std::string marker;
    for (int page = 0; page < k_max_pages; ++page) {
        QueryCall paged = call;
        if (!marker.empty()) paged.params.emplace_back("Marker", marker);
        auto doc = api.call(caller, paged);
        if (!doc) return std::unexpected(std::move(doc.error()));

        Reader reader(*doc, call.action);
        if (!reader.result()) return reader.malformed(fmt::format("missing {}Result", call.action));
        pugi::xml_node list = child_local(reader.result(), list_name);
        if (!list) return reader.malformed(fmt::format("missing {}", list_name));
        for (pugi::xml_node member : list.children()) {
            if (member.type() != pugi::node_element) continue;
            Result<Item> item = read_item(reader, member);
            if (!item) return std::unexpected(std::move(item.error()));
            items.push_back(std::move(*item));
        }

        if (reader.optional_text(reader.result(), {"IsTruncated"}) != "true") return items;
        std::string next = reader.optional_text(reader.result(), {"Marker"});
        if (next.empty()) return reader.malformed("IsTruncated without a Marker");
        if (next == marker) return reader.malformed("the same Marker twice");
        marker = std::move(next);
    }
    return fail(fmt::format("{} returned more than {} pages", call.action, k_max_pages));
}

const char* status_name(AccessKeyStatus status) {
    return status == AccessKeyStatus::active ? "Active" : "Inactive";
}

}  // namespace

Result<IamUser> Iam::get_user(const Credentials& caller, const std::string& user_name) {
    QueryCall call{"iam", "GetUser", k_version, {}};
    add_user(call, user_name);
    auto doc = m_api.call(caller, call);
    if (!doc) return std::unexpected(std::move(doc.error()));

    Reader reader(*doc, call.action);
    auto arn = reader.text(reader.result(), {"User", "Arn"});
    if (!arn) return std::unexpected(std::move(arn.error()));
    auto id = reader.text(reader.result(), {"User", "UserId"});
    if (!id) return std::unexpected(std::move(id.error()));
    // The root user has no UserName.
    return IamUser{reader.optional_text(reader.result(), {"User", "UserName"}), std::move(*arn),
                   std::move(*id)};
}

Result<std::vector<MfaDevice>> Iam::list_mfa_devices(const Credentials& caller,
                                                     const std::string& user_name) {
    QueryCall call{"iam", "ListMFADevices", k_version, {}};
    add_user(call, user_name);
    return list_all<MfaDevice>(
        m_api, caller, call, "MFADevices",
        [](const Reader& reader, pugi::xml_node member) -> Result<MfaDevice> {
            auto serial = reader.text(member, {"SerialNumber"});
            if (!serial) return std::unexpected(std::move(serial.error()));
            auto enabled = reader.date(member, "EnableDate");
            if (!enabled) return std::unexpected(std::move(enabled.error()));
            return MfaDevice{std::move(*serial), reader.optional_text(member, {"UserName"}), *enabled};
        });
}

Result<VirtualMfaDevice> Iam::create_virtual_mfa_device(const Credentials& caller, const std::string& name,
                                                        const std::string& path) {
    QueryCall call{"iam", "CreateVirtualMFADevice", k_version, {}};
    call.params.emplace_back("VirtualMFADeviceName", name);
    call.params.emplace_back("Path", path);
    auto doc = m_api.call(caller, call);
    if (!doc) return std::unexpected(std::move(doc.error()));

    Reader reader(*doc, call.action);
    pugi::xml_node device = child_local(reader.result(), "VirtualMFADevice");
    auto encoded = reader.take_secret(device, "Base32StringSeed");
    if (!encoded) return std::unexpected(std::move(encoded.error()));
    // The API types the seed as a blob, so on the wire it is base64 of the base32 text (the
    // documentation's examples show the base32 text itself): take whichever reads as base32.
    auto is_base32 = [](std::string_view t) {
        return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) {
            return (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7') || c == '=';
        });
    };
    std::string raw(encoded->size(), '\0');
    size_t raw_len = 0;
    bool decoded =
        sodium_base642bin(reinterpret_cast<unsigned char*>(raw.data()), raw.size(), encoded->reveal().data(),
                          encoded->size(), nullptr, &raw_len, nullptr, sodium_base64_VARIANT_ORIGINAL) == 0;
    raw.resize(decoded ? raw_len : 0);
    Result<Secret> seed = Secret(decoded && is_base32(raw) ? std::move(raw) : encoded->reveal());
    sodium_memzero(raw.data(), raw.size());
    auto serial = reader.text(reader.result(), {"VirtualMFADevice", "SerialNumber"});
    if (!serial) return std::unexpected(std::move(serial.error()));
    return VirtualMfaDevice{std::move(*serial), std::move(*seed)};
}

Result<void> Iam::enable_mfa_device(const Credentials& caller, const EnableMfaDeviceInput& in) {
    QueryCall call{"iam", "EnableMFADevice", k_version, {}};
    call.params.emplace_back("UserName", in.user_name);
    call.params.emplace_back("SerialNumber", in.serial_number);
    call.params.emplace_back("AuthenticationCode1", in.code1.reveal());
    call.params.emplace_back("AuthenticationCode2", in.code2.reveal());
    auto doc = m_api.call(caller, call);
    for (auto& [key, value] : call.params) sodium_memzero(value.data(), value.size());
    if (!doc) return std::unexpected(std::move(doc.error()));
    return {};
}

Result<void> Iam::deactivate_mfa_device(const Credentials& caller, const std::string& serial_number,
                                        const std::string& user_name) {
    QueryCall call{"iam", "DeactivateMFADevice", k_version, {}};
    add_user(call, user_name);
    call.params.emplace_back("SerialNumber", serial_number);
    auto doc = m_api.call(caller, call);
    if (!doc) return std::unexpected(std::move(doc.error()));
    return {};
}

Result<void> Iam::delete_virtual_mfa_device(const Credentials& caller, const std::string& serial_number) {
    QueryCall call{"iam", "DeleteVirtualMFADevice", k_version, {{"SerialNumber", serial_number}}};
    auto doc = m_api.call(caller, call);
    if (!doc) return std::unexpected(std::move(doc.error()));
    return {};
}

Result<std::vector<AccessKeyInfo>> Iam::list_access_keys(const Credentials& caller,
                                                         const std::string& user_name) {
    QueryCall call{"iam", "ListAccessKeys", k_version, {}};
    add_user(call, user_name);
    return list_all<AccessKeyInfo>(m_api, caller, call, "AccessKeyMetadata",
                                   [](const Reader& reader, pugi::xml_node member) -> Result<AccessKeyInfo> {
                                       auto id = reader.text(member, {"AccessKeyId"});
                                       if (!id) return std::unexpected(std::move(id.error()));
                                       auto status = reader.text(member, {"Status"});
                                       if (!status) return std::unexpected(std::move(status.error()));
                                       auto created = reader.date(member, "CreateDate");
                                       if (!created) return std::unexpected(std::move(created.error()));
                                       return AccessKeyInfo{std::move(*id),
                                                            reader.optional_text(member, {"UserName"}),
                                                            std::move(*status), *created};
                                   });
}

Result<CreatedAccessKey> Iam::create_access_key(const Credentials& caller, const std::string& user_name) {
    QueryCall call{"iam", "CreateAccessKey", k_version, {}};
    add_user(call, user_name);
    auto doc = m_api.call(caller, call);
    if (!doc) return std::unexpected(std::move(doc.error()));

    Reader reader(*doc, call.action);
    pugi::xml_node key = child_local(reader.result(), "AccessKey");
    auto secret = reader.take_secret(key, "SecretAccessKey");
    if (!secret) return std::unexpected(std::move(secret.error()));
    auto id = reader.text(key, {"AccessKeyId"});
    if (!id) return std::unexpected(std::move(id.error()));
    auto created = reader.date(key, "CreateDate");
    if (!created) return std::unexpected(std::move(created.error()));
    CreatedAccessKey out;
    out.credentials.access_key_id = std::move(*id);
    out.credentials.secret_access_key = std::move(*secret);
    out.user_name = reader.optional_text(key, {"UserName"});
    out.create_date = *created;
    return out;
}

Result<void> Iam::delete_access_key(const Credentials& caller, const std::string& access_key_id,
                                    const std::string& user_name) {
    QueryCall call{"iam", "DeleteAccessKey", k_version, {}};
    add_user(call, user_name);
    call.params.emplace_back("AccessKeyId", access_key_id);
    auto doc = m_api.call(caller, call);
    if (!doc) return std::unexpected(std::move(doc.error()));
    return {};
}

Result<void> Iam::update_access_key(const Credentials& caller, const std::string& access_key_id,
                                    AccessKeyStatus status, const std::string& user_name) {
    QueryCall call{"iam", "UpdateAccessKey", k_version, {}};
    add_user(call, user_name);
    call.params.emplace_back("AccessKeyId", access_key_id);
    call.params.emplace_back("Status", status_name(status));
    auto doc = m_api.call(caller, call);
    if (!doc) return std::unexpected(std::move(doc.error()));
    return {};
}

}  // namespace sesame
