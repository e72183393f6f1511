#!/usr/bin/env bash
# Check `lint502 graph` output with the real tools: render the DOT graph of
# every testdata/deployments/* (and of any extra folder given after OUT_DIR)
# with Graphviz (`dot -Tsvg`), parse every Mermaid graph with mermaid's own
# parser (run by node under jsdom), and check that both tools read the same
# node texts and edge labels (so each escaper round-trips). Exits non-zero
# when any graph fails.
#
# Needs: graphviz (`apt-get install -y graphviz`), node and npm. The npm
# packages (mermaid, jsdom) are installed on first use into $MERMAID_DIR.
#
# Usage: scripts/render_graph.sh [OUT_DIR [DEPLOYMENT_DIR...]]
#        (OUT_DIR default: /tmp/lint502-graphs)
# Env:   LINT502=path/to/lint502 (default: built with `cargo build`)
#        MERMAID_DIR (default: /tmp/lint502-mermaid)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-/tmp/lint502-graphs}
shift || true
extra=("$@")
mmd_dir=${MERMAID_DIR:-/tmp/lint502-mermaid}

command -v dot >/dev/null || { echo "render_graph: dot not found (apt-get install -y graphviz)" >&2; exit 2; }
command -v node >/dev/null || { echo "render_graph: node not found" >&2; exit 2; }

if [ -z "${LINT502:-}" ]; then
    (cd "$root" && cargo build --quiet)
    LINT502="${CARGO_TARGET_DIR:-$root/target}/debug/lint502"
fi

if [ ! -d "$mmd_dir/node_modules/mermaid" ] || [ ! -d "$mmd_dir/node_modules/jsdom" ]; then
    mkdir -p "$mmd_dir"
    (cd "$mmd_dir" && { [ -f package.json ] || npm init -y >/dev/null; } &&
        npm install --no-audit --no-fund --silent mermaid@11.17.2 jsdom@29.1.1)
fi
cat >"$mmd_dir/check.mjs" <<'JS'
// node check.mjs PREFIX...: for each PREFIX, parse PREFIX.mmd with mermaid's
// own parser and read PREFIX.svg (Graphviz's rendering of the DOT output);
// the node texts and edge labels both decode must be equal. Exit 1 on any
// parse error or difference.
import { readFileSync } from 'node:fs';
import { JSDOM } from 'jsdom';
const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true });
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const k of ['DOMParser', 'Element', 'HTMLElement', 'Node', 'SVGElement', 'navigator', 'MutationObserver']) {
  if (!(k in globalThis)) { try { globalThis[k] = dom.window[k]; } catch { /* read-only global */ } }
}
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });
const ta = document.createElement('textarea');
// Mermaid keeps its entity codes (#quot;, #35;) as placeholders until it
// renders: put the HTML entity back, then decode it.
const decode = (s) => {
  ta.innerHTML = String(s ?? '')
    .replaceAll('\ufb02\u00b0\u00b0', '&#')
    .replaceAll('\ufb02\u00b0', '&')
    .replaceAll('\u00b6\u00df', ';');
  return ta.value;
};
const fromMermaid = async (text) => {
  const d = await mermaid.mermaidAPI.getDiagramFromText(text);
  const nodes = [...d.db.getVertices()].map(([id, v]) => `${id} ${decode(v.text)}`);
  const edges = d.db.getEdges().map((e) => `${e.start}->${e.end} ${decode(e.text)}`);
  return { nodes: nodes.sort(), edges: edges.sort() };
};
const fromSvg = (text) => {
  const doc = new dom.window.DOMParser().parseFromString(text, 'image/svg+xml');
  const label = (g) => [...g.querySelectorAll('text')].map((t) => t.textContent).join(' ');
  const title = (g) => g.querySelector('title').textContent;
  const nodes = [...doc.querySelectorAll('g.node')].map((g) => `${title(g)} ${label(g)}`);
  const edges = [...doc.querySelectorAll('g.edge')].map((g) => `${title(g)} ${label(g)}`);
  return { nodes: nodes.sort(), edges: edges.sort() };
};
let bad = 0;
for (const p of process.argv.slice(2)) {
  try {
    const m = await fromMermaid(readFileSync(`${p}.mmd`, 'utf8'));
    const s = fromSvg(readFileSync(`${p}.svg`, 'utf8'));
    const diff = [];
    for (const k of ['nodes', 'edges']) {
      const a = new Set(m[k]);
      const b = new Set(s[k]);
      for (const x of a) if (!b.has(x)) diff.push(`mermaid only: ${x}`);
      for (const x of b) if (!a.has(x)) diff.push(`dot only: ${x}`);
      if (m[k].length !== s[k].length) diff.push(`${k}: mermaid ${m[k].length}, dot ${s[k].length}`);
    }
    if (diff.length) {
      bad++;
      console.log(`mermaid FAIL ${p}: ${diff.slice(0, 6).join(' | ')}`);
    } else {
      console.log(`mermaid ok   ${p} (${m.nodes.length} nodes, ${m.edges.length} edges, as dot reads them)`);
    }
  } catch (e) {
    bad++;
    console.log(`mermaid FAIL ${p}: ${String((e && e.message) || e).split('\n').slice(0, 4).join(' | ')}`);
  }
}
process.exit(bad ? 1 : 0);
JS

mkdir -p "$out"
total=0
dot_ok=0
both=()
failed=0
for d in "$root"/testdata/deployments/*/ ${extra[@]+"${extra[@]}"}; do
    name=$(basename "$d")
    total=$((total + 1))
    if "$LINT502" graph --format dot "$d" >"$out/$name.dot" 2>"$out/$name.err" &&
        dot -Tsvg "$out/$name.dot" -o "$out/$name.svg" 2>>"$out/$name.err"; then
        dot_ok=$((dot_ok + 1))
    else
        failed=1
        echo "dot     FAIL $name: $(head -c 300 "$out/$name.err")"
        continue
    fi
    if "$LINT502" graph --format mermaid "$d" >"$out/$name.mmd" 2>>"$out/$name.err"; then
        both+=("$out/$name")
    else
        failed=1
        echo "mermaid FAIL $name: lint502 graph exited non-zero"
    fi
done

mmd_ok=0
if [ ${#both[@]} -gt 0 ]; then
    log="$out/mermaid.log"
    (cd "$mmd_dir" && node check.mjs "${both[@]}") >"$log" || failed=1
    mmd_ok=$(grep -c '^mermaid ok' "$log" || true)
    grep '^mermaid FAIL' "$log" || true
fi

echo "dot: $dot_ok rendered OK of $total"
echo "mermaid: $mmd_ok parsed OK, with the same texts as dot, of $total"
echo "output in $out"
exit $failed
