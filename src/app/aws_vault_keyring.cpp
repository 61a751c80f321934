#include "app/aws_vault_keyring.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "app/aws_vault_items.hpp"
#include "crypto/jwe.hpp"
#include "platform/files.hpp"
#include "vault/secret_service_holder.hpp"

namespace sesame {

namespace {

/// keyring's ExpandTilde / pass.go: a leading "~" is the home folder; "~user" is not expanded.
Result<std::string> expand_tilde(const std::string& path, const Env& env, const char* variable) {
    if (path == "~") return env.home();
    if (path.starts_with("~/")) return env.home() + path.substr(1);
    if (path.starts_with("~")) return fail(fmt::format("{}={}: cannot expand \"~\" there", variable, path));
    return path;
}

/// filepath.Join(prefix, key), as pass.go names an entry.
std::string pass_name(const std::string& prefix, const std::string& key) {
    std::string p = prefix;
    while (p.ends_with('/')) p.pop_back();
    return p.empty() ? key : p + "/" + key;
}

}  // namespace

std::string AwsVaultFileKeyring::describe() const {
    return fmt::format("aws-vault's file store {}", m_dir);
}

Result<std::vector<std::string>> AwsVaultFileKeyring::keys() {
    auto files = list_files(m_dir, false);
    if (!files) return std::unexpected(files.error());
    std::vector<std::string> names;
    if (*files)
        for (const auto& f : **files) names.push_back(keyring_filename_unescape(f));
    std::ranges::sort(names);
    return names;
}

Result<Secret> AwsVaultFileKeyring::get(const std::string& key) {
    // The name as file.go makes it: percent.Encode(key, "/").
    std::string filename;
    for (unsigned char c : key) {
        if (c == '%' || c == '/')
            filename += fmt::format("%{:02X}", c);
        else
            filename.push_back(static_cast<char>(c));
    }
    const std::string path = m_dir + "/" + filename;
    auto token = read_file(path);
    if (!token) return std::unexpected(token.error());

    if (m_opened_with) {
        auto plain = decrypt_pbes2_jwe(*token, *m_opened_with);
        if (!plain && is_wrong_passphrase(plain.error()))
            return fail(
                fmt::format("{}: the passphrase that opened the other items does not open this one", path));
        if (!plain) return std::unexpected(std::move(plain.error()).context(path));
        return plain;
    }
    if (m_passphrase.preset) {
        auto plain = decrypt_pbes2_jwe(*token, *m_passphrase.preset);
        if (!plain && is_wrong_passphrase(plain.error()))
            return fail(fmt::format("AWS_VAULT_FILE_PASSPHRASE is not the passphrase of {}", describe()),
                        "set it to the passphrase aws-vault uses, or unset it to be asked");
        if (!plain) return std::unexpected(std::move(plain.error()).context(path));
        m_opened_with = m_passphrase.preset;
        return plain;
    }
    if (m_passphrase.prompt == nullptr || !m_passphrase.prompt->can_ask())
        return fail(fmt::format("{} needs its passphrase, and there is no terminal to ask it on", describe()),
                    "set AWS_VAULT_FILE_PASSPHRASE to it");
    for (int attempt = 1;; ++attempt) {
        auto pass =
            m_passphrase.prompt->ask_secret(fmt::format("Passphrase of aws-vault's file store {}: ", m_dir));
        if (!pass) return std::unexpected(pass.error());
        auto plain = decrypt_pbes2_jwe(*token, *pass);
        if (plain) {
            m_opened_with = std::move(*pass);
            return plain;
        }
        if (!is_wrong_passphrase(plain.error()))
            return std::unexpected(std::move(plain.error()).context(path));
        if (attempt >= m_passphrase.tries)
            return fail(fmt::format("wrong passphrase for {} ({} tries)", describe(), attempt),
                        "it is the passphrase aws-vault asks for (AWS_VAULT_FILE_PASSPHRASE)");
        m_passphrase.prompt->tell("Wrong passphrase, try again.");
    }
}

std::string AwsVaultPassKeyring::describe() const {
    return m_prefix.empty() ? fmt::format("aws-vault's pass store {}", m_dir)
                            : fmt::format("aws-vault's pass store {} (prefix {})", m_dir, m_prefix);
}

Result<std::vector<std::string>> AwsVaultPassKeyring::keys() {
    const std::string root = m_prefix.empty() ? m_dir : m_dir + "/" + m_prefix;
    auto files = list_files(root, true);
    if (!files) return std::unexpected(files.error());
    std::vector<std::string> names;
    if (*files)
        for (const auto& f : **files)
            if (f.ends_with(".gpg")) names.push_back(f.substr(0, f.size() - 4));
    std::ranges::sort(names);
    return names;
}

Result<Secret> AwsVaultPassKeyring::get(const std::string& key) {
    const std::string name = pass_name(m_prefix, key);
    auto env = m_env;
    env["PASSWORD_STORE_DIR"] = m_dir;
    auto out = m_run({m_cmd, "show", name}, env);
    if (!out) return std::unexpected(out.error());
    Secret text(std::move(out->out));
    if (out->exit_code != 0)
        return fail(fmt::format("`{} show {}` failed (exit status {})", m_cmd, name, out->exit_code),
                    "its own message is above; gpg may need its key unlocked");
    return text;
}

std::string AwsVaultSecretServiceKeyring::describe() const {
    return fmt::format("aws-vault's secret-service collection {}", m_collection);
}

Result<void> AwsVaultSecretServiceKeyring::load() {
    if (m_items) return {};
    auto items = read_secret_service_collection(m_collection);
    if (!items) return std::unexpected(std::move(items.error()));
    if (!*items)
        return fail(fmt::format("the Secret Service has no collection {}", m_collection),
                    "aws-vault's collection is AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME (default awsvault)");
    m_items.emplace();
    for (auto& item : **items) {
        // A keyring item is {"Key": <its label>, "Data": ...}: anything else is another program's.
        auto json = nlohmann::json::parse(item.secret.reveal(), nullptr, false);
        const bool ours = json.is_object() && json.contains("Key") && json["Key"].is_string() &&
                          json["Key"].get<std::string>() == item.label;
        if (ours && !m_items->contains(item.label)) m_items->emplace(item.label, std::move(item.secret));
    }
    return {};
}

Result<std::vector<std::string>> AwsVaultSecretServiceKeyring::keys() {
    if (auto loaded = load(); !loaded) return std::unexpected(std::move(loaded.error()));
    std::vector<std::string> names;
    for (const auto& [name, secret] : *m_items) names.push_back(name);
    return names;
}

Result<Secret> AwsVaultSecretServiceKeyring::get(const std::string& key) {
    if (auto loaded = load(); !loaded) return std::unexpected(std::move(loaded.error()));
    auto it = m_items->find(key);
    if (it == m_items->end()) return fail(fmt::format("{} has no item {}", describe(), key));
    return it->second;
}

Result<AwsVaultLocations> aws_vault_locations(const Env& env) {
    AwsVaultLocations where;
    auto file_dir =
        expand_tilde(env.get_or("AWS_VAULT_FILE_DIR", "~/.awsvault/keys"), env, "AWS_VAULT_FILE_DIR");
    if (!file_dir) return std::unexpected(file_dir.error());
    where.file_dir = *file_dir;
    while (where.file_dir.size() > 1 && where.file_dir.ends_with('/')) where.file_dir.pop_back();
    if (auto dir = env.get("AWS_VAULT_PASS_PASSWORD_STORE_DIR")) {
        auto expanded = expand_tilde(*dir, env, "AWS_VAULT_PASS_PASSWORD_STORE_DIR");
        if (!expanded) return std::unexpected(expanded.error());
        where.pass_dir = *expanded;
    } else {
        where.pass_dir = env.home() + "/.password-store";
    }
    where.pass_prefix = env.get_or("AWS_VAULT_PASS_PREFIX", "");
    where.pass_cmd = env.get_or("AWS_VAULT_PASS_CMD", "pass");
    where.backend = env.get_or("AWS_VAULT_BACKEND", "");
    where.secret_service_collection = env.get_or("AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME", "");
    if (where.secret_service_collection.empty()) where.secret_service_collection = "awsvault";
    return where;
}

}  // namespace sesame
