"""Prompts on a real terminal (a pseudo-terminal as the controlling tty): adding a key
interactively, creating the vault with a passphrase typed twice, and refusing a wrong one."""

from __future__ import annotations

import time
import unittest
from pathlib import Path

from harness import PASSPHRASE, SesameTestCase, run_dialog, section, sesame_bin


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
        mismatch = [("Choose a passphrase", "one passphrase"), ("Enter the passphrase again", "another one")]
        stdout, tty, status = run_dialog(
            [sesame_bin(), "add", "alice", "--env"], {**self.tty_env(), **self.alice.env()}, mismatch * 3
        )
        self.assertNotEqual(status, 0)
        self.assertEqual(tty.count("do not match; try again"), 2, tty)
        self.assertIn("do not match (3 tries); nothing was created", tty)
        # Only the (empty) lock file may exist: the update takes the lock before asking.
        self.assertFalse((self.sb.vault_dir / "vault.sesame").exists(), "a vault was written despite the mismatch")

    def test_a_mismatch_is_asked_again_keeping_the_key_just_typed(self) -> None:
        self.sb.write_config(section("alice"))
        stdout, tty, status = run_dialog(
            [sesame_bin(), "add", "alice", "--no-mfa-discovery"],
            self.tty_env(),
            [
                ("Enter Access Key ID:", self.alice.access_key_id),
                ("Enter Secret Access Key:", self.alice.secret_access_key),
                ("Choose a passphrase", PASSPHRASE),
                ("Enter the passphrase again", PASSPHRASE + "x"),
                ("Choose a passphrase", PASSPHRASE),
                ("Enter the passphrase again", PASSPHRASE),
            ],
        )
        self.assertEqual(status, 0, f"tty: {tty!r}\nstdout: {stdout!r}")
        self.assertIn("do not match; try again", tty)
        self.assertEqual(tty.count("Enter Access Key ID"), 1, "the key was asked for again")
        self.assertIn('Added credentials of profile "alice"', stdout)
        proc = self.sb.run(["exec", "alice", "--", "aws", "sts", "get-caller-identity"])
        self.assertOk(proc)
        self.assertIn("user/alice", proc.stdout)

    def test_wrong_passphrase_on_the_terminal_is_asked_three_times_and_changes_nothing(self) -> None:
        self.add_alice()
        self.assertOk(self.sb.run(["lock"]))
        before = self.sb.vault_snapshot()
        stdout, tty, status = run_dialog(
            [sesame_bin(), "clear"], self.tty_env(), [("Enter passphrase to unlock", "not the passphrase")] * 3
        )
        self.assertNotEqual(status, 0)
        self.assertEqual(tty.count("Wrong passphrase; try again."), 2, tty)
        self.assertIn("wrong passphrase for the vault", tty)
        self.assertIn("(3 tries)", tty)
        self.assertVaultUnchanged(before)

    def test_a_typo_in_the_passphrase_costs_a_retry_not_the_command(self) -> None:
        self.add_alice()
        self.sb.write_config(section("alice"))
        self.assertOk(self.sb.run(["lock"]))
        stdout, tty, status = run_dialog(
            [sesame_bin(), "export", "alice", "--format", "json"],
            self.tty_env(),
            [("Enter passphrase to unlock", "typo"), ("Enter passphrase to unlock", PASSPHRASE)],
        )
        self.assertEqual(status, 0, tty)
        self.assertIn("Wrong passphrase; try again.", tty)
        self.assertIn('"SessionToken"', stdout)

    def test_a_wrong_sesame_file_passphrase_fails_at_once(self) -> None:
        self.add_alice()
        self.assertOk(self.sb.run(["lock"]))
        stdout, tty, status = run_dialog(
            [sesame_bin(), "clear"], self.sb.child_env({"SESAME_FILE_PASSPHRASE": "not it"}), []
        )
        self.assertNotEqual(status, 0)
        self.assertNotIn("Enter passphrase", tty, "asked on the terminal although the variable is set")
        self.assertIn("SESAME_FILE_PASSPHRASE does not open it", tty)

    def test_end_of_input_at_a_prompt_cancels(self) -> None:
        self.add_alice()
        self.assertOk(self.sb.run(["lock"]))
        stdout, tty, status = run_dialog(
            [sesame_bin(), "clear"], self.tty_env(), [("Enter passphrase to unlock", b"\x04")]
        )
        self.assertEqual(status, 130, tty)
        self.assertIn("cancelled", tty)
        self.assertNotIn("no terminal", tty)

    def test_right_passphrase_on_the_terminal_unlocks(self) -> None:
        self.add_alice()
        self.assertOk(self.sb.run(["lock"]))
        self.sb.write_config(section("alice"))
        stdout, tty, status = run_dialog(
            [sesame_bin(), "export", "alice", "--format", "json"],
            self.tty_env(),
            [("Enter passphrase to unlock", PASSPHRASE)],
        )
        self.assertEqual(status, 0, tty)
        self.assertIn('"SessionToken"', stdout)
        self.assertNotIn("passphrase", stdout.lower())

    def test_passphrase_is_asked_once_then_again_after_lock(self) -> None:
        self.add_alice()
        self.sb.write_config(section("alice"))
        self.assertOk(self.sb.run(["lock"]))
        export = [sesame_bin(), "export", "alice", "--format", "json"]
        stdout, tty, status = run_dialog(export, self.tty_env(), [("Enter passphrase to unlock", PASSPHRASE)])
        self.assertEqual(status, 0, tty)
        self.assertIn("Enter passphrase", tty)

        stdout, tty, status = run_dialog(export, self.tty_env(), [])
        self.assertEqual(status, 0, tty)
        self.assertNotIn("passphrase", tty.lower(), "asked again although the vault is unlocked")
        self.assertIn('"SessionToken"', stdout)
        status_out = self.sb.run(["status"], env_extra={"SESAME_FILE_PASSPHRASE": None})
        self.assertOk(status_out)
        self.assertRegex(status_out.stdout, r"Unlocked:\s+yes, for (59m|1h00m)")

        locked = self.sb.run(["lock"], env_extra={"SESAME_FILE_PASSPHRASE": None})
        self.assertOk(locked)
        self.assertIn("Locked", locked.stdout)
        self.assertIn("Unlocked:  no", self.sb.run(["status"]).stdout)
        stdout, tty, status = run_dialog(export, self.tty_env(), [("Enter passphrase to unlock", PASSPHRASE)])
        self.assertEqual(status, 0, tty)
        self.assertIn("Enter passphrase", tty, "not asked again after sesame lock")

    def test_agent_keeps_the_key_where_there_is_no_kernel_keyring(self) -> None:
        # SESAME_KEY_CACHE=agent stands for a container whose seccomp policy forbids keyctl.
        self.add_alice()
        self.sb.write_config(section("alice"))
        runtime = self.sb.root / "run"
        runtime.mkdir(mode=0o700)
        env = {**self.tty_env(), "SESAME_KEY_CACHE": "agent", "XDG_RUNTIME_DIR": str(runtime)}
        socket = runtime / "sesame" / "agent.sock"
        export = [sesame_bin(), "export", "alice", "--format", "json"]

        _, tty, status = run_dialog(export, env, [("Enter passphrase to unlock", PASSPHRASE)])
        self.assertEqual(status, 0, tty)
        self.assertTrue(socket.is_socket(), "no agent socket after an unlock")
        self.assertEqual(oct(socket.parent.stat().st_mode & 0o777), "0o700")
        stdout, tty, status = run_dialog(export, env, [])
        self.assertEqual(status, 0, tty)
        self.assertNotIn("passphrase", tty.lower(), "asked again although the agent holds the key")
        self.assertIn('"SessionToken"', stdout)
        status_out = self.sb.run(["status"], env_extra={**env, "SESAME_FILE_PASSPHRASE": None})
        self.assertRegex(status_out.stdout, r"Unlocked:\s+yes, for (59m|1h00m) .*the sesame agent at ")

        # The agent runs detached with an empty environment: no passphrase variable, nothing inherited.
        agents = [p for p in Path("/proc").glob("[0-9]*")
                  if str(runtime).encode() in self.read_proc(p / "cmdline") and b"__agent" in self.read_proc(p / "cmdline")]
        self.assertEqual(len(agents), 1, "expected one agent process")
        self.assertEqual(self.read_proc(agents[0] / "environ"), b"")

        locked = self.sb.run(["lock"], env_extra={**env, "SESAME_FILE_PASSPHRASE": None})
        self.assertIn("Locked", locked.stdout)
        deadline = time.time() + 10
        while socket.exists() and time.time() < deadline:
            time.sleep(0.1)
        self.assertFalse(socket.exists(), "the agent did not exit once it held no key")
        _, tty, status = run_dialog(export, env, [("Enter passphrase to unlock", PASSPHRASE)])
        self.assertEqual(status, 0, tty)
        self.assertIn("Enter passphrase", tty, "not asked again after sesame lock")
        self.assertOk(self.sb.run(["lock"], env_extra=env))

    def test_key_cache_none_keeps_nothing_and_status_says_so(self) -> None:
        self.add_alice()
        self.sb.write_config(section("alice"))
        self.assertOk(self.sb.run(["lock"]))
        env = {**self.tty_env(), "SESAME_KEY_CACHE": "none"}
        export = [sesame_bin(), "export", "alice", "--format", "json"]
        for _ in range(2):
            _, tty, status = run_dialog(export, env, [("Enter passphrase to unlock", PASSPHRASE)])
            self.assertEqual(status, 0, tty)
            self.assertIn("Enter passphrase", tty)
        status_out = self.sb.run(["status"], env_extra={"SESAME_KEY_CACHE": "none"})
        self.assertOk(status_out)
        self.assertIn("Unlocked:  never kept", status_out.stdout)
        self.assertIn("SESAME_KEY_CACHE=none", status_out.stdout)

    @staticmethod
    def read_proc(path: Path) -> bytes:
        try:
            return path.read_bytes()
        except OSError:
            return b""

    def test_unlock_ttl_zero_asks_every_time(self) -> None:
        self.add_alice()
        self.sb.write_config(section("alice"))
        self.assertOk(self.sb.run(["lock"]))
        env = {**self.tty_env(), "SESAME_UNLOCK_TTL": "0"}
        export = [sesame_bin(), "export", "alice", "--format", "json"]
        for _ in range(2):
            _, tty, status = run_dialog(export, env, [("Enter passphrase to unlock", PASSPHRASE)])
            self.assertEqual(status, 0, tty)
            self.assertIn("Enter passphrase", tty)


if __name__ == "__main__":
    unittest.main()
