#include "crypto/secret.hpp"

#include <sodium.h>

namespace sesame {

Secret& Secret::operator=(const Secret& other) {
    if (this != &other) {
        wipe();
        m_value = other.m_value;
    }
    return *this;
}

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        m_value = std::move(other.m_value);
        other.wipe();
    }
    return *this;
}

bool Secret::operator==(const Secret& other) const {
    return m_value.size() == other.m_value.size() &&
           sodium_memcmp(m_value.data(), other.m_value.data(), m_value.size()) == 0;
}

void Secret::wipe() noexcept {
    // Zero the whole buffer, including any capacity beyond size() left by earlier values.
    if (m_value.capacity() > 0) {
        m_value.resize(m_value.capacity());
        sodium_memzero(m_value.data(), m_value.size());
    }
    m_value.clear();
}

std::string Secret::redacted() const {
    return redact(m_value);
}

std::string redact(std::string_view value) {
    if (value.size() < 16) return "…";
    return std::string(value.substr(0, 4)) + "…" + std::string(value.substr(value.size() - 4));
}

}  // namespace sesame
