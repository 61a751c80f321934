"""Crash consistency: workers adding keys, removing them and running exec with a session refresh
on one vault and one config, while random `kill -9`s land on them. Afterwards the vault must
open, every acknowledged add must be there (key and config section), nothing acknowledged as
removed may come back, and after the next write no temporary file may remain."""

from __future__ import annotations

import configparser
import json
import os
import random
import subprocess
import threading
import time
import unittest

from harness import ADMIN_ROLE_ARN, REGION, Keys, SesameTestCase, section, sesame_bin

WORKERS = 6
SECONDS = float(os.environ.get("SESAME_CRASH_SECONDS", "30"))


class CrashConsistencyTest(SesameTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sb.write_config(
            section("alice", region=REGION) + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN)
        )
        self.add_alice()

    def test_kill_9_during_adds_removes_and_refreshes_loses_nothing_acknowledged(self) -> None:
        lock = threading.Lock()
        running: set[subprocess.Popen[str]] = set()
        added: set[str] = set()  # acknowledged (exit 0)
        removed: set[str] = set()  # acknowledged removes
        maybe_removed: set[str] = set()  # a remove that was killed: either outcome is right
        counts = {"add": 0, "remove": 0, "exec": 0, "killed": 0, "failed": 0}
        failures: list[str] = []
        stop = time.monotonic() + SECONDS

        def run(args: list[str], env_extra: dict[str, str] | None = None) -> int:
            proc = subprocess.Popen([sesame_bin(), *args], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, env=self.sb.child_env(env_extra),
                                    cwd=self.sb.root)
            with lock:
                running.add(proc)
            _, err = proc.communicate(timeout=120)
            with lock:
                running.discard(proc)
            if proc.returncode not in (0, -9):
                with lock:
                    counts["failed"] += 1
                    failures.append(f"{' '.join(args)} -> {proc.returncode}: {err.strip()[:300]}")
            return proc.returncode

        def worker(w: int) -> None:
            rng = random.Random(w)
            mine: list[str] = []
            n = 0
            while time.monotonic() < stop:
                op = rng.choice(["add", "add", "remove", "exec"])
                if op == "remove" and mine:
                    name = mine.pop(rng.randrange(len(mine)))
                    rc = run(["remove", name, "--force"])
                    with lock:
                        counts["remove"] += 1
                        (removed if rc == 0 else maybe_removed).add(name)
                elif op == "exec":
                    # SESAME_MIN_TTL as long as the session: no cached session is good enough, so
                    # every run refreshes and writes the vault.
                    run(["exec", "admin", "-d", "1h", "--", "true"], {"SESAME_MIN_TTL": "1h"})
                    with lock:
                        counts["exec"] += 1
                else:
                    n += 1
                    name = f"w{w}-p{n}"
                    keys = Keys(f"AKIACRASH{w:02d}{n:07d}", f"crash-secret-{w}-{n}")
                    rc = run(["add", name, "--env"], keys.env())
                    with lock:
                        counts["add"] += 1
                    if rc == 0:
                        with lock:
                            added.add(name)
                        mine.append(name)

        def killer() -> None:
            rng = random.Random(99)
            while time.monotonic() < stop:
                time.sleep(rng.uniform(0.02, 0.25))
                with lock:
                    victims = [p for p in running if p.poll() is None]
                if victims:
                    try:
                        rng.choice(victims).kill()
                        with lock:
                            counts["killed"] += 1
                    except ProcessLookupError:
                        pass

        threads = [threading.Thread(target=worker, args=(w,)) for w in range(WORKERS)]
        threads.append(threading.Thread(target=killer))
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        self.assertEqual(failures, [], "an operation failed other than by being killed")
        self.assertGreater(counts["killed"], 10, counts)
        self.assertGreater(len(added), 10, counts)

        # The next run: a write, after the temporary files' grace period.
        left_by_kills = sum(1 for folder in (self.sb.vault_dir, self.sb.config.parent)
                            for p in folder.iterdir() if ".tmp-" in p.name)
        time.sleep(2.2)
        self.assertOk(self.sb.add("final", Keys("AKIACRASHFINAL000000", "final-secret")))

        listed = self.sb.run(["list", "--json"])
        self.assertOk(listed)
        stored = {r["profile"] for r in json.loads(listed.stdout) if r["stored_keys"]}
        config = configparser.ConfigParser(interpolation=None)
        config.read(self.sb.config)
        sections = {s.removeprefix("profile ") for s in config.sections()}

        expected = added - removed - maybe_removed
        lost_keys = sorted(expected - stored)
        lost_sections = sorted(added - sections)
        came_back = sorted(removed & stored)
        self.assertEqual(lost_keys, [], f"acknowledged adds lost from the vault ({counts})")
        self.assertEqual(lost_sections, [], f"acknowledged adds lost from the config ({counts})")
        self.assertEqual(came_back, [], f"removed keys came back ({counts})")
        for folder in (self.sb.vault_dir, self.sb.config.parent):
            temps = [p.name for p in folder.iterdir() if ".tmp-" in p.name]
            self.assertEqual(temps, [], f"temporary files left in {folder}")
        print(f"\n  crash consistency: {SECONDS:.0f} s, {WORKERS} workers: {counts['add']} adds, "
              f"{counts['remove']} removes, {counts['exec']} refreshing execs, {counts['killed']} kill -9s; "
              f"{len(expected)} keys checked, lost 0, came back 0; {left_by_kills} temporary files left by "
              f"kills, removed by the next run", flush=True)


if __name__ == "__main__":
    unittest.main()
