#pragma once

#include <memory>
#include <optional>
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

/// A parsed INI file. Parsing checks the whole text (botocore rejects a file for any problem in
/// it) but keeps only each section's name and place; a section's entries are built the first time
/// it is looked up, so that resolving one profile in a 10,000-section file stays cheap.
/// Lookups are thread-safe, and the sections they return live as long as the IniFile, moves
/// included. A default-constructed (or moved-from) IniFile has no sections.
class IniFile {
  public:
    IniFile();
    IniFile(IniFile&&) noexcept;
    IniFile& operator=(IniFile&&) noexcept;
    ~IniFile();

    /// As given to parse_ini; used only in messages.
    const std::string& path() const;
    /// Number of sections; [DEFAULT] is folded into each of them, not counted.
    size_t size() const;
    /// The name of section `i` (file order, i < size()), without building the section.
    std::string_view name(size_t i) const;
    /// Section `i` (i < size()), with [DEFAULT]'s keys appended after its own.
    const IniSection& section(size_t i) const;
    /// The position of the section named exactly `name`, without building it.
    std::optional<size_t> index_of(std::string_view name) const;
    /// The section named exactly `name`, or null.
    const IniSection* find(std::string_view name) const;

    /// botocore parses every value that starts with a newline (a nested block, "s3 =" then
    /// indented lines) and rejects the whole file if one is malformed: this fails with
    /// parse_nested's message for the first such value, sections in file order.
    Result<void> check_nested() const;

  private:
    struct State;
    std::unique_ptr<State> m_state;

    friend Result<IniFile> parse_ini(std::string text, std::string path);
};

/// Parses text exactly as botocore does (Python's configparser.RawConfigParser with its defaults):
/// '#' and ';' start full-line comments only, '=' or ':' delimits (the first one wins), keys are
/// lowercased, lines indented deeper than their key continue its value, and duplicate sections or
/// keys are errors. Two deliberate differences: a leading UTF-8 BOM is skipped (Python fails on
/// it), and the first problem is reported rather than all of them. Errors read "path:line: ...".
/// The IniFile keeps `text`: sections are built from it when looked up.
Result<IniFile> parse_ini(std::string text, std::string path);

/// botocore's _parse_nested: a value that starts with a newline ("s3 =" then indented lines) is a
/// block of "key = value" lines; keys keep their case and a repeated key keeps the last value.
/// Fails with "path:line: ..." on a line without '=' (botocore rejects the whole file then).
Result<std::vector<std::pair<std::string, std::string>>> parse_nested(const IniValue& v,
                                                                      const std::string& path);

}  // namespace sesame
