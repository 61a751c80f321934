"""SWISS TXT's aws-session (issue 15): `eval $(aws-session)`, unquoted, in the user's shell; the
keys are the current profile's (or default's) in ~/.aws/credentials; the MFA device is looked up
at run time (ListMFADevices, the first one) and its code asked for. sesame: `eval $(sesame export
--format export-env)`, with no mfa_serial configured anywhere.
"""

from __future__ import annotations

import shutil
import unittest

from harness import ACCOUNT, Keys, SesameTestCase, aws_cli, run_dialog, sesame_bin


class SwissTxtSeedTest(SesameTestCase):
    def write_keys(self, keys: Keys) -> None:
        self.sb.credentials.write_text(
            f"[default]\naws_access_key_id = {keys.access_key_id}\naws_secret_access_key = {keys.secret_access_key}\n"
        )
        self.sb.write_config("[default]\nregion = us-east-1\n")

    def test_unquoted_eval_with_the_mfa_device_found_at_run_time(self) -> None:
        keys = self.make_iam_user("swiss", devices=2)
        self.write_keys(keys)
        mark = self.moto.mark()
        # As the script's README shows: eval $(aws-session), the code typed at the prompt.
        script = (f'eval $({sesame_bin()} export --format export-env) && '
                  f'{aws_cli()} sts get-caller-identity --output json && echo "token=${{AWS_SESSION_TOKEN:+set}}"')
        bash = shutil.which("bash")
        assert bash
        out, tty, status = run_dialog([bash, "-c", script], self.sb.child_env(), [("MFA code", "123456")])
        self.assertEqual(status, 0, tty)
        self.assertIn('"Arn": "arn:aws:iam::123456789012:user/swiss"', out)
        self.assertIn("token=set", out)
        gst = self.moto.minting_calls(mark)
        self.assertEqual([c["action"] for c in gst], ["GetSessionToken"])
        self.assertEqual(gst[0]["params"].get("SerialNumber"), f"arn:aws:iam::{ACCOUNT}:mfa/swiss-0")
        self.assertEqual(gst[0]["params"].get("TokenCode"), "123456")
        self.assertIn("names no mfa_serial", tty)
        self.assertIn("the first of 2", tty)

        # The session is cached: the next eval asks nothing and makes no call.
        again = self.sb.run(["export", "--format", "export-env"])
        self.assertOk(again)
        self.assertEqual(self.moto.minting_calls(mark), gst)

    def test_a_user_without_a_device_gets_a_session_without_mfa(self) -> None:
        keys = self.make_iam_user("plain", devices=0)
        self.write_keys(keys)
        mark = self.moto.mark()
        proc = self.sb.run(["export", "--format", "export-env"])
        self.assertOk(proc)
        gst = self.moto.minting_calls(mark)
        self.assertEqual([c["action"] for c in gst], ["GetSessionToken"])
        self.assertNotIn("SerialNumber", gst[0]["params"])
        self.assertNotIn("mfa_serial", proc.stderr)


if __name__ == "__main__":
    unittest.main()
