#!/bin/sh
# Run fuzz targets one after another on one core and record each run in
# fuzz/runs.tsv (the ledger the execution counts in fuzz/README.md come from).
#
#   fuzz/campaign.sh [-t SECONDS] TARGET...      # e.g. fuzz/campaign.sh -t 3600 python js
#
# Start one campaign per core. Each target runs until it has executed
# 10,200,000 inputs or for SECONDS (default: no limit), whichever comes first;
# Ctrl-C or `kill -INT` of the fuzzer ends a run early and still records it.
#
# Build first (from fuzz/): cargo +nightly fuzz build -s none --no-trace-compares
# FUZZ_BIN: where the binaries are (default: cargo-fuzz's release folder);
# FUZZ_COMMIT: the commit they were built from (default: HEAD);
# FUZZ_LOGS: where each run's log goes (default: artifacts/logs).
# Settings, the same for every run (see README.md, "Third round"):
#   -max_len=1024 -timeout=10 -rss_limit_mb=2048 -dict=dict/<target>.dict
#   -reload=0: one process per corpus folder, so nothing else adds to it
#   (re-reading the folder every few seconds cost check 3.6% of its time);
#   check: -entropic=0 and the merged corpus corpus/check-min when present.
set -eu
cd "$(dirname "$0")"
limit=""
if [ "${1:-}" = "-t" ]; then
    limit="-max_total_time=$2"
    shift 2
fi
[ $# -gt 0 ] || { echo "usage: $0 [-t SECONDS] TARGET..." >&2; exit 2; }
bin=${FUZZ_BIN:-target/x86_64-unknown-linux-gnu/release}
logs=${FUZZ_LOGS:-artifacts/logs}
mkdir -p "$logs"
[ -f runs.tsv ] || printf 'date\tcommit\ttarget\texecutions\texec_per_s\tseconds\tnew_units\tresult\n' > runs.tsv
# The commit the binaries were built from: HEAD unless FUZZ_COMMIT says
# otherwise (binaries built earlier, or elsewhere).
commit=${FUZZ_COMMIT:-$(git rev-parse --short HEAD 2>/dev/null || echo unknown)}
for t in "$@"; do
    corpus=corpus/$t
    extra=""
    if [ "$t" = check ]; then
        extra="-entropic=0"
        [ -d corpus/check-min ] && corpus=corpus/check-min
    fi
    mkdir -p "$corpus" "artifacts/$t"
    log="$logs/$t-$(date -u +%Y%m%dT%H%M%S).log"
    start=$(date +%s)
    # shellcheck disable=SC2086 # $limit and $extra are flag lists or empty
    rc=0
    "$bin/$t" -max_len=1024 -timeout=10 -rss_limit_mb=2048 -dict="dict/$t.dict" \
        -reload=0 -runs=10200000 $limit $extra -print_final_stats=1 \
        -artifact_prefix="artifacts/$t/" "$corpus" > "$log" 2>&1 || rc=$?
    # libFuzzer: 0 when -runs or -max_total_time is reached, 72 when
    # interrupted, anything else is a finding (its input is named in the log).
    case $rc in
        0) result=done ;;
        72) result=interrupted ;;
        *) result="finding (exit $rc): $(grep -o 'Test unit written to [^ ]*' "$log" | tail -1 || true), log $log" ;;
    esac
    secs=$(( $(date +%s) - start ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    units=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%F)" "$commit" "$t" \
        "${execs:-0}" "${rate:-0}" "$secs" "${units:-0}" "$result" >> runs.tsv
    rm -rf /dev/shm/lint502-fuzz-*
done
