#!/usr/bin/env bash
# nginx parse benchmark: lint502 vs crossplane, same files, same run.
#
# What it measures
#   Parse time only -- no lints, no include following, no context/argument
#   checks -- on two inputs:
#     corpus  every file in ../shared/corpus/nginx (or the list in
#             $LINT502_BENCH_FILES, one path per line), parsed one after the
#             other; one "round" = every file once.
#     large   one generated ~1.3 MB config (http{} with 3,000 server{}
#             blocks), written by the Rust bench to
#             target/bench/generated-large.conf so both sides parse the
#             same bytes.
#   lint502:    benches/nginx_parse.rs (`cargo bench --bench nginx_parse`,
#               harness = false, std::time::Instant). Files are read and
#               turned into parser text (source::same_length_text) before
#               timing; that conversion is timed separately
#               ("corpus-decode"). Default 20 rounds.
#   crossplane: benches/crossplane_parse.py, crossplane 0.5.8,
#               crossplane.parse(path, single=True, check_ctx=False,
#               check_args=False, comments=False, catch_errors=True).
#               crossplane opens and decodes each file itself, so its time
#               includes open+read from the page cache ("corpus-read" shows
#               how much). Default 5 rounds.
#   Each figure is the median round time (after one warm-up round);
#   MB/s uses MB = 1e6 bytes. Peak RSS of each side's whole process is
#   recorded when GNU /usr/bin/time is installed (skipped otherwise).
#
# How to run (from the crate root, /work/main):
#     benches/run.sh
#   Knobs: LINT502_BENCH_FILES=list.txt  LINT502_BENCH_ROUNDS=20
#          LINT502_BENCH_PY_ROUNDS=5
#   Output: the table on stdout and in target/bench/nginx-parse.md; raw
#   lines in target/bench/{lint502,crossplane}.txt.
#
# Needs: cargo, python3 with venv, and network access to PyPI the first
# time (crossplane==0.5.8 is pip-installed into a private virtualenv at
# target/bench/venv; later runs reuse it). Never runs nginx and never
# executes the config files -- they are only read and parsed.
#
# Timings are wall-clock on a shared machine: other builds running at the
# same time slow both sides; the load average is recorded in the report.

set -euo pipefail

CRATE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$CRATE"
OUT="$CRATE/target/bench"
VENV="$OUT/venv"
mkdir -p "$OUT"

# ---- crossplane in a private virtualenv ----
if [[ ! -x "$VENV/bin/python" ]]; then
    echo "== creating $VENV" >&2
    python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python" -c 'import sys, crossplane; sys.exit(crossplane.__version__ != "0.5.8")' 2>/dev/null; then
    echo "== pip install crossplane==0.5.8 (needs PyPI)" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check 'crossplane==0.5.8'
fi

# ---- the input list, shared by both sides ----
if [[ -n "${LINT502_BENCH_FILES:-}" ]]; then
    FILES="$(cd "$(dirname "$LINT502_BENCH_FILES")" && pwd)/$(basename "$LINT502_BENCH_FILES")"
else
    CORPUS="$CRATE/../shared/corpus/nginx"
    [[ -d "$CORPUS" ]] || CORPUS=/work/shared/corpus/nginx
    CORPUS="$(cd "$CORPUS" && pwd)"
    FILES="$OUT/files.txt"
    find "$CORPUS" -type f | LC_ALL=C sort >"$FILES"
fi
export LINT502_BENCH_FILES="$FILES"
NFILES=$(grep -cv '^[[:space:]]*\(#\|$\)' "$FILES" || true)
echo "== inputs: $NFILES files listed in $FILES" >&2

# ---- peak RSS, if GNU time is there ----
HAVE_TIME=0
if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then
    HAVE_TIME=1
fi
rm -f "$OUT/rss-lint502.txt" "$OUT/rss-crossplane.txt"
run_measured() { # run_measured RSS_FILE CMD...
    local rss="$1"; shift
    if [[ "$HAVE_TIME" == 1 ]]; then
        /usr/bin/time -v -o "$rss" "$@"
    else
        "$@"
    fi
}

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

# ---- lint502 ----
# Build with cargo, then run the very binary `cargo bench --bench
# nginx_parse` would run (with its --bench argument), so the RSS figure is
# the bench process's and not cargo's.
echo "== cargo bench --bench nginx_parse (build)" >&2
BENCH_EXE="$(cargo bench --bench nginx_parse --no-run --message-format=json-render-diagnostics \
    | "$VENV/bin/python" -c '
import json, sys
exe = ""
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "nginx_parse" and m.get("executable"):
        exe = m["executable"]
print(exe)')"
[[ -x "$BENCH_EXE" ]] || { echo "run.sh: bench executable not found" >&2; exit 1; }
echo "== lint502: $BENCH_EXE --bench" >&2
run_measured "$OUT/rss-lint502.txt" "$BENCH_EXE" --bench | tee "$OUT/lint502.txt"

# ---- crossplane ----
echo "== crossplane 0.5.8: benches/crossplane_parse.py" >&2
run_measured "$OUT/rss-crossplane.txt" "$VENV/bin/python" benches/crossplane_parse.py \
    --files "$FILES" --large "$OUT/generated-large.conf" | tee "$OUT/crossplane.txt"

LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

# ---- the table ----
"$VENV/bin/python" - "$OUT" "$LOAD_BEFORE" "$LOAD_AFTER" <<'PY' | tee "$OUT/nginx-parse.md"
import os, platform, re, sys

out, load_before, load_after = sys.argv[1:4]

def lines(path):
    rows = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 2:
                continue
            rows[parts[1]] = dict(p.split("=", 1) for p in parts[2:] if "=" in p)
    return rows

def rss_mb(path):
    try:
        with open(path) as f:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
    except OSError:
        return None
    return int(m.group(1)) / 1024 if m else None

L = lines(os.path.join(out, "lint502.txt"))
C = lines(os.path.join(out, "crossplane.txt"))

def f(x, nd):
    return "%.*f" % (nd, float(x))

print("## nginx parse: lint502 vs crossplane 0.5.8")
print()
print("| input | lint502 median | crossplane median | lint502 MB/s | crossplane MB/s | speed-up (×) |")
print("|---|---:|---:|---:|---:|---:|")
for key in ("corpus", "large"):
    l, c = L.get(key), C.get(key)
    if not l or not c:
        continue
    if key == "corpus":
        name = "corpus (%s files, %s bytes)" % (l["files"], l["bytes"])
    else:
        name = "generated large (%s bytes)" % l["bytes"]
    speed = float(c["median_ms"]) / float(l["median_ms"])
    print("| %s | %s ms | %s ms | %s | %s | %s |" % (
        name, f(l["median_ms"], 1), f(c["median_ms"], 1),
        f(l["mb_per_s"], 2), f(c["mb_per_s"], 2), f(speed, 1)))
print()
notes = []
if "corpus" in L and "corpus" in C:
    l, c = L["corpus"], C["corpus"]
    notes.append("per file: lint502 %s µs, crossplane %s µs" % (f(l["us_per_file"], 1), f(c["us_per_file"], 1)))
    notes.append("files with a syntax error: lint502 %s, crossplane %s (crossplane.parse raised on %s)"
                 % (l.get("errors", "?"), c.get("errors", "?"), c.get("failures", "?")))
    if "corpus-decode" in L:
        d = L["corpus-decode"]
        notes.append("lint502 bytes→text (same_length_text, outside the timed parse): %s ms for the corpus; %s non-UTF-8 files"
                     % (f(d["median_ms"], 3), d.get("non_utf8", "?")))
    if "corpus-read" in C:
        notes.append("crossplane's time includes opening/reading/decoding each file: %s ms of it for the corpus"
                     % f(C["corpus-read"]["median_ms"], 1))
    notes.append("rounds: lint502 %s, crossplane %s (median of rounds after one warm-up)" % (l["rounds"], c["rounds"]))
rl, rc = rss_mb(os.path.join(out, "rss-lint502.txt")), rss_mb(os.path.join(out, "rss-crossplane.txt"))
if rl is not None and rc is not None:
    notes.append("peak RSS (whole process, corpus + large): lint502 %.1f MB, crossplane %.1f MB (python interpreter included)" % (rl, rc))
else:
    notes.append("peak RSS: not measured (GNU /usr/bin/time not installed)")
notes.append("machine: %s, %d CPUs, load average %s before / %s after (other jobs may have been running)"
             % (platform.machine(), os.cpu_count() or 0, load_before, load_after))
for n in notes:
    print("- " + n)
PY
