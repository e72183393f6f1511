#!/usr/bin/env bash
# lint502 against its peers: one command, one run, same inputs, medians and ratios.
#
# What it measures (every figure is a median; ratios compare figures taken in the same run)
#   1 parse    nginx corpus (every file in ../shared/corpus/nginx, or the list in $LINT502_BENCH_FILES), parse
#              only, in process: lint502 (benches/nginx_parse.rs) vs crossplane 0.5.8 (benches/crossplane_parse.py)
#              vs the Rust crate nginx-lint-parser (walf443/nginx-lint, crates.io) through a throwaway harness this
#              script writes to target/bench/nginx-lint-bench/ (timed the same way as benches/nginx_parse.rs:
#              inputs read first, one warm-up, median of rounds, std::time::Instant; parse_string_with_errors,
#              i.e. CST + AST, the nearest to lint502's spanned AST). Run in LINT502_BENCH_PASSES passes,
#              interleaved (lint502, nginx-lint-parser, crossplane, then again); the figure is the median of the
#              passes' medians.
#   2 check    nginx checks over the corpus, whole process, interleaved rounds: `lint502 check CORPUS_DIR` (every
#              rule; its discovery picks the files it reads as nginx, includes resolved as nginx does) vs gixy-ng
#              (benches/gixy_check.py: gixy-ng's own CLI loop, every check, JSON output, includes OFF, one process)
#              over exactly the files lint502 read as nginx. `gixy FILE...` itself cannot be timed over the corpus:
#              it stops at the first file that crashes it.
#   3 large    target/bench/generated-large.conf (1.33 MB, 3,000 servers, written by the Rust bench): parse time
#              of the three parsers (from 1), and `lint502 check FILE` vs gixy-ng end to end.
#   4 deps     `lint502 check NETBOX` vs deptry 0.25.1 on NetBox (commit 43fe81f9) at $LINT502_BENCH_NETBOX
#              (default /tmp/netbox) through benches/deps_vs_deptry.py; skipped with a message when absent.
#   5 deploy   `lint502 check testdata/deployments/flask-gunicorn-ok` (nginx.conf + sites-enabled, gunicorn.conf.py,
#              requirements.txt, a Flask app): wall time of the release binary, hyperfine -N when installed (else
#              benches/wall.py), median of LINT502_BENCH_DEPLOY_RUNS (>= 30) runs.
#   6 scale    the generator at 30 / 300 / 3,000 servers (1x / 10x / 100x): parse time per MB (lint502 and
#              nginx-lint-parser, in process) and `lint502 check` per MB, gross and net of the start-up (a
#              check of a 3-line config).
#   7 RSS      peak RSS (GNU /usr/bin/time -v) of each side's whole process in each comparison.
#   Targets printed as met / missed: >= 30x crossplane (parse), no slower than nginx-lint-parser, >= 5x deptry,
#   < 5 ms typical deployment, < 50 ms parse of the 1.33 MB config (its check figure shown too), linear cost.
#
# How to run (from anywhere; works in the crate root /work/main):
#     benches/run.sh
#   Output: progress on stderr, the report on stdout and in target/bench/report.md (a Markdown table for the
#   README); raw key=value lines in target/bench/raw/.
#
# Knobs (environment)
#   CARGO_TARGET_DIR               where cargo builds (honoured for lint502 and the throwaway harness)
#   LINT502_BENCH_FILES=list.txt   the nginx corpus as one path per line (default: every corpus file)
#   LINT502_BENCH_ROUNDS=20        rounds per in-process Rust measurement (lint502, nginx-lint-parser)
#   LINT502_BENCH_PY_ROUNDS=3      rounds per crossplane measurement, per pass
#   LINT502_BENCH_PASSES=3         interleaved passes of section 1
#   LINT502_BENCH_CHECK_ROUNDS=5   interleaved whole-process rounds in sections 2, 3 and 6
#   LINT502_BENCH_DEPS_ROUNDS=10   interleaved rounds in section 4
#   LINT502_BENCH_DEPLOY_RUNS=50   runs in section 5 (at least 30 are used)
#   LINT502_BENCH_NETBOX=/tmp/netbox  LINT502_BENCH_NETBOX_ROOT=netbox   NetBox tree and deptry's root in it
#   LINT502_BENCH_DEPLOYMENT=testdata/deployments/flask-gunicorn-ok
#   NGINX_LINT_PARSER_VERSION=0.19.1   the crates.io version of nginx-lint-parser (exact pin)
#   LINT502_BENCH_SKIP=deps,...    sections to skip: parse, check, deps, deploy, scale
#
# What it installs (first run; later runs reuse it): crossplane==0.5.8 in target/bench/venv, gixy-ng==0.2.59 in
# target/bench/gixy-venv, deptry==0.25.1 in target/bench/deptry-venv (pip, PyPI); nginx-lint-parser (exact
# version above, crates.io) into the throwaway crate target/bench/nginx-lint-bench/, never into lint502; and, only
# when missing and running as root with apt-get, Debian's `time` (GNU time, for RSS) and `hyperfine`. Without
# them RSS is "not measured" and section 5 uses benches/wall.py.
#
# It never runs nginx or any backend, and never executes the config files or the Python apps: every input is
# only read and parsed (by lint502, crossplane, gixy-ng, nginx-lint-parser, deptry).
#
# Timings are wall-clock on a shared machine: compare ratios from one run, not figures across runs; the load
# average before and after is in the report.

set -euo pipefail

CRATE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$CRATE"
OUT="$CRATE/target/bench"
RAW="$OUT/raw"
TARGET_DIR="${CARGO_TARGET_DIR:-$CRATE/target}"
mkdir -p "$OUT" "$RAW"
rm -f "$RAW"/*.txt

ROUNDS="${LINT502_BENCH_ROUNDS:-20}"
PY_ROUNDS="${LINT502_BENCH_PY_ROUNDS:-3}"
PASSES="${LINT502_BENCH_PASSES:-3}"
CHECK_ROUNDS="${LINT502_BENCH_CHECK_ROUNDS:-5}"
DEPS_ROUNDS="${LINT502_BENCH_DEPS_ROUNDS:-10}"
DEPLOY_RUNS="${LINT502_BENCH_DEPLOY_RUNS:-50}"
((DEPLOY_RUNS >= 30)) || DEPLOY_RUNS=30
NETBOX="${LINT502_BENCH_NETBOX:-/tmp/netbox}"
NETBOX_ROOT="${LINT502_BENCH_NETBOX_ROOT:-netbox}"
DEPLOYMENT="${LINT502_BENCH_DEPLOYMENT:-testdata/deployments/flask-gunicorn-ok}"
NLP_VERSION="${NGINX_LINT_PARSER_VERSION:-0.19.1}"
SKIP=",${LINT502_BENCH_SKIP:-},"
skipped() { [[ "$SKIP" == *",$1,"* ]]; }
say() { echo "== $*" >&2; }
note() { echo "$*" >>"$RAW/notes.txt"; }

# ---- tools ----
install_deb() { # install_deb PACKAGE: only when root and apt-get is there
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        say "apt-get install -y $1"
        apt-get install -y -qq "$1" >/dev/null 2>&1 || true
    fi
}
[[ -x /usr/bin/time ]] || install_deb time
command -v hyperfine >/dev/null || install_deb hyperfine
HAVE_TIME=0
if [[ -x /usr/bin/time ]] && /usr/bin/time -v true >/dev/null 2>&1; then HAVE_TIME=1; fi
run_measured() { # run_measured RSS_FILE CMD...: peak RSS into RSS_FILE when GNU time is there
    local rss="$1"; shift
    if [[ "$HAVE_TIME" == 1 ]]; then /usr/bin/time -v -o "$rss" "$@"; else "$@"; fi
}

venv() { # venv DIR PIP_SPEC IMPORT_CHECK
    local dir="$1" spec="$2" check="$3"
    [[ -x "$dir/bin/python" ]] || { say "creating $dir"; python3 -m venv "$dir"; }
    if ! "$dir/bin/python" -c "$check" 2>/dev/null; then
        say "pip install $spec into $dir (needs PyPI)"
        "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "$spec"
    fi
}
VENV="$OUT/venv"
GIXY_VENV="$OUT/gixy-venv"
venv "$VENV" 'crossplane==0.5.8' 'import sys, crossplane; sys.exit(crossplane.__version__ != "0.5.8")'
if ! skipped check; then
    venv "$GIXY_VENV" 'gixy-ng==0.2.59' \
        'import sys, importlib.metadata as m; sys.exit(m.version("gixy-ng") != "0.2.59")'
fi
PY="$VENV/bin/python"

# ---- inputs ----
if [[ -n "${LINT502_BENCH_FILES:-}" ]]; then
    FILES="$(cd "$(dirname "$LINT502_BENCH_FILES")" && pwd)/$(basename "$LINT502_BENCH_FILES")"
    CORPUS=""
else
    CORPUS="$CRATE/../shared/corpus/nginx"
    [[ -d "$CORPUS" ]] || CORPUS=/work/shared/corpus/nginx
    CORPUS="$(cd "$CORPUS" && pwd)"
    FILES="$OUT/files.txt"
    find "$CORPUS" -type f | LC_ALL=C sort >"$FILES"
fi
export LINT502_BENCH_FILES="$FILES"
say "inputs: $(grep -cv '^[[:space:]]*\(#\|$\)' "$FILES" || true) files listed in $FILES"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"

# ---- builds, one at a time ----
# One release build for the binary and the parse bench, so the library is compiled once (`cargo bench` would
# compile it again under its own profile).
say "cargo build --release --bin lint502 --bench nginx_parse"
cargo build --release --bin lint502 --bench nginx_parse --message-format=json-render-diagnostics \
    >"$RAW/build.json"
exe_of() { # exe_of TARGET_NAME: the executable cargo reported for that target
    "$PY" - "$RAW/build.json" "$1" <<'PY'
import json, sys
exe = ""
for line in open(sys.argv[1]):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == sys.argv[2] and m.get("executable"):
        exe = m["executable"]
print(exe)
PY
}
LINT502="$(exe_of lint502)"
BENCH_EXE="$(exe_of nginx_parse)"
[[ -x "$LINT502" ]] || { echo "run.sh: the lint502 binary was not built" >&2; exit 1; }
[[ -x "$BENCH_EXE" ]] || { echo "run.sh: the nginx_parse bench executable was not built" >&2; exit 1; }
# The commit the binaries were built from (+dirty: with uncommitted changes to what they are built from).
COMMIT="$(git -C "$CRATE" rev-parse --short HEAD 2>/dev/null || echo '?')"
if ! git -C "$CRATE" diff --quiet HEAD -- src grammar data build.rs Cargo.toml Cargo.lock benches 2>/dev/null; then
    COMMIT="$COMMIT+dirty"
fi

# The nginx-lint-parser harness: a throwaway crate, its own workspace, never part of lint502.
NLB="$OUT/nginx-lint-bench"
NLB_EXE=""
if ! skipped parse; then
    mkdir -p "$NLB/src"
    # Written to .new files and moved in place only when they differ, so a re-run does not rebuild the harness.
    cat >"$NLB/Cargo.toml.new" <<TOML
# Generated by benches/run.sh: a throwaway harness for the benchmark, not part of lint502.
[package]
name = "nginx-lint-bench"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
nginx-lint-parser = "=$NLP_VERSION"

# The same optimisation as lint502's own [profile.release].
[profile.release]
lto = "fat"
codegen-units = 1
debug = "line-tables-only"

[workspace]
TOML
    cat >"$NLB/src/main.rs.new" <<'RS'
//! Generated by benches/run.sh: times nginx_lint_parser over the same inputs as benches/nginx_parse.rs, the same
//! way (files read before timing, one warm-up, median of LINT502_BENCH_ROUNDS, std::time::Instant).
//! Throwaway: not part of lint502. Arguments LABEL=PATH add single inputs (the large config, the scaling series).
use std::hint::black_box;
use std::time::{Duration, Instant};

fn main() {
    let rounds: usize =
        std::env::var("LINT502_BENCH_ROUNDS").ok().and_then(|s| s.trim().parse().ok()).unwrap_or(20).max(1);
    let list = std::env::var("LINT502_BENCH_FILES").expect("LINT502_BENCH_FILES");
    let paths: Vec<String> = std::fs::read_to_string(&list)
        .expect("read the file list")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    let bytes: Vec<Vec<u8>> = paths.iter().map(|p| std::fs::read(p).expect("read an input")).collect();
    let total: usize = bytes.iter().map(Vec::len).sum();
    // The crate takes &str (its parse_config uses read_to_string): lossy UTF-8, outside the timing.
    let texts: Vec<String> = bytes.iter().map(|b| String::from_utf8_lossy(b).into_owned()).collect();
    let errors = texts.iter().filter(|t| !nginx_lint_parser::parse_string_with_errors(t).1.is_empty()).count();
    let t = time_rounds(rounds, || {
        for s in &texts {
            black_box(nginx_lint_parser::parse_string_with_errors(black_box(s)));
        }
    });
    let m = median(&t);
    println!(
        "nginx-lint-parser corpus files={} bytes={total} rounds={rounds} median_ms={:.3} min_ms={:.3} mb_per_s={:.1} us_per_file={:.2} errors={errors}",
        paths.len(),
        ms(m),
        ms(min(&t)),
        total as f64 / 1e6 / m.as_secs_f64(),
        m.as_secs_f64() * 1e6 / paths.len() as f64
    );
    let t = time_rounds(rounds, || {
        for s in &texts {
            black_box(nginx_lint_parser::parse_string_rowan(black_box(s)));
        }
    });
    let m = median(&t);
    println!(
        "nginx-lint-parser corpus-cst bytes={total} rounds={rounds} median_ms={:.3} mb_per_s={:.1}",
        ms(m),
        total as f64 / 1e6 / m.as_secs_f64()
    );
    for arg in std::env::args().skip(1) {
        let Some((label, path)) = arg.split_once('=') else { continue };
        let Ok(b) = std::fs::read(path) else {
            eprintln!("nginx-lint-bench: {path} missing, skipped");
            continue;
        };
        let s = String::from_utf8_lossy(&b).into_owned();
        let errs = nginx_lint_parser::parse_string_with_errors(&s).1.len();
        let reps = (1_300_000 / s.len().max(1)).clamp(1, 1000);
        let t = time_rounds(rounds, || {
            for _ in 0..reps {
                black_box(nginx_lint_parser::parse_string_with_errors(black_box(&s)));
            }
        });
        let m = median(&t) / reps as u32;
        println!(
            "nginx-lint-parser {label} bytes={} rounds={rounds} reps={reps} median_ms={:.4} min_ms={:.4} mb_per_s={:.1} ms_per_mb={:.2} errors={errs}",
            s.len(),
            ms(m),
            ms(min(&t) / reps as u32),
            s.len() as f64 / 1e6 / m.as_secs_f64(),
            ms(m) / (s.len() as f64 / 1e6)
        );
    }
}

fn time_rounds(rounds: usize, mut f: impl FnMut()) -> Vec<Duration> {
    f();
    (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect()
}

fn median(d: &[Duration]) -> Duration {
    let mut v = d.to_vec();
    v.sort();
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2 }
}

fn min(d: &[Duration]) -> Duration {
    d.iter().copied().min().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
RS
    for f in "$NLB/Cargo.toml" "$NLB/src/main.rs"; do
        if cmp -s "$f.new" "$f"; then rm -f "$f.new"; else mv "$f.new" "$f"; fi
    done
    say "cargo build --release (nginx-lint-parser $NLP_VERSION harness in $NLB)"
    if cargo build --release --quiet --manifest-path "$NLB/Cargo.toml" --target-dir "$TARGET_DIR" \
        >"$RAW/nginx-lint-build.log" 2>&1; then
        NLB_EXE="$TARGET_DIR/release/nginx-lint-bench"
        [[ -x "$NLB_EXE" ]] || NLB_EXE=""
    fi
    if [[ -z "$NLB_EXE" ]]; then
        reason="$(grep -m1 -E '^(error|warning: spurious)' "$RAW/nginx-lint-build.log" || tail -n1 "$RAW/nginx-lint-build.log")"
        say "nginx-lint-parser harness not built: $reason"
        note "nginx-lint-parser not built: ${reason:-unknown error} (log: target/bench/raw/nginx-lint-build.log)"
    fi
fi

LARGE="$OUT/generated-large.conf"

# ---- 1 + 3 + 6: parse, interleaved passes ----
if ! skipped parse; then
    for ((pass = 1; pass <= PASSES; pass++)); do
        say "parse pass $pass/$PASSES: lint502"
        LINT502_BENCH_ROUNDS="$ROUNDS" LINT502_BENCH_OUT="$OUT" \
            run_measured "$RAW/rss-parse-lint502-$pass.txt" "$BENCH_EXE" --bench >"$RAW/parse-lint502-$pass.txt"
        if [[ -n "$NLB_EXE" ]]; then
            say "parse pass $pass/$PASSES: nginx-lint-parser $NLP_VERSION"
            LINT502_BENCH_ROUNDS="$ROUNDS" run_measured "$RAW/rss-parse-nlp-$pass.txt" "$NLB_EXE" \
                "large=$LARGE" "scale-30=$OUT/generated-30.conf" "scale-300=$OUT/generated-300.conf" \
                "scale-3000=$OUT/generated-3000.conf" >"$RAW/parse-nlp-$pass.txt"
        fi
        say "parse pass $pass/$PASSES: crossplane 0.5.8"
        run_measured "$RAW/rss-parse-crossplane-$pass.txt" "$PY" benches/crossplane_parse.py \
            --files "$FILES" --large "$LARGE" --rounds "$PY_ROUNDS" >"$RAW/parse-crossplane-$pass.txt"
    done
fi
if [[ ! -f "$LARGE" ]]; then
    say "writing the generated inputs (one lint502 bench round)"
    LINT502_BENCH_ROUNDS=1 LINT502_BENCH_OUT="$OUT" "$BENCH_EXE" --bench >/dev/null
fi

# ---- 2 + 3: nginx checks, lint502 vs gixy-ng ----
if ! skipped check; then
    if [[ -n "$CORPUS" ]]; then
        CHECK_DIR="$CORPUS"
    else
        # A file list: check the folder of its first entry.
        CHECK_DIR="$(dirname "$(grep -m1 -v '^[[:space:]]*\(#\|$\)' "$FILES")")"
    fi
    # The files lint502 reads as nginx in that folder: gixy-ng gets exactly these.
    "$LINT502" check -v "$CHECK_DIR" --format short 2>&1 >/dev/null |
        sed -n 's/^lint502: \(.*\): nginx.*/\1/p' | LC_ALL=C sort -u >"$OUT/check-files.txt" || true
    "$LINT502" check "$CHECK_DIR" --format short >"$RAW/check-lint502-findings.txt" 2>/dev/null || true
    "$GIXY_VENV/bin/python" benches/gixy_check.py --files "$OUT/check-files.txt" 2>/dev/null \
        >"$RAW/check-gixy-findings.txt" || true
    "$GIXY_VENV/bin/python" benches/gixy_check.py "$LARGE" 2>/dev/null >"$RAW/check-gixy-large-findings.txt" || true
    say "check: lint502 vs gixy-ng over $(wc -l <"$OUT/check-files.txt") corpus files and the large config, $CHECK_ROUNDS interleaved rounds"
    "$PY" benches/wall.py --rounds "$CHECK_ROUNDS" \
        lint502-corpus -- "$LINT502" check "$CHECK_DIR" --format short --- \
        gixy-corpus -- "$GIXY_VENV/bin/python" benches/gixy_check.py --files "$OUT/check-files.txt" --- \
        lint502-large -- "$LINT502" check "$LARGE" --format short --- \
        gixy-large -- "$GIXY_VENV/bin/python" benches/gixy_check.py "$LARGE" \
        >"$RAW/check.txt"
    cat "$RAW/check.txt" >&2
fi

# ---- 6: check scaling ----
if ! skipped scale; then
    printf 'events {\n}\nhttp {\n}\n' >"$OUT/generated-0.conf"
    say "scale: lint502 check on 0 / 30 / 300 / 3,000 servers, $CHECK_ROUNDS interleaved rounds"
    "$PY" benches/wall.py --rounds "$((CHECK_ROUNDS * 2))" \
        scale-0 -- "$LINT502" check "$OUT/generated-0.conf" --format short --- \
        scale-30 -- "$LINT502" check "$OUT/generated-30.conf" --format short --- \
        scale-300 -- "$LINT502" check "$OUT/generated-300.conf" --format short --- \
        scale-3000 -- "$LINT502" check "$OUT/generated-3000.conf" --format short \
        >"$RAW/scale-check.txt"
    cat "$RAW/scale-check.txt" >&2
fi

# ---- 5: a typical small deployment ----
if ! skipped deploy; then
    say "deploy: lint502 check $DEPLOYMENT, $DEPLOY_RUNS runs"
    if command -v hyperfine >/dev/null; then
        hyperfine -N --warmup 5 --runs "$DEPLOY_RUNS" --export-json "$RAW/deploy.json" --style none \
            --ignore-failure "$LINT502 check $DEPLOYMENT --format short" >"$RAW/deploy-hyperfine.txt" 2>&1
        "$PY" - "$RAW/deploy.json" >"$RAW/deploy.txt" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"][0]
xs = sorted(r["times"])
print("wall deploy rounds=%d median_ms=%.3f p10_ms=%.3f min_ms=%.3f max_ms=%.3f exit=0 rss_mb=? tool=hyperfine"
      % (len(xs), statistics.median(xs) * 1e3, xs[len(xs) // 10] * 1e3, xs[0] * 1e3, xs[-1] * 1e3))
PY
        if [[ "$HAVE_TIME" == 1 ]]; then
            /usr/bin/time -v -o "$RAW/rss-deploy.txt" "$LINT502" check "$DEPLOYMENT" --format short >/dev/null 2>&1 || true
        fi
    else
        "$PY" benches/wall.py --rounds "$DEPLOY_RUNS" deploy -- "$LINT502" check "$DEPLOYMENT" --format short \
            >"$RAW/deploy.txt"
    fi
    cat "$RAW/deploy.txt" >&2
fi

# ---- 4: dependency check vs deptry ----
if ! skipped deps; then
    if [[ -d "$NETBOX/$NETBOX_ROOT" ]]; then
        say "deps: lint502 vs deptry 0.25.1 on $NETBOX, $DEPS_ROUNDS interleaved rounds"
        "$PY" benches/deps_vs_deptry.py "$NETBOX" "$NETBOX_ROOT" --rounds "$DEPS_ROUNDS" --lint502 "$LINT502" \
            >"$RAW/deps.txt"
        grep '^deps ' "$RAW/deps.txt" >&2 || true
    else
        say "deps: skipped: no NetBox tree at $NETBOX (set LINT502_BENCH_NETBOX to a checkout of commit 43fe81f9)"
        note "deps: skipped, no NetBox tree at $NETBOX/$NETBOX_ROOT (LINT502_BENCH_NETBOX)"
    fi
fi

LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "$COMMIT" >"$RAW/commit.txt"

# ---- the report ----
"$PY" benches/report.py "$RAW" "$LOAD_BEFORE" "$LOAD_AFTER" "$NLP_VERSION" "$DEPLOYMENT" | tee "$OUT/report.md"
say "written: target/bench/report.md"
