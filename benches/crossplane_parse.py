#!/usr/bin/env python3
"""crossplane side of the nginx parse benchmark (see benches/run.sh).

Parses the same inputs as benches/nginx_parse.rs with crossplane 0.5.8 and
prints the same `key=value` lines:

    crossplane corpus files=942 bytes=... rounds=5 median_ms=... mb_per_s=... us_per_file=... errors=N failures=M
    crossplane large bytes=... rounds=5 median_ms=... mb_per_s=... errors=N failures=M

Each file is parsed with

    crossplane.parse(path, single=True, comments=False, strict=False,
                     combine=False, check_ctx=False, check_args=False,
                     catch_errors=True)

i.e. one file, no `include` following, no context / argument-count checks:
only lexing and block building, which is what lint502's parser does.
crossplane.parse takes a path and opens the file itself (io.open, utf-8,
errors='replace'), so its timing includes open+read+decode from the page
cache; `crossplane corpus-read` times just that part so it can be
subtracted. `errors` counts files whose payload has status != "ok"
(crossplane's own syntax errors); `failures` counts files for which
crossplane.parse raised.

Inputs: --files / LINT502_BENCH_FILES (one path per line), default every
file under ../shared/corpus/nginx relative to the crate (fallback
/work/shared/corpus/nginx); --large (default target/bench/generated-large.conf,
written by the Rust bench); --rounds / LINT502_BENCH_PY_ROUNDS (default 5).
MB = 1e6 bytes.
"""

import argparse
import gc
import io
import os
import statistics
import sys
import time

import crossplane

CRATE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_files():
    d = os.path.join(CRATE, "..", "shared", "corpus", "nginx")
    if not os.path.isdir(d):
        d = "/work/shared/corpus/nginx"
    out = []
    for root, _dirs, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            if os.path.isfile(p):
                out.append(p)
    # Same order as the Rust side (byte-wise path sort).
    out.sort(key=lambda p: os.fsencode(p))
    return out


def read_list(path):
    with open(path, encoding="utf-8") as f:
        return [
            line.strip()
            for line in f
            if line.strip() and not line.strip().startswith("#")
        ]


def parse_one(path):
    """Returns (errors, failures) for one file: each 0 or 1."""
    try:
        payload = crossplane.parse(
            path,
            single=True,
            comments=False,
            strict=False,
            combine=False,
            check_ctx=False,
            check_args=False,
            catch_errors=True,
        )
    except Exception:  # noqa: BLE001 - counted, not fatal
        return 0, 1
    return (0 if payload.get("status") == "ok" else 1), 0


def parse_all(paths):
    errors = failures = 0
    for p in paths:
        e, f = parse_one(p)
        errors += e
        failures += f
    return errors, failures


def read_all(paths):
    for p in paths:
        with io.open(p, mode="r", encoding="utf-8", errors="replace") as f:
            f.read()


def time_rounds(rounds, fn):
    fn()  # warm-up
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def report(label, times, nbytes, extra):
    med = statistics.median(times)
    fields = [
        "crossplane",
        label,
        *extra,
        "bytes=%d" % nbytes,
        "rounds=%d" % len(times),
        "median_ms=%.3f" % (med * 1e3),
        "min_ms=%.3f" % (min(times) * 1e3),
        "mb_per_s=%.2f" % (nbytes / 1e6 / med),
    ]
    return fields, med


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", default=os.environ.get("LINT502_BENCH_FILES"))
    ap.add_argument(
        "--large",
        default=os.path.join(CRATE, "target", "bench", "generated-large.conf"),
    )
    ap.add_argument(
        "--rounds",
        type=int,
        default=int(os.environ.get("LINT502_BENCH_PY_ROUNDS", "5")),
    )
    args = ap.parse_args()
    rounds = max(1, args.rounds)

    paths = read_list(args.files) if args.files else default_files()
    if not paths:
        sys.exit("crossplane_parse.py: no input files")
    nbytes = sum(os.path.getsize(p) for p in paths)

    # Error / failure counts (identical on every round).
    errors, failures = parse_all(paths)

    gc.collect()
    t_read = time_rounds(rounds, lambda: read_all(paths))
    fields, _ = report("corpus-read", t_read, nbytes, ["files=%d" % len(paths)])
    print(" ".join(fields), flush=True)

    gc.collect()
    t = time_rounds(rounds, lambda: parse_all(paths))
    fields, med = report("corpus", t, nbytes, ["files=%d" % len(paths)])
    fields += [
        "us_per_file=%.2f" % (med * 1e6 / len(paths)),
        "errors=%d" % errors,
        "failures=%d" % failures,
    ]
    print(" ".join(fields), flush=True)

    if os.path.isfile(args.large):
        lbytes = os.path.getsize(args.large)
        le, lf = parse_one(args.large)
        gc.collect()
        t = time_rounds(rounds, lambda: parse_one(args.large))
        fields, _ = report("large", t, lbytes, [])
        fields += ["errors=%d" % le, "failures=%d" % lf, "path=%s" % args.large]
        print(" ".join(fields), flush=True)
    else:
        print(
            "crossplane_parse.py: %s missing (run the Rust bench first); "
            "skipping the large input" % args.large,
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
