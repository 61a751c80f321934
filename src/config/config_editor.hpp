#pragma once

#include <span>
#include <string>
#include <string_view>

#include "util/error.hpp"

namespace sesame {

/// Returns `config_text` (an AWS config file) with `key = value` set in profile `profile`, for
/// commands that record what they set up (an mfa_serial, a region).
///
/// The profile's section is the one botocore reads: [default] or [profile NAME], where NAME is
/// the second word shlex makes of the section name ([profile "a b"], [profile   x]); of several
/// such sections the last one. In it, an existing key line (matched without case, as botocore
/// lowercases keys) is replaced whole, continuation lines included, keeping its indentation and
/// spelling; a new key goes right after the section's last setting (before any blank or comment
/// lines that follow it), indented like it. Without such a section one is appended at the end
/// ([profile "a b"] quoted when shlex needs it). Everything else is kept byte for byte, and
/// added lines end like the file's first line does (CRLF stays CRLF).
///
/// Fails on text parse_ini rejects (messages name `path`), on a key that is not one
/// "name" (no '=', ':', whitespace, or leading '[', '#', ';'), on a value with a control
/// character or surrounding whitespace (botocore would not read it back as given), and on an
/// empty or multi-line profile name. The result is parsed again and must read back `value` with
/// every other setting unchanged, or the edit is refused: a file is never rewritten into
/// something that means more than was asked.
/// The section header botocore reads back as profile `profile`: [default], [profile NAME], or
/// [profile "NAME"] with '"' and '\\' escaped when shlex would split or unquote NAME.
std::string profile_section_header(std::string_view profile);

Result<std::string> set_profile_key(std::string_view config_text, std::string_view profile,
                                    std::string_view key, std::string_view value,
                                    std::string_view path = "~/.aws/config");

/// Returns `text` (the AWS credentials file, or with `config_file` the config file) without the
/// lines of `keys` (lowercase; continuation lines included) in every section of `profile` (in
/// the credentials file the section named so; in the config file each one botocore files under
/// it), everything else byte for byte. Read back, every other setting must be unchanged, or the
/// edit is refused. `sesame import` takes keys out of the files with it.
Result<std::string> remove_profile_keys(std::string_view text, std::string_view profile,
                                        std::span<const std::string_view> keys, std::string_view path,
                                        bool config_file);

}  // namespace sesame
