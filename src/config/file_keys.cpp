#include "config/file_keys.hpp"

#include <fmt/format.h>

namespace sesame {

namespace {

Result<std::optional<FileKeys>> keys_in(const IniSection* section, const std::string& file,
                                        bool credentials) {
    if (!section) return std::nullopt;
    const IniValue* id = section->find("aws_access_key_id");
    const IniValue* secret = section->find("aws_secret_access_key");
    if (!id && !secret) return std::nullopt;
    if (!id || !secret || id->value.empty() || secret->value.empty()) {
        const IniValue* given = id ? id : secret;
        return fail(
            fmt::format("{}:{}: [{}] has {} but no {}: partial credentials, which botocore refuses too", file,
                        given->line, section->name, id ? "aws_access_key_id" : "aws_secret_access_key",
                        id ? "aws_secret_access_key" : "aws_access_key_id"),
            "give both, or remove the one that is there");
    }
    FileKeys keys;
    keys.credentials.access_key_id = id->value;
    keys.credentials.secret_access_key = Secret(secret->value);
    const IniValue* token = section->find("aws_session_token");
    if (!token) token = section->find("aws_security_token");  // botocore reads the old name too
    if (token) keys.credentials.session_token = Secret(token->value);
    keys.file = file;
    keys.line = id->line;
    keys.in_credentials_file = credentials;
    return keys;
}

}  // namespace

bool has_file_keys(const AwsConfig& config, std::string_view profile) {
    for (const IniSection* s : {config.credentials(profile), config.profile(profile)})
        if (s && (s->find("aws_access_key_id") || s->find("aws_secret_access_key"))) return true;
    return false;
}

Result<std::optional<FileKeys>> file_keys(const AwsConfig& config, std::string_view profile) {
    auto shared = keys_in(config.credentials(profile), config.paths().credentials, true);
    if (!shared || *shared) return shared;
    return keys_in(config.profile(profile), config.paths().config, false);
}

}  // namespace sesame
