#!/usr/bin/env python3
"""Checks sesame's dependency rule: a src/ folder includes only from folders to its left.

The rule is the one line of ARCHITECTURE.md that ends in "← main", e.g.

    util ← crypto ← platform ← ... ← cli ← main

`main` is src/main.cpp. Every `#include "folder/..."` in src/**/*.hpp and src/**/*.cpp is checked;
a folder of src/ that the rule does not name is an error too, so a new folder cannot escape it.

    check_layers.py [--root DIR]   exit 0 when the tree follows the rule, 1 with one line per violation
    check_layers.py --self-test    runs this script's own tests on synthetic trees
"""

import argparse
import pathlib
import re
import sys
import tempfile
import unittest

RULE_ARROW = "←"
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"/]+)/[^"]*"')
SOURCE_SUFFIXES = (".hpp", ".cpp")


def read_rule(architecture: pathlib.Path) -> tuple[list[str], str]:
    """Returns the layers, leftmost first, and the rule's line as written."""
    for line in architecture.read_text(encoding="utf-8").splitlines():
        if f"{RULE_ARROW} main" in line:
            layers = [part.strip() for part in line.split(RULE_ARROW)]
            if any(not layer for layer in layers) or len(set(layers)) != len(layers):
                raise ValueError(f"{architecture}: malformed dependency rule: {line.strip()}")
            return layers, line.strip()
    raise ValueError(f'{architecture}: no dependency rule (a line containing "{RULE_ARROW} main")')


def layer_of(source: pathlib.Path, src: pathlib.Path) -> str:
    relative = source.relative_to(src)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def check(root: pathlib.Path) -> list[str]:
    """Returns one message per violation under root/src, judged by root/ARCHITECTURE.md."""
    layers, rule = read_rule(root / "ARCHITECTURE.md")
    rank = {layer: index for index, layer in enumerate(layers)}
    src = root / "src"
    problems = []
    for folder in sorted(path for path in src.iterdir() if path.is_dir()):
        if folder.name not in rank:
            problems.append(f"src/{folder.name}/: folder is not in the dependency rule ({rule})")
    sources = sorted(path for path in src.rglob("*") if path.suffix in SOURCE_SUFFIXES and path.is_file())
    for source in sources:
        layer = layer_of(source, src)
        if layer not in rank:
            if source.parent == src:
                problems.append(f"src/{source.name}: file is not in the dependency rule ({rule})")
            continue  # a folder was reported above, once
        shown = source.relative_to(root).as_posix()
        lines = source.read_text(encoding="utf-8", errors="replace").splitlines()
        for number, line in enumerate(lines, start=1):
            match = INCLUDE.match(line)
            if not match:
                continue
            target = match.group(1)
            included = line.split('"')[1]
            if target not in rank:
                problems.append(f"{shown}:{number}: {layer} includes {included}, a folder not in the rule ({rule})")
            elif rank[target] > rank[layer]:
                problems.append(f"{shown}:{number}: {layer} includes {included}, which is to its right (rule: {rule})")
    return problems


class SelfTest(unittest.TestCase):
    RULE = "    util ← crypto ← cli ← main\n"

    def tree(self, files: dict[str, str], rule: str = RULE) -> pathlib.Path:
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        root = pathlib.Path(directory.name)
        (root / "ARCHITECTURE.md").write_text(f"# x\n\n{rule}\nA folder may include ...\n", encoding="utf-8")
        for name, text in files.items():
            path = root / "src" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root

    def test_passes_when_every_include_points_left_or_within(self):
        root = self.tree({
            "util/a.hpp": "#pragma once\n#include <vector>\n",
            "crypto/b.hpp": '#include "util/a.hpp"\n#include "crypto/c.hpp"\n',
            "crypto/c.hpp": "",
            "cli/d.cpp": '#include "crypto/b.hpp"\n#include "util/a.hpp"\n',
            "main.cpp": '#include "cli/d.hpp"\n',
        })
        self.assertEqual(check(root), [])

    def test_fails_when_a_folder_reaches_right(self):
        root = self.tree({
            "util/a.hpp": '#pragma once\n\n#include "crypto/b.hpp"\n',
            "crypto/b.hpp": "",
        })
        self.assertEqual(check(root), [
            "src/util/a.hpp:3: util includes crypto/b.hpp, which is to its right "
            "(rule: util ← crypto ← cli ← main)"
        ])

    def test_nothing_may_include_main(self):
        root = self.tree({"cli/d.cpp": '#include "main/x.hpp"\n'})
        self.assertEqual(len(check(root)), 1)

    def test_a_folder_missing_from_the_rule_is_refused(self):
        root = self.tree({"extra/e.cpp": '#include "util/a.hpp"\n', "util/a.hpp": ""})
        self.assertEqual(check(root), [
            "src/extra/: folder is not in the dependency rule (util ← crypto ← cli ← main)"
        ])

    def test_a_top_level_file_other_than_main_is_refused(self):
        root = self.tree({"other.cpp": ""})
        self.assertEqual(check(root), ["src/other.cpp: file is not in the dependency rule (util ← crypto ← cli ← main)"])

    def test_an_include_of_an_unknown_folder_is_refused(self):
        root = self.tree({"cli/d.cpp": '#include "ghost/g.hpp"\n'})
        self.assertIn("a folder not in the rule", check(root)[0])

    def test_a_missing_rule_is_an_error(self):
        root = self.tree({}, rule="no rule here")
        with self.assertRaises(ValueError):
            check(root)

    def test_the_real_rule_parses(self):
        layers, _ = read_rule(pathlib.Path(__file__).resolve().parents[2] / "ARCHITECTURE.md")
        self.assertEqual((layers[0], layers[-1]), ("util", "main"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parents[2],
                        help="the repository (default: the one holding this script)")
    parser.add_argument("--self-test", action="store_true", help="run this script's own tests")
    arguments = parser.parse_args()
    if arguments.self_test:
        suite = unittest.defaultTestLoader.loadTestsFromTestCase(SelfTest)
        return 0 if unittest.TextTestRunner(verbosity=1).run(suite).wasSuccessful() else 1
    try:
        problems = check(arguments.root)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} include(s) break the dependency rule in ARCHITECTURE.md", file=sys.stderr)
        return 1
    print("dependency rule holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
