#include "vault/secret_service_holder.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <sodium.h>

#include <cstring>
#include <mutex>

namespace sesame {
namespace {

// The parts of libsecret's and GLib's ABI sesame uses, declared here so that building sesame
// needs neither's headers (both are stable C ABIs: libsecret/secret-schema.h, glib/gerror.h).
struct SchemaAttribute {
    const char* name;
    int type;  // SECRET_SCHEMA_ATTRIBUTE_STRING = 0
};
struct Schema {
    const char* name;
    int flags;  // SECRET_SCHEMA_NONE = 0
    SchemaAttribute attributes[32];
    int reserved;
    void* reserved1;
    void* reserved2;
    void* reserved3;
    void* reserved4;
    void* reserved5;
    void* reserved6;
    void* reserved7;
};
struct GError {
    uint32_t domain;
    int code;
    char* message;
};

struct SecretApi {
    int (*store_sync)(const Schema*, const char* collection, const char* label, const char* password, void*,
                      GError**, ...);
    char* (*lookup_sync)(const Schema*, void*, GError**, ...);
    int (*clear_sync)(const Schema*, void*, GError**, ...);
    void (*password_free)(char*);
    void (*error_free)(GError*);
    /// secret_password_search_sync (libsecret 0.19+): a GList of SecretRetrievable*.
    void* (*search_sync)(const Schema*, int flags, void*, GError**, ...);
    void (*list_free_full)(void* list, void (*free)(void*));
    void (*object_unref)(void*);
};

constexpr int k_search_all = 1 << 1;  // SECRET_SEARCH_ALL, without SECRET_SEARCH_UNLOCK

constexpr const char* k_library = "libsecret-1.so.0";
constexpr const char* k_install = "install libsecret (Debian/Ubuntu: `apt-get install libsecret-1-0`)";

/// The schema of sesame's one item. Constant data: no constructor runs at start.
constexpr Schema k_schema = {"org.sesame.VaultKey",
                             0,
                             {{"application", 0}, {"vault", 0}, {nullptr, 0}},
                             0,
                             nullptr,
                             nullptr,
                             nullptr,
                             nullptr,
                             nullptr,
                             nullptr,
                             nullptr};

template <class Fn>
bool resolve(void* lib, const char* name, Fn& out) {
    out = reinterpret_cast<Fn>(dlsym(lib, name));
    return out != nullptr;
}

Result<const SecretApi*> load_api() {
    static std::mutex mutex;
    static std::optional<SecretApi> api;
    std::lock_guard lock(mutex);
    if (api) return &*api;
    void* lib = dlopen(k_library, RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        const char* why = dlerror();
        return fail(
            fmt::format("cannot load libsecret for the secret-service backend: {}", why ? why : k_library),
            k_install);
    }
    SecretApi loaded{};
    // dlsym on the handle also searches its dependencies: g_error_free comes from GLib.
    bool ok = resolve(lib, "secret_password_store_sync", loaded.store_sync) &&
              resolve(lib, "secret_password_lookup_nonpageable_sync", loaded.lookup_sync) &&
              resolve(lib, "secret_password_clear_sync", loaded.clear_sync) &&
              resolve(lib, "secret_password_free", loaded.password_free) &&
              resolve(lib, "g_error_free", loaded.error_free) &&
              resolve(lib, "secret_password_search_sync", loaded.search_sync) &&
              resolve(lib, "g_list_free_full", loaded.list_free_full) &&
              resolve(lib, "g_object_unref", loaded.object_unref);
    if (!ok) {
        dlclose(lib);
        return fail(fmt::format("{} is not a usable libsecret (missing symbols)", k_library), k_install);
    }
    api = loaded;
    return &*api;
}

/// The GError's message (never a secret: D-Bus errors name services and objects), freed.
std::string take_message(const SecretApi& api, GError* error) {
    std::string message = error && error->message ? error->message : "unknown error";
    if (error) api.error_free(error);
    return message;
}

Error service_error(const std::string& doing, const std::string& why) {
    return Error{fmt::format("the Secret Service could not {}: {}", doing, why),
                 "is a keyring running and unlocked (GNOME Keyring, KWallet, KeePassXC)? Without one, choose "
                 "another backend: sesame status lists them"};
}

}  // namespace

SecretServiceKeyHolder::SecretServiceKeyHolder(std::string vault_dir) : m_vault_dir(std::move(vault_dir)) {}

std::optional<std::string> SecretServiceKeyHolder::unavailable() {
    auto api = load_api();
    if (!api) return api.error().message;
    // A lookup that matches nothing asks no unlock prompt, and fails only without a service.
    GError* error = nullptr;
    char* found = (*api)->lookup_sync(&k_schema, nullptr, &error, "application", "sesame", "vault",
                                      "/nonexistent/probe", nullptr);
    if (found) (*api)->password_free(found);
    if (error) return "no Secret Service answers on the session bus: " + take_message(**api, error);
    return std::nullopt;
}

Result<std::optional<Secret>> SecretServiceKeyHolder::load() {
    auto api = load_api();
    if (!api) return std::unexpected(std::move(api.error()));
    GError* error = nullptr;
    char* found = (*api)->lookup_sync(&k_schema, nullptr, &error, "application", "sesame", "vault",
                                      m_vault_dir.c_str(), nullptr);
    if (error) {
        if (found) (*api)->password_free(found);
        return std::unexpected(service_error("read sesame's vault key", take_message(**api, error)));
    }
    if (!found) {
        // Absent, or present in a collection that stayed locked (its unlock prompt dismissed):
        // a search that does not unlock tells the two apart.
        GError* search_error = nullptr;
        void* items = (*api)->search_sync(&k_schema, k_search_all, nullptr, &search_error, "application",
                                          "sesame", "vault", m_vault_dir.c_str(), nullptr);
        if (search_error) (*api)->error_free(search_error);
        if (items) {
            (*api)->list_free_full(items, (*api)->object_unref);
            return fail(
                "the keyring holding sesame's vault key stayed locked (its unlock prompt was dismissed)",
                "unlock the keyring (log in to the desktop session, or use Passwords and Keys / seahorse) "
                "and run the command again");
        }
        return std::optional<Secret>{};
    }
    Secret key{std::string(found)};
    (*api)->password_free(found);  // wipes it
    return std::optional<Secret>(std::move(key));
}

Result<void> SecretServiceKeyHolder::store(const Secret& key) {
    auto api = load_api();
    if (!api) return std::unexpected(std::move(api.error()));
    GError* error = nullptr;
    const std::string label = "sesame vault key (" + m_vault_dir + ")";
    std::string text(key.reveal());  // NUL-terminated for libsecret, wiped below
    int ok = (*api)->store_sync(&k_schema, "default", label.c_str(), text.c_str(), nullptr, &error,
                                "application", "sesame", "vault", m_vault_dir.c_str(), nullptr);
    sodium_memzero(text.data(), text.size());
    if (!ok || error)
        return std::unexpected(service_error("store sesame's vault key", take_message(**api, error)));
    return {};
}

Result<bool> SecretServiceKeyHolder::erase() {
    auto api = load_api();
    if (!api) return std::unexpected(std::move(api.error()));
    GError* error = nullptr;
    int removed = (*api)->clear_sync(&k_schema, nullptr, &error, "application", "sesame", "vault",
                                     m_vault_dir.c_str(), nullptr);
    if (error) return std::unexpected(service_error("remove sesame's vault key", take_message(**api, error)));
    return removed != 0;
}

std::string SecretServiceKeyHolder::describe() const {
    return "the Secret Service's default collection";
}

std::string SecretServiceKeyHolder::when_lost() const {
    return fmt::format(
        "the item \"sesame vault key ({})\" was removed from the keyring, or this is another keyring: "
        "restore "
        "it, or move {} away and add your keys again",
        m_vault_dir, m_vault_dir);
}

}  // namespace sesame
