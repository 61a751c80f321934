"""A generated case and what can be read from it without running anything.

A case is two INI files (as sections of raw lines, so odd syntax survives), an environment, the
profile named on the command line (or None: chosen by the environment), whether sesame runs with
GetSessionToken, and names to `sesame add` afterwards. Keys and paths are placeholders
(``@@key:alice@@``, ``@@secret:alice@@``, ``@@bin@@``, ``@@home@@``), filled in per moto server,
so a case prints the same whatever server ran it.

sesame keeps long-term keys in its vault, not in the files: every profile whose file section holds a
complete placeholder key pair is `sesame add`ed with those keys (the credentials file first, as
botocore's full_config lets it override the config file). The vault is derived from the files, so
shrinking a case never leaves the two sides with different keys.

Deliberate difference (a), aws-vault's inheritance: sesame fills the settings a profile leaves
unset from its include_profile (or parent_profile), recursively, else from [default]; values that
are empty do not count; a source_profile naming the profile itself is dropped. botocore has no
inheritance, so `for_botocore` writes those inherited settings into botocore's copy of the config:
both sides then resolve the same settings, and what is compared is everything after inheritance.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

from harness import Keys

PLACEHOLDER = re.compile(r"@@(key|secret):(\w+)@@|@@(bin|home)@@")
# Settings a profile does not inherit: sesame ignores keys in the files (its vault holds them), and
# the links themselves are sesame's, unknown to botocore.
NOT_INHERITED = {
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
    "include_profile",
    "parent_profile",
}


@dataclass
class Section:
    """`[header]` and its lines as written (entries, comments), in order."""

    header: str
    lines: list[str] = field(default_factory=list)


@dataclass
class Case:
    seed: int
    index: int
    config: list[Section]
    credentials: list[Section]
    env: dict[str, str]
    profile: str | None  # named on the command line; None: AWS_PROFILE (etc.) or "default"
    session: bool = False  # sesame without --no-session: GetSessionToken first, difference (b)
    add_names: list[str] = field(default_factory=list)  # `sesame add` these afterwards (item 13)
    name: str = ""  # hand-written cases are named instead of numbered

    @property
    def label(self) -> str:
        return self.name or f"seed {self.seed} case {self.index}"

    def with_(self, **changes: object) -> "Case":
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Values:
    """What the placeholders stand for on one moto server and one sandbox."""

    keys: Mapping[str, Keys]
    bin: str
    home: str

    def fill(self, text: str) -> str:
        def one(m: re.Match[str]) -> str:
            if m.group(1):
                keys = self.keys[m.group(2)]
                return keys.access_key_id if m.group(1) == "key" else keys.secret_access_key
            return self.bin if m.group(3) == "bin" else self.home

        return PLACEHOLDER.sub(one, text)


def render(sections: Iterable[Section]) -> str:
    """The file text, placeholders left in."""
    out = []
    for s in sections:
        out.append(f"[{s.header}]\n" + "".join(line + "\n" for line in s.lines))
    return "\n".join(out)


def sections(text: str) -> list[Section]:
    """Sections from file text (for hand-written cases): `[header]` lines start one; blank lines
    are dropped, every other line is kept as written."""
    out: list[Section] = []
    for line in text.splitlines():
        if line.startswith("[") and line.rstrip().endswith("]"):
            out.append(Section(line.rstrip()[1:-1]))
        elif line.strip():
            if not out:
                raise ValueError(f"a line before any section: {line!r}")
            out[-1].lines.append(line)
    return out


# --- reading the files as botocore's configparser does (leniently) -----------------------------


def parse_line(line: str) -> tuple[str, str] | None:
    """(key, value) as RawConfigParser reads an entry line: the key before the first '=' or ':',
    lower-cased by Python's str.lower (which also folds non-ASCII case: item 11), both stripped."""
    if not line.strip() or line[0] in " \t" or line.lstrip()[0] in "#;":
        return None
    cut = min((i for i in (line.find("="), line.find(":")) if i >= 0), default=-1)
    if cut < 0:
        return None
    return line[:cut].strip().lower(), line[cut + 1 :].strip()


def entries(section: Section) -> dict[str, str]:
    """A section's settings; a repeated key keeps its last value (botocore refuses the file)."""
    out: dict[str, str] = {}
    for line in section.lines:
        parsed = parse_line(line)
        if parsed:
            out[parsed[0]] = parsed[1]
    return out


def config_profile_name(header: str) -> str | None:
    """botocore's build_profile_map/_parse_section: [default], or "profile" and exactly one more
    shlex word ([profile "a b"] is "a b"; [profile a b] is nothing)."""
    if header == "default":
        return "default"
    if not header.startswith("profile"):
        return None
    try:
        parts = shlex.split(header)
    except ValueError:
        return None
    return parts[1] if len(parts) == 2 else None


def config_sections(case: Case) -> dict[str, int]:
    """Profile name -> index of the config section that defines it (a later one wins)."""
    found: dict[str, int] = {}
    for i, s in enumerate(case.config):
        name = config_profile_name(s.header)
        if name is not None:
            found[name] = i
    return found


def config_profiles(case: Case) -> dict[str, dict[str, str]]:
    return {name: entries(case.config[i]) for name, i in config_sections(case).items()}


def credentials_profiles(case: Case) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for s in case.credentials:
        out.setdefault(s.header, {}).update(entries(s))
    return out


def _key_user(settings: Mapping[str, str]) -> str | None:
    key = PLACEHOLDER.fullmatch(settings.get("aws_access_key_id", ""))
    secret = PLACEHOLDER.fullmatch(settings.get("aws_secret_access_key", ""))
    if key and secret and key.group(1) == "key" and secret.group(1) == "secret" and key.group(2) == secret.group(2):
        return key.group(2)
    return None


def unreadable(case: Case, variable: str) -> bool:
    """Whether the case points AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at a directory."""
    return case.env.get(variable, "").rstrip("/") == "@@home@@/.aws"


def vault(case: Case) -> dict[str, str]:
    """Profile -> the user whose keys sesame stores for it: the pair botocore would use, from the
    files botocore reads (a file the environment replaces with a directory gives no keys)."""
    out: dict[str, str] = {}
    if not unreadable(case, "AWS_CONFIG_FILE"):
        for name, settings in config_profiles(case).items():
            if user := _key_user(settings):
                out[name] = user
    if not unreadable(case, "AWS_SHARED_CREDENTIALS_FILE"):
        for name, settings in credentials_profiles(case).items():
            if user := _key_user(settings):
                out[name] = user
    return out


# --- (a): sesame's inheritance, written out for botocore ---------------------------------------


def inherited(case: Case, name: str) -> tuple[dict[str, str], str | None]:
    """The settings sesame's resolve_profile gives `name` from the config file, and why sesame
    refuses the profile outright, if it does (an include_profile that is missing or loops)."""
    sections = config_profiles(case)
    settings: dict[str, str] = {}
    visited: list[str] = []
    current: str | None = name
    while current is not None:
        if current in visited:
            return settings, f"include_profile loop through {current!r}"
        visited.append(current)
        own = sections.get(current)
        if own is None:
            current = "default" if current != "default" else None
            continue
        for key, value in own.items():
            if value and key not in settings:
                settings[key] = value
        link = own.get("include_profile") or own.get("parent_profile")
        if link:
            if link not in sections:
                return settings, f"include_profile {link!r} is not defined"
            current = link
        else:
            current = "default" if current != "default" and "default" in sections else None
    if settings.get("source_profile") == name:
        del settings["source_profile"]
    return settings, None


def for_botocore(case: Case) -> list[Section]:
    """botocore's copy of the config: every profile sesame would resolve carries the settings it
    inherits (a) in its own section, so botocore sees what sesame sees before resolution."""
    sections = [Section(s.header, list(s.lines)) for s in case.config]
    where = config_sections(case)
    names = set(where) | set(credentials_profiles(case))
    for name in sorted(names):
        full, _ = inherited(case, name)
        if name in where:
            own = entries(case.config[where[name]])
        else:
            own = {}
        extra = {k: v for k, v in full.items() if k not in NOT_INHERITED and own.get(k, "") != v}
        if not extra:
            continue
        if name not in where:
            header = "default" if name == "default" else "profile " + shlex.quote(name)
            sections.append(Section(header, [f"{k} = {v}" for k, v in extra.items()]))
            continue
        target = sections[where[name]]
        for key, value in extra.items():
            # An own empty value is replaced in place: a second line would be a duplicate key.
            for i, line in enumerate(target.lines):
                parsed = parse_line(line)
                if parsed and parsed[0] == key:
                    target.lines[i] = f"{key} = {value}"
                    break
            else:
                target.lines.append(f"{key} = {value}")
    return sections


def start_profiles(case: Case) -> list[str]:
    """Every profile either side may start from: the command line's, the environment's, default."""
    names = [case.profile] if case.profile is not None else []
    names += [case.env[v] for v in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE") if v in case.env]
    return names + ["default"]


def involved(case: Case) -> set[str]:
    """Profiles either side may read for this case: the start profiles and everything reachable
    from them through source_profile, include_profile and parent_profile in either file."""
    cfg, creds = config_profiles(case), credentials_profiles(case)
    seen: set[str] = set()
    todo = start_profiles(case)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for settings in (cfg.get(name, {}), creds.get(name, {})):
            todo += [settings[k] for k in ("source_profile", "include_profile", "parent_profile") if settings.get(k)]
    return seen
