#include "vault/pass_store.hpp"

#include <fmt/format.h>
#include <sodium.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <string_view>

#include "crypto/hash.hpp"
#include "platform/process.hpp"
#include "util/strings.hpp"
#include "util/time.hpp"

namespace sesame {
namespace {

constexpr const char* k_install =
    "install pass (Debian/Ubuntu: `apt-get install pass`) and run `pass init GPG-ID`";

/// What pass printed, wiped when it goes (it may be a key).
struct PassOutput {
    std::string text;
    ~PassOutput() { sodium_memzero(text.data(), text.size()); }
};

Result<void> run_pass(const PassSetup& pass, std::vector<std::string> args, const std::string* input,
                      PassOutput* output) {
    std::vector<std::string> argv{pass.command};
    argv.insert(argv.end(), args.begin(), args.end());
    auto ran = run_capture(argv, pass.environment, input);
    if (!ran) return std::unexpected(Error{ran.error().message, k_install});
    if (output)
        output->text = std::move(ran->out);
    else
        sodium_memzero(ran->out.data(), ran->out.size());
    if (ran->exit_code != 0)
        return fail(fmt::format("`{} {}` failed (exit status {}); its message is above", pass.command,
                                args.empty() ? "" : args.front(), ran->exit_code),
                    "check the password store and gpg-agent: `pass ls` should work in this terminal");
    return {};
}

bool entry_exists(const PassSetup& pass, const std::string& entry) {
    return ::access((pass.store_dir + "/" + entry + ".gpg").c_str(), F_OK) == 0;
}

Result<std::optional<Secret>> first_line(const PassSetup& pass, const std::string& entry) {
    if (!entry_exists(pass, entry)) return std::optional<Secret>{};
    PassOutput out;
    if (auto shown = run_pass(pass, {"show", "--", entry}, nullptr, &out); !shown)
        return std::unexpected(std::move(shown.error()));
    const size_t end = out.text.find('\n');
    return std::optional<Secret>(Secret(out.text.substr(0, end)));
}

Result<void> insert(const PassSetup& pass, const std::string& entry, std::string content) {
    auto inserted = run_pass(pass, {"insert", "--multiline", "--force", "--", entry}, &content, nullptr);
    sodium_memzero(content.data(), content.size());
    return inserted;
}

/// The session cache's key: one entry per machine and cache folder, so that two machines sharing
/// the store through git never write the same entry.
class PassKeyHolder final : public VaultKeyHolder {
  public:
    PassKeyHolder(PassSetup pass, const std::string& cache_dir) : m_pass(std::move(pass)) {
        char host[256] = {};
        ::gethostname(host, sizeof host - 1);
        m_entry = m_pass.prefix + "/.session-cache/" +
                  sha256_hex(std::string(host) + ":" + cache_dir).substr(0, 16);
    }
    Result<std::optional<Secret>> load() override { return first_line(m_pass, m_entry); }
    Result<void> store(const Secret& key) override {
        return insert(m_pass, m_entry, std::string(key.reveal()) + "\n");
    }
    Result<bool> erase() override {
        if (!entry_exists(m_pass, m_entry)) return false;
        if (auto removed = run_pass(m_pass, {"rm", "--force", "--", m_entry}, nullptr, nullptr); !removed)
            return std::unexpected(std::move(removed.error()));
        return true;
    }
    std::string describe() const override { return "the password store"; }
    std::string when_lost() const override { return "the session cache starts anew"; }

  private:
    PassSetup m_pass;
    std::string m_entry;
};

FileVaultOptions session_cache_options(FileVaultOptions options) {
    options.kdf = minimum_kdf_params();  // a random key needs no stretching
    options.disposable = true;           // sessions only: a cache whose key is gone starts anew
    return options;
}

bool kept_byte(unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("_-.@+=,").find(static_cast<char>(c)) != std::string_view::npos;
}

}  // namespace

std::string pass_entry_name(const std::string& profile) {
    std::string out;
    for (size_t i = 0; i < profile.size(); ++i) {
        const auto c = static_cast<unsigned char>(profile[i]);
        if (kept_byte(c) && !(i == 0 && c == '.'))
            out += static_cast<char>(c);
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

std::optional<std::string> pass_entry_profile(const std::string& entry) {
    std::string out;
    for (size_t i = 0; i < entry.size(); ++i) {
        if (entry[i] != '%') {
            out += entry[i];
            continue;
        }
        if (i + 2 >= entry.size()) return std::nullopt;
        unsigned value = 0;
        for (char h : {entry[i + 1], entry[i + 2]}) {
            if (h >= '0' && h <= '9')
                value = value * 16 + static_cast<unsigned>(h - '0');
            else if (h >= 'A' && h <= 'F')
                value = value * 16 + static_cast<unsigned>(h - 'A' + 10);
            else
                return std::nullopt;
        }
        out += static_cast<char>(value);
        i += 2;
    }
    if (out.empty() || pass_entry_name(out) != entry) return std::nullopt;  // one spelling per profile
    return out;
}

std::optional<std::string> pass_unavailable(const PassSetup& pass) {
    auto found = run_capture({pass.command, "version"}, pass.environment);
    if (!found || found->exit_code != 0) return fmt::format("`{}` is not installed", pass.command);
    if (::access((pass.store_dir + "/.gpg-id").c_str(), R_OK) != 0)
        return fmt::format("the password store {} is not initialised (pass init GPG-ID)", pass.store_dir);
    return std::nullopt;
}

PassStore::PassStore(PassSetup pass, const std::string& cache_dir, const Clock& clock,
                     FileVaultOptions options)
    : m_pass(std::move(pass)),
      m_cache_key(std::make_unique<PassKeyHolder>(m_pass, cache_dir), cache_dir + "/vault.sesame"),
      m_sessions(cache_dir, m_cache_key, clock, session_cache_options(options)) {}

std::string PassStore::entry_of(const std::string& profile) const {
    return m_pass.prefix + "/" + pass_entry_name(profile);
}

std::string PassStore::describe() const {
    return fmt::format("pass store {}/{}/ (an entry per profile, encrypted by gpg); sessions in {}",
                       m_pass.store_dir, m_pass.prefix, m_sessions.describe());
}

Result<std::set<std::string>> PassStore::all_names() const {
    std::set<std::string> names;
    std::error_code ec;
    const std::filesystem::path dir = m_pass.store_dir + "/" + m_pass.prefix;
    if (!std::filesystem::is_directory(dir, ec)) return names;
    for (const auto& item : std::filesystem::directory_iterator(dir, ec)) {
        const std::string file = item.path().filename().string();
        if (!item.is_regular_file() || file.starts_with('.') || !file.ends_with(".gpg")) continue;
        if (auto profile = pass_entry_profile(file.substr(0, file.size() - 4))) names.insert(*profile);
    }
    if (ec) return fail(fmt::format("cannot list {}: {}", dir.string(), ec.message()));
    return names;
}

bool PassStore::exists() const {
    auto names = all_names();
    return (names && !names->empty()) || m_sessions.exists();
}

Result<std::vector<std::string>> PassStore::key_names() {
    auto names = all_names();
    if (!names) return std::unexpected(std::move(names.error()));
    std::vector<std::string> out;
    for (const auto& n : *names)
        if (!m_confined || m_confined->contains(n)) out.push_back(n);
    return out;
}

Result<std::optional<StoredKey>> PassStore::key(const std::string& profile) {
    if (m_confined && !m_confined->contains(profile)) return std::optional<StoredKey>{};
    const std::string entry = entry_of(profile);
    if (!entry_exists(m_pass, entry)) return std::optional<StoredKey>{};
    PassOutput out;
    if (auto shown = run_pass(m_pass, {"show", "--", entry}, nullptr, &out); !shown)
        return std::unexpected(std::move(shown.error()));
    std::string_view text = out.text;
    const size_t end = text.find('\n');
    StoredKey key{"", Secret(std::string(text.substr(0, end))), TimePoint{}};
    for (size_t at = end; at != std::string_view::npos && at < text.size();) {
        const size_t next = text.find('\n', at + 1);
        std::string_view line =
            text.substr(at + 1, next == std::string_view::npos ? std::string_view::npos : next - at - 1);
        if (line.starts_with("aws_access_key_id:")) key.access_key_id = std::string(trim(line.substr(18)));
        if (line.starts_with("added:"))
            if (auto t = parse_rfc3339(trim(line.substr(6)))) key.added = *t;
        at = next;
    }
    if (key.access_key_id.empty() || key.secret_access_key.empty())
        return fail(fmt::format("the pass entry {} is not a sesame key (no aws_access_key_id line)", entry),
                    fmt::format("fix it with `pass edit {}`, or remove it and add the key again", entry));
    return std::optional<StoredKey>(std::move(key));
}

Result<std::map<std::string, StoredSession>> PassStore::sessions() {
    return m_sessions.sessions();
}

Result<std::optional<StoredSession>> PassStore::session(const SessionKey& key) {
    return m_sessions.session(key);
}

Result<StoreChangeResult> PassStore::apply(const StoreChange& change) {
    auto writing = m_sessions.lock("pass store write");
    if (!writing) return std::unexpected(std::move(writing.error()));
    for (const auto& [profile, expected] : change.expect_key_ids) {
        auto now = key(profile);
        if (!now) return std::unexpected(std::move(now.error()));
        const std::string id = *now ? (*now)->access_key_id : "";
        if (id != expected)
            return fail(fmt::format("profile \"{}\" changed meanwhile (another sesame command?)", profile),
                        "nothing was changed; run the command again");
    }
    StoreChangeResult result;
    for (const auto& profile : change.remove_keys) {
        const std::string entry = entry_of(profile);
        if (!entry_exists(m_pass, entry)) continue;
        if (auto removed = run_pass(m_pass, {"rm", "--force", "--", entry}, nullptr, nullptr); !removed)
            return std::unexpected(std::move(removed.error()));
        ++result.keys_removed;
    }
    for (const auto& [profile, key] : change.put_keys) {
        std::string content = std::string(key.secret_access_key.reveal()) +
                              "\naws_access_key_id: " + key.access_key_id +
                              "\nadded: " + format_rfc3339(key.added) + "\n";
        if (auto put = insert(m_pass, entry_of(profile), std::move(content)); !put)
            return std::unexpected(std::move(put.error()));
    }
    if (!change.put_sessions.empty() || change.remove_sessions) {
        StoreChange sessions;
        sessions.put_sessions = change.put_sessions;
        sessions.remove_sessions = change.remove_sessions;
        auto applied = m_sessions.apply(sessions);
        if (!applied) return std::unexpected(std::move(applied.error()));
        result.sessions_removed = applied->sessions_removed;
    }
    return result;
}

Result<StoreLockPtr> PassStore::lock(std::string_view name) {
    return m_sessions.lock(name);
}

void PassStore::confine(std::set<std::string> profiles) {
    m_confined = profiles;
    m_sessions.confine(std::move(profiles));
}

}  // namespace sesame
