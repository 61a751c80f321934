#pragma once

#include <string>
#include <string_view>

namespace sesame {

/// A string that holds a secret (secret access key, session token, passphrase, MFA code).
/// It is zeroed when freed, never printed whole (`redacted()` shows at most the first and
/// last four characters of long values), and must be asked for explicitly with `reveal()`.
class Secret {
  public:
    Secret() = default;
    explicit Secret(std::string value) : m_value(std::move(value)) {}
    Secret(const Secret& other) : m_value(other.m_value) {}
    Secret(Secret&& other) noexcept : m_value(std::move(other.m_value)) { other.wipe(); }
    Secret& operator=(const Secret& other);
    Secret& operator=(Secret&& other) noexcept;
    ~Secret() { wipe(); }

    /// The clear value, for the few places that must send or store it.
    const std::string& reveal() const { return m_value; }
    bool empty() const { return m_value.empty(); }
    size_t size() const { return m_value.size(); }
    bool operator==(const Secret& other) const;

    /// "ASIA…WXYZ" for values of 16+ characters, "…" otherwise; safe in logs and errors.
    std::string redacted() const;

  private:
    void wipe() noexcept;
    std::string m_value;
};

/// Redacts any string the same way as Secret::redacted (e.g. an access key id in a log line).
std::string redact(std::string_view value);

}  // namespace sesame
