#!/usr/bin/env python3
"""Runs sesame's integration tests (tests/integration/test_*.py) with unittest.

usage: run.py [--sesame PATH] [-k PATTERN]...

--sesame PATH   the binary under test (default: build/sesame); exported as SESAME_BIN.
-k PATTERN      run only tests whose id (module.Class.test_name) contains PATTERN, or matches it
                as a shell-style wildcard; may be repeated (any match runs).

Ends with exactly one line `N passed, N failed` (`, N skipped` when any were skipped) and exits 1
when a test failed or errored. moto and the aws CLI are required: their absence is an error,
never a skip.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import signal
import sys
import time
import unittest
from pathlib import Path
from typing import Iterator

HERE = Path(__file__).resolve().parent


def iter_tests(suite: unittest.TestSuite) -> Iterator[unittest.TestCase]:
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from iter_tests(item)
        else:
            yield item


class OutcomeResult(unittest.TextTestResult):
    """Also keeps one outcome per test: a test with any failing subtest, or a class whose
    setUpClass failed, counts once as failed."""

    _RANK = {"passed": 0, "skipped": 1, "failed": 2}

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.outcomes: dict[str, str] = {}

    def _note(self, test: unittest.TestCase, outcome: str) -> None:
        test_id = getattr(test, "test_case", test).id()  # a subtest counts for its test
        if self._RANK[outcome] >= self._RANK[self.outcomes.get(test_id, "passed")]:
            self.outcomes[test_id] = outcome

    def addSuccess(self, test):  # type: ignore[no-untyped-def]
        super().addSuccess(test)
        self._note(test, "passed")

    def addFailure(self, test, err):  # type: ignore[no-untyped-def]
        super().addFailure(test, err)
        self._note(test, "failed")

    def addError(self, test, err):  # type: ignore[no-untyped-def]
        super().addError(test, err)
        self._note(test, "failed")

    def addSkip(self, test, reason):  # type: ignore[no-untyped-def]
        super().addSkip(test, reason)
        self._note(test, "skipped")

    def addExpectedFailure(self, test, err):  # type: ignore[no-untyped-def]
        super().addExpectedFailure(test, err)
        self._note(test, "passed")

    def addUnexpectedSuccess(self, test):  # type: ignore[no-untyped-def]
        super().addUnexpectedSuccess(test)
        self._note(test, "failed")

    def addSubTest(self, test, subtest, err):  # type: ignore[no-untyped-def]
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._note(subtest, "skipped" if issubclass(err[0], unittest.SkipTest) else "failed")


def matches(test_id: str, patterns: list[str]) -> bool:
    return not patterns or any(p in test_id or fnmatch.fnmatchcase(test_id, p) for p in patterns)


def interrupted(signum: int, frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def main() -> int:
    parser = argparse.ArgumentParser(description="sesame integration tests")
    parser.add_argument("--sesame", default=str(HERE.parents[1] / "build" / "sesame"))
    parser.add_argument("-k", dest="patterns", action="append", default=[])
    args = parser.parse_args()

    # SIGTERM (e.g. ctest's timeout) unwinds like Ctrl-C (unittest lets only KeyboardInterrupt
    # through), so the moto servers are stopped on the way out.
    signal.signal(signal.SIGTERM, interrupted)
    os.environ["SESAME_BIN"] = str(Path(args.sesame).resolve())
    sys.path.insert(0, str(HERE))
    import harness  # noqa: E402  (needs sys.path)

    harness.join_fresh_session_keyring()

    try:
        harness.require_tools()
    except RuntimeError as e:
        print(f"run.py: {e}", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1

    loader = unittest.TestLoader()
    discovered = loader.discover(str(HERE), pattern="test_*.py", top_level_dir=str(HERE))
    # A module that fails to import shows up as a failing test, which is kept whatever -k says.
    selected = [
        t
        for t in iter_tests(discovered)
        if matches(t.id(), args.patterns) or t.id().startswith("unittest.loader.")
    ]
    if args.patterns and not selected:
        print(f"run.py: no test matches {args.patterns}", file=sys.stderr)
        print("0 passed, 1 failed")
        return 1

    print(f"sesame binary: {os.environ['SESAME_BIN']}", file=sys.stderr)
    started = time.monotonic()
    runner = unittest.TextTestRunner(verbosity=2, stream=sys.stderr, resultclass=OutcomeResult)
    try:
        result = runner.run(unittest.TestSuite(selected))
    except KeyboardInterrupt as e:
        print(f"\nrun.py: interrupted ({e or 'Ctrl-C'})", file=sys.stderr)
        return 130
    elapsed = time.monotonic() - started

    outcomes = list(result.outcomes.values())  # type: ignore[attr-defined]
    passed, failed, skipped = (outcomes.count(o) for o in ("passed", "failed", "skipped"))
    sys.stderr.flush()
    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    print(f"({elapsed:.1f}s)", file=sys.stderr)
    print(summary, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
