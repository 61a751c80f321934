#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "prompt/mfa_source.hpp"
#include "prompt/prompt.hpp"

namespace sesame {

/// A dialog program that asks one question per run and prints the answer on stdout: how to ask
/// for a visible answer (an MFA code) and for a hidden one (the vault passphrase).
struct DialogCommands {
    std::string program;  ///< "zenity": for messages
    std::function<std::vector<std::string>(std::string_view text)> entry, password;
};

/// A Prompt that opens a dialog per question (the zenity, kdialog and osascript drivers). The
/// program runs without a shell; the answer comes back on stdout, never in an argument. What
/// `tell` says is shown above the next question, in the same dialog. Closing the dialog or
/// pressing Cancel (the program exits with status 1) cancels the question, as Ctrl-D does on the
/// terminal (is_cancel, exit status 130).
class DialogPrompt final : public Prompt {
  public:
    /// `display`: a window can be opened (DISPLAY or WAYLAND_DISPLAY is set); without one every
    /// question fails at once, naming the variables, rather than running a program that cannot
    /// tell "no display" from Cancel by its exit status.
    DialogPrompt(DialogCommands commands, RunProgram run, bool display)
        : m_commands(std::move(commands)), m_run(std::move(run)), m_display(display) {}
    Result<std::string> ask(std::string_view question) override;
    Result<Secret> ask_secret(std::string_view question) override;
    void tell(std::string_view message) override;
    /// Always: a dialog that cannot open says why itself (no display, the program missing),
    /// where a terminal's absence is explained by the caller.
    bool can_ask() override { return true; }

  private:
    Result<Secret> run_dialog(std::string_view question, bool hidden);
    DialogCommands m_commands;
    RunProgram m_run;
    bool m_display;
    std::string m_notes;  ///< what tell() said since the last question
};

/// A driver entry's make_prompt for a dialog program. `needs_display`: an X11 or Wayland program
/// (zenity, kdialog), which needs DISPLAY or WAYLAND_DISPLAY; osascript (macOS) needs neither.
std::function<std::unique_ptr<Prompt>(DriverContext&)> make_dialog(
    std::string program, std::function<std::vector<std::string>(std::string_view)> entry,
    std::function<std::vector<std::string>(std::string_view)> password, bool needs_display = true);

}  // namespace sesame
