"""Differential test: generated AWS configs resolved by botocore (the oracle) and by sesame, both
against one signature-checking moto, compared call by call (see differential/__init__.py).

A fixed seed runs in CI (SESAME_DIFF_SEED, SESAME_DIFF_CASES override it by hand, e.g.
`SESAME_DIFF_SEED=7 SESAME_DIFF_CASES=1000 python3 run.py -k differential`; `python3 -m
differential --help` prints per-item counts and shrunk reproductions). A case fails when it differs
in a way no item of KNOWN explains; each failure prints a reproduction: both files, the
environment, the profile, what botocore did and what sesame did.

KNOWN lists the differences of issue 13 (and those this test found beyond it) that sesame still
has. Empty it item by item as fixes land: test_known_differences_reproduce skips (with a note
saying which entry to remove) each reproduction of a listed item that no longer differs, and
fails for an unlisted item that differs again; test_generated_cases fails as soon as a removed
item shows up in any generated case.
"""

from __future__ import annotations

import os
import sys
import time
import unittest

from harness import Moto, sesame_bin

from differential.compare import ITEMS
from differential.repros import REPROS, SAME
from differential.runner import Outcome, Runner, describe, summary

# Item -> why it is tolerated. Titles of every item: differential/compare.py ITEMS. Items 1-13 and
# N1, N4 are fixed: their reproductions in differential/repros.py must match botocore now (each
# failed before). What stays is deliberate, and README's configuration section says so.
KNOWN: dict[str, str] = {
    "N2": "deliberate: AWS_REGION wins over AWS_DEFAULT_REGION and the profile, as in the AWS CLI v2 "
          "and every AWS SDK (botocore 1.x reads only AWS_DEFAULT_REGION)",
    "N3": "deliberate: sesame gives the profile it is asked for, even when keys are in its environment "
          "(botocore's env provider wins unless --profile is given)",
    "N5": "deliberate (issue 15): under --no-session the MFA device of the key's profile goes with the "
          "AssumeRole, so a role that needs MFA works; botocore sends only the role profile's own",
}

CI_SEED = 20261130
CI_CASES = 250  # ~45 s here (about 6 cases a second); the budget is 90 s
SHRINK_SHOWN = 3  # unexplained differences shrunk and printed in full; the rest are listed


class DifferentialTest(unittest.TestCase):
    moto: Moto
    runner: Runner

    @classmethod
    def setUpClass(cls) -> None:
        if not os.access(sesame_bin(), os.X_OK):
            raise RuntimeError(f"sesame binary not found at {sesame_bin()}: build it or pass run.py --sesame PATH")
        unknown = set(KNOWN) - set(ITEMS)
        if unknown:
            raise RuntimeError(f"KNOWN names items that do not exist: {sorted(unknown)}")
        cls.moto = Moto().__enter__()
        try:
            cls.runner = Runner(cls.moto, KNOWN)
        except BaseException:
            cls.moto.__exit__(None, None, None)
            raise

    @classmethod
    def tearDownClass(cls) -> None:
        cls.runner.close()
        cls.moto.__exit__(None, None, None)

    def test_generated_cases(self) -> None:
        """Every generated case behaves the same on both sides, or differs only as KNOWN says."""
        seed = int(os.environ.get("SESAME_DIFF_SEED", CI_SEED))
        count = int(os.environ.get("SESAME_DIFF_CASES", CI_CASES))
        started = time.monotonic()
        outcomes = self.runner.run(seed, count)
        elapsed = time.monotonic() - started
        print(f"\ndifferential, seed {seed}: {summary(outcomes)}\n({elapsed:.1f} s)", file=sys.stderr)
        bad = [o for o in outcomes if o.unexplained]
        if not bad:
            return
        shown = []
        for outcome in bad[:SHRINK_SHOWN]:
            shown.append(describe(self._shrunk(outcome)))
        rest = [f"{o.case.label}: {', '.join(o.unexplained)}" for o in bad[SHRINK_SHOWN:]]
        self.fail(
            f"{len(bad)} of {len(outcomes)} cases differ in ways no KNOWN item explains "
            f"(rerun one with SESAME_DIFF_SEED={seed}; shrunk reproductions below):\n\n"
            + "\n\n".join(shown)
            + ("\n\nalso: " + "; ".join(rest) if rest else "")
        )

    def _shrunk(self, outcome: Outcome) -> Outcome:
        aspects = set(outcome.unexplained)
        smaller = self.runner.shrink(outcome.case, lambda o: aspects <= set(o.unexplained), budget=60)
        return self.runner.observe(smaller)

    def test_known_differences_reproduce(self) -> None:
        """Each item's minimal reproductions: an unlisted item must not differ; a listed one that
        no longer differs is a skip saying the KNOWN entry can go."""
        for key, case in REPROS.items():
            number = key.split()[0]
            with self.subTest(item=key):
                outcome = self.runner.observe(case)
                if number in KNOWN:
                    if not outcome.aspects:
                        # Fixed: reported as a skip (CI stays green) naming what to remove.
                        self.skipTest(f"{case.label} no longer differs; once no repro of item {number} "
                                      f"differs, remove {number!r} from KNOWN")
                    self.assertIn(number, outcome.explained_by, describe(outcome))
                else:
                    self.assertEqual(outcome.aspects, [], f"{case.label} differs again:\n{describe(outcome)}")

    def test_deliberate_differences_are_normalised(self) -> None:
        """(a) inheritance, (b) GetSessionToken and one MFA per chain, (c) caching, quoting and
        credential_process paths: these cases must match whatever KNOWN says."""
        for name, case in SAME.items():
            with self.subTest(case=name):
                outcome = self.runner.observe(case)
                self.assertEqual(outcome.aspects, [], describe(outcome))


if __name__ == "__main__":
    unittest.main()
