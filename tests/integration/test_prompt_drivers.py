"""Prompt drivers (--prompt, SESAME_PROMPT, AWS_VAULT_PROMPT, a profile's mfa_process): the real
binary with no controlling terminal (the sandbox starts it in a new session), as an IDE running
credential_process or a desktop launcher would.

- zenity is the real one, on a real X server (Xvfb on a free display), and xdotool types into
  its window as a person would. Skipped, with the reason, when Xvfb, zenity or xdotool is missing
  (Debian: apt-get install xvfb zenity xdotool).
- ykman and kdialog are stand-ins on PATH: there is no YubiKey here, and kdialog pulls in KDE.
  The ykman stand-in prints what ykman 5 prints for `oath accounts code --single NAME` (the code,
  then a newline) and fails as ykman does for an account it lacks; the kdialog one prints what
  kdialog prints for `--inputbox` and `--password` (the text typed, then a newline). Each checks
  the command line it was given.

Every test checks what reached STS in moto's own call log (the code as TokenCode), never
sesame's output.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import unittest
from pathlib import Path

from harness import ALICE_ARN, MFA_SERIAL, PASSPHRASE, SesameTestCase, aws_cli, section, sesame_bin

GUI_TOOLS = ("Xvfb", "zenity", "xdotool")


def missing_gui_tools() -> list[str]:
    return [tool for tool in GUI_TOOLS if shutil.which(tool) is None]


class Xvfb:
    """An X server on a display it picks itself (-displayfd), for one test class."""

    def __init__(self) -> None:
        read_fd, write_fd = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-nolisten", "tcp", "-screen", "0", "1024x768x24"],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        os.close(write_fd)
        number = b""
        deadline = time.monotonic() + 20
        while not number.endswith(b"\n") and time.monotonic() < deadline:
            chunk = os.read(read_fd, 16)
            if not chunk:
                break
            number += chunk
        os.close(read_fd)
        if not number.strip().isdigit():
            self.stop()
            raise RuntimeError("Xvfb did not start (it wrote no display number)")
        self.display = f":{number.strip().decode()}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def write_script(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


class PromptDriverTestCase(SesameTestCase):
    """alice's keys in the vault; her profile takes an MFA code (GetSessionToken)."""

    def setUp(self) -> None:
        super().setUp()
        self.sb.write_config(section("alice", mfa_serial=MFA_SERIAL))
        self.add_alice()
        self.bin = self.sb.root / "stand-ins"
        self.bin.mkdir()
        self.sb.env["PATH"] = f"{self.bin}{os.pathsep}{self.sb.env['PATH']}"
        # Without a display or a terminal unless a test gives one.
        for name in ("DISPLAY", "WAYLAND_DISPLAY", "SESAME_PROMPT", "AWS_VAULT_PROMPT"):
            self.sb.env.pop(name, None)

    def exec_args(self, *flags: str) -> list[str]:
        return ["exec", "alice", *flags, "--", aws_cli(), "sts", "get-caller-identity", "--output", "text",
                "--query", "Arn"]

    def assertCodeReachedSts(self, mark: int, code: str) -> None:
        calls = self.moto.sts_calls(mark, "GetSessionToken")
        self.assertEqual(len(calls), 1, calls)
        self.assertEqual(calls[0]["params"].get("SerialNumber"), MFA_SERIAL)
        self.assertEqual(calls[0]["params"].get("TokenCode"), code)
        self.assertEqual(calls[0]["status"], 200)

    def assertNoSessionAsked(self, mark: int) -> None:
        self.assertEqual(self.moto.sts_calls(mark, "GetSessionToken"), [])


@unittest.skipIf(missing_gui_tools(), f"needs {', '.join(missing_gui_tools())} (apt-get install xvfb zenity xdotool)")
class ZenityTest(PromptDriverTestCase):
    """The real zenity on Xvfb; xdotool types into its window."""

    xvfb: Xvfb

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        try:
            cls.xvfb = Xvfb()
        except BaseException:
            super().tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        cls.xvfb.stop()
        super().tearDownClass()

    def start(self, args: list[str], env_extra: dict[str, str | None]) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sesame_bin(), *args],
            env=self.sb.child_env({"DISPLAY": self.xvfb.display, **env_extra}),
            cwd=self.sb.root,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.addCleanup(self.kill, proc)
        return proc

    @staticmethod
    def kill(proc: subprocess.Popen[str]) -> None:
        """Ends sesame and the zenity it started (its own process group), which holds its pipes."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()

    def xdotool(self, *args: str) -> str:
        out = subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": self.xvfb.display},
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.returncode, 0, f"xdotool {' '.join(args)}: {out.stderr}")
        return out.stdout

    def answer_dialog(self, proc: subprocess.Popen[str], keys: list[tuple[str, str]], after: str = "") -> str:
        """Waits for a dialog titled "sesame" (shown by another process than `after`: X reuses
        a closed window's id), focuses it and sends `keys`: ("type", TEXT) or ("key", NAME).
        Returns the pid of the zenity that showed it."""
        deadline = time.monotonic() + 30
        window = ""
        while not window:
            if proc.poll() is not None or time.monotonic() > deadline:
                self.kill(proc)
                out, err = proc.communicate(timeout=10)
                self.fail(f"no zenity window appeared (exit {proc.returncode})\n--- stderr\n{err}")
            found = subprocess.run(["xdotool", "search", "--name", "^sesame$"], capture_output=True, text=True,
                                   env={**os.environ, "DISPLAY": self.xvfb.display}, timeout=30).stdout.split()
            window = next((w for w in found if self.window_pid(w) not in ("", after)), "")
            if not window:
                time.sleep(0.1)
        pid = self.window_pid(window)
        self.xdotool("windowfocus", "--sync", window)
        for kind, text in keys:
            if kind == "type":
                self.xdotool("type", "--delay", "20", text)
            else:
                self.xdotool("key", text)
        return pid

    def window_pid(self, window: str) -> str:
        """The pid of the client that owns `window` (_NET_WM_PID), or "" when it is gone."""
        out = subprocess.run(["xdotool", "getwindowpid", window], capture_output=True, text=True,
                             env={**os.environ, "DISPLAY": self.xvfb.display}, timeout=30)
        return out.stdout.strip() if out.returncode == 0 else ""

    def finish(self, proc: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
        out, err = proc.communicate(timeout=60)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    def test_without_a_terminal_auto_asks_for_the_code_in_a_zenity_dialog(self) -> None:
        mark = self.moto.mark()
        proc = self.start(self.exec_args(), {})
        self.answer_dialog(proc, [("type", "314159"), ("key", "Return")])
        done = self.finish(proc)
        self.assertOk(done)
        self.assertEqual(done.stdout.strip(), ALICE_ARN)
        self.assertCodeReachedSts(mark, "314159")
        self.assertNotIn("314159", done.stderr)

    def test_a_code_that_is_not_six_digits_is_asked_again_in_the_next_dialog(self) -> None:
        mark = self.moto.mark()
        proc = self.start(self.exec_args(), {"SESAME_PROMPT": "zenity"})
        first = self.answer_dialog(proc, [("type", "12345"), ("key", "Return")])
        self.answer_dialog(proc, [("type", "271828"), ("key", "Return")], after=first)
        self.assertOk(self.finish(proc))
        self.assertCodeReachedSts(mark, "271828")

    def test_cancel_in_the_dialog_exits_as_ctrl_d_does(self) -> None:
        mark = self.moto.mark()
        proc = self.start(["--prompt", "zenity", *self.exec_args()], {})
        self.answer_dialog(proc, [("key", "Escape")])
        done = self.finish(proc)
        self.assertEqual(done.returncode, 130, done.stderr)
        self.assertIn("cancelled", done.stderr)
        self.assertNoSessionAsked(mark)

    def test_the_vault_passphrase_is_asked_in_a_hidden_zenity_entry(self) -> None:
        mark = self.moto.mark()
        # No passphrase in the environment, and no unlocked key kept: the dialog must ask.
        proc = self.start(self.exec_args("--mfa-token", "161803"),
                          {"SESAME_FILE_PASSPHRASE": None, "SESAME_UNLOCK_TTL": "0"})
        self.answer_dialog(proc, [("type", PASSPHRASE), ("key", "Return")])
        done = self.finish(proc)
        self.assertOk(done)
        self.assertCodeReachedSts(mark, "161803")
        self.assertNotIn(PASSPHRASE, done.stderr + done.stdout)


class StandInTest(PromptDriverTestCase):
    """ykman and kdialog stand-ins, mfa_process scripts, and no way to ask at all."""

    def test_ykman_reads_the_code_of_the_account_named_after_the_device(self) -> None:
        # No YubiKey here: a stand-in that answers as ykman 5 does for an account it holds.
        write_script(self.bin / "ykman", f"""#!/bin/sh
if [ "$*" = "oath accounts code --single {MFA_SERIAL}" ]; then echo 246810; exit 0; fi
echo "Error: No matching account found." >&2; exit 1
""")
        mark = self.moto.mark()
        done = self.sb.run(["--prompt", "ykman", *self.exec_args()])
        self.assertOk(done)
        self.assertCodeReachedSts(mark, "246810")

    def test_ykman_honours_aws_vaults_variables(self) -> None:
        write_script(self.bin / "ykman", """#!/bin/sh
if [ "$*" = "--device 7654321 oath code --single aws-alice" ]; then echo 135791; exit 0; fi
echo "ykman stand-in: unexpected arguments: $*" >&2; exit 1
""")
        mark = self.moto.mark()
        done = self.sb.run(self.exec_args(), env_extra={
            "AWS_VAULT_PROMPT": "ykman", "YKMAN_OATH_CREDENTIAL_NAME": "aws-alice",
            "YKMAN_OATH_DEVICE_SERIAL": "7654321", "AWS_VAULT_YKMAN_VERSION": "3"})
        self.assertOk(done)
        self.assertCodeReachedSts(mark, "135791")

    def test_ykman_without_the_account_fails_saying_what_to_check(self) -> None:
        write_script(self.bin / "ykman", """#!/bin/sh
echo "Error: No matching account found." >&2; exit 1
""")
        mark = self.moto.mark()
        done = self.sb.run(["--prompt=ykman", *self.exec_args()])
        self.assertFails(done, "ykman exited with status 1", "ykman oath accounts list")
        self.assertIn("No matching account", done.stderr, "ykman's own message reaches the user")
        self.assertNoSessionAsked(mark)

    def test_kdialog_asks_for_the_code_and_the_passphrase(self) -> None:
        # A stand-in: kdialog pulls in KDE. It answers as a person typing into the real one would.
        log = self.sb.root / "kdialog.log"
        write_script(self.bin / "kdialog", f"""#!/bin/sh
echo "$*" >> {log}
case "$3 $4" in
  "--inputbox Enter MFA code for {MFA_SERIAL}") echo 112358 ;;
  "--password Enter passphrase to unlock the sesame vault") echo "{PASSPHRASE}" ;;
  *) exit 1 ;;
esac
""")
        mark = self.moto.mark()
        done = self.sb.run(self.exec_args(), env_extra={
            "SESAME_PROMPT": "kdialog", "DISPLAY": ":99", "SESAME_FILE_PASSPHRASE": None,
            "SESAME_UNLOCK_TTL": "0"})
        self.assertOk(done)
        self.assertCodeReachedSts(mark, "112358")
        asked = log.read_text().splitlines()
        self.assertEqual([line.split()[2] for line in asked], ["--password", "--inputbox"])

    def test_mfa_process_prints_the_code_and_wins_over_the_prompt_driver(self) -> None:
        log = self.sb.root / "mfa-process.args"
        script = write_script(self.sb.root / "otp", f"""#!{sys.executable}
import sys
open({str(log)!r}, "w").write("\\n".join(sys.argv[1:]))
print("  577215  ")
""")
        self.sb.write_config(section("alice", mfa_serial=MFA_SERIAL, mfa_process=f'{script} "work account" $HOME'))
        mark = self.moto.mark()
        # zenity is named, but the profile's mfa_process wins (aws-vault's order).
        done = self.sb.run(self.exec_args(), env_extra={"SESAME_PROMPT": "zenity"})
        self.assertOk(done)
        self.assertCodeReachedSts(mark, "577215")
        # Split as credential_process is, and run without a shell: $HOME is a word.
        self.assertEqual(log.read_text().splitlines(), ["work account", "$HOME"])

    def test_mfa_process_from_default_covers_a_profile_without_one(self) -> None:
        script = write_script(self.sb.root / "otp", "#!/bin/sh\necho 141421\n")
        self.sb.write_config(section("default", mfa_process=str(script))
                             + section("alice", mfa_serial=MFA_SERIAL))
        mark = self.moto.mark()
        self.assertOk(self.sb.run(self.exec_args()))
        self.assertCodeReachedSts(mark, "141421")

    def test_a_failing_mfa_process_names_the_profile_and_sends_nothing(self) -> None:
        script = write_script(self.sb.root / "otp", "#!/bin/sh\necho 'vault sealed' >&2\nexit 2\n")
        self.sb.write_config(section("alice", mfa_serial=MFA_SERIAL, mfa_process=f"{script} SEEDSECRET"))
        mark = self.moto.mark()
        done = self.sb.run(self.exec_args())
        stderr = self.assertFails(done, 'mfa_process of profile "alice" exited with status 2')
        self.assertIn("vault sealed", stderr)
        self.assertNotIn("SEEDSECRET", stderr, "the command may hold a secret: never shown")
        self.assertNoSessionAsked(mark)
        debug = self.sb.run(["--debug", *self.exec_args()])
        self.assertNotIn("SEEDSECRET", debug.stderr, "not even with --debug")

    def test_no_terminal_and_no_display_says_how_to_give_the_code(self) -> None:
        mark = self.moto.mark()
        done = self.sb.run(self.exec_args())
        self.assertFails(done, f"an MFA code for {MFA_SERIAL} is needed", "--prompt", "mfa_process", "--mfa-token")
        self.assertNoSessionAsked(mark)

    def test_an_unknown_driver_is_refused_naming_the_flag(self) -> None:
        done = self.sb.run(["--prompt", "pinentry", *self.exec_args()])
        self.assertFails(done, '--prompt="pinentry"', "zenity")
        self.assertEqual(done.returncode, 2)
        done = self.sb.run(self.exec_args(), env_extra={"AWS_VAULT_PROMPT": "wincred"})
        self.assertFails(done, 'AWS_VAULT_PROMPT="wincred"')


if __name__ == "__main__":
    unittest.main()
