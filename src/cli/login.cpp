#include "cli/login.hpp"

#include <fmt/format.h>

#include <memory>

#include "app/settings.hpp"
#include "aws/arn.hpp"
#include "aws/curl_http.hpp"
#include "aws/federation.hpp"
#include "cli/accounts.hpp"
#include "cli/credential_flags.hpp"
#include "platform/browser.hpp"
#include "providers/federation_token_provider.hpp"
#include "providers/static_provider.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

/// The Issuer the console is told about (where AWS would send the user when the session ends).
constexpr const char* k_issuer = "sesame";

struct ConsoleSession {
    Credentials credentials;
    bool from_role = false;
};

/// A session the sign-in endpoint takes: the profile's own when it comes from AssumeRole (or
/// --account), else a GetFederationToken session made with the user's long-term key.
Result<ConsoleSession> console_session(const LoginOptions& options, CredentialSource& source,
                                       std::optional<std::chrono::seconds> duration, Context& ctx) {
    auto stored = ctx.stored_key_profiles();
    if (!stored) return std::unexpected(stored.error());
    bool role =
        options.credentials.account.has_value() ||
        chain_assumes_role(source.profile(), [&](const std::string& p) { return stored->count(p) > 0; });
    if (role) {
        ctx.log().debug("login: the console gets the profile's role session");
        auto creds = source.fetch();
        if (!creds) return std::unexpected(creds.error());
        return ConsoleSession{std::move(*creds), true};
    }

    // GetFederationToken takes the long-term key itself, never a GetSessionToken session.
    CredentialRequest direct = options.credentials;
    direct.no_session = true;
    auto key_source = CredentialSource::open(ctx, direct);
    if (!key_source) return std::unexpected(key_source.error());
    auto key = (*key_source)->fetch();
    if (!key) return std::unexpected(key.error());
    if (key->is_temporary()) {
        // credential_process handed out a session: only the sign-in endpoint can tell if it takes it.
        ctx.log().debug("login: the console gets the session credential_process returned");
        return ConsoleSession{std::move(*key), false};
    }
    ctx.log().debug("login: the console gets a GetFederationToken session of the IAM user");
    auto sts = source.make_clients();
    FederationTokenProvider federation(
        std::make_unique<StaticProvider>(std::move(*key), fmt::format("stored key of \"{}\"", source.name())),
        sts->sts(source.profile()),
        // check_settings (cli/app.cpp) has refused a bad value before any command ran.
        duration.value_or(duration_setting(ctx.env(), "SESAME_FEDERATION_TOKEN_TTL").value()));
    auto federated = federation.retrieve();
    if (!federated) return std::unexpected(federated.error());
    return ConsoleSession{std::move(*federated), false};
}

}  // namespace

CommandRun declare_login(CommandFlags& flags) {
    auto options = std::make_shared<LoginOptions>();
    declare_credential_flags(flags, options->credentials, AccountFlags::With);
    flags.option("--path", options->path, "PATH", "Console page to open, e.g. /s3/home (default: home)");
    flags.flag("-s,--stdout", options->print_url,
               "Print the sign-in URL (a credential: keep it private) instead of opening it");
    flags.example(
        "Examples:\n  sesame login admin\n  sesame login admin --path /s3/home --region eu-west-1 --stdout");
    return [options](Context& ctx, const std::vector<std::string>& after_dashes) -> Result<int> {
        if (!after_dashes.empty()) return std::unexpected(Error{"login takes no command after --", "", 2});
        return run_login(*options, ctx);
    };
}

Result<int> run_login(const LoginOptions& options, Context& ctx) {
    std::optional<std::chrono::seconds> duration;
    if (!options.credentials.duration.empty()) {
        auto d = parse_duration(options.credentials.duration);
        if (!d) return std::unexpected(std::move(d.error()).context("--duration"));
        duration = *d;  // its range is checked by CredentialSource::open
    }
    auto source = CredentialSource::open(ctx, options.credentials);
    if (!source) return std::unexpected(source.error());

    // Everything that can be checked without the network is, before any prompt or STS call.
    const std::string region = (*source)->region();
    const ConsoleHosts hosts = console_hosts(partition_of(region).name);
    auto federation_setting = text_setting(ctx.env(), "SESAME_FEDERATION_URL");
    if (!federation_setting) return std::unexpected(std::move(federation_setting.error()));
    const std::string federation = federation_setting->value_or(hosts.federation);
    auto destination = console_destination(hosts.console, options.path, region);
    if (!destination) return std::unexpected(destination.error());

    auto session = console_session(options, **source, duration, ctx);
    if (!session) return std::unexpected(session.error());
    ctx.log().debug(fmt::format("login: asking {} for a sign-in token for {}", url_without_query(federation),
                                *destination));
    auto http = ctx.http_factory()();
    auto token = get_signin_token(*http, federation, session->credentials,
                                  session->from_role ? duration : std::nullopt);
    if (!token) return std::unexpected(token.error());
    Secret url = console_login_url(federation, k_issuer, *destination, *token);

    if (options.print_url) {
        Secret line(url.reveal() + "\n");
        ctx.out(line.reveal());
        return 0;
    }
    auto opener = open_in_browser(ctx.env(), url);
    if (!opener) return std::unexpected(opener.error());
    ctx.out(
        fmt::format("Opened the AWS console as profile \"{}\" with {} (the sign-in link works once, "
                    "within 15 minutes)\n",
                    (*source)->name(), *opener));
    return 0;
}

}  // namespace sesame
