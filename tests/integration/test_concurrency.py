"""Ask once, answer fast: many sesame processes needing the same missing session make one STS
call chain and share its result; a waiting process is bounded; a dead lock holder blocks nobody."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import time
import unittest

from harness import ADMIN_ROLE_ARN, MFA_SERIAL, REGION, SesameTestCase, section, sesame_bin

N = 40


class ConcurrencyTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sb.write_config(
            section("alice", region=REGION, mfa_serial=MFA_SERIAL)
            + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN, mfa_serial=MFA_SERIAL)
        )
        self.add_alice()
        self.assertOk(self.sb.run(["lock"]))  # cold: the vault must be unlocked too

    def test_forty_cold_calls_make_one_sts_chain(self) -> None:
        mark = self.moto.mark()
        procs = [
            subprocess.Popen(
                [sesame_bin(), "export", "admin", "--format", "json", "--mfa-token", "123456"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                env=self.sb.child_env(), start_new_session=True,
            )
            for _ in range(N)
        ]
        outputs = []
        for p in procs:
            out, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, 0, err)
            outputs.append(json.loads(out))
        self.assertEqual(len({(o["AccessKeyId"], o["SecretAccessKey"], o["SessionToken"]) for o in outputs}), 1,
                         "processes got different credentials")
        self.assertEqual(len(self.moto.sts_calls(mark, "GetSessionToken")), 1)
        self.assertEqual(len(self.moto.sts_calls(mark, "AssumeRole")), 1)
        # And the next call is served from the cache.
        self.assertOk(self.sb.run(["export", "admin", "--format", "json"]))
        self.assertEqual(len(self.moto.minting_calls(mark)), 2)

    def start_waiting_at_mfa_prompt(self) -> tuple[int, int]:
        """Starts `sesame export admin` on a terminal and returns (pid, master fd) once it is
        waiting for the MFA code: it then holds the session locks."""
        pid, master = pty.fork()
        if pid == 0:
            try:
                argv = [sesame_bin(), "export", "admin", "--format", "json"]
                os.execve(argv[0], argv, self.sb.child_env())
            finally:
                os._exit(127)
        seen = b""
        deadline = time.monotonic() + 30
        while b"Enter MFA code" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(master, 4096)
                except OSError:
                    break
        self.assertIn(b"Enter MFA code", seen)
        return pid, master

    def test_waiting_is_bounded_and_a_killed_holder_blocks_nobody(self) -> None:
        pid, master = self.start_waiting_at_mfa_prompt()
        try:
            started = time.monotonic()
            waiter = self.sb.run(["export", "admin", "--format", "json", "-t", "123456"],
                                 env_extra={"SESAME_LOCK_WAIT": "1s"})
            self.assertFails(waiter, "another sesame process")
            self.assertLess(time.monotonic() - started, 10)
        finally:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(master)
        mark = self.moto.mark()
        started = time.monotonic()
        after = self.sb.run(["export", "admin", "--format", "json", "-t", "123456"], env_extra={"SESAME_LOCK_WAIT": "5s"})
        self.assertOk(after)
        self.assertLess(time.monotonic() - started, 5, "the dead holder's lock was not released")
        self.assertEqual(len(self.moto.sts_calls(mark, "GetSessionToken")), 1)


if __name__ == "__main__":
    unittest.main()
