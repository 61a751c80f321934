#include "cli/environment.hpp"

#include <fmt/format.h>

#include "app/settings.hpp"

namespace sesame {

namespace {

/// What the man page says of a variable that is not sesame's own setting.
struct OtherVariable {
    const char* name;
    EnvironmentVariable::Kind kind;
    const char* meaning;
};

/// The variables of other tools' conventions: botocore's rules for AWS_* (config/ reads them),
/// the XDG base directories, the proxies. sesame's own are in the settings table
/// (app/settings.cpp).
const std::vector<OtherVariable>& other_variables() {
    using E = EnvironmentVariable;
    static const std::vector<OtherVariable> table{
        {"AWS_DEFAULT_PROFILE", E::Read,
         "The profile to use when none is given; before AWS_PROFILE, as in botocore (then \"default\"). "
         "Removed from the command's environment, so that it cannot override the credentials."},
        {"AWS_PROFILE", E::Read, "The profile to use when none is given (then \"default\")."},
        {"AWS_CONFIG_FILE", E::Read, "The AWS config file (default ~/.aws/config)."},
        {"AWS_SHARED_CREDENTIALS_FILE", E::Read, "The AWS credentials file (default ~/.aws/credentials)."},
        {"AWS_REGION", E::Read, "The region, over the profile's (also set for the command)."},
        {"AWS_DEFAULT_REGION", E::Read, "The region when AWS_REGION is unset (also set for the command)."},
        {"AWS_ENDPOINT_URL", E::Read, "An endpoint for every service, as in the AWS CLI."},
        {"AWS_ENDPOINT_URL_<SERVICE>", E::Read,
         "An endpoint for one service (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_IAM, ...), over "
         "AWS_ENDPOINT_URL."},
        {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", E::Read,
         "true: ignore the endpoint variables and the config's endpoint settings."},
        {"AWS_STS_REGIONAL_ENDPOINTS", E::Read, "regional (default) or legacy: which STS endpoint to call."},
        {"AWS_MFA_SERIAL", E::Read, "The MFA device, over the profile's mfa_serial (as in aws-vault)."},
        {"AWS_ROLE_ARN", E::Read, "The role to assume, over the profile's role_arn (as in aws-vault)."},
        {"AWS_ROLE_SESSION_NAME", E::Read, "The role session name, over the profile's (as in aws-vault)."},
        {"AWS_ACCESS_KEY_ID", E::Read,
         "With add --env: the access key id to store (removed from the command's environment)."},
        {"AWS_SECRET_ACCESS_KEY", E::Read,
         "With add --env: the secret access key to store (removed from the command's environment)."},
        {"AWS_CA_BUNDLE", E::Read, "A PEM file of certificate authorities to trust for AWS endpoints."},
        {"HTTPS_PROXY", E::Read, "Proxy for https URLs (also https_proxy)."},
        {"HTTP_PROXY", E::Read, "Proxy for http URLs (also http_proxy)."},
        {"NO_PROXY", E::Read, "Hosts reached without the proxy (also no_proxy)."},
        {"BROWSER", E::Read,
         "The browser login opens (a :-separated list; %s stands for the URL), else xdg-open (open on "
         "macOS)."},
        {"SHELL", E::Read, "The shell exec runs without a command, and that shell starts."},
        {"DISPLAY", E::Read,
         "With WAYLAND_DISPLAY: a desktop is there, so SESAME_PROMPT=auto without a terminal asks in a "
         "zenity or "
         "kdialog dialog, and those drivers can open one."},
        {"WAYLAND_DISPLAY", E::Read, "As DISPLAY, for a Wayland desktop."},
        {"NO_COLOR", E::Read,
         "Set and not empty: the prompt segment has no colours, unless SESAME_PROMPT_COLORS says otherwise."},
        {"TERM", E::Read,
         "Unset or dumb: the prompt segment has no colours (unless SESAME_PROMPT_COLORS says so)."},
        {"COLORFGBG", E::Read, "mfa-setup --qr auto: the terminal's colours, to draw a QR code that scans."},
        {"XDG_DATA_HOME", E::Read, "Where the vault lives by default ($XDG_DATA_HOME/sesame)."},
        {"XDG_CACHE_HOME", E::Read,
         "Where big configs are indexed ($XDG_CACHE_HOME/sesame, default ~/.cache/sesame)."},
        {"XDG_RUNTIME_DIR", E::Read,
         "Where the key agent's socket and the endpoints' token files are made ($XDG_RUNTIME_DIR/sesame)."},
        {"TMPDIR", E::Read,
         "Where the endpoints' token files are made without XDG_RUNTIME_DIR (default /tmp)."},
        {"HOME", E::Read, "Where ~/.aws and the XDG defaults are."},
        {"PASSWORD_STORE_DIR", E::Read,
         "pass's store (default ~/.password-store): where the pass backend's entries are (pass reads it "
         "too)."},
        {"AWS_VAULT_PASS_PASSWORD_STORE_DIR", E::Read,
         "import --from aws-vault: aws-vault's pass store (default ~/.password-store)."},
        {"AWS_VAULT_PASS_PREFIX", E::Read,
         "import --from aws-vault: the folder of aws-vault's entries in pass."},
        {"AWS_VAULT_PASS_CMD", E::Read, "import --from aws-vault: the pass program (default pass)."},
        {"AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME", E::Read,
         "import --from aws-vault: aws-vault's Secret Service collection (default awsvault)."},

        {"AWS_SESSION_TOKEN", E::SetForCommand, "The session token of the temporary credentials."},
        {"AWS_SECURITY_TOKEN", E::SetForCommand,
         "The session token again, under the old name that boto 2 and other old tools read; an inherited "
         "one is removed."},
        {"AWS_CREDENTIAL_EXPIRATION", E::SetForCommand, "When the credentials expire (RFC 3339, UTC)."},
        {"AWS_CONTAINER_CREDENTIALS_FULL_URI", E::SetForCommand,
         "exec --ecs-server: the loopback endpoint's URL."},
        {"AWS_CONTAINER_AUTHORIZATION_TOKEN", E::SetForCommand, "exec --ecs-server: the endpoint's token."},
        {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", E::SetForCommand,
         "exec --ecs-server: a 0600 file holding the token."},
        {"AWS_EC2_METADATA_SERVICE_ENDPOINT", E::SetForCommand,
         "exec --ec2-server: the loopback instance-metadata endpoint."},

        {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", E::RemovedFromCommand,
         "Removed, so that SDKs use the credentials sesame gives."},
        {"AWS_EC2_METADATA_DISABLED", E::RemovedFromCommand,
         "Removed with --ec2-server, so that SDKs ask the endpoint."},
    };
    return table;
}

}  // namespace

std::string setting_meaning(const Setting& setting) {
    std::string meaning(setting.doc);
    const std::string_view fallback = setting_default_text(setting);
    if (fallback.empty()) return meaning;
    if (meaning.ends_with('.')) meaning.pop_back();
    return meaning + " (default " + std::string(fallback) + ").";
}

namespace {

/// Another tool's name for a setting, as the man page lists it.
EnvironmentVariable alias_variable(const Setting& setting, const SettingAlias& alias) {
    std::string meaning =
        alias.refused_because.empty()
            ? fmt::format("{}'s name for {}, read when that is unset.", alias.tool, setting.name)
            : fmt::format("{}'s: refused (set {} instead): {}.", alias.tool, setting.name,
                          alias.refused_because);
    return {std::string(alias.name), EnvironmentVariable::Read, std::move(meaning)};
}

}  // namespace

const std::vector<EnvironmentVariable>& environment_variables() {
    static const std::vector<EnvironmentVariable> table = [] {
        std::vector<EnvironmentVariable> all;
        for (const auto& s : settings_table()) {
            all.push_back(
                {std::string(s.name),
                 s.use == SettingUse::Read ? EnvironmentVariable::Read : EnvironmentVariable::SetForCommand,
                 setting_meaning(s)});
        }
        for (const auto& s : settings_table())
            for (const auto& a : s.aliases) all.push_back(alias_variable(s, a));
        for (const auto& v : other_variables()) all.push_back({v.name, v.kind, v.meaning});
        return all;
    }();
    return table;
}

}  // namespace sesame
