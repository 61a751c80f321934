"""A vault folder sesame cannot write (a read-only $HOME, a read-only mount): the error names the
folder and says what to do -- make it writable, or point SESAME_FILE_DIR at a writable folder --
and following that advice works. The read-only part is a real read-only bind mount in a private
mount namespace (`unshare --mount`), which binds root too."""

from __future__ import annotations

import subprocess
import unittest

from harness import SesameTestCase, section, sesame_bin

READ_ONLY = 'mount --bind -o ro "$0" "$0" && exec "$@"'


def can_mount_read_only() -> bool:
    probe = subprocess.run(["unshare", "--mount", "sh", "-c", READ_ONLY, "/tmp", "true"], capture_output=True)
    return probe.returncode == 0


@unittest.skipUnless(can_mount_read_only(), "needs unshare --mount and bind mounts (root)")
class UnwritableTest(SesameTestCase):
    def run_read_only(self, folder, args: list[str], env_extra: dict | None = None):
        """Runs sesame ARGS with `folder` mounted read-only for it alone."""
        return self.sb.run_cmd(["unshare", "--mount", "sh", "-c", READ_ONLY, str(folder), sesame_bin(), *args],
                               env_extra=env_extra)

    def test_read_only_home_names_the_folder_and_the_way_out(self) -> None:
        self.sb.write_config(section("alice"))
        default_vault = self.sb.home / ".local" / "share" / "sesame"
        env = {"SESAME_FILE_DIR": None, "XDG_DATA_HOME": None, **self.alice.env()}
        proc = self.run_read_only(self.sb.home, ["add", "alice", "--env", "--no-mfa-discovery"], env)
        self.assertFails(proc, str(default_vault), "not writable", "SESAME_FILE_DIR")
        self.assertFalse(default_vault.exists())

        # The advice works: a writable folder elsewhere, HOME still read-only.
        elsewhere = self.sb.root / "writable"
        env["SESAME_FILE_DIR"] = str(elsewhere)
        self.assertOk(self.run_read_only(self.sb.home, ["add", "alice", "--env", "--no-mfa-discovery"], env))
        self.assertTrue((elsewhere / "vault.sesame").is_file())

    def test_read_only_vault_folder_refuses_changes_naming_it(self) -> None:
        self.sb.write_config(section("alice"))
        self.add_alice()
        before = self.sb.vault_snapshot()
        proc = self.run_read_only(self.sb.vault_dir, ["remove", "alice", "--force"])
        self.assertFails(proc, str(self.sb.vault_dir), "not writable", "SESAME_FILE_DIR")
        self.assertVaultUnchanged(before)
        # A session cannot be cached (nor its single-flight lock taken): refused the same way.
        proc = self.run_read_only(self.sb.vault_dir, ["exec", "alice", "--", "true"])
        self.assertFails(proc, str(self.sb.vault_dir), "not writable", "SESAME_FILE_DIR")
        self.assertVaultUnchanged(before)


if __name__ == "__main__":
    unittest.main()
