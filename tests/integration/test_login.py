"""`sesame login`: console sign-in URLs for a role profile, an IAM user (GetFederationToken),
`--account`, `--path`/`--region`/`-d`, and the browser hand-off, against signature-checking moto.

moto has no sign-in federation endpoint, so `FederationStandIn` below stands in for AWS's
(https://signin.aws.amazon.com/federation) through SESAME_FEDERATION_URL. It checks what the real
one checks that a test can see: the Session it is given must be a real, live session, which it
proves by calling moto's sts:GetCallerIdentity with it (signature checking is on, so invented,
expired or long-term keys fail) before it issues a SigninToken.
"""

from __future__ import annotations

import json
import secrets
import stat
import threading
import unittest
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from harness import ACCOUNT, ADMIN_ROLE_ARN, MFA_SERIAL, REGION, Keys, Moto, SesameTestCase, section

ADMIN_ARN_PREFIX = f"arn:aws:sts::{ACCOUNT}:assumed-role/admin/"
FEDERATED_ALICE = f"arn:aws:sts::{ACCOUNT}:federated-user/alice"


class FederationStandIn:
    """Stands in for AWS's sign-in federation endpoint, `GET /federation?Action=getSigninToken`.

    It decodes the Session JSON ({"sessionId", "sessionKey", "sessionToken"}), refuses it (HTTP 400,
    as AWS does) unless moto's sts:GetCallerIdentity accepts those exact credentials, and answers
    {"SigninToken": <random>}. Each token is remembered with the caller ARN moto reported and the
    SessionDuration asked for, so a test can tell whose console session a URL opens.
    `Action=login` (the browser's step) is not served: tests read the URL sesame builds instead.
    """

    def __init__(self, moto: Moto) -> None:
        self.moto = moto
        self.tokens: dict[str, dict[str, Any]] = {}
        self.requests: list[dict[str, Any]] = []  # what each getSigninToken asked for, no secrets
        self._lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                stand_in._serve(self)

            def log_message(self, *args: object) -> None:  # the query holds the session: keep quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/federation"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urllib.parse.urlsplit(handler.path)
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        action = query.get("Action", [""])[0]
        duration = query.get("SessionDuration", [None])[0]
        if parts.path != "/federation" or action != "getSigninToken":
            return self._answer(handler, 400, {"error": f"unsupported {parts.path} Action={action}"})
        try:
            session = json.loads(query["Session"][0])
            keys = Keys(session["sessionId"], session["sessionKey"])
            token = session["sessionToken"]
        except (KeyError, IndexError, ValueError, TypeError):
            return self._answer(handler, 400, {"error": "malformed Session"})
        with self._lock:
            self.requests.append({"session_duration": duration, "session_id": keys.access_key_id})
        if not token:
            return self._answer(handler, 400, {"error": "not a session"})
        try:
            arn = self.moto.client("sts", keys=keys, token=token).get_caller_identity()["Arn"]
        except (ClientError, BotoCoreError):
            return self._answer(handler, 400, {"error": "the session is not valid"})
        signin_token = secrets.token_urlsafe(48)
        with self._lock:
            self.tokens[signin_token] = {"arn": arn, "session_duration": duration}
        self._answer(handler, 200, {"SigninToken": signin_token})

    @staticmethod
    def _answer(handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)


class LoginTest(SesameTestCase):
    stand_in: FederationStandIn

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.stand_in = FederationStandIn(cls.moto)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.stand_in.close()
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        self.sb.env["SESAME_FEDERATION_URL"] = self.stand_in.url
        self.sb.write_config(
            section("alice", mfa_serial=MFA_SERIAL)
            + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN)
        )
        self.add_alice()

    def login_url(self, *args: str) -> tuple[dict[str, str], dict[str, Any]]:
        """Runs `sesame login ARGS --stdout`; returns the URL's query and what the stand-in
        recorded for its SigninToken."""
        proc = self.sb.run(["login", *args, "--stdout"])
        self.assertOk(proc)
        url = proc.stdout.strip()
        self.assertEqual(proc.stdout.count("\n"), 1, "--stdout prints the URL alone")
        parts = urllib.parse.urlsplit(url)
        self.assertEqual(f"{parts.scheme}://{parts.netloc}{parts.path}", self.stand_in.url)
        query = dict(urllib.parse.parse_qsl(parts.query, strict_parsing=True))
        self.assertEqual(list(query), ["Action", "Issuer", "Destination", "SigninToken"], url)
        self.assertEqual(query["Action"], "login")
        self.assertEqual(query["Issuer"], "sesame")
        self.assertIn(query["SigninToken"], self.stand_in.tokens, "the URL's token is not the one issued")
        self.assertNoSecrets(proc.stderr + proc.stdout)
        return query, self.stand_in.tokens[query["SigninToken"]]

    # --- whose session the console gets ---

    def test_role_profile_signs_in_as_the_role_session(self) -> None:
        mark = self.moto.mark()
        query, issued = self.login_url("admin", "-t", "123456")
        self.assertTrue(issued["arn"].startswith(ADMIN_ARN_PREFIX), issued)
        self.assertIsNone(issued["session_duration"], "no -d: the console session is AWS's default")
        self.assertEqual(query["Destination"], f"https://console.aws.amazon.com/?region={REGION}")
        actions = [c["action"] for c in self.moto.minting_calls(mark)]
        self.assertEqual(actions, ["GetSessionToken", "AssumeRole"])

    def test_role_duration_is_the_console_session_length(self) -> None:
        mark = self.moto.mark()
        _, issued = self.login_url("admin", "-t", "123456", "-d", "2h")
        self.assertEqual(issued["session_duration"], "7200")
        assume = self.moto.sts_calls(mark, "AssumeRole")
        self.assertEqual(assume[0]["params"].get("DurationSeconds"), "7200")

    def test_iam_user_signs_in_through_get_federation_token(self) -> None:
        mark = self.moto.mark()
        _, issued = self.login_url("alice")  # mfa_serial set, yet no prompt: no terminal is needed
        self.assertEqual(issued["arn"], FEDERATED_ALICE)
        self.assertIsNone(issued["session_duration"], "SessionDuration is for role sessions only")
        calls = self.moto.minting_calls(mark)
        self.assertEqual([c["action"] for c in calls], ["GetFederationToken"])
        federation = calls[0]
        self.assertEqual(federation["status"], 200)
        self.assertEqual(federation["access_key_id"], self.alice.access_key_id, "not the long-term key")
        self.assertEqual(federation["params"]["Name"], "alice")
        self.assertEqual(federation["params"].get("DurationSeconds"), "3600")
        policy = json.loads(federation["params"]["Policy"])
        self.assertEqual(policy["Statement"], [{"Effect": "Allow", "Action": "*", "Resource": "*"}])

    def test_iam_user_duration_sets_the_federation_token_length(self) -> None:
        mark = self.moto.mark()
        _, issued = self.login_url("alice", "-d", "90m")
        self.assertEqual(issued["arn"], FEDERATED_ALICE)
        self.assertIsNone(issued["session_duration"])
        self.assertEqual(self.moto.sts_calls(mark, "GetFederationToken")[0]["params"]["DurationSeconds"], "5400")

    def test_account_flag_signs_in_to_the_member_account(self) -> None:
        account_id = self.org_account("login-dev")
        _, issued = self.login_url("alice", "--account", "login-dev", "-t", "123456")
        prefix = f"arn:aws:sts::{account_id}:assumed-role/OrganizationAccountAccessRole/"
        self.assertTrue(issued["arn"].startswith(prefix), issued)

    # --- where the console opens ---

    def test_path_and_region_shape_the_destination(self) -> None:
        query, _ = self.login_url("admin", "-t", "123456", "--path", "/s3/home", "--region", "eu-west-1")
        self.assertEqual(query["Destination"], "https://console.aws.amazon.com/s3/home?region=eu-west-1")
        query, _ = self.login_url("alice", "--path", "ec2/home#Instances:")
        self.assertEqual(query["Destination"], f"https://console.aws.amazon.com/ec2/home?region={REGION}#Instances:")

    def test_a_url_as_path_is_refused_before_any_call(self) -> None:
        mark = self.moto.mark()
        proc = self.sb.run(["login", "alice", "--stdout", "--path", "https://evil.example/"])
        self.assertFails(proc, "--path", "not a console path")
        self.assertEqual(self.moto.sts_calls(mark), [])

    # --- what the endpoint refuses, and what is never shown ---

    def test_a_session_the_endpoint_refuses_is_reported_without_secrets(self) -> None:
        fake = {"Version": 1, "AccessKeyId": "ASIAFAKEFAKEFAKEFAKE", "SecretAccessKey": "fake-secret-value-123",
                "SessionToken": "fake-session-token-value"}
        script = self.sb.root / "fake_process.py"
        script.write_text(f"import json; print(json.dumps({fake!r}))\n")
        self.sb.write_config(section("proc", credential_process=f"python3 {script}"))
        proc = self.sb.run(["login", "proc", "--stdout"])
        self.assertFails(proc, "refused the session", "HTTP 400")
        self.assertEqual(proc.stdout, "")
        for secret in (fake["SecretAccessKey"], fake["SessionToken"]):
            self.assertNotIn(secret, proc.stderr)
        self.assertNotIn("127.0.0.1", proc.stderr.replace(self.stand_in.url, ""), "the URL's query was shown")

    def test_debug_output_never_shows_the_url_or_the_session(self) -> None:
        proc = self.sb.run(["--debug", "login", "admin", "-t", "123456", "--stdout"])
        self.assertOk(proc)
        token = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(proc.stdout.strip()).query))["SigninToken"]
        self.assertIn("sesame: debug:", proc.stderr)
        for leak in (token, urllib.parse.quote(token, safe=""), "SigninToken", "sessionKey", "Session="):
            self.assertNotIn(leak, proc.stderr)
        self.assertNoSecrets(proc.stderr)

    # --- the browser ---

    def test_browser_gets_the_url_and_stdout_does_not(self) -> None:
        received = self.sb.root / "browser-argv"
        browser = self.sb.root / "fake-browser"
        browser.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{received}'\n")
        browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
        proc = self.sb.run(["login", "admin", "-t", "123456"], env_extra={"BROWSER": str(browser)})
        self.assertOk(proc)
        self.assertIn("Opened the AWS console", proc.stdout)
        argv = received.read_text().splitlines()
        self.assertEqual(len(argv), 1, argv)
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(argv[0]).query))
        self.assertIn(query["SigninToken"], self.stand_in.tokens)
        self.assertNotIn(query["SigninToken"], proc.stdout + proc.stderr)

    def test_no_browser_is_an_error_that_suggests_stdout(self) -> None:
        empty = self.sb.root / "empty-bin"
        empty.mkdir()
        proc = self.sb.run(["login", "admin", "-t", "123456"],
                           env_extra={"BROWSER": "no-such-browser", "PATH": str(empty)})
        self.assertFails(proc, "could not open a browser", "no-such-browser", "--stdout")
        for token in self.stand_in.tokens:
            self.assertNotIn(token, proc.stdout + proc.stderr)


if __name__ == "__main__":
    unittest.main()
