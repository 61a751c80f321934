#include "app/keep_state.hpp"

#include <fmt/format.h>
#include <stdlib.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "app/context.hpp"
#include "crypto/hash.hpp"
#include "util/time.hpp"

namespace sesame {

using std::chrono::seconds;

Result<KeeperPaths> keeper_paths(const Env& env, const std::string& file) {
    std::string path = file.empty() ? env.home() + "/.aws/sesame-credentials" : file;
    if (path.starts_with("~/")) path = env.home() + path.substr(1);
    if (!path.starts_with('/')) {
        auto pwd = env.get("PWD");
        if (!pwd || !pwd->starts_with('/'))
            return fail(fmt::format("--file {} is relative and the working directory is unknown", file),
                        "give an absolute path");
        path = *pwd + "/" + path;
    }
    if (path.find('\n') != std::string::npos || path.find('\r') != std::string::npos)
        return fail("--file must not contain a line break");
    // One folder per file however it is named: the same file through a linked folder is one file.
    const size_t slash = path.rfind('/');
    if (char* real = ::realpath(slash == 0 ? "/" : path.substr(0, slash).c_str(), nullptr)) {
        path = std::string(real) + (std::string_view(real) == "/" ? "" : "/") + path.substr(slash + 1);
        ::free(real);
    }
    return KeeperPaths{path, vault_dir(env) + "/keep-" + sha256_hex(path).substr(0, 16)};
}

namespace {

std::optional<std::string> time_text(const std::optional<TimePoint>& t) {
    if (!t) return std::nullopt;
    return format_rfc3339(*t);
}

std::optional<TimePoint> time_of(const nlohmann::json& j, const char* key) {
    if (!j.contains(key) || !j[key].is_string()) return std::nullopt;
    return parse_rfc3339(j[key].get<std::string>());
}

}  // namespace

std::string state_to_json(const KeeperState& state) {
    nlohmann::ordered_json j;
    j["pid"] = state.pid;
    j["file"] = state.file;
    j["source"] = state.source;
    j["profiles"] = nlohmann::ordered_json::array();
    for (const KeptRow& r : state.rows) {
        nlohmann::ordered_json row;
        row["name"] = r.profile;
        row["section"] = r.section;
        row["on"] = r.mfa;
        row["serial"] = r.serial;
        if (auto t = time_text(r.obtained)) row["obtained"] = *t;
        if (auto t = time_text(r.expires)) row["expires"] = *t;
        if (auto t = time_text(r.renew_at)) row["renew_at"] = *t;
        if (r.obtained && r.expires)
            row["duration_seconds"] = std::chrono::duration_cast<seconds>(*r.expires - *r.obtained).count();
        row["state"] = r.state;
        j["profiles"].push_back(std::move(row));
    }
    return j.dump(2) + "\n";
}

Result<KeeperState> state_from_json(const std::string& text, const std::string& path) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    auto bad = [&] {
        return fail(fmt::format("{}: not a keeper state file", path), "stop the keeper and start it again");
    };
    if (j.is_discarded() || !j.is_object() || !j.contains("profiles") || !j["profiles"].is_array())
        return bad();
    KeeperState state;
    try {
        state.pid = j.value("pid", 0);
        state.file = j.value("file", "");
        state.source = j.value("source", "");
        for (const auto& row : j["profiles"]) {
            KeptRow r;
            r.profile = row.value("name", "");
            r.section = row.value("section", "");
            r.mfa = row.value("on", false);
            r.serial = row.value("serial", "");
            r.obtained = time_of(row, "obtained");
            r.expires = time_of(row, "expires");
            r.renew_at = time_of(row, "renew_at");
            r.state = row.value("state", "");
            state.rows.push_back(std::move(r));
        }
    } catch (const nlohmann::json::exception&) {
        return bad();
    }
    return state;
}

std::string render_status_table(const KeeperState& state, TimePoint now) {
    std::vector<std::vector<std::string>> cells = {
        {"NAME", "SECTION", "ON", "SERIAL", "DURATION", "EXPIRES", "STATE"}};
    for (const KeptRow& r : state.rows) {
        std::string duration = "-", expires = "-";
        if (r.obtained && r.expires)
            duration = format_duration_short(std::chrono::duration_cast<seconds>(*r.expires - *r.obtained));
        if (r.expires)
            expires =
                fmt::format("{} ({} left)", format_rfc3339(*r.expires),
                            *r.expires > now
                                ? format_duration_short(std::chrono::duration_cast<seconds>(*r.expires - now))
                                : "0s");
        cells.push_back({r.profile, r.section, r.mfa ? "yes" : "no", r.serial.empty() ? "-" : r.serial,
                         duration, expires, r.state});
    }
    std::vector<size_t> width(cells[0].size(), 0);
    for (const auto& row : cells)
        for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    std::string out = fmt::format("keeping {} (pid {}; source {})\n", state.file, state.pid, state.source);
    for (const auto& row : cells) {
        std::string line;
        for (size_t i = 0; i < row.size(); ++i)
            line += i + 1 < row.size() ? fmt::format("{:<{}}  ", row[i], width[i]) : row[i];
        out += line + "\n";
    }
    return out;
}

TimePoint renew_time(TimePoint obtained, TimePoint expires, std::optional<seconds> renew_before) {
    const auto lifetime = std::chrono::duration_cast<seconds>(expires - obtained);
    const seconds before = renew_before ? *renew_before : std::max(seconds(5 * 60), lifetime / 5);
    return std::max(expires - before, obtained + k_keep_min_hold);
}

}  // namespace sesame
