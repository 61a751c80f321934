"""The real sesame binary resolves a case: `sesame exec [PROFILE] [-n] -t CODE -- env -0`.

One Sandbox serves every case of a run. Per case the vault must hold exactly the case's keys and no
session from an earlier case, without paying for Argon2 each time (a fresh vault costs ~0.3 s):
the vault file is reset to a snapshot taken after the same `sesame add`s (first time: an empty
vault, then the adds; the unlocked key stays cached in the kernel keyring because the vault's
path and salt do not change). Keys are added while both files are empty, then the case's
config is written: `sesame add` appends a [profile] section when it finds none, which would change
the case (item 13 is checked on its own, see add_check).

Deliberate difference (c): sesame caches sessions in its vault. Besides the per-case reset,
SESAME_MIN_TTL=24h makes every cached session too short to reuse, so each run asks STS again.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Mapping

from harness import Keys, Sandbox

from .botocore_side import MFA_CODE, Resolved

NO_REUSE = {"SESAME_MIN_TTL": "24h"}


class Sesame:
    def __init__(self, sandbox: Sandbox, keys: Mapping[str, Keys]) -> None:
        self.sb = sandbox
        self._keys = keys
        self._vault = sandbox.vault_dir / "vault.sesame"
        self._snapshots: dict[tuple[tuple[str, str], ...], bytes] = {}
        # An empty vault whose key is now unlocked and cached.
        self._add("__differential__", "alice")
        self._must(self.sb.run(["remove", "__differential__", "--force"]))
        self._snapshots[()] = self._vault.read_bytes()

    @staticmethod
    def _must(proc: subprocess.CompletedProcess[str]) -> None:
        if proc.returncode != 0:
            raise RuntimeError(f"sesame {' '.join(map(str, proc.args[1:]))} failed: {proc.stderr}")

    def _add(self, profile: str, user: str) -> None:
        self._must(self.sb.run(["add", profile, "--env", "--no-mfa-discovery"], env_extra=self._keys[user].env()))

    def prepare_vault(self, vault: Mapping[str, str]) -> None:
        """The vault holds exactly `vault` (profile -> user) and no session."""
        wanted = tuple(sorted(vault.items()))
        if wanted not in self._snapshots:
            self._vault.write_bytes(self._snapshots[()])
            self.sb.write_config("")  # add reads both files: the previous case's must not count
            self.sb.write_credentials("")
            for profile, user in wanted:
                self._add(profile, user)
            self._snapshots[wanted] = self._vault.read_bytes()
        self._vault.write_bytes(self._snapshots[wanted])

    @staticmethod
    def argv(profile: str | None, session: bool) -> list[str]:
        args = ["exec"] + ([profile] if profile is not None else [])
        return args + ([] if session else ["-n"]) + ["-t", MFA_CODE, "--", "env", "-0"]

    def resolve(self, env: Mapping[str, str | None], profile: str | None, session: bool) -> Resolved:
        proc = self.sb.run(self.argv(profile, session), env_extra={**env, **NO_REUSE}, timeout=60)
        if proc.returncode != 0:
            lines = [line for line in proc.stderr.splitlines() if line.strip()]
            return Resolved(None, lines[0] if lines else f"exit {proc.returncode}", None, {"stderr": proc.stderr})
        child = dict(item.split("=", 1) for item in proc.stdout.split("\0") if "=" in item)
        key, secret = child.get("AWS_ACCESS_KEY_ID"), child.get("AWS_SECRET_ACCESS_KEY")
        if not key or not secret:
            return Resolved(None, "the child got no AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY", None)
        region = child.get("AWS_REGION") or child.get("AWS_DEFAULT_REGION") or None
        return Resolved((key, secret, child.get("AWS_SESSION_TOKEN")), "", region, {"stderr": proc.stderr})

    def add_check(self, config_text: str, names: list[str]) -> tuple[str, list[str]]:
        """Runs `sesame add NAME` for each name against `config_text`; returns the config file
        afterwards and the failures. The vault is reset by the next prepare_vault."""
        self.sb.write_config(config_text)
        failures = []
        for name in names:
            proc = self.sb.run(["add", name, "--env", "--no-mfa-discovery"], env_extra=self._keys["alice"].env())
            if proc.returncode != 0:
                failures.append(f"sesame add {name!r}: {proc.stderr.strip()}")
        return Path(self.sb.config).read_text(), failures
