#include "config/config_index.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "config/ini_text.hpp"

namespace sesame::config_index {

namespace {

// An index file: a Head, the config's path, the hash table (Slot), the sections (Entry), the
// [DEFAULT]s (Entry), the section names, then the caller's extra bytes. Fixed-size records in
// native byte order (indexes never leave the machine), read with pread a few at a time: a
// lookup reads a block of slots, an entry and a name, never the whole index.

constexpr char k_magic[8] = {'S', 'E', 'S', 'A', 'M', 'E', 'I', 'X'};
constexpr uint32_t k_version = 1;

struct Head {
    char magic[8];
    uint32_t version;
    uint32_t flags;  ///< 1: the file is ASCII, 2: it has '\r' line breaks
    uint64_t dev, ino, size;
    int64_t mtime_ns, ctime_ns;
    uint64_t path_size, sections, defaults, slots, names_size, extra_size;
};

struct Slot {
    uint32_t position;  ///< 0 = empty, else 1 + the section's position
    uint32_t hash;      ///< ini_text::hash_name of its name
};

struct Entry {
    uint64_t offset, end;  ///< IniPlace
    uint32_t size;
    int32_t line;
    uint64_t name;  ///< offset of the name in the names
};

static_assert(std::is_trivially_copyable_v<Head> && sizeof(Head) == 104);
static_assert(sizeof(Slot) == 8 && sizeof(Entry) == 32);

template <class T>
void put(std::string& out, const T& value) {
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <class T>
std::optional<T> read_record(const ReadOnlyFile& file, uint64_t offset) {
    auto bytes = file.read_at(offset, sizeof(T));
    if (!bytes || bytes->size() != sizeof(T)) return std::nullopt;
    T value;
    std::memcpy(&value, bytes->data(), sizeof value);
    return value;
}

FileStamp stamp_of(const Head& h) {
    return {h.dev, h.ino, h.size, h.mtime_ns, h.ctime_ns};
}

/// Answers a sparse IniFile's questions from an index and the config file it describes.
class IndexSource : public IniSource {
  public:
    IndexSource(ReadOnlyFile index, ReadOnlyFile config, const Head& head)
        : m_index(std::move(index)), m_config(std::move(config)), m_head(head) {
        m_slots_at = sizeof(Head) + head.path_size;
        m_entries_at = m_slots_at + head.slots * sizeof(Slot);
        m_defaults_at = m_entries_at + head.sections * sizeof(Entry);
        m_names_at = m_defaults_at + head.defaults * sizeof(Entry);
    }

    size_t size() const override { return m_head.sections; }

    std::optional<size_t> find(std::string_view name) const override {
        const uint32_t hash = ini_text::hash_name(name);
        const uint64_t mask = m_head.slots - 1;
        constexpr uint64_t k_block = 8;  // slots per read: one 64-byte pread covers most probes
        uint64_t i = hash & mask;
        for (uint64_t probed = 0; probed < m_head.slots;) {
            uint64_t count = std::min(k_block, m_head.slots - i);
            auto bytes = m_index.read_at(m_slots_at + i * sizeof(Slot), count * sizeof(Slot));
            if (!bytes || bytes->size() != count * sizeof(Slot)) return broken();
            for (uint64_t k = 0; k < count; ++k) {
                Slot slot;
                std::memcpy(&slot, bytes->data() + k * sizeof(Slot), sizeof slot);
                if (slot.position == 0) return std::nullopt;
                if (slot.position > m_head.sections) return broken();
                if (slot.hash == hash && this->name(slot.position - 1) == name) return slot.position - 1;
            }
            probed += count;
            i = (i + count) & mask;
        }
        return broken();  // a full table: save() leaves a quarter of it empty
    }

    std::optional<std::string> name(size_t i) const override {
        auto e = entry(i);
        if (!e || e->name > m_head.names_size || e->size > m_head.names_size - e->name) return broken();
        auto bytes = m_index.read_at(m_names_at + e->name, e->size);
        if (!bytes || bytes->size() != e->size) return broken();
        return bytes;
    }

    std::optional<IniPlace> place(size_t i) const override {
        auto e = entry(i);
        if (!e) return std::nullopt;
        return IniPlace{e->offset, e->end, e->size, e->line};
    }

    std::optional<std::vector<IniPlace>> defaults() const override {
        std::vector<IniPlace> out;
        for (uint64_t i = 0; i < m_head.defaults; ++i) {
            auto e = read_record<Entry>(m_index, m_defaults_at + i * sizeof(Entry));
            if (!e) return std::nullopt;
            out.push_back({e->offset, e->end, e->size, e->line});
        }
        return out;
    }

    std::optional<std::string> text(uint64_t begin, uint64_t end) const override {
        if (begin > end || end > m_head.size) return std::nullopt;
        auto bytes = m_config.read_at(begin, end - begin);
        // The bytes belong to the version of the file the index describes only if it is unchanged.
        if (!bytes || bytes->size() != end - begin || !m_config.unchanged()) return std::nullopt;
        return bytes;
    }

  private:
    std::optional<Entry> entry(size_t i) const {
        if (i >= m_head.sections) return std::nullopt;
        auto e = read_record<Entry>(m_index, m_entries_at + i * sizeof(Entry));
        if (!e) return broken();
        return e;
    }

    bool damaged() const override { return m_damaged; }

    /// Notes an impossible answer (the index is damaged) and gives none.
    std::nullopt_t broken() const {
        m_damaged = true;
        return std::nullopt;
    }

    ReadOnlyFile m_index;
    ReadOnlyFile m_config;
    Head m_head;
    mutable std::atomic<bool> m_damaged = false;
    uint64_t m_slots_at = 0, m_entries_at = 0, m_defaults_at = 0, m_names_at = 0;
};

/// Whether the index file opened as `index` is ours alone: owned by this user and writable by no one
/// else. Anyone else who could write it could make sesame read another section for a profile.
/// stat(2) by path, then the same inode as the open file: its owner is the open file's.
bool owned_by_us(const ReadOnlyFile& index) {
    struct stat st {};
    return ::stat(index.path().c_str(), &st) == 0 && static_cast<uint64_t>(st.st_dev) == index.stamp().dev &&
           static_cast<uint64_t>(st.st_ino) == index.stamp().ino && st.st_uid == ::geteuid() &&
           (index.permissions() & (S_IWGRP | S_IWOTH)) == 0;
}

/// A word at a time, for the index's file name.
uint64_t path_hash(std::string_view s) {
    uint64_t h = 0xCBF29CE484222325ULL;
    for (unsigned char c : s) h = (h ^ c) * 0x100000001B3ULL;
    return h;
}

}  // namespace

std::string index_path(const std::string& dir, const std::string& path) {
    return fmt::format("{}/config-{:016x}.index", dir, path_hash(path));
}

void forget(const std::string& dir, const std::string& path) {
    ::unlink(index_path(dir, path).c_str());
}

std::optional<Loaded> load(const std::string& dir, ReadOnlyFile& config) {
    auto opened = ReadOnlyFile::open(index_path(dir, config.path()));
    if (!opened || !*opened) return std::nullopt;
    ReadOnlyFile& index = **opened;
    if (!owned_by_us(index)) return std::nullopt;
    auto bytes = index.read_at(0, sizeof(Head) + config.path().size());
    if (!bytes || bytes->size() < sizeof(Head)) return std::nullopt;
    Head head;
    std::memcpy(&head, bytes->data(), sizeof head);
    if (std::memcmp(head.magic, k_magic, sizeof k_magic) != 0 || head.version != k_version ||
        head.flags > 3 || stamp_of(head) != config.stamp() || head.path_size != config.path().size() ||
        std::string_view(*bytes).substr(sizeof(Head)) != config.path())
        return std::nullopt;
    // The counts must add up to the index's size, its table be a power of two with room to spare,
    // and the extra bytes fit: then every record read later is inside the file.
    const uint64_t total = index.stamp().size, limit = total;
    if (head.sections > limit / sizeof(Entry) || head.defaults > limit / sizeof(Entry) ||
        head.slots > limit / sizeof(Slot) || !std::has_single_bit(head.slots) ||
        head.slots * 3 < head.sections * 4 || head.names_size > limit || head.extra_size > limit ||
        sizeof(Head) + head.path_size + head.slots * sizeof(Slot) +
                (head.sections + head.defaults) * sizeof(Entry) + head.names_size + head.extra_size !=
            total)
        return std::nullopt;
    auto extra = index.read_at(total - head.extra_size, head.extra_size);
    if (!extra || extra->size() != head.extra_size) return std::nullopt;
    bool ascii = head.flags & 1, has_cr = head.flags & 2;
    std::string path = config.path();
    auto source = std::make_unique<IndexSource>(std::move(index), std::move(config), head);
    return Loaded{sparse_ini(std::move(source), std::move(path), ascii, has_cr), std::move(*extra)};
}

void save(const std::string& dir, const std::string& path, const FileStamp& stamp, const IniFile& config,
          std::string_view extra, std::chrono::nanoseconds settle) {
    const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    if (now - std::max(stamp.mtime_ns, stamp.ctime_ns) < settle.count()) return;

    // Written once per change of the config, by one of the processes that parse it at the same
    // moment: the others go on without waiting.
    if (!ensure_private_dir(dir)) return;
    const std::string target = index_path(dir, path);
    auto lock = FileLock::acquire(target + ".lock", std::chrono::milliseconds(0));
    if (!lock) return;

    const std::vector<IniPlace> sections = config.places(), defaults = config.default_places();
    if (sections.size() >= UINT32_MAX) return;  // slots number sections with 32 bits
    uint64_t slots = 16;
    while (slots * 3 < sections.size() * 4) slots *= 2;
    std::vector<Slot> table(slots, Slot{0, 0});
    std::string entries, names;
    entries.reserve(sections.size() * sizeof(Entry));
    for (size_t i = 0; i < sections.size(); ++i) {
        std::string_view name = config.name(i);
        const IniPlace& p = sections[i];
        put(entries, Entry{p.offset, p.end, p.size, p.line, names.size()});
        names += name;
        uint32_t hash = ini_text::hash_name(name);
        uint64_t k = hash & (slots - 1);
        while (table[k].position != 0) k = (k + 1) & (slots - 1);
        table[k] = {static_cast<uint32_t>(i + 1), hash};
    }

    Head head{};
    std::memcpy(head.magic, k_magic, sizeof k_magic);
    head.version = k_version;
    head.flags = (config.ascii() ? 1u : 0u) | (config.has_cr() ? 2u : 0u);
    head.dev = stamp.dev;
    head.ino = stamp.ino;
    head.size = stamp.size;
    head.mtime_ns = stamp.mtime_ns;
    head.ctime_ns = stamp.ctime_ns;
    head.path_size = path.size();
    head.sections = sections.size();
    head.defaults = defaults.size();
    head.slots = slots;
    head.names_size = names.size();
    head.extra_size = extra.size();

    std::string out;
    put(out, head);
    out += path;
    for (const Slot& slot : table) put(out, slot);
    out += entries;
    for (const IniPlace& p : defaults) put(out, Entry{p.offset, p.end, p.size, p.line, 0});
    out += names;
    out += extra;
    // Synced before the rename like any sesame file (a crash must not leave zeroed slots that would
    // hide sections). A cache: failing is not an error.
    (void)write_file_atomic(target, out, 0600);
}

}  // namespace sesame::config_index
