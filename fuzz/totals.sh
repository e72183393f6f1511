#!/bin/sh
# The per-target totals in README.md, from the ledger runs.tsv: number of runs,
# executions over all of them, the longest single run and its commit, and
# whether that run reached 10 million.
#
#   fuzz/totals.sh [LEDGER]        # default: fuzz/runs.tsv; prints a Markdown table
set -eu
cd "$(dirname "$0")"
awk -F '\t' '
    NR == 1 { next }
    {
        t = $3
        if (!(t in runs)) order[++n] = t
        runs[t]++
        total[t] += $4
        if ($4 + 0 > best[t] + 0) { best[t] = $4; code[t] = $2 }
    }
    function commas(x,   s) {
        s = sprintf("%d", x)
        while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
        return s
    }
    END {
        print "| target | runs | executions, all runs | longest run (code) | 10 M in one run |"
        print "|---|---:|---:|---|---|"
        for (i = 1; i <= n; i++) {
            t = order[i]
            printf "| `%s` | %d | %s | %s (%s) | %s |\n", t, runs[t], commas(total[t]),
                commas(best[t]), code[t], (best[t] >= 10000000 ? "yes" : "no")
        }
    }' "${1:-runs.tsv}"
