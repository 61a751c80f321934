#!/usr/bin/env python3
"""Load on sesame's loopback credential endpoints, as SDK fleets would put on them.

Starts moto (signature checking on) and a throwaway vault, runs `sesame server admin --ecs` and
`--ec2`, then drives each with wrk (64 keep-alive connections, 1 thread, on this same machine) and
prints wrk's summary and one line per endpoint:

    endpoint_load ecs: N requests/s, E errors (D s, 64 connections)

Usage: bench/endpoint_load.py [--sesame build/sesame] [--seconds 10] [--connections 64]
Needs wrk (apt-get install wrk). Goal (issue #3): at least 20,000 requests/s on 2 cores.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))

from harness import ADMIN_ROLE_ARN, REGION, Moto, Sandbox, section  # noqa: E402


def start_server(sb: Sandbox, sesame: str, kind: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    proc = subprocess.Popen([sesame, "server", "admin", kind], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, text=True, env=sb.child_env(), start_new_session=True)
    variables: dict[str, str] = {}
    assert proc.stdout is not None
    while "AWS_DEFAULT_REGION" not in variables:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit(f"sesame server {kind} ended before it was ready")
        m = re.fullmatch(r"export (\w+)='([^']*)'\n", line)
        if m:
            variables[m.group(1)] = m.group(2)
    return proc, variables


def wrk(url: str, headers: dict[str, str], seconds: int, connections: int) -> tuple[float, int, str]:
    args = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for k, v in headers.items():
        args += ["-H", f"{k}: {v}"]
    out = subprocess.run(args + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(x) for x in m.groups())
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    return rps, errors, out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sesame", default=str(REPO / "build" / "sesame"))
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=64)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        print("endpoint_load: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 1
    os.environ["SESAME_BIN"] = os.path.abspath(args.sesame)
    with Moto() as moto, Sandbox(moto) as sb:
        sb.write_config(section("alice", region=REGION) + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN))
        if sb.add("alice", moto.alice).returncode != 0:
            raise SystemExit("sesame add failed")
        results = []
        for kind in ("--ecs", "--ec2"):
            proc, v = start_server(sb, args.sesame, kind)
            try:
                if kind == "--ecs":
                    url = v["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
                    headers = {"Authorization": v["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}
                else:
                    base = v["AWS_EC2_METADATA_SERVICE_ENDPOINT"]
                    port = int(re.search(r":(\d+)/", base).group(1))
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("PUT", "/latest/api/token", headers={"X-aws-ec2-metadata-token-ttl-seconds": "21600"})
                    token = conn.getresponse().read().decode()
                    url = base + "latest/meta-data/iam/security-credentials/admin"
                    headers = {"X-aws-ec2-metadata-token": token}
                rps, errors, out = wrk(url, headers, args.seconds, args.connections)
                print(out)
                results.append(f"endpoint_load {kind[2:]}: {rps:.0f} requests/s, {errors} errors "
                               f"({args.seconds} s, {args.connections} connections)")
            finally:
                proc.terminate()
                proc.wait(timeout=10)
        for line in results:
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
