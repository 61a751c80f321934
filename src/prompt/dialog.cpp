#include "prompt/dialog.hpp"

#include <fmt/format.h>
#include <sodium.h>

#include "util/strings.hpp"

namespace sesame {
namespace {

/// "Enter MFA code for X: " -> "Enter MFA code for X", as a dialog shows it.
std::string_view trim_question(std::string_view q) {
    q = trim(q);
    while (!q.empty() && (q.back() == ':' || q.back() == '?')) q.remove_suffix(1);
    return q;
}

}  // namespace

Result<Secret> DialogPrompt::run_dialog(std::string_view question, bool hidden) {
    const std::string_view what = trim_question(question);
    if (!m_display)
        return fail(fmt::format("cannot ask \"{}\" with {}: there is no display (DISPLAY and WAYLAND_DISPLAY "
                                "are unset)",
                                what, m_commands.program),
                    "run it from a desktop session, or choose another prompt driver with --prompt");
    std::string text = m_notes.empty() ? std::string(what) : m_notes + "\n\n" + std::string(what);
    m_notes.clear();
    auto argv = hidden ? m_commands.password(text) : m_commands.entry(text);
    auto out = m_run(argv);
    if (!out) return std::unexpected(std::move(out.error()).context(std::string(what)));
    Secret answer(std::move(out->out));
    sodium_memzero(out->out.data(), out->out.size());
    if (out->exit_code == 1)
        return std::unexpected(
            cancelled(fmt::format("{} (the {} dialog was cancelled)", what, m_commands.program)));
    if (out->exit_code != 0)
        return fail(fmt::format("{}: {} exited with status {}", what, m_commands.program, out->exit_code),
                    fmt::format("see {}'s message above; or choose another prompt driver with --prompt",
                                m_commands.program));
    // The answer is what was typed: only the line end the program adds is taken off (a
    // passphrase may begin or end with a space).
    std::string_view typed = answer.reveal();
    if (typed.ends_with('\n')) typed.remove_suffix(1);
    if (typed.ends_with('\r')) typed.remove_suffix(1);
    return Secret(std::string(typed));
}

Result<std::string> DialogPrompt::ask(std::string_view question) {
    auto answer = run_dialog(question, false);
    if (!answer) return std::unexpected(std::move(answer.error()));
    return std::string(answer->reveal());
}

Result<Secret> DialogPrompt::ask_secret(std::string_view question) {
    return run_dialog(question, true);
}

void DialogPrompt::tell(std::string_view message) {
    if (!m_notes.empty()) m_notes += '\n';
    m_notes += message;
}

std::function<std::unique_ptr<Prompt>(DriverContext&)> make_dialog(
    std::string program, std::function<std::vector<std::string>(std::string_view)> entry,
    std::function<std::vector<std::string>(std::string_view)> password, bool needs_display) {
    return [=](DriverContext& context) -> std::unique_ptr<Prompt> {
        return std::make_unique<DialogPrompt>(DialogCommands{program, entry, password}, context.run,
                                              context.display || !needs_display);
    };
}

}  // namespace sesame
