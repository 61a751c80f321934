#include "aws/sts.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>

#include "util/strings.hpp"
#include "util/time.hpp"

namespace sesame {

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

/// Credential values are base64 or key ids and never contain whitespace; AWS's documented samples
/// wrap long tokens over several indented lines, so all whitespace is dropped.
std::string without_whitespace(std::string s) {
    std::erase_if(s, [](unsigned char c) { return std::isspace(c) != 0; });
    return s;
}

/// Reads required fields below <{Action}Result>; a missing or empty one is an error naming it.
/// Values are trimmed.
class ResultReader {
  public:
    ResultReader(const pugi::xml_document& doc, std::string action) : m_action(std::move(action)) {
        m_result = child_local(child_local(doc, m_action + "Response"), m_action + "Result");
    }

    Result<std::string> text(std::initializer_list<std::string_view> path) const {
        if (!m_result) return malformed(fmt::format("missing {}Result", m_action));
        auto value = text_at(m_result, path);
        if (value) value = std::string(trim(*value));
        if (!value || value->empty()) return malformed(fmt::format("missing {}", fmt::join(path, "/")));
        return std::move(*value);
    }

    Result<Credentials> credentials() const {
        Credentials creds;
        auto key_id = text({"Credentials", "AccessKeyId"});
        auto secret = text({"Credentials", "SecretAccessKey"});
        auto token = text({"Credentials", "SessionToken"});
        auto expiration = text({"Credentials", "Expiration"});
        for (auto* field : {&key_id, &secret, &token, &expiration}) {
            if (!*field) return std::unexpected(std::move(field->error()));
        }
        auto when = parse_rfc3339(*expiration);
        if (!when)
            return malformed(fmt::format("Credentials/Expiration \"{}\" is not a timestamp", *expiration));
        creds.access_key_id = without_whitespace(std::move(*key_id));
        creds.secret_access_key = Secret(without_whitespace(std::move(*secret)));
        creds.session_token = Secret(without_whitespace(std::move(*token)));
        creds.expiration = *when;
        return creds;
    }

  private:
    std::unexpected<Error> malformed(const std::string& what) const {
        return fail(fmt::format("malformed {} response from STS: {}", m_action, what),
                    "this is unexpected; retry, and report it if it persists");
    }

    std::string m_action;
    pugi::xml_node m_result;
};

void add_duration(Params& params, std::chrono::seconds duration) {
    if (duration.count() > 0) params.emplace_back("DurationSeconds", std::to_string(duration.count()));
}

void add_mfa(Params& params, const std::string& serial, const Secret& code) {
    if (serial.empty()) return;
    params.emplace_back("SerialNumber", serial);
    params.emplace_back("TokenCode", code.reveal());
}

}  // namespace

Result<Credentials> Sts::get_session_token(const Credentials& caller, const GetSessionTokenInput& in) {
    QueryCall call{"sts", "GetSessionToken", k_version, {}};
    add_duration(call.params, in.duration);
    add_mfa(call.params, in.mfa_serial, in.mfa_code);
    auto doc = m_api.call(caller, call);
    if (!doc) return std::unexpected(std::move(doc.error()));
    return ResultReader(*doc, call.action).credentials();
}

Result<AssumedRole> Sts::assume_role(const Credentials& caller, const AssumeRoleInput& in) {
    QueryCall call{"sts", "AssumeRole", k_version, {}};
    call.params.emplace_back("RoleArn", in.role_arn);
    call.params.emplace_back("RoleSessionName", in.session_name);
    if (in.duration) add_duration(call.params, *in.duration);
    if (!in.external_id.empty()) call.params.emplace_back("ExternalId", in.external_id);
    add_mfa(call.params, in.mfa_serial, in.mfa_code);
    if (!in.policy.empty()) call.params.emplace_back("Policy", in.policy);
    if (!in.source_identity.empty()) call.params.emplace_back("SourceIdentity", in.source_identity);
    for (size_t i = 0; i < in.tags.size(); ++i) {
        call.params.emplace_back(fmt::format("Tags.member.{}.Key", i + 1), in.tags[i].first);
        call.params.emplace_back(fmt::format("Tags.member.{}.Value", i + 1), in.tags[i].second);
    }
    for (size_t i = 0; i < in.transitive_tag_keys.size(); ++i) {
        call.params.emplace_back(fmt::format("TransitiveTagKeys.member.{}", i + 1),
                                 in.transitive_tag_keys[i]);
    }
    auto doc = m_api.call(caller, call);
    if (!doc) return std::unexpected(std::move(doc.error()));

    ResultReader reader(*doc, call.action);
    auto creds = reader.credentials();
    if (!creds) return std::unexpected(std::move(creds.error()));
    auto arn = reader.text({"AssumedRoleUser", "Arn"});
    if (!arn) return std::unexpected(std::move(arn.error()));
    auto id = reader.text({"AssumedRoleUser", "AssumedRoleId"});
    if (!id) return std::unexpected(std::move(id.error()));
    return AssumedRole{std::move(*creds), std::move(*arn), std::move(*id)};
}

Result<CallerIdentity> Sts::get_caller_identity(const Credentials& caller) {
    QueryCall call{"sts", "GetCallerIdentity", k_version, {}};
    auto doc = m_api.call(caller, call);
    if (!doc) return std::unexpected(std::move(doc.error()));

    ResultReader reader(*doc, call.action);
    auto account = reader.text({"Account"});
    if (!account) return std::unexpected(std::move(account.error()));
    auto arn = reader.text({"Arn"});
    if (!arn) return std::unexpected(std::move(arn.error()));
    auto user_id = reader.text({"UserId"});
    if (!user_id) return std::unexpected(std::move(user_id.error()));
    return CallerIdentity{std::move(*account), std::move(*arn), std::move(*user_id)};
}

Result<FederatedUser> Sts::get_federation_token(const Credentials& caller, const FederationInput& in) {
    QueryCall call{"sts", "GetFederationToken", k_version, {}};
    call.params.emplace_back("Name", in.name);
    add_duration(call.params, in.duration);
    if (!in.policy.empty()) call.params.emplace_back("Policy", in.policy);
    auto doc = m_api.call(caller, call);
    if (!doc) return std::unexpected(std::move(doc.error()));

    ResultReader reader(*doc, call.action);
    auto creds = reader.credentials();
    if (!creds) return std::unexpected(std::move(creds.error()));
    auto arn = reader.text({"FederatedUser", "Arn"});
    if (!arn) return std::unexpected(std::move(arn.error()));
    return FederatedUser{std::move(*creds), std::move(*arn)};
}

AssumeRoleInput AssumeRoleInput::for_role(std::string role_arn, TimePoint now) {
    AssumeRoleInput in;
    in.role_arn = std::move(role_arn);
    in.session_name = default_role_session_name(now);
    return in;
}

std::string default_role_session_name(TimePoint now) {
    return fmt::format("sesame-{}",
                       std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

}  // namespace sesame
