#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace sesame {

/// Diagnostic output, injected so nothing below cli prints on its own. `--debug` turns on
/// debug(); warn() always reaches the user. Callers must never pass a secret, a signed header
/// or a token: use Secret::redacted() / redact().
class Log {
  public:
    using Sink = std::function<void(std::string_view)>;
    Log() = default;
    Log(Sink sink, bool debug) : m_sink(std::move(sink)), m_debug(debug) {}

    bool debug_enabled() const { return m_debug; }
    void debug(std::string_view message) const {
        if (m_debug && m_sink) m_sink(std::string("sesame: debug: ").append(message));
    }
    void warn(std::string_view message) const {
        if (m_sink) m_sink(std::string("sesame: warning: ").append(message));
    }
    /// A callback for lower layers that take std::function<void(const std::string&)>.
    std::function<void(const std::string&)> debug_fn() const {
        if (!m_debug) return {};
        return [this](const std::string& m) { debug(m); };
    }

  private:
    Sink m_sink;
    bool m_debug = false;
};

}  // namespace sesame
