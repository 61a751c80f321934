"""What ksperling's aws-session README shows, done with sesame (issue 15).

aws-session runs a subshell (`aws-session shell`) holding GetSessionToken credentials of an IAM
user with MFA, whose prompt shows the time left (coloured per AWS_SESSION_COLORS=0/1, else as
`tput colors` finds the terminal), whose `aws` refreshes the credentials first when they have run
out, and whose variables include AWS_SESSION_TOKEN copied into AWS_SECURITY_TOKEN; `aws-session
exec aws s3 ls` runs one command; `--session-duration SECONDS` sets the session's length. In
sesame: `sesame shell`, `sesame exec PROFILE -- aws …`, `--session-duration`, the same variables.
"""

from __future__ import annotations

import os
import re
import shutil
import time
import unittest

from harness import ACCOUNT, ALICE_ARN, MFA_SERIAL, REGION, SesameTestCase, aws_cli, rfc3339_to_epoch, section, sesame_bin
from test_shell import Terminal

RED_SEGMENT = re.compile(rb"\x1b\[31m\[alice " + ACCOUNT.encode() + rb" expired\]")
PLAIN_SEGMENT = re.compile(rb"(\x1b\[[0-9;]*m)?\[alice " + ACCOUNT.encode() + rb" expired\]")


class AwsSessionKsperlingTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        # aws-session's user: an IAM user whose device the session is made with.
        self.sb.write_config(section("alice", region=REGION, mfa_serial=MFA_SERIAL))
        self.add_alice()

    def session(self, colors: str) -> Terminal:
        """`sesame shell alice` on a terminal, answering the MFA prompt, with AWS_SESSION_COLORS."""
        bash = shutil.which("bash")
        assert bash is not None
        (self.sb.home / ".bashrc").write_text("PS1='$ '\n")
        env = self.sb.child_env({"SHELL": bash, "TERM": "xterm-256color", "AWS_SESSION_COLORS": colors})
        t = Terminal([sesame_bin(), "shell", "alice", "--session-duration", "3600"], env)
        self.addCleanup(lambda: os.path.exists(f"/proc/{t.pid}") and os.kill(t.pid, 9))
        t.expect(r"Enter MFA code for " + re.escape(MFA_SERIAL) + ": ")
        t.send("123456")
        # The time left, and the account (from the MFA device's ARN: no call to AWS for it).
        t.expect(rf"\[alice {ACCOUNT} (59m|1h00m)\] \$ ")
        return t

    def test_shell_prompt_refresh_and_colours(self) -> None:
        t = self.session("1")
        t.send("echo same=$([ \"$AWS_SECURITY_TOKEN\" = \"$AWS_SESSION_TOKEN\" ] && [ -n \"$AWS_SESSION_TOKEN\" ] && echo yes)")
        t.expect(r"same=yes")
        t.send("aws sts get-caller-identity --query Arn --output text")
        t.expect(re.escape(ALICE_ARN))

        # Time is up: the prompt says so, in red (AWS_SESSION_COLORS=1), and `aws` renews the
        # session first — a new GetSessionToken with the device, asking for a new code.
        t.send("export AWS_CREDENTIAL_EXPIRATION=2000-01-01T00:00:00Z")
        t.expect(rf"\[alice {ACCOUNT} expired\] ")
        self.assertRegex(t.raw, RED_SEGMENT)
        self.assertOk(self.sb.run(["clear"]))
        mark = self.moto.mark()
        t.send("aws sts get-caller-identity --query Arn --output text")
        t.expect(r"Enter MFA code for " + re.escape(MFA_SERIAL) + ": ")
        t.send("654321")
        t.expect(re.escape(ALICE_ARN))
        calls = self.moto.sts_calls(mark, "GetSessionToken")
        self.assertEqual([(c["params"].get("SerialNumber"), c["params"].get("TokenCode"), c["params"].get("DurationSeconds"))
                          for c in calls], [(MFA_SERIAL, "654321", "3600")], "refreshed with the shell's device and duration")
        t.expect(rf"\[alice {ACCOUNT} (59m|1h00m)\] ")
        t.send("echo same=$([ \"$AWS_SECURITY_TOKEN\" = \"$AWS_SESSION_TOKEN\" ] && echo yes) exp=$AWS_CREDENTIAL_EXPIRATION")
        exp = t.expect(r"same=yes exp=(\S+)").group(1)
        self.assertGreater(rfc3339_to_epoch(exp), time.time() + 3000)
        t.send("exit")
        self.assertEqual(t.wait(), 0)

    def test_shell_prompt_without_colours(self) -> None:
        t = self.session("0")
        t.send("export AWS_CREDENTIAL_EXPIRATION=2000-01-01T00:00:00Z")
        t.expect(rf"\[alice {ACCOUNT} expired\] ")
        t.send("true")
        t.expect(rf"\[alice {ACCOUNT} expired\] ")
        found = [m.group(1) for m in PLAIN_SEGMENT.finditer(t.raw)]
        self.assertGreaterEqual(len(found), 2)
        self.assertEqual(set(found), {None}, "AWS_SESSION_COLORS=0 still coloured the prompt")
        t.send("exit")
        self.assertEqual(t.wait(), 0)

    def test_exec_one_command(self) -> None:
        # aws-session exec aws s3 ls
        proc = self.sb.run(["exec", "alice", "-t", "123456", "--", aws_cli(), "sts", "get-caller-identity",
                            "--query", "Arn", "--output", "text"])
        self.assertOk(proc)
        self.assertEqual(proc.stdout.strip(), ALICE_ARN)

    def test_security_token_is_the_session_token(self) -> None:
        env = self.exec_env(["alice", "-t", "123456"], env_extra={"AWS_SECURITY_TOKEN": "inherited-stale-token"})
        self.assertTrue(env["AWS_SESSION_TOKEN"])
        self.assertEqual(env["AWS_SECURITY_TOKEN"], env["AWS_SESSION_TOKEN"])
        self.assertEqual(env["SESAME_ACCOUNT"], ACCOUNT)
        # Long-term keys (--no-session) have no token under either name; an inherited one is gone.
        env = self.exec_env(["alice", "--no-session"], env_extra={"AWS_SECURITY_TOKEN": "inherited-stale-token",
                                                                  "AWS_SESSION_TOKEN": "inherited-stale-token"})
        self.assertNotIn("AWS_SECURITY_TOKEN", env)
        self.assertNotIn("AWS_SESSION_TOKEN", env)

    def test_session_duration_in_seconds(self) -> None:
        for seconds in ("3600", "5400"):
            with self.subTest(seconds):
                self.assertOk(self.sb.run(["clear"]))
                mark = self.moto.mark()
                env = self.exec_env(["alice", "-t", "123456", "--session-duration", seconds])
                calls = self.moto.sts_calls(mark, "GetSessionToken")
                self.assertEqual([c["params"].get("DurationSeconds") for c in calls], [seconds])
                left = rfc3339_to_epoch(env["AWS_CREDENTIAL_EXPIRATION"]) - time.time()
                self.assertTrue(int(seconds) - 120 < left <= int(seconds) + 60, left)
        self.assertFails(self.sb.run(["exec", "alice", "--session-duration", "soon", "--", "true"]), "--duration", "soon")
        self.assertFails(self.sb.run(["exec", "alice", "--session-duration", "60", "--", "true"]), "out of range")


if __name__ == "__main__":
    unittest.main()
