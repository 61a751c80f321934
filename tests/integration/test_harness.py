"""The harness itself: moto checks signatures, GetSessionToken sessions work, the fixture's trust
policies behave as the sesame tests assume, and the STS call log sees what the server saw.
Needs no sesame binary, so it tells a broken harness apart from a broken sesame."""

from __future__ import annotations

import json
import sys
import unittest

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
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

    def signed_post(self, body: bytes, sent: bytes | None = None) -> requests.Response:
        """POSTs `sent` (default: `body`) to STS with a SigV4 signature computed over `body`
        exactly as given, the way a client that writes its own form encoding signs it."""
        request = AWSRequest(
            method="POST",
            url=self.moto.url + "/",
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        credentials = Credentials(self.alice.access_key_id, self.alice.secret_access_key)
        SigV4Auth(credentials, "sts", "us-east-1").add_auth(request)
        headers = dict(request.headers.items())
        return requests.post(self.moto.url + "/", data=body if sent is None else sent, headers=headers, timeout=10)

    def test_signature_covers_the_body_as_sent(self) -> None:
        """A space sent as %20 (sesame's encoding; botocore sends +) is accepted when the
        signature covers those bytes, as AWS does: stock moto re-encoded the parsed form and
        refused it. Changing a byte after signing is still refused."""
        body = b"Action=GetCallerIdentity&Version=2011-06-15&Note=two%20words"
        mark = self.moto.mark()
        ok = self.signed_post(body)
        self.assertEqual(ok.status_code, 200, ok.text)
        self.assertIn(ALICE_ARN, ok.text)
        plus = self.signed_post(body.replace(b"%20", b"+"))
        self.assertEqual(plus.status_code, 200, plus.text)
        tampered = self.signed_post(body, sent=body.replace(b"two%20words", b"two%20wordz"))
        self.assertEqual(tampered.status_code, 403, tampered.text)
        self.assertIn("SignatureDoesNotMatch", tampered.text)
        reencoded = self.signed_post(body, sent=body.replace(b"%20", b"+"))
        self.assertEqual(reencoded.status_code, 403, "the signature must cover the bytes sent, not the form they parse to")
        self.assertEqual([c["status"] for c in self.moto.sts_calls(mark)], [200, 200, 403, 403])

    def test_call_log_records_signing_region_and_issued_key(self) -> None:
        mark = self.moto.mark()
        sts = self.moto.client("sts", self.alice)
        creds = sts.assume_role(RoleArn=ADMIN_ROLE_ARN, RoleSessionName="logged")["Credentials"]
        calls = self.moto.sts_calls(mark)
        self.assertEqual(calls[0]["signing_region"], "us-east-1")
        self.assertEqual(calls[0]["access_key_id"], self.alice.access_key_id)
        self.assertEqual(calls[0]["issued_access_key_id"], creds["AccessKeyId"])
        self.assertEqual(self.moto.sts_calls(mark + 1), [])

    def test_sts_parameters_are_validated_as_aws_does(self) -> None:
        """Out-of-range durations and malformed session names are refused by the server (400
        ValidationError), so a client that sends them fails here as it would against AWS.
        Sent by hand: botocore refuses most of them before sending."""
        assume = b"Action=AssumeRole&Version=2011-06-15&RoleArn=" + ADMIN_ROLE_ARN.encode()
        refused = [
            assume + b"&RoleSessionName=x",
            assume + b"&RoleSessionName=has%20space",
            assume + b"&RoleSessionName=ok-name&DurationSeconds=899",
            assume + b"&RoleSessionName=ok-name&DurationSeconds=43201",
            b"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=129601",
        ]
        accepted = [
            assume + b"&RoleSessionName=ok&DurationSeconds=900",
            assume + b"&RoleSessionName=ci.build%40team&DurationSeconds=43200",
            b"Action=GetSessionToken&Version=2011-06-15&DurationSeconds=129600",
        ]
        for body in refused + accepted:
            with self.subTest(body=body.decode()):
                answer = self.signed_post(body)
                self.assertEqual(answer.status_code, 400 if body in refused else 200, answer.text)
                if body in refused:
                    self.assertIn("ValidationError", answer.text)

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
