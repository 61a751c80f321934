#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/ini.hpp"
#include "platform/env.hpp"
#include "util/error.hpp"

namespace sesame {

struct ConfigPaths {
    std::string config;
    std::string credentials;
};

/// AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials.
/// Like botocore, $VAR / ${VAR} and a leading ~ are expanded in the variables' values.
ConfigPaths config_paths(const Env& env);

/// The shared config and credentials files, with sections mapped to names as botocore's
/// build_profile_map does: [default] and [profile NAME] are profiles, [sso-session NAME] and
/// [services NAME] their own kinds; credentials-file sections are profile names as written.
class AwsConfig {
  public:
    /// Reads both files; a missing file is empty; an unreadable (or directory) or malformed one is
    /// an error naming it.
    static Result<AwsConfig> load(const ConfigPaths& paths);

    /// Parses the two files' text; the paths are used in messages and kept for paths().
    /// Like botocore, a nested block ("s3 =" then indented lines) that is not all "key = value"
    /// lines makes the whole file an error.
    static Result<AwsConfig> parse(std::string_view config_text, std::string_view credentials_text,
                                   ConfigPaths paths);

    /// The config-file section of profile `name` ("default" is [default] or [profile default]).
    const IniSection* profile(std::string_view name) const;
    /// The [name] section of the credentials file.
    const IniSection* credentials(std::string_view name) const;
    const IniSection* sso_session(std::string_view name) const;
    const IniSection* services(std::string_view name) const;

    /// Profiles named in either file, sorted, without duplicates.
    std::vector<std::string> profile_names() const;

    const ConfigPaths& paths() const { return m_paths; }

  private:
    /// The kinds of config-file section build_profile_map tells apart, by name prefix.
    enum class Kind { profile, sso_session, services };

    static Result<AwsConfig> parse_owned(std::string config_text, std::string credentials_text,
                                         ConfigPaths paths);
    const IniSection* lookup(Kind kind, std::string_view name) const;

    ConfigPaths m_paths;
    IniFile m_config;
    IniFile m_credentials;
    /// Per kind, name -> position in m_config of the last section named other than "profile NAME"
    /// with a NAME shlex leaves alone ([profile "my dev"], [profile  x], [profiles x]...). The
    /// usual sections are found by their exact name instead: no index of 10,000 names to build.
    std::array<std::map<std::string, size_t, std::less<>>, 3> m_irregular;
};

/// Python's shlex.split (POSIX mode, no comments), which botocore applies to section names:
/// `profile "my dev"` -> {"profile", "my dev"}. Fails (empty optional) on an unclosed quote or a
/// trailing backslash, where botocore ignores the section.
std::optional<std::vector<std::string>> shlex_split(std::string_view s);

}  // namespace sesame
