#pragma once

#include <cstdint>
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

/// Where a section is in a file: its name is text[offset, offset + size) (between the brackets of
/// its header, on line `line`), and its lines run to `end`, where the next header's line starts.
struct IniPlace {
    uint64_t offset = 0;
    uint64_t end = 0;
    uint32_t size = 0;
    int line = 0;
};

/// Where a sparse IniFile (sparse_ini) finds what parse_ini found in a file, without the whole
/// text: config/config_index.cpp answers from a saved index of a big config file and reads the
/// file itself in parts. Reads may fail (nullopt); calls may come from several threads.
class IniSource {
  public:
    virtual ~IniSource() = default;
    /// Number of sections, [DEFAULT] not counted.
    virtual size_t size() const = 0;
    /// The position of the section named exactly `name`.
    virtual std::optional<size_t> find(std::string_view name) const = 0;
    virtual std::optional<std::string> name(size_t i) const = 0;
    virtual std::optional<IniPlace> place(size_t i) const = 0;
    /// Each [DEFAULT] section, in file order.
    virtual std::optional<std::vector<IniPlace>> defaults() const = 0;
    /// The file's bytes [begin, end): all of them, else nullopt (the file changed, or an error).
    virtual std::optional<std::string> text(uint64_t begin, uint64_t end) const = 0;
    /// Whether an answer so far was impossible (the source itself is damaged).
    virtual bool damaged() const = 0;
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
    /// Section `i` (i < size()), with [DEFAULT]'s keys appended after its own; a nameless, empty
    /// section when a sparse file cannot read it.
    const IniSection& section(size_t i) const;
    /// The position of the section named exactly `name`, without building it.
    std::optional<size_t> index_of(std::string_view name) const;
    /// Section `i`, or null when a sparse file cannot read it (it is then damaged()).
    const IniSection* readable(size_t i) const;
    /// The section named exactly `name`, or null.
    const IniSection* find(std::string_view name) const;

    /// botocore parses every value that starts with a newline (a nested block, "s3 =" then
    /// indented lines) and rejects the whole file if one is malformed: this fails with
    /// parse_nested's message for the first such value, sections in file order.
    Result<void> check_nested() const;

    /// For saving an index of a parsed (not sparse) file: where each section and each [DEFAULT]
    /// is, in file order, and the file's syntax as parsing found it.
    std::vector<IniPlace> places() const;
    std::vector<IniPlace> default_places() const;
    bool ascii() const;
    bool has_cr() const;

    /// Whether a sparse file failed to read a section it was asked for (it then looks absent):
    /// the file changed since its index was checked, could not be read, or the source is damaged.
    bool damaged() const;

  private:
    struct State;
    std::unique_ptr<State> m_state;

    friend Result<IniFile> parse_ini(std::string text, std::string path);
    friend IniFile sparse_ini(std::unique_ptr<IniSource> source, std::string path, bool ascii, bool has_cr);
};

/// Parses text exactly as botocore does (Python's configparser.RawConfigParser with its defaults):
/// '#' and ';' start full-line comments only, '=' or ':' delimits (the first one wins), keys are
/// lowercased, lines indented deeper than their key continue its value, and duplicate sections or
/// keys are errors. Two deliberate differences: a leading UTF-8 BOM is skipped (Python fails on
/// it), and the first problem is reported rather than all of them. Errors read "path:line: ...".
/// The IniFile keeps `text`: sections are built from it when looked up.
Result<IniFile> parse_ini(std::string text, std::string path);

/// An IniFile that reads each section from `source` when it is first looked up, for a file that
/// parse_ini accepted (and whose check_nested passed) with these syntax flags: resolving a
/// profile in a 10,000-section file then reads a few hundred bytes of it. A section that cannot
/// be read, or whose header is not where the source says, looks absent and marks the file
/// damaged().
IniFile sparse_ini(std::unique_ptr<IniSource> source, std::string path, bool ascii, bool has_cr);

/// botocore's _parse_nested: a value that starts with a newline ("s3 =" then indented lines) is a
/// block of "key = value" lines; keys keep their case and a repeated key keeps the last value.
/// Fails with "path:line: ..." on a line without '=' (botocore rejects the whole file then).
Result<std::vector<std::pair<std::string, std::string>>> parse_nested(const IniValue& v,
                                                                      const std::string& path);

}  // namespace sesame
