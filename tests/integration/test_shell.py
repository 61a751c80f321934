"""`sesame shell` in real terminals (a pseudo-terminal) for bash, zsh and fish: the user's rc files
are loaded, the prompt shows the profile and the time left, `aws` inside returns the role, an
expired session is refreshed by the `aws` wrapper, and exit returns. Plus the init scripts parse
(`bash -n`, `zsh -n`, `fish -n`) and `sesame prompt` works from the environment alone."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import time
import unittest
from pathlib import Path

from harness import ADMIN_ROLE_ARN, REGION, SesameTestCase, section, sesame_bin

ADMIN_ARN = re.compile(r"arn:aws:sts::123456789012:assumed-role/admin/\S+")
ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|[\x01\x02]")


class Terminal:
    """A program on a pseudo-terminal; `expect` waits for a pattern in what it printed since the
    last match (escape sequences removed)."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.raw = b""
        self.pos = 0  # how much of the cleaned text earlier matches consumed

    @property
    def seen(self) -> str:
        # Clean the whole stream at once: an escape sequence may be split across reads.
        return ANSI.sub("", self.raw.decode(errors="replace")).replace("\r", "")[self.pos:]

    def expect(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.seen)
            if m:
                self.pos += m.end()
                return m
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {pattern!r}; terminal showed: {self.seen[-2000:]!r}; raw: {self.raw[-1200:]!r}")
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    time.sleep(0.05)
                    continue
                self.raw += chunk

    def send(self, line: str) -> None:
        # Let the shell finish drawing its prompt first: fish, for one, drops keys typed while
        # it is still starting up or repainting.
        self.settle()
        os.write(self.fd, line.encode() + b"\n")

    def settle(self, quiet: float = 0.3, limit: float = 5) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], quiet)
            if not ready:
                return
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            self.raw += chunk

    def wait(self, timeout: float = 10) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            try:
                select.select([self.fd], [], [], 0.1)
                os.read(self.fd, 65536)
            except OSError:
                time.sleep(0.05)
        os.kill(self.pid, 9)
        raise AssertionError("the shell did not exit")


RC_FILES = {
    "bash": (".bashrc", "export SESAME_TEST_RC=loaded\nPS1='$ '\n"),
    "zsh": (".zshrc", "export SESAME_TEST_RC=loaded\nPROMPT='%# '\n"),
    "fish": ("fish/config.fish", "set -gx SESAME_TEST_RC loaded\nfunction fish_prompt\n  echo -n '> '\nend\n"),
}


class ShellTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sb.write_config(
            section("alice", region=REGION) + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN)
        )
        self.add_alice()

    def run_session(self, shell: str) -> None:
        path = shutil.which(shell)
        self.assertIsNotNone(path, f"{shell} is not installed (scripts/install-deps installs it)")
        assert path is not None
        rc_name, rc_text = RC_FILES[shell]
        # fish reads $XDG_CONFIG_HOME/fish (the sandbox sets XDG_CONFIG_HOME); the others ~.
        base = Path(self.sb.env["XDG_CONFIG_HOME"]) if shell == "fish" else self.sb.home
        rc = base / rc_name
        rc.parent.mkdir(parents=True, exist_ok=True)
        rc.write_text(rc_text)
        env = self.sb.child_env({"SHELL": path, "TERM": "xterm-256color"})
        t = Terminal([sesame_bin(), "shell", "admin"], env)
        self.addCleanup(lambda: os.path.exists(f"/proc/{t.pid}") and os.kill(t.pid, 9))

        # The prompt segment, before the user's own prompt: the account is the role ARN's.
        t.expect(r"\[admin 123456789012 (59m|1h00m)\] ")
        t.send("echo rc=$SESAME_TEST_RC")
        t.expect(r"rc=loaded")
        t.send("aws sts get-caller-identity --query Arn --output text; echo status=$status" if shell == "fish"
               else "aws sts get-caller-identity --query Arn --output text; echo status=$?")
        t.expect(ADMIN_ARN.pattern)

        # Expire the credentials in this shell and drop the cached sessions: the prompt says so,
        # and the aws wrapper fetches new credentials (STS is called) and exports them.
        t.send("export AWS_CREDENTIAL_EXPIRATION=2000-01-01T00:00:00Z" if shell != "fish"
               else "set -gx AWS_CREDENTIAL_EXPIRATION 2000-01-01T00:00:00Z")
        t.expect(r"\[admin 123456789012 expired\] ")
        self.assertOk(self.sb.run(["clear"]))
        mark = self.moto.mark()
        t.send("aws sts get-caller-identity --query Arn --output text")
        t.expect(ADMIN_ARN.pattern)
        t.send("echo exp=$AWS_CREDENTIAL_EXPIRATION")
        exp = t.expect(r"exp=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)").group(1)
        self.assertGreater(exp, "2026", "the refreshed expiration was not exported into the shell")
        self.assertEqual(len(self.moto.sts_calls(mark, "AssumeRole")), 1, "the aws wrapper did not refresh")
        t.expect(r"\[admin 123456789012 (59m|1h00m)\] ")

        t.send("exit")
        self.assertEqual(t.wait(), 0)

    def test_bash_session(self) -> None:
        self.run_session("bash")

    def test_zsh_session(self) -> None:
        self.run_session("zsh")

    def test_fish_session(self) -> None:
        self.run_session("fish")

    def test_init_scripts_parse(self) -> None:
        for shell, check in (("bash", ["bash", "-n"]), ("zsh", ["zsh", "-n"]), ("fish", ["fish", "-n"])):
            with self.subTest(shell):
                script = self.sb.run(["init", shell])
                self.assertOk(script)
                path = self.sb.root / f"init.{shell}"
                path.write_text(script.stdout)
                proc = subprocess.run(check + [str(path)], capture_output=True, text=True)
                self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertFails(self.sb.run(["init", "tcsh"]), "tcsh")

    def test_bash_completion_offers_commands_flags_and_profiles(self) -> None:
        script = self.sb.run(["init", "bash"]).stdout
        probe = (
            script
            + '\nCOMP_WORDS=(sesame ex); COMP_CWORD=1; _sesame_complete; echo "cmds:${COMPREPLY[*]}"'
            + '\nCOMP_WORDS=(sesame exec --dur); COMP_CWORD=2; _sesame_complete; echo "flags:${COMPREPLY[*]}"'
            + '\nCOMP_WORDS=(sesame exec ad); COMP_CWORD=2; _sesame_complete; echo "profiles:${COMPREPLY[*]}"'
        )
        proc = self.sb.run_cmd(["bash", "-c", probe])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("cmds:exec export", proc.stdout)
        self.assertIn("flags:--duration", proc.stdout)
        self.assertIn("profiles:admin", proc.stdout)

    def test_tab_completion_treats_hostile_profile_names_as_data(self) -> None:
        """`compgen -W "$(sesame list --names)"` once ran `$(...)` found in a profile name when
        TAB was pressed. In bash, zsh and fish, on a real terminal, with `sesame completion`
        loaded: a name is offered (quoted) and never run."""
        dollar, tick = self.sb.root / "pwned-dollar", self.sb.root / "pwned-backtick"
        # No spaces in the names: the AWS CLI splits section names on white space.
        self.sb.write_config(f"[profile dol$(id>{dollar})]\n[profile tick`id>{tick}`]\n[profile admin]\n")
        names = self.sb.run(["list", "--names"]).stdout.split("\n")
        self.assertIn(f"dol$(id>{dollar})", names)
        self.assertIn(f"tick`id>{tick}`", names)
        for shell, prompt in (("bash", r"\$ $"), ("zsh", r"[%#] [\x1b=]*$"), ("fish", r"> $")):
            with self.subTest(shell):
                script = self.sb.root / f"completion.{shell}"
                script.write_text(self.sb.run(["completion", shell]).stdout)
                home = self.sb.root / f"home-{shell}"
                home.mkdir(exist_ok=True)
                env = self.sb.child_env({"HOME": str(home), "TERM": "xterm", "XDG_CONFIG_HOME": str(home / ".config")})
                if shell == "bash":
                    (home / ".bashrc").write_text(f"PS1='$ '\n. {script}\n__sesame_bin={sesame_bin()}\n")
                    argv = ["/bin/bash", "--rcfile", str(home / ".bashrc"), "-i"]
                elif shell == "zsh":
                    (home / ".zshrc").write_text(f"PROMPT='%# '\nautoload -Uz compinit && compinit -u\n"
                                                 f"__sesame_bin={sesame_bin()}\nsource {script}\n")
                    argv = [shutil.which("zsh") or "/usr/bin/zsh", "-i"]
                else:
                    (home / ".config" / "fish").mkdir(parents=True, exist_ok=True)
                    (home / ".config" / "fish" / "config.fish").write_text(
                        f"function fish_prompt; echo -n '> '; end\nset -g __sesame_bin {sesame_bin()}\nsource {script}\n")
                    argv = [shutil.which("fish") or "/usr/bin/fish", "-i"]
                env["ZDOTDIR"] = str(home)
                term = Terminal(argv, env)
                try:
                    for typed, offered in (("dol", "dol"), ("tick", "tick")):
                        term.expect(prompt, timeout=20)
                        term.settle()
                        os.write(term.fd, f"sesame exec {typed}\t".encode())
                        term.settle(limit=5)
                        screen = term.seen.replace("\x07", "")
                        self.assertRegex(screen, re.escape(offered) + r"[\\'\"]?[`$]", f"{shell} offers the name")
                        os.write(term.fd, b"\x03")  # abandon the line
                    term.send("exit")
                    term.wait()
                finally:
                    try:
                        os.kill(term.pid, 9)
                    except ProcessLookupError:
                        pass
                for marker in (dollar, tick):
                    self.assertFalse(marker.exists(), f"{shell} ran code from a profile name: {term.raw[-600:]!r}")

    def test_prompt_needs_nothing_but_the_environment(self) -> None:
        env = {"SESAME_PROFILE": "admin", "AWS_CREDENTIAL_EXPIRATION": "2000-01-01T00:00:00Z",
               "SESAME_FILE_DIR": "/nonexistent", "AWS_CONFIG_FILE": "/nonexistent", "NO_COLOR": "1"}
        proc = self.sb.run(["prompt"], env_extra=env)
        self.assertOk(proc)
        self.assertEqual(proc.stdout, "[admin expired] ")
        left = self.sb.run(["prompt", "--seconds-left"], env_extra=env)
        self.assertLess(int(left.stdout), 0)
        self.assertEqual(self.sb.run(["prompt"], env_extra={"SESAME_PROFILE": None}).stdout, "")


if __name__ == "__main__":
    unittest.main()
