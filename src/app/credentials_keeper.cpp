#include "app/credentials_keeper.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <thread>

#include "app/credential_service.hpp"
#include "app/keep_mfa.hpp"
#include "app/settings.hpp"
#include "config/kept_credentials.hpp"
#include "platform/files.hpp"
#include "platform/signals.hpp"

namespace sesame {

using std::chrono::seconds;

namespace {

constexpr seconds k_retry_first{30}, k_retry_max{5 * 60};
/// A renewal asks the cache for this much more than the renewal margin, so it gets a new session.
constexpr seconds k_renew_slack{60};

struct Row {
    KeptProfile kept;
    KeptRow shown;
    std::optional<Credentials> creds;
    std::set<std::string> chain;  ///< the profiles whose stored keys its sessions come from
    std::optional<TimePoint> retry_at;
    int failures = 0;
};

/// The first line of an error, for the status table.
std::string one_line(const Error& e) {
    std::string m = e.message;
    return m.substr(0, m.find('\n'));
}

class Keeper {
  public:
    Keeper(Context& ctx, const KeepOptions& options, std::string source, std::optional<seconds> renew_before)
        : m_ctx(ctx), m_options(options), m_source(std::move(source)), m_renew_before(renew_before) {
        for (const KeptProfile& k : options.profiles) {
            Row row;
            row.kept = k;
            row.shown.profile = k.profile;
            row.shown.section = k.section;
            row.shown.serial = ctx.mfa_serial_of(k.profile);
            row.shown.mfa = !row.shown.serial.empty();
            row.shown.state = "starting";
            m_rows.push_back(std::move(row));
        }
    }

    KeeperState state() const {
        KeeperState s{::getpid(), m_options.paths.file, m_source, {}};
        for (const Row& r : m_rows) s.rows.push_back(r.shown);
        return s;
    }
    void save_state() const {
        (void)write_file_atomic(m_options.paths.state(), state_to_json(state()), 0600);
    }

    /// Called by the MFA source while it waits for a code.
    void waiting(std::string_view serial) {
        if (m_current) m_current->shown.state = fmt::format("waiting for an MFA code for {}", serial);
        save_state();
    }

    /// Fetches `row`'s session; a renewal asks the cache for more than the margin left.
    Result<void> fetch(Row& row, bool renewal) {
        m_current = &row;
        CredentialRequest request;
        request.profile = row.kept.profile;
        request.duration = m_options.duration;
        std::optional<seconds> min_ttl;
        if (renewal && row.creds && row.creds->expiration && row.shown.renew_at)
            min_ttl = std::chrono::duration_cast<seconds>(*row.creds->expiration - *row.shown.renew_at) +
                      k_renew_slack;
        auto source = CredentialSource::open(m_ctx, request, min_ttl);
        if (!source) return std::unexpected(source.error());
        auto creds = (*source)->fetch();
        m_current = nullptr;
        if (!creds) return std::unexpected(creds.error());
        for (const ProfileConfig* p = &(*source)->profile(); p; p = p->source.get())
            row.chain.insert(p->name);
        const TimePoint now = m_ctx.clock().now();
        row.shown.obtained = now;
        row.shown.expires = creds->expiration;
        row.shown.renew_at.reset();
        if (creds->expiration) row.shown.renew_at = renew_time(now, *creds->expiration, m_renew_before);
        row.shown.state = "ok";
        row.creds = std::move(*creds);
        row.retry_at.reset();
        row.failures = 0;
        return {};
    }

    void failed(Row& row, const Error& error) {
        m_current = nullptr;
        row.shown.state = "renewal failed: " + one_line(error);
        m_ctx.log().warn(fmt::format("keep \"{}\": {}", row.kept.profile, error.message));
        const seconds delay = std::min(k_retry_max, k_retry_first * (1 << std::min(row.failures, 4)));
        ++row.failures;
        row.retry_at = m_ctx.clock().now() + delay;
    }

    Result<void> write_file() const {
        SESAME_TRY(check_kept_path(m_options.paths.file));
        auto text = read_file_if_exists(m_source, NotRegular::missing);
        if (!text) return std::unexpected(text.error());
        std::vector<KeptSection> sections;
        for (const Row& r : m_rows)
            if (r.creds) sections.push_back({r.kept.section, &*r.creds});
        auto rendered = render_kept_credentials(text->value_or(""), m_source, sections);
        if (!rendered) return std::unexpected(rendered.error());
        return write_file_atomic(m_options.paths.file, *rendered, 0600);
    }

    /// The file may be created or be one sesame keep wrote; never a link, never anything else.
    static Result<void> check_kept_path(const std::string& path) {
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) return {};
        if (S_ISLNK(st.st_mode))
            return fail(fmt::format("{} is a symbolic link: sesame keep writes only a file of its own", path),
                        "remove the link, or choose another --file");
        auto text = read_file_if_exists(path);
        if (!text) return std::unexpected(text.error());
        if (*text && !(*text)->empty() && !kept_file_source(**text))
            return fail(fmt::format("{} exists and was not written by sesame keep", path),
                        "move it away, or choose another --file");
        return {};
    }

    std::set<std::string> chains() const {
        std::set<std::string> all;
        for (const Row& r : m_rows) all.insert(r.chain.begin(), r.chain.end());
        return all;
    }

    /// Renews what is due; returns when the next renewal is due.
    std::optional<TimePoint> renew_due(std::atomic<bool>& stop) {
        bool changed = false;
        for (Row& row : m_rows) {
            if (stop) break;
            const auto due = row.retry_at ? row.retry_at : row.shown.renew_at;
            if (!due || *due > m_ctx.clock().now()) continue;
            if (auto r = fetch(row, true); !r)
                failed(row, r.error());
            else
                changed = true;
        }
        if (changed)
            if (auto w = write_file(); !w)
                m_ctx.log().warn(w.error().message +
                                 (w.error().hint.empty() ? "" : " (" + w.error().hint + ")"));
        save_state();
        std::optional<TimePoint> next;
        for (const Row& row : m_rows) {
            const auto due = row.retry_at ? row.retry_at : row.shown.renew_at;
            if (due && (!next || *due < *next)) next = due;
        }
        return next;
    }

    std::vector<Row>& rows() { return m_rows; }

  private:
    Context& m_ctx;
    const KeepOptions& m_options;
    std::string m_source;
    std::optional<seconds> m_renew_before;
    std::vector<Row> m_rows;
    Row* m_current = nullptr;
};

/// Detaches: the parent reports and leaves without running destructors (they would release the
/// locks the child inherits); the child gets its own session and the log file as stdout/stderr.
Result<void> detach(const Keeper& keeper, const KeepOptions& options) {
    std::fflush(nullptr);
    pid_t child = ::fork();
    if (child < 0) return fail(fmt::format("cannot start the keeper: {}", std::strerror(errno)));
    if (child > 0) {
        KeeperState s = keeper.state();
        s.pid = child;
        if (options.started) options.started(s);
        std::fflush(nullptr);
        ::_exit(0);
    }
    ::setsid();
    int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    int log =
        ::open(options.paths.log().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (null >= 0) ::dup2(null, 0);
    if (log >= 0) {
        ::dup2(log, 1);
        ::dup2(log, 2);
    }
    if (null > 2) ::close(null);
    if (log > 2) ::close(log);
    return {};
}

/// botocore prefers a config profile's role_arn, credential_process or SSO settings to the keys
/// of the credentials-file section of the same name: the kept keys would go unused.
void warn_on_collision(Context& ctx, const AwsConfig& config, const KeptProfile& kept) {
    const IniSection* same = config.profile(kept.section);
    if (!same) return;
    for (const char* key : {"role_arn", "credential_process", "sso_session", "sso_start_url"})
        if (same->find(key))
            return ctx.log().warn(fmt::format(
                "section [{}] is also [profile {}] in {}, whose {} the aws CLI uses instead of the kept "
                "keys; "
                "give it another section: sesame keep {}={}-keep",
                kept.section, kept.section, config.paths().config, key, kept.profile, kept.section));
}

bool same_file(const std::string& a, const std::string& b) {
    auto ra = resolve_symlinks(a), rb = resolve_symlinks(b);
    return ra && rb && *ra == *rb;
}

}  // namespace

Result<int> run_keeper(Context& ctx, const KeepOptions& options) {
    const KeeperPaths& paths = options.paths;
    auto renew_setting = duration_setting(ctx.env(), "SESAME_KEEP_RENEW_BEFORE");
    if (!renew_setting) return std::unexpected(renew_setting.error());
    std::optional<seconds> renew_before;
    if (renew_setting->count() > 0) renew_before = *renew_setting;
    auto config = ctx.config();  // follows a kept AWS_SHARED_CREDENTIALS_FILE to its source
    if (!config) return std::unexpected(config.error());
    const std::string source = (*config)->paths().credentials;
    if (same_file(source, paths.file))
        return fail(
            fmt::format("{} is your credentials file, which sesame keep reads from", paths.file),
            "keep into another file (--file), and point tools at it with AWS_SHARED_CREDENTIALS_FILE");
    for (const KeptProfile& k : options.profiles) warn_on_collision(ctx, **config, k);
    SESAME_TRY(Keeper::check_kept_path(paths.file));
    SESAME_TRY(ensure_private_dir(paths.file.substr(0, paths.file.rfind('/'))));  // ~/.awscred
    SESAME_TRY(ensure_private_dir(paths.dir));
    auto lock = FileLock::acquire(paths.lock(), std::chrono::milliseconds(500));
    if (!lock)
        return fail(fmt::format("a keeper already keeps {}", paths.file),
                    "see it with: sesame keep status; end it with: sesame keep stop");

    auto signals = SignalRouter::block({SIGTERM, SIGINT, SIGHUP});
    if (!signals) return std::unexpected(signals.error());
    std::atomic<bool> stop = false;
    Keeper keeper(ctx, options, source, renew_before);
    auto named = ctx.named_prompt_driver();
    if (!named) return std::unexpected(named.error());
    auto mfa = KeeperMfaSource::open(paths.fifo(), ctx.prompt(), std::move(*named), signals->fd(), stop,
                                     [&keeper](std::string_view serial) { keeper.waiting(serial); });
    if (!mfa) return std::unexpected(mfa.error());
    ctx.set_mfa_source(std::move(*mfa));
    keeper.save_state();

    // The first round in the foreground: a profile that does not work is reported, not kept.
    for (Row& row : keeper.rows()) {
        auto r = keeper.fetch(row, false);
        if (!r) {
            keeper.save_state();
            return std::unexpected(
                std::move(r.error()).context(fmt::format("keep \"{}\"", row.kept.profile)));
        }
    }
    SESAME_TRY(keeper.write_file());
    ctx.store().confine(keeper.chains());  // renewals need neither the passphrase nor other keys
    if (!options.foreground) SESAME_TRY(detach(keeper, options));
    keeper.save_state();
    if (options.foreground && options.started) options.started(keeper.state());

    while (!stop) {
        auto next = keeper.renew_due(stop);
        auto wait = std::chrono::milliseconds(60'000);
        if (next) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*next - ctx.clock().now());
            wait = std::clamp(left, std::chrono::milliseconds(200), wait);
        }
        pollfd fd{signals->fd(), POLLIN, 0};
        if (::poll(&fd, 1, static_cast<int>(wait.count())) > 0)
            for (const auto& s : signals->read()) stop = stop || s.signo != 0;
    }
    ::unlink(paths.fifo().c_str());
    ::unlink(paths.state().c_str());
    return 0;
}

Result<KeeperState> running_keeper(const KeeperPaths& paths) {
    auto not_running = [&] {
        return fail(fmt::format("no keeper is running for {}", paths.file),
                    "start one with: sesame keep PROFILE[=SECTION]");
    };
    struct stat st {};
    if (::stat(paths.dir.c_str(), &st) != 0) return not_running();
    if (auto probe = FileLock::acquire(paths.lock(), std::chrono::milliseconds(0))) return not_running();
    auto text = read_file_if_exists(paths.state());
    if (!text) return std::unexpected(text.error());
    if (!*text) return fail(fmt::format("the keeper of {} is starting", paths.file), "try again in a moment");
    return state_from_json(**text, paths.state());
}

Result<KeeperState> stop_keeper(const KeeperPaths& paths, std::chrono::milliseconds wait) {
    auto state = running_keeper(paths);
    if (!state) return state;
    if (state->pid <= 0 || ::kill(state->pid, SIGTERM) != 0)
        return fail(fmt::format("cannot stop the keeper of {} (pid {}): {}", paths.file, state->pid,
                                std::strerror(errno)));
    for (auto waited = std::chrono::milliseconds(0); waited < wait; waited += std::chrono::milliseconds(50)) {
        if (FileLock::acquire(paths.lock(), std::chrono::milliseconds(0))) return state;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return fail(fmt::format("the keeper of {} (pid {}) has not ended yet", paths.file, state->pid));
}

Result<void> send_mfa_code(const KeeperPaths& paths, const Secret& code) {
    auto state = running_keeper(paths);
    if (!state) return std::unexpected(state.error());
    const bool waits = std::any_of(state->rows.begin(), state->rows.end(), [](const KeptRow& r) {
        return r.state.starts_with("waiting for an MFA code");
    });
    if (!waits) return fail(fmt::format("the keeper of {} is not waiting for an MFA code", paths.file));
    SESAME_TRY(check_mfa_code(code, "the keeper's MFA device"));
    UniqueFd fifo(::open(paths.fifo().c_str(), O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
    struct stat st {};
    if (fifo.get() < 0 || ::fstat(fifo.get(), &st) != 0 || !S_ISFIFO(st.st_mode))
        return fail(fmt::format("cannot hand the code to the keeper through {}", paths.fifo()));
    const std::string line = code.reveal() + "\n";
    if (::write(fifo.get(), line.data(), line.size()) != static_cast<ssize_t>(line.size()))
        return fail(fmt::format("cannot hand the code to the keeper: {}", std::strerror(errno)));
    return {};
}

}  // namespace sesame
