"""Runs cases against one moto server: both sides, the comparison, shrinking, the report.

One moto, one IAM fixture and one sesame sandbox serve every case of a run (a moto start and a
fresh vault each cost a large part of a second); per case only the files, the vault snapshot and
the environment change. Both sides run one after the other, so the server's call log, read from
the position it had before each side, holds exactly that side's calls.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Callable, Iterable

import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from harness import Moto, Sandbox

from . import case as C
from . import compare
from .botocore_side import Botocore, Resolved
from .fixture import create, write_scripts
from .generator import generate
from .sesame_side import Sesame


@dataclass
class Outcome:
    case: C.Case
    botocore: compare.Observation
    sesame: compare.Observation
    aspects: list[str]  # what differs
    explained_by: list[str]  # known items that explain it
    unexplained: list[str]  # aspects no known item explains
    applying: list[str]  # every item whose feature the case has (known or not)
    add_problems: list[str] = field(default_factory=list)
    raw: dict[str, Resolved] = field(default_factory=dict)

    @property
    def differs(self) -> bool:
        return bool(self.aspects)


class Runner:
    def __init__(self, moto: Moto, known: Iterable[str]) -> None:
        self.moto = moto
        self.known = set(known)
        self.fixture = create(moto)
        self.sb = Sandbox(moto)
        self.bin = self.sb.root / "bin"
        write_scripts(self.bin, self.fixture)
        self.values = C.Values(self.fixture.users, str(self.bin), str(self.sb.home))
        self.botocore_config = self.sb.root / "botocore-config"
        self.botocore = Botocore(moto.url)
        self.sesame = Sesame(self.sb, self.fixture.users)
        self.http = requests.Session()
        self.seq = len(self._calls_since(0))

    def close(self) -> None:
        self.botocore.close()
        self.http.close()
        self.sb.close()

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- moto ---

    def _calls_since(self, seq: int) -> list[dict]:
        r = self.http.get(f"{self.moto.url}/_sesame/sts-calls", params={"since": seq}, timeout=10)
        r.raise_for_status()
        return r.json()

    def _take_calls(self) -> list[dict]:
        calls = self._calls_since(self.seq)
        self.seq += len(calls)
        return calls

    def _identity(self, creds: tuple[str, str, str | None]) -> str:
        """GetCallerIdentity signed with `creds` (the same request for both sides)."""
        body = b"Action=GetCallerIdentity&Version=2011-06-15"
        request = AWSRequest(method="POST", url=self.moto.url + "/", data=body,
                             headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
        SigV4Auth(Credentials(*creds), "sts", "us-east-1").add_auth(request)
        answer = self.http.post(self.moto.url + "/", data=body, headers=dict(request.headers.items()), timeout=10)
        if answer.status_code == 200 and (arn := re.search(r"<Arn>([^<]+)</Arn>", answer.text)):
            return arn.group(1)
        code = re.search(r"<Code>([^<]+)</Code>", answer.text)
        return f"error: {code.group(1) if code else answer.status_code}"

    # --- one case ---

    def _write_files(self, case: C.Case) -> None:
        fill = self.values.fill
        self.sb.write_credentials(fill(C.render(case.credentials)))
        self.botocore_config.write_text(fill(C.render(C.for_botocore(case))))

    def _env(self, case: C.Case) -> dict[str, str]:
        return {k: self.values.fill(v) for k, v in case.env.items()}

    def _botocore_env(self, case: C.Case) -> dict[str, str]:
        base = {k: v for k, v in self.sb.env.items() if not k.startswith(("AWS_", "SESAME_"))}
        base.update(
            AWS_CONFIG_FILE=str(self.botocore_config),
            AWS_SHARED_CREDENTIALS_FILE=str(self.sb.credentials),
            AWS_EC2_METADATA_DISABLED="true",
        )
        return {**base, **self._env(case)}

    def observe(self, case: C.Case) -> Outcome:
        facts = compare.Facts.of(case)
        self.sesame.prepare_vault(facts.vault)
        self._write_files(case)
        self.sb.write_config(self.values.fill(C.render(case.config)))
        users = self.fixture.user_of_key

        self._take_calls()
        bc_raw = self.botocore.resolve(self._botocore_env(case), case.profile)
        bc_identity = self._identity(bc_raw.credentials) if bc_raw.credentials else ""
        bc = compare.observe(bc_raw, bc_identity, self._take_calls(), users)

        se_raw = self._run_sesame(case)
        se_identity = self._identity(se_raw.credentials) if se_raw.credentials else ""
        se = compare.observe(se_raw, se_identity, self._take_calls(), users)

        aspects = compare.differing_aspects(bc, se, expect_sesame_refusal=facts.include_problem() is not None)
        add_problems: list[str] = []
        if case.add_names:
            before = self.values.fill(C.render(case.config))
            after, failures = self.sesame.add_check(before, case.add_names)
            credentials = self.values.fill(C.render(case.credentials))
            add_problems = compare.check_added_config(before, after, case.add_names, failures, credentials)
            if add_problems:
                aspects.append("add")
        used, unexplained = compare.explain(facts, aspects, self.known)
        return Outcome(case, bc, se, aspects, used, unexplained, compare.applying_items(facts), add_problems,
                       {"botocore": bc_raw, "sesame": se_raw})

    def _run_sesame(self, case: C.Case) -> Resolved:
        for attempt in range(3):
            try:
                return self.sesame.resolve(self._env(case), case.profile, case.session)
            except (OSError, PermissionError):  # the binary is being relinked: try again
                if attempt == 2:
                    raise
                time.sleep(2)
        raise AssertionError("unreachable")

    # --- shrinking ---

    def shrink(self, case: C.Case, keep: Callable[[Outcome], bool], budget: int = 80) -> C.Case:
        """Greedily removes sections, lines, variables and options while `keep` still holds."""
        tries = 0
        changed = True
        while changed and tries < budget:
            changed = False
            for candidate in _smaller(case):
                tries += 1
                if tries > budget:
                    break
                try:
                    outcome = self.observe(candidate)
                except Exception:  # a broken candidate is simply not smaller
                    continue
                if keep(outcome):
                    case, changed = candidate, True
                    break
        return case

    def run(self, seed: int, count: int, progress: Callable[[int, Outcome], None] | None = None) -> list[Outcome]:
        outcomes = []
        for index in range(count):
            outcome = self.observe(generate(seed, index))
            outcomes.append(outcome)
            if progress:
                progress(index, outcome)
        return outcomes


def _smaller(case: C.Case) -> Iterable[C.Case]:
    """Every case one step smaller than `case`, biggest steps first."""
    for field_name in ("config", "credentials"):
        sections: list[C.Section] = getattr(case, field_name)
        for i in range(len(sections)):
            yield case.with_(**{field_name: sections[:i] + sections[i + 1 :]})
    for key in list(case.env):
        yield case.with_(env={k: v for k, v in case.env.items() if k != key})
    if case.session:
        yield case.with_(session=False)
    if case.add_names:
        yield case.with_(add_names=case.add_names[:-1])
    for field_name in ("config", "credentials"):
        sections = getattr(case, field_name)
        for i, s in enumerate(sections):
            for j in range(len(s.lines)):
                smaller = C.Section(s.header, s.lines[:j] + s.lines[j + 1 :])
                yield case.with_(**{field_name: sections[:i] + [smaller] + sections[i + 1 :]})


# --- the report ----------------------------------------------------------------------------------


def describe(outcome: Outcome, values: C.Values | None = None) -> str:
    """A reproduction: the files, the environment, the command, what each side did."""
    case = outcome.case
    vault = C.vault(case)
    profile_arg = f" {case.profile!r}" if case.profile is not None else ""
    lines = [
        f"--- {case.label}: differs in {', '.join(outcome.aspects) or 'nothing'}"
        + (f" (known items {', '.join(outcome.explained_by)})" if outcome.explained_by else "")
        + (f" UNEXPLAINED: {', '.join(outcome.unexplained)}" if outcome.unexplained else ""),
        "~/.aws/config:",
        _indent(C.render(case.config)),
        "~/.aws/credentials:",
        _indent(C.render(case.credentials)),
    ]
    if C.for_botocore(case) != case.config:
        lines += ["botocore's copy of the config, with sesame's inheritance (a) written out:",
                  _indent(C.render(C.for_botocore(case)))]
    lines += [
        "sesame's vault (sesame add --env): " + (", ".join(f"{p!r} = {u}'s keys" for p, u in sorted(vault.items())) or "empty"),
        "env: " + (" ".join(f"{k}={v!r}" for k, v in sorted(case.env.items())) or "(nothing beyond HOME and the files)"),
        f"botocore: aws sts get-caller-identity{' --profile' + profile_arg if case.profile is not None else ''}",
        "sesame:   sesame " + " ".join(Sesame.argv(case.profile, case.session)),
        "  botocore did: " + outcome.botocore.summary() + (f"\n      chain MFA: {outcome.botocore.mfa}" if outcome.botocore.mfa else ""),
        "  sesame did:   " + outcome.sesame.summary() + (f"\n      chain MFA: {outcome.sesame.mfa}" if outcome.sesame.mfa else ""),
    ]
    if case.add_names:
        lines.append("  then: " + "; ".join(f"sesame add {n!r}" for n in case.add_names))
        lines += [f"  add: {p}" for p in outcome.add_problems]
    lines.append("(placeholders: @@key:USER@@/@@secret:USER@@ = that IAM user's key pair, @@bin@@ = the fixture's "
                 "script folder, @@home@@ = $HOME)")
    return "\n".join(lines)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.rstrip("\n").splitlines()) or "    (empty)"


def summary(outcomes: list[Outcome]) -> str:
    """Counts per item: cases whose differences it explains (alone or with others)."""
    total = len(outcomes)
    differing = [o for o in outcomes if o.differs]
    lines = [f"{total} cases, {len(differing)} differ, {sum(1 for o in differing if o.unexplained)} unexplained"]
    counts: dict[str, int] = {}
    alone: dict[str, int] = {}
    for o in differing:
        for item in o.explained_by:
            counts[item] = counts.get(item, 0) + 1
        if len(o.explained_by) == 1:
            alone[o.explained_by[0]] = alone.get(o.explained_by[0], 0) + 1
    exercised: dict[str, int] = {}
    for o in outcomes:
        for item in o.applying:
            exercised[item] = exercised.get(item, 0) + 1
    for number, item in compare.ITEMS.items():
        lines.append(f"  item {number:>3}: {counts.get(number, 0):4d} differing cases ({alone.get(number, 0)} by it alone), "
                     f"exercised by {exercised.get(number, 0)} — {item.title}")
    return "\n".join(lines)
