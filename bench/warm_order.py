#!/usr/bin/env python3
"""Regenerates src/warm_path.order: the functions and the data sesame's warm path uses, for lld's
--symbol-ordering-file (see CMakeLists.txt). Placed together, the functions fill a few 64 KiB
windows of the binary (the kernel maps a read fault's whole window) instead of costing a page
fault each across 2.5 MB, and the variables in .data and .bss share a page or two instead of
dirtying one page each (a written page is a fresh page of memory at every start).

Runs each command bench/warm_path.py times (a cached `exec` and `export`, the 10,000-profile config
read through its index, `prompt`) under callgrind, for the functions it executes that sesame
itself defines (callgrind also names ld.so's and libc's, and marks recursion with a '2 suffix),
and under lackey, for the .data and .bss variables it reads or writes. `exec`'s come first, then
what each later command adds: the commonest path is the most compact. Within a group the names
are sorted, so regenerating gives small diffs. pugixml's functions go last: its archive has no
per-function sections, so naming one moves all 140 KiB of its code, and the warm path runs only
its static constructor. Stale names only cost speed: lld ignores names it does not find.

Build the Release binary (scripts/release, or a Release build folder with the tests for
bench/warm_path.py), regenerate (20 s on a quiet machine, 50 s on a busy one, nearly all of it
valgrind), then link again.

Usage: bench/warm_order.py [--build build] [--output src/warm_path.order]   (needs valgrind:
apt-get install valgrind)
"""

from __future__ import annotations

import argparse
import bisect
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "integration"))
sys.path.insert(0, str(REPO / "bench"))

from harness import ADMIN_ROLE_ARN, REGION, Moto, Sandbox, join_fresh_session_keyring, section  # noqa: E402
from warm_path import big_config  # noqa: E402


def executed_functions(argv: list[str], env: dict[str, str]) -> set[str]:
    """The mangled names of the functions `argv` runs, as callgrind names them."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}", *argv],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        names = set()
        for line in out.read_text(errors="replace").splitlines():
            m = re.match(r"c?fn=\(\d+\)(?: (.+))?$", line)
            if m and m.group(1):
                names.add(re.sub(r"'\d+$", "", m.group(1)))
        # callgrind names crt1's _start "(below main)", and crtbegin's frame_dummy (no symbol
        # size) only by its address.
        return {"_start" if name == "(below main)" else name for name in names} | {"frame_dummy"}


class Binary:
    """sesame's symbols (nm) and where its writable data lies (readelf)."""

    def __init__(self, path: str) -> None:
        nm = subprocess.run(["nm", "-S", "-n", "--defined-only", path], check=True, capture_output=True, text=True)
        self.names: set[str] = set()
        self.sized: list[tuple[int, int, str]] = []
        for line in nm.stdout.splitlines():
            parts = line.split()
            if len(parts) >= 3:
                self.names.add(parts[-1])
            if len(parts) == 4:
                self.sized.append((int(parts[0], 16), int(parts[1], 16), parts[3]))
        self.starts = [address for address, _, _ in self.sized]
        self.offset = {name: address for address, _, name in self.sized}
        headers = subprocess.run(["readelf", "-SW", path], check=True, capture_output=True, text=True).stdout
        self.writable: list[tuple[int, int]] = []
        for m in re.finditer(r"\]\s+\.(?:data|bss)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", headers):
            self.writable.append((int(m.group(1), 16), int(m.group(1), 16) + int(m.group(2), 16)))

    def data_symbol_at(self, offset: int) -> str | None:
        if not any(low <= offset < high for low, high in self.writable):
            return None
        i = bisect.bisect_right(self.starts, offset) - 1
        if i >= 0 and offset < self.starts[i] + self.sized[i][1]:
            return self.sized[i][2]
        return None


def touched_data(argv: list[str], env: dict[str, str], binary: Binary) -> set[str]:
    """The .data and .bss symbols of sesame that `argv` reads or writes, traced by valgrind's lackey.
    Placed together too, they share a page or two instead of dirtying one each."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "lackey.out"
        subprocess.run(["valgrind", "--tool=lackey", "--trace-mem=yes", f"--log-file={log}", *argv],
                       env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        code: set[int] = set()
        data: set[int] = set()
        with log.open(errors="replace") as lines:
            for line in lines:
                if line.startswith("I  "):
                    code.add(int(line[3:line.index(",")], 16))
                elif line[:1] == " " and line[1:2] in ("L", "S", "M"):
                    data.add(int(line[3:line.index(",")], 16))
    # Where valgrind loaded the (position-independent) binary: of the page-aligned bases at which
    # main would have run, the one at which the most instructions start one of sesame's symbols.
    main = binary.offset["main"]
    starts = set(binary.starts)
    bases = {address - main for address in code if (address - main) % 4096 == 0}
    if not bases:
        raise SystemExit(f"warm_order: cannot tell where valgrind loaded {argv[0]}")
    base = max(bases, key=lambda base: sum(1 for address in code if address - base in starts))
    return {name for address in data if (name := binary.data_symbol_at(address - base))}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=str(REPO / "build"))
    ap.add_argument("--output", default=str(REPO / "src" / "warm_path.order"))
    args = ap.parse_args()
    if not shutil.which("valgrind"):
        print("warm_order: valgrind is not installed (apt-get install valgrind)", file=sys.stderr)
        return 1
    sesame = str(Path(args.build, "sesame").resolve())
    os.environ["SESAME_BIN"] = sesame
    join_fresh_session_keyring()
    with Moto() as moto, Sandbox(moto) as sb:
        sb.write_config(section("alice", region=REGION) + section("admin", source_profile="alice", role_arn=ADMIN_ROLE_ARN))
        big = sb.root / "config-10k"
        big.write_text(big_config(sb.config.read_text()))
        written = time.time()
        if sb.add("alice", moto.alice).returncode != 0 or sb.run(["export", "admin"]).returncode != 0:
            raise SystemExit("warm_order: could not set up a cached session")
        env = sb.child_env()
        big_env = {**env, "AWS_CONFIG_FILE": str(big)}
        time.sleep(max(0.0, written + 2.2 - time.time()))
        subprocess.run([sesame, "export", "admin"], env=big_env, check=True, capture_output=True)  # indexes it
        prompt_env = {**env, "SESAME_PROFILE": "admin", "AWS_CREDENTIAL_EXPIRATION": "2099-01-01T00:00:00Z"}
        runs = [
            # exec replaces itself with the command, and callgrind then writes nothing: a command
            # that cannot start runs the same path up to execve.
            ("exec (to a command that cannot start)", [sesame, "exec", "admin", "--", "/nonexistent/true"], env),
            ("export --format json", [sesame, "export", "admin", "--format", "json"], env),
            ("export --format export-env", [sesame, "export", "admin", "--format", "export-env"], env),
            ("export, the 10,000-profile config through its index", [sesame, "export", "admin", "--format", "json"],
             big_env),
            ("prompt", [sesame, "prompt", "--shell", "bash"], prompt_env),
        ]
        binary = Binary(sesame)
        ran = [(label, executed_functions(argv, run_env) & binary.names, touched_data(argv, run_env, binary))
               for label, argv, run_env in runs]
    # Each command's functions and data after those of the commands before it. Functions and data
    # go to different output sections, so each list only orders its own kind.
    functions: set[str] = set()
    data: set[str] = set()
    groups: list[tuple[str, list[str]]] = []
    for label, names, touched in ran:
        new_functions, new_data = names - functions, touched - data
        functions |= new_functions
        data |= new_data
        groups.append((f"{label}: functions", sorted(name for name in new_functions if "4pugi" not in name)))
        groups.append((f"{label}: data (.data, .bss)", sorted(new_data)))
    groups.append(("pugixml: one section for all its code", sorted(name for name in functions if "4pugi" in name)))
    lines = ["# Generated by bench/warm_order.py: the functions and data of sesame's warm path, for lld."]
    for label, names in groups:
        lines += [f"# {label}", *names]
    target = Path(args.output)
    target.write_text("".join(f"{line}\n" for line in lines))
    print(f"warm_order: {len(functions)} functions, {len(data)} data symbols -> {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
