#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "platform/env.hpp"
#include "util/error.hpp"

namespace sesame {

/// How a setting's value is read. Each type has one parser and one form of error.
enum class SettingType {
    Duration,  ///< 90s, 15m, 1h30m (util/time's parse_duration)
    Path,      ///< absolute: a relative path would mean another place in every working directory
    Choice,    ///< exactly one of the row's choices
    Url,       ///< http:// or https:// and a host
    String,    ///< any text
    Secret,    ///< any text, never shown, not even in an error
    Flag,      ///< 1, true, yes, on or 0, false, no, off, in any case
};

/// Another tool's variable that means what a sesame setting means (issue 15: aws-vault's
/// AWS_VAULT_FILE_PASSPHRASE for SESAME_FILE_PASSPHRASE). Sesame's own name wins when both are
/// set. Adding one is one line in the setting's alias list.
struct SettingAlias {
    std::string_view name;
    std::string_view tool;  ///< whose variable it is: "aws-vault", "aws-session"
    /// Empty: the alias is read as the setting. Otherwise setting the alias (and not the setting)
    /// is an error giving this reason and naming the setting to use instead.
    std::string_view refused_because = {};
};

/// Whether sesame reads a variable, or only sets it for the programs it starts.
enum class SettingUse { Read, SetForCommand };

/// One row of the settings table: all sesame knows about one of its SESAME_* variables. The man
/// page (cli/environment.cpp) and the README's table are made from these rows.
struct Setting {
    std::string_view name;
    SettingType type;
    /// Parsed like a value that is set; empty: there is none, or it is default_doc.
    std::string_view default_value;
    /// One sentence, without the default (which is added from the row).
    std::string_view doc;
    std::span<const std::string_view> choices = {};  ///< Choice: the accepted values
    /// A default that depends on other things, in words ("the partition's ...").
    std::string_view default_doc = {};
    /// Duration: the accepted range, when `most` is set (what STS accepts for the session).
    std::chrono::seconds least{0}, most{0};
    std::span<const SettingAlias> aliases = {};
    SettingUse use = SettingUse::Read;
};

/// Every SESAME_* variable sesame reads or sets, in the order the man page lists them.
std::span<const Setting> settings_table();

/// The row named `name` (sesame's own name, not an alias), or null.
const Setting* find_setting(std::string_view name);

/// The default as the man page and the README say it ("5m"; default_doc when it depends on
/// something else; empty when there is none).
std::string_view setting_default_text(const Setting& setting);

/// A parsed value: Duration gives seconds, Flag bool, the other types the text.
using SettingValue = std::variant<std::chrono::seconds, std::string, bool>;

/// Parses `text`, the value of `variable` (the setting's name, or the alias that gave it), by the
/// row's type. The one parser every accessor and check_settings use; an error reads
/// `SESAME_LOCK_WAIT="5 mins" is not a duration: it has a space`, with a hint giving the
/// accepted form and the default.
Result<SettingValue> parse_setting(const Setting& setting, std::string_view variable, std::string_view text);

/// The setting's value: its own variable's, else the first alias set (a refused alias is an
/// error naming the setting to use), else the row's default; nullopt with none of them. What the
/// typed accessors below and check_settings read with.
Result<std::optional<SettingValue>> read_setting(const Env& env, const Setting& setting);

// Typed accessors. Each reads the setting `name` from the snapshot (or, when it is unset, the first
// of its aliases that is set) and parses it; unset, it is the table's default. A value that does
// not parse is an error naming the variable: a bad value fails the command, it is never ignored
// and never turns a feature off. Asking for a name the table lacks, or with another type, is an
// error too (a bug in the caller).

/// Duration settings.
Result<std::chrono::seconds> duration_setting(const Env& env, std::string_view name);
/// Choice settings.
Result<std::string> choice_setting(const Env& env, std::string_view name);
/// Path, Url and String settings: nullopt when unset and the table has no default.
Result<std::optional<std::string>> text_setting(const Env& env, std::string_view name);
/// A duration setting with no default: nullopt when it is not set.
Result<std::optional<std::chrono::seconds>> optional_duration_setting(const Env& env, std::string_view name);
/// Flag settings.
Result<bool> flag_setting(const Env& env, std::string_view name);
/// Whether the setting (or one of its aliases) is set: for a value the user chose, which is
/// kept as given where sesame would otherwise adjust its default.
bool setting_is_set(const Env& env, std::string_view name);

/// Reads every setting in the table with read_setting: the first one that is bad, or nothing. cli/app.cpp
/// calls it before any command runs, so that a bad value fails every command alike, whichever settings that
/// command happens to read.
Result<void> check_settings(const Env& env);

/// A SESAME_* variable in the environment that is not in the table.
struct UnknownSetting {
    std::string name;
    std::string suggestion;  ///< the setting it is likely a typo of, or empty
};

/// The SESAME_* variables set that sesame does not know. Only a warning each, never an error:
/// other programs use the prefix too (sesame's own test and build scripts set SESAME_BIN and
/// SESAME_FUZZ_SECONDS), so cli/app.cpp warns about the likely typos (a suggestion) and mentions
/// the others only with --debug.
std::vector<UnknownSetting> unknown_settings(const Env& env);

}  // namespace sesame
