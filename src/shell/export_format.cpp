#include "shell/export_format.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "util/time.hpp"

namespace sesame {
namespace {

std::string powershell_quote(std::string_view s) {
    // PowerShell single-quoted strings are verbatim; a quote is written twice.
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out.push_back('\'');
        out.push_back(c);
    }
    return out + "'";
}

/// Bytes that an unquoted `eval $(sesame export ...)` would change before eval sees them: field
/// splitting joins whitespace runs into one space, and pathname expansion may replace a word.
bool changed_by_unquoted_expansion(std::string_view s) {
    return s.find_first_of(" \t\n\r\v\f*?[") != std::string_view::npos;
}

/// One POSIX sh statement that exports `name` = `value` and survives eval both as `eval "$(...)"`
/// and unquoted `eval $(...)` (which joins every line into one, with single spaces): each
/// statement ends with `;`, and a value with bytes the unquoted form would change is written
/// without them, as printf %b octal escapes (a trailing `x` keeps trailing newlines).
std::string sh_export(std::string_view name, std::string_view value) {
    if (!changed_by_unquoted_expansion(value))
        return fmt::format("export {}={};\n", name, shell_quote(value));
    std::string escaped;
    for (unsigned char c : value) {
        if (c == '\\')
            escaped += "\\\\";
        else if (changed_by_unquoted_expansion(std::string_view(reinterpret_cast<const char*>(&c), 1)))
            escaped += fmt::format("\\0{:03o}", c);
        else
            escaped.push_back(static_cast<char>(c));
    }
    return fmt::format("{0}=\"$(printf '%bx' {1})\"; export {0}=\"${{{0}%x}}\";\n", name,
                       shell_quote(escaped));
}

}  // namespace

Result<ExportFormat> parse_export_format(std::string_view name) {
    if (name == "env") return ExportFormat::Env;
    if (name == "export-env") return ExportFormat::ExportEnv;
    if (name == "json") return ExportFormat::Json;
    if (name == "ini") return ExportFormat::Ini;
    if (name == "fish") return ExportFormat::Fish;
    if (name == "powershell") return ExportFormat::PowerShell;
    return fail(fmt::format("unknown export format \"{}\"", name),
                "use one of: env, export-env, json, ini, fish, powershell");
}

std::string fish_quote(std::string_view s) {
    // Inside fish single quotes only \\ and \' are escapes. A newline is written outside them
    // as \n, so that `eval (sesame export --format fish)`, which splits its input into lines,
    // keeps it.
    std::string out = "'";
    for (char c : s) {
        if (c == '\n') {
            out += "'\\n'";
            continue;
        }
        if (c == '\\' || c == '\'') out.push_back('\\');
        out.push_back(c);
    }
    return out + "'";
}

std::string shell_quote(std::string_view s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'')
            out += "'\\''";
        else
            out.push_back(c);
    }
    return out + "'";
}

std::vector<std::pair<std::string, std::string>> credential_variables(const Credentials& creds,
                                                                      const std::string& region,
                                                                      const std::string& profile,
                                                                      const SessionLabels& labels) {
    std::vector<std::pair<std::string, std::string>> vars{
        {"AWS_ACCESS_KEY_ID", creds.access_key_id},
        {"AWS_SECRET_ACCESS_KEY", creds.secret_access_key.reveal()},
    };
    if (!creds.session_token.empty()) {
        vars.emplace_back("AWS_SESSION_TOKEN", creds.session_token.reveal());
        // The token's old name, which boto 2 and other old tools still read (aws-session sets both).
        vars.emplace_back("AWS_SECURITY_TOKEN", creds.session_token.reveal());
    }
    if (creds.expiration) vars.emplace_back("AWS_CREDENTIAL_EXPIRATION", format_rfc3339(*creds.expiration));
    if (!region.empty()) {
        vars.emplace_back("AWS_REGION", region);
        vars.emplace_back("AWS_DEFAULT_REGION", region);
    }
    if (!profile.empty()) vars.emplace_back("SESAME_PROFILE", profile);
    if (!labels.account.empty()) vars.emplace_back("SESAME_ACCOUNT", labels.account);
    if (!labels.refresh_options.empty()) vars.emplace_back("SESAME_REFRESH_OPTIONS", labels.refresh_options);
    return vars;
}

std::string render_export(ExportFormat format, const Credentials& creds, const std::string& region,
                          const std::string& profile, const SessionLabels& labels) {
    std::string out;
    switch (format) {
        case ExportFormat::Json: {
            nlohmann::ordered_json j;
            j["Version"] = 1;
            j["AccessKeyId"] = creds.access_key_id;
            j["SecretAccessKey"] = creds.secret_access_key.reveal();
            if (!creds.session_token.empty()) j["SessionToken"] = creds.session_token.reveal();
            if (creds.expiration) j["Expiration"] = format_rfc3339(*creds.expiration);
            return j.dump(2) + "\n";
        }
        case ExportFormat::Ini: {
            out = fmt::format("[{}]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
                              profile.empty() ? "default" : profile, creds.access_key_id,
                              creds.secret_access_key.reveal());
            if (!creds.session_token.empty())
                out += fmt::format("aws_session_token = {}\n", creds.session_token.reveal());
            if (creds.expiration)
                out += fmt::format("aws_credential_expiration = {}\n", format_rfc3339(*creds.expiration));
            if (!region.empty()) out += fmt::format("region = {}\n", region);
            return out;
        }
        default:
            break;
    }
    // Variables that would otherwise shadow or contradict the exported keys in the user's shell
    // (botocore prefers a named profile; a stale token would pair with the new key).
    std::vector<std::string> stale{"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN",
                                   "SESAME_ACCOUNT", "SESAME_REFRESH_OPTIONS"};
    if (creds.session_token.empty()) stale.push_back("AWS_SESSION_TOKEN");
    if (!creds.expiration) stale.push_back("AWS_CREDENTIAL_EXPIRATION");
    for (const auto& name : stale) {
        switch (format) {
            case ExportFormat::ExportEnv:
                out += fmt::format("unset {};\n", name);
                break;
            case ExportFormat::Fish:
                // `set -e` of an unset variable fails, and fish keeps that status through the
                // `set -gx` lines after it: a sourced export would end non-zero.
                out += fmt::format("set -e {}; or true;\n", name);
                break;
            case ExportFormat::PowerShell:
                out += fmt::format("Remove-Item Env:{} -ErrorAction SilentlyContinue;\n", name);
                break;
            default:
                break;
        }
    }
    for (const auto& [name, value] : credential_variables(creds, region, profile, labels)) {
        switch (format) {
            case ExportFormat::Env:
                out += fmt::format("{}={}\n", name, value);
                break;
            case ExportFormat::ExportEnv:
                out += sh_export(name, value);
                break;
            case ExportFormat::Fish:
                out += fmt::format("set -gx {} {};\n", name, fish_quote(value));
                break;
            case ExportFormat::PowerShell:
                out += fmt::format("$env:{} = {};\n", name, powershell_quote(value));
                break;
            default:
                break;
        }
    }
    return out;
}

}  // namespace sesame
