#include "config/ini.hpp"

#include <gtest/gtest.h>

#include <climits>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/ini_text.hpp"

namespace sesame {
namespace {

/// "[name] key=value key2=value2" per section, '\n' in values shown as "|"; the expectations
/// below were produced by botocore's own parser (configparser.RawConfigParser) on the same text.
std::string dump(const IniFile& file) {
    std::string out;
    for (size_t i = 0; i < file.size(); ++i) {
        const IniSection& section = file.section(i);
        out += out.empty() ? "[" : " [";
        out += section.name + "]";
        for (const auto& [key, value] : section.entries) {
            std::string v = value.value;
            for (char& c : v)
                if (c == '\n') c = '|';
            out += " " + key + "=" + v;
        }
    }
    return out;
}

TEST(ParseIni, AcceptsWhatBotocoreAccepts) {
    struct Case {
        const char* name;
        std::string text;
        std::string expected;
    };
    const Case cases[] = {
        {"basic", "[default]\nregion = us-east-1\noutput=json\n", "[default] region=us-east-1 output=json"},
        {"no inline comments", "[a]\nregion = us-east-1 # eu\nb = x ; y\n",
         "[a] region=us-east-1 # eu b=x ; y"},
        {"full-line comments, also indented", "# top\n[a]\n; c\nx = 1\n   # c\n\t; c\ny = 2\n",
         "[a] x=1 y=2"},
        {"colon delimits", "[a]\nregion: eu-west-1\n", "[a] region=eu-west-1"},
        {"a bracket starts a key", "[a]\n[x = 1\n", "[a] [x=1"},
        {"first delimiter wins", "[a]\nurl = https://h:1\nk: v = w\n", "[a] url=https://h:1 k=v = w"},
        {"keys lowercased", "[a]\nRegion = x\nMFA_Serial = y\n", "[a] region=x mfa_serial=y"},
        {"section names keep case", "[default]\nx=1\n[Default]\nx=2\n", "[default] x=1 [Default] x=2"},
        {"text after the header is ignored", "[profile x] junk\nk=v\n", "[profile x] k=v"},
        {"header runs to the last bracket", "[a] b ]\nk=v\n", "[a] b ] k=v"},
        {"header is not trimmed", "[ default ]\n", "[ default ]"},
        {"continuation lines", "[a]\nx = 1\n  y\n\tz\nw = 2\n", "[a] x=1|y|z w=2"},
        {"blank lines inside a value", "[a]\nx = 1\n\n  y\n\n\n", "[a] x=1||y"},
        {"comment inside a value is dropped", "[a]\nx = 1\n# c\n  y\n", "[a] x=1|y"},
        {"nested block", "[a]\ns3 =\n  addressing_style = path\n  B = 2\n",
         "[a] s3=|addressing_style = path|B = 2"},
        {"indented option after a header", "[a]\n  x = 1\n  y = 2\n", "[a] x=1 y=2"},
        {"indented header continues a value", "[a]\nx = 1\n  [b]\n", "[a] x=1|[b]"},
        {"empty value", "[a]\nx =\ny=\n", "[a] x= y="},
        {"DEFAULT fills other sections", "[DEFAULT]\nregion = d\n[a]\nx = 1\n[b]\nregion = own\n",
         "[a] x=1 region=d [b] region=own"},
        {"DEFAULT may come later", "[a]\nx = 1\n[DEFAULT]\ny = 2\n", "[a] x=1 y=2"},
        {"BOM is skipped", "\xEF\xBB\xBF[default]\nx = 1\n", "[default] x=1"},
        {"CRLF and lone CR", "[a]\r\nx = 1\r  y\rz=2\r\n", "[a] x=1|y z=2"},
        {"no final newline", "[a]\nx = 1", "[a] x=1"},
        {"unicode whitespace is stripped", "[a]\nx = 1\xC2\xA0\nw\xE2\x80\x83= 3\n", "[a] x=1 w=3"},
        {"non-breaking space indents", "[a]\nx = 1\n\xC2\xA0y\n", "[a] x=1|y"},
        {"empty file", "", ""},
        {"only comments", "# a\n; b\n\n", ""},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto file = parse_ini(c.text, "cfg");
        ASSERT_TRUE(file) << file.error().message;
        EXPECT_EQ(dump(*file), c.expected);
    }
}

TEST(ParseIni, RecordsLinesAndLooksUpCaseInsensitively) {
    auto file = parse_ini("# c\n[profile dev]\nRegion = x\ns3 =\n  a = 1\n\n  b = 2\n\n", "cfg");
    ASSERT_TRUE(file);
    const IniSection* dev = file->find("profile dev");
    ASSERT_NE(dev, nullptr);
    EXPECT_EQ(dev->line, 2);
    EXPECT_EQ(file->find("profile Dev"), nullptr);
    const IniValue* region = dev->find("REGION");
    ASSERT_NE(region, nullptr);
    EXPECT_EQ(region->line, 3);
    const IniValue* s3 = dev->find("s3");
    ASSERT_NE(s3, nullptr);
    EXPECT_EQ(s3->value, "\na = 1\n\nb = 2");
    EXPECT_EQ(s3->lines, (std::vector<int>{4, 5, 6, 7}));
    EXPECT_EQ(dev->find("missing"), nullptr);
}

TEST(ParseIni, RejectsWhatBotocoreRejects) {
    struct Case {
        const char* name;
        std::string text;
        std::string expected;  // the start of the message
    };
    const Case cases[] = {
        {"setting before a section", "\n# c\nx = 1\n[a]\n", "cfg:3: a setting appears before any [section]"},
        {"empty brackets before a section", "[]\n", "cfg:1: a setting appears before any [section]"},
        {"unclosed first header", "[profile admin\nregion = x\n",
         "cfg:1: a section header without its closing"},
        {"line without a delimiter", "[a]\nx = 1\nnoequals\n", "cfg:3: expected \"key = value\""},
        {"empty brackets in a section", "[a]\n[]\n", "cfg:2: expected \"key = value\""},
        {"unclosed header", "[a]\n[b\n", "cfg:2: a section header without its closing \"]\""},
        {"missing key", "[a]\n= 1\n", "cfg:2: missing key before \"=\""},
        {"missing key before colon", "[a]\n: 1\n", "cfg:2: missing key before \":\""},
        {"duplicate section", "[a]\nx=1\n\n[a]\n", "cfg:4: duplicate section [a] (first on line 1)"},
        {"duplicate key", "[profile dev]\n# c\nregion = a\nx = 1\nRegion = b\n",
         "cfg:5: duplicate key \"region\" in [profile dev] (first set on line 3)"},
        {"duplicate key across DEFAULT sections", "[DEFAULT]\nx=1\n[a]\n[DEFAULT]\nx=2\n",
         "cfg:5: duplicate key \"x\" in [DEFAULT] (first set on line 2)"},
        {"duplicate key in non-ASCII case", "[a]\n\xC3\x84 = 1\n\xC3\xA4 = 2\n",  // Ä, ä
         "cfg:3: duplicate key \"\xC3\xA4\" in [a] (first set on line 2)"},
        {"duplicate key, Kelvin sign",
         "[a]\n\xE2\x84\xAA"
         "ey = 1\nkey = 2\n",  // U+212A lowers to k
         "cfg:3: duplicate key \"key\" in [a] (first set on line 2)"},
        {"duplicate key, capital sigma first",
         "[a]\n\xCE\xA3"
         "a = 1\n\xCF\x83"
         "a = 2\n",  // Σa, σa
         "cfg:3: duplicate key"},
        {"invalid UTF-8", "[a]\nx = 1\ny = \xFF\n", "cfg:3: not valid UTF-8"},
        {"UTF-8 surrogate", "[a]\ny = \xED\xA0\x80\n", "cfg:2: not valid UTF-8"},
        {"overlong UTF-8", "[a]\ny = \xC0\xAF\n", "cfg:2: not valid UTF-8"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto file = parse_ini(c.text, "cfg");
        ASSERT_FALSE(file);
        EXPECT_EQ(file.error().message.substr(0, c.expected.size()), c.expected) << file.error().message;
    }
}

TEST(ParseIni, LowersKeysAsPythonDoes) {
    // A final capital sigma lowers to the final form: "a\u03A3" and "a\u03C3" are two keys.
    auto file = parse_ini("[a]\na\xCE\xA3 = 1\na\xCF\x83 = 2\n\xC4\xB0 = 3\n", "cfg");
    ASSERT_TRUE(file) << file.error().message;
    const IniSection* section = file->find("a");
    ASSERT_NE(section, nullptr);
    ASSERT_EQ(section->entries.size(), 3u);
    EXPECT_EQ(section->entries[0].first, "a\xCF\x82");
    EXPECT_EQ(section->entries[1].first, "a\xCF\x83");
    EXPECT_EQ(section->entries[2].first, "i\xCC\x87") << "U+0130 lowers to i and a combining dot";
}

TEST(PyInt, ReadsWhatPythonsIntReads) {
    EXPECT_EQ(ini_text::py_int("1800"), 1800);
    EXPECT_EQ(ini_text::py_int(" -1_800\t"), -1800);
    EXPECT_EQ(ini_text::py_int("\xEF\xBC\x91\xEF\xBC\x92"), 12) << "fullwidth digits";
    EXPECT_EQ(ini_text::py_int("\xF0\x9D\x9F\x8F"), 1) << "mathematical bold digit one";
    for (const char* bad :
         {"", "+", "1.0", "0x10", "1__0", "_1", "1_", "1 2", "99999999999999999999", "\xFF"})
        EXPECT_FALSE(ini_text::py_int(bad)) << bad;
}

TEST(ParseIni, NeverEchoesTheOffendingLine) {
    auto file = parse_ini("[a]\nwJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY\n", "~/.aws/credentials");
    ASSERT_FALSE(file);
    EXPECT_EQ(file.error().message.find("wJalr"), std::string::npos);
    EXPECT_TRUE(file.error().message.starts_with("~/.aws/credentials:2: "));
}

TEST(ParseNested, ParsesIndentedBlocksAsBotocoreDoes) {
    struct Case {
        const char* name;
        std::string value;
        std::vector<std::pair<std::string, std::string>> expected;
    };
    const Case cases[] = {
        {"pairs keep key case", "\na = 1\nB = 2", {{"a", "1"}, {"B", "2"}}},
        {"later duplicate wins in place", "\na = 1\nb = 2\na = 3", {{"a", "3"}, {"b", "2"}}},
        {"blank lines skipped", "\n\na = 1\n\n", {{"a", "1"}}},
        {"only the first = splits", "\nendpoint_url = https://h/?a=b", {{"endpoint_url", "https://h/?a=b"}}},
        {"empty key allowed", "\n= v", {{"", "v"}}},
        {"form feed splits lines", "\na = 1\fb = 2", {{"a", "1"}, {"b", "2"}}},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto nested = parse_nested(IniValue{c.value, 7, {}}, "cfg");
        ASSERT_TRUE(nested) << nested.error().message;
        EXPECT_EQ(*nested, c.expected);
    }
}

TEST(ParseNested, NamesTheLineWithoutEquals) {
    auto file = parse_ini("[a]\ns3 =\n  x = 1\n# c\n  y: 2\n", "cfg");
    ASSERT_TRUE(file);
    auto nested = parse_nested(*file->section(0).find("s3"), file->path());
    ASSERT_FALSE(nested);
    EXPECT_TRUE(nested.error().message.starts_with("cfg:5: expected \"key = value\""))
        << nested.error().message;

    auto no_lines = parse_nested(IniValue{"\nbroken", 9, {}}, "cfg");
    ASSERT_FALSE(no_lines);
    EXPECT_TRUE(no_lines.error().message.starts_with("cfg:9: ")) << no_lines.error().message;
}

TEST(IniFile, NamesSectionsWithoutBuildingThemAndBuildsEachOnce) {
    auto file = parse_ini("[a]\nx = 1\n[b] junk\ny = 2\n[DEFAULT]\nz = 3\n", "cfg");
    ASSERT_TRUE(file);
    ASSERT_EQ(file->size(), 2u);
    EXPECT_EQ(file->name(0), "a");
    EXPECT_EQ(file->name(1), "b");
    EXPECT_EQ(file->index_of("b"), std::optional<size_t>(1));
    EXPECT_EQ(file->index_of("DEFAULT"), std::nullopt);
    EXPECT_EQ(file->index_of("B"), std::nullopt);
    const IniSection& b = file->section(1);
    EXPECT_EQ(&file->section(1), &b);
    EXPECT_EQ(file->find("b"), &b);
    EXPECT_EQ(b.line, 3);
    ASSERT_NE(b.find("z"), nullptr);
    EXPECT_EQ(b.find("z")->line, 6);

    IniFile moved = std::move(*file);  // sections handed out stay where they are
    EXPECT_EQ(&moved.section(1), &b);
    EXPECT_EQ(moved.path(), "cfg");
    EXPECT_EQ(IniFile().size(), 0u);
    EXPECT_EQ(IniFile().find("a"), nullptr);
}

TEST(IniFile, ThreadsLookingUpTogetherGetTheSameSections) {
    std::string text;
    for (int i = 0; i < 500; ++i) text += "[s" + std::to_string(i) + "]\nk = " + std::to_string(i) + "\n";
    auto file = parse_ini(text, "cfg");
    ASSERT_TRUE(file);
    std::vector<const IniSection*> seen[2];
    auto look_up_all = [&](std::vector<const IniSection*>& out) {
        for (size_t i = 0; i < file->size(); ++i) out.push_back(&file->section(i));
    };
    std::thread other(look_up_all, std::ref(seen[0]));
    look_up_all(seen[1]);
    other.join();
    EXPECT_EQ(seen[0], seen[1]);
    EXPECT_EQ(seen[0][499]->find("k")->value, "499");
}

TEST(IniFile, IndexesTenThousandSections) {
    std::string text;
    for (int i = 0; i < 10000; ++i)
        text += "[profile p" + std::to_string(i) + "]\nregion = r" + std::to_string(i) + "\n\n";
    auto file = parse_ini(text, "cfg");
    ASSERT_TRUE(file) << file.error().message;
    EXPECT_EQ(file->size(), 10000u);
    ASSERT_NE(file->find("profile p9876"), nullptr);
    EXPECT_EQ(file->find("profile p9876")->find("region")->value, "r9876");
    EXPECT_EQ(file->find("profile p9876")->line, 9876 * 3 + 1);

    auto duplicate = parse_ini(text + "[profile p5000]\n", "cfg");
    ASSERT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error().message,
              "cfg:30001: duplicate section [profile p5000] (first on line 15001)");
}

TEST(IniFile, ChecksNestedBlocksAsBotocoreDoes) {
    struct Case {
        const char* name;
        std::string text;
        std::string expected;  // the start of the message, or "" when the file is fine
    };
    // Each checked against botocore.configloader.raw_config_parse on the same text.
    const Case cases[] = {
        {"well-formed", "[a]\ns3 =\n  x = 1\n\n  y = 2\n", ""},
        {"line without =", "[a]\ns3 =\n  x = 1\n  junk\n", "cfg:4: expected \"key = value\""},
        {"a form feed splits a line", "[a]\ns3 =\n  x = 1\fjunk\n", "cfg:3: "},
        {"not a block: the value has a first line", "[a]\ns3 = v\n  junk\n", ""},
        {"first section in file order", "[a]\nx =\n  y = 1\n[b]\nz =\n  bad\n[c]\nw =\n  bad\n", "cfg:6: "},
        {"a section's own keys before [DEFAULT]'s", "[DEFAULT]\nd =\n  bad\n[a]\nx =\n  bad\n", "cfg:6: "},
        {"[DEFAULT]'s block, in a section", "[DEFAULT]\ns3 =\n  junk\n[a]\n", "cfg:3: "},
        {"[DEFAULT]'s block, overridden", "[DEFAULT]\ns3 =\n  junk\n[a]\ns3 =\n  x = 1\n", ""},
        {"[DEFAULT]'s block, no section", "[DEFAULT]\ns3 =\n  junk\n", ""},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        auto file = parse_ini(c.text, "cfg");
        ASSERT_TRUE(file) << file.error().message;
        auto checked = file->check_nested();
        if (c.expected.empty()) {
            EXPECT_TRUE(checked) << checked.error().message;
        } else {
            ASSERT_FALSE(checked);
            EXPECT_TRUE(checked.error().message.starts_with(c.expected)) << checked.error().message;
        }
    }
}

/// An IniSource over `text` that places section 0 (named `name`) where a damaged index says.
class LyingSource : public IniSource {
  public:
    LyingSource(std::string text, std::string name, IniPlace place)
        : m_text(std::move(text)), m_name(std::move(name)), m_place(place) {}
    size_t size() const override { return 1; }
    std::optional<size_t> find(std::string_view name) const override {
        return name == m_name ? std::optional<size_t>(0) : std::nullopt;
    }
    std::optional<std::string> name(size_t) const override { return m_name; }
    std::optional<IniPlace> place(size_t) const override { return m_place; }
    std::optional<std::vector<IniPlace>> defaults() const override { return std::vector<IniPlace>{}; }
    std::optional<std::string> text(uint64_t begin, uint64_t end) const override {
        if (begin > end || end > m_text.size()) return std::nullopt;
        return m_text.substr(begin, end - begin);
    }
    bool damaged() const override { return false; }

  private:
    std::string m_text, m_name;
    IniPlace m_place;
};

TEST(SparseIni, ASectionNotWhereTheSourceSaysLooksAbsentAndDamaged) {
    // "[profile a]" also appears inside a value, followed by a line that is no setting: read from
    // there, the section's text is nothing parse_ini accepted (this used to throw length_error).
    const std::string text =
        "[profile a]\nregion = x\n[profile b]\nnote = first\n  [profile a]\n  free text\n";
    const size_t real = 1, fake = text.rfind("[profile a]") + 1, end = text.find("[profile b]");
    const std::string later_bracket = "[profile]a]" + text.substr(11);  // its section is "profile]a"
    struct Case {
        const char* name;
        std::string text;
        std::string section;
        IniPlace place;
        bool readable;
    } cases[] = {
        {"where it is", text, "profile a", {real, end, 9, 1}, true},
        {"inside a value", text, "profile a", {fake, text.size(), 9, 1}, false},
        {"a header whose name runs to a later ']'", later_bracket, "profile", {real, end, 7, 1}, false},
        {"a line number that overflows", text, "profile a", {real, end, 9, INT_MAX}, false},
        {"no line number", text, "profile a", {real, end, 9, 0}, false},
        {"an end before the start", text, "profile a", {real, 0, 9, 1}, false},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.name);
        IniFile file =
            sparse_ini(std::make_unique<LyingSource>(c.text, c.section, c.place), "cfg", true, false);
        const IniSection* section = file.find(c.section);
        EXPECT_EQ(section != nullptr, c.readable);
        EXPECT_EQ(file.damaged(), !c.readable);
        if (section) {
            EXPECT_EQ(section->find("region")->value, "x");
        }
    }
}

}  // namespace
}  // namespace sesame
