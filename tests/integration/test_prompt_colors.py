"""The prompt segment's colours in real bash, zsh and fish on a pseudo-terminal, with the init
scripts loaded as a user's rc file does: `sesame prompt` runs inside $(…) there, where no output
is the terminal, so colour must be decided from the terminal's description (TERM, `tput colors`
asked once at init), NO_COLOR, and SESAME_PROMPT_COLORS / aws-session's AWS_SESSION_COLORS."""

from __future__ import annotations

import os
import re
import shutil
import unittest
from pathlib import Path

from harness import SesameTestCase, sesame_bin
from test_shell import Terminal

# The segment of a shell whose credentials have expired: red when coloured.
EXPIRED = {"SESAME_PROFILE": "admin", "SESAME_ACCOUNT": "123456789012",
           "AWS_CREDENTIAL_EXPIRATION": "2000-01-01T00:00:00Z"}
SEGMENT = re.compile(rb"(\x1b\[[0-9;]*m)?\[admin 123456789012 expired\]")


class PromptColorTest(SesameTestCase):
    def segments(self, shell: str, env_extra: dict[str, str | None]) -> list[bytes | None]:
        """Starts `shell` interactively with `sesame init` in its rc file and returns the colour
        escape before each prompt segment it drew (None: none)."""
        path = shutil.which(shell)
        self.assertIsNotNone(path, f"{shell} is not installed")
        assert path is not None
        home = self.sb.root / f"home-{shell}-{len(os.listdir(self.sb.root))}"
        home.mkdir()
        init = f'eval "$({sesame_bin()} init {shell})"\n'
        if shell == "bash":
            (home / ".bashrc").write_text("PS1='$ '\n" + init)
            argv = [path, "--rcfile", str(home / ".bashrc"), "-i"]
        elif shell == "zsh":
            (home / ".zshrc").write_text("PROMPT='%# '\n" + init)
            argv = [path, "-i"]
        else:
            (home / ".config" / "fish").mkdir(parents=True)
            (home / ".config" / "fish" / "config.fish").write_text(
                f"function fish_prompt; echo -n '> '; end\n{sesame_bin()} init fish | source\n")
            argv = [path, "-i"]
        env = self.sb.child_env({"HOME": str(home), "ZDOTDIR": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
                                 "TERM": "xterm-256color", **EXPIRED, **env_extra})
        t = Terminal(argv, env)
        self.addCleanup(lambda: os.path.exists(f"/proc/{t.pid}") and os.kill(t.pid, 9))
        t.expect(r"\[admin 123456789012 expired\] ", timeout=30)
        t.send("true")
        t.expect(r"\[admin 123456789012 expired\] ")
        t.settle()
        t.send("exit")
        t.wait()
        found = [m.group(1) for m in SEGMENT.finditer(t.raw)]
        self.assertGreaterEqual(len(found), 2, t.raw[-800:])
        return found

    def assertColoured(self, shell: str, env_extra: dict[str, str | None], coloured: bool) -> None:
        with self.subTest(shell=shell, env=env_extra):
            found = self.segments(shell, env_extra)
            if coloured:
                self.assertTrue(all(f == b"\x1b[31m" for f in found), f"expected red segments, got {found}")
            else:
                # fish resets attributes before drawing a prompt (ESC [m): that is no colour.
                self.assertTrue(all(f in (None, b"\x1b[m") for f in found), f"expected no colour, got {found}")

    def test_colours_on_a_colour_terminal_and_off_when_asked_in_each_shell(self) -> None:
        for shell in ("bash", "zsh", "fish"):
            self.assertColoured(shell, {}, True)
            self.assertColoured(shell, {"AWS_SESSION_COLORS": "0"}, False)

    def test_what_decides_in_bash(self) -> None:
        self.assertColoured("bash", {"NO_COLOR": "1"}, False)
        self.assertColoured("bash", {"NO_COLOR": ""}, True)  # no-color.org: empty is unset
        self.assertColoured("bash", {"TERM": "vt100"}, False)  # tput colors: -1
        self.assertColoured("bash", {"TERM": "dumb"}, False)
        self.assertColoured("bash", {"TERM": "vt100", "AWS_SESSION_COLORS": "1"}, True)
        self.assertColoured("bash", {"NO_COLOR": "1", "SESAME_PROMPT_COLORS": "on"}, True)
        self.assertColoured("bash", {"AWS_SESSION_COLOR": "0"}, False)  # the name aws-session's script reads
        # sesame's own name wins over the alias.
        self.assertColoured("bash", {"SESAME_PROMPT_COLORS": "0", "AWS_SESSION_COLORS": "1"}, False)

    def test_color_flag_and_bad_values(self) -> None:
        env = {**EXPIRED, "TERM": "dumb"}
        self.assertEqual(self.sb.run(["prompt", "--color", "always"], env_extra=env).stdout,
                         "\x1b[31m[admin 123456789012 expired]\x1b[0m ")
        env = {**EXPIRED, "TERM": "xterm", "SESAME_PROMPT_COLORS": "1"}
        self.assertEqual(self.sb.run(["prompt", "--color", "never"], env_extra=env).stdout,
                         "[admin 123456789012 expired] ")
        self.assertEqual(self.sb.run(["prompt", "--terminal-colors", "2"], env_extra={**EXPIRED, "TERM": "xterm"}).stdout,
                         "[admin 123456789012 expired] ")
        proc = self.sb.run(["prompt"], env_extra={**EXPIRED, "AWS_SESSION_COLORS": "maybe"})
        self.assertFails(proc, 'AWS_SESSION_COLORS="maybe"', "SESAME_PROMPT_COLORS")
        self.assertEqual(proc.stdout, "")
        proc = self.sb.run(["prompt"], env_extra={**EXPIRED, "SESAME_ACCOUNT": "$(id)"})
        self.assertFails(proc, "SESAME_ACCOUNT", "12-digit")

    def test_a_bad_setting_shows_under_the_prompt(self) -> None:
        """The init scripts no longer throw the prompt's stderr away: a value set later in the
        shell, and refused, is seen at the next prompt rather than silently dropped."""
        path = shutil.which("bash")
        assert path is not None
        home = self.sb.root / "home-bad"
        home.mkdir()
        (home / ".bashrc").write_text(f"PS1='$ '\neval \"$({sesame_bin()} init bash)\"\n")
        env = self.sb.child_env({"HOME": str(home), "TERM": "xterm", **EXPIRED})
        t = Terminal([path, "--rcfile", str(home / ".bashrc"), "-i"], env)
        self.addCleanup(lambda: os.path.exists(f"/proc/{t.pid}") and os.kill(t.pid, 9))
        t.expect(r"\[admin 123456789012 expired\] ")
        t.send("export AWS_SESSION_COLORS=maybe")
        t.expect(r'AWS_SESSION_COLORS="maybe" is not a flag')
        t.send("exit")
        t.wait()

if __name__ == "__main__":
    unittest.main()
