#include "vault/kernel_keyring.hpp"

#include <fmt/format.h>
#include <linux/keyctl.h>
#include <sodium.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

namespace sesame {
namespace {

constexpr unsigned long k_possessor_all = 0x3f000000;  // view read write search link setattr
constexpr unsigned long k_user_view = 0x00010000;      // others with the same uid may see it exists

long keyctl(int op, unsigned long a2, unsigned long a3 = 0, unsigned long a4 = 0, unsigned long a5 = 0) {
    return ::syscall(SYS_keyctl, op, a2, a3, a4, a5);
}

std::string description(const std::string& id) {
    return "sesame:vault:" + id;
}

/// The keyring to store into: this login session's keyring, or — for a process that has none
/// (containers, CI, some terminals) — the per-user session keyring the kernel falls back to.
/// Asking without "create" matters: add_key on @s would make a fresh keyring that dies with
/// this process.
long target_keyring() {
    return keyctl(KEYCTL_GET_KEYRING_ID, static_cast<unsigned long>(KEY_SPEC_SESSION_KEYRING), 0);
}

long find(const std::string& id) {
    std::string desc = description(id);
    return keyctl(KEYCTL_SEARCH, static_cast<unsigned long>(KEY_SPEC_SESSION_KEYRING),
                  reinterpret_cast<unsigned long>("user"), reinterpret_cast<unsigned long>(desc.c_str()), 0);
}

}  // namespace

bool KernelKeyring::available() {
    // Searching for something absent fails with ENOKEY where keyrings work; ENOSYS/EPERM where not.
    long r = find("probe-that-does-not-exist");
    return r >= 0 || errno == ENOKEY || errno == EKEYEXPIRED || errno == EKEYREVOKED;
}

std::optional<KeyCache::Entry> KernelKeyring::load(const std::string& id, std::chrono::seconds idle) {
    long serial = find(id);
    if (serial < 0) return std::nullopt;
    std::string buf(128, '\0');
    long n = keyctl(KEYCTL_READ, static_cast<unsigned long>(serial),
                    reinterpret_cast<unsigned long>(buf.data()), buf.size());
    if (n < 0 || static_cast<size_t>(n) > buf.size()) {
        sodium_memzero(buf.data(), buf.size());
        return std::nullopt;
    }
    auto entry = decode_key_entry(std::string_view(buf.data(), static_cast<size_t>(n)));
    sodium_memzero(buf.data(), buf.size());
    if (entry && idle.count() > 0)
        keyctl(KEYCTL_SET_TIMEOUT, static_cast<unsigned long>(serial),
               static_cast<unsigned long>(idle.count()));
    return entry;
}

bool KernelKeyring::store(const std::string& id, const Entry& entry, std::chrono::seconds idle) {
    std::string payload = encode_key_entry(entry);
    std::string desc = description(id);
    long keyring = target_keyring();
    if (keyring < 0) {
        sodium_memzero(payload.data(), payload.size());
        return false;
    }
    long serial = ::syscall(SYS_add_key, "user", desc.c_str(), payload.data(), payload.size(), keyring);
    sodium_memzero(payload.data(), payload.size());
    if (serial < 0) return false;
    keyctl(KEYCTL_SETPERM, static_cast<unsigned long>(serial), k_possessor_all | k_user_view);
    keyctl(KEYCTL_SET_TIMEOUT, static_cast<unsigned long>(serial), static_cast<unsigned long>(idle.count()));
    return true;
}

bool KernelKeyring::forget(const std::string& id) {
    long serial = find(id);
    if (serial < 0) return false;
    if (keyctl(KEYCTL_INVALIDATE, static_cast<unsigned long>(serial)) == 0) return true;
    return keyctl(KEYCTL_UNLINK, static_cast<unsigned long>(serial),
                  static_cast<unsigned long>(target_keyring())) == 0;
}

std::optional<std::chrono::seconds> KernelKeyring::time_left(const std::string& id) {
    long serial = find(id);
    if (serial < 0) return std::nullopt;
    // /proc/keys shows each key's remaining life, coarsely: "59m", "3h", "12s", "perm".
    FILE* f = std::fopen("/proc/keys", "re");
    if (!f) return std::nullopt;
    std::optional<std::chrono::seconds> left;
    char line[512];
    std::string want = fmt::format("{:08x} ", serial);
    while (std::fgets(line, sizeof line, f)) {
        std::string_view l(line);
        if (!l.starts_with(want)) continue;
        char flags[16], timeout[16];
        unsigned usage;
        if (std::sscanf(line, "%*x %15s %u %15s", flags, &usage, timeout) != 3) break;
        std::string_view t(timeout);
        if (t == "perm") break;
        long n = std::strtol(timeout, nullptr, 10);
        switch (t.back()) {
            case 's':
                left = std::chrono::seconds(n);
                break;
            case 'm':
                left = std::chrono::minutes(n);
                break;
            case 'h':
                left = std::chrono::hours(n);
                break;
            case 'd':
                left = std::chrono::hours(24 * n);
                break;
            case 'w':
                left = std::chrono::hours(24 * 7 * n);
                break;
            default:
                left = std::chrono::seconds(0);
                break;
        }
        break;
    }
    std::fclose(f);
    return left;
}

}  // namespace sesame
