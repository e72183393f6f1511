#!/usr/bin/env python3
"""Wall time of whole processes, interleaved (see benches/run.sh).

    wall.py --rounds N [--cwd DIR] LABEL -- CMD ARGS... [--- LABEL -- CMD ARGS...]...

Runs every command once as a warm-up, then N rounds in which each command
runs once, in turn (so a slow patch of the machine hits every side); stdout
and stderr go to /dev/null; exit codes are recorded, not judged (a linter
exits 1 when it finds something). Then, when GNU /usr/bin/time is there, one
more run of each under `/usr/bin/time -v` for its peak RSS.

Prints one line per command:
    wall LABEL rounds=N median_ms=… p10_ms=… min_ms=… max_ms=… exit=E rss_mb=…
"""
import os
import statistics
import subprocess
import sys
import time


def parse(argv):
    rounds, cwd, cmds = 10, None, []
    i = 0
    while i < len(argv) and argv[i].startswith("--") and argv[i] not in ("--", "---"):
        if argv[i] == "--rounds":
            rounds = int(argv[i + 1])
        elif argv[i] == "--cwd":
            cwd = argv[i + 1]
        i += 2
    groups, cur = [], []
    for a in argv[i:]:
        if a == "---":
            groups.append(cur)
            cur = []
        else:
            cur.append(a)
    if cur:
        groups.append(cur)
    for g in groups:
        if len(g) < 3 or g[1] != "--":
            sys.exit("wall.py: expected LABEL -- CMD ...; got %r" % g)
        cmds.append((g[0], g[2:]))
    return max(1, rounds), cwd, cmds


def run(cmd, cwd):
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t, p.returncode


def rss_mb(cmd, cwd):
    if not os.access("/usr/bin/time", os.X_OK):
        return None
    out = "/tmp/wall-rss-%d.txt" % os.getpid()
    subprocess.run(["/usr/bin/time", "-v", "-o", out] + cmd, cwd=cwd,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with open(out) as f:
            for line in f:
                if "Maximum resident set size" in line:
                    return int(line.rsplit(":", 1)[1]) / 1024
    except OSError:
        return None
    finally:
        try:
            os.unlink(out)
        except OSError:
            pass
    return None


def main():
    rounds, cwd, cmds = parse(sys.argv[1:])
    times = {label: [] for label, _ in cmds}
    codes = {}
    for label, cmd in cmds:
        _, codes[label] = run(cmd, cwd)
    for _ in range(rounds):
        for label, cmd in cmds:
            t, _ = run(cmd, cwd)
            times[label].append(t)
    for label, cmd in cmds:
        xs = sorted(times[label])
        rss = rss_mb(cmd, cwd)
        print("wall %s rounds=%d median_ms=%.3f p10_ms=%.3f min_ms=%.3f max_ms=%.3f exit=%d rss_mb=%s" % (
            label, rounds, statistics.median(xs) * 1e3, xs[len(xs) // 10] * 1e3, xs[0] * 1e3, xs[-1] * 1e3,
            codes[label], "%.1f" % rss if rss is not None else "?"), flush=True)


if __name__ == "__main__":
    main()
