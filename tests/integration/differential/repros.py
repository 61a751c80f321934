"""One minimal, hand-written reproduction per item: the smallest case that shows the difference.

test_differential runs each: an item listed in KNOWN must still differ here (else it has been fixed
and its KNOWN entry should go), an item not listed must not differ. They are also what the report
quotes. Placeholders as in case.py.
"""

from __future__ import annotations

from .case import Case, sections
from .fixture import RX_EXTERNAL_ID, role_arn

ALICE_KEYS = "aws_access_key_id = @@key:alice@@\naws_secret_access_key = @@secret:alice@@\n"
CAROL_ENV = {"AWS_ACCESS_KEY_ID": "@@key:carol@@", "AWS_SECRET_ACCESS_KEY": "@@secret:carol@@"}
R1, R2 = role_arn("r1"), role_arn("r2")


def repro(
    name: str,
    config: str = "",
    credentials: str = "",
    env: dict[str, str] | None = None,
    profile: str | None = None,
    session: bool = False,
    add_names: tuple[str, ...] = (),
) -> Case:
    return Case(
        seed=0,
        index=0,
        config=sections(config),
        credentials=sections(credentials),
        env=dict(env or {}),
        profile=profile,
        session=session,
        add_names=list(add_names),
        name=f"repro {name}",
    )


# Keyed by item number, then a variant in parentheses where one item has several.
REPROS: dict[str, Case] = {
    "1": repro("1", credentials=f"[alice]\n{ALICE_KEYS}[admin]\nrole_arn = {R1}\nsource_profile = alice\n", profile="admin"),
    "2": repro("2", config="[profile jump]\nsource_profile = alice\n", credentials=f"[alice]\n{ALICE_KEYS}", profile="jump"),
    "2 (keys)": repro(
        "2 (keys)",
        config=f"[profile src]\nsource_profile = ghost\n[profile top]\nrole_arn = {R1}\nsource_profile = src\n",
        credentials=f"[src]\n{ALICE_KEYS}",
        profile="top",
    ),
    "3": repro("3", config=f"[profile both]\nrole_arn = {R1}\n", credentials=f"[both]\n{ALICE_KEYS}", profile="both"),
    "3 (source)": repro(
        "3 (source)",
        config=f"[profile src]\nrole_arn = {R2}\n[profile top]\nrole_arn = {R1}\nsource_profile = src\n",
        credentials=f"[src]\n{ALICE_KEYS}",
        profile="top",
    ),
    "3 (loop)": repro(
        "3 (loop)",
        config=(
            f"[profile src]\nrole_arn = {R2}\nsource_profile = top\n"
            f"[profile top]\nrole_arn = {R1}\nsource_profile = src\n"
        ),
        credentials=f"[src]\n{ALICE_KEYS}",
        profile="top",
    ),
    "4": repro("4", credentials=f"[ops]\n{ALICE_KEYS}", env={"AWS_DEFAULT_PROFILE": "ops"}),
    "5": repro(
        "5",
        config=f"[profile admin]\nrole_arn = {R1}\nsource_profile = alice\nduration_seconds = 1800.0\n",
        credentials=f"[alice]\n{ALICE_KEYS}",
        profile="admin",
    ),
    "6": repro("6", config=f"[profile envrole]\nrole_arn = {R2}\ncredential_source = Environment\n", env=CAROL_ENV,
               profile="envrole"),
    "7": repro(
        "7",
        config=f"[profile admin]\nrole_arn = {R1}\nsource_profile = alice\ncredential_source = Environment\n",
        credentials=f"[alice]\n{ALICE_KEYS}",
        env=CAROL_ENV,
        profile="admin",
    ),
    "8": repro("8", config="[profile proc]\ncredential_process = @@bin@@/emit alice | cat\n", profile="proc"),
    "9": repro(
        "9",
        config=f"[profile alice]\nregion = eu-west-1\n[profile admin]\nrole_arn = {R1}\nsource_profile = alice\n",
        credentials=f"[alice]\n{ALICE_KEYS}",
        profile="admin",
    ),
    "10": repro(
        "10",
        config=(
            f"[profile mid]\nrole_arn = {R1}\nsource_profile = alice\nregion = eu-west-1\n"
            f"[profile top]\nrole_arn = {R2}\nsource_profile = mid\nregion = us-west-2\n"
        ),
        credentials=f"[alice]\n{ALICE_KEYS}",
        profile="top",
    ),
    "11": repro("11", config="[profile alice]\n\u00c4 = 1\n\u00e4 = 2\n", credentials=f"[alice]\n{ALICE_KEYS}", profile="alice"),
    "12": repro("12", config=f"[profile alice]\n{ALICE_KEYS}", env={"AWS_SHARED_CREDENTIALS_FILE": "@@home@@/.aws"},
                profile="alice"),
    "12 (config)": repro("12 (config)", credentials=f"[alice]\n{ALICE_KEYS}", env={"AWS_CONFIG_FILE": "@@home@@/.aws"},
                         profile="alice"),
    "13": repro("13", add_names=("carol smith", "carol smith"), profile="nobody"),
    "N1": repro(
        "N1",
        config=f"[profile admin]\nrole_arn = {R1}\nsource_profile = alice\nrole_session_name = x\n",
        credentials=f"[alice]\n{ALICE_KEYS}",
        profile="admin",
    ),
    "N2": repro("N2", config="[profile alice]\nregion = us-west-2\n", credentials=f"[alice]\n{ALICE_KEYS}",
                env={"AWS_REGION": "eu-west-1"}, profile="alice"),
    "N3": repro("N3", credentials=f"[alice]\n{ALICE_KEYS}", env={**CAROL_ENV, "AWS_PROFILE": "alice"}),
    "N4": repro("N4", config=f"[profile both]\ncredential_process = @@bin@@/emit alice\nrole_arn = {R1}\n", profile="both"),
}

# Cases that must match on both sides whatever KNOWN says: the ordinary paths, and each deliberate
# difference (a)-(c) that the comparison normalises away.
SAME: dict[str, Case] = {
    "keys": repro("keys", credentials=f"[alice]\n{ALICE_KEYS}", profile="alice"),
    "role over keys": repro(
        "role",
        config=f"[profile alice]\nregion = eu-west-1\n[profile admin]\nrole_arn = {role_arn('rx')}\nsource_profile = alice\n"
        f"external_id = {RX_EXTERNAL_ID}\nrole_session_name = sess-a\nduration_seconds = 7200\nregion = eu-west-1\n",
        credentials=f"[alice]\n{ALICE_KEYS}",
        profile="admin",
    ),
    "(a) inherits region and mfa_serial from [default]": repro(
        "a",
        config=f"[default]\nregion = ap-southeast-2\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n"
        f"[profile admin]\nrole_arn = {R1}\nsource_profile = alice\n",
        credentials=f"[alice]\n{ALICE_KEYS}",
        profile="admin",
    ),
    "(a) include_profile": repro(
        "a2",
        config=f"[profile shared]\nregion = eu-west-1\n[profile admin]\ninclude_profile = shared\nrole_arn = {R1}\n"
        "source_profile = alice\nregion =\n[profile alice]\nregion = eu-west-1\n",
        credentials=f"[alice]\n{ALICE_KEYS}",
        profile="admin",
    ),
    "(a) a missing include_profile: sesame refuses": repro(
        "a3",
        config=f"[profile admin]\ninclude_profile = missing\nrole_arn = {R1}\nsource_profile = alice\n",
        credentials=f"[alice]\n{ALICE_KEYS}",
        profile="admin",
    ),
    "(b) session, MFA at GetSessionToken": repro(
        "b",
        config=f"[profile alice]\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n[profile mid]\nrole_arn = {R1}\n"
        f"source_profile = alice\n[profile top]\nrole_arn = {R2}\nsource_profile = mid\n"
        "mfa_serial = arn:aws:iam::123456789012:mfa/alice\n",
        credentials=f"[alice]\n{ALICE_KEYS}",
        profile="top",
        session=True,
    ),
    "(b) no session, MFA at the first role": repro(
        "b2",
        config=f"[profile mid]\nrole_arn = {R1}\nsource_profile = alice\n[profile top]\nrole_arn = {R2}\n"
        "source_profile = mid\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n",
        credentials=f"[alice]\n{ALICE_KEYS}",
        profile="top",
    ),
    "quoted name with a space": repro(
        "q",
        config=f"[profile \"carol smith\"]\nrole_arn = {R1}\nsource_profile = o'neil\n",
        credentials=f"[o'neil]\n{ALICE_KEYS}",
        env={"AWS_PROFILE": "carol smith"},
    ),
    "credential_process": repro("p", config="[profile proc]\ncredential_process = \"@@bin@@/dir with space/emit\" carol\n",
                                profile="proc"),
}

for _name, _case in SAME.items():
    _case.name = _name
