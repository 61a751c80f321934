"""A config of 10,000 profiles (aws-sso-util's size) is indexed in $XDG_CACHE_HOME/sesame once it
has been unchanged for two seconds, read in parts while it stays unchanged, and parsed again as soon
as it changes, in place or not."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import time
import unittest
from pathlib import Path

from harness import ADMIN_ROLE_ARN, SesameTestCase, aws_cli, section, sesame_bin

DUMP_ENV = "import json, os; print(json.dumps(dict(os.environ)))"


def generated_profiles(n: int = 10_000) -> str:
    return "".join(
        f"[profile acct{i}-AdministratorAccess]\nsso_session = corp\nsso_account_id = {100000000000 + i:012d}\n"
        "sso_role_name = AdministratorAccess\nregion = us-east-1\noutput = json\n\n"
        for i in range(n)
    ) + "[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n"


class BigConfigTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.index_dir = Path(self.sb.env["XDG_CACHE_HOME"]) / "sesame"

    def indexes(self) -> list[Path]:
        return sorted(self.index_dir.glob("config-*.index")) if self.index_dir.exists() else []

    def region_and_reading(self, profile: str) -> tuple[str, bool]:
        """AWS_REGION in `sesame exec PROFILE`'s child, and whether sesame read the config in parts."""
        proc = self.sb.run(["--debug", "exec", profile, "--", sys.executable, "-c", DUMP_ENV])
        self.assertOk(proc)
        return json.loads(proc.stdout)["AWS_REGION"], "in parts" in proc.stderr

    def rewrite_in_place(self, text: str) -> None:
        with open(self.sb.config, "r+", encoding="utf-8") as f:  # same inode, as `aws configure set` does
            f.truncate(0)
            f.write(text)

    def test_index_follows_the_config(self) -> None:
        admin = section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN, region="eu-west-1")
        text = generated_profiles() + section("alice") + admin
        self.sb.write_config(text)
        written = time.time()
        self.add_alice()

        # Just written: parsed in full, and not indexed (its times may not tell the next version apart).
        self.assertEqual(self.region_and_reading("admin"), ("eu-west-1", False))
        self.assertEqual(self.indexes(), [])

        time.sleep(max(0.0, written + 2.2 - time.time()))
        self.assertEqual(self.region_and_reading("admin"), ("eu-west-1", False))  # parses, saves the index
        [index] = self.indexes()
        self.assertEqual(oct(index.stat().st_mode & 0o777), "0o600")
        self.assertEqual(oct(self.index_dir.stat().st_mode & 0o777), "0o700")
        self.assertEqual(self.region_and_reading("admin"), ("eu-west-1", True))
        # The real client through the indexed config: the role, assumed with the cached session.
        proc = self.sb.run(["exec", "admin", "--", aws_cli(), "sts", "get-caller-identity", "--output", "json"])
        self.assertOk(proc)
        self.assertIn("assumed-role/admin", json.loads(proc.stdout)["Arn"])
        names = self.sb.run(["list", "--names"])
        self.assertOk(names)
        self.assertEqual(len(names.stdout.split()), 10_002)

        # Edited in place, same size: the index no longer applies, the new value is seen at once.
        edited = text.replace("region = eu-west-1", "region = eu-west-2")
        self.assertEqual(len(edited), len(text))
        self.rewrite_in_place(edited)
        self.assertEqual(self.region_and_reading("admin"), ("eu-west-2", False))

        # An edit botocore would refuse is refused, index or not.
        time.sleep(2.2)
        self.assertEqual(self.region_and_reading("admin"), ("eu-west-2", False))  # indexes the edit
        self.assertEqual(self.region_and_reading("admin"), ("eu-west-2", True))
        self.rewrite_in_place(edited + "[profile acct7-AdministratorAccess]\nregion = twice\n")
        self.assertFails(self.sb.run(["export", "admin", "--format", "json"]),
                         "duplicate section [profile acct7-AdministratorAccess]")

    def test_many_processes_at_once_index_it_once(self) -> None:
        text = generated_profiles() + section("alice") + section(
            "admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN, region="eu-west-1")
        self.sb.write_config(text)
        written = time.time()
        self.add_alice()
        first = self.sb.run(["export", "admin", "--format", "json"])  # caches the session
        self.assertOk(first)
        time.sleep(max(0.0, written + 2.2 - time.time()))
        # 20 cold processes parse the settled config at once; one saves the index.
        procs = [subprocess.Popen([sesame_bin(), "export", "admin", "--format", "json"], env=self.sb.child_env(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
                 for _ in range(20)]
        outputs = [p.communicate(timeout=60) for p in procs]
        for p, (out, err) in zip(procs, outputs):
            self.assertEqual(p.returncode, 0, err)
            self.assertEqual(json.loads(out)["AccessKeyId"], json.loads(first.stdout)["AccessKeyId"])
        self.assertEqual(len(self.indexes()), 1)
        self.assertEqual(self.region_and_reading("admin"), ("eu-west-1", True))

    def test_damaged_index_is_ignored(self) -> None:
        text = generated_profiles(2_000) + section("alice") + section(
            "admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN, region="eu-west-1")
        self.sb.write_config(text)
        written = time.time()
        self.add_alice()
        time.sleep(max(0.0, written + 2.2 - time.time()))
        self.assertEqual(self.region_and_reading("admin"), ("eu-west-1", False))
        [index] = self.indexes()
        good = index.read_bytes()
        # Cut short; zeroed; a hash table whose slots name no section (the rest intact: sesame reads
        # it in parts, finds the damage and reads the whole config instead).
        fields = struct.unpack_from("<8sII5Q6Q", good)
        path_size, slots = fields[8], fields[11]
        table_at = struct.calcsize("<8sII5Q6Q") + path_size
        bad_table = good[:table_at] + b"\xff" * (slots * 8) + good[table_at + slots * 8:]
        for damaged in (good[: len(good) // 2], b"\0" * len(good), bad_table):
            index.write_bytes(damaged)
            self.assertEqual(self.region_and_reading("admin")[0], "eu-west-1")


if __name__ == "__main__":
    unittest.main()
