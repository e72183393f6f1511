#!/usr/bin/env python3
"""Compare lint502's Python import scanner with CPython's own `ast` module.

For every `.py` file under a directory (default: this interpreter's standard
library), the imports Python's parser finds (`ast.Import` / `ast.ImportFrom`
nodes: module, relative level, line) must equal what `lint502 parse FILE
--format json` reports (its `import` and `from` entries). Files `ast` cannot
parse are skipped (counted); lint502 must still not crash on them.

Usage: python3 tests/python_imports_vs_ast.py [--lint502 target/release/lint502] [DIR ...]
Prints the agreement figure and every file that differs. Exit 1 below 99.9 %.
"""
import argparse
import ast
import collections
import json
import subprocess
import sys
import sysconfig
from pathlib import Path


def ast_imports(text):
    tree = ast.parse(text)
    out = collections.Counter()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                out[(node.lineno, "import", 0, a.name)] += 1
        elif isinstance(node, ast.ImportFrom):
            out[(node.lineno, "from", node.level, node.module or "")] += 1
    return out


def lint_imports(exe, path):
    p = subprocess.run([exe, "parse", str(path), "--format", "json"], capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise RuntimeError(f"lint502 exit {p.returncode}: {p.stderr.strip()}")
    d = json.loads(p.stdout)
    out = collections.Counter()
    for i in d["imports"]:
        if i["kind"] in ("import", "from"):
            out[(i["line"], i["kind"], i["level"], i["module"])] += 1
    return out, d["status"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lint502", default="target/release/lint502")
    ap.add_argument("dirs", nargs="*")
    args = ap.parse_args()
    dirs = [Path(d) for d in args.dirs] or [Path(sysconfig.get_paths()["stdlib"])]
    files = sorted(f for d in dirs for f in d.rglob("*.py") if args.dirs or "site-packages" not in f.parts)
    same = differ = skipped = 0
    diffs = []
    for f in files:
        try:
            text = f.read_bytes().decode("utf-8")
            want = ast_imports(text)
        except (SyntaxError, UnicodeDecodeError, ValueError):
            skipped += 1
            # Still must not crash.
            lint_imports(args.lint502, f)
            continue
        got, status = lint_imports(args.lint502, f)
        if got == want:
            same += 1
        else:
            differ += 1
            missing = want - got
            extra = got - want
            diffs.append(f"{f}: status {status}; ast only {sorted(missing)[:5]}; lint502 only {sorted(extra)[:5]}")
    total = same + differ
    ratio = 100.0 * same / total if total else 100.0
    print(f"python {sys.version.split()[0]}: {total} files compared, {same} equal ({ratio:.2f} %), "
          f"{differ} differ, {skipped} skipped (ast cannot parse them)")
    for d in diffs:
        print("  " + d)
    return 0 if ratio >= 99.9 else 1


if __name__ == "__main__":
    sys.exit(main())
