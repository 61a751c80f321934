"""The harness itself: moto checks signatures, GetSessionToken sessions work, the fixture's trust
policies behave as the sesame tests assume, and the STS call log sees what the server saw.
Needs no sesame binary, so it tells a broken harness apart from a broken sesame."""

from __future__ import annotations

import json
import sys
import unittest

from botocore.exceptions import ClientError

from harness import (
    ADMIN_ROLE_ARN,
    ALICE_ARN,
    CHAIN_SESSION_NAME,
    EXT_ROLE_ARN,
    EXTERNAL_ID,
    MFA_SERIAL,
    READONLY_ROLE_ARN,
    Keys,
    Moto,
    SesameTestCase,
    aws_cli,
)


class HarnessSelfTest(SesameTestCase):
    needs_binary = False

    def sts(self, keys: Keys, token: str | None = None):
        return self.moto.client("sts", keys, token)

    def error_code(self, call) -> str:
        with self.assertRaises(ClientError) as ctx:
            call()
        return ctx.exception.response["Error"]["Code"]

    def session(self) -> tuple[Keys, str]:
        creds = self.sts(self.alice).get_session_token(
            SerialNumber=MFA_SERIAL, TokenCode="123456", DurationSeconds=3600
        )["Credentials"]
        return Keys(creds["AccessKeyId"], creds["SecretAccessKey"]), creds["SessionToken"]

    def test_wrong_secret_is_rejected(self) -> None:
        wrong = Keys(self.alice.access_key_id, "x" * 40)
        self.assertEqual(self.error_code(lambda: self.sts(wrong).get_caller_identity()), "SignatureDoesNotMatch")

    def test_unknown_and_deleted_keys_are_rejected(self) -> None:
        assert self.moto.deleted_key is not None
        self.assertEqual(
            self.error_code(lambda: self.sts(self.moto.deleted_key).get_caller_identity()), "InvalidClientTokenId"
        )
        unknown = Keys("AKIAUNKNOWN000000000", "y" * 40)
        self.assertEqual(self.error_code(lambda: self.sts(unknown).get_caller_identity()), "InvalidClientTokenId")

    def test_correct_key_is_alice(self) -> None:
        self.assertEqual(self.sts(self.alice).get_caller_identity()["Arn"], ALICE_ARN)

    def test_session_token_session_is_accepted_as_alice(self) -> None:
        keys, token = self.session()
        self.assertTrue(keys.access_key_id.startswith("ASIA"))
        self.assertEqual(self.sts(keys, token).get_caller_identity()["Arn"], ALICE_ARN)
        arn = self.sts(keys, token).assume_role(RoleArn=ADMIN_ROLE_ARN, RoleSessionName="via-session")[
            "AssumedRoleUser"
        ]["Arn"]
        self.assertEqual(arn, "arn:aws:sts::123456789012:assumed-role/admin/via-session")

    def test_sessions_are_unique(self) -> None:
        first, _ = self.session()
        second, _ = self.session()
        self.assertNotEqual(first.access_key_id, second.access_key_id)
        self.assertNotEqual(first.secret_access_key, second.secret_access_key)

    def test_session_needs_its_own_token_and_secret(self) -> None:
        keys, token = self.session()
        self.assertEqual(self.error_code(lambda: self.sts(keys, "bogus").get_caller_identity()), "InvalidClientTokenId")
        self.assertEqual(self.error_code(lambda: self.sts(keys).get_caller_identity()), "InvalidClientTokenId")
        wrong = Keys(keys.access_key_id, "z" * 40)
        self.assertEqual(self.error_code(lambda: self.sts(wrong, token).get_caller_identity()), "SignatureDoesNotMatch")

    def test_role_chain_trust(self) -> None:
        admin = self.sts(self.alice).assume_role(RoleArn=ADMIN_ROLE_ARN, RoleSessionName=CHAIN_SESSION_NAME)
        c = admin["Credentials"]
        admin_sts = self.sts(Keys(c["AccessKeyId"], c["SecretAccessKey"]), c["SessionToken"])
        arn = admin_sts.assume_role(RoleArn=READONLY_ROLE_ARN, RoleSessionName="leaf")["AssumedRoleUser"]["Arn"]
        self.assertEqual(arn, "arn:aws:sts::123456789012:assumed-role/readonly/leaf")
        # alice herself is not trusted by readonly
        self.assertEqual(
            self.error_code(
                lambda: self.sts(self.alice).assume_role(RoleArn=READONLY_ROLE_ARN, RoleSessionName="nope")
            ),
            "AccessDenied",
        )

    def test_external_id_condition(self) -> None:
        ok = self.sts(self.alice).assume_role(RoleArn=EXT_ROLE_ARN, RoleSessionName="ext", ExternalId=EXTERNAL_ID)
        self.assertIn("assumed-role/ext/ext", ok["AssumedRoleUser"]["Arn"])
        self.assertEqual(
            self.error_code(
                lambda: self.sts(self.alice).assume_role(RoleArn=EXT_ROLE_ARN, RoleSessionName="wrong-ext", ExternalId="wrong")
            ),
            "AccessDenied",
        )

    def test_call_log_records_actions_parameters_and_outcome(self) -> None:
        mark = self.moto.mark()
        keys, _ = self.session()
        wrong = Keys(self.alice.access_key_id, "x" * 40)
        with self.assertRaises(ClientError):
            self.sts(wrong).get_caller_identity()
        calls = self.moto.sts_calls(mark)
        self.assertEqual([c["action"] for c in calls], ["GetSessionToken", "GetCallerIdentity"])
        gst = calls[0]
        self.assertEqual(gst["status"], 200)
        self.assertEqual(gst["access_key_id"], self.alice.access_key_id)
        self.assertEqual(gst["params"]["SerialNumber"], MFA_SERIAL)
        self.assertEqual(gst["params"]["TokenCode"], "123456")
        self.assertEqual(gst["params"]["DurationSeconds"], "3600")
        self.assertEqual(calls[1]["status"], 403)
        self.assertEqual(len(self.moto.minting_calls(mark)), 1)
        self.assertEqual(self.moto.sts_calls(mark, "GetSessionToken")[0]["seq"], gst["seq"])
        self.assertTrue(keys.access_key_id.startswith("ASIA"))

    def test_aws_cli_in_sandbox_reaches_moto(self) -> None:
        """The aws CLI child honours AWS_ENDPOINT_URL, and its credential_process hook works."""
        mark = self.moto.mark()
        env = {**self.alice.env(), "AWS_DEFAULT_REGION": "us-east-1"}
        proc = self.sb.run_cmd([aws_cli(), "sts", "get-caller-identity", "--output", "json"], env_extra=env)
        self.assertOk(proc)
        self.assertEqual(json.loads(proc.stdout)["Arn"], ALICE_ARN)
        self.assertEqual([c["access_key_id"] for c in self.moto.sts_calls(mark)], [self.alice.access_key_id])

        creds = {"Version": 1, "AccessKeyId": self.alice.access_key_id, "SecretAccessKey": self.alice.secret_access_key}
        script = self.sb.root / "emit.py"
        script.write_text(f"print({json.dumps(json.dumps(creds))})\n")
        self.sb.write_config(
            f"[profile proc]\nregion = us-east-1\ncredential_process = {sys.executable} {script}\n"
        )
        proc = self.sb.run_cmd([aws_cli(), "sts", "get-caller-identity", "--profile", "proc"])
        self.assertOk(proc)
        self.assertEqual(json.loads(proc.stdout)["Arn"], ALICE_ARN)

    def test_iam_calls_are_not_logged_as_sts(self) -> None:
        mark = self.moto.mark()
        self.moto.client("iam", self.alice).get_user(UserName="alice")
        self.assertEqual(self.moto.sts_calls(mark), [])


class SecondServerTest(unittest.TestCase):
    def test_two_servers_are_independent(self) -> None:
        with Moto() as a, Moto() as b:
            self.assertNotEqual(a.port, b.port)
            assert a.alice and b.alice
            self.assertNotEqual(a.alice.access_key_id, b.alice.access_key_id)
            a.client("sts", a.alice).get_caller_identity()
            self.assertEqual(b.sts_calls(), [])


if __name__ == "__main__":
    unittest.main()
