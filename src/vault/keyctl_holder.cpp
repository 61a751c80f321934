#include "vault/keyctl_holder.hpp"

#include <fmt/format.h>
#include <linux/keyctl.h>
#include <sodium.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crypto/hash.hpp"

namespace sesame {
namespace {

constexpr unsigned long k_possessor_all = 0x3f000000;  // view read write search link setattr
constexpr unsigned long k_user_view = 0x00010000;      // others with the same uid may see it exists
constexpr size_t k_max_key = 256;

long keyctl(int op, unsigned long a2, unsigned long a3 = 0, unsigned long a4 = 0, unsigned long a5 = 0) {
    return ::syscall(SYS_keyctl, op, a2, a3, a4, a5);
}

std::string errno_text() {
    return std::strerror(errno);
}

}  // namespace

KeyctlKeyHolder::KeyctlKeyHolder(std::string keyring, std::string vault_dir)
    : m_keyring(std::move(keyring)),
      m_description("sesame:vault-key:" + sha256_hex(vault_dir).substr(0, 32)),
      m_vault_dir(std::move(vault_dir)) {}

Result<long> KeyctlKeyHolder::keyring_id() const {
    long id = -1;
    if (m_keyring == "persistent") {
        // Links the user's persistent keyring into the session keyring, so this process
        // possesses it (and what is in it) from now on.
        id = keyctl(KEYCTL_GET_PERSISTENT, static_cast<unsigned long>(-1),
                    static_cast<unsigned long>(KEY_SPEC_SESSION_KEYRING));
    } else {
        const long spec = m_keyring == "user" ? KEY_SPEC_USER_KEYRING : KEY_SPEC_SESSION_KEYRING;
        // Never create a session keyring: one made for this process would die with it.
        id = keyctl(KEYCTL_GET_KEYRING_ID, static_cast<unsigned long>(spec), m_keyring == "user" ? 1 : 0);
    }
    if (id < 0)
        return fail(
            fmt::format("the kernel's {} keyring is not available here: {}", m_keyring, errno_text()),
            m_keyring == "persistent"
                ? "the kernel needs CONFIG_PERSISTENT_KEYRINGS; choose SESAME_KEYCTL_KEYRING=user, or "
                  "another backend (sesame status lists them)"
                : "keyrings may be forbidden in this container; choose another backend (sesame status "
                  "lists them)");
    return id;
}

std::optional<std::string> KeyctlKeyHolder::unavailable(const std::string& keyring) {
    KeyctlKeyHolder probe(keyring, "/");
    auto id = probe.keyring_id();
    if (!id) return id.error().message;
    return std::nullopt;
}

Result<std::optional<Secret>> KeyctlKeyHolder::load() {
    auto ring = keyring_id();
    if (!ring) return std::unexpected(std::move(ring.error()));
    long serial =
        keyctl(KEYCTL_SEARCH, static_cast<unsigned long>(*ring), reinterpret_cast<unsigned long>("user"),
               reinterpret_cast<unsigned long>(m_description.c_str()), 0);
    if (serial < 0) {
        if (errno == ENOKEY || errno == EKEYEXPIRED || errno == EKEYREVOKED) return std::optional<Secret>{};
        return fail(fmt::format("cannot search the kernel's {} keyring: {}", m_keyring, errno_text()));
    }
    std::string buf(k_max_key, '\0');
    long n = keyctl(KEYCTL_READ, static_cast<unsigned long>(serial),
                    reinterpret_cast<unsigned long>(buf.data()), buf.size());
    if (n < 0 || static_cast<size_t>(n) > buf.size()) {
        sodium_memzero(buf.data(), buf.size());
        return fail(fmt::format("cannot read sesame's key from the kernel's {} keyring: {}", m_keyring,
                                n < 0 ? errno_text() : "it is larger than a vault key"));
    }
    Secret key(std::string(buf.data(), static_cast<size_t>(n)));
    sodium_memzero(buf.data(), buf.size());
    return std::optional<Secret>(std::move(key));
}

Result<void> KeyctlKeyHolder::store(const Secret& key) {
    auto ring = keyring_id();
    if (!ring) return std::unexpected(std::move(ring.error()));
    const std::string_view payload = key.reveal();
    long serial =
        ::syscall(SYS_add_key, "user", m_description.c_str(), payload.data(), payload.size(), *ring);
    if (serial < 0)
        return fail(
            fmt::format("cannot store sesame's key in the kernel's {} keyring: {}", m_keyring, errno_text()),
            "see `cat /proc/sys/kernel/keys/maxbytes` (the per-user quota)");
    keyctl(KEYCTL_SETPERM, static_cast<unsigned long>(serial), k_possessor_all | k_user_view);
    return {};
}

Result<bool> KeyctlKeyHolder::erase() {
    auto ring = keyring_id();
    if (!ring) return std::unexpected(std::move(ring.error()));
    long serial =
        keyctl(KEYCTL_SEARCH, static_cast<unsigned long>(*ring), reinterpret_cast<unsigned long>("user"),
               reinterpret_cast<unsigned long>(m_description.c_str()), 0);
    if (serial < 0) return false;
    if (keyctl(KEYCTL_INVALIDATE, static_cast<unsigned long>(serial)) == 0) return true;
    if (keyctl(KEYCTL_UNLINK, static_cast<unsigned long>(serial), static_cast<unsigned long>(*ring)) == 0)
        return true;
    return fail(
        fmt::format("cannot remove sesame's key from the kernel's {} keyring: {}", m_keyring, errno_text()));
}

std::string KeyctlKeyHolder::describe() const {
    return fmt::format("the kernel's {} keyring", m_keyring);
}

std::string KeyctlKeyHolder::when_lost() const {
    return fmt::format(
        "kernel keyrings do not survive a reboot{}: the keys in that vault are lost. Move {} away and add "
        "your keys again (sesame add PROFILE)",
        m_keyring == "persistent" ? " (nor 3 days unused)" : "", m_vault_dir);
}

}  // namespace sesame
