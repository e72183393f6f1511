#!/bin/sh
# The per-target totals in README.md, from the ledger runs.tsv: number of runs,
# executions over all of them, executions on the current code, the longest
# single run and its commit, and whether the current code has had 10 million.
#
#   fuzz/totals.sh [LEDGER]        # default: fuzz/runs.tsv; prints a Markdown table
#
# "The current code": a run counts when nothing its binary was built from
# has changed between the run's commit and HEAD (git diff), among the paths
# below: the target's parsers and grammars, the code every target shares, the
# dependencies and the harness; for `check`, all of src/, grammar/ and data/.
# A row whose commit is not a commit (`56e7266+js-fix`) never counts.
set -eu
cd "$(dirname "$0")"
ledger=${1:-runs.tsv}
shared="../src/parse/mod.rs ../src/source.rs ../Cargo.toml ../Cargo.lock Cargo.toml Cargo.lock fuzz_targets/common"
paths() {
    case $1 in
        nginx) echo ../src/parse/nginx.rs ../grammar/nginx.pest ;;
        js) echo ../src/parse/pm2.rs ../src/parse/nodecode.rs ../grammar/js.pest ../grammar/nodecode.pest ;;
        yaml_ecosystem) echo ../src/parse/pm2.rs ../grammar/js.pest ;;
        python) echo ../src/parse/python.rs ../grammar/python.pest ;;
        requirements) echo ../src/parse/requirements.rs ../src/parse/manifest.rs ../grammar/requirements.pest ;;
        *) echo ../src ../grammar ../data ../build.rs ;;  # check
    esac
}
current=$(mktemp)
trap 'rm -f "$current"' EXIT
tail -n +2 "$ledger" | cut -f 2,3 | sort -u | while IFS="$(printf '\t')" read -r commit target; do
    # shellcheck disable=SC2046 # paths are words without spaces
    if git rev-parse -q --verify "$commit^{commit}" > /dev/null \
        && git diff --quiet "$commit" HEAD -- $(paths "$target") $shared "fuzz_targets/$target.rs"; then
        printf '%s\t%s\n' "$commit" "$target"
    fi
done > "$current"
awk -F '\t' '
    FNR == NR { cur[$1 "\t" $2] = 1; next }
    FNR == 1 { next }
    {
        t = $3
        if (!(t in runs)) order[++n] = t
        runs[t]++
        total[t] += $4
        if (($2 "\t" t) in cur) now[t] += $4
        if ($4 + 0 > best[t] + 0) { best[t] = $4; code[t] = $2 }
    }
    function commas(x,   s) {
        s = sprintf("%d", x)
        while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
        return s
    }
    END {
        print "| target | runs | executions, all runs | on the current code | longest run (code) | 10 M on the current code |"
        print "|---|---:|---:|---:|---|---|"
        for (i = 1; i <= n; i++) {
            t = order[i]
            printf "| `%s` | %d | %s | %s | %s (%s) | %s |\n", t, runs[t], commas(total[t]),
                commas(now[t]), commas(best[t]), code[t], (now[t] >= 10000000 ? "yes" : "no")
        }
    }' "$current" "$ledger"
