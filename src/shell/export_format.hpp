#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.hpp"
#include "util/error.hpp"

namespace sesame {

enum class ExportFormat { Env, ExportEnv, Json, Ini, Fish, PowerShell };

Result<ExportFormat> parse_export_format(std::string_view name);

/// What a shell's prompt and refresh read besides the credentials; never secret.
struct SessionLabels {
    std::string account;          ///< SESAME_ACCOUNT: the account id, when known
    std::string refresh_options;  ///< SESAME_REFRESH_OPTIONS (app/refresh_options), when any
};

/// The variables a command receives for these credentials: AWS_ACCESS_KEY_ID,
/// AWS_SECRET_ACCESS_KEY, and when present AWS_SESSION_TOKEN (also as AWS_SECURITY_TOKEN, its old
/// name), AWS_CREDENTIAL_EXPIRATION,
/// AWS_REGION / AWS_DEFAULT_REGION, SESAME_PROFILE and `labels`. Values are clear text: only for exec's
/// child environment and export's stdout.
std::vector<std::pair<std::string, std::string>> credential_variables(const Credentials& creds,
                                                                      const std::string& region,
                                                                      const std::string& profile,
                                                                      const SessionLabels& labels = {});

/// Renders credentials for `sesame export`. Shell formats quote every value so that any byte
/// (quotes, `$`, backticks, newlines) survives eval/source unchanged. Json is the
/// credential_process format botocore reads (Version 1).
std::string render_export(ExportFormat format, const Credentials& creds, const std::string& region,
                          const std::string& profile, const SessionLabels& labels = {});

/// POSIX shell single-quoting: abc'd -> 'abc'\''d'.
std::string shell_quote(std::string_view s);
/// `s` as one fish word, whatever it holds (single quotes; only \\ and \' escaped).
std::string fish_quote(std::string_view s);

}  // namespace sesame
