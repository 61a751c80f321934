"""Where keys live: the secret-service backend against a real gnome-keyring-daemon on a private
D-Bus session bus, the keyctl backend in this run's own session keyring (run.py joins a fresh
one), and `sesame migrate --to` between them and the file vault — interrupted with kill -9 at
every stage, the keys are in the old store, the new one or both, never neither.

Each backend does what a user does with it: add without a passphrase, exec twice (the second from
the cached session), 40 concurrent cold exports making one STS chain, remove. The unit contract
suites (SecretStoreContract, KeyHolderContract) are run here too, against the real daemon."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

from harness import ADMIN_ROLE_ARN, MFA_SERIAL, REGION, SesameTestCase, aws_cli, section, sesame_bin

N = 40
KEYRING_PASSWORD = "keyring-test-password"


class SecretServiceBus:
    """A private session bus with gnome-keyring-daemon's Secret Service on it, its login keyring
    created and unlocked with KEYRING_PASSWORD (as a desktop login does), in a throwaway HOME."""

    def __init__(self, display: str | None = None) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="sesame-keyring-"))
        runtime = self.root / "run"
        runtime.mkdir(mode=0o700)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.root),
            "XDG_RUNTIME_DIR": str(runtime),
            "XDG_DATA_HOME": str(self.root / "data"),
        }
        if display:
            # The bus starts the keyring's prompter (gcr-prompter) on this display when a locked
            # collection must be unlocked.
            self.env["DISPLAY"] = display
        # In a process group of its own, so that close() also stops what the bus started (a daemon
        # D-Bus activation launched, the keyring's prompter).
        self.bus = subprocess.Popen(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                                    stdout=subprocess.PIPE, text=True, env=self.env, start_new_session=True)
        assert self.bus.stdout is not None
        self.address = self.bus.stdout.readline().strip()
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self.address
        # Ready once the login keyring it creates is the default collection: before that, a store
        # into the default collection would open a "new keyring" prompt. On a loaded machine (the
        # sanitizer run) the daemon has been seen not to get there: it is started again then.
        for _ in range(3):
            self.keyring = self.start_keyring()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and self.keyring.poll() is None:
                if self.default_collection_ready():
                    return
                time.sleep(0.3)
            self.keyring.kill()
            self.keyring.wait()
            shutil.rmtree(self.root / "data", ignore_errors=True)
        raise RuntimeError("gnome-keyring-daemon did not come up on the test bus with its login keyring")

    def start_keyring(self) -> subprocess.Popen[bytes]:
        keyring = subprocess.Popen(["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
                                   stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   env=self.env)
        assert keyring.stdin is not None
        keyring.stdin.write(KEYRING_PASSWORD.encode())
        keyring.stdin.close()
        return keyring

    def default_collection_ready(self) -> bool:
        try:
            # Asked only once the daemon owns the name: a call to an unowned name would make the bus
            # start another gnome-keyring-daemon (D-Bus activation), one without the login keyring.
            owned = subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.DBus",
                                    "--object-path", "/org/freedesktop/DBus",
                                    "--method", "org.freedesktop.DBus.NameHasOwner", "org.freedesktop.secrets"],
                                   env=self.env, capture_output=True, text=True, timeout=10)
            if "true" not in owned.stdout:
                return False
            alias = subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.secrets",
                                    "--object-path", "/org/freedesktop/secrets",
                                    "--method", "org.freedesktop.Secret.Service.ReadAlias", "default"],
                                   env=self.env, capture_output=True, text=True, timeout=10)
        except subprocess.TimeoutExpired:
            return False
        return alias.returncode == 0 and "/collection/" in alias.stdout

    def items(self) -> str:
        """What a keyring browser shows of sesame's items (this run's daemon holds every test's):
        labels and attributes, secrets left out."""
        proc = subprocess.run(["secret-tool", "search", "--all", "application", "sesame"], env=self.env,
                              capture_output=True, text=True, timeout=10)
        return "\n".join(line for line in (proc.stdout + proc.stderr).splitlines() if not line.startswith("secret = "))

    def close(self) -> None:
        self.keyring.kill()
        self.keyring.wait()
        try:
            os.killpg(self.bus.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.bus.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def missing_keyring_tools() -> str | None:
    for tool in ("dbus-daemon", "gnome-keyring-daemon", "secret-tool"):
        if not shutil.which(tool):
            return f"{tool} is not installed (scripts/install-deps installs it)"
    return None


class BackendTestMixin:
    """What every backend must do for a user; the subclasses choose the backend."""

    backend = ""
    sb: object

    def backend_env(self) -> dict[str, str | None]:
        raise NotImplementedError

    def use_backend(self) -> None:
        self.sb.env.update({k: v for k, v in self.backend_env().items() if v is not None})
        for k, v in self.backend_env().items():
            if v is None:
                self.sb.env.pop(k, None)
        self.sb.write_config(
            section("alice", region=REGION, mfa_serial=MFA_SERIAL)
            + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN, mfa_serial=MFA_SERIAL)
        )

    def vault_file(self) -> Path:
        return self.sb.vault_dir / self.backend / "vault.sesame"

    def test_add_exec_cached_concurrent_remove(self) -> None:
        self.use_backend()
        # No passphrase anywhere: SESAME_FILE_PASSPHRASE is unset and there is no terminal.
        self.assertOk(self.sb.add("alice", self.alice))
        self.assertTrue(self.vault_file().exists(), "the backend's vault is in a folder of its own")
        self.assertNotIn(b"alice", self.vault_file().read_bytes())
        self.assertFalse((self.sb.vault_dir / "vault.sesame").exists(), "the file backend was not used")

        mark = self.moto.mark()
        arn = self.caller_arn(["admin", "--mfa-token", "123456"])
        self.assertIn(":assumed-role/", arn)
        self.assertEqual(len(self.moto.minting_calls(mark)), 2)
        self.assertEqual(self.caller_arn(["admin"]), arn)
        self.assertEqual(len(self.moto.minting_calls(mark)), 2, "the second exec was not served from the cache")

        self.assertOk(self.sb.run(["clear"]))
        self.assertOk(self.sb.run(["lock"]))  # cold: the key must come from the backend again
        mark = self.moto.mark()
        procs = [
            subprocess.Popen([sesame_bin(), "export", "admin", "--format", "json", "--mfa-token", "123456"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
                             env=self.sb.child_env(), start_new_session=True)
            for _ in range(N)
        ]
        outputs = []
        for p in procs:
            out, err = p.communicate(timeout=180)
            self.assertEqual(p.returncode, 0, err)
            outputs.append(json.loads(out))
        self.assertEqual(len({o["SessionToken"] for o in outputs}), 1, "processes got different sessions")
        self.assertEqual(len(self.moto.sts_calls(mark, "GetSessionToken")), 1)
        self.assertEqual(len(self.moto.sts_calls(mark, "AssumeRole")), 1)

        status = self.sb.run(["status"])
        self.assertOk(status)
        self.assertRegex(status.stdout, rf"Backend:\s+{self.backend}\n")
        self.assertRegex(status.stdout, rf"\* {self.backend}\s")

        self.assertOk(self.sb.run(["remove", "alice", "--force"]))
        self.assertEqual(self.sb.run(["list", "--credentials"]).stdout, "")


@unittest.skipIf(missing_keyring_tools(), missing_keyring_tools() or "")
class SecretServiceBackendTest(BackendTestMixin, SesameTestCase):
    backend = "secret-service"

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.keyring = SecretServiceBus()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.keyring.close()
        super().tearDownClass()

    def backend_env(self) -> dict[str, str | None]:
        return {"SESAME_BACKEND": self.backend, "SESAME_FILE_PASSPHRASE": None,
                "DBUS_SESSION_BUS_ADDRESS": self.keyring.address}

    def test_the_keyring_holds_one_item_that_names_no_profile(self) -> None:
        self.use_backend()
        self.assertOk(self.sb.add("alice", self.alice))
        self.assertOk(self.sb.add("secret-project-name", self.alice))
        shown = self.keyring.items()
        folder = self.sb.vault_dir / "secret-service"
        self.assertEqual(shown.count(f"label = sesame vault key ({folder})"), 1, shown)
        self.assertEqual(shown.count(f"attribute.vault = {folder}\n"), 1, shown)
        self.assertNotIn("secret-project-name", shown)
        self.assertNotIn(self.alice.access_key_id, shown)

    def test_without_a_secret_service_the_error_says_what_to_do(self) -> None:
        self.use_backend()
        self.sb.env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={self.sb.root}/no-bus"
        proc = self.sb.add("alice", self.alice)
        self.assertFails(proc, "Secret Service", "sesame status")
        status = self.sb.run(["status"], env_extra={"SESAME_BACKEND": None})
        self.assertRegex(status.stdout, r"secret-service\s+not available here: no Secret Service answers")

    def test_a_key_removed_from_the_keyring_is_a_clear_error(self) -> None:
        self.use_backend()
        self.assertOk(self.sb.add("alice", self.alice))
        self.assertOk(self.sb.run(["lock"]))
        subprocess.run(["secret-tool", "clear", "application", "sesame", "vault",
                        str(self.sb.vault_dir / "secret-service")], env=self.keyring.env, check=True, timeout=10)
        proc = self.sb.run(["list", "--credentials"])
        self.assertFails(proc, "is no longer in the Secret Service", "move")

    def test_the_contract_suites_pass_against_the_real_daemon(self) -> None:
        unit = Path(sesame_bin()).parent / "sesame_unit_tests"
        if not unit.exists():
            self.skipTest(f"{unit} is not built")
        env = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=self.keyring.address)
        proc = subprocess.run([str(unit), "--gtest_filter=*KeyHolderContract*secret_service*:*ContractTest*secret_service*"],
                              env=env, capture_output=True, text=True, timeout=300)
        self.assertEqual(proc.returncode, 0, proc.stdout[-3000:])
        self.assertNotIn("SKIPPED", proc.stdout, "the suites did not run against the daemon")
        self.assertRegex(proc.stdout, r"PASSED\s+\]\s+\d{2,} tests")


def missing_display_tools() -> str | None:
    for tool in ("Xvfb", "xdotool"):
        if not shutil.which(tool):
            return f"{tool} is not installed (scripts/install-deps installs it)"
    return missing_keyring_tools()


class VirtualDisplay:
    """Xvfb on a free display number."""

    def __init__(self) -> None:
        number = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists()
                      and not Path(f"/tmp/.X{n}-lock").exists())
        self.name = f":{number}"
        self.proc = subprocess.Popen(["Xvfb", self.name, "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while not Path(f"/tmp/.X11-unix/X{number}").exists():
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("Xvfb did not start")
            time.sleep(0.1)

    def window(self, title: str, timeout: float = 30) -> str:
        """The id of the first window whose title contains `title`, waiting for it."""
        env = dict(os.environ, DISPLAY=self.name)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = subprocess.run(["xdotool", "search", "--name", title], env=env, capture_output=True, text=True)
            if found.stdout.split():
                return found.stdout.split()[0]
            time.sleep(0.2)
        raise AssertionError(f"no window titled {title!r} appeared")

    def keys(self, window: str, *actions: list[str]) -> None:
        env = dict(os.environ, DISPLAY=self.name)
        subprocess.run(["xdotool", "windowfocus", "--sync", window], env=env, check=True, timeout=10)
        for action in actions:
            subprocess.run(["xdotool", *action], env=env, check=True, timeout=30)

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


@unittest.skipIf(missing_display_tools(), missing_display_tools() or "")
class LockedKeyringTest(SesameTestCase):
    """A locked login keyring: sesame asks nothing itself, the keyring's own unlock prompt (the
    real gcr-prompter on a virtual display) appears, and xdotool types into it as a user would."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.display = VirtualDisplay()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.display.close()
        super().tearDownClass()

    def lock_the_keyring(self) -> None:
        subprocess.run(["gdbus", "call", "--session", "--dest", "org.freedesktop.secrets", "--object-path",
                        "/org/freedesktop/secrets", "--method", "org.freedesktop.Secret.Service.Lock",
                        "['/org/freedesktop/secrets/collection/login']"],
                       env=self.keyring.env, check=True, capture_output=True, timeout=30)

    def start_exec(self) -> subprocess.Popen[str]:
        return subprocess.Popen([sesame_bin(), "exec", "alice", "--no-session", "--", "true"],
                                env=self.sb.child_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=True)

    def setUp(self) -> None:
        super().setUp()
        self.keyring = SecretServiceBus(display=self.display.name)  # each test locks it
        self.addCleanup(self.keyring.close)
        self.sb.env.update({"SESAME_BACKEND": "secret-service", "DBUS_SESSION_BUS_ADDRESS": self.keyring.address,
                            "DISPLAY": self.display.name})
        self.sb.env.pop("SESAME_FILE_PASSPHRASE")
        self.sb.write_config(section("alice", region=REGION))
        self.assertOk(self.sb.add("alice", self.alice))
        self.assertOk(self.sb.run(["lock"]))  # the next command needs the key from the keyring
        self.lock_the_keyring()

    def test_the_keyrings_own_prompt_unlocks_it(self) -> None:
        proc = self.start_exec()
        window = self.display.window("Unlock")
        self.display.keys(window, ["type", "--delay", "20", KEYRING_PASSWORD], ["key", "Return"])
        _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)
        self.assertNotIn("passphrase", err.lower())

    def test_a_dismissed_prompt_is_a_clear_error(self) -> None:
        proc = self.start_exec()
        window = self.display.window("Unlock")
        self.display.keys(window, ["key", "Escape"])
        _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 1, err)
        self.assertIn("stayed locked", err)
        self.assertNotIn("no longer in", err)


class KeyctlBackendTest(BackendTestMixin, SesameTestCase):
    backend = "keyctl"

    def backend_env(self) -> dict[str, str | None]:
        # This run's own session keyring (run.py joins a fresh one): the persistent keyring would
        # outlive the test.
        return {"SESAME_BACKEND": self.backend, "SESAME_KEYCTL_KEYRING": "session", "SESAME_FILE_PASSPHRASE": None}


def make_gnupg_home(root: Path) -> tuple[dict[str, str], str]:
    """A throwaway GNUPGHOME with a generated key without passphrase (as an unlocked gpg-agent
    presents a user's key): returns the environment that uses it and the key's fingerprint."""
    home = root / "gnupg"
    home.mkdir(mode=0o700)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(root), "GNUPGHOME": str(home)}
    subprocess.run(["gpg", "--batch", "--passphrase", "", "--quick-gen-key", "sesame-test@example.invalid",
                    "default", "default", "never"], env=env, check=True, capture_output=True, timeout=120)
    listed = subprocess.run(["gpg", "--batch", "--with-colons", "--list-secret-keys"], env=env, check=True,
                            capture_output=True, text=True, timeout=30).stdout
    fingerprint = next(line.split(":")[9] for line in listed.splitlines() if line.startswith("fpr:"))
    return env, fingerprint


@unittest.skipIf(not shutil.which("pass") or not shutil.which("gpg"), "pass and gpg are not installed "
                 "(scripts/install-deps installs them)")
class PassBackendTest(BackendTestMixin, SesameTestCase):
    backend = "pass"

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.gpg_root = Path(tempfile.mkdtemp(prefix="sesame-gpg-"))
        cls.gpg_env, cls.fingerprint = make_gnupg_home(cls.gpg_root)

    @classmethod
    def tearDownClass(cls) -> None:
        subprocess.run(["gpgconf", "--kill", "gpg-agent"], env=cls.gpg_env, capture_output=True, timeout=30)
        shutil.rmtree(cls.gpg_root, ignore_errors=True)
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        self.store = self.sb.root / "password-store"
        env = {**self.gpg_env, "PASSWORD_STORE_DIR": str(self.store)}
        subprocess.run(["pass", "init", self.fingerprint], env=env, check=True, capture_output=True, timeout=60)
        subprocess.run(["pass", "git", "init"], env=env, check=True, capture_output=True, timeout=60)
        for key, value in (("user.name", "sesame test"), ("user.email", "test@example.invalid")):
            subprocess.run(["git", "-C", str(self.store), "config", key, value], check=True, timeout=30)
        self.pass_env = env

    def backend_env(self) -> dict[str, str | None]:
        return {"SESAME_BACKEND": self.backend, "SESAME_FILE_PASSPHRASE": None, "GNUPGHOME": self.gpg_env["GNUPGHOME"],
                "PASSWORD_STORE_DIR": str(self.store)}

    def vault_file(self) -> Path:
        return self.sb.vault_dir / "pass" / "vault.sesame"

    def test_keys_are_pass_entries_in_the_synced_store(self) -> None:
        self.use_backend()
        self.assertOk(self.sb.add("alice", self.alice))
        shown = subprocess.run(["pass", "show", "sesame/alice"], env=self.pass_env, capture_output=True, text=True,
                               timeout=60)
        self.assertEqual(shown.returncode, 0, shown.stderr)
        lines = shown.stdout.splitlines()
        self.assertEqual(lines[0], self.alice.secret_access_key, "the secret is the entry's first line, as pass has it")
        self.assertIn(f"aws_access_key_id: {self.alice.access_key_id}", lines)
        log = subprocess.run(["git", "-C", str(self.store), "log", "--oneline"], capture_output=True, text=True).stdout
        self.assertIn("sesame/alice", log, "the store's git history carries the key")
        # Sessions stay on this machine: the store holds the key entry and the cache's key, no session.
        self.assertOk(self.sb.run(["exec", "alice", "--mfa-token", "123456", "--", "true"]))
        entries = sorted(str(p.relative_to(self.store)) for p in self.store.rglob("*.gpg"))
        self.assertEqual(len(entries), 2, entries)
        self.assertIn("sesame/alice.gpg", entries)
        self.assertTrue(any(e.startswith("sesame/.session-cache/") for e in entries), entries)
        # A hostile profile name is an entry name, never a path or an option.
        self.assertOk(self.sb.add("../x y", self.alice))
        self.assertIn("sesame/%2E.%2Fx%20y.gpg", sorted(str(p.relative_to(self.store)) for p in self.store.rglob("*.gpg")))
        self.assertIn("../x y", self.sb.run(["list", "--credentials"]).stdout)

    def test_a_lost_session_cache_key_drops_the_cache_not_the_keys(self) -> None:
        self.use_backend()
        self.assertOk(self.sb.add("alice", self.alice))
        self.assertOk(self.sb.run(["exec", "alice", "--mfa-token", "123456", "--", "true"]))
        self.assertOk(self.sb.run(["lock"]))
        for entry in self.store.glob("sesame/.session-cache/*.gpg"):
            entry.unlink()
        mark = self.moto.mark()
        self.assertOk(self.sb.run(["exec", "alice", "--mfa-token", "123456", "--", "true"]))
        self.assertEqual(len(self.moto.minting_calls(mark)), 1, "a new session, from the key still in pass")


class MigrateTest(SesameTestCase):
    def keys_in(self, backend: str) -> set[str]:
        proc = self.sb.run(["list", "--credentials"], env_extra={"SESAME_BACKEND": backend, "SESAME_KEYCTL_KEYRING": "session"})
        self.assertOk(proc)
        return set(proc.stdout.split())

    def test_migrate_moves_everything_and_switches(self) -> None:
        self.sb.write_config(section("alice", region=REGION) + section("bob", region=REGION))
        self.add_alice()
        self.assertOk(self.sb.add("bob", self.alice))
        self.assertOk(self.sb.run(["exec", "alice", "--", "true"]))  # a cached session, moved too
        dry = self.sb.run(["migrate", "--to", "keyctl", "--dry-run"], env_extra={"SESAME_KEYCTL_KEYRING": "session"})
        self.assertOk(dry)
        self.assertIn("would move 2 key(s) and 1 session(s)", dry.stdout)
        self.assertEqual(self.keys_in("keyctl"), set())

        env = {"SESAME_KEYCTL_KEYRING": "session"}
        proc = self.sb.run(["migrate", "--to", "keyctl"], env_extra=env)
        self.assertOk(proc)
        self.assertIn("moved 2 key(s) and 1 session(s)", proc.stdout)
        self.assertEqual(self.keys_in("keyctl"), {"alice", "bob"})
        self.assertEqual(self.keys_in("file"), set())
        # Without SESAME_BACKEND, sesame now uses keyctl, with the session that moved.
        mark = self.moto.mark()
        self.assertRegex(self.sb.run(["status"], env_extra=env).stdout, r"Backend:\s+keyctl")
        self.assertIn("alice", self.caller_arn(["alice"], env_extra=env))
        self.assertEqual(len(self.moto.minting_calls(mark)), 0, "the cached session did not move")
        # And back.
        self.assertOk(self.sb.run(["migrate", "--to", "file"], env_extra=env))
        self.assertEqual(self.keys_in("file"), {"alice", "bob"})
        self.assertEqual(self.keys_in("keyctl"), set())

    def test_a_conflicting_key_in_the_destination_changes_nothing(self) -> None:
        self.sb.write_config(section("alice", region=REGION))
        self.add_alice()
        env = {"SESAME_KEYCTL_KEYRING": "session"}
        other = self.sb.run(["add", "alice", "--env", "--no-mfa-discovery"],
                            env_extra={**env, "SESAME_BACKEND": "keyctl", "AWS_ACCESS_KEY_ID": "AKIAOTHERKEY0000000",
                                       "AWS_SECRET_ACCESS_KEY": "x" * 40})
        self.assertOk(other)
        before = self.sb.vault_snapshot()
        proc = self.sb.run(["migrate", "--to", "keyctl"], env_extra=env)
        self.assertFails(proc, "holds another key for profile \"alice\"", "nothing was changed")
        self.assertEqual(self.keys_in("file"), {"alice"})
        self.assertVaultUnchanged(before)

    def test_kill_at_any_point_leaves_every_key_somewhere(self) -> None:
        self.sb.write_config("".join(section(f"p{i}", region=REGION) for i in range(5)))
        for i in range(5):
            self.assertOk(self.sb.add(f"p{i}", self.alice))
        env = self.sb.child_env({"SESAME_KEYCTL_KEYRING": "session"})
        everyone = {f"p{i}" for i in range(5)}
        for delay_ms in (0, 2, 5, 10, 20, 40, 80):
            direction = "keyctl" if "keyctl" not in self.current_backend() else "file"
            proc = subprocess.Popen([sesame_bin(), "migrate", "--to", direction], env=env, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            time.sleep(delay_ms / 1000)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            found = self.keys_in("file") | self.keys_in("keyctl")
            self.assertEqual(found, everyone, f"killed after {delay_ms} ms")
            # The backend in use holds them all, or the migration can be run again to finish.
            backend = self.current_backend()
            if self.keys_in(backend) != everyone:
                other = "file" if backend == "keyctl" else "keyctl"
                self.assertOk(self.sb.run(["migrate", "--to", other], env_extra={"SESAME_KEYCTL_KEYRING": "session"}))
                self.assertEqual(self.keys_in(other), everyone)

    def current_backend(self) -> str:
        out = self.sb.run(["status"], env_extra={"SESAME_KEYCTL_KEYRING": "session"}).stdout
        return out.split("Backend:", 1)[1].split()[0]

    def test_unknown_and_unavailable_backends_are_refused(self) -> None:
        self.add_alice()
        self.assertFails(self.sb.run(["migrate", "--to", "kwallet"]), "no backend \"kwallet\"", "file, secret-service")
        proc = self.sb.run(["migrate", "--to", "secret-service"],
                           env_extra={"DBUS_SESSION_BUS_ADDRESS": f"unix:path={self.sb.root}/no-bus"})
        self.assertFails(proc, "cannot be used here", "nothing was changed")
        self.assertEqual(self.keys_in("file"), {"alice"})
        (self.sb.vault_dir / "backend").write_text("kwallet\n")
        self.assertFails(self.sb.run(["list"]), "names the backend \"kwallet\"", "SESAME_BACKEND")


if __name__ == "__main__":
    unittest.main()
