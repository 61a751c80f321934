"""`sesame rotate` against signature-checking moto: a rotation end to end (with and without an MFA
session, through a source_profile chain), the refusal at IAM's two-key limit, and a failure at each
step -- made with moto's own behaviours: explicit Deny policies on iam:CreateAccessKey, iam:GetUser
(the check of the new key) and iam:DeleteAccessKey, and another process holding the vault's lock.
After every failure the vault holds a key that works and IAM holds what the message says."""

from __future__ import annotations

import fcntl
import json
import unittest
import uuid

from botocore.exceptions import ClientError

from harness import ACCOUNT, MFA_SERIAL, Keys, SesameTestCase, section


def _policy(deny: str | None) -> str:
    statements = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
    if deny:
        statements.append({"Effect": "Deny", "Action": deny, "Resource": "*"})
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


class RotateTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.user = f"rot-{uuid.uuid4().hex[:8]}"

    # --- helpers ---

    def iam(self):
        return self.moto.client("iam", keys=self.alice)

    def make_user(self, deny: str | None = None, mfa: bool = False) -> Keys:
        """A fresh IAM user with one key, profile USER in the config and that key in the vault."""
        iam = self.iam()
        iam.create_user(UserName=self.user)
        iam.put_user_policy(UserName=self.user, PolicyName="p", PolicyDocument=_policy(deny))
        key = iam.create_access_key(UserName=self.user)["AccessKey"]
        keys = Keys(key["AccessKeyId"], key["SecretAccessKey"])
        self.role_arn = f"arn:aws:iam::{ACCOUNT}:role/{self.user}-role"
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal":
                 {"AWS": [f"arn:aws:iam::{ACCOUNT}:user/{self.user}"]}}]}
        iam.create_role(RoleName=f"{self.user}-role", AssumeRolePolicyDocument=json.dumps(trust))
        iam.put_role_policy(RoleName=f"{self.user}-role", PolicyName="p", PolicyDocument=_policy(None))
        self.sb.write_config(
            section(self.user, mfa_serial=MFA_SERIAL if mfa else None)
            + section("ops", source_profile=self.user, role_arn=self.role_arn)
        )
        self.assertOk(self.sb.run(["add", self.user, "--env", "--no-mfa-discovery"], env_extra=keys.env()))
        self.old = keys
        return keys

    def iam_keys(self) -> list[str]:
        return sorted(k["AccessKeyId"] for k in self.iam().list_access_keys(UserName=self.user)["AccessKeyMetadata"])

    def stored_key(self) -> str:
        proc = self.sb.run(["export", self.user, "-n", "--format", "json"])
        self.assertOk(proc)
        return json.loads(proc.stdout)["AccessKeyId"]

    def assertStoredKeyWorks(self) -> str:
        """The stored key signs a call moto accepts as the user; returns its id."""
        proc = self.sb.run(["exec", self.user, "-n", "--", "aws", "sts", "get-caller-identity", "--output", "json"])
        self.assertOk(proc)
        self.assertEqual(json.loads(proc.stdout)["Arn"], f"arn:aws:iam::{ACCOUNT}:user/{self.user}")
        return self.stored_key()

    def sessions(self) -> dict[str, int]:
        proc = self.sb.run(["list", "--json"])
        self.assertOk(proc)
        return {e["profile"]: len(e["sessions"]) for e in json.loads(proc.stdout)}

    def assertKeyRefused(self, keys: Keys) -> None:
        with self.assertRaises(ClientError) as caught:
            self.moto.client("iam", keys=keys).get_user()
        self.assertEqual(caught.exception.response["Error"]["Code"], "InvalidClientTokenId")

    def assertNothingChanged(self, before: dict) -> None:
        self.assertEqual(self.iam_keys(), [self.old.access_key_id], "IAM does not hold just the old key")
        self.assertVaultUnchanged(before)
        self.assertEqual(self.assertStoredKeyWorks(), self.old.access_key_id)

    # --- the rotation ---

    def test_rotation_replaces_the_key_everywhere_and_forgets_old_sessions(self) -> None:
        self.make_user()
        self.assertOk(self.sb.run(["exec", "ops", "--", "true"]))  # caches GetSessionToken + AssumeRole
        self.assertEqual(self.sessions(), {self.user: 1, "ops": 1})
        proc = self.sb.run(["rotate", "ops"])  # walks source_profile to the profile holding the key
        self.assertOk(proc)
        self.assertNoSecrets(proc.stdout + proc.stderr, self.old.secret_access_key)
        new_id = self.stored_key()
        self.assertNotEqual(new_id, self.old.access_key_id)
        self.assertEqual(self.iam_keys(), [new_id])
        self.assertIn(f'Profile "{self.user}" now uses access key {new_id}', proc.stdout)
        self.assertIn(f"Deleted the old access key {self.old.access_key_id}", proc.stdout)
        self.assertEqual(self.sessions(), {self.user: 0, "ops": 0}, "sessions of the old key were kept")
        self.assertEqual(self.assertStoredKeyWorks(), new_id)
        self.assertKeyRefused(self.old)
        self.assertOk(self.sb.run(["exec", "ops", "--", "true"]))  # role chain works with the new key
        for path in self.sb.vault_files():
            if path.is_file():
                self.assertNotIn(self.old.secret_access_key.encode(), path.read_bytes())

    def test_rotation_through_an_mfa_session(self) -> None:
        self.make_user(mfa=True)
        mark = self.moto.mark()
        proc = self.sb.run(["rotate", self.user, "-t", "123456"])
        self.assertOk(proc)
        calls = self.moto.minting_calls(mark)
        self.assertEqual([c["action"] for c in calls], ["GetSessionToken"])
        self.assertEqual(calls[0]["access_key_id"], self.old.access_key_id)
        self.assertEqual(calls[0]["params"].get("SerialNumber"), MFA_SERIAL)
        self.assertEqual(calls[0]["params"].get("TokenCode"), "123456")
        caller = self.moto.sts_calls(mark, "GetCallerIdentity")[0]["access_key_id"]
        self.assertTrue(caller.startswith("ASIA"), "the IAM side was not reached through the session")
        self.assertEqual(self.iam_keys(), [self.assertStoredKeyWorks()])

    def test_a_cached_mfa_session_is_used_without_asking(self) -> None:
        self.make_user(mfa=True)
        self.assertOk(self.sb.run(["exec", self.user, "-t", "123456", "--", "true"]))
        mark = self.moto.mark()
        proc = self.sb.run(["rotate", self.user])  # no terminal and no -t: the code cannot be asked
        self.assertOk(proc)
        self.assertEqual(self.moto.minting_calls(mark), [])
        self.assertEqual(self.iam_keys(), [self.assertStoredKeyWorks()])

    def test_no_session_signs_with_the_key_itself(self) -> None:
        self.make_user(mfa=True)
        mark = self.moto.mark()
        self.assertOk(self.sb.run(["rotate", self.user, "--no-session"]))
        self.assertEqual(self.moto.minting_calls(mark), [])
        self.assertEqual(self.moto.sts_calls(mark, "GetCallerIdentity")[0]["access_key_id"], self.old.access_key_id)
        self.assertEqual(self.iam_keys(), [self.assertStoredKeyWorks()])

    # --- refusals and failures: always a working key, and the truth about IAM ---

    def test_two_keys_already_is_refused_naming_both(self) -> None:
        self.make_user()
        second = self.iam().create_access_key(UserName=self.user)["AccessKey"]["AccessKeyId"]
        before = self.sb.vault_snapshot()
        proc = self.sb.run(["rotate", self.user])
        self.assertFails(proc, "already has two access keys", self.old.access_key_id, second,
                         f"aws iam delete-access-key --user-name {self.user} --access-key-id {second}")
        self.assertEqual(self.iam_keys(), sorted([self.old.access_key_id, second]))
        self.assertVaultUnchanged(before)

    def test_a_key_deleted_in_iam_is_named_as_gone_with_what_to_do(self) -> None:
        # bob's key was deleted in IAM, not in sesame: moto answers InvalidClientTokenId.
        for mfa in (False, True):
            with self.subTest(mfa_session=mfa):
                self.sb.write_config(section("bob", mfa_serial=MFA_SERIAL if mfa else None))
                self.assertOk(self.sb.add("bob", self.moto.deleted_key))
                before = self.sb.vault_snapshot()
                proc = self.sb.run(["rotate", "bob"] + (["--mfa-token", "123456"] if mfa else []))
                stderr = self.assertFails(proc, f"AWS does not know the stored key {self.moto.deleted_key.access_key_id}",
                                          "deleted or deactivated", "InvalidClientTokenId",
                                          "sesame add bob", "sesame remove bob")
                self.assertNotIn("still the active one", stderr)
                self.assertNotIn("still active", stderr)
                self.assertVaultUnchanged(before)

    def test_create_refused_changes_nothing(self) -> None:
        self.make_user(deny="iam:CreateAccessKey")
        before = self.sb.vault_snapshot()
        proc = self.sb.run(["rotate", self.user])
        self.assertFails(proc, "could not create a new access key", "AccessDenied",
                         f"the stored key {self.old.access_key_id} is unchanged and still active")
        self.assertNothingChanged(before)

    def test_new_key_check_failing_deletes_the_new_key_again(self) -> None:
        self.make_user(deny="iam:GetUser")
        before = self.sb.vault_snapshot()
        proc = self.sb.run(["rotate", self.user])
        self.assertFails(proc, "is not accepted by AWS", "was deleted again",
                         f"the stored key {self.old.access_key_id} is unchanged and still active")
        self.assertNothingChanged(before)

    def test_vault_store_failing_deletes_the_new_key_again(self) -> None:
        self.make_user()
        before = self.sb.vault_snapshot()
        # Another process holds the vault's write lock for longer than sesame waits for it (10 s).
        with open(self.sb.vault_dir / "vault.sesame.lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            proc = self.sb.run(["rotate", self.user], timeout=60)
        self.assertFails(proc, "could not store the new key", "was deleted again",
                         f"the stored key {self.old.access_key_id} is unchanged and still active")
        self.assertNothingChanged(before)

    def test_old_key_delete_refused_leaves_the_new_key_stored(self) -> None:
        self.make_user(deny="iam:DeleteAccessKey")
        proc = self.sb.run(["rotate", self.user])
        self.assertFails(proc, "is stored and works", f"the old key {self.old.access_key_id} could not be deleted",
                         "still active in IAM",
                         f"aws iam delete-access-key --user-name {self.user} --access-key-id {self.old.access_key_id}")
        new_id = self.assertStoredKeyWorks()
        self.assertNotEqual(new_id, self.old.access_key_id)
        self.assertEqual(self.iam_keys(), sorted([self.old.access_key_id, new_id]))


if __name__ == "__main__":
    unittest.main()
