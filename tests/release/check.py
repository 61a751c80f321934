#!/usr/bin/env python3
"""What a newcomer and a packager do, checked from a clean copy of this tree.

usage: check.py [--keep]

1. A clean clone of this repository (with the work tree's uncommitted changes laid over it, so a
   developer checks what they are about to commit), with no build/ of any kind.
2. `scripts/demo` there, as the README's first command: it makes the Release build a user
   installs (scripts/release, warnings not errors) and runs the whole flow against moto. The
   build must print no compiler warning either.
3. `sesame --version` names the commit and the optional parts.
4. `cmake --install build-release --prefix P`: the binary, the man page (rendered by man with
   groff's warnings on), bash/zsh/fish completions where each shell looks, README, licence,
   copyright and changelog; each completion script parses in its shell.
5. `scripts/release --deb`, reusing that build: sesame_<version>_amd64.deb's control fields and
   file list (dpkg-deb -I/-c), and lintian, which must report no error and no warning.
6. As root, when no other sesame package is installed: `dpkg -i`, `man sesame`, completion of a
   command and of a hostile profile name by TAB in a new interactive bash on a pty, `dpkg -r`,
   and nothing of the package left behind. Not root: said, and skipped.

Prints each step, ends with `N passed, N failed` (`, N skipped`), exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import gzip
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

passed = failed = skipped = 0


def step(name: str) -> None:
    print(f"== release check: {name}", flush=True)


def ok(what: str) -> None:
    global passed
    passed += 1
    print(f"   ok: {what}", flush=True)


def bad(what: str, detail: str = "") -> None:
    global failed
    failed += 1
    print(f"   FAILED: {what}", flush=True)
    if detail:
        print("   " + detail.rstrip().replace("\n", "\n   "), flush=True)


def check(condition: bool, what: str, detail: str = "") -> bool:
    (ok if condition else lambda w: bad(w, detail))(what)
    return condition


def run(argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
        timeout: float = 1200) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


def clean_copy(dest: Path) -> None:
    """A clone of HEAD with the work tree's changes (tracked and untracked) laid over it."""
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(REPO), str(dest)], check=True)
    diff = subprocess.run(["git", "-C", str(REPO), "diff", "HEAD", "--binary"], check=True,
                          capture_output=True).stdout
    if diff:
        subprocess.run(["git", "-C", str(dest), "apply", "--whitespace=nowarn"], input=diff, check=True)
    untracked = subprocess.run(["git", "-C", str(REPO), "ls-files", "--others", "--exclude-standard", "-z"],
                               check=True, capture_output=True).stdout.split(b"\0")
    for name in filter(None, untracked):
        target = dest / os.fsdecode(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / os.fsdecode(name), target)


def expected_files(prefix: str, zsh_dir: str) -> set[str]:
    return {
        f"{prefix}/bin/sesame",
        f"{prefix}/share/man/man1/sesame.1.gz",
        f"{prefix}/share/bash-completion/completions/sesame",
        f"{prefix}/share/zsh/{zsh_dir}/_sesame",
        f"{prefix}/share/fish/vendor_completions.d/sesame.fish",
        f"{prefix}/share/doc/sesame/README.md",
        f"{prefix}/share/doc/sesame/LICENSE",
        f"{prefix}/share/doc/sesame/copyright",
        f"{prefix}/share/doc/sesame/changelog.gz",
    }


def check_man_page(page: Path) -> None:
    text = gzip.decompress(page.read_bytes()).decode()
    check(".TH SESAME 1" in text and ".SH ENVIRONMENT" in text and ".SH \"EXIT STATUS\"" in text,
          "the man page has its sections")
    rendered = run(["man", "--warnings", "-l", str(page)], env={**os.environ, "MANWIDTH": "80", "MANPAGER": "cat"})
    check(rendered.returncode == 0 and "sesame exec" in rendered.stdout and not rendered.stderr.strip(),
          "man renders the page without a warning", rendered.stderr)


def check_completion_syntax(prefix: Path, zsh_dir: str) -> None:
    for shell, argv in (("bash", ["bash", "-n"]), ("zsh", ["zsh", "-n"]), ("fish", ["fish", "-n"])):
        path = {"bash": prefix / "share/bash-completion/completions/sesame",
                "zsh": prefix / f"share/zsh/{zsh_dir}/_sesame",
                "fish": prefix / "share/fish/vendor_completions.d/sesame.fish"}[shell]
        if shutil.which(argv[0]) is None:
            bad(f"{shell} is not installed (scripts/install-deps installs it)")
            continue
        proc = run(argv + [str(path)])
        check(proc.returncode == 0, f"the {shell} completion parses", proc.stderr)


def type_in_bash(home: Path, keys: list[bytes], env: dict[str, str], timeout: float = 20) -> str:
    """Starts a new interactive bash on a pty (its rc file loads bash-completion as Debian's
    /etc/skel/.bashrc does), types each key sequence and returns what the terminal showed."""
    pid, master = pty.fork()
    if pid == 0:
        os.chdir(home)
        os.execve("/bin/bash", ["bash", "--rcfile", str(home / ".bashrc"), "-i"], env)
    screen = b""

    def read_for(seconds: float) -> None:
        nonlocal screen
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([master], [], [], 0.1)
            if ready:
                try:
                    screen += os.read(master, 4096)
                except OSError:
                    return

    read_for(2)
    for k in keys:
        os.write(master, k)
        read_for(2)
    os.write(master, b"\x03exit\n")
    read_for(1)
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(master)
    return screen.decode(errors="replace")


def check_installed_package(deb: Path, work: Path) -> None:
    installed = run(["dpkg-query", "-W", "-f=${Status}", "sesame"])
    if "install ok installed" in installed.stdout:
        global skipped
        skipped += 1
        print("   skipped: a sesame package is installed already; not replacing it", flush=True)
        return
    files = sorted(expected_files("/usr", "vendor-completions"))
    leftovers = [f for f in files if os.path.exists(f)]
    if not check(not leftovers, "no file of the package is on the machine before", "\n".join(leftovers)):
        return
    proc = run(["dpkg", "-i", str(deb)])
    if not check(proc.returncode == 0, "dpkg -i installs it", proc.stdout + proc.stderr):
        return
    try:
        version = run(["/usr/bin/sesame", "--version"])
        check(version.returncode == 0 and version.stdout.startswith("sesame "), "the installed sesame runs",
              version.stdout + version.stderr)
        where = run(["man", "-w", "sesame"])
        check(where.stdout.strip() == "/usr/share/man/man1/sesame.1.gz", "man finds sesame(1)",
              where.stdout + where.stderr)
        page = run(["man", "sesame"], env={**os.environ, "MANPAGER": "cat", "MANWIDTH": "80"})
        check("sesame exec" in page.stdout, "man sesame shows the page", page.stderr)

        # A new interactive bash with bash-completion loaded, as Debian's ~/.bashrc does: the
        # vendor completion loads on first TAB. A hostile profile name must be offered quoted
        # and never run.
        home = work / "bash-home"
        (home / ".aws").mkdir(parents=True)
        marker = work / "pwned"
        # No space in the name: the AWS CLI splits section names on white space.
        (home / ".aws" / "config").write_text(f"[profile pwn$(id>{marker})]\n[profile admin]\n")
        (home / ".bashrc").write_text("PS1='$ '\n. /usr/share/bash-completion/bash_completion\n")
        env = {"HOME": str(home), "PATH": "/usr/bin:/bin", "TERM": "dumb", "LANG": "C.UTF-8"}
        screen = type_in_bash(home, [b"sesame exe\t", b"\x15sesame exec adm\t", b"\x15sesame exec pw\t"], env)
        check("sesame exec " in screen, "TAB completes a command in a new bash", screen[-500:])
        check("sesame exec admin" in screen, "TAB completes a profile name", screen[-500:])
        check(not marker.exists(), "a profile name's $(...) is never run by completion", screen[-500:])
        check("pwn\\$\\(id\\>" in screen, "a hostile profile name is offered quoted", screen[-500:])
    finally:
        proc = run(["dpkg", "-r", "sesame"])
        check(proc.returncode == 0, "dpkg -r removes it", proc.stdout + proc.stderr)
        leftovers = [f for f in files if os.path.exists(f)]
        check(not leftovers and not os.path.exists("/usr/share/doc/sesame"), "nothing of the package is left",
              "\n".join(leftovers))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sesame-release-"))
    started = time.monotonic()
    try:
        step("a clean clone, no build/")
        copy = work / "sesame"
        clean_copy(copy)
        check(not (copy / "build").exists() and not (copy / "build-release").exists(), "the copy has no build")

        step("scripts/demo (a Release build, as a newcomer runs it)")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SESAME_"))}
        demo = run(["scripts/demo"], cwd=copy, env=env, timeout=2400)
        if not check(demo.returncode == 0 and "Demo finished" in demo.stdout, "scripts/demo passes",
                     tail(demo.stdout + demo.stderr)):
            return 1
        warnings = [line for line in (demo.stdout + demo.stderr).splitlines() if re.search(r"\bwarning:", line)]
        check(not warnings, "the Release build prints no compiler warning", "\n".join(warnings[:20]))
        binary = copy / "build-release" / "sesame"

        step("sesame --version")
        version = run([str(binary), "--version"])
        head = run(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"]).stdout.strip()
        check(version.returncode == 0 and f"(commit {head}" in version.stdout, "names the commit",
              version.stdout + version.stderr)
        for part in ("libcurl", "libqrencode", "key cache"):
            check(part in version.stdout, f"says whether {part} works here", version.stdout)

        step("cmake --install into a temporary prefix")
        prefix = work / "prefix"
        inst = run(["cmake", "--install", "build-release", "--prefix", str(prefix)], cwd=copy)
        check(inst.returncode == 0, "cmake --install succeeds", inst.stdout + inst.stderr)
        have = {str(p) for p in prefix.rglob("*") if p.is_file()}
        want = expected_files(str(prefix), "site-functions")
        check(have == want, "installs exactly the binary, man page, completions and docs",
              f"missing: {sorted(want - have)}\nunexpected: {sorted(have - want)}")
        check(os.access(prefix / "bin/sesame", os.X_OK), "bin/sesame is executable")
        check_man_page(prefix / "share/man/man1/sesame.1.gz")
        check_completion_syntax(prefix, "site-functions")

        step("scripts/release --deb (reusing the build)")
        rel = run(["scripts/release", "--deb"], cwd=copy, env=env)
        check(rel.returncode == 0, "scripts/release --deb succeeds", tail(rel.stdout + rel.stderr))
        debs = list((copy / "build-release" / "packages").glob("*.deb"))
        if not check(len(debs) == 1 and re.fullmatch(r"sesame_\d+\.\d+\.\d+_amd64\.deb", debs[0].name) is not None,
                     "makes one sesame_<version>_amd64.deb", str(debs)):
            return 1
        deb = debs[0]
        info = run(["dpkg-deb", "-I", str(deb)]).stdout
        fields = dict(re.findall(r"^ (\w[\w-]*): (.*)$", info, re.M))
        check(fields.get("Package") == "sesame" and fields.get("Architecture") == "amd64", "Package and Architecture", info)
        check(re.fullmatch(r"libcurl4, libc6 \(>= 2\.\d+\)", fields.get("Depends", "")) is not None,
              "Depends: libcurl4 and a libc6 minimum (no exact glibc pin)", info)
        check(fields.get("Recommends") == "libqrencode4", "Recommends: libqrencode4", info)
        check(all(fields.get(k) for k in ("Version", "Maintainer", "Section", "Description", "Installed-Size")),
              "Version, Maintainer, Section, Description, Installed-Size", info)
        listing = run(["dpkg-deb", "-c", str(deb)]).stdout
        packaged = {line.split()[-1].lstrip(".") for line in listing.splitlines() if not line.startswith("d")}
        want = expected_files("/usr", "vendor-completions")
        check(packaged == want, "the package holds exactly the installed files",
              f"missing: {sorted(want - packaged)}\nunexpected: {sorted(packaged - want)}")
        modes = [line for line in listing.splitlines() if "/usr/bin/sesame" in line]
        check(bool(modes) and modes[0].startswith("-rwxr-xr-x root/root"), "the binary is 0755 root:root", listing)

        step("lintian")
        if shutil.which("lintian") is None:
            bad("lintian is not installed (scripts/install-deps installs it)")
        else:
            lint = run(["lintian", "--fail-on", "error,warning", str(deb)])
            check(lint.returncode == 0, "lintian reports no error and no warning", lint.stdout + lint.stderr)

        step("dpkg -i, man sesame, completion in a new bash, dpkg -r")
        if os.geteuid() != 0:
            global skipped
            skipped += 1
            print("   skipped: not root, so the package is not installed", flush=True)
        else:
            check_installed_package(deb, work)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        print(f"release check took {time.monotonic() - started:.0f} s")
        summary = f"{passed} passed, {failed} failed"
        print(summary + (f", {skipped} skipped" if skipped else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
