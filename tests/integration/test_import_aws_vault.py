"""`sesame import --from aws-vault` (issue 16): aws-vault users' long-term keys are copied from
aws-vault's own store into sesame's, and aws-vault's store is left exactly as it was.

aws-vault cannot be built here, so aws_vault_store.py writes its stores with an independent
implementation of the same standards (Python's `cryptography` for the JWE of 99designs/keyring's
file backend; the real `pass` and `gpg` for its pass backend); its docstring names the source
lines each format follows. The oracle for an imported key is moto: `sesame exec PROFILE -- aws sts
get-caller-identity` must come back as alice.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import unittest
from pathlib import Path

from aws_vault_store import (credentials_item, session_item, session_name, write_file_store, write_pass_store,
                             write_secret_service_collection)
from harness import ALICE_ARN, SesameTestCase, aws_cli, run_dialog, section, sesame_bin
from test_backends import SecretServiceBus, missing_keyring_tools

CALLER = [aws_cli(), "sts", "get-caller-identity", "--output", "json"]
AWS_VAULT_PASSPHRASE = "aws-vault's own passphrase"
OTHER_KEY = ("AKIAOTHEROTHEROTHER1", "other/secret/other/secret/other/secret00")


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every path under `folder` with its mode, mtime and bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        st = path.lstat()
        out[str(path.relative_to(folder))] = (st.st_mode, st.st_mtime_ns, path.read_bytes() if path.is_file() else b"")
    return out


class ImportFromAwsVaultFileStoreTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.store = self.sb.home / ".awsvault" / "keys"
        a = self.alice
        self.session = session_name("alice", "arn:aws:iam::123456789012:mfa/alice")
        write_file_store(self.store, {
            "alice": credentials_item("alice", a.access_key_id, a.secret_access_key),
            "other": credentials_item("other", *OTHER_KEY),
            self.session: session_item(self.session, "ASIASESSIONSESSION01", "sessionsecret", "sessiontoken"),
            "oidc:https://example.awsapps.com/start": credentials_item("x", "AKIAX", "y"),
        }, AWS_VAULT_PASSPHRASE)
        self.sb.write_config(section("alice"))
        self.env = {"AWS_VAULT_FILE_PASSPHRASE": AWS_VAULT_PASSPHRASE}

    def test_keys_are_imported_sessions_are_not_and_the_store_is_unchanged(self) -> None:
        before = snapshot(self.store)
        proc = self.sb.run(["import", "--from", "aws-vault"], env_extra=self.env)
        self.assertOk(proc)
        self.assertIn("imported      alice", proc.stdout)
        self.assertIn("imported      other", proc.stdout)
        self.assertIn("not imported  1 cached session and 1 SSO token", proc.stdout)
        self.assertIn(f"Copied 2 from aws-vault's file store {self.store}", proc.stdout)
        self.assertNoSecrets(proc.stdout + proc.stderr, OTHER_KEY[1], AWS_VAULT_PASSPHRASE)
        self.assertEqual(snapshot(self.store), before)

        listed = self.sb.run(["list"])
        self.assertOk(listed)
        self.assertIn("alice", listed.stdout)
        self.assertIn("other", listed.stdout)
        self.assertNotIn("ASIASESSION", listed.stdout)

        # The imported key works: moto answers as alice.
        self.assertEqual(self.caller_arn(["alice"]), ALICE_ARN)

        # Again: nothing new, each "already stored".
        again = self.sb.run(["import", "--from", "aws-vault", "--aws-vault-backend", "file"], env_extra=self.env)
        self.assertOk(again)
        self.assertIn("already stored alice", again.stdout)
        self.assertIn("Copied 0", again.stdout)
        self.assertEqual(snapshot(self.store), before)

    def test_a_dry_run_changes_nothing_anywhere(self) -> None:
        before = snapshot(self.store)
        proc = self.sb.run(["import", "--from", "aws-vault", "-n", "alice"], env_extra=self.env)
        self.assertOk(proc)
        self.assertIn("would import  alice", proc.stdout)
        self.assertNotIn("other", proc.stdout)
        self.assertIn("Would copy 1", proc.stdout)
        self.assertEqual(snapshot(self.store), before)
        self.assertEqual(self.sb.vault_files(), [])

    def test_a_wrong_passphrase_stores_nothing_and_names_the_variable(self) -> None:
        before = snapshot(self.store)
        proc = self.sb.run(["import", "--from", "aws-vault"], env_extra={"AWS_VAULT_FILE_PASSPHRASE": "nope"})
        self.assertFails(proc, "AWS_VAULT_FILE_PASSPHRASE is not the passphrase of aws-vault's file store")
        self.assertEqual(self.sb.vault_files(), [])
        self.assertEqual(snapshot(self.store), before)
        # No variable and no terminal: it says which variable to set.
        proc = self.sb.run(["import", "--from", "aws-vault"])
        self.assertFails(proc, "no terminal", "AWS_VAULT_FILE_PASSPHRASE")
        self.assertEqual(self.sb.vault_files(), [])

    def test_the_terminal_is_asked_again_after_a_wrong_passphrase(self) -> None:
        env = self.sb.child_env()
        argv = [sesame_bin(), "import", "--from", "aws-vault", "alice"]
        out, tty, status = run_dialog(argv, env, [("Passphrase of aws-vault", "wrong"),
                                                  ("Passphrase of aws-vault", AWS_VAULT_PASSPHRASE)])
        self.assertEqual(status, 0, tty)
        self.assertIn("Wrong passphrase", tty)
        self.assertIn("imported      alice", out)
        self.assertNotIn(AWS_VAULT_PASSPHRASE, tty)
        # Three wrong ones: refused, nothing stored.
        self.sb.run(["remove", "alice"])
        out, tty, status = run_dialog(argv, env, [("Passphrase of aws-vault", "a"), ("Passphrase of aws-vault", "b"),
                                                  ("Passphrase of aws-vault", "c")])
        self.assertNotEqual(status, 0, tty)
        self.assertIn("wrong passphrase", tty)
        self.assertNotIn("imported", out)

    def test_one_variable_for_both_when_sesame_has_no_passphrase_of_its_own(self) -> None:
        # aws-vault users keep AWS_VAULT_FILE_PASSPHRASE: it opens aws-vault's store and, as
        # sesame's alias, makes sesame's new vault with the same passphrase.
        proc = self.sb.run(["import", "--from", "aws-vault", "alice"],
                           env_extra={"SESAME_FILE_PASSPHRASE": None, **self.env})
        self.assertOk(proc)
        listed = self.sb.run(["list"], env_extra={"SESAME_FILE_PASSPHRASE": None, **self.env})
        self.assertOk(listed)
        self.assertIn("alice", listed.stdout)

    def test_a_different_key_in_sesames_store_is_skipped_with_the_reason(self) -> None:
        self.assertOk(self.sb.run(["add", "other", "--env"], env_extra={
            "AWS_ACCESS_KEY_ID": "AKIADIFFERENTDIFFERE", "AWS_SECRET_ACCESS_KEY": "x" * 40}))
        proc = self.sb.run(["import", "--from", "aws-vault", "other"], env_extra=self.env)
        self.assertOk(proc)
        self.assertIn("skipped       other: sesame's store holds another key for it", proc.stdout)
        self.assertIn("sesame remove other", proc.stdout)

    def test_a_profile_aws_vault_lacks(self) -> None:
        proc = self.sb.run(["import", "--from", "aws-vault", "alcie"], env_extra=self.env)
        self.assertFails(proc, "has no key for profile \"alcie\"", "did you mean \"alice\"")
        proc = self.sb.run(["import", "--from", "aws-vault", "--aws-vault-backend", "secret-service"])
        self.assertFails(proc, "Secret Service could not be reached", "keyring")

    def test_no_store_at_all(self) -> None:
        shutil.rmtree(self.store)
        proc = self.sb.run(["import", "--from", "aws-vault"])
        self.assertFails(proc, "found no aws-vault store", str(self.store))


@unittest.skipUnless(shutil.which("pass") and shutil.which("gpg"), "pass and gpg are needed")
class ImportFromAwsVaultPassStoreTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.gnupg = self.sb.root / "gnupg"
        self.gnupg.mkdir(mode=0o700)
        self.pass_dir = self.sb.root / "password-store"
        self.pass_env = {**self.sb.child_env(), "GNUPGHOME": str(self.gnupg), "PASSWORD_STORE_DIR": str(self.pass_dir)}
        subprocess.run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key", "sesame-test@example.com",
                        "default", "default", "never"], env=self.pass_env, check=True, capture_output=True)
        subprocess.run(["pass", "init", "sesame-test@example.com"], env=self.pass_env, check=True,
                       capture_output=True)
        a = self.alice
        self.session = session_name("alice")
        write_pass_store({
            "alice": credentials_item("alice", a.access_key_id, a.secret_access_key),
            self.session: session_item(self.session, "ASIASESSIONSESSION01", "s", "t"),
        }, self.pass_env, prefix="aws-vault")
        self.sb.write_config(section("alice"))
        self.env = {"GNUPGHOME": str(self.gnupg), "AWS_VAULT_PASS_PASSWORD_STORE_DIR": str(self.pass_dir),
                    "AWS_VAULT_PASS_PREFIX": "aws-vault"}

    def tearDown(self) -> None:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=self.pass_env, capture_output=True)
        super().tearDown()

    def test_keys_are_imported_from_pass_and_the_store_is_unchanged(self) -> None:
        before = snapshot(self.pass_dir)
        dry = self.sb.run(["import", "--from", "aws-vault", "--aws-vault-backend", "pass", "--dry-run"],
                          env_extra=self.env)
        self.assertOk(dry)
        self.assertIn("would import  alice", dry.stdout)
        self.assertIn("not imported  1 cached session", dry.stdout)
        self.assertEqual(self.sb.vault_files(), [])

        proc = self.sb.run(["import", "--from", "aws-vault", "--aws-vault-backend", "pass"], env_extra=self.env)
        self.assertOk(proc)
        self.assertIn("imported      alice", proc.stdout)
        self.assertIn("aws-vault's pass store", proc.stdout)
        self.assertNoSecrets(proc.stdout + proc.stderr)
        self.assertEqual(snapshot(self.pass_dir), before)
        self.assertEqual(self.caller_arn(["alice"]), ALICE_ARN)

    def test_the_backend_is_found_from_aws_vault_backend(self) -> None:
        # AWS_VAULT_BACKEND names aws-vault's store; SESAME_BACKEND (whose alias it is) keeps
        # sesame's own in its file vault.
        proc = self.sb.run(["import", "--from", "aws-vault"],
                           env_extra={**self.env, "AWS_VAULT_BACKEND": "pass", "SESAME_BACKEND": "file"})
        self.assertOk(proc)
        self.assertIn("imported      alice", proc.stdout)

    def test_a_failing_pass_stores_nothing(self) -> None:
        proc = self.sb.run(["import", "--from", "aws-vault", "--aws-vault-backend", "pass"],
                           env_extra={**self.env, "GNUPGHOME": str(self.sb.root / "empty-gnupg")})
        self.assertFails(proc, "`pass show aws-vault/alice` failed")
        self.assertEqual(self.sb.vault_files(), [])


if __name__ == "__main__":
    unittest.main()


@unittest.skipIf(missing_keyring_tools() or not os.access("/usr/bin/python3", os.X_OK),
                 missing_keyring_tools() or "no system python3 with GLib bindings")
class ImportFromSecretServiceTest(SesameTestCase):
    """aws-vault's secret-service collection on a real gnome-keyring-daemon (a private bus)."""

    def setUp(self) -> None:
        super().setUp()
        self.keyring = SecretServiceBus()
        self.addCleanup(self.keyring.close)
        self.sb.write_config(section("alice", region="us-east-1"))
        self.items = {
            "alice": credentials_item("alice", self.alice.access_key_id, self.alice.secret_access_key),
            session_name("alice"): session_item(session_name("alice"), "ASIASESSION000000000", "s" * 40, "t" * 100),
        }
        self.env = {"DBUS_SESSION_BUS_ADDRESS": self.keyring.address}

    def test_import_reads_the_awsvault_collection_and_never_its_sessions(self) -> None:
        write_secret_service_collection("awsvault", self.items, self.keyring.env)
        dry = self.sb.run(["import", "--from", "aws-vault", "--aws-vault-backend", "secret-service", "--dry-run"],
                          env_extra=self.env)
        self.assertOk(dry)
        self.assertIn("would import  alice", dry.stdout)
        self.assertEqual(self.sb.run(["list", "--credentials"]).stdout, "")
        proc = self.sb.run(["import", "--from", "aws-vault"], env_extra={**self.env, "AWS_VAULT_BACKEND": None})
        self.assertOk(proc)
        self.assertIn("imported      alice", proc.stdout)
        self.assertNoSecrets(proc.stdout + proc.stderr)
        self.assertEqual(self.sb.run(["list", "--credentials"]).stdout, "alice\n")
        out = self.sb.run(["exec", "alice", "--no-session", "--", aws_cli(), "sts", "get-caller-identity",
                           "--query", "Arn", "--output", "text"])
        self.assertOk(out)
        self.assertEqual(out.stdout.strip(), ALICE_ARN)
        # aws-vault's items are all still there.
        listed = subprocess.run(["secret-tool", "search", "--all", "profile", "alice"], env=self.keyring.env,
                                capture_output=True, text=True, timeout=10)
        self.assertIn("label = alice", listed.stdout + listed.stderr)

    def test_the_collection_name_comes_from_aws_vaults_variable(self) -> None:
        write_secret_service_collection("teamkeys", self.items, self.keyring.env)
        env = {**self.env, "AWS_VAULT_BACKEND": "secret-service", "SESAME_BACKEND": "file"}
        proc = self.sb.run(["import", "--from", "aws-vault"], env_extra=env)
        self.assertFails(proc, "has no collection awsvault", "AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME")
        proc = self.sb.run(["import", "--from", "aws-vault"],
                           env_extra={**env, "AWS_VAULT_SECRET_SERVICE_COLLECTION_NAME": "teamkeys"})
        self.assertOk(proc)
        self.assertIn("imported      alice", proc.stdout)
