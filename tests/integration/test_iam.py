"""IAM helpers against signature-checking moto: MFA device discovery on `sesame add` (one device,
several, none) with the config edited byte for byte; `mfa-devices`; `mfa-setup` on a real terminal
with codes computed from the secret it shows (a wrong pair refused first); organization accounts
and `exec --account` acting as OrganizationAccountAccessRole there."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import signal
import struct
import time
import unittest

from harness import ACCOUNT, REGION, Keys, SesameTestCase, section, sesame_bin
from test_shell import Terminal

CONFIG_WITH_COMMENTS = """# my settings, keep them
[default]
region = eu-west-1   ; not a comment for botocore

[profile USER]
# the user's own profile
region = us-east-1
output = json

[profile other]
role_arn = arn:aws:iam::123456789012:role/admin
source_profile = USER
"""


def totp(secret_b32: str, at: float) -> str:
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


class IamTest(SesameTestCase):
    def iam(self):
        return self.moto.client("iam", keys=self.alice)

    def config_text(self, user: str) -> str:
        return CONFIG_WITH_COMMENTS.replace("USER", user)

    def test_add_discovers_a_single_device_and_edits_only_that_line(self) -> None:
        keys = self.make_iam_user("carol", devices=1)
        before = self.config_text("carol")
        self.sb.write_config(before)
        proc = self.sb.add("carol", keys)
        self.assertOk(proc)
        serial = f"arn:aws:iam::{ACCOUNT}:mfa/carol-0"
        self.assertIn(f"Set mfa_serial = {serial}", proc.stdout)
        after = self.sb.config.read_text()
        expected = before.replace("output = json\n", f"output = json\nmfa_serial = {serial}\n")
        self.assertEqual(after, expected, "the config changed beyond the one new line")
        # Adding again does not touch a profile that has its mfa_serial.
        self.assertOk(self.sb.add("carol", keys))
        self.assertEqual(self.sb.config.read_text(), expected)

    def test_add_with_several_devices_lists_them_without_a_terminal(self) -> None:
        keys = self.make_iam_user("dave", devices=2)
        before = self.config_text("dave")
        self.sb.write_config(before)
        proc = self.sb.add("dave", keys)
        self.assertOk(proc)
        self.assertIn("Several MFA devices", proc.stdout)
        self.assertIn(f"arn:aws:iam::{ACCOUNT}:mfa/dave-0", proc.stdout)
        self.assertIn(f"arn:aws:iam::{ACCOUNT}:mfa/dave-1", proc.stdout)
        self.assertEqual(self.sb.config.read_text(), before)

    def test_add_with_no_device_changes_nothing(self) -> None:
        before = self.config_text("alice")
        self.sb.write_config(before)
        proc = self.sb.add("alice", self.alice)
        self.assertOk(proc)
        self.assertIn("No MFA device", proc.stdout)
        self.assertEqual(self.sb.config.read_text(), before)

    def test_mfa_devices_lists_serial_type_and_date(self) -> None:
        keys = self.make_iam_user("frank", devices=1)
        self.sb.write_config(section("frank", region=REGION))
        self.assertOk(self.sb.run(["add", "frank", "--env", "--no-mfa-discovery"], env_extra=keys.env()))
        proc = self.sb.run(["mfa-devices", "frank"])
        self.assertOk(proc)
        self.assertRegex(proc.stdout, rf"arn:aws:iam::{ACCOUNT}:mfa/frank-0\s+virtual\s+\d{{4}}-\d\d-\d\dT")

    def test_mfa_setup_on_a_terminal_checks_codes_locally(self) -> None:
        keys = self.make_iam_user("erin", devices=0)
        self.sb.write_config(self.config_text("erin"))
        self.assertOk(self.sb.add("erin", keys))
        t = Terminal([sesame_bin(), "mfa-setup", "erin"], self.sb.child_env())
        secret = t.expect(r"Or enter this secret by hand: ([A-Z2-7=]+)\s*\n").group(1)  # whole line: output arrives in pieces
        self.assertIn("▀", t.raw.decode(errors="replace") + "▀▄█", "no QR code drawn")
        self.assertRegex(t.raw.decode(errors="replace"), "[▀▄█]{10}", "no QR code drawn")
        t.expect(r"Enter a code from the app: ")
        t.send("000000")
        t.expect(r"Wait for the next code and enter it: ")
        t.send("000001")
        t.expect(r"not two consecutive codes")
        now = time.time()
        t.expect(r"Enter a code from the app: ")
        t.send(totp(secret, now - 30))
        t.expect(r"Wait for the next code and enter it: ")
        t.send(totp(secret, now))
        t.expect(r"Enabled virtual MFA device")
        self.assertEqual(t.wait(), 0)
        serial = f"arn:aws:iam::{ACCOUNT}:mfa/erin"
        self.assertIn(f"mfa_serial = {serial}", self.sb.config.read_text())
        devices = self.iam().list_mfa_devices(UserName="erin")["MFADevices"]
        self.assertEqual([d["SerialNumber"] for d in devices], [serial])
        self.assertNotIn(secret, self.sb.config.read_text())
        for path in self.sb.vault_files():
            if path.is_file():
                self.assertNotIn(secret.encode(), path.read_bytes())

    def virtual_devices(self) -> list[str]:
        return [d["SerialNumber"] for d in self.iam().list_virtual_mfa_devices()["VirtualMFADevices"]]

    def setup_user(self, name: str) -> str:
        keys = self.make_iam_user(name, devices=0)
        self.sb.write_config(self.config_text(name))
        self.assertOk(self.sb.add(name, keys))
        return f"arn:aws:iam::{ACCOUNT}:mfa/{name}"

    def test_mfa_setup_without_a_terminal_refuses_before_creating_anything(self) -> None:
        serial = self.setup_user("gina")
        mark = len(self.virtual_devices())
        proc = self.sb.run(["mfa-setup", "gina"])  # no terminal to read codes from
        self.assertFails(proc, "needs a terminal", "nothing was created")
        self.assertNotIn(serial, self.virtual_devices())
        self.assertEqual(len(self.virtual_devices()), mark)

    def test_mfa_setup_stopped_at_the_code_prompt_deletes_the_device(self) -> None:
        for name, stop, status in (("hank", b"\x03", 130), ("ivan", b"\x04", 130), ("jill", "SIGTERM", 143)):
            with self.subTest(stop=stop):
                serial = self.setup_user(name)
                t = Terminal([sesame_bin(), "mfa-setup", name], self.sb.child_env())
                t.expect(r"Enter a code from the app: ")
                self.assertIn(serial, self.virtual_devices(), "the device was not created")
                t.settle()
                if stop == "SIGTERM":
                    os.kill(t.pid, signal.SIGTERM)
                else:
                    os.write(t.fd, stop)
                t.expect(rf"the unfinished device {re.escape(serial)} was deleted")
                self.assertEqual(t.wait(), status)
                self.assertNotIn(serial, self.virtual_devices(), "the device was left in IAM")
                self.assertNotIn("mfa_serial", self.sb.config.read_text())

    def test_a_leftover_device_gets_a_hint_that_works(self) -> None:
        serial = self.setup_user("kate")
        self.iam().create_virtual_mfa_device(VirtualMFADeviceName="kate")  # left by a kill -9
        t = Terminal([sesame_bin(), "mfa-setup", "kate"], self.sb.child_env())
        t.expect(r"EntityAlreadyExists")
        command = t.expect(r"aws iam delete-virtual-mfa-device --serial-number (\S+?)[ \n]")
        self.assertEqual(t.wait(), 1)
        self.assertEqual(command.group(1), serial)
        self.assertNotIn("choose another name", t.raw.decode(errors="replace"))
        # The command the hint gives, run as the user would, clears the way.
        aws = self.sb.run_cmd(["aws", "iam", "delete-virtual-mfa-device", "--serial-number", command.group(1)],
                              env_extra={**self.alice.env(), "AWS_DEFAULT_REGION": REGION})
        self.assertEqual(aws.returncode, 0, aws.stderr)
        t = Terminal([sesame_bin(), "mfa-setup", "kate"], self.sb.child_env())
        t.expect(r"Enter a code from the app: ")
        self.assertIn(serial, self.virtual_devices())
        os.write(t.fd, b"\x03")
        self.assertEqual(t.wait(), 130)


class OrganizationTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.dev_id = self.org_account("dev")
        self.sb.write_config(section("alice", region=REGION))
        self.add_alice()

    def test_accounts_are_listed(self) -> None:
        proc = self.sb.run(["accounts", "alice"])
        self.assertOk(proc)
        self.assertRegex(proc.stdout, rf"{self.dev_id}\s+dev\s+ACTIVE")

    def test_exec_into_an_account_by_name(self) -> None:
        proc = self.sb.run(["exec", "alice", "--account", "dev", "--", "aws", "sts", "get-caller-identity",
                            "--query", "Arn", "--output", "text"])
        self.assertOk(proc)
        self.assertIn(f"arn:aws:sts::{self.dev_id}:assumed-role/OrganizationAccountAccessRole/", proc.stdout)

    def test_account_picker_on_a_terminal(self) -> None:
        t = Terminal([sesame_bin(), "export", "alice", "--format", "json", "--account"], self.sb.child_env())
        t.expect(r"Account \(number, or text to filter\): ")
        t.send("de")  # filter
        t.expect(rf"1\. {self.dev_id}  dev")
        t.expect(r"Account \[de\] \(number, or text to filter\): ")
        t.send("1")
        doc = t.expect(r'(?s)(\{\s*"Version": 1.*?\})').group(1)
        self.assertEqual(t.wait(), 0)
        creds = json.loads(doc)
        sts = self.moto.client("sts", keys=Keys(creds["AccessKeyId"], creds["SecretAccessKey"]),
                               token=creds["SessionToken"])
        self.assertIn(f":{self.dev_id}:assumed-role/OrganizationAccountAccessRole/", sts.get_caller_identity()["Arn"])

    def test_unknown_account_name_is_refused_with_a_suggestion(self) -> None:
        proc = self.sb.run(["exec", "alice", "--account", "dve", "--", "true"])
        self.assertFails(proc, 'no account named "dve"', 'did you mean "dev"')


if __name__ == "__main__":
    unittest.main()
