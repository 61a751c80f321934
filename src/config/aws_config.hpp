#pragma once

#include <array>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config_index.hpp"
#include "config/ini.hpp"
#include "platform/env.hpp"
#include "util/error.hpp"

namespace sesame {

struct ConfigPaths {
    std::string config;
    std::string credentials;
    /// Where parse results of big config files are cached (config/config_index.hpp); empty: nowhere.
    std::string index_dir = {};
};

/// AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials.
/// Like botocore, $VAR / ${VAR} and a leading ~ are expanded in the variables' values. The index
/// directory is $XDG_CACHE_HOME/sesame, else ~/.cache/sesame.
ConfigPaths config_paths(const Env& env);

/// The shared config and credentials files, with sections mapped to names as botocore's
/// build_profile_map does: [default] and [profile NAME] are profiles, [sso-session NAME] and
/// [services NAME] their own kinds; credentials-file sections are profile names as written.
class AwsConfig {
  public:
    /// Reads both files; a missing file is empty; an unreadable (or directory) or malformed one is
    /// an error naming it. A config file of 64 KiB or more is indexed in paths.index_dir: while it
    /// is unchanged, later loads take its layout from there instead of checking it again.
    /// `index_settle`: see config_index::save (tests index files they have just written).
    static Result<AwsConfig> load(const ConfigPaths& paths,
                                  std::chrono::nanoseconds index_settle = config_index::k_settle);

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

    /// Whether load() found the config file's index and reads the file in parts (for --debug and
    /// tests).
    bool indexed() const { return m_indexed; }
    /// Whether reading the config file in parts failed for a section looked up (it then looks
    /// absent): the file was rewritten in place meanwhile. Callers turn this into an error.
    bool damaged() const { return m_config.damaged(); }

  private:
    /// The kinds of config-file section build_profile_map tells apart, by name prefix.
    enum class Kind { profile, sso_session, services };
    /// Per kind, name -> position in m_config of the last section named other than "profile NAME"
    /// with a NAME shlex leaves alone ([profile "my dev"], [profile  x], [profiles x]...). The
    /// usual sections are found by their exact name instead: no index of 10,000 names to build.
    using Irregular = std::array<std::map<std::string, size_t, std::less<>>, 3>;

    static Result<AwsConfig> parse_owned(std::string config_text, std::string credentials_text,
                                         ConfigPaths paths);
    /// The rest of a load once the config file is an IniFile: the credentials file, the checks.
    static Result<AwsConfig> assemble(IniFile config, std::string credentials_text, ConfigPaths paths);
    void index_irregular();
    /// m_irregular as saved with a config index, and back.
    std::string irregular_bytes() const;
    static std::optional<Irregular> parse_irregular(std::string_view bytes);
    const IniSection* lookup(Kind kind, std::string_view name) const;

    ConfigPaths m_paths;
    IniFile m_config;
    IniFile m_credentials;
    Irregular m_irregular;
    bool m_indexed = false;
};

/// Python's shlex.split (POSIX mode, no comments), which botocore applies to section names:
/// `profile "my dev"` -> {"profile", "my dev"}. Fails (empty optional) on an unclosed quote or a
/// trailing backslash, where botocore ignores the section.
std::optional<std::vector<std::string>> shlex_split(std::string_view s);

}  // namespace sesame
