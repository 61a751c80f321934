#include "cli/keep.hpp"

#include <fmt/format.h>

#include <memory>

#include "app/credential_service.hpp"
#include "app/credentials_keeper.hpp"
#include "config/kept_credentials.hpp"
#include "platform/process.hpp"
#include "shell/export_format.hpp"
#include "util/time.hpp"

namespace sesame {

namespace {

Result<std::vector<KeptProfile>> parse_profiles(const Context& ctx, const std::vector<std::string>& words) {
    std::vector<KeptProfile> kept;
    for (const std::string& w : words) {
        const size_t eq = w.find('=');
        KeptProfile k{w.substr(0, eq), eq == std::string::npos ? w.substr(0, eq) : w.substr(eq + 1)};
        if (k.profile.empty())
            return fail(fmt::format("\"{}\" names no profile", w), "write PROFILE or PROFILE=SECTION");
        SESAME_TRY(check_section_name(k.section, fmt::format("section of \"{}\"", w)));
        kept.push_back(std::move(k));
    }
    if (kept.empty()) {
        std::string p = pick_profile(ctx, "");
        kept.push_back({p, p});
    }
    return kept;
}

/// systemd's ExecStart quoting: each word in double quotes with C escapes; % and $ doubled.
Result<std::string> unit_word(const std::string& w) {
    std::string out = "\"";
    for (char c : w) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return fail(fmt::format("\"{}\" holds a control character a unit file cannot carry", w));
        if (c == '"' || c == '\\') out += '\\';
        if (c == '%' || c == '$') out += c;
        out += c;
    }
    return out + "\"";
}

}  // namespace

Result<std::string> keep_unit_file(const std::string& exe, const std::vector<std::string>& words,
                                   const std::string& file) {
    std::string exec;
    std::vector<std::string> argv = {exe, "keep", "--foreground", "--file", file};
    argv.insert(argv.end(), words.begin(), words.end());
    for (const auto& a : argv) {
        auto q = unit_word(a);
        if (!q) return std::unexpected(q.error());
        exec += (exec.empty() ? "" : " ") + *q;
    }
    return fmt::format(
        "# sesame keep as a systemd user service: save as ~/.config/systemd/user/sesame-keep.service, then\n"
        "#   systemctl --user daemon-reload && systemctl --user enable --now sesame-keep\n"
        "# The vault is unlocked from the unlocked-key cache (run a sesame command first), or from\n"
        "# SESAME_FILE_PASSPHRASE in an EnvironmentFile only you can read (chmod 600): never put it here.\n"
        "# MFA codes: sesame keep code CODE (see sesame keep status).\n"
        "[Unit]\n"
        "Description=sesame keep: AWS credentials kept fresh in {}\n"
        "\n"
        "[Service]\n"
        "Type=simple\n"
        "ExecStart={}\n"
        "#EnvironmentFile=%h/.config/sesame/keep.env\n"
        "Restart=on-failure\n"
        "RestartSec=60\n"
        "\n"
        "[Install]\n"
        "WantedBy=default.target\n",
        file, exec);
}

CommandRun declare_keep(CommandFlags& flags) {
    auto options = std::make_shared<KeepCommandOptions>();
    flags.positional("words", options->words,
                     "PROFILE[=SECTION]... to keep (default: AWS_PROFILE or default), or: status, stop, "
                     "code [CODE], unit PROFILE[=SECTION]...");
    flags.option("--file", options->file, "PATH",
                 "the credentials file to keep (default: ~/.aws/sesame-credentials)");
    flags.option("-d,--duration", options->duration, "DURATION", "each session's duration, e.g. 1h");
    flags.flag("--foreground", options->foreground, "stay in the foreground (systemd) instead of detaching");
    flags.flag("--json", options->json, "status: print the state as JSON");
    flags.example(
        "Example: sesame keep admin=admin-keep dev && AWS_SHARED_CREDENTIALS_FILE=~/.aws/sesame-credentials "
        "terraform plan");
    return [options](Context& ctx, const std::vector<std::string>& after_dashes) -> Result<int> {
        if (!after_dashes.empty()) return std::unexpected(Error{"keep takes no command after --", "", 2});
        return run_keep(*options, ctx);
    };
}

Result<int> run_keep(const KeepCommandOptions& options, Context& ctx) {
    auto paths = keeper_paths(ctx.env(), options.file);
    if (!paths) return std::unexpected(paths.error());
    const std::string action = options.words.empty() ? "" : options.words[0];
    const std::vector<std::string> rest(options.words.begin() + (options.words.empty() ? 0 : 1),
                                        options.words.end());
    auto refuse_extra = [&](bool extra_ok) -> Result<void> {
        if (!rest.empty() && !extra_ok) return fail(fmt::format("keep {} takes no further words", action));
        if (options.json && action != "status") return fail("--json is for keep status only");
        if ((options.foreground || !options.duration.empty()) && !action.empty() && action != "unit")
            return fail(
                fmt::format("--foreground and --duration are for starting a keeper, not keep {}", action));
        return {};
    };
    if (action == "status") {
        SESAME_TRY(refuse_extra(false));
        auto state = running_keeper(*paths);
        if (!state) return std::unexpected(state.error());
        ctx.out(options.json ? state_to_json(*state) : render_status_table(*state, ctx.clock().now()));
        return 0;
    }
    if (action == "stop") {
        SESAME_TRY(refuse_extra(false));
        auto state = stop_keeper(*paths, std::chrono::seconds(10));
        if (!state) return std::unexpected(state.error());
        ctx.out(fmt::format("stopped the keeper of {} (pid {}); the file stays until its sessions expire\n",
                            paths->file, state->pid));
        return 0;
    }
    if (action == "code") {
        if (rest.size() > 1) return fail("keep code takes one code");
        SESAME_TRY(refuse_extra(true));
        std::optional<Secret> code;
        if (!rest.empty()) code = Secret(rest[0]);
        if (!code) {
            auto typed = ctx.prompt().ask_secret("MFA code for the keeper: ");
            if (!typed) return std::unexpected(typed.error());
            code = std::move(*typed);
        }
        SESAME_TRY(send_mfa_code(*paths, *code));
        ctx.out("handed the code to the keeper\n");
        return 0;
    }
    if (action == "unit") {
        if (options.foreground) return fail("keep unit prints a unit that runs in the foreground already");
        auto kept = parse_profiles(ctx, rest);  // checked now rather than when systemd starts it
        if (!kept) return std::unexpected(kept.error());
        std::vector<std::string> words = rest;
        if (!options.duration.empty()) words.insert(words.begin(), {"--duration", options.duration});
        auto unit = keep_unit_file(self_path(), words, paths->file);
        if (!unit) return std::unexpected(unit.error());
        ctx.out(*unit);
        return 0;
    }
    if (options.json) return fail("--json is for keep status only");
    auto kept = parse_profiles(ctx, options.words);
    if (!kept) return std::unexpected(kept.error());
    KeepOptions keep{*kept, *paths, options.duration, options.foreground, {}};
    keep.started = [&ctx](const KeeperState& s) {
        std::string sections;
        for (const auto& r : s.rows) sections += (sections.empty() ? "" : ", ") + r.section;
        ctx.out(
            fmt::format("keeping {} ({}) fresh, pid {}\nuse it with: export AWS_SHARED_CREDENTIALS_FILE={}\n",
                        s.file, sections, s.pid, shell_quote(s.file)));
    };
    return run_keeper(ctx, keep);
}

}  // namespace sesame
