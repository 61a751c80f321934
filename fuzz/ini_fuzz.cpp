// The INI reader (parse_ini, sparse_ini, parse_nested) and the config editor (set_profile_key).
//
// Input: a config file; its last byte picks the edit (which profile, key and value). Properties:
// - every section a parsed file lists can be found by name, built, and sits where places() says;
// - a sparse file reading the same text through places() builds the same sections;
// - the same file with CRLF or CR line breaks parses to the same sections and errors;
// - an edit set_profile_key accepts reads back through AwsConfig as the value set, and setting the
//   same key to the same value again changes nothing (in an ASCII file: see check_edit).

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/aws_config.hpp"
#include "config/config_editor.hpp"
#include "config/ini.hpp"
#include "fuzz_support.hpp"

namespace sesame {
namespace {

using fuzz::check;

/// An IniSource answering from a whole parsed file, as a config index would.
class MemorySource : public IniSource {
  public:
    MemorySource(const std::string& text, const IniFile& full)
        : m_text(text), m_places(full.places()), m_defaults(full.default_places()) {
        for (size_t i = 0; i < full.size(); ++i) m_names.emplace_back(full.name(i));
    }
    size_t size() const override { return m_names.size(); }
    std::optional<size_t> find(std::string_view name) const override {
        for (size_t i = 0; i < m_names.size(); ++i)
            if (m_names[i] == name) return i;
        return std::nullopt;
    }
    std::optional<std::string> name(size_t i) const override { return m_names.at(i); }
    std::optional<IniPlace> place(size_t i) const override { return m_places.at(i); }
    std::optional<std::vector<IniPlace>> defaults() const override { return m_defaults; }
    std::optional<std::string> text(uint64_t begin, uint64_t end) const override {
        check(begin <= end && end <= m_text.size(), "a sparse read outside the file");
        return m_text.substr(begin, end - begin);
    }
    bool damaged() const override { return false; }

  private:
    std::string m_text;
    std::vector<IniPlace> m_places, m_defaults;
    std::vector<std::string> m_names;
};

bool same_sections(const IniSection& a, const IniSection& b) {
    if (a.name != b.name || a.line != b.line || a.entries.size() != b.entries.size()) return false;
    for (size_t k = 0; k < a.entries.size(); ++k) {
        const auto& [ka, va] = a.entries[k];
        const auto& [kb, vb] = b.entries[k];
        if (ka != kb || va.value != vb.value || va.line != vb.line || va.lines != vb.lines) return false;
    }
    return true;
}

bool same_files(const IniFile& a, const IniFile& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (a.name(i) != b.name(i) || !same_sections(a.section(i), b.section(i))) return false;
    return true;
}

void check_parsed(const std::string& text, const IniFile& file) {
    const std::vector<IniPlace> places = file.places();
    check(places.size() == file.size(), "places() lists every section");
    for (size_t i = 0; i < file.size(); ++i) {
        const std::string_view name = file.name(i);
        check(!name.empty(), "a section name is never empty");
        check(file.index_of(name) == i, "index_of finds each section at its position");
        const IniSection& section = file.section(i);
        check(section.name == name, "a built section has its listed name");
        check(file.find(name) == &section, "find returns the built section");
        const IniPlace& p = places[i];
        check(p.offset > 0 && p.offset + p.size <= p.end && p.end <= text.size(), "a place is in the file");
        check(text[p.offset - 1] == '[' && text.compare(p.offset, p.size, name) == 0 &&
                  text[p.offset + p.size] == ']',
              "a place holds its section's header");
        check(p.line == section.line, "a place has its header's line");
        for (const auto& [key, value] : section.entries) {
            check(!key.empty() && section.find(key) != nullptr, "every key can be found");
            check(value.lines.empty() ||
                      value.lines.size() ==
                          static_cast<size_t>(std::count(value.value.begin(), value.value.end(), '\n')) + 1,
                  "a multi-line value has a line number per part");
        }
    }
    for (const IniPlace& p : file.default_places())
        check(p.offset > 0 && text.compare(p.offset, p.size, "DEFAULT") == 0, "a [DEFAULT] place holds it");
}

/// `text` with each '\n' replaced by `line_break`.
std::string with_breaks(std::string_view text, std::string_view line_break) {
    std::string out;
    out.reserve(text.size() * 2);
    for (char c : text)
        if (c == '\n')
            out += line_break;
        else
            out += c;
    return out;
}

void check_line_breaks(const std::string& text, const Result<IniFile>& parsed) {
    if (text.find('\r') != std::string::npos) return;
    for (std::string_view line_break : {"\r\n", "\r"}) {
        auto other = parse_ini(with_breaks(text, line_break), "config");
        check(other.has_value() == parsed.has_value(), "line breaks do not change whether a file parses");
        if (!parsed)
            check(other.error().message == parsed.error().message, "line breaks do not change an error");
        else
            check(same_files(*parsed, *other), "line breaks do not change what a file holds");
    }
}

void check_edit(const std::string& text, uint8_t pick) {
    auto before = AwsConfig::parse(text, "", {"config", "credentials"});
    if (!before) return;
    const std::vector<std::string> names = before->profile_names();
    static const char* const k_profiles[] = {"default", "new", "my dev", "a\"b"};
    static const char* const k_keys[] = {"region", "mfa_serial", "Region", "s3"};
    static const char* const k_values[] = {"us-east-1", "", "arn:aws:iam::123456789012:mfa/alice",
                                           "x = [y] # z ; w"};
    const size_t p = pick & 7;
    const std::string profile = p < names.size() ? names[p] : k_profiles[p % 4];
    std::string key = k_keys[(pick >> 3) & 3];
    if (const IniSection* section = before->profile(profile);
        section && (pick & 0x20) && !section->entries.empty())
        key = section->entries[pick % section->entries.size()].first;
    const std::string value = k_values[pick >> 6];

    auto edited = set_profile_key(text, profile, key, value, "config");
    if (!edited) return;
    auto after = AwsConfig::parse(*edited, "", {"config", "credentials"});
    if (!after) {
        // Known (config_editor.cpp): set_profile_key checks the result with parse_ini but not
        // check_nested, so a malformed nested block in [DEFAULT], harmless while no section
        // inherits it, breaks the whole file once the edit adds a section. Anything else is new.
        auto plain = parse_ini(*edited, "config");
        check(plain && !plain->check_nested(), "an edited config parses");
        return;
    }
    const IniSection* section = after->profile(profile);
    check(section != nullptr, "an edited profile exists");
    const IniValue* set = section->find(key);
    check(set != nullptr && set->value == value, "an edited key reads back as the value set");
    auto again = set_profile_key(*edited, profile, key, value, "config");
    if (again && *again == *edited) return;
    // Known (config_editor.cpp): the editor reads lines with ASCII whitespace only, parse_ini with
    // Python's. In a file with whitespace beyond ASCII (" \u0085; comment", an indented header)
    // it can take a line for the continuation of the key above: replacing that key then drops the
    // line (its meaning kept, its bytes not), or the edit is refused. Only ASCII files must be
    // edited the same way twice.
    auto reparsed = parse_ini(*edited, "config");
    check(reparsed && !reparsed->ascii(), "setting a key to its value again changes nothing");
    if (again) {
        auto twice = parse_ini(*again, "config");
        check(twice && same_files(*reparsed, *twice), "setting a key to its value again keeps its meaning");
    }
}

}  // namespace
}  // namespace sesame

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace sesame;
    FuzzedDataProvider fdp(data, size);
    const uint8_t pick = fdp.ConsumeIntegral<uint8_t>();  // the last byte
    const std::string text = fdp.ConsumeRemainingBytesAsString();

    auto parsed = parse_ini(text, "config");
    if (parsed) {
        check_parsed(text, *parsed);
        if (parsed->check_nested()) {
            IniFile sparse = sparse_ini(std::make_unique<MemorySource>(text, *parsed), "config",
                                        parsed->ascii(), parsed->has_cr());
            fuzz::check(same_files(*parsed, sparse) && !sparse.damaged(),
                        "a sparse file reads the sections the parser read");
        }
    }
    check_line_breaks(text, parsed);
    check_edit(text, pick);
    return 0;
}
