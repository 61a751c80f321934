"""The encrypted vault as the commands see it: add, list, remove, clear; permissions; nothing in
clear on disk; concurrent writers."""

from __future__ import annotations

import json
import stat
import subprocess
import unittest

from harness import (
    ADMIN_ROLE_ARN,
    MFA_SERIAL,
    Keys,
    SesameTestCase,
    section,
    sesame_bin,
)


class VaultCliTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sb.write_config(
            section("alice", mfa_serial=MFA_SERIAL)
            + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN)
        )

    def list_json(self) -> object:
        proc = self.sb.run(["list", "--json"])
        self.assertOk(proc)
        return json.loads(proc.stdout)

    def key_of(self, profile: str) -> str:
        """The access key id stored for `profile`, read back through `export --no-session`."""
        proc = self.sb.run(["export", profile, "-n", "--format", "json"])
        self.assertOk(proc)
        return json.loads(proc.stdout)["AccessKeyId"]

    # --- on disk ---

    def test_first_add_creates_a_private_vault_with_nothing_in_clear(self) -> None:
        names = ("zebra-prod", "walrus-role")
        self.sb.write_config(section(names[0]) + section(names[1], source_profile=names[0], role_arn=ADMIN_ROLE_ARN))
        self.assertFalse(self.sb.vault_dir.exists())
        self.assertOk(self.sb.add(names[0], self.alice))
        env = self.exec_env([names[1]])  # caches a role session (and maybe a user session)
        self.assertTrue(env["AWS_ACCESS_KEY_ID"].startswith("ASIA"))

        self.assertEqual(stat.S_IMODE(self.sb.vault_dir.stat().st_mode), 0o700)
        files = [p for p in self.sb.vault_files() if p.is_file()]
        self.assertTrue(files, "no vault file under SESAME_FILE_DIR")
        forbidden = {
            "profile name": names[0],
            "role profile name": names[1],
            "access key id": self.alice.access_key_id,
            "secret key": self.alice.secret_access_key,
            "session key id": env["AWS_ACCESS_KEY_ID"],
            "session secret": env["AWS_SECRET_ACCESS_KEY"],
            "session token": env["AWS_SESSION_TOKEN"],
            "expiry time": env["AWS_CREDENTIAL_EXPIRATION"],
            "expiry time (digits)": env["AWS_CREDENTIAL_EXPIRATION"].rstrip("Z").replace("T", " "),
        }
        for path in self.sb.vault_files():
            mode = stat.S_IMODE(path.lstat().st_mode)
            if path.is_dir():
                self.assertEqual(mode, 0o700, f"{path} is {oct(mode)}")
            else:
                self.assertTrue(path.is_file() and not path.is_symlink(), path)
                self.assertEqual(mode, 0o600, f"{path} is {oct(mode)}")
            data = b"" if path.is_dir() else path.read_bytes()
            relative = str(path.relative_to(self.sb.vault_dir))
            for what, value in forbidden.items():
                self.assertNotIn(value.encode(), data, f"{what} in clear in {relative}")
                self.assertNotIn(value.lower(), relative.lower(), f"{what} in the file name {relative}")

    def test_wrong_passphrase_is_refused_and_changes_nothing(self) -> None:
        self.add_alice()
        before = self.sb.vault_snapshot()
        wrong = {"SESAME_FILE_PASSPHRASE": "not the passphrase"}
        for args, env in (
            (["add", "bob", "--env"], {**wrong, **Keys("AKIABOBBOBBOBBOBBOB0", "bob-secret").env()}),
            (["list"], wrong),
            (["exec", "alice", "-n", "--", "true"], wrong),
            (["remove", "alice", "--force"], wrong),
            (["clear"], wrong),
        ):
            with self.subTest(args=args):
                self.assertFails(self.sb.run(args, env_extra=env), "passphrase")
                self.assertVaultUnchanged(before)
        self.assertEqual(self.key_of("alice"), self.alice.access_key_id)

    # --- add ---

    def test_add_writes_the_profile_section_when_missing(self) -> None:
        self.sb.write_config("")
        self.add_alice()
        self.assertRegex(self.sb.config.read_text(), r"(?m)^\[profile alice\]\s*$")
        self.assertEqual(self.key_of("alice"), self.alice.access_key_id)

    def test_add_keeps_an_existing_section(self) -> None:
        original = "# mine\n[profile alice]\nregion = eu-west-1\n"
        self.sb.write_config(original)
        self.add_alice()
        text = self.sb.config.read_text()
        self.assertEqual(text.count("[profile alice]"), 1, text)
        self.assertIn("region = eu-west-1", text)
        self.assertIn("# mine", text)

    def test_add_replaces_the_key_of_a_profile(self) -> None:
        self.add_alice()
        other = Keys("AKIAOTHEROTHEROTHER0", "other-secret-" + "o" * 27)
        self.assertOk(self.sb.add("alice", other))
        self.assertEqual(self.key_of("alice"), other.access_key_id)

    def test_add_env_without_variables_is_refused(self) -> None:
        self.add_alice()
        before = self.sb.vault_snapshot()
        self.assertFails(self.sb.run(["add", "bob", "--env"]), "AWS_ACCESS_KEY_ID")
        self.assertVaultUnchanged(before)

    def test_concurrent_adds_lose_nothing(self) -> None:
        profiles = [f"conc-{i}" for i in range(6)]
        self.sb.write_config("".join(section(p) for p in profiles))
        self.add_alice()  # the vault exists before the race
        keys = {p: Keys(f"AKIACONCURRENT{i:06d}", f"secret-{i}-" + "s" * 30) for i, p in enumerate(profiles)}
        procs = [
            subprocess.Popen(
                [sesame_bin(), "add", p, "--env"],
                env=self.sb.child_env(keys[p].env()),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,
            )
            for p in profiles
        ]
        for p, proc in zip(profiles, procs):
            _, err = proc.communicate(timeout=120)
            self.assertEqual(proc.returncode, 0, f"add {p}: {err}")
        for p in profiles:
            self.assertEqual(self.key_of(p), keys[p].access_key_id, f"{p} was lost")
        self.assertEqual(self.key_of("alice"), self.alice.access_key_id)

    def test_forty_concurrent_adds_keep_every_config_section(self) -> None:
        """Each add re-reads the config under a lock before appending its section: 40 at once
        once left 1 to 4 of the 40 sections while all 40 said "Added"."""
        self.sb.write_config("# the user's own comment\n" + section("alice"))
        self.add_alice()
        profiles = [f"p{i}" for i in range(40)]
        keys = {p: Keys(f"AKIACONFIGRACE{i:06d}", f"secret-{i}-" + "s" * 30) for i, p in enumerate(profiles)}
        procs = [
            subprocess.Popen([sesame_bin(), "add", p, "--env", "--no-mfa-discovery"], env=self.sb.child_env(keys[p].env()),
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             start_new_session=True)
            for p in profiles
        ]
        for p, proc in zip(profiles, procs):
            out, err = proc.communicate(timeout=300)
            self.assertEqual(proc.returncode, 0, f"add {p}: {err}")
            self.assertIn(f"Added [profile {p}]", out)
        text = self.sb.config.read_text()
        for p in profiles:
            self.assertEqual(text.count(f"[profile {p}]\n"), 1, f"[profile {p}] in:\n{text}")
        self.assertTrue(text.startswith("# the user's own comment\n[profile alice]"), text)
        self.assertEqual(sorted(self.sb.config.parent.iterdir()), [self.sb.config, self.sb.credentials],
                         "no temporary or lock file is left beside the config")

    def test_a_symlinked_config_and_vault_stay_links(self) -> None:
        """Dotfile managers link ~/.aws/config (and may link the vault): sesame edits the
        targets, keeps their modes, and leaves the links in place."""
        dotfiles = self.sb.root / "dotfiles"
        dotfiles.mkdir(mode=0o700)
        target = dotfiles / "aws-config"
        target.write_text(section("alice"))
        target.chmod(0o644)
        self.sb.config.unlink()
        self.sb.config.symlink_to("../../dotfiles/aws-config")  # relative, as stow makes them
        self.add_alice()
        vault = self.sb.vault_dir / "vault.sesame"
        moved = dotfiles / "vault.sesame"
        vault.rename(moved)
        vault.symlink_to(moved)

        self.assertOk(self.sb.add("bob", Keys("AKIASYMLINKSYMLINK00", "bob-secret-" + "b" * 29)))
        self.assertTrue(self.sb.config.is_symlink(), "the config link is still a link")
        self.assertIn("[profile bob]", target.read_text())
        self.assertEqual(stat.S_IMODE(target.stat().st_mode), 0o644, "the target keeps its mode")
        self.assertTrue(vault.is_symlink(), "the vault link is still a link")
        self.assertEqual(stat.S_IMODE(moved.stat().st_mode), 0o600)
        self.assertEqual(self.key_of("bob"), "AKIASYMLINKSYMLINK00")
        self.assertEqual(self.key_of("alice"), self.alice.access_key_id)

    # --- list ---

    def test_list_shows_profiles_keys_and_mfa(self) -> None:
        self.add_alice()
        proc = self.sb.run(["list"])
        self.assertOk(proc)
        self.assertIn("alice", proc.stdout)
        self.assertIn("admin", proc.stdout)
        self.assertIn(MFA_SERIAL, proc.stdout)
        self.assertNoSecrets(proc.stdout)

        data = self.list_json()
        text = json.dumps(data)
        self.assertIn("alice", text)
        self.assertIn("admin", text)
        self.assertIn(MFA_SERIAL, text)
        self.assertNotIn(self.alice.secret_access_key, text)
        alice, admin = find_entry(data, "alice"), find_entry(data, "admin")
        self.assertIsNotNone(alice, f"no entry for alice in {text}")
        self.assertIsNotNone(admin, f"no entry for admin in {text}")
        self.assertNotEqual(
            keys_flag(alice), keys_flag(admin), f"list --json does not tell which profile has keys: {text}"
        )

    def test_list_shows_cached_sessions_until_cleared(self) -> None:
        self.add_alice()
        plain, as_json = self.sb.run(["list"]).stdout, self.list_json()
        self.assertOk(self.sb.run(["exec", "alice", "-t", "123456", "--", "true"]))
        with_session = self.list_json()
        self.assertNotEqual(as_json, with_session, "list --json does not show the cached session")
        self.assertNotEqual(plain, self.sb.run(["list"]).stdout, "list does not show the cached session")
        self.assertOk(self.sb.run(["clear"]))
        self.assertEqual(self.list_json(), as_json, "clear left cached sessions behind")

    # --- remove / clear ---

    def test_remove_force_deletes_the_keys(self) -> None:
        self.add_alice()
        self.assertOk(self.sb.run(["remove", "alice", "--force"]))
        self.assertFails(self.sb.run(["exec", "alice", "-n", "--", "true"]), "alice")
        self.assertFails(self.sb.run(["remove", "alice", "--force"]), "alice")

    def test_remove_without_force_and_without_terminal_deletes_nothing(self) -> None:
        self.add_alice()
        before = self.sb.vault_snapshot()
        self.sb.run(["remove", "alice"])
        self.assertVaultUnchanged(before)
        self.assertEqual(self.key_of("alice"), self.alice.access_key_id)

    def test_remove_sessions_only_keeps_the_keys(self) -> None:
        self.sb.write_config(section("alice"))
        self.add_alice()
        self.assertOk(self.sb.run(["exec", "alice", "--", "true"]))
        self.assertOk(self.sb.run(["remove", "alice", "--sessions-only", "--force"]))
        mark = self.moto.mark()
        self.assertOk(self.sb.run(["exec", "alice", "--", "true"]))
        self.assertEqual([c["action"] for c in self.moto.minting_calls(mark)], ["GetSessionToken"])
        self.assertEqual(self.key_of("alice"), self.alice.access_key_id)

    def test_clear_one_profile_then_all(self) -> None:
        self.sb.write_config(section("alice") + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN))
        self.add_alice()
        self.assertOk(self.sb.run(["exec", "alice", "--", "true"]))
        self.assertOk(self.sb.run(["exec", "admin", "--", "true"]))

        self.assertOk(self.sb.run(["clear", "admin"]))
        mark = self.moto.mark()
        self.assertOk(self.sb.run(["exec", "alice", "--", "true"]))
        self.assertEqual(self.moto.minting_calls(mark), [], "clear admin dropped alice's session")
        self.assertOk(self.sb.run(["exec", "admin", "--", "true"]))
        self.assertEqual([c["action"] for c in self.moto.minting_calls(mark)], ["AssumeRole"])

        self.assertOk(self.sb.run(["clear"]))
        mark = self.moto.mark()
        self.assertOk(self.sb.run(["exec", "alice", "--", "true"]))
        self.assertEqual([c["action"] for c in self.moto.minting_calls(mark)], ["GetSessionToken"])
        self.assertEqual(self.key_of("alice"), self.alice.access_key_id, "clear removed long-term keys")


def find_entry(data: object, profile: str) -> dict | None:
    """The object describing `profile` in `list --json`, whether the output is a list of objects
    with a name/profile field or an object keyed by profile name (possibly under "profiles")."""
    if isinstance(data, dict) and "profiles" in data:
        return find_entry(data["profiles"], profile)
    if isinstance(data, dict):
        entry = data.get(profile)
        return entry if isinstance(entry, dict) else None
    if isinstance(data, list):
        for entry in data:
            if isinstance(entry, dict) and profile in (entry.get("name"), entry.get("profile")):
                return entry
    return None


def keys_flag(entry: dict | None) -> object:
    """Whatever the entry says about stored long-term keys (a field named like has_keys/keys/credentials)."""
    assert entry is not None
    for name, value in entry.items():
        lowered = name.lower()
        if ("key" in lowered or "credential" in lowered or "stored" in lowered) and "session" not in lowered:
            return bool(value)
    return None


if __name__ == "__main__":
    unittest.main()
