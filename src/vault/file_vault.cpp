#include "vault/file_vault.hpp"

#include <fmt/format.h>
#include <sodium.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "crypto/hash.hpp"
#include "platform/files.hpp"
#include "util/bytes.hpp"

namespace sesame {
namespace {

constexpr std::string_view k_magic{"SESAME\x00\x01", 8};
constexpr uint32_t k_format_version = 1;
constexpr uint32_t k_kdf_argon2id13 = 1;
constexpr size_t k_salt_offset = 32;
/// Passphrases asked for (when the source can ask again) before an unlock gives up.
constexpr int k_passphrase_tries = 3;
constexpr size_t k_nonce_offset = k_salt_offset + k_kdf_salt_size;
constexpr size_t k_header_size = k_nonce_offset + k_aead_nonce_size;
static_assert(k_header_size == 72);

using bytes::get_le;
using bytes::put_le;

std::string encode_header(const KdfParams& kdf, std::string_view salt, std::string_view nonce) {
    std::string out(k_magic);
    put_le(out, k_format_version, 4);
    put_le(out, k_kdf_argon2id13, 4);
    put_le(out, kdf.opslimit, 8);
    put_le(out, kdf.memlimit, 8);
    out += salt;
    out += nonce;
    return out;
}

struct Header {
    KdfParams kdf;
    std::string_view salt;
    std::string_view nonce;
    std::string_view ad;          ///< the header bytes, authenticated with the ciphertext
    std::string_view ciphertext;  ///< includes the tag
};

std::unexpected<Error> damaged(const std::string& path) {
    return fail(fmt::format("{} is not a sesame vault or is damaged", path),
                "restore it from a backup, or move it away and add your keys again");
}

/// Checks everything that can be checked without the key, so damage is told apart from a wrong
/// passphrase whenever the header shows it.
Result<Header> parse_header(std::string_view file, const std::string& path) {
    if (file.size() < k_header_size + k_aead_tag_size || file.substr(0, k_magic.size()) != k_magic)
        return damaged(path);
    const uint64_t version = get_le(file, 8, 4);
    if (version > k_format_version)
        return fail(
            fmt::format("{} was written by a newer sesame (vault format {}, this sesame reads up to {})",
                        path, version, k_format_version),
            "upgrade sesame to use this vault");
    if (version != k_format_version || get_le(file, 12, 4) != k_kdf_argon2id13) return damaged(path);
    Header h;
    h.kdf = {get_le(file, 16, 8), get_le(file, 24, 8)};
    if (!kdf_params_valid(h.kdf)) return damaged(path);
    h.salt = file.substr(k_salt_offset, k_kdf_salt_size);
    h.nonce = file.substr(k_nonce_offset, k_aead_nonce_size);
    h.ad = file.substr(0, k_header_size);
    h.ciphertext = file.substr(k_header_size);
    return h;
}

/// `e` (a failed create, lock or write in the vault's folder `dir`), with what to do when the
/// cause is that the folder, or the nearest one that exists, is not writable (a read-only $HOME,
/// a read-only file system): checked only once something failed.
Error with_writable_hint(Error e, const std::string& dir) {
    std::string existing = dir;
    while (existing.size() > 1 && ::access(existing.c_str(), F_OK) != 0) {
        size_t slash = existing.find_last_of('/');
        existing = slash == 0 || slash == std::string::npos ? "/" : existing.substr(0, slash);
    }
    if (::access(existing.c_str(), W_OK | X_OK) == 0) return e;
    e.hint = fmt::format(
        "sesame keeps its vault in {}, and {} is not writable for you: make it writable, or set "
        "SESAME_FILE_DIR to a folder you can write",
        dir, existing);
    return e;
}

}  // namespace

FileVault::FileVault(std::string dir, PassphraseSource& passphrase, const Clock& clock,
                     FileVaultOptions options)
    : m_dir(std::move(dir)), m_passphrase(passphrase), m_clock(clock), m_options(options) {}

std::string FileVault::path() const {
    return m_dir + "/vault.sesame";
}

bool FileVault::exists() const {
    auto perms = file_permissions(path());
    return perms && perms->has_value();
}

Result<VaultData> FileVault::load() {
    auto data = read_existing();
    if (!data) return std::unexpected(std::move(data.error()));
    if (!*data) return VaultData{};
    (*data)->prune_expired(m_clock.now());
    if (m_confined)
        std::erase_if((*data)->keys, [&](const auto& k) { return !m_confined->contains(k.first); });
    return std::move(**data);
}

std::string FileVault::describe() const {
    return fmt::format("file vault {} (XChaCha20-Poly1305, {}){}", path(), m_passphrase.key_origin(),
                       exists() ? "" : ", not created yet");
}

Result<std::vector<std::string>> FileVault::key_names() {
    auto data = load();
    if (!data) return std::unexpected(std::move(data.error()));
    std::vector<std::string> names;
    for (const auto& [name, key] : data->keys) names.push_back(name);
    return names;
}

Result<std::optional<StoredKey>> FileVault::key(const std::string& profile) {
    auto data = load();
    if (!data) return std::unexpected(std::move(data.error()));
    auto it = data->keys.find(profile);
    if (it == data->keys.end()) return std::optional<StoredKey>{};
    return std::optional<StoredKey>(std::move(it->second));
}

Result<std::map<std::string, StoredSession>> FileVault::sessions() {
    auto data = load();
    if (!data) return std::unexpected(std::move(data.error()));
    return std::move(data->sessions);
}

Result<std::optional<StoredSession>> FileVault::session(const SessionKey& key) {
    auto data = load();
    if (!data) return std::unexpected(std::move(data.error()));
    auto it = data->sessions.find(key.id());
    if (it == data->sessions.end()) return std::optional<StoredSession>{};
    return std::optional<StoredSession>(std::move(it->second));
}

Result<StoreChangeResult> FileVault::apply(const StoreChange& change) {
    StoreChangeResult result;
    SESAME_TRY(update([&](VaultData& data) -> Result<void> {
        auto applied = apply_change(data, change);
        if (!applied) return std::unexpected(std::move(applied.error()));
        result = *applied;
        return {};
    }));
    return result;
}

namespace {
struct FileStoreLock final : StoreLock {
    explicit FileStoreLock(FileLock lock) : held(std::move(lock)) {}
    FileLock held;
};
}  // namespace

Result<StoreLockPtr> FileVault::lock(std::string_view name) {
    auto held = lock_named(name);
    if (!held) return std::unexpected(std::move(held.error()));
    return StoreLockPtr(std::make_unique<FileStoreLock>(std::move(*held)));
}

void FileVault::confine(std::set<std::string> profiles) {
    m_confined = std::move(profiles);
    m_last_data.reset();  // StoredKey secrets wipe themselves
    m_last_file.clear();
    m_passphrase.forget();
}

Result<void> FileVault::update(const std::function<Result<void>(VaultData&)>& change) {
    if (auto made = ensure_private_dir(m_dir); !made)
        return std::unexpected(with_writable_hint(std::move(made.error()), m_dir));
    SESAME_TRY(check_permissions(m_dir, 0700));
    auto lock = FileLock::acquire(path() + ".lock", m_options.lock_timeout);
    if (!lock) return std::unexpected(with_writable_hint(std::move(lock.error()), m_dir));

    auto existing = read_existing();
    if (!existing) return std::unexpected(std::move(existing.error()));
    const bool creating = !existing->has_value();
    VaultData data = creating ? VaultData{} : std::move(**existing);

    SESAME_TRY(change(data));
    data.prune_expired(m_clock.now());
    if (creating) SESAME_TRY(create_key());
    if (auto written = write(data); !written)
        return std::unexpected(with_writable_hint(std::move(written.error()), m_dir));
    if (m_pending_passphrase) {  // a new vault: unlocked from now on
        cache_key(*m_pending_passphrase);
        m_pending_passphrase.reset();
    }
    return {};
}

Result<void> FileVault::check_permissions(const std::string& path, mode_t allowed) const {
    auto perms = file_permissions(path);
    if (!perms) return std::unexpected(std::move(perms.error()));
    return *perms ? check_permissions(path, **perms, allowed) : Result<void>{};
}

Result<void> FileVault::check_permissions(const std::string& path, mode_t perms, mode_t allowed) const {
    if ((perms & 0777 & ~allowed) == 0) return {};
    return fail(fmt::format("{} is accessible to other users (mode {:04o}); sesame refuses to use it", path,
                            perms & 07777),
                fmt::format("run: chmod {:o} {}", allowed, path));
}

Result<std::optional<VaultData>> FileVault::read_existing() {
    // Opened once, its permissions from that open: the warm path reads the vault twice, and
    // each stat costs as much as the rest of a read. A path that cannot be opened for another
    // reason than its absence is an error, not an empty vault.
    auto opened = ReadOnlyFile::open(path());
    if (!opened) return std::unexpected(std::move(opened.error()));
    if (!*opened) return std::optional<VaultData>{};
    if (!m_dir_checked) SESAME_TRY(check_permissions(m_dir, 0700));
    m_dir_checked = true;
    SESAME_TRY(check_permissions(path(), (*opened)->permissions(), 0600));
    auto file = (*opened)->read_all();
    if (!file) return std::unexpected(std::move(file.error()));

    // The same bytes as last time in this process: the contents are known (the warm path reads
    // the vault twice: stored profiles, then the cached session).
    if (m_last_data && m_key && *file == m_last_file) return std::optional<VaultData>(*m_last_data);

    auto header = parse_header(*file, path());
    if (!header) return std::unexpected(std::move(header.error()));

    // Single flight for the passphrase prompt: while one process asks, the others wait on this
    // lock and then find the key it cached. Held until the new key is verified and cached.
    std::optional<FileLock> prompt_lock;
    if (!use_cached_key(header->salt, header->kdf) && caching()) {
        auto lock = lock_named("unlock the vault");
        if (!lock) return std::unexpected(std::move(lock.error()));
        prompt_lock = std::move(*lock);
    }
    Result<Secret> plain = std::unexpected(Error{});
    for (int attempt = 1;; ++attempt) {
        auto asked = unlock(header->salt, header->kdf);
        if (!asked && m_options.disposable) return discard();
        if (!asked) return std::unexpected(std::move(asked.error()));
        plain = aead_open(*m_key, header->nonce, header->ciphertext, header->ad);
        if (plain) break;
        m_pending_passphrase.reset();
        // A key that opened this vault before cannot be wrong: the file changed under it.
        if (!*asked) return damaged(path());
        m_key.reset();
        if (m_options.disposable) return discard();
        if (attempt < k_passphrase_tries && m_passphrase.ask_again()) continue;
        if (auto error = m_passphrase.wrong_key()) return std::unexpected(std::move(*error));
        if (m_passphrase.preset())
            return fail(
                fmt::format("wrong passphrase for the vault at {}: SESAME_FILE_PASSPHRASE does not open it",
                            path()),
                "set SESAME_FILE_PASSPHRASE to the vault's passphrase, or unset it to be asked");
        return fail(fmt::format("wrong passphrase for the vault at {}{}", path(),
                                attempt > 1 ? fmt::format(" ({} tries)", attempt) : ""),
                    "nothing was changed; run the command again to try again");
    }
    if (m_pending_passphrase) {
        cache_key(*m_pending_passphrase);
        m_pending_passphrase.reset();
    }
    auto data = deserialize(plain->reveal());
    if (!data) return std::unexpected(std::move(data.error()).context(path()));
    if (!m_confined) {
        m_last_file = std::move(*file);
        m_last_data = *data;
    }
    return std::optional<VaultData>(std::move(*data));
}

Result<std::optional<VaultData>> FileVault::discard() {
    if (::unlink(path().c_str()) != 0 && errno != ENOENT)
        return fail(fmt::format("cannot remove the unreadable cache {}: {}", path(), std::strerror(errno)));
    m_key.reset();
    m_last_data.reset();
    m_last_file.clear();
    return std::optional<VaultData>{};
}

bool FileVault::caching() const {
    return m_options.key_cache && m_options.unlock_idle.count() > 0;
}

std::string FileVault::cache_id() const {
    char* real = ::realpath(m_dir.c_str(), nullptr);
    std::string dir = real ? real : m_dir;
    std::free(real);
    return sha256_hex(dir).substr(0, 32);
}

bool FileVault::use_cached_key(std::string_view salt, const KdfParams& kdf) {
    if (m_key && m_salt == salt && m_kdf == kdf) return true;
    if (!caching()) return false;
    auto entry = m_options.key_cache->load(cache_id(), m_options.unlock_idle);
    if (!entry || entry->salt != salt) return false;
    if (auto preset = m_passphrase.preset()) {
        // A given passphrase must be the right one even while the vault is unlocked.
        std::string check = passphrase_check(entry->key, *preset);
        if (check.size() != entry->passphrase_check.size() ||
            sodium_memcmp(check.data(), entry->passphrase_check.data(), check.size()) != 0)
            return false;
    }
    m_key = std::move(entry->key);
    m_salt = std::string(salt);
    m_kdf = kdf;
    return true;
}

void FileVault::cache_key(const Secret& passphrase) {
    if (!caching() || !m_key) return;
    KeyCache::Entry entry;
    entry.salt = m_salt;
    std::memcpy(entry.key.data(), m_key->data(), AeadKey::size());
    entry.passphrase_check = passphrase_check(*m_key, passphrase);
    m_options.key_cache->store(cache_id(), entry, m_options.unlock_idle);
}

bool FileVault::forget_unlocked() {
    m_key.reset();
    m_last_data.reset();
    return m_options.key_cache && m_options.key_cache->forget(cache_id());
}

std::optional<std::chrono::seconds> FileVault::unlocked_for() {
    if (!m_options.key_cache) return std::nullopt;
    return m_options.key_cache->time_left(cache_id());
}

Result<FileLock> FileVault::lock_named(std::string_view name) {
    if (auto made = ensure_private_dir(m_dir + "/locks"); !made)
        return std::unexpected(with_writable_hint(std::move(made.error()), m_dir));
    auto lock = FileLock::acquire(m_dir + "/locks/" + sha256_hex(name).substr(0, 32) + ".lock",
                                  m_options.prompt_wait);
    if (!lock) return std::unexpected(with_writable_hint(std::move(lock.error()), m_dir));
    return lock;
}

Result<bool> FileVault::unlock(std::string_view salt, const KdfParams& kdf) {
    if (use_cached_key(salt, kdf)) return false;
    m_key.reset();
    auto passphrase = m_passphrase.passphrase(false);
    if (!passphrase) return std::unexpected(std::move(passphrase.error()));
    auto key = derive_key(*passphrase, salt, kdf);
    if (!key) return std::unexpected(std::move(key.error()));
    m_key = std::move(*key);
    m_salt = std::string(salt);
    m_kdf = kdf;
    m_pending_passphrase = std::move(*passphrase);
    return true;
}

Result<void> FileVault::create_key() {
    m_key.reset();
    auto passphrase = m_passphrase.passphrase(true);
    if (!passphrase) return std::unexpected(std::move(passphrase.error()));
    if (passphrase->empty())
        return fail(fmt::format("refusing to create the vault at {} with an empty passphrase", path()),
                    "choose a passphrase (or set SESAME_FILE_PASSPHRASE to one)");
    if (!kdf_params_valid(m_options.kdf)) return fail("the vault key derivation parameters are out of range");
    std::string salt = random_bytes(k_kdf_salt_size);
    auto key = derive_key(*passphrase, salt, m_options.kdf);
    if (!key) return std::unexpected(std::move(key.error()));
    m_key = std::move(*key);
    m_salt = std::move(salt);
    m_kdf = m_options.kdf;
    m_pending_passphrase = std::move(*passphrase);
    return {};
}

Result<void> FileVault::write(const VaultData& data) {
    const Secret plaintext(serialize(data));  // wiped when this function returns
    const std::string nonce = random_bytes(k_aead_nonce_size);
    std::string file = encode_header(m_kdf, m_salt, nonce);
    file += aead_seal(*m_key, nonce, plaintext.reveal(), file);
    return write_file_atomic(path(), file, 0600);
}

}  // namespace sesame
