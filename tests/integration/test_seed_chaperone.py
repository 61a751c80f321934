"""chaperone's users, and anyone whose long-term keys sit in ~/.aws/credentials or in the
environment (issue 15): `chaperone aws s3 ls` prefixes a command with the default profile's
temporary credentials, made from the keys botocore would find. sesame does the same as
`sesame exec -- CMD` (chaperone users: `alias chaperone='sesame exec --'`), says that the keys sit
in clear, and `sesame import` moves them into the encrypted store, keeping the rest of the file
byte for byte. botocore (the aws CLI) on the same files is the oracle for which keys a profile has.
"""

from __future__ import annotations

import json
import unittest

from harness import ADMIN_ROLE_ARN, ALICE_ARN, SesameTestCase, aws_cli, section

ADMIN_ARN_PREFIX = "arn:aws:sts::123456789012:assumed-role/admin/"
CALLER = [aws_cli(), "sts", "get-caller-identity", "--output", "json"]


class ChaperoneSeedTest(SesameTestCase):
    def credentials_file(self, default_keys: bool = True) -> str:
        """A credentials file as a chaperone user has it: CRLF, comments, another profile."""
        a = self.alice
        text = (
            "# my keys\r\n"
            + ("[default]\r\n"
               f"aws_access_key_id = {a.access_key_id}\r\n"
               f"aws_secret_access_key={a.secret_access_key}\r\n"
               "region = us-east-1\r\n" if default_keys else "")
            + "\r\n[other]\r\n; untouched\r\naws_access_key_id = AKIAOTHEROTHEROTHER1\r\n"
            "aws_secret_access_key = other/secret\r\n"
        )
        self.sb.credentials.write_bytes(text.encode())
        return text

    def test_a_bare_prefix_uses_the_default_profiles_keys_from_the_credentials_file(self) -> None:
        self.credentials_file()
        # What botocore makes of the same files: alice's key.
        oracle = self.sb.run_cmd(CALLER)
        self.assertOk(oracle)
        self.assertEqual(json.loads(oracle.stdout)["Arn"], ALICE_ARN)

        mark = self.moto.mark()
        proc = self.sb.run(["exec", "--", *CALLER])
        self.assertOk(proc)
        self.assertEqual(json.loads(proc.stdout)["Arn"], ALICE_ARN)
        calls = self.moto.minting_calls(mark)
        self.assertEqual([c["action"] for c in calls], ["GetSessionToken"])
        self.assertEqual(calls[0]["access_key_id"], self.alice.access_key_id)
        self.assertIn("sits there in clear", proc.stderr)
        self.assertIn("sesame import default", proc.stderr)
        self.assertIn(f"{self.sb.credentials}:3", proc.stderr)
        self.assertNoSecrets(proc.stderr)

        # The session is cached: the next command makes none and says nothing.
        again = self.sb.run(["exec", "--", *CALLER])
        self.assertOk(again)
        self.assertEqual(self.moto.minting_calls(mark), calls)
        self.assertEqual(again.stderr, "")

    def test_a_role_whose_source_keys_are_in_the_credentials_file(self) -> None:
        self.credentials_file(default_keys=False)
        self.sb.credentials.write_text(
            f"[alice]\naws_access_key_id = {self.alice.access_key_id}\n"
            f"aws_secret_access_key = {self.alice.secret_access_key}\n"
        )
        self.sb.write_config(section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN))
        oracle = self.sb.run_cmd([*CALLER, "--profile", "admin"])
        self.assertOk(oracle)
        self.assertTrue(json.loads(oracle.stdout)["Arn"].startswith(ADMIN_ARN_PREFIX))
        self.assertTrue(self.caller_arn(["admin"]).startswith(ADMIN_ARN_PREFIX))

    def test_keys_in_the_environment_are_the_source_unless_a_profile_is_named(self) -> None:
        keys = {**self.alice.env(), "AWS_DEFAULT_REGION": "us-east-1"}  # no config file at all
        mark = self.moto.mark()
        proc = self.sb.run(["exec", "--", *CALLER], env_extra=keys)
        self.assertOk(proc)
        self.assertEqual(json.loads(proc.stdout)["Arn"], ALICE_ARN)
        calls = self.moto.minting_calls(mark)
        self.assertEqual([c["action"] for c in calls], ["GetSessionToken"])
        self.assertEqual(calls[0]["access_key_id"], self.alice.access_key_id)
        child = self.exec_env([], env_extra=keys)
        self.assertTrue(child["AWS_ACCESS_KEY_ID"].startswith("ASIA"), "the child gets the session, not the key")
        self.assertEqual(self.moto.minting_calls(mark), calls, "served from the cache")

        # A session in the environment is no source for GetSessionToken (a nested sesame, or a
        # previous eval): the profile's own keys are asked for, and there are none.
        session = {**keys, "AWS_SESSION_TOKEN": "token"}
        self.assertFails(self.sb.run(["exec", "--", *CALLER], env_extra=session), "default")
        # A named profile does not take the environment's keys, as in botocore.
        self.sb.write_config(section("named"))
        self.assertFails(self.sb.run(["exec", "named", "--", *CALLER], env_extra=keys), "named")

    def test_import_moves_the_keys_and_keeps_the_rest_of_the_file(self) -> None:
        text = self.credentials_file()
        dry = self.sb.run(["import", "--dry-run"])
        self.assertOk(dry)
        self.assertIn("would move  default", dry.stdout)
        self.assertIn("would move  other", dry.stdout)
        self.assertEqual(self.sb.credentials.read_bytes(), text.encode(), "a dry run changes nothing")
        self.assertNoSecrets(dry.stdout + dry.stderr, "other/secret")

        proc = self.sb.run(["import", "default"])
        self.assertOk(proc)
        self.assertIn("moved       default", proc.stdout)
        expected = text.replace(f"aws_access_key_id = {self.alice.access_key_id}\r\n", "").replace(
            f"aws_secret_access_key={self.alice.secret_access_key}\r\n", ""
        )
        self.assertEqual(self.sb.credentials.read_bytes(), expected.encode())
        self.assertNoSecrets(proc.stdout + proc.stderr)

        # The store has it now: the aws CLI alone finds no key, sesame does, and says nothing.
        listed = self.sb.run(["list"])
        self.assertOk(listed)
        mark = self.moto.mark()
        run = self.sb.run(["exec", "--", *CALLER])
        self.assertOk(run)
        self.assertEqual(json.loads(run.stdout)["Arn"], ALICE_ARN)
        self.assertNotIn("in clear", run.stderr)
        self.assertEqual(self.moto.minting_calls(mark)[0]["access_key_id"], self.alice.access_key_id)

        # Unknown names are refused with a did-you-mean, changing nothing.
        before = self.sb.credentials.read_bytes()
        self.assertFails(self.sb.run(["import", "othre"]), "othre", "other")
        self.assertEqual(self.sb.credentials.read_bytes(), before)

    def test_import_of_a_profile_whose_stored_key_differs_changes_nothing(self) -> None:
        self.credentials_file()
        self.assertOk(self.sb.run(["add", "default", "--env"], env_extra={
            "AWS_ACCESS_KEY_ID": "AKIADIFFERENTDIFFER1", "AWS_SECRET_ACCESS_KEY": "x"}))
        before = self.sb.credentials.read_bytes()
        self.assertFails(self.sb.run(["import", "default"]), "another key")
        self.assertEqual(self.sb.credentials.read_bytes(), before)

    def test_partial_keys_are_refused_naming_the_line(self) -> None:
        self.sb.credentials.write_text("[default]\naws_access_key_id = AKIAONLYTHEIDONLYTHE\n")
        self.assertFails(self.sb.run(["exec", "--", *CALLER]), "credentials:2", "partial")


if __name__ == "__main__":
    unittest.main()
