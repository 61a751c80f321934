// credential_process output (parse_credential_process_output): JSON printed by any program a
// profile names. Properties:
// - what it accepts is what botocore accepts: a JSON object whose Version equals 1, with
//   non-empty AccessKeyId and SecretAccessKey strings, read as given;
// - an Expiration is read as parse_rfc3339 reads it, and lies within 1970-2262 (later times are
//   clamped: a credential_process answering year 9999 means "not soon");
// - an error never shows the SecretAccessKey or the SessionToken;
// - what `sesame export --format json` prints for accepted credentials reads back the same.

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "providers/process_provider.hpp"
#include "shell/export_format.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

using fuzz::check;

std::string string_field(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace
}  // namespace sesame

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace sesame;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::string where = "credential_process of profile \"p\"";
    auto creds = parse_credential_process_output(text, where);
    auto j = nlohmann::json::parse(text, nullptr, false);

    if (!creds) {
        const std::string& message = creds.error().message;
        fuzz::check(message.starts_with(where), "errors start with where they come from");
        if (!j.is_discarded() && j.is_object())
            for (const char* secret : {"SecretAccessKey", "SessionToken"}) {
                std::string value = string_field(j, secret);
                if (value.size() < 4 || message.find(value) == std::string::npos) continue;
                // The value may be words the message has anyway ("AccessKeyId"): it is shown
                // only if the same output with another secret of that length does not say it.
                nlohmann::json other = j;
                other[secret] = std::string(value.size(), value[0] == '#' ? '%' : '#');
                auto again = parse_credential_process_output(other.dump(), where);
                fuzz::check(!again && again.error().message.find(value) != std::string::npos,
                            "an error never shows a secret");
            }
        return 0;
    }
    fuzz::check(!j.is_discarded() && j.is_object(), "accepted output is a JSON object");
    fuzz::check(j.contains("Version") && j["Version"] == 1, "accepted output has Version 1");
    fuzz::check(!creds->access_key_id.empty() && creds->access_key_id == string_field(j, "AccessKeyId"),
                "AccessKeyId is read as given");
    fuzz::check(creds->secret_access_key.reveal() == string_field(j, "SecretAccessKey"),
                "SecretAccessKey is read as given");
    fuzz::check(creds->session_token.reveal() == string_field(j, "SessionToken"),
                "SessionToken is read as given");
    const std::string expiration = string_field(j, "Expiration");
    if (expiration.empty()) {
        fuzz::check(!creds->expiration, "no Expiration, no expiry");
    } else {
        fuzz::check(creds->expiration == parse_rfc3339(expiration), "Expiration is read by parse_rfc3339");
        using namespace std::chrono;
        fuzz::check(
            *creds->expiration >= TimePoint{} && *creds->expiration <= floor<seconds>(TimePoint::max()),
            "an expiration lies within 1970-2262");
    }

    const std::string exported = render_export(ExportFormat::Json, *creds, "", "p");
    auto back = parse_credential_process_output(exported, where);
    fuzz::check(back && back->access_key_id == creds->access_key_id &&
                    back->secret_access_key == creds->secret_access_key &&
                    back->session_token == creds->session_token && back->expiration == creds->expiration,
                "sesame export --format json reads back as the same credentials");
    return 0;
}
