#include "config/profile.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "aws/arn.hpp"
#include "aws/sts.hpp"
#include "config/ini_text.hpp"
#include "util/strings.hpp"

namespace sesame {

namespace {

/// Keys the AWS CLI, botocore or sesame read from a profile; anything else draws a warning.
/// string_views, not strings: no allocations in a static initialiser on every start.
constexpr std::string_view k_known_keys[] = {
    "region",
    "output",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
    "aws_account_id",
    "role_arn",
    "source_profile",
    "credential_source",
    "mfa_serial",
    "mfa_process",
    "external_id",
    "role_session_name",
    "session_tags",
    "transitive_session_tags",
    "source_identity",
    "duration_seconds",
    "credential_process",
    "login_session",
    "endpoint_url",
    "services",
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
    "sso_registration_scopes",
    "web_identity_token_file",
    "web_identity_token_process",
    "sts_regional_endpoints",
    "include_profile",
    "parent_profile",
    "ca_bundle",
    "proxy_ca_bundle",
    "proxy_client_cert",
    "proxy_use_forwarding_for_https",
    "csm_enabled",
    "csm_host",
    "csm_port",
    "csm_client_id",
    "data_path",
    "s3",
    "dynamodb",
    "retry_mode",
    "max_attempts",
    "ignore_configured_endpoint_urls",
    "account_id_endpoint_mode",
    "api_versions",
    "auth_scheme_preference",
    "defaults_mode",
    "disable_host_prefix_injection",
    "disable_request_compression",
    "ec2_metadata_service_endpoint",
    "ec2_metadata_service_endpoint_mode",
    "ec2_metadata_v1_disabled",
    "endpoint_discovery_enabled",
    "imds_use_ipv6",
    "metadata_service_num_attempts",
    "metadata_service_timeout",
    "parameter_validation",
    "request_checksum_calculation",
    "request_min_compression_size_bytes",
    "response_checksum_validation",
    "s3_disable_express_session_auth",
    "sdk_ua_app_id",
    "sigv4a_signing_region_set",
    "tcp_keepalive",
    "use_dualstack_endpoint",
    "use_fips_endpoint",
};

/// The string settings copied into ProfileConfig, keyed as they are written in the file.
const std::pair<const char*, std::string ProfileConfig::*> k_string_fields[] = {
    {"region", &ProfileConfig::region},
    {"mfa_serial", &ProfileConfig::mfa_serial},
    {"role_arn", &ProfileConfig::role_arn},
    {"external_id", &ProfileConfig::external_id},
    {"role_session_name", &ProfileConfig::role_session_name},
    {"source_profile", &ProfileConfig::source_profile_name},
    {"credential_process", &ProfileConfig::credential_process},
    {"mfa_process", &ProfileConfig::mfa_process},
    {"endpoint_url", &ProfileConfig::endpoint_url},
    {"sts_regional_endpoints", &ProfileConfig::sts_regional_endpoints},
    {"services", &ProfileConfig::services_name},
    {"session_tags", &ProfileConfig::session_tags},
    {"transitive_session_tags", &ProfileConfig::transitive_session_tags},
    {"source_identity", &ProfileConfig::source_identity},
    {"credential_source", &ProfileConfig::credential_source},
};

constexpr long k_min_duration = k_min_session_duration.count(),
               k_max_duration = k_max_session_duration.count();

/// A setting's value and where it came from, so errors can point at the line that set it.
struct Setting {
    std::string value;
    std::string where;    ///< "path:line" or the environment variable's name
    std::string section;  ///< "[profile dev]", or "" for the environment
};

bool is_known_key(const std::string& key) {
    return key.starts_with("cli_") || key.starts_with("sesame_") ||
           std::find(std::begin(k_known_keys), std::end(k_known_keys), key) != std::end(k_known_keys);
}

class Resolver {
  public:
    Resolver(const AwsConfig& cfg, const Env& env, const ResolveOptions& opts)
        : m_cfg(cfg), m_env(env), m_opts(opts) {}

    /// `chain` holds the profiles whose source_profile led here, target first.
    Result<ProfileConfig> resolve(const std::string& name, std::vector<std::string>& chain) {
        if (std::find(chain.begin(), chain.end(), name) != chain.end())
            return fail(fmt::format("profile \"{}\": source_profile loop {} -> {}", chain.front(),
                                    join(chain, " -> "), name),
                        "one profile in the loop must hold its own keys instead of naming a source_profile");
        if (!defined(name)) return undefined(name, chain);
        ProfileConfig p;
        p.name = name;
        p.has_section = m_cfg.profile(name) != nullptr;
        std::map<std::string, Setting> settings;
        std::vector<std::string> visited;
        SESAME_TRY(fill(p, settings, name, visited));
        if (auto it = settings.find("source_profile"); it != settings.end() && it->second.value == name) {
            settings.erase(it);
            p.source_is_self = true;
        }
        apply_env(settings, chain.empty());
        // A refused profile's unknown keys are told with the error: a misspelt key (source_profle)
        // is often why it was refused, and the warnings are printed only for a profile that resolves.
        if (auto applied = apply(p, settings, chain.empty()); !applied) {
            Error e = std::move(applied.error());
            for (const auto& w : p.warnings) e.message += "\n  " + w;
            return std::unexpected(std::move(e));
        }
        // botocore reads source_profile only to assume a role, and never for a source that holds
        // keys (those are used as they are): a stray source_profile there is not followed.
        const bool is_target = chain.empty();
        if (!p.source_profile_name.empty() && !p.role_arn.empty() && (is_target || !has_keys(name))) {
            chain.push_back(name);
            auto source = resolve(p.source_profile_name, chain);
            chain.pop_back();
            if (!source) return std::unexpected(std::move(source.error()));
            for (auto& w : source->warnings) add_warning(p, w);
            p.source = std::make_shared<const ProfileConfig>(std::move(*source));
        }
        return p;
    }

  private:
    bool defined(const std::string& name) const {
        return m_cfg.profile(name) || m_cfg.credentials(name) || has_keys(name);
    }

    std::string undefined_hint(const std::string& name) const {
        auto names = m_cfg.profile_names();
        if (auto guess = closest_match(name, names); !guess.empty())
            return fmt::format("did you mean \"{}\"? To store keys for a new profile, run \"sesame add {}\"",
                               guess, name);
        if (names.empty())
            return fmt::format("run \"sesame add {}\" to store its keys, or add a [profile {}] section to {}",
                               name, name, m_cfg.paths().config);
        if (names.size() > 10) {
            names.resize(10);
            names.push_back("...");
        }
        return fmt::format("known profiles: {}; or run \"sesame add {}\" to store its keys",
                           join(names, ", "), name);
    }

    std::unexpected<Error> undefined(const std::string& name, const std::vector<std::string>& chain) const {
        std::string what = fmt::format("profile \"{}\" is not defined in {}", name, m_cfg.paths().config);
        if (!chain.empty())
            what = fmt::format("profile \"{}\": source_profile \"{}\" is not defined in {}", chain.back(),
                               name, m_cfg.paths().config);
        return fail(std::move(what), undefined_hint(name));
    }

    /// aws-vault's populateFromConfigFile: own keys first, then include_profile (or the deprecated
    /// parent_profile) or else [default] fill what is still unset. `visited` detects include loops.
    Result<void> fill(ProfileConfig& p, std::map<std::string, Setting>& settings, const std::string& name,
                      std::vector<std::string>& visited) {
        if (std::find(visited.begin(), visited.end(), name) != visited.end())
            return fail(fmt::format("profile \"{}\": include_profile loop {} -> {}", p.name,
                                    join(visited, " -> "), name),
                        "remove include_profile from one of these profiles");
        visited.push_back(name);
        // botocore merges a profile's ~/.aws/credentials section over its config section.
        if (const IniSection* creds = m_cfg.credentials(name))
            take(p, settings, *creds, m_cfg.paths().credentials);
        const IniSection* section = m_cfg.profile(name);
        if (!section) return name == "default" ? Result<void>() : fill(p, settings, "default", visited);
        const std::string& path = m_cfg.paths().config;
        std::string label = take(p, settings, *section, path);
        const IniValue* include = section->find("include_profile");
        const IniValue* parent = section->find("parent_profile");
        if (parent && !parent->value.empty())
            add_warning(p, fmt::format("{}:{}: parent_profile in {} is deprecated; use include_profile", path,
                                       parent->line, label));
        const IniValue* link = include && !include->value.empty() ? include
                               : parent && !parent->value.empty() ? parent
                                                                  : nullptr;
        if (link) {
            if (!m_cfg.profile(link->value))
                return fail(
                    fmt::format("profile \"{}\": {} \"{}\" is not defined in {}", name,
                                link == include ? "include_profile" : "parent_profile", link->value, path),
                    fmt::format("it is named on line {} of {}", link->line, path));
            return fill(p, settings, link->value, visited);
        }
        if (name != "default" && m_cfg.profile("default")) return fill(p, settings, "default", visited);
        return {};
    }

    /// Takes the settings of `section` (of the file at `path`) that are still unset, warning about
    /// unknown keys; returns the section's label ("[profile dev]").
    std::string take(ProfileConfig& p, std::map<std::string, Setting>& settings, const IniSection& section,
                     const std::string& path) {
        std::string label = "[" + section.name + "]";
        for (const auto& [key, value] : section.entries) {
            if (!is_known_key(key)) warn_unknown(p, path, value.line, key, label);
            if (!value.value.empty() && !settings.contains(key))
                settings[key] = Setting{value.value, fmt::format("{}:{}", path, value.line), label};
        }
        return label;
    }

    void warn_unknown(ProfileConfig& p, const std::string& path, int line, const std::string& key,
                      const std::string& label) {
        std::string guess =
            closest_match(key, std::vector<std::string>(std::begin(k_known_keys), std::end(k_known_keys)));
        add_warning(p, guess.empty()
                           ? fmt::format("{}:{}: unknown key \"{}\" in {} (ignored)", path, line, key, label)
                           : fmt::format("{}:{}: unknown key \"{}\" in {} (did you mean \"{}\"?)", path, line,
                                         key, label, guess));
    }

    static void add_warning(ProfileConfig& p, std::string w) {
        if (std::find(p.warnings.begin(), p.warnings.end(), w) == p.warnings.end())
            p.warnings.push_back(std::move(w));
    }

    void apply_env(std::map<std::string, Setting>& settings, bool is_target) const {
        auto set_from = [&](const char* key, const char* var, bool override) {
            auto value = m_env.get(var);
            if (value && (override || !settings.contains(key))) settings[key] = Setting{*value, var, ""};
        };
        // The AWS CLI lets the environment win over the files; AWS_REGION is the SDKs' name for it.
        set_from("region", m_env.get("AWS_REGION") ? "AWS_REGION" : "AWS_DEFAULT_REGION", true);
        if (!m_opts.region.empty()) settings["region"] = Setting{m_opts.region, "--region", ""};
        set_from("sts_regional_endpoints", "AWS_STS_REGIONAL_ENDPOINTS", true);
        set_from("mfa_serial", "AWS_MFA_SERIAL", false);
        if (is_target) {
            set_from("role_arn", "AWS_ROLE_ARN", false);
            set_from("role_session_name", "AWS_ROLE_SESSION_NAME", false);
        }
    }

    static std::string at(const Setting& s) {
        return s.section.empty() ? s.where : fmt::format("{}: {}", s.where, s.section);
    }

    Result<void> apply(ProfileConfig& p, const std::map<std::string, Setting>& settings,
                       bool is_target) const {
        for (const auto& [key, member] : k_string_fields)
            if (auto it = settings.find(key); it != settings.end()) p.*member = it->second.value;
        // botocore reads the AssumeRole settings only of a profile that assumes its role: the
        // target, or a source without keys of its own.
        const bool assumes = !p.role_arn.empty() && (is_target || !has_keys(p.name));
        if (auto it = settings.find("duration_seconds"); assumes && it != settings.end()) {
            // botocore reads it with int() and drops it, silently, when int() raises.
            const std::string& v = it->second.value;
            auto seconds = ini_text::py_int(v);
            if (!seconds) {
                add_warning(p,
                            fmt::format("{}: duration_seconds \"{}\" is not a whole number; ignored, as the "
                                        "AWS CLI ignores it (the role's session lasts 1 hour)",
                                        at(it->second), v));
            } else if (*seconds < k_min_duration || *seconds > k_max_duration) {
                return fail(
                    fmt::format("{}: duration_seconds \"{}\" must be a whole number of seconds from {} to {}",
                                at(it->second), v, k_min_duration, k_max_duration),
                    "AssumeRole accepts 900 (15 minutes) to 43200 (12 hours), up to the role's maximum");
            } else {
                p.duration_seconds = std::chrono::seconds(*seconds);
            }
        }
        if (auto it = settings.find("ignore_configured_endpoint_urls"); it != settings.end())
            p.ignore_configured_endpoint_urls = to_lower(it->second.value) == "true";
        if (auto it = settings.find("role_arn"); assumes && it != settings.end() && !is_role_arn(p.role_arn))
            return fail(fmt::format("{}: role_arn \"{}\" is not an IAM role ARN", at(it->second), p.role_arn),
                        "expected arn:aws:iam::123456789012:role/NAME");
        if (auto it = settings.find("role_session_name"); assumes && it != settings.end()) {
            // botocore validates parameters before sending: 2 to 64 of [\w+=,.@-].
            const std::string& v = p.role_session_name;
            bool ok = v.size() >= 2 && v.size() <= 64 && std::all_of(v.begin(), v.end(), [](char c) {
                          return std::isalnum(static_cast<unsigned char>(c)) ||
                                 std::string_view("_+=,.@-").find(c) != std::string_view::npos;
                      });
            if (!ok)
                return fail(
                    fmt::format("{}: role_session_name \"{}\" must be 2 to 64 letters, digits or +=,.@_-",
                                at(it->second), printable(v)),
                    "the AWS CLI refuses it before calling STS too");
        }
        if (auto it = settings.find("sts_regional_endpoints"); it != settings.end() &&
                                                               p.sts_regional_endpoints != "regional" &&
                                                               p.sts_regional_endpoints != "legacy")
            return fail(fmt::format("{}: sts_regional_endpoints \"{}\" must be \"regional\" or \"legacy\"",
                                    at(it->second), p.sts_regional_endpoints));
        if (auto it = settings.find("services"); it != settings.end()) SESAME_TRY(check_services(it->second));
        if (auto it = settings.find("role_arn"); it != settings.end())
            SESAME_TRY(check_role_source(p, settings, it->second, is_target));
        return {};
    }

    /// botocore's AssumeRoleProvider._get_role_config: a role needs exactly one of source_profile
    /// and credential_source. A source profile with keys never gets here in botocore (its keys
    /// are used as they are), so neither does it here.
    Result<void> check_role_source(const ProfileConfig& p, const std::map<std::string, Setting>& settings,
                                   const Setting& role, bool is_target) const {
        bool has_source = !p.source_profile_name.empty() || p.source_is_self;
        bool has_credential_source = settings.contains("credential_source");
        if (!is_target && has_keys(p.name)) return {};
        if (has_source && has_credential_source)
            return fail(fmt::format("{}: profile \"{}\" sets both source_profile and credential_source",
                                    at(role), p.name),
                        "keep one of them; the AWS CLI refuses this profile too");
        if (has_credential_source) {
            const Setting& cs = settings.at("credential_source");
            if (p.credential_source == "Environment") return {};
            if (p.credential_source == "Ec2InstanceMetadata" || p.credential_source == "EcsContainer")
                return fail(fmt::format("{}: credential_source = {} is not supported by sesame yet", at(cs),
                                        p.credential_source),
                            "use source_profile, or credential_source = Environment");
            return fail(
                fmt::format("{}: credential_source \"{}\" is not one of Environment, "
                            "Ec2InstanceMetadata, EcsContainer",
                            at(cs), p.credential_source));
        }
        if (p.source_is_self) {
            if (has_keys(p.name)) return {};
            return fail(
                fmt::format("{}: source_profile of \"{}\" names the profile itself, but sesame holds no "
                            "keys for it",
                            at(role), p.name),
                fmt::format("store its keys with: sesame add {}", p.name));
        }
        if (has_source) return {};
        // aws-vault's AWS_ROLE_ARN: the target's role, assumed with the profile's own keys.
        if (role.where == "AWS_ROLE_ARN" && has_keys(p.name)) return {};
        bool unsupported = settings.contains("web_identity_token_file") || settings.contains("sso_session") ||
                           settings.contains("sso_start_url");
        return fail(
            fmt::format("{}: role_arn is set but neither source_profile nor credential_source: the AWS "
                        "CLI refuses this profile (\"Partial credentials found in assume-role\")",
                        at(role)),
            unsupported ? "sesame does not support web identity or SSO yet; set source_profile to a "
                          "profile whose keys sesame holds"
            : has_keys(p.name)
                ? fmt::format("to assume the role with this profile's own keys, add: source_profile = {}",
                              p.name)
                : "set source_profile to a profile whose keys sesame holds");
    }

    /// botocore fails when `services` names a missing section, and expects each service entry in
    /// it to be an indented block ("sts =" then "endpoint_url = ...").
    Result<void> check_services(const Setting& s) const {
        const IniSection* section = m_cfg.services(s.value);
        if (!section)
            return fail(
                fmt::format("{}: services \"{}\" has no [services {}] section", at(s), s.value, s.value),
                fmt::format("add a [services {}] section to {} or remove the setting", s.value,
                            m_cfg.paths().config));
        for (const char* service : {"sts", "iam", "organizations"})
            if (const IniValue* v = section->find(service); v && !v->value.starts_with('\n'))
                return fail(
                    fmt::format("{}:{}: \"{}\" in [{}] must be an indented block of settings",
                                m_cfg.paths().config, v->line, service, section->name),
                    fmt::format(
                        "write \"{} =\" and on the next line, indented, \"endpoint_url = https://...\"",
                        service));
        return {};
    }

    bool has_keys(const std::string& name) const {
        return m_opts.has_stored_keys && m_opts.has_stored_keys(name);
    }

    const AwsConfig& m_cfg;
    const Env& m_env;
    const ResolveOptions& m_opts;
};

}  // namespace

Result<ProfileConfig> resolve_profile(const AwsConfig& cfg, const Env& env, const std::string& name,
                                      const ResolveOptions& opts) {
    std::vector<std::string> chain;
    return Resolver(cfg, env, opts).resolve(name, chain);
}

}  // namespace sesame
