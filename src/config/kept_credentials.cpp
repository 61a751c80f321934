#include "config/kept_credentials.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "config/ini.hpp"
#include "util/time.hpp"

namespace sesame {

namespace {

constexpr std::string_view k_source_prefix = "# Source: ";
constexpr std::string_view k_bom = "\xEF\xBB\xBF";

bool has_control(std::string_view s) {
    return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

/// A value written as `key = value` that botocore reads back unchanged.
Result<void> check_value(std::string_view value, std::string_view key) {
    if (value.empty() || has_control(value) || is_space(value.front()) || is_space(value.back()))
        return fail(fmt::format("the session's {} cannot be written to a credentials file", key),
                    "it is empty or holds a control character or surrounding space");
    return {};
}

/// Where the line holding `offset` starts (Python's universal newlines: \n, \r\n and \r end lines).
size_t line_start(std::string_view text, size_t offset) {
    while (offset > 0 && text[offset - 1] != '\n' && text[offset - 1] != '\r') --offset;
    return offset;
}

}  // namespace

Result<void> check_section_name(std::string_view name, std::string_view what) {
    if (name.empty() || has_control(name) || name.find_first_of("[]") != std::string_view::npos ||
        is_space(name.front()) || is_space(name.back()) || name == "DEFAULT")
        return fail(
            fmt::format("{} \"{}\" cannot be a credentials-file section", what, name),
            "use a name without brackets, control characters or surrounding spaces, other than DEFAULT");
    return {};
}

std::optional<std::string> kept_file_source(std::string_view text) {
    if (!text.starts_with(k_kept_marker)) return std::nullopt;
    text.remove_prefix(k_kept_marker.size());
    if (text.starts_with("\r")) text.remove_prefix(1);
    if (!text.starts_with("\n")) return std::nullopt;
    text.remove_prefix(1);
    if (!text.starts_with(k_source_prefix)) return std::nullopt;
    text.remove_prefix(k_source_prefix.size());
    std::string_view path = text.substr(0, text.find_first_of("\r\n"));
    if (path.empty()) return std::nullopt;
    return std::string(path);
}

Result<std::string> render_kept_credentials(std::string_view source_text, std::string_view source_path,
                                            const std::vector<KeptSection>& kept) {
    if (source_path.empty() || has_control(source_path))
        return fail(
            fmt::format("the credentials file path \"{}\" cannot be named in a kept file", source_path));
    if (kept_file_source(source_text))
        return fail(fmt::format("{} is itself a file sesame keep writes, not a source", source_path),
                    "set AWS_SHARED_CREDENTIALS_FILE to your own credentials file (or unset it)");
    if (source_text.starts_with(k_bom)) source_text.remove_prefix(k_bom.size());
    auto parsed = parse_ini(std::string(source_text), std::string(source_path));
    if (!parsed) return std::unexpected(std::move(parsed.error()));

    std::string out = fmt::format("{}\n{}{}\n", k_kept_marker, k_source_prefix, source_path);
    std::set<std::string, std::less<>> names;
    for (const KeptSection& s : kept) {
        SESAME_TRY(check_section_name(s.name, "section"));
        if (!names.insert(s.name).second)
            return fail(fmt::format("section \"{}\" is kept twice", s.name),
                        "give each profile its own section");
        const Credentials& c = *s.credentials;
        SESAME_TRY(check_value(c.access_key_id, "access key id"));
        SESAME_TRY(check_value(c.secret_access_key.reveal(), "secret access key"));
        out += fmt::format("\n[{}]\naws_access_key_id = {}\naws_secret_access_key = {}\n", s.name,
                           c.access_key_id, c.secret_access_key.reveal());
        if (c.is_temporary()) {
            SESAME_TRY(check_value(c.session_token.reveal(), "session token"));
            out += fmt::format("aws_session_token = {}\n", c.session_token.reveal());
        }
        if (c.expiration)
            out += fmt::format("aws_credential_expiration = {}\n", format_rfc3339(*c.expiration));
    }

    // The source's own bytes, minus each section named like a kept one (header to next header).
    std::string copied;
    size_t from = 0;
    for (const IniPlace& place : parsed->places()) {
        std::string_view name = source_text.substr(place.offset, place.size);
        if (!names.contains(name)) continue;
        size_t start = line_start(source_text, place.offset);
        copied.append(source_text.substr(from, start - from));
        from = std::min<size_t>(place.end, source_text.size());
    }
    copied.append(source_text.substr(from));
    if (!copied.empty()) out += "\n" + copied;
    return out;
}

}  // namespace sesame
