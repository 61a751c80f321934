#!/usr/bin/env python3
"""How close sesame's warm path is to the cost of starting a process (issue #4).

With moto on loopback, a throwaway vault (unlocked, in the kernel keyring) and a cached role
session, times with hyperfine, in one run:

  floor        build/exec_floor /bin/true        a minimal C++ program that only execs /bin/true
  exec         sesame exec admin -- /bin/true    goal: within 1.5x the floor
  export       sesame export admin --format json goal: within 1.5x the floor
  small config sesame export with a 2-profile config
  10k config   the same with 10,000 more profiles (aws-sso-util's size)   goal: within 2x small
               (read in parts through its index in $XDG_CACHE_HOME/sesame, made by the first run
               once the file has been unchanged for 2 s)
  10k changed  the same, the file touched before each run: a full parse (and no index saved)
  prompt       sesame prompt (environment only), which shells run before every prompt

and prints one line per figure plus the ratios, and the minor page faults of floor, exec and export
(the median of --fault-runs runs): on a virtual machine a page fault can cost more than the
instructions around it, so the fault counts show what the times there will do. `--botocore` also
times botocore resolving the same profile in the 10,000-profile config (about 1.6 s here).

Usage: bench/warm_path.py [--build build] [--runs 200] [--fault-runs 21] [--botocore]
Needs hyperfine (apt-get install hyperfine).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

from harness import ADMIN_ROLE_ARN, REGION, Moto, Sandbox, join_fresh_session_keyring, section  # noqa: E402


def big_config(base: str, n: int = 10_000) -> str:
    parts = [base]
    for i in range(n):
        parts.append(
            f"[profile acct{i}-AdministratorAccess]\nsso_session = corp\nsso_account_id = {100000000000 + i:012d}\n"
            "sso_role_name = AdministratorAccess\nregion = us-east-1\noutput = json\n"
        )
    parts.append("[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n")
    return "\n".join(parts)


def hyperfine(commands: dict[str, list[str]], env: dict[str, str], runs: int, prepare: str | None = None) -> dict[str, float]:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        args = ["hyperfine", "-N", "--warmup", "10", "--runs", str(runs), "--export-json", out.name, "--style", "none"]
        if prepare:
            args += ["--prepare", prepare]
        for name, argv in commands.items():
            args += ["--command-name", name, " ".join(argv)]
        subprocess.run(args, env=env, check=True, stdout=subprocess.DEVNULL)
        results = json.load(open(out.name))["results"]
    return {r["command"]: r["mean"] * 1000 for r in results}


def minor_faults(argv: list[str], env: dict[str, str], runs: int) -> int:
    """The median of the minor page faults `argv` takes, from its start (after fork, before exec) to
    its exit, exec'd commands included. Python starts it with vfork, so its pre-exec faults are few;
    `/usr/bin/time -f %R` forks, and counts about 20 more for any command."""
    counts = []
    for _ in range(runs):
        child = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            raise SystemExit(f"warm_path: {' '.join(argv)} exited with {child.returncode}")
        counts.append(usage.ru_minflt)
    return sorted(counts)[len(counts) // 2]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(REPO / "build"))
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--fault-runs", type=int, default=21)
    ap.add_argument("--botocore", action="store_true")
    args = ap.parse_args()
    if not shutil.which("hyperfine"):
        print("warm_path: hyperfine is not installed (apt-get install hyperfine)", file=sys.stderr)
        return 1
    sesame = str(Path(args.build, "sesame").resolve())
    floor = str(Path(args.build, "exec_floor").resolve())
    os.environ["SESAME_BIN"] = sesame
    join_fresh_session_keyring()
    with Moto() as moto, Sandbox(moto) as sb:
        small = section("alice", region=REGION) + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN)
        sb.write_config(small)
        big_path = sb.root / "config-10k"
        big_path.write_text(big_config(small))
        big_written = time.time()
        if sb.add("alice", moto.alice).returncode != 0:
            raise SystemExit("sesame add failed")
        warm = sb.run(["export", "admin", "--format", "json"])
        if warm.returncode != 0:
            raise SystemExit(f"warming failed: {warm.stderr}")
        env = sb.child_env()
        mark = moto.mark()
        t = hyperfine(
            {
                "floor": [floor, "/bin/true"],
                "exec": [sesame, "exec", "admin", "--", "/bin/true"],
                "export": [sesame, "export", "admin", "--format", "json"],
            },
            env,
            args.runs,
        )
        faults = {
            name: minor_faults(argv, env, args.fault_runs)
            for name, argv in (("floor", [floor, "/bin/true"]), ("exec", [sesame, "exec", "admin", "--", "/bin/true"]),
                               ("export", [sesame, "export", "admin", "--format", "json"]))
        }
        prompt_env = {**env, "SESAME_PROFILE": "admin", "AWS_CREDENTIAL_EXPIRATION": "2099-01-01T00:00:00Z"}
        t_prompt = hyperfine({"prompt": [sesame, "prompt", "--shell", "bash"]}, prompt_env, args.runs)
        big_env = {**env, "AWS_CONFIG_FILE": str(big_path)}
        time.sleep(max(0.0, big_written + 2.2 - time.time()))  # old enough to be indexed
        subprocess.run([sesame, "export", "admin", "--format", "json"], env=big_env, check=True, capture_output=True)
        indexed = subprocess.run([sesame, "--debug", "export", "admin", "--format", "json"], env=big_env, check=True,
                                 capture_output=True, text=True)
        if "in parts" not in indexed.stderr:
            raise SystemExit("warm_path: the 10,000-profile config was not read through its index")
        t_big = hyperfine({"10k config": [sesame, "export", "admin", "--format", "json"]}, big_env, args.runs)
        t_changed = hyperfine({"10k changed": [sesame, "export", "admin", "--format", "json"]}, big_env,
                              max(20, args.runs // 4), prepare=f"touch {big_path}")
        if moto.minting_calls(mark):
            raise SystemExit("warm_path: the timed runs called STS; the session was not served from the cache")
        print(f"warm_path floor (exec_floor /bin/true): {t['floor']:.2f} ms")
        print(f"warm_path sesame exec  (warm):          {t['exec']:.2f} ms = {t['exec'] / t['floor']:.2f}x floor (goal 1.5x)")
        print(f"warm_path sesame export (warm):         {t['export']:.2f} ms = {t['export'] / t['floor']:.2f}x floor (goal 1.5x)")
        print(f"warm_path minor page faults: floor {faults['floor']}, exec {faults['exec']} = "
              f"{faults['exec'] / faults['floor']:.2f}x, export {faults['export']} = "
              f"{faults['export'] / faults['floor']:.2f}x (median of {args.fault_runs} runs each)")
        print(f"warm_path sesame prompt:                {t_prompt['prompt']:.2f} ms (runs before every shell prompt)")
        print(f"warm_path 2-profile config:             {t['export']:.2f} ms")
        print(f"warm_path 10,000-profile config:        {t_big['10k config']:.2f} ms = "
              f"{t_big['10k config'] / t['export']:.2f}x the small one (goal 2x)")
        print(f"warm_path 10,000-profile config, changed: {t_changed['10k changed']:.2f} ms (full parse, each run after an edit)")
        if args.botocore:
            code = ("import botocore.session,sys; s=botocore.session.Session(profile='admin'); "
                    "s.get_scoped_config()")
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], env={**env, "AWS_CONFIG_FILE": str(big_path)}, check=True)
            print(f"warm_path botocore, 10,000-profile config: {(time.perf_counter() - start) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
