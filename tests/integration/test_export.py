"""`sesame export` in every format, and `credential_process` as botocore (the aws CLI) runs it."""

from __future__ import annotations

import configparser
import json
import os
import re
import shutil
import sys
import time
import unittest

from harness import (
    ADMIN_ROLE_ARN,
    MFA_SERIAL,
    RFC3339_UTC,
    Keys,
    SesameTestCase,
    aws_cli,
    rfc3339_to_epoch,
    run_dialog,
    section,
    sesame_bin,
)

ADMIN_ARN_PREFIX = "arn:aws:sts::123456789012:assumed-role/admin/"
DUMP_ENV = [sys.executable, "-c", "import json, os; print(json.dumps(dict(os.environ)))"]
# Gone after the export; an inherited AWS_SECURITY_TOKEN is replaced (assertSameAsJson).
STALE = {"AWS_PROFILE": "admin", "AWS_DEFAULT_PROFILE": "admin"}


class ExportTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sb.write_config(section("alice") + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN))
        self.add_alice()

    def export(self, *args: str) -> str:
        proc = self.sb.run(["export", *args])
        self.assertOk(proc)
        return proc.stdout

    def export_json(self, profile: str = "admin", *flags: str) -> dict:
        return json.loads(self.export(profile, *flags, "--format", "json"))

    def assertWorksAsAdmin(self, access_key_id: str, secret: str, token: str) -> None:
        sts = self.moto.client("sts", Keys(access_key_id, secret), token)
        self.assertTrue(sts.get_caller_identity()["Arn"].startswith(ADMIN_ARN_PREFIX))

    def assertSameAsJson(self, variables: dict[str, str], creds: dict) -> None:
        self.assertEqual(variables["AWS_ACCESS_KEY_ID"], creds["AccessKeyId"])
        self.assertEqual(variables["AWS_SECRET_ACCESS_KEY"], creds["SecretAccessKey"])
        self.assertEqual(variables["AWS_SESSION_TOKEN"], creds["SessionToken"])
        self.assertEqual(variables["AWS_CREDENTIAL_EXPIRATION"], creds["Expiration"])
        self.assertEqual(variables["SESAME_PROFILE"], "admin")
        self.assertEqual(variables["AWS_SECURITY_TOKEN"], creds["SessionToken"], "the token's old name, for old tools")

    # --- json / credential_process ---

    def test_json_is_the_credential_process_format(self) -> None:
        creds = self.export_json()
        self.assertEqual(creds["Version"], 1)
        self.assertTrue(creds["AccessKeyId"].startswith("ASIA"))
        self.assertRegex(creds["Expiration"], RFC3339_UTC)
        self.assertGreater(rfc3339_to_epoch(creds["Expiration"]), time.time() + 3000)
        self.assertLessEqual(set(creds), {"Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"})
        self.assertWorksAsAdmin(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])

    def test_json_without_session_is_the_long_term_key(self) -> None:
        mark = self.moto.mark()
        creds = self.export_json("alice", "-n")
        self.assertEqual(creds["Version"], 1)
        self.assertEqual(creds["AccessKeyId"], self.alice.access_key_id)
        self.assertEqual(creds["SecretAccessKey"], self.alice.secret_access_key)
        self.assertNotIn("SessionToken", creds)
        self.assertNotIn("Expiration", creds)
        self.assertEqual(self.moto.sts_calls(mark), [])

    def test_credential_process_via_botocore(self) -> None:
        self.sb.write_config(
            section("alice")
            + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN)
            + section("via-sesame", credential_process=f"{sesame_bin()} export admin --format json")
        )
        argv = [aws_cli(), "sts", "get-caller-identity", "--profile", "via-sesame", "--output", "json"]
        mark = self.moto.mark()
        proc = self.sb.run_cmd(argv)
        self.assertOk(proc)
        self.assertTrue(json.loads(proc.stdout)["Arn"].startswith(ADMIN_ARN_PREFIX), proc.stdout)
        self.assertEqual([c["action"] for c in self.moto.minting_calls(mark) if c["action"] == "AssumeRole"], ["AssumeRole"])

        mark = self.moto.mark()
        proc = self.sb.run_cmd(argv)
        self.assertOk(proc)
        self.assertTrue(json.loads(proc.stdout)["Arn"].startswith(ADMIN_ARN_PREFIX))
        self.assertEqual(self.moto.minting_calls(mark), [], "the second credential_process run called STS")

    def test_mfa_prompt_on_the_terminal_while_stdout_is_captured(self) -> None:
        """credential_process captures stdout; the MFA prompt goes to /dev/tty instead."""
        self.sb.write_config(
            section("alice") + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN, mfa_serial=MFA_SERIAL)
        )
        mark = self.moto.mark()
        stdout, tty_output, status = run_dialog(
            [sesame_bin(), "export", "admin", "--format", "json"], self.sb.child_env(), [("Enter MFA code", "246810")]
        )
        self.assertEqual(status, 0, f"tty: {tty_output!r}\nstdout: {stdout!r}")
        self.assertIn("Enter MFA code for", tty_output)
        self.assertIn(MFA_SERIAL, tty_output)
        self.assertNotIn("Enter MFA code", stdout)
        creds = json.loads(stdout)
        self.assertWorksAsAdmin(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])
        session = self.moto.sts_calls(mark, "GetSessionToken")
        self.assertEqual(len(session), 1)
        self.assertEqual(session[0]["params"].get("TokenCode"), "246810")
        self.assertEqual(session[0]["params"].get("SerialNumber"), MFA_SERIAL)

    # --- shell formats ---

    def test_env_format(self) -> None:
        creds = self.export_json()
        lines = self.export("admin", "--format", "env").splitlines()
        variables = dict(line.split("=", 1) for line in lines if line)
        self.assertSameAsJson(variables, creds)
        self.assertEqual(variables["AWS_REGION"], "us-east-1")

    def test_export_env_evaluated_by_bash(self) -> None:
        creds = self.export_json()
        script = f'eval "$({sesame_bin()} export admin --format export-env)" && exec "$@"'
        proc = self.sb.run_cmd(["bash", "-c", script, "bash", *DUMP_ENV], env_extra={**STALE, "AWS_SECURITY_TOKEN": "stale"})
        self.assertOk(proc)
        env = json.loads(proc.stdout)
        self.assertSameAsJson(env, creds)
        for name in STALE:
            self.assertNotIn(name, env)

        proc = self.sb.run_cmd(
            ["bash", "-c", f'eval "$({sesame_bin()} export admin --format export-env)" && "$0" sts get-caller-identity --output json', aws_cli()]
        )
        self.assertOk(proc)
        self.assertTrue(json.loads(proc.stdout)["Arn"].startswith(ADMIN_ARN_PREFIX))

        # Long-term keys: an inherited token goes, under both names.
        script = f'eval "$({sesame_bin()} export alice -n --format export-env)" && exec "$@"'
        proc = self.sb.run_cmd(["bash", "-c", script, "bash", *DUMP_ENV],
                               env_extra={"AWS_SECURITY_TOKEN": "stale", "AWS_SESSION_TOKEN": "stale"})
        self.assertOk(proc)
        env = json.loads(proc.stdout)
        self.assertEqual(env["AWS_ACCESS_KEY_ID"], self.alice.access_key_id)
        self.assertNotIn("AWS_SESSION_TOKEN", env)
        self.assertNotIn("AWS_SECURITY_TOKEN", env)

    def test_every_eval_format_survives_unquoted_eval(self) -> None:
        """SWISS TXT's aws-session is used as `eval $(aws-session)`, unquoted: the shell splits the
        output into words and joins them with single spaces. Each shell's format must still set every
        variable exactly, with a profile name full of shell syntax, and run nothing."""
        canary = self.sb.root / "ran"
        name = f"ops  $(touch {canary}) `touch {canary}` *"
        self.sb.write_config(
            section("alice") + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN)
            # botocore reads section names with shlex: a name with spaces is quoted.
            + f'[profile "{name}"]\nsource_profile = alice\nrole_arn = {ADMIN_ROLE_ARN}\n'
        )
        creds = self.export_json(name)
        (self.sb.root / "ops").write_text("")  # a file the * could expand to
        shells = [s for s in ("bash", "zsh", "dash") if shutil.which(s, path=self.sb.env["PATH"])]
        self.assertIn("bash", shells)
        show = 'printf "%s\\n%s\\n%s" "$AWS_SECRET_ACCESS_KEY" "$SESAME_PROFILE" "${AWS_PROFILE-unset}"'
        for shell in shells:
            with self.subTest(shell=shell):
                script = f'cd {self.sb.root} && eval $("$0" export "$1" --format export-env) && {show}'
                proc = self.sb.run_cmd([shell, "-c", script, sesame_bin(), name], env_extra=STALE)
                self.assertOk(proc)
                self.assertEqual(proc.stdout.split("\n"), [creds["SecretAccessKey"], name, "unset"])
        fish = shutil.which("fish", path=self.sb.env["PATH"])
        if fish:
            script = f'eval ({sesame_bin()} export $argv[1] --format fish); and printf "%s\\n%s" "$SESAME_PROFILE" "$AWS_SECRET_ACCESS_KEY"'
            proc = self.sb.run_cmd([fish, "--no-config", "-c", script, name], env_extra=STALE)
            self.assertOk(proc)
            self.assertEqual(proc.stdout.split("\n"), [name, creds["SecretAccessKey"]])
        self.assertFalse(canary.exists(), "a profile name ran as a command")

    def test_fish_format_sourced_by_fish(self) -> None:
        fish = shutil.which("fish", path=self.sb.env["PATH"])
        if not fish:
            self.skipTest("fish is not installed")
        creds = self.export_json()
        script = self.sb.root / "creds.fish"
        script.write_text(self.export("admin", "--format", "fish"))
        proc = self.sb.run_cmd([fish, "--no-config", "-c", f"source {script}; and exec $argv", *DUMP_ENV],
                               env_extra={**STALE, "AWS_SECURITY_TOKEN": "stale"})
        self.assertOk(proc)
        env = json.loads(proc.stdout)
        self.assertSameAsJson(env, creds)
        for name in STALE:
            self.assertNotIn(name, env)

    def test_powershell_format(self) -> None:
        creds = self.export_json()
        text = self.export("admin", "--format", "powershell")
        variables = {}
        for line in text.splitlines():
            m = re.fullmatch(r"\$env:(\w+)\s*=\s*'((?:[^']|'')*)'\s*;?", line.strip(), re.IGNORECASE)
            if m:
                variables[m.group(1)] = m.group(2).replace("''", "'")
        self.assertSameAsJson(variables, creds)
        self.assertRegex(text, r"(?im)^Remove-Item\s+Env:AWS_PROFILE\b")

    def test_ini_format_works_as_a_credentials_file(self) -> None:
        creds = self.export_json()
        text = self.export("admin", "--format", "ini")
        parser = configparser.ConfigParser(interpolation=None)
        parser.read_string(text)
        self.assertEqual(parser.sections(), ["admin"])
        self.assertEqual(parser["admin"]["aws_access_key_id"], creds["AccessKeyId"])
        self.assertEqual(parser["admin"]["aws_secret_access_key"], creds["SecretAccessKey"])
        self.assertEqual(parser["admin"]["aws_session_token"], creds["SessionToken"])

        path = self.sb.root / "exported-credentials"
        path.write_text(text)
        proc = self.sb.run_cmd(
            [aws_cli(), "sts", "get-caller-identity", "--profile", "admin", "--output", "json"],
            env_extra={"AWS_SHARED_CREDENTIALS_FILE": str(path), "AWS_CONFIG_FILE": os.devnull, "AWS_DEFAULT_REGION": "us-east-1"},
        )
        self.assertOk(proc)
        self.assertTrue(json.loads(proc.stdout)["Arn"].startswith(ADMIN_ARN_PREFIX))

    def test_all_formats_share_one_cached_session(self) -> None:
        mark = self.moto.mark()
        outputs = [self.export("admin", "--format", f) for f in ("json", "env", "export-env", "ini", "fish", "powershell")]
        key_id = json.loads(outputs[0])["AccessKeyId"]
        for text in outputs:
            self.assertIn(key_id, text)
        self.assertEqual(len(self.moto.sts_calls(mark, "AssumeRole")), 1)

    def test_unknown_format_is_refused(self) -> None:
        proc = self.sb.run(["export", "admin", "--format", "yaml"])
        self.assertFails(proc, "yaml")
        self.assertEqual(proc.stdout, "")
