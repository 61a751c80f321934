// The config index (config_index::save / load) and the sparse reader behind it, on real files.
//
// Input: a config file, then (from its last bytes) up to 7 changes to the index that save() makes
// of it: four bytes anywhere, or a section's place moved to another '[' of the config. The index
// is the part a bug, a crash or another writer can damage, so load() and the sparse reader must
// survive any bytes in it: they may only return sections they could read and check, and report
// the rest as damaged. Properties:
// - an untouched index reads back every section exactly as parse_ini built it, undamaged;
// - a damaged one never crashes, and a section it returns has the name it was looked up by;
// - in AwsConfig mode (the config padded past k_min_size), a second load() uses the index and
//   finds the same profiles as the first, and a tampered index never makes load() fail.

#include <fcntl.h>
#include <fuzzer/FuzzedDataProvider.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "config/aws_config.hpp"
#include "config/config_index.hpp"
#include "config/ini.hpp"
#include "fuzz_support.hpp"
#include "platform/files.hpp"

namespace sesame {
namespace {

using fuzz::check;

/// A private folder for this process's files, removed at exit: tmpfs when there is one (save()
/// fsyncs).
class Scratch {
  public:
    Scratch() {
        m_path =
            std::filesystem::exists("/dev/shm") ? "/dev/shm/sesame-fuzz-XXXXXX" : "/tmp/sesame-fuzz-XXXXXX";
        if (!::mkdtemp(m_path.data())) std::abort();
    }
    ~Scratch() { std::filesystem::remove_all(m_path); }
    const std::string& path() const { return m_path; }

  private:
    std::string m_path;
};

const std::string& scratch() {
    static const Scratch dir;
    return dir.path();
}

void write(const std::string& path, std::string_view bytes) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) std::abort();
    for (size_t done = 0; done < bytes.size();) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n <= 0) std::abort();
        done += static_cast<size_t>(n);
    }
    ::close(fd);
}

std::string read(const std::string& path) {
    auto text = read_file(path);
    return text ? *text : std::string();
}

/// One change to an index: four bytes anywhere, or a section (or [DEFAULT]) placed at another '['
/// of the config, up to its end, as a stale or forged index would place it.
struct Write {
    bool move = false;
    uint16_t at = 0;     ///< raw: where; move: which entry
    uint32_t value = 0;  ///< raw: the bytes; move: which '[' of the config
};

// Where an index keeps its counts and records (config_index.cpp's Head and Entry).
constexpr size_t k_head_size = 104, k_path_size_at = 56, k_sections_at = 64, k_defaults_at = 72,
                 k_slots_at = 80, k_entry_size = 32;

uint64_t field(const std::string& index, size_t at) {
    uint64_t v = 0;
    if (at + 8 <= index.size()) std::memcpy(&v, &index[at], 8);
    return v;
}

/// Applies `writes` to the index of `config`; false if there is no index.
bool tamper(const std::string& index_path, const std::string& config, const std::vector<Write>& writes) {
    std::string index = read(index_path);
    if (index.size() < k_head_size) return false;
    std::vector<uint64_t> brackets;
    for (size_t i = config.find('['); i != std::string::npos; i = config.find('[', i + 1))
        brackets.push_back(i);
    const uint64_t entries_at = k_head_size + field(index, k_path_size_at) + field(index, k_slots_at) * 8;
    const uint64_t entries = field(index, k_sections_at) + field(index, k_defaults_at);
    for (const Write& w : writes) {
        if (!w.move) {
            std::memcpy(&index[w.at % (index.size() - 3)], &w.value, 4);
        } else if (entries > 0 && !brackets.empty() && entries_at + entries * k_entry_size <= index.size()) {
            const uint64_t place[2] = {brackets[w.value % brackets.size()] + 1, config.size()};
            std::memcpy(&index[entries_at + (w.at % entries) * k_entry_size], place, sizeof place);
        }
    }
    write(index_path, index);
    return true;
}

bool same_sections(const IniSection& a, const IniSection& b) {
    if (a.name != b.name || a.line != b.line || a.entries.size() != b.entries.size()) return false;
    for (size_t k = 0; k < a.entries.size(); ++k) {
        const auto& [ka, va] = a.entries[k];
        const auto& [kb, vb] = b.entries[k];
        if (ka != kb || va.value != vb.value || va.line != vb.line || va.lines != vb.lines) return false;
    }
    return true;
}

/// Looks up what `full` holds in `sparse` (and a few of sparse's own positions, however many it
/// claims): a damaged index may hide sections, never rename them.
void check_sparse(const IniFile& full, const IniFile& sparse, bool tampered) {
    if (!tampered) check(sparse.size() == full.size(), "an index lists every section");
    for (size_t i = 0; i < full.size(); ++i) {
        auto at = sparse.index_of(full.name(i));
        if (!tampered) check(at == i, "an index finds every section where it is");
        if (!at) continue;
        check(*at < sparse.size(), "an index finds a section among those it lists");
        const IniSection* s = sparse.readable(*at);
        if (!tampered) check(s && same_sections(full.section(i), *s), "an index reads what the parser read");
        if (s) check(s->name == full.name(i), "a section read through an index has the name looked up");
    }
    for (size_t i = 0; i < sparse.size() && i < 64; ++i) {
        std::string name(sparse.name(i));
        const IniSection* s = sparse.readable(i);
        if (s) check(s->name == name, "a section read through an index has its listed name");
    }
    (void)sparse.check_nested();
    if (!tampered) check(!sparse.damaged(), "an untouched index is not damaged");
}

void check_index(const std::string& text, const std::vector<Write>& writes) {
    auto full = parse_ini(text, "config");
    if (!full || !full->check_nested()) return;
    const std::string dir = scratch() + "/cache", path = scratch() + "/config";
    config_index::forget(dir, path);  // an index of the last input may have this one's stamp
    write(path, text);
    auto opened = ReadOnlyFile::open(path);
    if (!opened || !*opened) std::abort();
    ReadOnlyFile file = std::move(**opened);
    config_index::save(dir, path, file.stamp(), *full, "extra", std::chrono::nanoseconds(0));
    const bool tampered = !writes.empty() && tamper(config_index::index_path(dir, path), text, writes);
    auto loaded = config_index::load(dir, file);
    if (!tampered) check(loaded && loaded->extra == "extra", "an untouched index loads");
    if (loaded) check_sparse(*full, loaded->config, tampered);
}

/// The same through AwsConfig::load, which indexes only files of k_min_size and more.
void check_aws_config(std::string text, const std::vector<Write>& writes) {
    if (!text.empty() && text.back() != '\n' && text.back() != '\r') text += '\n';
    text += '#';
    text.append(config_index::k_min_size, 'x');
    text += '\n';
    ConfigPaths paths{scratch() + "/big", scratch() + "/credentials", scratch() + "/cache"};
    config_index::forget(paths.index_dir, paths.config);
    write(paths.config, text);
    auto first = AwsConfig::load(paths, std::chrono::nanoseconds(0));
    if (!first) return;
    const bool tampered =
        !writes.empty() && tamper(config_index::index_path(paths.index_dir, paths.config), text, writes);
    auto second = AwsConfig::load(paths, std::chrono::nanoseconds(0));
    check(second.has_value(), "a config that loaded loads again, whatever its index holds");
    if (!tampered) check(second->indexed(), "the second load uses the index");
    const std::vector<std::string> names = first->profile_names();
    if (!tampered) check(second->profile_names() == names, "an index lists the profiles");
    // Only an untouched index is held to more: a tampered one's extra bytes (AwsConfig's irregular
    // names) can still point a profile at another section, which AwsConfig::lookup does not check.
    for (const std::string& name : names) {
        const IniSection* a = first->profile(name);
        const IniSection* b = second->profile(name);
        if (!tampered) check(a && b && same_sections(*a, *b), "an index reads each profile as parsed");
    }
    if (!tampered) check(!second->damaged(), "an untouched index is not damaged");
}

}  // namespace
}  // namespace sesame

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace sesame;
    FuzzedDataProvider fdp(data, size);
    const uint8_t mode = fdp.ConsumeIntegral<uint8_t>();  // the last byte
    std::vector<Write> writes(mode & 7);
    for (Write& w : writes) {
        w.move = fdp.ConsumeBool();
        w.at = fdp.ConsumeIntegral<uint16_t>();
        w.value = fdp.ConsumeIntegral<uint32_t>();
    }
    const std::string text = fdp.ConsumeRemainingBytesAsString();
    if (mode & 0x80)
        check_aws_config(text, writes);
    else
        check_index(text, writes);
    return 0;
}
