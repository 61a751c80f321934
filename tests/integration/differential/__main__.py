"""By hand: python3 -m differential [--seed S] [--cases N] [--known ITEMS] [--show N] [--shrink]

Run from tests/integration (SESAME_BIN or build/sesame is the binary). Prints the per-item counts,
then up to --show reproductions of cases no known item explains (--known: comma-separated item
numbers, "all" (default) or "none"), shrunk with --shrink. --examples additionally prints one shrunk
reproduction per item that explains a difference.
"""

from __future__ import annotations

import argparse
import sys
import time

import harness

from .compare import ITEMS
from .runner import Outcome, Runner, describe, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m differential", description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cases", type=int, default=100)
    parser.add_argument("--known", default="all")
    parser.add_argument("--show", type=int, default=5)
    parser.add_argument("--shrink", action="store_true")
    parser.add_argument("--examples", action="store_true")
    args = parser.parse_args(argv)
    known = set(ITEMS) if args.known == "all" else set() if args.known == "none" else set(args.known.split(","))

    harness.join_fresh_session_keyring()
    started = time.monotonic()
    with harness.Moto() as moto, Runner(moto, known) as runner:
        def progress(index: int, outcome: Outcome) -> None:
            if (index + 1) % 100 == 0:
                print(f"... {index + 1} cases, {time.monotonic() - started:.0f} s", file=sys.stderr)

        outcomes = runner.run(args.seed, args.cases, progress)
        elapsed = time.monotonic() - started
        print(summary(outcomes))
        print(f"{len(outcomes)} cases in {elapsed:.1f} s ({len(outcomes) / elapsed:.1f} cases/s)")
        bad = [o for o in outcomes if o.unexplained]
        for o in bad[: args.show]:
            if args.shrink:
                aspects = set(o.unexplained)
                o = runner.observe(runner.shrink(o.case, lambda x: aspects <= set(x.unexplained)))
            print(describe(o))
        if args.examples:
            for number in ITEMS:
                first = next((o for o in outcomes if o.explained_by == [number]), None)
                if first is None:
                    continue

                def keep(x: Outcome, number: str = number) -> bool:
                    return x.explained_by == [number] and not x.unexplained

                print(f"\n=== item {number}: {ITEMS[number].title}")
                print(describe(runner.observe(runner.shrink(first.case, keep, budget=200))))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
