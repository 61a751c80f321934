"""Prompts on a real terminal (a pseudo-terminal as the controlling tty): adding a key
interactively, creating the vault with a passphrase typed twice, and refusing a wrong one."""

from __future__ import annotations

import os
import pty
import select
import time
import unittest
from collections.abc import Sequence

from harness import PASSPHRASE, SesameTestCase, section, sesame_bin


def run_dialog(
    argv: list[str], env: dict[str, str], answers: Sequence[tuple[str, str]], timeout: float = 30
) -> tuple[str, str, int]:
    """Runs argv on a pseudo-terminal (stdout on a pipe) and answers each prompt in turn: when
    the terminal output since the last answer contains answers[i][0], types answers[i][1] and a
    newline. Returns (stdout, everything the terminal showed, exit status)."""
    out_r, out_w = os.pipe()
    pid, master = pty.fork()
    if pid == 0:
        try:
            os.close(out_r)
            os.dup2(out_w, 1)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    os.close(out_w)
    stdout, tty, pending = b"", b"", b""
    step = 0
    deadline = time.monotonic() + timeout
    open_fds = {master, out_r}
    while open_fds and time.monotonic() < deadline:
        ready, _, _ = select.select(list(open_fds), [], [], 0.2)
        for fd in ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                open_fds.discard(fd)
            elif fd == master:
                tty += chunk
                pending += chunk
            else:
                stdout += chunk
        if step < len(answers) and answers[step][0].encode() in pending:
            os.write(master, answers[step][1].encode() + b"\n")
            pending = b""
            step += 1
    if open_fds:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(master)
    os.close(out_r)
    return stdout.decode(errors="replace"), tty.decode(errors="replace"), os.waitstatus_to_exitcode(status)


class TerminalTest(SesameTestCase):
    def tty_env(self) -> dict[str, str]:
        return self.sb.child_env({"SESAME_FILE_PASSPHRASE": None})

    def test_interactive_add_creates_the_vault_asking_the_passphrase_twice(self) -> None:
        stdout, tty, status = run_dialog(
            [sesame_bin(), "add", "alice"],
            self.tty_env(),
            [
                ("Enter Access Key ID:", self.alice.access_key_id),
                ("Enter Secret Access Key:", self.alice.secret_access_key),
                ("Choose a passphrase", PASSPHRASE),
                ("Enter the passphrase again", PASSPHRASE),
            ],
        )
        self.assertEqual(status, 0, f"tty: {tty!r}\nstdout: {stdout!r}")
        self.assertIn("Creating a new sesame vault", tty)
        self.assertNotIn(self.alice.secret_access_key, tty, "the secret key was echoed")
        self.assertNotIn(PASSPHRASE, tty, "the passphrase was echoed")
        self.assertIn('Added credentials of profile "alice"', stdout)
        # The vault opens with that passphrase (given the scripted way now) and the key works.
        self.sb.write_config(section("alice"))
        proc = self.sb.run(["exec", "alice", "--", "aws", "sts", "get-caller-identity"])
        self.assertOk(proc)
        self.assertIn("user/alice", proc.stdout)

    def test_mismatched_passphrases_create_nothing(self) -> None:
        stdout, tty, status = run_dialog(
            [sesame_bin(), "add", "alice", "--env"],
            {**self.tty_env(), **self.alice.env()},
            [("Choose a passphrase", "one passphrase"), ("Enter the passphrase again", "another one")],
        )
        self.assertNotEqual(status, 0)
        self.assertIn("do not match", tty)
        # Only the (empty) lock file may exist: the update takes the lock before asking.
        self.assertFalse((self.sb.vault_dir / "vault.sesame").exists(), "a vault was written despite the mismatch")

    def test_wrong_passphrase_on_the_terminal_is_refused_and_changes_nothing(self) -> None:
        self.add_alice()
        before = self.sb.vault_snapshot()
        stdout, tty, status = run_dialog(
            [sesame_bin(), "clear"], self.tty_env(), [("Enter passphrase to unlock", "not the passphrase")]
        )
        self.assertNotEqual(status, 0)
        self.assertIn("wrong passphrase", tty)
        self.assertVaultUnchanged(before)

    def test_right_passphrase_on_the_terminal_unlocks(self) -> None:
        self.add_alice()
        self.sb.write_config(section("alice"))
        stdout, tty, status = run_dialog(
            [sesame_bin(), "export", "alice", "--format", "json"],
            self.tty_env(),
            [("Enter passphrase to unlock", PASSPHRASE)],
        )
        self.assertEqual(status, 0, tty)
        self.assertIn('"SessionToken"', stdout)
        self.assertNotIn("passphrase", stdout.lower())


if __name__ == "__main__":
    unittest.main()
