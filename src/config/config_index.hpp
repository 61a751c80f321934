#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "config/ini.hpp"
#include "platform/files.hpp"

namespace sesame::config_index {

/// Saved indexes of big config files, so that resolving one profile in a generated
/// 10,000-profile config (aws-sso-util's size) neither reads nor checks 1.5 MB of text at every
/// start: an index says where each section is, and the file is then read in parts (sparse_ini).
///
/// An index is keyed on the file's path and used only while the file's stamp (device, inode,
/// size, and mtime and ctime to the nanosecond) is the one it was saved with; every section read
/// through it is checked to start with its header, and the file to still have that stamp. It is
/// a cache: a missing, stale or damaged index only means a full parse, and failing to save one
/// is silent. Indexes live in `dir` (`$XDG_CACHE_HOME/sesame`, else `~/.cache/sesame`), one file
/// per config path, mode 0600 in a 0700 directory, written whole by rename.

/// Smaller files parse faster than an index loads: they are never indexed.
constexpr size_t k_min_size = 64 * 1024;
/// How long a file must have been unchanged to be indexed (see save()).
constexpr std::chrono::seconds k_settle{2};

/// The index file for the config at `path`.
std::string index_path(const std::string& dir, const std::string& path);

/// Removes the index of the config at `path`, if there is one.
void forget(const std::string& dir, const std::string& path);

struct Loaded {
    IniFile config;     ///< sparse, reading from the config file
    std::string extra;  ///< what save() was given as `extra`
};

/// The config file as its index describes it, or nullopt when there is no index for the file as
/// it is now. `config` (the open config file) is moved into the result only when there is one.
std::optional<Loaded> load(const std::string& dir, ReadOnlyFile& config);

/// Saves the index of `config`, parsed from the file at `path` that had `stamp`, with `extra`
/// (the caller's own results, given back by load()). Unless the file changed too recently to
/// trust its stamp: file times come from a coarse clock, so a file rewritten within the same tick
/// with the same size keeps its stamp. As git does for its index ("racy" entries), only files
/// unchanged for `settle` are indexed; the next run after that saves the index.
void save(const std::string& dir, const std::string& path, const FileStamp& stamp, const IniFile& config,
          std::string_view extra, std::chrono::nanoseconds settle = k_settle);

}  // namespace sesame::config_index
