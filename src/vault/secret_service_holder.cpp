#include "vault/secret_service_holder.hpp"

#include <dlfcn.h>
#include <fmt/format.h>
#include <sodium.h>

#include <cstring>
#include <mutex>

#include "util/dynamic_symbol.hpp"

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
    // Collections and their items, for reading aws-vault's collection.
    void* (*service_get_sync)(int flags, void*, GError**);
    void* (*service_get_collections)(void* service);
    int (*service_unlock_sync)(void* service, void* objects, void*, void** unlocked, GError**);
    int (*collection_get_locked)(void* collection);
    int (*collection_load_items_sync)(void* collection, void*, GError**);
    void* (*collection_get_items)(void* collection);
    int (*item_load_secret_sync)(void* item, void*, GError**);
    void* (*item_get_secret)(void* item);
    char* (*item_get_label)(void* item);
    const char* (*value_get)(void* value, size_t* length);
    void (*value_unref)(void* value);
    const char* (*proxy_object_path)(void* proxy);
    void* (*list_append)(void* list, void* data);
    void (*list_free)(void* list);
    void (*free)(void*);
};

/// GList's layout (glib/glist.h), for walking the lists libsecret returns.
struct GListNode {
    void* data;
    GListNode* next;
    GListNode* prev;
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
    bool ok = resolve_symbol(lib, "secret_password_store_sync", loaded.store_sync) &&
              resolve_symbol(lib, "secret_password_lookup_nonpageable_sync", loaded.lookup_sync) &&
              resolve_symbol(lib, "secret_password_clear_sync", loaded.clear_sync) &&
              resolve_symbol(lib, "secret_password_free", loaded.password_free) &&
              resolve_symbol(lib, "g_error_free", loaded.error_free) &&
              resolve_symbol(lib, "secret_password_search_sync", loaded.search_sync) &&
              resolve_symbol(lib, "g_list_free_full", loaded.list_free_full) &&
              resolve_symbol(lib, "g_object_unref", loaded.object_unref) &&
              resolve_symbol(lib, "secret_service_get_sync", loaded.service_get_sync) &&
              resolve_symbol(lib, "secret_service_get_collections", loaded.service_get_collections) &&
              resolve_symbol(lib, "secret_service_unlock_sync", loaded.service_unlock_sync) &&
              resolve_symbol(lib, "secret_collection_get_locked", loaded.collection_get_locked) &&
              resolve_symbol(lib, "secret_collection_load_items_sync", loaded.collection_load_items_sync) &&
              resolve_symbol(lib, "secret_collection_get_items", loaded.collection_get_items) &&
              resolve_symbol(lib, "secret_item_load_secret_sync", loaded.item_load_secret_sync) &&
              resolve_symbol(lib, "secret_item_get_secret", loaded.item_get_secret) &&
              resolve_symbol(lib, "secret_item_get_label", loaded.item_get_label) &&
              resolve_symbol(lib, "secret_value_get", loaded.value_get) &&
              resolve_symbol(lib, "secret_value_unref", loaded.value_unref) &&
              resolve_symbol(lib, "g_dbus_proxy_get_object_path", loaded.proxy_object_path) &&
              resolve_symbol(lib, "g_list_append", loaded.list_append) &&
              resolve_symbol(lib, "g_list_free", loaded.list_free) &&
              resolve_symbol(lib, "g_free", loaded.free);
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

Result<std::optional<std::vector<SecretServiceItem>>> read_secret_service_collection(
    const std::string& name) {
    auto loaded = load_api();
    if (!loaded) return std::unexpected(std::move(loaded.error()));
    const SecretApi& api = **loaded;
    constexpr int k_open_session_and_load_collections = (1 << 1) | (1 << 2);
    GError* error = nullptr;
    void* service = api.service_get_sync(k_open_session_and_load_collections, nullptr, &error);
    if (!service) return std::unexpected(service_error("be reached", take_message(api, error)));
    const std::string path = "/org/freedesktop/secrets/collection/" + name;
    void* collections = api.service_get_collections(service);
    void* collection = nullptr;
    for (auto* node = static_cast<GListNode*>(collections); node; node = node->next) {
        const char* object = api.proxy_object_path(node->data);
        if (!collection && object && path == object)
            collection = node->data;
        else
            api.object_unref(node->data);
    }
    api.list_free(collections);
    if (!collection) {
        api.object_unref(service);
        return std::optional<std::vector<SecretServiceItem>>{};
    }
    auto done = [&](auto result) {
        api.object_unref(collection);
        api.object_unref(service);
        return result;
    };
    if (api.collection_get_locked(collection)) {
        void* objects = api.list_append(nullptr, collection);
        void* unlocked = nullptr;
        int count = api.service_unlock_sync(service, objects, nullptr, &unlocked, &error);
        api.list_free(objects);
        if (unlocked) api.list_free_full(unlocked, api.object_unref);
        if (error)
            return done(Result<std::optional<std::vector<SecretServiceItem>>>(
                std::unexpected(service_error("unlock the collection " + name, take_message(api, error)))));
        if (count == 0)
            return done(Result<std::optional<std::vector<SecretServiceItem>>>(fail(
                fmt::format(
                    "the Secret Service collection {} stayed locked (its unlock prompt was dismissed)", name),
                "unlock it (Passwords and Keys / seahorse) and run the command again")));
    }
    if (!api.collection_load_items_sync(collection, nullptr, &error))
        return done(Result<std::optional<std::vector<SecretServiceItem>>>(
            std::unexpected(service_error("list the collection " + name, take_message(api, error)))));
    std::vector<SecretServiceItem> out;
    void* items = api.collection_get_items(collection);
    Result<void> failed{};
    for (auto* node = static_cast<GListNode*>(items); node; node = node->next) {
        if (!failed) continue;
        if (!api.item_load_secret_sync(node->data, nullptr, &error)) {
            failed = std::unexpected(service_error("read an item of " + name, take_message(api, error)));
            continue;
        }
        char* label = api.item_get_label(node->data);
        SecretServiceItem item{label ? label : "", Secret(std::string())};
        if (label) api.free(label);
        if (void* value = api.item_get_secret(node->data)) {
            size_t length = 0;
            const char* bytes = api.value_get(value, &length);
            item.secret = Secret(std::string(bytes, length));
            api.value_unref(value);  // libsecret wipes it
        }
        out.push_back(std::move(item));
    }
    if (items) api.list_free_full(items, api.object_unref);
    if (!failed)
        return done(Result<std::optional<std::vector<SecretServiceItem>>>(std::unexpected(failed.error())));
    return done(Result<std::optional<std::vector<SecretServiceItem>>>(std::optional(std::move(out))));
}

}  // namespace sesame
