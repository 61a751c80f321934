"""The refresh inside `sesame shell` (the init scripts' `aws` wrapper and `sesame-refresh`) obtains
credentials for the identity the shell was started with: `--account`/`--role` (moto's
Organizations), `--duration`, the profile. It once ran `sesame export "$SESAME_PROFILE"` alone,
so a shell started with `--account dev` silently became the profile's own user after a refresh.
The prompt shows the account, known from the role ARN without a call to AWS."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
import unittest

from harness import ACCOUNT, ADMIN_ROLE_ARN, REGION, SesameTestCase, rfc3339_to_epoch, section, sesame_bin
from test_shell import Terminal

ARN = r"arn:aws:(?:sts|iam)::\d{12}:\S+"


class ShellRefreshTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dev_id = self.org_account("dev")
        self.sb.write_config(section("alice", region=REGION) + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN))
        self.add_alice()

    def start(self, *args: str) -> Terminal:
        bash = shutil.which("bash")
        assert bash is not None
        (self.sb.home / ".bashrc").write_text("PS1='$ '\n")
        t = Terminal([sesame_bin(), "shell", *args], self.sb.child_env({"SHELL": bash, "TERM": "xterm-256color"}))
        self.addCleanup(lambda: os.path.exists(f"/proc/{t.pid}") and os.kill(t.pid, 9))
        return t

    def identity(self, t: Terminal) -> str:
        t.send("aws sts get-caller-identity --query Arn --output text")
        return t.expect(ARN).group(0)

    def expire_and_forget(self, t: Terminal) -> int:
        """Marks this shell's credentials expired and drops every cached session, so that the
        next `aws` refreshes by calling STS; returns the moto log mark."""
        t.send("export AWS_CREDENTIAL_EXPIRATION=2000-01-01T00:00:00Z")
        t.expect(r"expired\] ")
        self.assertOk(self.sb.run(["clear"]))
        return self.moto.mark()

    def test_refresh_keeps_the_account_and_role(self) -> None:
        t = self.start("alice", "--account", "dev")  # a name: the shell carries its id
        t.expect(rf"\[alice {self.dev_id} (59m|1h00m)\] ")
        before = self.identity(t)
        self.assertIn(f":{self.dev_id}:assumed-role/OrganizationAccountAccessRole/", before)
        t.send("echo opts=$SESAME_REFRESH_OPTIONS.")
        t.expect(rf"opts=--account {self.dev_id} --role OrganizationAccountAccessRole\.")

        mark = self.expire_and_forget(t)
        after = self.identity(t)
        self.assertIn(f":{self.dev_id}:assumed-role/OrganizationAccountAccessRole/", after,
                      "the refresh changed the shell's identity")
        roles = [c["params"].get("RoleArn") for c in self.moto.sts_calls(mark, "AssumeRole")]
        self.assertEqual(roles, [f"arn:aws:iam::{self.dev_id}:role/OrganizationAccountAccessRole"])
        t.expect(rf"\[alice {self.dev_id} (59m|1h00m)\] ")
        t.send("exit")
        self.assertEqual(t.wait(), 0)

    def test_refresh_keeps_the_duration_and_region(self) -> None:
        t = self.start("admin", "--duration", "2h", "--region", "eu-west-1")
        t.expect(rf"\[admin {ACCOUNT} (1h59m|2h00m)\] ")
        mark = self.expire_and_forget(t)
        self.assertTrue(self.identity(t).startswith(f"arn:aws:sts::{ACCOUNT}:assumed-role/admin/"))
        t.send("echo exp=$AWS_CREDENTIAL_EXPIRATION region=$AWS_REGION")
        m = t.expect(r"exp=(\d{4}-\S+) region=([a-z]\S*)")
        left = rfc3339_to_epoch(m.group(1)) - time.time()
        self.assertGreater(left, 6600, "the refreshed session is not the 2 hours the shell asked for")
        self.assertEqual(m.group(2), "eu-west-1")
        durations = [c["params"].get("DurationSeconds") for c in self.moto.sts_calls(mark, "AssumeRole")]
        self.assertEqual(durations, ["7200"])
        t.send("exit")
        self.assertEqual(t.wait(), 0)

    def test_account_is_known_from_the_role_and_omitted_when_unknown(self) -> None:
        def variables(*args: str) -> dict[str, str]:
            proc = self.sb.run(["export", *args, "--format", "env"])
            self.assertOk(proc)
            return dict(line.split("=", 1) for line in proc.stdout.splitlines() if line)

        mark = self.moto.mark()
        self.assertEqual(variables("admin")["SESAME_ACCOUNT"], ACCOUNT)  # the role ARN's
        self.assertEqual([c["action"] for c in self.moto.sts_calls(mark)], ["GetSessionToken", "AssumeRole"],
                         "the account is read from the config, not asked of AWS")
        plain = variables("alice")  # a user's session without mfa_serial: the account is not known
        self.assertNotIn("SESAME_ACCOUNT", plain)
        self.assertNotIn("SESAME_REFRESH_OPTIONS", plain)
        self.assertEqual(variables("alice", "--account", self.dev_id)["SESAME_ACCOUNT"], self.dev_id)

    def test_export_refresh_reads_only_what_sesame_writes(self) -> None:
        env = {"SESAME_PROFILE": "admin"}
        proc = self.sb.run(["export", "--refresh", "--format", "json"], env_extra=env)
        self.assertOk(proc)
        self.assertIn("AccessKeyId", json.loads(proc.stdout))
        for bad in ("--account dev --role R", "--profile prod", "--duration 1h", "--region eu-west-1;id"):
            with self.subTest(bad):
                proc = self.sb.run(["export", "--refresh"], env_extra={**env, "SESAME_REFRESH_OPTIONS": bad})
                self.assertFails(proc, "SESAME_REFRESH_OPTIONS", "unset it")
                self.assertEqual(proc.stdout, "")
        self.assertFails(self.sb.run(["export", "--refresh"], env_extra={"SESAME_PROFILE": None}), "SESAME_PROFILE")
        self.assertFails(self.sb.run(["export", "admin", "--refresh"], env_extra=env), "--refresh")
        self.assertFails(self.sb.run(["export", "--refresh", "--account", "1"], env_extra=env), "--refresh")


if __name__ == "__main__":
    unittest.main()
