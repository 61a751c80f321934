#include "cli/list.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "aws/arn.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

struct Row {
    std::string profile;
    bool keys = false;
    std::string key_id;
    std::string mfa_serial;
    std::vector<const StoredSession*> sessions;
};

/// Left-aligned columns, each as wide as its widest cell, two spaces apart; the last one unpadded.
std::string table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> widths;
    for (const auto& row : rows) {
        widths.resize(std::max(widths.size(), row.size()));
        for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    std::string out;
    for (const auto& row : rows) {
        for (size_t i = 0; i < row.size(); ++i)
            out += i + 1 == row.size() ? row[i] + "\n" : fmt::format("{:<{}}  ", row[i], widths[i]);
    }
    return out;
}

}  // namespace

std::string session_label(const StoredSession& session) {
    if (auto arn = parse_arn(session.role_arn); arn && !arn->account.empty()) {
        std::string_view name = arn->resource;
        name = name.substr(name.find_last_of('/') + 1);
        return fmt::format("{}@{}", name, arn->account);
    }
    return session.kind;
}

Result<int> run_list(const ListOptions& options, Context& ctx) {
    if (options.json + options.names + options.credentials + options.sessions > 1)
        return fail(
            "list shows one thing at a time: choose one of --json, --names, --credentials and --sessions", "",
            2);
    auto config = ctx.config();
    if (!config) return std::unexpected(config.error());
    if (options.names) {  // aws-vault's --profiles too
        std::string text;
        for (const auto& n : (*config)->profile_names()) text += n + "\n";
        ctx.out(text);
        return 0;
    }
    VaultData data;
    if (ctx.store().exists()) {
        auto names = ctx.store().key_names();
        if (!names) return std::unexpected(names.error());
        for (const auto& name : *names) {
            auto key = ctx.store().key(name);
            if (!key) return std::unexpected(key.error());
            if (*key) data.keys.emplace(name, std::move(**key));
        }
        auto sessions = ctx.store().sessions();
        if (!sessions) return std::unexpected(sessions.error());
        data.sessions = std::move(*sessions);
    }
    TimePoint now = ctx.clock().now();
    auto left = [&](const StoredSession& s) {
        return std::chrono::duration_cast<std::chrono::seconds>(s.expiration - now);
    };
    if (options.credentials) {
        std::string text;
        for (const auto& [name, key] : data.keys) text += name + "\n";
        ctx.out(text);
        return 0;
    }
    if (options.sessions) {
        std::vector<std::vector<std::string>> lines;
        for (const auto& [id, s] : data.sessions)
            if (s.expiration > now)
                lines.push_back({s.profile, session_label(s), format_duration_short(left(s))});
        std::ranges::sort(lines);
        ctx.out(table(lines));
        return 0;
    }

    std::set<std::string> names;
    for (auto& n : (*config)->profile_names()) names.insert(n);
    for (auto& [n, k] : data.keys) names.insert(n);
    for (auto& [key, s] : data.sessions) names.insert(s.profile);

    std::vector<Row> rows;
    for (const auto& name : names) {
        Row row{name};
        if (auto it = data.keys.find(name); it != data.keys.end()) {
            row.keys = true;
            row.key_id = it->second.access_key_id;
        }
        row.mfa_serial = ctx.mfa_serial_of(name);
        for (auto& [key, s] : data.sessions)
            if (s.profile == name && s.expiration > now) row.sessions.push_back(&s);
        rows.push_back(std::move(row));
    }

    if (options.json) {
        nlohmann::ordered_json out = nlohmann::ordered_json::array();
        for (const auto& r : rows) {
            nlohmann::ordered_json j;
            j["profile"] = r.profile;
            j["stored_keys"] = r.keys;
            if (r.keys) j["access_key_id"] = redact(r.key_id);
            j["mfa_serial"] =
                r.mfa_serial.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(r.mfa_serial);
            j["sessions"] = nlohmann::ordered_json::array();
            for (const StoredSession* s : r.sessions) {
                nlohmann::ordered_json sj;
                sj["type"] = s->kind;
                if (auto arn = parse_arn(s->role_arn); arn && !arn->account.empty())
                    sj["account"] = arn->account;
                if (!s->role_arn.empty()) sj["role_arn"] = s->role_arn;
                sj["expiration"] = format_rfc3339(s->expiration);
                sj["seconds_left"] = left(*s).count();
                j["sessions"].push_back(sj);
            }
            out.push_back(j);
        }
        ctx.out(out.dump(2) + "\n");
        return 0;
    }
    if (rows.empty()) {
        ctx.out("No profiles yet. Add one with: sesame add PROFILE\n");
        return 0;
    }
    std::vector<std::vector<std::string>> cells{{"PROFILE", "KEYS", "MFA", "SESSIONS"}};
    for (const auto& r : rows) {
        std::string sessions;
        for (const StoredSession* s : r.sessions) {
            if (!sessions.empty()) sessions += ", ";
            sessions += fmt::format("{} {}", session_label(*s), format_duration_short(left(*s)));
        }
        cells.push_back({r.profile, r.keys ? redact(r.key_id) : "-",
                         r.mfa_serial.empty() ? "-" : r.mfa_serial, sessions.empty() ? "-" : sessions});
    }
    std::string text = table(cells);
    ctx.out(text);
    return 0;
}

CommandRun declare_list(CommandFlags& flags) {
    auto options = std::make_shared<ListOptions>();
    flags.flag("--json", options->json, "Machine-readable output");
    flags.flag("--names,--profiles", options->names,
               "Only profile names from the config files (no vault access; for completions)");
    flags.flag("--credentials", options->credentials, "Only the profiles with stored keys, one a line");
    flags.flag("--sessions", options->sessions,
               "Only the cached sessions: profile, role@account or type, time left");
    flags.example("Example: sesame list --json");
    return [options](Context& ctx, const std::vector<std::string>&) { return run_list(*options, ctx); };
}

}  // namespace sesame
