#include "config/config_index.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <random>

#include "config/aws_config.hpp"
#include "temp_dir.hpp"

namespace sesame {
namespace {

using std::chrono::nanoseconds;

void write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

/// Overwrites `path` in place (same inode), as `aws configure set` does.
void rewrite_in_place(const std::string& path, const std::string& text) {
    int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    ::close(fd);
}

/// A config of more than config_index::k_min_size with what makes sections hard to find again:
/// [DEFAULT]s, continuation and nested values, blank lines inside values, comments, irregular
/// names, other kinds of sections, and `line_break` between lines.
std::string big_config(std::string_view line_break, bool unicode) {
    std::string out;
    auto line = [&](std::string_view l) {
        out += l;
        out += line_break;
    };
    line("# generated");
    line("[DEFAULT]");
    line("output = json");
    line("[default]");
    line("region = us-east-1");
    for (int i = 0; i < 1200; ++i) {
        std::string n = std::to_string(i);
        line("[profile acct" + n + "]");
        line("sso_session = corp");
        line("sso_account_id = " + std::to_string(100000000000 + i));
        if (i % 7 == 0) {
            line("s3 =");
            line("  max_concurrent_requests = " + n);
            line("");
            line("  addressing_style = path");
        }
        if (i % 11 == 0) line("; a comment");
        if (i % 13 == 0) line(unicode ? "description = caf\xC3\xA9\xC2\xA0 " + n : "description = two" + n);
        if (i % 13 == 0) line("   continued " + n);
        line("");
    }
    line("[profile \"my dev\"]");
    line("region = quoted");
    line("[profile   spaced]");
    line("region = spaced");
    line("[DEFAULT]");
    line("cli_pager =");
    line("[sso-session corp]");
    line("sso_start_url = https://corp.awsapps.com/start");
    line("[services local]");
    line("sts =");
    line("  endpoint_url = http://127.0.0.1:1");
    line("[profile last]");
    out += "region = eu-west-1";  // no line break at the end
    return out;
}

void expect_same_sections(const IniFile& full, const IniFile& sparse) {
    ASSERT_EQ(full.size(), sparse.size());
    for (size_t i = 0; i < full.size(); ++i) {
        ASSERT_EQ(full.name(i), sparse.name(i)) << i;
        const IniSection& a = full.section(i);
        const IniSection& b = sparse.section(i);
        EXPECT_EQ(a.name, b.name);
        EXPECT_EQ(a.line, b.line) << a.name;
        ASSERT_EQ(a.entries.size(), b.entries.size()) << a.name;
        for (size_t k = 0; k < a.entries.size(); ++k) {
            EXPECT_EQ(a.entries[k].first, b.entries[k].first) << a.name;
            EXPECT_EQ(a.entries[k].second.value, b.entries[k].second.value) << a.name;
            EXPECT_EQ(a.entries[k].second.line, b.entries[k].second.line) << a.name;
            EXPECT_EQ(a.entries[k].second.lines, b.entries[k].second.lines) << a.name;
        }
        EXPECT_EQ(sparse.index_of(full.name(i)), i);
    }
    for (std::string_view absent : {"profile acct99999", "profile", "", "DEFAULT", "profile acct1 "})
        EXPECT_FALSE(sparse.index_of(absent)) << absent;
    EXPECT_FALSE(sparse.damaged());
}

/// big_config() written to a fresh folder, opened, and parsed in full.
struct WrittenConfig {
    testing::TempDir dir;
    const std::string path = dir / "config";
    const std::string cache = dir / "cache";
    std::optional<ReadOnlyFile> file;
    Result<IniFile> full = IniFile();

    explicit WrittenConfig(std::string_view line_break = "\n", bool unicode = false) {
        write(path, big_config(line_break, unicode));
        reopen();
        auto text = file->read_all();
        full = text ? parse_ini(*text, path) : Result<IniFile>(std::unexpected(text.error()));
    }
    /// load() takes the file it is given when it finds an index.
    void reopen() {
        auto opened = ReadOnlyFile::open(path);
        if (opened && *opened) file = std::move(**opened);
    }
};

TEST(ConfigIndex, ASparseFileReadsWhatTheParserRead) {
    for (auto [line_break, unicode] :
         {std::pair{"\n", false}, {"\r\n", false}, {"\r", false}, {"\n", true}}) {
        WrittenConfig c(line_break, unicode);
        ASSERT_GE(c.file->stamp().size, config_index::k_min_size);
        ASSERT_TRUE(c.full) << c.full.error().message;
        ASSERT_TRUE(c.full->check_nested());

        config_index::save(c.cache, c.path, c.file->stamp(), *c.full, "extra bytes", nanoseconds(0));
        auto loaded = config_index::load(c.cache, *c.file);
        ASSERT_TRUE(loaded);
        EXPECT_EQ(loaded->extra, "extra bytes");
        EXPECT_EQ(loaded->config.path(), c.path);
        expect_same_sections(*c.full, loaded->config);
    }
}

TEST(ConfigIndex, IsNotSavedForAFileThatJustChanged) {
    WrittenConfig c;
    ASSERT_TRUE(c.full);
    config_index::save(c.cache, c.path, c.file->stamp(), *c.full, "");  // the default: 2 s
    EXPECT_FALSE(std::filesystem::exists(config_index::index_path(c.cache, c.path)));
    EXPECT_FALSE(config_index::load(c.cache, *c.file));
}

TEST(ConfigIndex, ADamagedIndexIsNotUsed) {
    WrittenConfig c;
    ASSERT_TRUE(c.full);
    const std::string& cache = c.cache;
    const IniFile& full = *c.full;
    config_index::save(cache, c.path, c.file->stamp(), full, "", nanoseconds(0));
    const std::string index = config_index::index_path(cache, c.path);
    std::ifstream in(index, std::ios::binary);
    const std::string good((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_GT(good.size(), 200u);

    // Cut short, grown, another version, another path: the sizes and header no longer agree.
    for (std::string bad :
         {good.substr(0, good.size() - 1), good + "x", good.substr(0, 100), std::string()}) {
        write(index, bad);
        EXPECT_FALSE(config_index::load(cache, *c.file)) << bad.size();
    }
    std::string other_version = good;
    other_version[8] ^= 1;
    write(index, other_version);
    EXPECT_FALSE(config_index::load(cache, *c.file));

    // Garbage in the records is bounded: no crash, and what a lookup returns is checked against
    // the file itself (a section is only ever the one whose header is where it says).
    std::mt19937 rng(7);
    for (int round = 0; round < 50; ++round) {
        std::string noisy = good;
        for (int k = 0; k < 40; ++k) noisy[200 + rng() % (noisy.size() - 200)] = static_cast<char>(rng());
        write(index, noisy);
        auto loaded = config_index::load(cache, *c.file);
        if (!loaded) continue;
        for (size_t i = 0; i < full.size(); i += 97) {
            auto at = loaded->config.index_of(full.name(i));
            if (!at) continue;
            const IniSection& s = loaded->config.section(*at);
            if (!s.name.empty()) {
                EXPECT_EQ(s.name, full.name(i));
            }
        }
        c.reopen();  // load() took the file
    }
}

TEST(ConfigIndex, AwsConfigUsesItUntilTheFileChanges) {
    testing::TempDir dir;
    ConfigPaths paths{dir / "config", dir / "credentials", dir / "cache"};
    std::string text = big_config("\n", false);
    write(paths.config, text);

    auto first = AwsConfig::load(paths, nanoseconds(0));
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_FALSE(first->indexed());
    auto second = AwsConfig::load(paths, nanoseconds(0));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_TRUE(second->indexed());

    for (const AwsConfig* cfg : {&*first, &*second}) {
        ASSERT_TRUE(cfg->profile("acct42"));
        EXPECT_EQ(cfg->profile("acct42")->find("sso_account_id")->value, "100000000042");
        EXPECT_EQ(cfg->profile("acct42")->find("output")->value, "json");  // from [DEFAULT]
        EXPECT_EQ(cfg->profile("my dev")->find("region")->value, "quoted");
        EXPECT_EQ(cfg->profile("spaced")->find("region")->value, "spaced");
        EXPECT_EQ(cfg->profile("default")->find("region")->value, "us-east-1");
        EXPECT_EQ(cfg->profile("last")->find("region")->value, "eu-west-1");
        EXPECT_TRUE(cfg->sso_session("corp"));
        EXPECT_TRUE(cfg->services("local"));
        EXPECT_FALSE(cfg->profile("acct5000"));
    }
    EXPECT_EQ(first->profile_names(), second->profile_names());
    EXPECT_FALSE(second->damaged());

    // Rewritten in place with the same size: its ctime changed, so it is parsed again.
    std::string edited = text;
    edited.replace(edited.find("eu-west-1"), 9, "eu-west-2");
    rewrite_in_place(paths.config, edited);
    auto third = AwsConfig::load(paths, nanoseconds(0));
    ASSERT_TRUE(third);
    EXPECT_FALSE(third->indexed());
    EXPECT_EQ(third->profile("last")->find("region")->value, "eu-west-2");

    // And an edit that botocore would reject is rejected, index or not.
    rewrite_in_place(paths.config, edited + "\n[profile acct1]\nregion = twice\n");
    auto broken = AwsConfig::load(paths, nanoseconds(0));
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.error().message.find("duplicate section [profile acct1]"), std::string::npos)
        << broken.error().message;
}

TEST(ConfigIndex, AFileRewrittenWhileReadInPartsIsReportedDamaged) {
    testing::TempDir dir;
    ConfigPaths paths{dir / "config", dir / "credentials", dir / "cache"};
    std::string text = big_config("\n", false);
    write(paths.config, text);
    ASSERT_TRUE(AwsConfig::load(paths, nanoseconds(0)));
    auto cfg = AwsConfig::load(paths, nanoseconds(0));
    ASSERT_TRUE(cfg && cfg->indexed());
    ASSERT_TRUE(cfg->profile("acct1"));  // read before the rewrite

    // Same places, another value: the headers are where the index says, but the file is not the
    // version it describes.
    std::string edited = text;
    edited.replace(edited.find("100000000002"), 12, "999999999999");
    rewrite_in_place(paths.config, edited);
    EXPECT_FALSE(cfg->profile("acct2"));
    EXPECT_TRUE(cfg->damaged());

    ASSERT_TRUE(AwsConfig::load(paths, nanoseconds(0)));  // parses the edited file, indexes it
    auto again = AwsConfig::load(paths, nanoseconds(0));
    ASSERT_TRUE(again && again->indexed());
    rewrite_in_place(paths.config, "[profile other]\nregion = x\n" + text);
    EXPECT_FALSE(again->profile("acct3"));  // its bytes moved: it cannot be read as indexed
    EXPECT_TRUE(again->damaged());
}

TEST(ConfigIndex, SmallFilesAreNotIndexed) {
    testing::TempDir dir;
    ConfigPaths paths{dir / "config", dir / "credentials", dir / "cache"};
    write(paths.config, "[profile a]\nregion = x\n");
    ASSERT_TRUE(AwsConfig::load(paths, nanoseconds(0)));
    auto again = AwsConfig::load(paths, nanoseconds(0));
    ASSERT_TRUE(again);
    EXPECT_FALSE(again->indexed());
    EXPECT_FALSE(std::filesystem::exists(dir / "cache"));
}

/// The index of `text`, saved for the file at `path` (which holds `text`).
std::string saved_index(const std::string& cache, const std::string& path, const std::string& text) {
    write(path, text);
    auto opened = ReadOnlyFile::open(path);
    auto full = parse_ini(text, path);
    if (!opened || !*opened || !full) return {};
    config_index::save(cache, path, (*opened)->stamp(), *full, "", nanoseconds(0));
    std::ifstream in(config_index::index_path(cache, path), std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

TEST(ConfigIndex, AnIndexPlacingASectionInsideAValueIsDamagedNotFatal) {
    // "[profile a]" also appears inside a value, followed by a line that is no setting. An index
    // that places section "profile a" there (a bit flip, a bug, someone else's write) used to
    // make sesame abort with std::length_error; it must only make the file read whole.
    testing::TempDir dir;
    const std::string path = dir / "config", cache = dir / "cache";
    const std::string text =
        "[profile a]\nregion = x\n[profile b]\nnote = first\n  [profile a]\n  free text\n";
    std::string index = saved_index(cache, path, text);
    // Head (104 bytes), the path, 16 slots of 8 bytes, then section 0's Entry: offset, end, ...
    const size_t entry = 104 + path.size() + 16 * 8;
    ASSERT_GT(index.size(), entry + 32);
    for (const auto& [field, value] :
         {std::pair<size_t, uint64_t>{0, text.rfind("[profile a]") + 1}, {8, text.size()}})
        std::memcpy(&index[entry + field], &value, sizeof value);
    write(config_index::index_path(cache, path), index);

    auto file = ReadOnlyFile::open(path);
    ASSERT_TRUE(file && *file);
    auto loaded = config_index::load(cache, **file);
    ASSERT_TRUE(loaded);
    EXPECT_FALSE(loaded->config.find("profile a"));
    EXPECT_TRUE(loaded->config.damaged());
    ASSERT_TRUE(loaded->config.find("profile b"));
    EXPECT_EQ(loaded->config.find("profile b")->find("note")->value, "first\n[profile a]\nfree text");
}

TEST(ConfigIndex, AnIndexOthersCanWriteIsNotUsed) {
    testing::TempDir dir;
    const std::string path = dir / "config", cache = dir / "cache";
    const std::string index = config_index::index_path(cache, path);
    ASSERT_FALSE(saved_index(cache, path, "[profile a]\nregion = x\n").empty());
    auto load = [&] {
        auto file = ReadOnlyFile::open(path);
        return file && *file && config_index::load(cache, **file).has_value();
    };
    ASSERT_TRUE(load());
    for (mode_t mode : {0620, 0602, 0666}) {
        ASSERT_EQ(::chmod(index.c_str(), mode), 0);
        EXPECT_FALSE(load()) << std::oct << mode;
    }
    ASSERT_EQ(::chmod(index.c_str(), 0644), 0);
    EXPECT_TRUE(load());  // readable by others is no risk: the config itself usually is

    if (::geteuid() != 0) GTEST_SKIP() << "giving the index to another user needs root";
    ASSERT_EQ(::chown(index.c_str(), 12345, 12345), 0);
    EXPECT_FALSE(load());
}

}  // namespace
}  // namespace sesame
