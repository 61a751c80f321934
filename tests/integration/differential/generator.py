"""Random cases from (seed, index): the same pair always gives the same case.

Most cases are ordinary (a chain of roles over keys in one of the files, a few settings) so that
what matches is checked as much as what does not; each quirk is drawn with a small probability so
that a case rarely mixes several, which keeps a difference attributable to one item:

  syntax      [profile  x], [profile "x y"], [profile 'x'], [profile x y] (no profile at all),
              [profile default], Region/REGION keys, "=" / " = " / ": " separators, comments,
              keys differing only in non-ASCII case (11), names with spaces and quotes
  resolution  chains of 0-4 roles over keys, credential_process or credential_source; MFA at any
              level; external_id (role rx checks it), role_session_name, duration_seconds in
              many spellings (5); keys and settings in either file or both (1); keys and
              role_arn together (3); source_profile without role_arn (2); source_profile with
              credential_source (7); a self-referencing source_profile; [default] and
              include_profile settings (a); unrelated profiles
  environment AWS_PROFILE, AWS_DEFAULT_PROFILE (4), AWS_REGION, AWS_DEFAULT_REGION, keys for
              credential_source = Environment (6), AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE
              naming a directory (12)
  sesame      with or without a session (b); `sesame add` of names afterwards (13)
"""

from __future__ import annotations

import random
import shlex
from dataclasses import dataclass, field

from .case import Case, Section
from .fixture import RX_EXTERNAL_ID, mfa_arn, role_arn

NAMES = ["dev", "ops", "prod", "admin", "build.ci", "team_a", "x1", "qa-eu", "Ops", "carol smith", "o'neil", "sec@org"]
REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"]
GOOD_DURATIONS = ["900", "1800", "3600", "7200", "43200"]
ODD_DURATIONS = ["+1800", "1_800", "\u0661\u0668\u0660\u0660", "01800", "1800.0", "0x708", "abc", "899", "43201", "-1", "1e3", " 3600 "]
SESSION_NAMES = ["sess-a", "ci.build@team", "sess-a", "ci.build@team", "x"]  # "x" is too short for AWS
PROCESS_COMMANDS = [
    # (command text, weight); the emit script answers alice/carol for exactly one argument.
    ("@@bin@@/emit alice", 6),
    ("@@bin@@/emit carol", 2),
    ("@@bin@@/emit 'alice'", 1),
    ('"@@bin@@/dir with space/emit" alice', 1),
    ("@@bin@@/emit  alice", 1),
    ("@@bin@@/emit alice | cat", 1),
    ("@@bin@@/emit alice # note", 1),
    ("@@bin@@/emit $EMIT_USER", 1),
    ("@@bin@@/emit alice 2>/dev/null", 1),
    ("@@bin@@/emit a\\ lice", 1),
    ("@@bin@@/fail", 1),
]


@dataclass
class Profile:
    """One profile as generated: its settings per file, in order."""

    name: str
    config: list[tuple[str, str]] = field(default_factory=list)
    credentials: list[tuple[str, str]] = field(default_factory=list)
    in_config: bool = True  # has a config section (even an empty one)

    def set(self, key: str, value: str, where: str = "config") -> None:
        (self.config if where == "config" else self.credentials).append((key, value))


class Generator:
    def __init__(self, seed: int, index: int) -> None:
        self.seed, self.index = seed, index
        self.rng = random.Random(f"sesame-differential/{seed}/{index}")
        self.profiles: dict[str, Profile] = {}
        self.env: dict[str, str] = {}

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, items: list[str]) -> str:
        return self.rng.choice(items)

    def profile(self, name: str) -> Profile:
        return self.profiles.setdefault(name, Profile(name))

    def fresh_name(self) -> str:
        free = [n for n in NAMES if n not in self.profiles]
        # Mostly plain names; one with a space or a quote now and then.
        plain = [n for n in free if n.replace(".", "").replace("-", "").replace("_", "").replace("@", "").isalnum()]
        return self.pick(plain if plain and self.chance(0.85) else free)

    def keys(self, p: Profile, user: str) -> None:
        """Gives `p` a key pair (replacing any it had) in one file, or in both with different users."""
        for entries in (p.config, p.credentials):
            entries[:] = [(k, v) for k, v in entries if k not in ("aws_access_key_id", "aws_secret_access_key")]
        where = self.rng.choices(["credentials", "config", "both"], [55, 30, 15])[0]
        if where == "both":
            other = "carol" if user == "alice" else "alice"
            p.set("aws_access_key_id", f"@@key:{other}@@")
            p.set("aws_secret_access_key", f"@@secret:{other}@@")
            where = "credentials"
        p.set("aws_access_key_id", f"@@key:{user}@@", where)
        p.set("aws_secret_access_key", f"@@secret:{user}@@", where)
        if where == "credentials" and not p.config and self.chance(0.4):
            p.in_config = False

    def duration(self) -> str:
        return self.pick(ODD_DURATIONS) if self.chance(0.25) else self.pick(GOOD_DURATIONS)

    # --- the chain --------------------------------------------------------------------------

    def chain(self) -> str:
        """Builds a base and 0-4 roles over it; returns the top profile's name."""
        hops = self.rng.choices([0, 1, 2, 3, 4], [15, 35, 25, 15, 10])[0]
        base_kind = self.rng.choices(["keys", "process", "environment"], [75, 15, 10])[0]
        if hops == 0 and base_kind == "environment":
            base_kind = "keys"
        below: str | None = None
        if base_kind != "environment":
            base = self.profile(self.fresh_name())
            if base_kind == "keys":
                self.keys(base, "alice" if self.chance(0.8) else "carol")
                if self.chance(0.15):
                    base.set("mfa_serial", mfa_arn("alice"))
                if self.chance(0.05):
                    base.set("role_arn", role_arn(self.pick(["r1", "r2"])))  # item 3
                if self.chance(0.04):
                    base.set("duration_seconds", self.duration())
            else:
                command = self.rng.choices([c for c, _ in PROCESS_COMMANDS], [w for _, w in PROCESS_COMMANDS])[0]
                base.set("credential_process", command, "credentials" if self.chance(0.05) else "config")
                if "$EMIT_USER" in command:
                    self.env["EMIT_USER"] = "alice"
            if self.chance(0.6):
                base.set("region", self.pick(REGIONS))
            below = base.name
        for hop in range(hops):
            p = self.profile(self.fresh_name())
            role = self.pick(["r1", "r2", "r3", "r4", "rx"])
            p.set("role_arn", role_arn(role))
            if below is None:  # the first role over credential_source
                source = self.rng.choices(["Environment", "Ec2InstanceMetadata", "EcsContainer"], [85, 10, 5])[0]
                p.set("credential_source", source)
                self.env["AWS_ACCESS_KEY_ID"] = "@@key:carol@@"
                self.env["AWS_SECRET_ACCESS_KEY"] = "@@secret:carol@@"
            elif self.chance(0.03) and hop == 0:
                # A self-referencing source_profile with the profile's own keys.
                self.keys(p, "alice")
                p.set("source_profile", p.name)
            else:
                p.set("source_profile", below)
                if self.chance(0.04):
                    p.set("credential_source", "Environment")  # item 7
                    self.env["AWS_ACCESS_KEY_ID"] = "@@key:carol@@"
                    self.env["AWS_SECRET_ACCESS_KEY"] = "@@secret:carol@@"
            if role == "rx" or self.chance(0.1):
                p.set("external_id", RX_EXTERNAL_ID if self.chance(0.85) else "wrong-ext")
            if self.chance(0.25):
                p.set("mfa_serial", mfa_arn("alice" if self.chance(0.8) else "carol"))
            if self.chance(0.3):
                p.set("role_session_name", self.pick(SESSION_NAMES))
            if self.chance(0.2):
                p.set("duration_seconds", self.duration())
            if self.chance(0.4):
                p.set("region", self.pick(REGIONS))
            if self.chance(0.03):
                self.keys(p, "carol")  # item 3: a role profile with keys of its own
            below = p.name
        assert below is not None
        if self.chance(0.05):
            top = self.profile(self.fresh_name())  # item 2: source_profile without role_arn
            top.set("source_profile", below)
            below = top.name
        return below

    def extras(self, top: str) -> None:
        names = list(self.profiles)
        if self.chance(0.08):  # item 1: a setting in the credentials file instead of the config
            p = self.profiles[self.pick(names)]
            movable = [(k, v) for k, v in p.config if k not in ("aws_access_key_id", "aws_secret_access_key")]
            if movable:
                k, v = self.pick(movable)  # type: ignore[arg-type]
                p.config.remove((k, v))
                p.credentials.append((k, v))
            else:
                p.set("region", self.pick(REGIONS), "credentials")
        if self.chance(0.35):  # [default] settings, inherited by every profile under (a)
            d = self.profile("default")
            if self.chance(0.6):
                d.set("region", self.pick(REGIONS))
            if self.chance(0.15):
                d.set("mfa_serial", mfa_arn("alice"))
            if self.chance(0.1):
                d.set("duration_seconds", self.duration())
            if self.chance(0.2):
                d.set("output", "json")
        if self.chance(0.08):  # include_profile (a)
            shared = self.profile("shared-settings")
            shared.set("region", self.pick(REGIONS))
            if self.chance(0.3):
                shared.set("mfa_serial", mfa_arn("alice"))
            who = self.profiles[self.pick(names)]
            who.set("include_profile", "shared-settings" if self.chance(0.9) else "missing-settings")
        for _ in range(self.rng.choices([0, 1, 2], [50, 35, 15])[0]):  # unrelated profiles
            p = self.profile(self.fresh_name())
            if self.chance(0.5):
                self.keys(p, "alice")
            else:
                p.set("role_arn", role_arn("r3"))
                p.set("source_profile", self.pick(names))
            if self.chance(0.5):
                p.set("region", self.pick(REGIONS))

    # --- the environment and the target ---------------------------------------------------

    def target(self, top: str) -> str | None:
        how = self.rng.choices(["argument", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "both", "default", "argument+env"],
                               [60, 18, 5, 5, 7, 5])[0]
        others = [n for n in self.profiles if n != top] or ["ghost"]
        if how == "argument":
            return top
        if how == "argument+env":
            self.env["AWS_PROFILE"] = self.pick(others)
            return top
        if how == "AWS_PROFILE":
            self.env["AWS_PROFILE"] = top
        elif how == "AWS_DEFAULT_PROFILE":
            self.env["AWS_DEFAULT_PROFILE"] = top
        elif how == "both":
            self.env["AWS_PROFILE"] = top
            self.env["AWS_DEFAULT_PROFILE"] = self.pick(others)
        else:  # the top profile is [default]
            self.rename(top, "default")
        return None

    def rename(self, old: str, new: str) -> None:
        if new in self.profiles:
            # The renamed profile's own settings win over what [default] already had.
            moved, kept = self.profiles.pop(old), self.profiles[new]
            for mine, theirs in ((moved.config, kept.config), (moved.credentials, kept.credentials)):
                own = {k for k, _ in mine}
                theirs[:] = mine + [(k, v) for k, v in theirs if k not in own]
        else:
            self.profiles[new] = self.profiles.pop(old)
            self.profiles[new].name = new
        for p in self.profiles.values():
            for entries in (p.config, p.credentials):
                entries[:] = [(k, new if k in ("source_profile", "include_profile") and v == old else v) for k, v in entries]

    def environment(self) -> None:
        if self.chance(0.12):
            self.env["AWS_DEFAULT_REGION"] = self.pick(REGIONS)
        if self.chance(0.08):
            self.env["AWS_REGION"] = self.pick(REGIONS)
        if self.chance(0.03):
            self.env[self.pick(["AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"])] = "@@home@@/.aws"  # item 12

    # --- syntax ----------------------------------------------------------------------------

    def header(self, name: str) -> str:
        if name == "default":
            return "profile default" if self.chance(0.15) else "default"
        needs_quotes = any(ch.isspace() or ch in "'\"" for ch in name)
        if needs_quotes:
            if self.chance(0.1):
                return f"profile {name}"  # not a profile for either side
            return f'profile "{name}"' if '"' not in name else f"profile {shlex.quote(name)}"
        form = self.rng.choices(["plain", "spaces", "double", "single", "tab", "trailing"], [80, 6, 6, 3, 2, 3])[0]
        return {
            "plain": f"profile {name}",
            "spaces": f"profile   {name}",
            "double": f'profile "{name}"',
            "single": f"profile '{name}'",
            "tab": f"profile\t{name}",
            "trailing": f"profile {name} ",
        }[form]

    def line(self, key: str, value: str) -> str:
        if self.chance(0.06):
            key = self.pick([key.capitalize(), key.upper()])
        sep = self.rng.choices([" = ", "=", " =  ", ": "], [75, 15, 5, 5])[0]
        return f"{key}{sep}{value}".rstrip()

    def section_lines(self, entries: list[tuple[str, str]]) -> list[str]:
        lines = [self.line(k, v) for k, v in entries]
        if self.chance(0.1):
            lines.insert(self.rng.randrange(len(lines) + 1), self.pick(["# a comment", "; a comment", "#region = nowhere-1"]))
        return lines

    def sections(self) -> tuple[list[Section], list[Section]]:
        config, credentials = [], []
        order = list(self.profiles.values())
        self.rng.shuffle(order)
        for p in order:
            if p.in_config or p.config:
                config.append(Section(self.header(p.name), self.section_lines(p.config)))
            if p.credentials:
                credentials.append(Section(p.name, self.section_lines(p.credentials)))
        if self.chance(0.03) and (config or credentials):  # item 11
            target = self.pick(config + credentials)  # type: ignore[arg-type]
            target.lines += ["\u00c4 = 1", "\u00e4 = 2"]
        return config, credentials

    def case(self) -> Case:
        top = self.chain()
        self.extras(top)
        profile = self.target(top)
        self.environment()
        config, credentials = self.sections()
        add_names: list[str] = []
        if self.chance(0.08):  # item 13
            name = self.pick(["carol smith", "new-one", "dev"] + list(self.profiles))
            add_names = [name, name] if self.chance(0.5) else [name]
        return Case(
            seed=self.seed,
            index=self.index,
            config=config,
            credentials=credentials,
            env=dict(self.env),
            profile=profile,
            session=self.chance(0.25),
            add_names=add_names,
        )


def generate(seed: int, index: int) -> Case:
    return Generator(seed, index).case()
