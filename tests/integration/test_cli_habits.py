"""The command line as switchers from aws-vault type it: --debug after the command, flag errors
that suggest the flag, aws-vault's flags honoured or refused by name, `list` that says which role
a session is for, `remove`/`clear` that tell the truth, and completions (bash, zsh, fish) that
complete a command after `--` and an option's value from its own list."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import unittest

from harness import ADMIN_ROLE_ARN, MFA_SERIAL, SesameTestCase, section, sesame_bin
from test_shell import Terminal

FORMATS = ["env", "export-env", "json", "ini", "fish", "powershell"]


class FlagHabitsTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sb.write_config(section("alice") + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN))

    def test_debug_after_the_command(self) -> None:
        self.add_alice()
        before = self.sb.run(["--debug", "exec", "alice", "--", "true"])
        self.assertOk(before)
        self.assertIn("debug: exec true", before.stderr)
        after = self.sb.run(["exec", "alice", "--debug", "--", "true"])
        self.assertOk(after)
        self.assertIn("debug: exec true", after.stderr)
        self.assertOk(self.sb.run(["list", "--debug"]))
        # After "--" it is the command's own argument.
        proc = self.sb.run(["exec", "alice", "--", sys.executable, "-c", "import sys; print(sys.argv[1:])", "--debug"])
        self.assertOk(proc)
        self.assertEqual(proc.stdout.strip(), "['--debug']")

    def test_flag_errors_suggest_the_flag_and_the_commands_help(self) -> None:
        err = self.assertFails(self.sb.run(["exec", "alice", "--no-sesion", "--", "true"]), "--no-sesion")
        self.assertIn("did you mean --no-session?", err)
        self.assertIn("sesame exec --help", err)
        err = self.assertFails(self.sb.run(["exec", "alice", "aws", "s3", "ls", "--recursive"]), "--recursive")
        self.assertIn("put -- before the command: sesame exec alice -- aws s3 ls --recursive", err)
        self.assertEqual(self.sb.run(["exec", "alice", "--bogus"]).returncode, 2)

    def test_exec_server_is_ec2_server_and_json_is_credential_process(self) -> None:
        self.add_alice()
        env = self.exec_env(["alice", "-s"])
        self.assertIn("AWS_EC2_METADATA_SERVICE_ENDPOINT", env)
        self.assertNotIn("AWS_ACCESS_KEY_ID", env)
        proc = self.sb.run(["exec", "alice", "--json"])
        self.assertOk(proc)
        data = json.loads(proc.stdout)
        self.assertEqual(data["Version"], 1)
        self.assertEqual(sorted(data), sorted(json.loads(self.sb.run(["export", "alice", "--format", "json"]).stdout)))
        self.assertFails(self.sb.run(["exec", "alice", "-j", "--", "true"]), "--json")

    def test_global_flags_of_aws_vault(self) -> None:
        self.add_alice()
        self.assertOk(self.sb.run(["--backend", "file", "exec", "alice", "--prompt=terminal", "--", "true"]))
        for args, fragment in ((["--backend", "keychain", "list"], "must be file, secret-service, keyctl or pass"),
                               (["list", "--prompt", "pinentry"], "must be auto, terminal"),  # ykman, zenity, ...: test_prompt_drivers
                               (["exec", "alice", "--stdout", "--", "true"], "SSO")):
            proc = self.sb.run(args)
            self.assertFails(proc, fragment)
            self.assertEqual(proc.returncode, 2, proc.stderr)
        # --file-dir is SESAME_FILE_DIR: the key is in the vault it names, and only there.
        other = self.sb.root / "other-vault"
        self.assertOk(self.sb.run(["add", "alice", "--env", "--file-dir", str(other)], env_extra=self.alice.env()))
        self.assertTrue((other / "vault.sesame").exists(), list(other.iterdir()) if other.exists() else "no folder")
        self.assertEqual(self.sb.run(["list", "--credentials", f"--file-dir={other}"]).stdout, "alice\n")

    def test_help_forms_and_aliases(self) -> None:
        help_text = self.sb.run(["exec", "--help"]).stdout
        self.assertIn("sesame exec admin -- aws s3 ls", help_text)
        self.assertNotIn("Run 'sesame COMMAND --help'", help_text)
        self.assertEqual(self.sb.run(["help", "exec"]).stdout, help_text)
        self.assertEqual(self.sb.run(["exec", "--help-long"]).stdout, help_text)
        self.assertEqual(self.sb.run(["ls", "--profiles"]).stdout, "admin\nalice\n")


class ListRemoveClearTest(SesameTestCase):
    LONG = "ci-deploy-production-eu-west-1-with-a-long-name"

    def setUp(self) -> None:
        super().setUp()
        self.sb.write_config(section("alice", mfa_serial=MFA_SERIAL)
                             + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN)
                             + section(self.LONG, source_profile="alice", role_arn=ADMIN_ROLE_ARN))
        self.add_alice()
        self.assertOk(self.sb.run(["exec", "admin", "-t", "123456", "--", "true"]))

    def test_list_names_the_role_and_keeps_columns_aligned(self) -> None:
        lines = self.sb.run(["list"]).stdout.splitlines()
        self.assertTrue(lines[0].startswith("PROFILE"), lines)
        admin = next(line for line in lines if line.startswith("admin "))
        self.assertRegex(admin, r"admin@123456789012 \d+m$")
        column = lines[0].index("SESSIONS")
        for line in lines[1:]:
            self.assertNotEqual(line[column - 2:column], "", line)
            self.assertEqual(line[column - 2:column], "  ", f"SESSIONS column out of line: {lines}")
        self.assertRegex(self.sb.run(["list", "--sessions"]).stdout, r"(?m)^admin\s+admin@123456789012\s+\d+m$")
        self.assertEqual(self.sb.run(["list", "--credentials"]).stdout, "alice\n")

    def test_clear_of_an_unknown_name_names_the_closest(self) -> None:
        err = self.assertFails(self.sb.run(["clear", "alcie"]), "alcie")
        self.assertIn('did you mean "alice"?', err)
        self.assertOk(self.sb.run(["clear", "admin"]))

    def test_remove_of_a_profile_without_keys_drops_its_sessions(self) -> None:
        proc = self.sb.run(["remove", "admin", "--force"])
        self.assertOk(proc)
        self.assertIn("deleted its 1 cached session", proc.stdout)
        mark = self.moto.mark()
        self.assertOk(self.sb.run(["exec", "admin", "--", "true"]))
        self.assertEqual([c["action"] for c in self.moto.minting_calls(mark)], ["AssumeRole"])
        err = self.assertFails(self.sb.run(["rm", "admni", "-f"]), "admni")
        self.assertIn("admin", err)

    def test_remove_sessions_only_without_a_vault_says_so(self) -> None:
        self.sb.vault_dir.rename(self.sb.root / "moved")
        proc = self.sb.run(["remove", "alice", "-s"])
        self.assertOk(proc)
        self.assertEqual(proc.stdout, 'No cached sessions of profile "alice" to delete: nothing is stored yet\n')


class CompletionTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sb.write_config(section("admin") + section("alice"))

    def script(self, shell: str) -> str:
        path = self.sb.root / f"completion.{shell}"
        path.write_text(self.sb.run(["completion", shell]).stdout)
        return str(path)

    def test_bash(self) -> None:
        probe = f"__sesame_bin={sesame_bin()}\n. {self.script('bash')}\n" + r'''
p() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
      _sesame_complete; echo "${COMPREPLY[*]}"; }
echo "format:$(p sesame export admin --format '')"
echo "equals:$(p sesame export admin --format = js)"
echo "command:$(p sesame exec admin -- whoam)"
echo "duration:$(p sesame exec -d '')"
echo "shells:$(p sesame init '')"
echo "profiles:$(p sesame exec ad)"
'''
        proc = self.sb.run_cmd(["bash", "-c", probe])
        self.assertEqual(proc.returncode, 0, proc.stderr)
        out = dict(line.split(":", 1) for line in proc.stdout.splitlines())
        self.assertEqual(out["format"].split(), FORMATS)
        self.assertEqual(out["equals"], "json")
        self.assertIn("whoami", out["command"].split())
        self.assertEqual(out["duration"], "")
        self.assertEqual(out["shells"].split(), ["bash", "zsh", "fish"])
        self.assertEqual(out["profiles"], "admin")

    @unittest.skipUnless(shutil.which("fish"), "fish is not installed")
    def test_fish(self) -> None:
        def complete(line: str) -> list[str]:
            proc = self.sb.run_cmd(["fish", "-c", f"set -g __sesame_bin {sesame_bin()}; source {self.script('fish')}; "
                                                  f"complete -C '{line}'"])
            self.assertEqual(proc.returncode, 0, proc.stderr)
            return [c.split("\t")[0] for c in proc.stdout.splitlines()]
        self.assertEqual(sorted(complete("sesame export admin --format ")), sorted(FORMATS))
        self.assertIn("whoami", complete("sesame exec admin -- whoam"))
        self.assertNotIn("admin", complete("sesame exec admin -- "))
        self.assertEqual(complete("sesame exec -d "), [])
        self.assertEqual(complete("sesame exec ad"), ["admin"])

    @unittest.skipUnless(shutil.which("zsh"), "zsh is not installed")
    def test_zsh_on_a_terminal(self) -> None:
        home = self.sb.root / "home-zsh"
        home.mkdir()
        (home / ".zshrc").write_text(f"PROMPT='%# '\nautoload -Uz compinit && compinit -u\n"
                                     f"__sesame_bin={sesame_bin()}\nsource {self.script('zsh')}\n")
        env = self.sb.child_env({"HOME": str(home), "ZDOTDIR": str(home), "TERM": "xterm"})
        term = Terminal([shutil.which("zsh") or "/usr/bin/zsh", "-i"], env)
        prompt = r"[%#] [\x1b=]*$"
        try:
            for typed, offered in (("sesame export admin --format export-", "export-env"),
                                   ("sesame exec admin -- whoam", "whoami")):
                term.expect(prompt, timeout=20)
                term.settle()
                os.write(term.fd, f"{typed}\t".encode())
                term.settle(limit=5)
                self.assertIn(offered, term.seen.replace("\x07", ""), f"zsh did not complete {typed!r}")
                os.write(term.fd, b"\x03")
            term.send("exit")
            term.wait()
        finally:
            try:
                os.kill(term.pid, 9)
            except ProcessLookupError:
                pass


if __name__ == "__main__":
    unittest.main()
