"""What each side did, normalised, compared aspect by aspect, and explained by the issue's items.

Normalisation (each one a difference that is deliberate, or no difference at all):
- (b) GetSessionToken: sesame with a session (exec without -n) first calls GetSessionToken with the
  chain's long-term key; the calls above it are signed with that session. Those calls are dropped
  and a key the session handed out counts as the long-term key that made it.
- (b) MFA once per chain: sesame presents an MFA code once, at the first call of the chain
  (GetSessionToken, or without a session the first AssumeRole), with the serial of the lowest role
  that names one; botocore presents it at every role that names one. So the serials are not
  compared per call: what is compared is the chain's MFA, the serial of its lowest call that
  presented one. An MFA that sesame's GetSessionToken presented for a key profile's own
  mfa_serial, where botocore presented none, is (b) too.
- (c) caching is handled by sesame_side (no reuse), so both sides call STS for every case.
- Names either side picks at random or by clock: a RoleSessionName that is the default of its
  side (botocore-session-EPOCH, sesame-EPOCH) reads "<default>", in calls and in the identity.
- AssumeRole without DurationSeconds is AssumeRole for 3600 s (AWS's default, which sesame sends).
- Both refused, sesame before sending the request STS refused botocore with a 400: the same
  refusal (see _refused_sooner).
- Signers are named, not compared as keys: a long-term key by its user, a temporary key by the
  call (#N, in the normalised list) that handed it out.
- (a) inheritance is applied before botocore reads the files (case.for_botocore); a profile sesame
  refuses because of its include_profile alone is expected to be refused.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from typing import Any, Callable

from . import case as C
from .botocore_side import Resolved

MINTING = ("GetSessionToken", "AssumeRole", "GetFederationToken")
DEFAULT_SESSION = re.compile(r"^(botocore-session|sesame)-\d+$")
ASPECTS = ("outcome", "identity", "region", "calls", "signing_region", "mfa", "add")


@dataclass(frozen=True)
class Call:
    action: str
    role: str
    session_name: str
    external_id: str
    duration: str
    signer: str
    signing_region: str
    status: int
    mfa: str = field(default="", compare=False)  # shown, compared as the chain's MFA

    def __str__(self) -> str:
        what = self.action + (f" {self.role.rsplit('/', 1)[-1]}" if self.role else "")
        extras = [
            f"session={self.session_name}" if self.session_name else "",
            f"external_id={self.external_id}" if self.external_id else "",
            f"duration={self.duration}" if self.duration else "",
            f"mfa={self.mfa.rsplit('/', 1)[-1]}" if self.mfa else "",
        ]
        return f"{what} [{' '.join(e for e in extras if e)}] signed by {self.signer} for {self.signing_region or '-'} -> {self.status}"


@dataclass
class Observation:
    """One side's result, normalised."""

    refused: str  # "" when credentials came out
    identity: str  # normalised ARN from GetCallerIdentity, or "error: ..." / ""
    region: str | None
    calls: list[Call]
    mfa: str  # the chain's MFA serial ("" for none)
    mfa_from_session: bool = False  # sesame's GetSessionToken presented it

    @property
    def outcome(self) -> str:
        return "refused" if self.refused else "ok"

    def summary(self) -> str:
        head = f"refused: {self.refused}" if self.refused else f"ok: {self.identity} region={self.region}"
        calls = "".join(f"\n      {c}" for c in self.calls) or "\n      (no STS call)"
        return head + calls


def _session_name(name: str) -> str:
    return "<default>" if DEFAULT_SESSION.match(name) else name


def normalise_identity(arn: str) -> str:
    head, sep, name = arn.rpartition("/")
    return f"{head}/{_session_name(name)}" if sep and ":assumed-role/" in arn else arn


def observe(resolved: Resolved, identity: str, raw_calls: list[dict[str, Any]], users: Callable[[str], str | None]) -> Observation:
    """Normalises one side's result and the STS calls moto logged while it ran."""
    calls: list[Call] = []
    issued: dict[str, str] = {}  # temporary key -> signer label
    mfa, from_session = "", False
    minting = [c for c in raw_calls if c["action"] in MINTING]
    for raw in minting:
        params = raw["params"]
        key = raw["access_key_id"]
        signer = users(key) or issued.get(key, "?")
        serial = params.get("SerialNumber", "")
        if raw["action"] == "GetSessionToken":
            # (b): the session stands for the key that made it.
            if raw.get("issued_access_key_id"):
                issued[raw["issued_access_key_id"]] = signer
            if serial and not mfa and any(c["action"] == "AssumeRole" for c in minting[minting.index(raw) + 1 :]):
                mfa, from_session = serial, True
            continue
        if serial and not mfa:
            mfa = serial
        duration = params.get("DurationSeconds", "3600" if raw["action"] == "AssumeRole" else "")
        call = Call(
            action=raw["action"],
            role=params.get("RoleArn", ""),
            session_name=_session_name(params.get("RoleSessionName", "")),
            external_id=params.get("ExternalId", ""),
            duration=duration,
            signer=signer,
            signing_region=raw.get("signing_region", ""),
            status=raw["status"],
            mfa=serial,
        )
        if raw.get("issued_access_key_id"):
            issued[raw["issued_access_key_id"]] = f"#{len(calls)}"
        calls.append(call)
    return Observation(
        refused=resolved.refused,
        identity=normalise_identity(identity) if not resolved.refused else "",
        region=resolved.region if not resolved.refused else None,
        calls=calls,
        mfa=mfa,
        mfa_from_session=from_session,
    )


def differing_aspects(bc: Observation, se: Observation, expect_sesame_refusal: bool = False) -> list[str]:
    if expect_sesame_refusal:
        # (a): an include_profile that is missing or loops makes sesame refuse the profile.
        return [] if se.refused else ["outcome"]
    out = []
    if bc.outcome != se.outcome:
        out.append("outcome")
    elif not bc.refused:
        if bc.identity != se.identity:
            out.append("identity")
        if bc.region != se.region:
            out.append("region")
    bc_calls = bc.calls
    if bc.refused and se.refused and _refused_sooner(bc.calls, se.calls, bc.refused):
        bc_calls = bc.calls[: len(se.calls)]
    strip = [(c.action, c.role, c.session_name, c.external_id, c.duration, c.signer, c.status) for c in bc_calls]
    strip_se = [(c.action, c.role, c.session_name, c.external_id, c.duration, c.signer, c.status) for c in se.calls]
    if strip != strip_se:
        out.append("calls")
    elif [c.signing_region for c in bc_calls] != [c.signing_region for c in se.calls]:
        out.append("signing_region")
    # The chain's MFA only once both reached the end: sesame presents it at the first call (b),
    # botocore at its role, so a chain that breaks in between has presented it on one side only.
    if not bc.refused and not se.refused and bc.mfa != se.mfa and not (se.mfa_from_session and not bc.mfa):
        out.append("mfa")
    return out


def _refused_sooner(bc_calls: list[Call], se_calls: list[Call], bc_refusal: str = "") -> bool:
    """Both refused, and sesame stopped sooner: its calls are the start of botocore's. sesame
    checks the whole chain's settings before its first call (a duration_seconds STS refuses, a
    role_session_name botocore's parameter validation refuses at that hop), where botocore finds
    them hop by hop, or an earlier hop fails it first (a wrong external_id): the user sees a
    refusal either way, sesame's with fewer doomed calls. (Not the other way round: sesame
    sending what botocore checks first is item N1.)"""
    del bc_refusal  # the reason may differ; that both refused is compared as the outcome
    n = len(se_calls)
    return n <= len(bc_calls) and [(c.action, c.role) for c in bc_calls[:n]] == [
        (c.action, c.role) for c in se_calls]


# --- the items: which case features explain which aspects -----------------------------


@dataclass
class Facts:
    """What the case holds, read once for every item's predicate."""

    case: C.Case
    cfg: dict[str, dict[str, str]]
    creds: dict[str, dict[str, str]]
    merged: dict[str, dict[str, str]]  # botocore's view: (a)-filled config, credentials over it
    involved: set[str]
    vault: dict[str, str]

    @classmethod
    def of(cls, case: C.Case) -> "Facts":
        cfg, creds = C.config_profiles(case), C.credentials_profiles(case)
        bc = C.config_profiles(case.with_(config=C.for_botocore(case)))
        merged = {name: dict(settings) for name, settings in bc.items()}
        for name, settings in creds.items():
            merged.setdefault(name, {}).update(settings)
        return cls(case, cfg, creds, merged, C.involved(case), C.vault(case))

    def settings(self) -> list[tuple[str, dict[str, str]]]:
        return [(n, self.merged[n]) for n in sorted(self.involved) if n in self.merged]

    def include_problem(self) -> str | None:
        """Why sesame refuses the profiles it resolves because of include_profile alone (a):
        its target (command line, else AWS_PROFILE, else default), then the source_profile chain."""
        name: str | None = self.case.profile if self.case.profile is not None else self.case.env.get("AWS_PROFILE") or "default"
        seen: set[str] = set()
        while name and name not in seen:
            seen.add(name)
            settings, problem = C.inherited(self.case, name)
            if problem:
                return problem
            name = settings.get("source_profile")
        return None


def _creds_settings(f: Facts) -> bool:
    keys = {"aws_access_key_id", "aws_secret_access_key", "aws_session_token"}
    return any(set(f.creds.get(n, {})) - keys for n in f.involved)


def _source_without_role(f: Facts) -> bool:
    return any(s.get("source_profile") and not s.get("role_arn") for _, s in f.settings())


def _keys_and_role(f: Facts) -> bool:
    return any(n in f.vault and s.get("role_arn") for n, s in f.settings())


def _default_profile_env(f: Facts) -> bool:
    env = f.case.env
    return f.case.profile is None and "AWS_DEFAULT_PROFILE" in env and env.get("AWS_PROFILE") != env["AWS_DEFAULT_PROFILE"]


def _odd_duration(f: Facts) -> bool:
    for _, s in f.settings():
        v = s.get("duration_seconds")
        if v is not None and not (re.fullmatch(r"[0-9]{1,9}", v) and 900 <= int(v) <= 43200):
            return True
    return False


def _credential_source(f: Facts) -> bool:
    return any(s.get("credential_source") and not s.get("source_profile") for _, s in f.settings())


def _source_and_credential_source(f: Facts) -> bool:
    return any(s.get("credential_source") and s.get("source_profile") for _, s in f.settings())


SHELLISH = re.compile(r"[|&;<>()$`*?#~]")


def _shellish_process(f: Facts) -> bool:
    return any(SHELLISH.search(s.get("credential_process", "")) for _, s in f.settings())


def _region_from_source(f: Facts) -> bool:
    env = f.case.env
    if env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION"):
        return False
    return any(not s.get("region") for _, s in f.settings()) and any(s.get("region") for _, s in f.settings())


def _regions_per_hop(f: Facts) -> bool:
    regions = {s.get("region") or "" for _, s in f.settings()}
    env_region = f.case.env.get("AWS_REGION") or f.case.env.get("AWS_DEFAULT_REGION")
    return len(regions) > 1 or bool(env_region and regions - {env_region})


def _non_ascii_case_keys(f: Facts) -> bool:
    for section in f.case.config + f.case.credentials:
        seen: dict[str, str] = {}
        for line in section.lines:
            parsed = C.parse_line(line)
            if not parsed:
                continue
            raw = line.split("=", 1)[0].split(":", 1)[0].strip()
            ascii_lower = "".join(ch.lower() if ch.isascii() else ch for ch in raw)
            if parsed[0] in seen and seen[parsed[0]] != ascii_lower:
                return True
            seen.setdefault(parsed[0], ascii_lower)
    return False


def _file_is_directory(f: Facts) -> bool:
    return any(C.unreadable(f.case, v) for v in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"))


def _odd_add(f: Facts) -> bool:
    names = f.case.add_names
    return any(any(ch.isspace() for ch in n) or names.count(n) > 1 or n in f.cfg for n in names)


def _bad_session_name(f: Facts) -> bool:
    return any(
        "role_session_name" in s and not re.fullmatch(r"[\w+=,.@-]{2,64}", s["role_session_name"], re.ASCII)
        for _, s in f.settings()
    )


def _aws_region_env(f: Facts) -> bool:
    return bool(f.case.env.get("AWS_REGION"))


def _env_keys_with_env_profile(f: Facts) -> bool:
    return f.case.profile is None and bool(f.case.env.get("AWS_ACCESS_KEY_ID"))


def _process_and_role(f: Facts) -> bool:
    return any(s.get("credential_process") and s.get("role_arn") for _, s in f.settings())


def _no_session_source_mfa(f: Facts) -> bool:
    return not f.case.session and any(s.get("mfa_serial") for _, s in f.settings())


ALL = set(ASPECTS) - {"add"}


@dataclass(frozen=True)
class Item:
    number: str
    title: str
    applies: Callable[[Facts], bool]
    aspects: frozenset[str]


ITEMS: dict[str, Item] = {
    i.number: i
    for i in [
        Item("1", "settings in ~/.aws/credentials (role_arn, region, ...) are ignored by sesame", _creds_settings, frozenset(ALL)),
        Item("2", "source_profile without role_arn: botocore has no credentials, sesame uses the source", _source_without_role, frozenset(ALL)),
        Item("3", "a profile with keys and role_arn", _keys_and_role, frozenset(ALL)),
        Item("4", "AWS_DEFAULT_PROFILE is ignored by sesame", _default_profile_env, frozenset(ALL)),
        Item("5", "duration_seconds spellings: Python int() vs sesame's digits-only, range", _odd_duration, frozenset(ALL)),
        Item("6", "credential_source (Environment) is refused by sesame", _credential_source, frozenset(ALL)),
        Item("7", "source_profile and credential_source together: botocore refuses", _source_and_credential_source, frozenset(ALL)),
        Item("8", "credential_process: botocore splits with shlex, sesame runs /bin/sh -c", _shellish_process, frozenset(ALL)),
        Item("9", "region: sesame gives the child the source profile's region", _region_from_source, frozenset({"region"})),
        Item("10", "signing region per hop (botocore: the target's region for every hop)", _regions_per_hop, frozenset({"signing_region"})),
        Item("11", "keys differing only in non-ASCII case (Ä/ä): botocore rejects the file", _non_ascii_case_keys, frozenset(ALL)),
        Item("12", "AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE naming a directory", _file_is_directory, frozenset(ALL)),
        Item("13", "sesame add: unquoted [profile a b], a second identical section", _odd_add, frozenset({"add"})),
        # Found by this test, beyond the list:
        Item("N1", "role_session_name botocore's model refuses (under 2 characters): sesame sends it to STS",
             _bad_session_name, frozenset(ALL)),
        Item("N2", "AWS_REGION: sesame prefers it to AWS_DEFAULT_REGION and the files; botocore 1.43 does not read it",
             _aws_region_env, frozenset({"region", "signing_region"})),
        Item("N3", "keys in the environment and the profile from AWS_PROFILE: botocore uses the keys (its env "
             "provider comes first unless --profile is given), sesame the profile", _env_keys_with_env_profile, frozenset(ALL)),
        Item("N4", "credential_process and role_arn in one profile: botocore refuses it (no source_profile or "
             "credential_source), sesame assumes the role with the process's credentials", _process_and_role, frozenset(ALL)),
        Item("N5", "--no-session on a role whose source names the MFA device: sesame sends it with the AssumeRole "
             "(issue 15: aws-vault's chain asks for it at the source's GetSessionToken, which --no-session skips); "
             "botocore reads only the role profile's own mfa_serial", _no_session_source_mfa, frozenset({"mfa"})),
    ]
}


def explain(facts: Facts, aspects: list[str], known: set[str]) -> tuple[list[str], list[str]]:
    """(items among `known` that apply to this case and cover a differing aspect, aspects that no
    known item covers)."""
    applying = [i for i in ITEMS.values() if i.number in known and i.applies(facts)]
    used = sorted({i.number for i in applying for a in aspects if a in i.aspects}, key=_item_order)
    unexplained = [a for a in aspects if not any(a in i.aspects for i in applying)]
    return used, unexplained


def applying_items(facts: Facts) -> list[str]:
    return sorted((i.number for i in ITEMS.values() if i.applies(facts)), key=_item_order)


def _item_order(number: str) -> tuple[int, str]:
    return (int(number), "") if number.isdigit() else (1000, number)


def check_added_config(before: str, after: str, names: list[str], failures: list[str], credentials: str) -> list[str]:
    """Item 13: after `sesame add NAME...`, botocore must still read the config, every added name
    must be a profile, and every other profile must be unchanged. A file botocore cannot read
    either may make sesame add refuse."""
    import configparser

    try:
        configparser.RawConfigParser().read_string(credentials)
        configparser.RawConfigParser().read_string(before)
    except configparser.Error:
        return []
    problems = list(failures)

    def profiles(text: str) -> dict[str, dict[str, str]] | str:
        parser = configparser.RawConfigParser()
        try:
            parser.read_string(text)
        except configparser.Error as e:
            return f"{type(e).__name__}: {str(e).splitlines()[0]}"
        out: dict[str, dict[str, str]] = {}
        for header in parser.sections():
            name = C.config_profile_name(header)
            if name is not None:
                out[name] = dict(parser.items(header))
        return out

    old, new = profiles(before), profiles(after)
    if isinstance(new, str):
        if not isinstance(old, str):
            problems.append(f"botocore cannot read the config after sesame add: {new}")
        return problems
    for name in names:
        if name not in new:
            problems.append(f"after sesame add {name!r} botocore has no profile {name!r} (sections: "
                            f"{', '.join(shlex.quote(h) for h in new)})")
    if not isinstance(old, str):
        for name, settings in old.items():
            if new.get(name) != settings:
                problems.append(f"sesame add changed profile {name!r}: {settings} -> {new.get(name)}")
    return problems
