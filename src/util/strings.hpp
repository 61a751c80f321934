#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sesame {

std::string_view trim(std::string_view s);
/// ASCII lowercase (other bytes unchanged), as botocore lowercases config keys.
std::string to_lower(std::string_view s);
bool starts_with_icase(std::string_view s, std::string_view prefix);
std::vector<std::string> split(std::string_view s, char sep);
/// The items with `sep` between them (empty items included).
std::string join(const std::vector<std::string>& items, std::string_view sep);

/// Percent-encodes per RFC 3986 (unreserved characters kept), as SigV4 and form bodies need.
std::string uri_encode(std::string_view s, bool encode_slash = true);

/// Lowercase hex of raw bytes.
std::string hex(std::string_view bytes);

/// Levenshtein distance, for "did you mean …?" suggestions.
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate closest to `word` when it is close enough to be a likely typo, else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// `text` safe to put in a message or a log line: control bytes (CR, LF, ESC, ...) and
/// backslashes written as \xNN and \\, at most `limit` bytes of it kept (then "..."). For
/// text that comes from a request or a file: it must not forge log lines or drive the terminal.
std::string printable(std::string_view text, size_t limit = 200);

}  // namespace sesame
