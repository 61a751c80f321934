"""`sesame exec`: the real binary against signature-checking moto, the aws CLI as the child.
STS calls are counted from the server's own log, never from sesame's output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import unittest

from harness import (
    ADMIN_ROLE_ARN,
    ALICE_ARN,
    CHAIN_SESSION_NAME,
    EXT_ROLE_ARN,
    EXTERNAL_ID,
    MFA_SERIAL,
    READONLY_ROLE_ARN,
    RFC3339_UTC,
    Keys,
    SesameTestCase,
    rfc3339_to_epoch,
    section,
    sesame_bin,
)

ADMIN_ARN_PREFIX = "arn:aws:sts::123456789012:assumed-role/admin/"


class ExecTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sb.write_config(
            section("default")
            + section("alice")
            + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN)
        )
        self.add_alice()

    # --- the main job ---

    def test_exec_plain_profile_runs_child_with_a_session_of_the_user(self) -> None:
        mark = self.moto.mark()
        self.assertEqual(self.caller_arn(["alice"]), ALICE_ARN)
        calls = self.moto.minting_calls(mark)
        self.assertEqual([c["action"] for c in calls], ["GetSessionToken"])
        self.assertEqual(calls[0]["status"], 200)
        self.assertEqual(calls[0]["access_key_id"], self.alice.access_key_id)
        self.assertEqual(calls[0]["params"].get("DurationSeconds"), "3600", "GetSessionToken defaults to 1h")
        self.assertNotIn("SerialNumber", calls[0]["params"])

    def test_exec_through_mfa_session(self) -> None:
        self.sb.write_config(section("alice", mfa_serial=MFA_SERIAL))
        mark = self.moto.mark()
        self.assertEqual(self.caller_arn(["alice", "-t", "123456"]), ALICE_ARN)
        calls = self.moto.minting_calls(mark)
        self.assertEqual([c["action"] for c in calls], ["GetSessionToken"])
        self.assertEqual(calls[0]["params"].get("SerialNumber"), MFA_SERIAL)
        self.assertEqual(calls[0]["params"].get("TokenCode"), "123456")
        self.assertEqual(calls[0]["status"], 200)

    def test_mfa_token_long_flag(self) -> None:
        self.sb.write_config(section("alice", mfa_serial=MFA_SERIAL))
        mark = self.moto.mark()
        self.assertEqual(self.caller_arn(["alice", "--mfa-token", "654321"]), ALICE_ARN)
        self.assertEqual(self.moto.sts_calls(mark, "GetSessionToken")[0]["params"].get("TokenCode"), "654321")

    def test_exec_through_role_shows_assumed_role(self) -> None:
        mark = self.moto.mark()
        arn = self.caller_arn(["admin"])
        self.assertTrue(arn.startswith(ADMIN_ARN_PREFIX), arn)
        assume = self.moto.sts_calls(mark, "AssumeRole")
        self.assertEqual(len(assume), 1)
        self.assertEqual(assume[0]["params"]["RoleArn"], ADMIN_ROLE_ARN)
        self.assertEqual(assume[0]["status"], 200)
        self.assertEqual(assume[0]["params"].get("DurationSeconds", "3600"), "3600", "AssumeRole defaults to 1h")

    def test_second_exec_is_served_from_cache(self) -> None:
        for profile in ("alice", "admin"):
            with self.subTest(profile=profile):
                first = self.caller_arn([profile])
                mark = self.moto.mark()
                second = self.caller_arn([profile])
                self.assertEqual(first, second)
                self.assertEqual(self.moto.minting_calls(mark), [], "the second exec called STS")

    def test_cached_credentials_are_the_same_keys(self) -> None:
        first = self.exec_env(["admin"])
        mark = self.moto.mark()
        second = self.exec_env(["admin"])
        self.assertEqual(self.moto.minting_calls(mark), [])
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION"):
            self.assertEqual(first[name], second[name], name)

    def test_mfa_is_asked_once_per_chain(self) -> None:
        self.sb.write_config(
            section("alice")
            + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN, mfa_serial=MFA_SERIAL)
            + section(
                "ext", source_profile="alice", role_arn=EXT_ROLE_ARN, external_id=EXTERNAL_ID, mfa_serial=MFA_SERIAL
            )
        )
        mark = self.moto.mark()
        self.assertTrue(self.caller_arn(["admin", "-t", "123456"]).startswith(ADMIN_ARN_PREFIX))
        calls = self.moto.minting_calls(mark)
        self.assertEqual([c["action"] for c in calls], ["GetSessionToken", "AssumeRole"], calls)
        session, assume = calls
        self.assertEqual(session["params"].get("SerialNumber"), MFA_SERIAL)
        self.assertEqual(session["params"].get("TokenCode"), "123456")
        self.assertEqual(session["access_key_id"], self.alice.access_key_id)
        self.assertEqual(
            session["params"].get("DurationSeconds"), "28800", "a session that only feeds a role lasts 8h"
        )
        self.assertNotIn("TokenCode", assume["params"])
        self.assertNotIn("SerialNumber", assume["params"])
        self.assertTrue(assume["access_key_id"].startswith("ASIA"), "AssumeRole must be signed by the MFA session")
        self.assertEqual(assume["status"], 200)

        # Another role with the same source and MFA device reuses that session: no code, no prompt
        # (there is no terminal here, so a prompt would fail).
        mark = self.moto.mark()
        arn = self.caller_arn(["ext"])
        self.assertTrue(arn.startswith("arn:aws:sts::123456789012:assumed-role/ext/"), arn)
        calls = self.moto.minting_calls(mark)
        self.assertEqual([c["action"] for c in calls], ["AssumeRole"], calls)
        self.assertEqual(calls[0]["access_key_id"], assume["access_key_id"])

    def test_role_chain_through_two_roles(self) -> None:
        self.sb.write_config(
            section("alice")
            + section(
                "admin-chain", source_profile="alice", role_arn=ADMIN_ROLE_ARN, role_session_name=CHAIN_SESSION_NAME
            )
            + section("readonly", source_profile="admin-chain", role_arn=READONLY_ROLE_ARN)
        )
        mark = self.moto.mark()
        arn = self.caller_arn(["readonly"])
        self.assertTrue(arn.startswith("arn:aws:sts::123456789012:assumed-role/readonly/"), arn)
        assumes = self.moto.sts_calls(mark, "AssumeRole")
        self.assertEqual([c["params"]["RoleArn"] for c in assumes], [ADMIN_ROLE_ARN, READONLY_ROLE_ARN])
        self.assertEqual(assumes[0]["params"].get("RoleSessionName"), CHAIN_SESSION_NAME)
        self.assertTrue(assumes[1]["access_key_id"].startswith("ASIA"))
        self.assertEqual([c["status"] for c in assumes], [200, 200])

    def test_external_id_and_role_session_name_are_sent(self) -> None:
        self.sb.write_config(
            section("alice")
            + section(
                "ext",
                source_profile="alice",
                role_arn=EXT_ROLE_ARN,
                external_id=EXTERNAL_ID,
                role_session_name="it-session",
            )
        )
        mark = self.moto.mark()
        self.assertEqual(self.caller_arn(["ext"]), "arn:aws:sts::123456789012:assumed-role/ext/it-session")
        assume = self.moto.sts_calls(mark, "AssumeRole")
        self.assertEqual(assume[0]["params"].get("ExternalId"), EXTERNAL_ID)
        self.assertEqual(assume[0]["params"].get("RoleSessionName"), "it-session")

    def test_duration_seconds_from_config(self) -> None:
        self.sb.write_config(
            section("alice") + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN, duration_seconds="1800")
        )
        mark = self.moto.mark()
        self.caller_arn(["admin"])
        self.assertEqual(self.moto.sts_calls(mark, "AssumeRole")[0]["params"].get("DurationSeconds"), "1800")

    # --- flags ---

    def test_duration_flag_for_session(self) -> None:
        mark = self.moto.mark()
        self.assertOk(self.sb.run(["exec", "alice", "-d", "2h", "--", "true"]))
        self.assertEqual(self.moto.sts_calls(mark, "GetSessionToken")[0]["params"].get("DurationSeconds"), "7200")

    def test_duration_flag_for_role(self) -> None:
        mark = self.moto.mark()
        self.assertOk(self.sb.run(["exec", "admin", "--duration", "90m", "--", "true"]))
        self.assertEqual(self.moto.sts_calls(mark, "AssumeRole")[0]["params"].get("DurationSeconds"), "5400")

    def test_duration_in_seconds(self) -> None:
        mark = self.moto.mark()
        env = self.exec_env(["alice", "-d", "3600s"])
        self.assertEqual(self.moto.sts_calls(mark, "GetSessionToken")[0]["params"].get("DurationSeconds"), "3600")
        left = rfc3339_to_epoch(env["AWS_CREDENTIAL_EXPIRATION"]) - time.time()
        self.assertTrue(3300 < left <= 3660, left)

    def test_no_session_passes_the_long_term_key(self) -> None:
        mark = self.moto.mark()
        env = self.exec_env(["alice", "-n"])
        self.assertEqual(env["AWS_ACCESS_KEY_ID"], self.alice.access_key_id)
        self.assertEqual(env["AWS_SECRET_ACCESS_KEY"], self.alice.secret_access_key)
        self.assertNotIn("AWS_SESSION_TOKEN", env)
        self.assertNotIn("AWS_CREDENTIAL_EXPIRATION", env)
        self.assertEqual(self.moto.sts_calls(mark), [])
        mark = self.moto.mark()
        self.assertEqual(self.caller_arn(["alice", "--no-session"]), ALICE_ARN)
        self.assertEqual(self.moto.minting_calls(mark), [])

    def test_region_flag_and_precedence(self) -> None:
        self.assertEqual(self.exec_env(["alice", "-n"])["AWS_REGION"], "us-east-1")
        env = self.exec_env(["alice", "-n", "--region", "eu-west-1"])
        self.assertEqual((env["AWS_REGION"], env["AWS_DEFAULT_REGION"]), ("eu-west-1", "eu-west-1"))
        env = self.exec_env(["alice", "-n"], env_extra={"AWS_DEFAULT_REGION": "ap-south-1"})
        self.assertEqual(env["AWS_REGION"], "ap-south-1", "AWS_DEFAULT_REGION beats the profile's region")
        env = self.exec_env(["alice", "-n"], env_extra={"AWS_REGION": "eu-central-1", "AWS_DEFAULT_REGION": "ap-south-1"})
        self.assertEqual(env["AWS_REGION"], "eu-central-1", "AWS_REGION beats AWS_DEFAULT_REGION")

    # --- the child ---

    def test_child_environment(self) -> None:
        stale = {
            "AWS_PROFILE": "admin",
            "AWS_DEFAULT_PROFILE": "admin",
            "AWS_SECURITY_TOKEN": "stale-security-token",
            "AWS_ACCESS_KEY_ID": "AKIASTALESTALESTALE0",
            "AWS_SECRET_ACCESS_KEY": "stale-secret",
            "AWS_SESSION_TOKEN": "stale-session-token",
            "AWS_CREDENTIAL_EXPIRATION": "2000-01-01T00:00:00Z",
            "SESAME_PROFILE": "somewhere-else",
            "KEEP_ME": "kept",
        }
        env = self.exec_env(["admin"], env_extra=stale)
        for gone in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
            self.assertNotIn(gone, env)
        self.assertEqual(env["AWS_SECURITY_TOKEN"], env["AWS_SESSION_TOKEN"], "the token's old name, for old tools")
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN",
                     "AWS_CREDENTIAL_EXPIRATION"):
            self.assertIn(name, env)
            self.assertNotEqual(env[name], stale[name], f"{name} was inherited, not replaced")
        self.assertTrue(env["AWS_ACCESS_KEY_ID"].startswith("ASIA"))
        self.assertEqual(env["SESAME_PROFILE"], "admin")
        self.assertEqual(env["KEEP_ME"], "kept")
        self.assertEqual(env["AWS_REGION"], "us-east-1")
        self.assertEqual(env["AWS_DEFAULT_REGION"], "us-east-1")
        expiration = env["AWS_CREDENTIAL_EXPIRATION"]
        self.assertRegex(expiration, RFC3339_UTC)
        left = rfc3339_to_epoch(expiration) - time.time()
        self.assertTrue(3000 < left <= 3660, f"expiration {expiration} is {left:.0f}s away, expected about 1h")

        # The credentials are real: moto checks their signature.
        sts = self.moto.client(
            "sts", Keys(env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]), env["AWS_SESSION_TOKEN"]
        )
        self.assertTrue(sts.get_caller_identity()["Arn"].startswith(ADMIN_ARN_PREFIX))

    def test_no_child_gets_the_vault_passphrase(self) -> None:
        """exec's command, the command of exec --ecs-server, a credential_process and a shell
        never see SESAME_FILE_PASSPHRASE (the sandbox always sets it)."""
        passphrase = self.sb.env["SESAME_FILE_PASSPHRASE"]
        dump = [sys.executable, "-c", "import os; print(sorted(os.environ))"]
        for args in (["exec", "admin", "--"], ["exec", "admin", "--ecs-server", "--"]):
            with self.subTest(" ".join(args)):
                proc = self.sb.run(args + dump)
                self.assertOk(proc)
                self.assertIn("SESAME_PROFILE", proc.stdout)
                self.assertNotIn("SESAME_FILE_PASSPHRASE", proc.stdout)
                self.assertNotIn(passphrase, proc.stdout)
        with self.subTest("shell"):
            fake_shell = self.sb.root / "fake-shell"
            fake_shell.write_text("#!/bin/sh\nenv\n")
            fake_shell.chmod(0o700)
            proc = self.sb.run(["shell", "admin"], env_extra={"SHELL": str(fake_shell)})
            self.assertOk(proc)
            self.assertIn("SESAME_PROFILE=admin", proc.stdout)
            self.assertNotIn("SESAME_FILE_PASSPHRASE", proc.stdout)
        seen = self.sb.root / "process-env"
        script = self.sb.root / "cp.sh"
        script.write_text(f"#!/bin/sh\nenv > {seen}\n"
                          f"printf '{{\"Version\": 1, \"AccessKeyId\": \"{self.alice.access_key_id}\", "
                          f"\"SecretAccessKey\": \"{self.alice.secret_access_key}\"}}'\n")
        script.chmod(0o700)
        self.sb.write_config(section("proc", credential_process=str(script)))
        with self.subTest("credential_process"):
            self.assertOk(self.sb.run(["export", "proc", "--format", "json", "--no-session"]))
            self.assertIn("PATH=", seen.read_text())
            self.assertNotIn("SESAME_FILE_PASSPHRASE", seen.read_text())

    def test_sesame_cannot_be_read_or_dumped_by_its_own_children(self) -> None:
        """The parent of an --ecs-server command holds keys for its whole life: it is not
        dumpable (its children, same uid, cannot read /proc/PARENT/environ or mem) and its core
        limit is 0, while the command gets the user's own core limit back. Run as an ordinary
        user (nobody): root may read any process's memory whatever the process does."""
        if os.geteuid() != 0:
            self.skipTest("needs root to run sesame as another user (setpriv)")
        subprocess.run(["chown", "-R", "65534:65534", str(self.sb.root)], check=True)
        self.addCleanup(subprocess.run, ["chown", "-R", "0:0", str(self.sb.root)])
        probe = ("cat /proc/$PPID/environ >/dev/null 2>&1 && echo parent-readable || echo parent-refused; "
                 "grep 'core file' /proc/$PPID/limits | tr -s ' ' | cut -d' ' -f5 | sed 's/^/parent-core=/'; "
                 "grep 'core file' /proc/self/limits | tr -s ' ' | cut -d' ' -f5 | sed 's/^/child-core=/'")
        argv = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c", 'ulimit -c 4096 && exec "$@"',
                "-", sesame_bin(), "exec", "admin", "--ecs-server", "--", "sh", "-c", probe]
        proc = self.sb.run_cmd(argv, env_extra={"SESAME_KEY_CACHE": "none"})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("parent-refused", proc.stdout)
        self.assertIn("parent-core=0", proc.stdout)
        self.assertRegex(proc.stdout, r"child-core=[1-9]")

    def test_profile_defaults_to_aws_profile_then_default(self) -> None:
        env = self.exec_env(["-n"], env_extra={"AWS_PROFILE": "alice"})
        self.assertEqual(env["SESAME_PROFILE"], "alice")
        self.assertEqual(env["AWS_ACCESS_KEY_ID"], self.alice.access_key_id)
        self.assertNotIn("AWS_PROFILE", env)

        self.assertOk(self.sb.add("default", self.alice))
        env = self.exec_env(["-n"])
        self.assertEqual(env["SESAME_PROFILE"], "default")

    def test_command_defaults_to_shell(self) -> None:
        script = self.sb.root / "fake-shell"
        script.write_text('#!/bin/sh\necho "fake shell for $SESAME_PROFILE"\n')
        script.chmod(0o755)
        proc = self.sb.run(["exec", "alice", "-n"], env_extra={"SHELL": str(script)})
        self.assertOk(proc)
        self.assertEqual(proc.stdout.strip(), "fake shell for alice")

    def test_exec_replaces_the_sesame_process(self) -> None:
        argv = [sesame_bin(), "exec", "alice", "-n", "--", sys.executable, "-c", "import os; print(os.getpid())"]
        proc = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.sb.child_env(), cwd=self.sb.root
        )
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)
        self.assertEqual(int(out.strip()), proc.pid, "the command did not replace sesame (no execve)")

    def test_exit_status_of_the_command(self) -> None:
        proc = self.sb.run(["exec", "alice", "-n", "--", "sh", "-c", "echo out; echo err >&2; exit 7"])
        self.assertEqual(proc.returncode, 7)
        self.assertEqual(proc.stdout, "out\n")
        self.assertIn("err", proc.stderr)

    def test_exec_inside_a_sesame_subshell(self) -> None:
        outer = self.exec_env(["alice"])
        nested = {k: v for k, v in outer.items() if k.startswith(("AWS_", "SESAME_PROFILE"))}
        arn = self.caller_arn(["admin"], env_extra=nested)
        self.assertTrue(arn.startswith(ADMIN_ARN_PREFIX), arn)

    def test_debug_output_has_no_secrets(self) -> None:
        proc = self.sb.run(
            ["--debug", "exec", "admin", "--", sys.executable, "-c", "import json, os; print(json.dumps(dict(os.environ)))"]
        )
        self.assertOk(proc)
        env = json.loads(proc.stdout)
        self.assertTrue(proc.stderr.strip(), "--debug printed nothing")
        self.assertNoSecrets(proc.stderr, env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"])

    def test_min_ttl_forces_a_refresh(self) -> None:
        self.assertOk(self.sb.run(["exec", "alice", "-d", "15m", "--", "true"]))
        mark = self.moto.mark()
        self.assertOk(self.sb.run(["exec", "alice", "-d", "15m", "--", "true"]))
        self.assertEqual(self.moto.minting_calls(mark), [], "a 15m session is reused under the default 5m TTL")
        mark = self.moto.mark()
        proc = self.sb.run(["exec", "alice", "-d", "1h", "--", "true"], env_extra={"SESAME_MIN_TTL": "20m"})
        self.assertOk(proc)
        self.assertEqual(
            [c["action"] for c in self.moto.minting_calls(mark)],
            ["GetSessionToken"],
            "with SESAME_MIN_TTL=20m a session with under 15m left must be replaced",
        )


if __name__ == "__main__":
    unittest.main()
