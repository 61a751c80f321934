"""What generated cases refer to, created once per moto server.

Users (each with an inline allow-all policy and one access key):
  alice  the harness's user; most key profiles hold her keys
  carol  a second user, so that which profile's keys signed a call shows in the call log
  dave   only handed out by the credential_process script when its argv is not what was
         meant (see emit below): reaching dave means the command line was split differently

Roles r1..r4 trust any principal ("*": moto compares other principals literally, and chains of
generated session names could not be listed) and allow sessions up to 12 hours, so every chain and
every valid duration works and what is compared is only what each side asked for. Role rx also
requires sts:ExternalId == RX_EXTERNAL_ID, so a wrong or missing external_id is refused by moto.

Scripts in BIN (the @@bin@@ placeholder):
  emit USER   prints USER's keys as credential_process output when its arguments are exactly one
              known user name, else dave's keys. `emit alice | cat` thus gives alice under a shell
              (sesame runs `sh -c`) and dave when split by shlex with no shell (botocore)
  fail        exits 1 without output
  dir with space/emit   the same emit, at a path that needs quoting
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from harness import ACCOUNT, Keys, Moto

ROLES = ("r1", "r2", "r3", "r4", "rx")
RX_EXTERNAL_ID = "diff-ext-1"
MAX_SESSION = 43200

_ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def role_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def mfa_arn(user: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:mfa/{user}"


def _trust(condition: dict[str, object] | None = None) -> str:
    statement: dict[str, object] = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@dataclass(frozen=True)
class Fixture:
    users: dict[str, Keys]

    def user_of_key(self, access_key_id: str) -> str | None:
        for name, keys in self.users.items():
            if keys.access_key_id == access_key_id:
                return name
        return None


def create(moto: Moto) -> Fixture:
    """Users and roles on `moto` (signature checking is already on: alice signs)."""
    assert moto.alice is not None
    iam = moto.client("iam", moto.alice)
    users = {"alice": moto.alice}
    for name in ("carol", "dave"):
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="allow-all", PolicyDocument=_ALLOW_ALL)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        users[name] = Keys(key["AccessKeyId"], key["SecretAccessKey"])
    for name in ROLES:
        condition = {"StringEquals": {"sts:ExternalId": RX_EXTERNAL_ID}} if name == "rx" else None
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=_trust(condition), MaxSessionDuration=MAX_SESSION)
        iam.put_role_policy(RoleName=name, PolicyName="allow-all", PolicyDocument=_ALLOW_ALL)
    return Fixture(users)


def write_scripts(bin_dir: Path, fixture: Fixture) -> None:
    """emit and fail (see the module docstring) in bin_dir and in "bin_dir/dir with space"."""
    arms = []
    for name in ("alice", "carol"):
        keys = fixture.users[name]
        arms.append(f'  "1:{name}") id={keys.access_key_id}; secret={keys.secret_access_key} ;;')
    dave = fixture.users["dave"]
    emit = "\n".join(
        [
            "#!/bin/sh",
            "# credential_process for the differential test: exactly one known user name -> that",
            "# user's keys; any other argv -> dave's (so a differently split command line shows).",
            'case "$#:$1" in',
            *arms,
            f"  *) id={dave.access_key_id}; secret={dave.secret_access_key} ;;",
            "esac",
            'printf \'{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s"}\\n\' "$id" "$secret"',
            "",
        ]
    )
    for directory in (bin_dir, bin_dir / "dir with space"):
        directory.mkdir(parents=True, exist_ok=True)
        for name, text in (("emit", emit), ("fail", "#!/bin/sh\nexit 1\n")):
            path = directory / name
            path.write_text(text)
            os.chmod(path, 0o755)
