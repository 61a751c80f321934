"""Shared pieces of sesame's integration tests: a signature-checking moto, a sandboxed environment
for the real `sesame` binary, and assertions about its output.

`Moto` runs tests/integration/moto_sesame.py (the real moto server with GetSessionToken sessions
made usable, see its docstring) on a free loopback port, creates the fixture below with signature
checking off, then switches checking on: from there every call must be signed correctly.

Fixture (account 123456789012):
  user alice    inline allow-all policy, one access key (ALICE); MFA_SERIAL is her configured serial
  user bob      its key was created and then deleted (DELETED_KEY): moto answers InvalidClientTokenId
  role admin    trusts alice's user ARN; allow-all
  role readonly trusts admin's sessions named CHAIN_SESSION_NAME (moto compares trust principals
                literally, so a chain test fixes role_session_name on the middle profile)
  role ext      trusts alice with the condition sts:ExternalId == EXTERNAL_ID
"""

from __future__ import annotations

import atexit
import pty
import select
import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import unittest
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence

import boto3
import botocore.config
import requests

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ACCOUNT = "123456789012"
REGION = "us-east-1"
ALICE_ARN = f"arn:aws:iam::{ACCOUNT}:user/alice"
MFA_SERIAL = f"arn:aws:iam::{ACCOUNT}:mfa/alice"
ADMIN_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/admin"
READONLY_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/readonly"
EXT_ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/ext"
EXTERNAL_ID = "sesame-ext-7f3a"
CHAIN_SESSION_NAME = "sesame-chain"
PASSPHRASE = "correct horse battery staple"
MINTING_ACTIONS = ("GetSessionToken", "AssumeRole", "GetFederationToken")
RFC3339_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")

_ALLOW_ALL = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
)


def _trust(principals: Sequence[str], condition: Mapping[str, Any] | None = None) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"AWS": list(principals)},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@dataclass(frozen=True)
class Keys:
    access_key_id: str
    secret_access_key: str

    def env(self) -> dict[str, str]:
        """The variables `sesame add PROFILE --env` reads."""
        return {"AWS_ACCESS_KEY_ID": self.access_key_id, "AWS_SECRET_ACCESS_KEY": self.secret_access_key}


# --- tools --------------------------------------------------------------------------------------


def sesame_bin() -> str:
    """Absolute path of the binary under test: $SESAME_BIN (set by run.py --sesame) or build/sesame."""
    return str(Path(os.environ.get("SESAME_BIN") or REPO / "build" / "sesame").resolve())


def _real_executable(name: str) -> str | None:
    """`name` next to this Python if there, else on PATH; pyenv shims need the real $HOME, which
    the sandbox replaces, so a shim is avoided when the real file can be found."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def aws_cli() -> str:
    found = _real_executable("aws")
    if not found:
        raise RuntimeError("the aws CLI is required for the integration tests and is not on PATH")
    return found


def require_tools() -> None:
    """Fails loudly (never skips) when the machines' required tools are missing."""
    aws_cli()
    try:
        import moto  # noqa: F401
        import moto.server  # noqa: F401
    except ImportError as e:  # pragma: no cover - environment problem
        raise RuntimeError(f"moto (moto_server) is required for the integration tests: {e}") from e


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_port() -> int:
    """A loopback port nobody listens on (connections are refused at once)."""
    return free_port()


# --- moto ---------------------------------------------------------------------------------------

_live_servers: set[subprocess.Popen[bytes]] = set()


@atexit.register
def _stop_leftover_servers() -> None:
    """Servers run in their own session (so a terminal's Ctrl-C reaches only the test runner);
    whatever an interrupted run leaves behind is stopped here."""
    for proc in list(_live_servers):
        if proc.poll() is None:
            proc.kill()
            proc.wait()


class Moto:
    """moto_sesame.py in a subprocess, with the fixture in place and signature checking on."""

    def __init__(self) -> None:
        self.port = 0
        self.url = ""
        self.alice: Keys | None = None
        self.deleted_key: Keys | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._dir: Path | None = None

    def __enter__(self) -> "Moto":
        require_tools()
        self._dir = Path(tempfile.mkdtemp(prefix="sesame-moto-"))
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log = open(self._dir / "moto.log", "wb")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.pop("INITIAL_NO_AUTH_ACTION_COUNT", None)
        self._proc = subprocess.Popen(
            [sys.executable, str(HERE / "moto_sesame.py"), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
        _live_servers.add(self._proc)
        log.close()
        try:
            self._wait_ready()
            self.setup_fixture()
            self.enable_auth()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.send_signal(signal.SIGTERM)
                try:
                    self._proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()
            _live_servers.discard(self._proc)
            self._proc = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    def log_tail(self, lines: int = 40) -> str:
        """The server's last log lines, for failure messages."""
        if self._dir is None or not (self._dir / "moto.log").exists():
            return ""
        text = (self._dir / "moto.log").read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def _wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise RuntimeError(f"moto_sesame.py exited with {self._proc.returncode}:\n{self.log_tail()}")
            try:
                if requests.get(f"{self.url}/_sesame/ready", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"moto_sesame.py did not answer on {self.url} within {timeout}s:\n{self.log_tail()}")

    def client(self, service: str, keys: Keys | None = None, token: str | None = None) -> Any:
        """A boto3 client for this server; unsigned-looking dummy keys unless `keys` is given."""
        keys = keys or Keys("AKIAFIXTURE000000000", "fixture-secret")
        return boto3.client(
            service,
            endpoint_url=self.url,
            region_name=REGION,
            aws_access_key_id=keys.access_key_id,
            aws_secret_access_key=keys.secret_access_key,
            aws_session_token=token,
            config=botocore.config.Config(retries={"max_attempts": 1}),
        )

    def setup_fixture(self) -> None:
        iam = self.client("iam")
        iam.create_user(UserName="alice")
        iam.put_user_policy(UserName="alice", PolicyName="allow-all", PolicyDocument=_ALLOW_ALL)
        key = iam.create_access_key(UserName="alice")["AccessKey"]
        self.alice = Keys(key["AccessKeyId"], key["SecretAccessKey"])
        # alice's MFA_SERIAL is written into configs by hand; she has no device in IAM, so
        # `sesame add`'s MFA discovery leaves those configs alone (test_iam covers discovery).

        iam.create_user(UserName="bob")
        gone = iam.create_access_key(UserName="bob")["AccessKey"]
        iam.delete_access_key(UserName="bob", AccessKeyId=gone["AccessKeyId"])
        self.deleted_key = Keys(gone["AccessKeyId"], gone["SecretAccessKey"])

        chain_principal = f"arn:aws:sts::{ACCOUNT}:assumed-role/admin/{CHAIN_SESSION_NAME}"
        roles = {
            "admin": _trust([ALICE_ARN]),
            "readonly": _trust([ADMIN_ROLE_ARN, chain_principal]),
            "ext": _trust([ALICE_ARN], {"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}),
        }
        for name, trust in roles.items():
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust)
            iam.put_role_policy(RoleName=name, PolicyName="allow-all", PolicyDocument=_ALLOW_ALL)

    def enable_auth(self) -> None:
        """From now on moto verifies every signature and authorises every action."""
        r = requests.post(f"{self.url}/moto-api/reset-auth", data="0", timeout=5)
        r.raise_for_status()

    # The call log is kept by the server (moto_sesame.py), never inferred from sesame's output.

    def sts_calls(self, since: int = 0, action: str | None = None) -> list[dict[str, Any]]:
        """STS requests the server received (any outcome), from log position `since` on."""
        r = requests.get(f"{self.url}/_sesame/sts-calls", timeout=5)
        r.raise_for_status()
        calls = [c for c in r.json() if c["seq"] >= since]
        return [c for c in calls if action is None or c["action"] == action]

    def mark(self) -> int:
        """The log position now: pass it as `since` to see only later calls."""
        r = requests.get(f"{self.url}/_sesame/sts-calls", timeout=5)
        r.raise_for_status()
        return len(r.json())

    def minting_calls(self, since: int = 0) -> list[dict[str, Any]]:
        """Calls that create credentials (GetSessionToken, AssumeRole, GetFederationToken)."""
        return [c for c in self.sts_calls(since) if c["action"] in MINTING_ACTIONS]


# --- the sandbox --------------------------------------------------------------------------------


class Sandbox:
    """A temp HOME, XDG dirs, vault dir and AWS config files, and a clean environment for sesame.

    No AWS_* variable is inherited from the caller; the process runs in a new session, so it has
    no controlling terminal and any prompt on /dev/tty fails instead of hanging.
    """

    def __init__(self, moto: Moto | None, passphrase: str = PASSPHRASE) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="sesame-it-"))
        self.home = self.root / "home"
        self.vault_dir = self.root / "vault"
        self.config = self.home / ".aws" / "config"
        self.credentials = self.home / ".aws" / "credentials"
        self.config.parent.mkdir(parents=True)
        self.config.write_text("")
        self.credentials.write_text("")
        xdg = {name: self.root / "xdg" / name.lower() for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")}
        for path in xdg.values():
            path.mkdir(parents=True)
        tool_dirs = [str(Path(aws_cli()).parent), str(Path(sys.executable).parent)]
        self.env: dict[str, str] = {
            "PATH": os.pathsep.join(tool_dirs + [os.environ.get("PATH", "/usr/bin:/bin")]),
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "SHELL": "/bin/sh",
            "TMPDIR": str(self.root),
            "SESAME_FILE_DIR": str(self.vault_dir),
            "SESAME_FILE_PASSPHRASE": passphrase,
            "AWS_CONFIG_FILE": str(self.config),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.credentials),
            "AWS_EC2_METADATA_DISABLED": "true",
            **{k: str(v) for k, v in xdg.items()},
        }
        if moto is not None:
            self.env["AWS_ENDPOINT_URL"] = moto.url

    def close(self) -> None:
        # Forget this sandbox's unlocked vault key (kept in the kernel keyring between commands).
        if os.access(sesame_bin(), os.X_OK) and self.vault_dir.exists():
            subprocess.run([sesame_bin(), "lock"], env=self.child_env(), capture_output=True, timeout=10,
                           stdin=subprocess.DEVNULL)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write_config(self, text: str) -> None:
        self.config.write_text(text)

    def write_credentials(self, text: str) -> None:
        self.credentials.write_text(text)

    def child_env(self, env_extra: Mapping[str, str | None] | None = None) -> dict[str, str]:
        """The sandbox environment plus `env_extra` (a None value removes the variable)."""
        env = dict(self.env)
        for key, value in (env_extra or {}).items():
            if value is None:
                env.pop(key, None)
            else:
                env[key] = value
        return env

    def run(
        self,
        args: Sequence[str],
        input: str | None = None,
        env_extra: Mapping[str, str | None] | None = None,
        timeout: float = 60,
    ) -> subprocess.CompletedProcess[str]:
        """Runs `sesame ARGS...`; never raises on a non-zero exit."""
        return subprocess.run(
            [sesame_bin(), *args],
            input=input,
            capture_output=True,
            text=True,
            env=self.child_env(env_extra),
            cwd=self.root,
            timeout=timeout,
            start_new_session=True,
            stdin=None if input is not None else subprocess.DEVNULL,
        )

    def run_cmd(
        self,
        argv: Sequence[str],
        env_extra: Mapping[str, str | None] | None = None,
        timeout: float = 60,
    ) -> subprocess.CompletedProcess[str]:
        """Runs any command (aws, bash, fish...) in the sandbox environment."""
        return subprocess.run(
            list(argv),
            capture_output=True,
            text=True,
            env=self.child_env(env_extra),
            cwd=self.root,
            timeout=timeout,
            start_new_session=True,
            stdin=subprocess.DEVNULL,
        )

    def add(self, profile: str, keys: Keys) -> subprocess.CompletedProcess[str]:
        return self.run(["add", profile, "--env"], env_extra=keys.env())

    def vault_files(self) -> list[Path]:
        if not self.vault_dir.exists():
            return []
        return sorted(p for p in self.vault_dir.rglob("*"))

    def vault_snapshot(self) -> dict[str, tuple[int, bytes]]:
        """Every path under the vault dir with its mode and bytes (b"" for dirs), except lock
        files: sesame creates those (empty) as it needs them, and they hold nothing."""
        snap: dict[str, tuple[int, bytes]] = {}
        for path in self.vault_files():
            st = path.lstat()
            relative = path.relative_to(self.vault_dir)
            if relative.parts[0] == "locks" or path.name.endswith(".lock"):
                assert not stat.S_ISREG(st.st_mode) or st.st_size == 0, f"lock file {relative} is not empty"
                continue
            data = path.read_bytes() if stat.S_ISREG(st.st_mode) else b""
            snap[str(path.relative_to(self.vault_dir))] = (st.st_mode, data)
        return snap


# --- test base ----------------------------------------------------------------------------------


class SesameTestCase(unittest.TestCase):
    """One moto per test class (setUpClass); a fresh Sandbox per test (self.sb)."""

    moto: Moto
    needs_binary = True

    @classmethod
    def setUpClass(cls) -> None:
        if cls.needs_binary and not os.access(sesame_bin(), os.X_OK):
            raise RuntimeError(f"sesame binary not found at {sesame_bin()}: build it or pass run.py --sesame PATH")
        cls.moto = Moto().__enter__()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.moto.__exit__(None, None, None)

    def setUp(self) -> None:
        self.sb = Sandbox(self.moto)
        self.addCleanup(self.sb.close)

    @property
    def alice(self) -> Keys:
        assert self.moto.alice is not None
        return self.moto.alice

    # --- helpers ---

    def add_alice(self, profile: str = "alice") -> None:
        self.assertOk(self.sb.add(profile, self.alice))

    def make_iam_user(self, name: str, devices: int = 0) -> Keys:
        """An IAM user allowed everything, with an access key and `devices` virtual MFA devices
        enabled (moto accepts any codes), named NAME-0, NAME-1, ..."""
        iam = self.moto.client("iam", keys=self.alice)
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="all", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        key = iam.create_access_key(UserName=name)["AccessKey"]
        for i in range(devices):
            serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{name}-{i}")["VirtualMFADevice"]["SerialNumber"]
            iam.enable_mfa_device(UserName=name, SerialNumber=serial, AuthenticationCode1="123456",
                                  AuthenticationCode2="654321")
        return Keys(key["AccessKeyId"], key["SecretAccessKey"])

    def org_account(self, name: str) -> str:
        """The id of the organization's member account NAME, made (with the organization) if need be."""
        org = self.moto.client("organizations", keys=self.alice)
        try:
            org.create_organization(FeatureSet="ALL")
        except org.exceptions.AlreadyInOrganizationException:
            pass
        existing = {a["Name"]: a["Id"] for a in org.list_accounts()["Accounts"]}
        if name in existing:
            return existing[name]
        return org.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]["AccountId"]

    def exec_env(self, profile_args: Sequence[str], env_extra: Mapping[str, str | None] | None = None) -> dict[str, str]:
        """Runs `sesame exec ARGS -- python3 <dump env>` and returns the child's environment."""
        dump = "import json, os; print(json.dumps(dict(os.environ)))"
        proc = self.sb.run(["exec", *profile_args, "--", sys.executable, "-c", dump], env_extra=env_extra)
        self.assertOk(proc)
        return json.loads(proc.stdout)

    def caller_arn(self, exec_args: Sequence[str], env_extra: Mapping[str, str | None] | None = None) -> str:
        """Runs `sesame exec ARGS -- aws sts get-caller-identity` and returns the Arn it printed."""
        proc = self.sb.run(
            ["exec", *exec_args, "--", aws_cli(), "sts", "get-caller-identity", "--output", "json"], env_extra=env_extra
        )
        self.assertOk(proc)
        return json.loads(proc.stdout)["Arn"]

    # --- assertions ---

    def _describe(self, proc: subprocess.CompletedProcess[str]) -> str:
        return f"\n$ {' '.join(map(str, proc.args))}\nexit {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"

    def assertNoSecrets(self, text: str, *extra: str) -> None:
        secrets = [self.alice.secret_access_key, *extra]
        for secret in secrets:
            if secret:
                self.assertNotIn(secret, text, "a secret appeared in sesame's output")

    def assertOk(self, proc: subprocess.CompletedProcess[str]) -> None:
        self.assertEqual(proc.returncode, 0, self._describe(proc))

    def assertFails(self, proc: subprocess.CompletedProcess[str], *fragments: str) -> str:
        """Exit != 0, a `sesame: ...` message on stderr naming every fragment (case-insensitive),
        no crash output, no secret. Returns stderr."""
        self.assertNotEqual(proc.returncode, 0, self._describe(proc))
        self.assertGreater(proc.returncode, 0, "killed by a signal" + self._describe(proc))
        self.assertRegex(proc.stderr, r"(?m)^sesame: \S", self._describe(proc))
        for fragment in fragments:
            self.assertIn(fragment.lower(), proc.stderr.lower(), self._describe(proc))
        for crash in ("terminate called", "Traceback", "AddressSanitizer", "runtime error:", "Segmentation"):
            self.assertNotIn(crash, proc.stderr, self._describe(proc))
        self.assertNoSecrets(proc.stderr + proc.stdout)
        return proc.stderr

    def assertVaultUnchanged(self, before: dict[str, tuple[int, bytes]]) -> None:
        after = self.sb.vault_snapshot()
        self.assertEqual(sorted(before), sorted(after), "files under SESAME_FILE_DIR changed")
        for name in before:
            (mode_before, data_before), (mode_after, data_after) = before[name], after[name]
            self.assertEqual(oct(mode_before), oct(mode_after), f"the mode of {name} under SESAME_FILE_DIR changed")
            if data_before != data_after:
                self.fail(f"{name} under SESAME_FILE_DIR changed ({len(data_before)} -> {len(data_after)} bytes)")



def section(name: str, **settings: str | None) -> str:
    """`[profile NAME]` (or `[default]`) with `region = us-east-1` unless region=None, then the
    given settings in order, e.g. section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN)."""
    header = "[default]" if name == "default" else f"[profile {name}]"
    settings = {"region": REGION, **settings}
    lines = [header] + [f"{key} = {value}" for key, value in settings.items() if value is not None]
    return "\n".join(lines) + "\n\n"


def rfc3339_to_epoch(text: str) -> float:
    """Seconds since the epoch for an RFC 3339 UTC timestamp ("...Z")."""
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def run_dialog(
    argv: list[str], env: dict[str, str], answers: Sequence[tuple[str, str | bytes]], timeout: float = 30
) -> tuple[str, str, int]:
    """Runs argv on a pseudo-terminal (stdout on a pipe) and answers each prompt in turn: when
    the terminal output since the last answer contains answers[i][0], types answers[i][1] and a
    newline (bytes are typed as they are, e.g. b"\\x03" for Ctrl-C, b"\\x04" for Ctrl-D).
    Returns (stdout, everything the terminal showed, exit status)."""
    out_r, out_w = os.pipe()
    pid, master = pty.fork()
    if pid == 0:
        try:
            os.close(out_r)
            os.dup2(out_w, 1)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    os.close(out_w)
    stdout, tty, pending = b"", b"", b""
    step = 0
    deadline = time.monotonic() + timeout
    open_fds = {master, out_r}
    while open_fds and time.monotonic() < deadline:
        ready, _, _ = select.select(list(open_fds), [], [], 0.2)
        for fd in ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                chunk = b""
            if not chunk:
                open_fds.discard(fd)
            elif fd == master:
                tty += chunk
                pending += chunk
            else:
                stdout += chunk
        if step < len(answers) and answers[step][0].encode() in pending:
            answer = answers[step][1]
            os.write(master, answer if isinstance(answer, bytes) else answer.encode() + b"\n")
            pending = b""
            step += 1
    if open_fds:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    os.close(master)
    os.close(out_r)
    return stdout.decode(errors="replace"), tty.decode(errors="replace"), os.waitstatus_to_exitcode(status)


def join_fresh_session_keyring() -> None:
    """Gives this test run (and every sesame it starts) a new, empty session keyring, so unlocked
    vault keys neither come from nor leak into the developer's own login session."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    SYS_keyctl = 250  # x86_64
    KEYCTL_JOIN_SESSION_KEYRING = 1
    libc.syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, None)
