"""Seed scenario from awscred's README (issue 15): a background process keeps a separate
credentials file fresh (AWS_SHARED_CREDENTIALS_FILE=~/.awscred/credentials) for tools that only
read files, every other profile of ~/.aws/credentials copied across. `sesame keep` against
signature-checking moto, with the real aws CLI reading the kept file."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import time
from pathlib import Path

from harness import ADMIN_ROLE_ARN, MFA_SERIAL, REGION, SesameTestCase, aws_cli, section, sesame_bin

ADMIN_ARN_PREFIX = "arn:aws:sts::123456789012:assumed-role/admin/"
OTHER = "[other]\r\n# a comment kept as written\r\naws_access_key_id   =  {id}\r\naws_secret_access_key={secret}\r\n"


class AwscredSeedTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sb.write_config(
            section("alice")
            + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN, duration_seconds="900")
            + section("mfa-admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN, mfa_serial=MFA_SERIAL)
        )
        self.add_alice()
        # The user's own credentials file: a profile other tools use, with CRLF and odd spacing.
        self.other = OTHER.format(id=self.alice.access_key_id, secret=self.alice.secret_access_key)
        self.sb.write_credentials("; the user's own file\n" + self.other)
        self.kept = self.sb.home / ".awscred" / "credentials"  # awscred's file
        self.addCleanup(self.stop_keeper)

    def keep(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return self.sb.run(["keep", *args, "--file", str(self.kept)], env_extra=env or None)

    def stop_keeper(self) -> None:
        self.keep("stop")

    def kept_aws(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The aws CLI reading only the kept file, as awscred's users point their tools at it."""
        return self.sb.run_cmd(
            [aws_cli(), *args, "--output", "json"],
            env_extra={"AWS_SHARED_CREDENTIALS_FILE": str(self.kept), "AWS_DEFAULT_REGION": REGION},
        )

    def kept_key(self, section_name: str) -> str:
        m = re.search(rf"\[{section_name}\]\naws_access_key_id = (\S+)", self.kept.read_text())
        assert m, self.kept.read_text()
        return m.group(1)

    def status(self) -> dict:
        proc = self.keep("status", "--json")
        self.assertOk(proc)
        return json.loads(proc.stdout)

    def test_keeps_a_file_other_tools_read(self) -> None:
        mark = self.moto.mark()
        started = self.keep("admin=admin-awscred", SESAME_KEEP_RENEW_BEFORE="895s")
        self.assertOk(started)
        self.assertIn("export AWS_SHARED_CREDENTIALS_FILE=", started.stdout)
        self.assertEqual(stat.S_IMODE(self.kept.stat().st_mode), 0o600)

        # The kept section works with the real aws CLI; the copied profile still works too.
        ident = self.kept_aws("sts", "get-caller-identity", "--profile", "admin-awscred")
        self.assertOk(ident)
        self.assertTrue(json.loads(ident.stdout)["Arn"].startswith(ADMIN_ARN_PREFIX), ident.stdout)
        other = self.kept_aws("sts", "get-caller-identity", "--profile", "other")
        self.assertOk(other)
        self.assertEqual(json.loads(other.stdout)["Arn"], "arn:aws:iam::123456789012:user/alice")
        text = self.kept.read_bytes()
        self.assertIn(self.other.encode(), text, "the other profile was not copied byte for byte")
        self.assertIn(str(self.sb.credentials).encode(), text.splitlines()[1])

        # awscred's info table: NAME ON SERIAL DURATION EXPIRES (time left).
        table = self.keep("status")
        self.assertOk(table)
        self.assertRegex(table.stdout, r"NAME\s+SECTION\s+ON\s+SERIAL\s+DURATION\s+EXPIRES")
        self.assertRegex(table.stdout, r"admin\s+admin-awscred\s+no\s+-\s+1[45]m\s+\S+Z \(1[45]m left\)\s+ok")
        state = self.status()
        pid = state["pid"]
        session_secret = re.search(r"aws_secret_access_key = (\S+)", self.kept.read_text().split("[admin-awscred]")[1])
        assert session_secret
        token = re.search(r"aws_session_token = (\S+)", self.kept.read_text()).group(1)  # type: ignore[union-attr]
        first_key = self.kept_key("admin-awscred")

        # A renewal (15-minute sessions, renewed when less than 895s remain: 10s after each).
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and self.kept_key("admin-awscred") == first_key:
            time.sleep(0.5)
        self.assertNotEqual(self.kept_key("admin-awscred"), first_key, "no renewal within 40s")
        self.assertOk(self.kept_aws("sts", "get-caller-identity", "--profile", "admin-awscred"))
        roles = [c for c in self.moto.minting_calls(mark) if c["action"] == "AssumeRole"]
        self.assertGreaterEqual(len(roles), 2)
        self.assertEqual(stat.S_IMODE(self.kept.stat().st_mode), 0o600)

        # No secret in what the keeper shows or runs with.
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        log = b"".join(p.read_bytes() for p in self.sb.vault_dir.glob("keep-*/keeper.log")).decode(errors="replace")
        for text_ in (table.stdout, json.dumps(state), cmdline, log):
            self.assertNoSecrets(text_, session_secret.group(1), token, self.sb.env["SESAME_FILE_PASSPHRASE"])

        # Stop ends it; the file stays; status then says none runs.
        self.assertOk(self.keep("stop"))
        # Its lock is free once stop returns; the process itself ends a moment later.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.05)
        self.assertFalse(_alive(pid), "the keeper still runs")
        self.assertFails(self.keep("status"), "no keeper is running")

    def test_one_keeper_per_file_and_the_loop(self) -> None:
        self.assertOk(self.keep("admin=admin-awscred"))
        self.assertFails(self.keep("admin=admin-awscred"), "a keeper already keeps")
        self.assertOk(self.keep("stop"))
        # With AWS_SHARED_CREDENTIALS_FILE pointing at the kept file (as users export it), sesame
        # reads the source the file names: [other] is copied once and stays the user's.
        again = self.keep("admin=admin-awscred", AWS_SHARED_CREDENTIALS_FILE=str(self.kept))
        self.assertOk(again)
        text = self.kept.read_text()
        self.assertEqual(text.count("[other]"), 1, text)
        self.assertEqual(text.count("[admin-awscred]"), 1, text)
        self.assertEqual(self.status()["source"], str(self.sb.credentials))
        # kill -9: the kernel frees its lock, so status tells the truth and a new keeper starts.
        os.kill(self.status()["pid"], 9)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and self.keep("status").returncode == 0:
            time.sleep(0.05)
        self.assertFails(self.keep("status"), "no keeper is running")
        self.assertOk(self.keep("admin=admin-awscred"))
        self.assertEqual(self.kept.read_text().count("[admin-awscred]"), 1)

    def test_refusals(self) -> None:
        # Never the user's own credentials file, never through a planted symlink.
        before = self.sb.credentials.read_bytes()
        self.assertFails(self.sb.run(["keep", "admin", "--file", str(self.sb.credentials)]), "credentials file")
        self.assertEqual(self.sb.credentials.read_bytes(), before)
        self.kept.parent.mkdir(parents=True)
        target = self.sb.root / "elsewhere"
        target.write_text("precious\n")
        self.kept.symlink_to(target)
        err = self.assertFails(self.keep("admin"), "symbolic link")
        # [admin] would be shadowed by [profile admin]'s role_arn: said, with the way out.
        self.assertIn("[admin] is also [profile admin]", err)
        self.assertIn("sesame keep admin=admin-keep", err)
        self.assertEqual(target.read_text(), "precious\n")
        self.kept.unlink()
        self.kept.write_text("[mine]\nx = 1\n")
        self.assertFails(self.keep("admin"), "not written by sesame keep")
        self.assertFails(self.keep("admin=[bad]"), "section")
        self.assertFails(self.keep("code", "123456"), "no keeper is running")

    def test_mfa_code_is_waited_for_without_a_terminal(self) -> None:
        proc = subprocess.Popen(
            [sesame_bin(), "keep", "mfa-admin=mfa", "--file", str(self.kept)],
            env=self.sb.child_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 20
            waiting = False
            while time.monotonic() < deadline and not waiting:
                st = self.sb.run(["keep", "status", "--json", "--file", str(self.kept)])
                waiting = st.returncode == 0 and "waiting for an MFA code" in st.stdout
                time.sleep(0.2)
            self.assertTrue(waiting, "status never showed the keeper waiting for a code")
            self.assertIsNone(proc.poll(), "the keeper gave up instead of waiting")
            self.assertFails(self.keep("code", "12ab56"), "6 digits")
            self.assertOk(self.keep("code", "123456"))
            out, err = proc.communicate(timeout=30)
            self.assertEqual(proc.returncode, 0, err)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        calls = self.moto.sts_calls(action="GetSessionToken")
        self.assertEqual(calls[-1]["params"].get("TokenCode"), "123456")
        row = self.status()["profiles"][0]
        self.assertEqual((row["on"], row["serial"], row["state"]), (True, MFA_SERIAL, "ok"))
        self.assertOk(self.kept_aws("sts", "get-caller-identity", "--profile", "mfa"))

    def test_unit_and_export_section(self) -> None:
        unit = self.sb.run(["keep", "unit", "admin=admin-awscred", "--file", str(self.kept)])
        self.assertOk(unit)
        self.assertIn(f'ExecStart="{sesame_bin()}" "keep" "--foreground" "--file" "{self.kept}" "admin=admin-awscred"',
                      unit.stdout.replace(os.path.realpath(sesame_bin()), sesame_bin()))
        self.assertNotIn(self.sb.env["SESAME_FILE_PASSPHRASE"], unit.stdout)
        # export --format ini --section: a role profile under a section that does not collide.
        exp = self.sb.run(["export", "admin", "--format", "ini", "--section", "admin-awscred"])
        self.assertOk(exp)
        self.assertTrue(exp.stdout.startswith("[admin-awscred]\n"), exp.stdout)
        self.assertFails(self.sb.run(["export", "admin", "--section", "x"]), "--format ini")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except (ProcessLookupError, FileNotFoundError):
        return False
