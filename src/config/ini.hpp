#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/error.hpp"

namespace sesame {

/// One setting's value as botocore sees it: stripped, continuation lines joined with '\n'.
struct IniValue {
    std::string value;
    int line = 0;            ///< line of the "key = value" line
    std::vector<int> lines;  ///< multi-line values: the line of each '\n'-separated part (else empty)
};

struct IniSection {
    std::string name;  ///< as written between the brackets (case-sensitive, not trimmed)
    int line = 0;
    std::vector<std::pair<std::string, IniValue>> entries;  ///< keys lowercased, file order

    /// The value for `key` (matched case-insensitively), or null.
    const IniValue* find(std::string_view key) const;
};

struct IniFile {
    std::string path;                  ///< as given; used only in messages
    std::vector<IniSection> sections;  ///< file order; [DEFAULT] is folded into each, not listed

    const IniSection* find(std::string_view name) const;
};

/// Parses text exactly as botocore does (Python's configparser.RawConfigParser with its defaults):
/// '#' and ';' start full-line comments only, '=' or ':' delimits (the first one wins), keys are
/// lowercased, lines indented deeper than their key continue its value, and duplicate sections or
/// keys are errors. Two deliberate differences: a leading UTF-8 BOM is skipped (Python fails on
/// it), and the first problem is reported rather than all of them. Errors read "path:line: ...".
Result<IniFile> parse_ini(std::string_view text, std::string path);

/// botocore's _parse_nested: a value that starts with a newline ("s3 =" then indented lines) is a
/// block of "key = value" lines; keys keep their case and a repeated key keeps the last value.
/// Fails with "path:line: ..." on a line without '=' (botocore rejects the whole file then).
Result<std::vector<std::pair<std::string, std::string>>> parse_nested(const IniValue& v,
                                                                      const std::string& path);

}  // namespace sesame
