#include "providers/process_provider.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "config/aws_config.hpp"
#include "platform/process.hpp"
#include "util/time.hpp"

namespace sesame {

Result<Credentials> parse_credential_process_output(std::string_view text, const std::string& where) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return fail(
            fmt::format("{}: output is not a JSON object", where),
            "credential_process must print {\"Version\": 1, \"AccessKeyId\": ..., \"SecretAccessKey\": ...}");
    }
    auto version = j.find("Version");
    // Compared as JSON numbers: get<int>() would truncate 4294967297 to 1.
    if (version == j.end() || !version->is_number_integer() || *version != 1) {
        return fail(fmt::format("{}: unsupported Version (expected 1)", where));
    }
    auto str = [&](const char* key) -> std::string {
        auto it = j.find(key);
        return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    Credentials creds;
    creds.access_key_id = str("AccessKeyId");
    creds.secret_access_key = Secret(str("SecretAccessKey"));
    creds.session_token = Secret(str("SessionToken"));
    if (creds.access_key_id.empty()) return fail(fmt::format("{}: AccessKeyId is missing", where));
    if (creds.secret_access_key.empty()) return fail(fmt::format("{}: SecretAccessKey is missing", where));
    if (std::string exp = str("Expiration"); !exp.empty()) {
        auto t = parse_rfc3339(exp);
        if (!t) return fail(fmt::format("{}: Expiration \"{}\" is not an RFC 3339 time", where, exp));
        creds.expiration = *t;
    }
    return creds;
}

Result<Credentials> ProcessProvider::retrieve() {
    std::string where = fmt::format("credential_process of profile \"{}\"", m_profile);
    // As botocore: split with shlex (POSIX rules, no comments) and run without a shell, so "$VAR",
    // "2>/dev/null" and "# note" reach the program as words.
    auto argv = shlex_split(m_command);
    if (!argv)
        return fail(
            fmt::format("{}: cannot split \"{}\" into words (an unclosed quote or a trailing backslash)",
                        where, m_command),
            "the AWS CLI splits credential_process as a POSIX shell would, but runs no shell");
    if (argv->empty()) return fail(fmt::format("{} is empty", where));
    auto out = run_capture(*argv, m_env);
    if (!out) return std::unexpected(std::move(out.error()).context(where));
    if (out->exit_code != 0) {
        sodium_memzero(out->out.data(), out->out.size());
        return fail(fmt::format("{} exited with status {}", where, out->exit_code),
                    "run the command by hand to see its error");
    }
    auto creds = parse_credential_process_output(out->out, where);
    sodium_memzero(out->out.data(), out->out.size());
    return creds;
}

}  // namespace sesame
