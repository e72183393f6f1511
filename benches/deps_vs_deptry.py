#!/usr/bin/env python3
"""Dependency check speed: `lint502 check` vs deptry 0.25.1, on one Python project tree, in one run.

What it measures: wall time of the whole process (start-up included) for
  lint502:  lint502 check TREE --format short        (every rule: nginx, backends, dependencies)
  deptry:   deptry ROOT --no-ansi --config <missing>/pyproject.toml   (requirements.txt mode, as in
            ../shared/reference/python-deps-tools.md §5)
one warm-up run each, then ROUNDS interleaved runs; prints medians, p10 and the ratio, and writes
target/bench/deps.md. deptry is pip-installed into target/bench/deptry-venv the first time.

Usage (from the crate root):  python3 benches/deps_vs_deptry.py TREE [DEPTRY_ROOT] [--rounds N] [--lint502 BIN]
  e.g. NetBox 43fe81f9 extracted to /tmp/netbox:  python3 benches/deps_vs_deptry.py /tmp/netbox netbox
Without --lint502 it runs `cargo build --release` (honouring CARGO_TARGET_DIR) and uses that binary.
benches/run.sh calls it with --lint502; the last stdout line is machine-readable:
  deps lint502_median_ms=… deptry_median_ms=… ratio=… lint502_rss_mb=… deptry_rss_mb=…
"""
import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def timed(cmd, cwd=None):
    t = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tree")
    ap.add_argument("deptry_root", nargs="?", default=".")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--lint502", help="the lint502 binary to time (default: build one with cargo)")
    args = ap.parse_args()
    root = Path(__file__).resolve().parent.parent
    bench = root / "target" / "bench"
    bench.mkdir(parents=True, exist_ok=True)
    venv = bench / "deptry-venv"
    if not (venv / "bin" / "deptry").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "deptry==0.25.1"], check=True)
    if args.lint502:
        exe = Path(args.lint502).resolve()
    else:
        subprocess.run(["cargo", "build", "--release", "-q"], cwd=root, check=True)
        exe = Path(os.environ.get("CARGO_TARGET_DIR") or root / "target").resolve() / "release" / "lint502"
    lint = [str(exe), "check", args.tree, "--format", "short"]
    deptry = [str(venv / "bin" / "deptry"), args.deptry_root, "--no-ansi", "--config", str(bench / "missing" / "pyproject.toml")]
    timed(lint)
    timed(deptry, cwd=args.tree)
    a, b = [], []
    for _ in range(args.rounds):
        a.append(timed(lint))
        b.append(timed(deptry, cwd=args.tree))
    def row(name, xs):
        xs = sorted(xs)
        return f"| {name} | {statistics.median(xs) * 1000:.1f} ms | {xs[len(xs) // 10] * 1000:.1f} ms | {xs[0] * 1000:.1f} ms |"
    ratio = statistics.median(b) / statistics.median(a)
    out = "\n".join([
        f"Tree: {args.tree} ({sum(1 for _ in Path(args.tree).rglob('*.py'))} .py files), {args.rounds} interleaved rounds",
        "",
        "| tool | median | p10 | min |",
        "|---|---|---|---|",
        row("lint502 check (all rules)", a),
        row("deptry 0.25.1", b),
        "",
        f"deptry / lint502 (medians): {ratio:.1f}x",
    ])
    print(out)
    (bench / "deps.md").write_text(out + "\n")
    print("deps lint502_median_ms=%.1f deptry_median_ms=%.1f ratio=%.2f lint502_rss_mb=%s deptry_rss_mb=%s pyfiles=%d" % (
        statistics.median(a) * 1000, statistics.median(b) * 1000, ratio,
        rss_mb(lint, None), rss_mb(deptry, args.tree), sum(1 for _ in Path(args.tree).rglob("*.py"))))


def rss_mb(cmd, cwd):
    """Peak RSS of one more run under GNU time -v, in MB (\"?\" without it)."""
    if not os.access("/usr/bin/time", os.X_OK):
        return "?"
    r = subprocess.run(["/usr/bin/time", "-v"] + cmd, cwd=cwd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    for line in r.stderr.splitlines():
        if "Maximum resident set size" in line:
            return "%.1f" % (int(line.rsplit(":", 1)[1]) / 1024)
    return "?"


if __name__ == "__main__":
    main()
