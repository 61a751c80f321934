"""Every bad input is refused: exit status != 0, a clear `sesame: ...` message naming what is wrong,
no secret in the output, and the vault byte-for-byte unchanged."""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import time
import unittest

from harness import (
    ADMIN_ROLE_ARN,
    EXT_ROLE_ARN,
    Keys,
    SesameTestCase,
    aws_cli,
    closed_port,
    section,
    sesame_bin,
)


class ConfigErrorsTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sb.write_config(section("alice") + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN))
        self.add_alice()
        self.before = self.sb.vault_snapshot()

    def refused(self, args: list[str], *fragments: str, env_extra: dict | None = None) -> str:
        mark = self.moto.mark()
        stderr = self.assertFails(self.sb.run(args, env_extra=env_extra), *fragments)
        self.assertVaultUnchanged(self.before)
        obtained = [c for c in self.moto.minting_calls(mark) if c["status"] == 200]
        self.assertEqual(obtained, [], "a refused command obtained credentials")
        return stderr

    # --- profiles and config files ---

    def test_unknown_profile_is_named_and_never_falls_back_to_default(self) -> None:
        self.sb.write_config(section("default") + section("alice"))
        self.assertOk(self.sb.add("default", self.alice))
        self.before = self.sb.vault_snapshot()
        for command in (["exec", "ghost", "--", "true"], ["export", "ghost", "--format", "json"]):
            with self.subTest(command=command[0]):
                self.refused(command, "ghost")

    def test_undefined_source_profile_is_named(self) -> None:
        self.sb.write_config(section("alice") + section("orphan", source_profile="nowhere", role_arn=ADMIN_ROLE_ARN))
        self.refused(["exec", "orphan", "--", "true"], "nowhere")

    def test_source_profile_cycle_names_the_loop(self) -> None:
        self.sb.write_config(
            section("alice")
            + section("loop-a", source_profile="loop-b", role_arn=ADMIN_ROLE_ARN)
            + section("loop-b", source_profile="loop-a", role_arn=ADMIN_ROLE_ARN)
        )
        stderr = self.refused(["exec", "loop-a", "--", "true"], "loop-a", "loop-b")
        self.assertRegex(stderr, re.compile(r"cycle|loop|circular", re.IGNORECASE))

    def test_self_referencing_source_profile(self) -> None:
        self.sb.write_config(section("alice") + section("selfish", source_profile="selfish", role_arn=ADMIN_ROLE_ARN))
        self.refused(["exec", "selfish", "--", "true"], "selfish")

    def test_malformed_config_names_file_and_line(self) -> None:
        self.sb.write_config("[profile alice]\nregion = us-east-1\n\nthis line is not ini\n")
        stderr = self.refused(["exec", "alice", "--", "true"])
        self.assertRegex(stderr, r"config:4\b", "the message must name the file and line 4")

    def test_unterminated_section_names_file_and_line(self) -> None:
        for text, line in (("[profile alice]\nregion = us-east-1\n[profile admin\n", 3),
                           ("[profile admin\nregion = us-east-1\n[profile alice]\n", 1)):
            with self.subTest(line=line):
                self.sb.write_config(text)
                stderr = self.refused(["exec", "alice", "--", "true"], 'closing "]"')
                self.assertRegex(stderr, rf"config:{line}\b")
                self.assertNotIn("indent", stderr, "the hint about continuation lines does not apply")
                # botocore refuses this file too.
                aws = self.sb.run_cmd([aws_cli(), "configure", "get", "region", "--profile", "alice"])
                self.assertNotEqual(aws.returncode, 0)
                self.assertIn("Unable to parse config file", aws.stderr)

    def test_misspelt_source_profile_is_named_with_the_refusal(self) -> None:
        self.sb.write_config(section("alice") + section("typo", source_profle="alice", role_arn=ADMIN_ROLE_ARN))
        self.refused(["exec", "typo", "--", "true"], "neither source_profile",
                     'unknown key "source_profle"', 'did you mean "source_profile"?')
        aws = self.sb.run_cmd([aws_cli(), "sts", "get-caller-identity", "--profile", "typo"])
        self.assertNotEqual(aws.returncode, 0, "botocore accepted the profile sesame refused")
        self.assertIn("missing: source_profile", aws.stderr)

    def test_malformed_credentials_file_names_file_and_line(self) -> None:
        self.sb.write_credentials("[other]\naws_access_key_id\n")
        stderr = self.refused(["exec", "alice", "--", "true"])
        self.assertRegex(stderr, r"credentials:2\b")

    # --- flags ---

    def test_bad_durations_are_refused(self) -> None:
        for value in ("5x", "abc", "-1h", "1h-", "h"):
            with self.subTest(duration=value):
                self.refused(["exec", "admin", f"--duration={value}", "--", "true"], value)
        self.refused(["export", "admin", "-d", "5x", "--format", "json"], "5x")

    def test_unknown_command_and_flag(self) -> None:
        self.refused(["frobnicate"], "frobnicate")
        self.refused(["exec", "alice", "--no-such-flag", "--", "true"], "--no-such-flag")

    def test_missing_command_to_exec_is_named(self) -> None:
        stderr = self.refused(["exec", "alice", "-n", "--", "/nonexistent/program"])
        self.assertIn("/nonexistent/program", stderr)

    # --- AWS answers ---

    def test_wrong_secret_surfaces_signature_error(self) -> None:
        wrong = Keys(self.alice.access_key_id, "W" * 40)
        self.assertOk(self.sb.add("alice", wrong))
        self.before = self.sb.vault_snapshot()
        stderr = self.refused(["exec", "alice", "--", "true"])
        self.assertRegex(stderr, r"SignatureDoesNotMatch: \S", "AWS errors read `Code: Message`")
        self.assertNotIn("W" * 40, stderr)

    def test_deleted_key_surfaces_invalid_client_token(self) -> None:
        assert self.moto.deleted_key is not None
        self.assertOk(self.sb.add("alice", self.moto.deleted_key))
        self.before = self.sb.vault_snapshot()
        stderr = self.refused(["exec", "admin", "--", "true"])
        self.assertRegex(stderr, r"InvalidClientTokenId: The security token included in the request is invalid")
        self.assertNotIn(self.moto.deleted_key.secret_access_key, stderr)

    def test_untrusted_role_surfaces_access_denied(self) -> None:
        # Not a bad input of the user's but AWS's refusal: a valid session obtained for the
        # source on the way may be cached, so only the message and the refusal are checked.
        self.sb.write_config(
            section("alice") + section("ext", source_profile="alice", role_arn=EXT_ROLE_ARN, external_id="wrong-id")
        )
        mark = self.moto.mark()
        stderr = self.assertFails(self.sb.run(["exec", "ext", "--", "true"]))
        self.assertRegex(stderr, r"AccessDenied: \S")
        assumed = [c for c in self.moto.sts_calls(mark, "AssumeRole") if c["status"] == 200]
        self.assertEqual(assumed, [])

    def test_unreachable_endpoint_fails_fast_naming_the_url(self) -> None:
        url = f"http://127.0.0.1:{closed_port()}"
        started = time.monotonic()
        stderr = self.refused(["exec", "admin", "--", "true"], env_extra={"AWS_ENDPOINT_URL": url})
        elapsed = time.monotonic() - started
        self.assertIn(url.removeprefix("http://"), stderr)
        self.assertLess(elapsed, 10, f"took {elapsed:.1f}s to give up on a refused connection")

    def test_a_hung_endpoint_says_what_sesame_waits_for(self) -> None:
        # Accepts the connection, never answers: without the notice, a minute of silence.
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        env = self.sb.child_env({"AWS_ENDPOINT_URL_STS": f"http://127.0.0.1:{port}"})
        proc = subprocess.Popen([sesame_bin(), "exec", "alice", "--", "true"], env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        try:
            stderr = b""
            deadline = time.monotonic() + 20
            while b"Ctrl-C to stop" not in stderr and time.monotonic() < deadline:
                ready, _, _ = select.select([proc.stderr], [], [], 0.5)
                if ready:
                    chunk = os.read(proc.stderr.fileno(), 4096)
                    if not chunk:
                        break
                    stderr += chunk
            text = stderr.decode()
            self.assertIn(f"sesame: waiting for 127.0.0.1:{port} (GetSessionToken)", text)
            self.assertRegex(text, r"times out in \d+ s; Ctrl-C to stop")
            self.assertIsNone(proc.poll(), "the notice came only once sesame had given up")
            # It does what it says: Ctrl-C stops it at once, and nothing was stored.
            os.kill(proc.pid, signal.SIGINT)
            proc.wait(timeout=10)
            self.assertNotEqual(proc.returncode, 0)
            self.assertEqual(text.count("waiting for"), 1, text)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stderr.close()
            listener.close()
        self.assertVaultUnchanged(self.before)

    def test_service_specific_endpoint_wins(self) -> None:
        url = f"http://127.0.0.1:{closed_port()}"
        proc = self.sb.run(["exec", "admin", "--", "true"], env_extra={"AWS_ENDPOINT_URL": url, "AWS_ENDPOINT_URL_STS": self.moto.url})
        self.assertOk(proc)

    def test_endpoint_url_in_profile(self) -> None:
        self.sb.write_config(
            section("alice", endpoint_url=self.moto.url)
            + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN, endpoint_url=self.moto.url)
        )
        self.assertOk(self.sb.run(["exec", "admin", "--", "true"], env_extra={"AWS_ENDPOINT_URL": None}))


if __name__ == "__main__":
    unittest.main()
