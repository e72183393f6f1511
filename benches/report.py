#!/usr/bin/env python3
"""Turns the raw lines of benches/run.sh (target/bench/raw/) into the Markdown report.

Usage: report.py RAW_DIR LOAD_BEFORE LOAD_AFTER NGINX_LINT_PARSER_VERSION DEPLOYMENT
Reads only files run.sh wrote; prints Markdown on stdout (run.sh tees it to target/bench/report.md).
"""
import datetime
import glob
import os
import platform
import re
import statistics
import sys

raw, load_before, load_after, nlp_version, deployment = sys.argv[1:6]

# Targets (issue #7 item 4).
PARSE_VS_CROSSPLANE = 30.0
PARSE_VS_NLP = 1.0
DEPS_VS_DEPTRY = 5.0
DEPLOY_MS = 5.0
LARGE_PARSE_MS = 50.0
LINEAR_SLACK = 1.5  # cost per MB at the largest size may be at most this times the smaller size's


def kv_lines(path):
    """{label: {key: value}} from `tool label k=v ...` lines."""
    rows = {}
    try:
        with open(path) as f:
            for line in f:
                parts = line.split()
                if len(parts) < 2:
                    continue
                rows[parts[1]] = dict(p.split("=", 1) for p in parts[2:] if "=" in p)
    except OSError:
        pass
    return rows


def passes(prefix):
    """Every pass's rows for one side of the parse benchmark."""
    return [kv_lines(p) for p in sorted(glob.glob(os.path.join(raw, prefix + "-*.txt")))]


def med_of(pass_rows, label, key="median_ms"):
    xs = [float(r[label][key]) for r in pass_rows if label in r and key in r[label]]
    return (statistics.median(xs), min(xs), max(xs), len(xs)) if xs else None


def rss(pattern):
    best = None
    for path in glob.glob(os.path.join(raw, pattern)):
        with open(path) as f:
            m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
        if m:
            v = int(m.group(1)) / 1024
            best = v if best is None else max(best, v)
    return best


def fms(x):
    if x is None:
        return "–"
    if x >= 100:
        return "%.0f ms" % x
    if x >= 10:
        return "%.1f ms" % x
    return "%.2f ms" % x


def fmb(x):
    return "–" if x is None else "%.0f MB" % x if x >= 10 else "%.1f MB" % x


def ratio_status(ratio, target):
    if ratio is None:
        return "not measured"
    if ratio >= target:
        return "met"
    return "missed by %.2f× (%.2f× of %g×)" % (target / ratio, ratio, target)


def time_status(ms, target):
    if ms is None:
        return "not measured"
    if ms < target:
        return "met"
    return "missed by %.1f ms (%.2f× the %g ms budget)" % (ms - target, ms / target, target)


notes = []
try:
    with open(os.path.join(raw, "notes.txt")) as f:
        notes += [l.strip() for l in f if l.strip()]
except OSError:
    pass

L = passes("parse-lint502")
N = passes("parse-nlp")
C = passes("parse-crossplane")
check = kv_lines(os.path.join(raw, "check.txt"))
scale_check = kv_lines(os.path.join(raw, "scale-check.txt"))
deploy = kv_lines(os.path.join(raw, "deploy.txt")).get("deploy")
deps_line = None
try:
    with open(os.path.join(raw, "deps.txt")) as f:
        for line in f:
            if line.startswith("deps "):
                deps_line = dict(p.split("=", 1) for p in line.split()[1:] if "=" in p)
except OSError:
    pass

nlp_name = "nginx-lint-parser %s" % nlp_version
nlp_built = bool(N)
nlp_missing = next((n for n in notes if n.startswith("nginx-lint-parser not built")), None)

rows = []  # (measurement, lint502, peer, peer figure, speed-up, RSS lint502 / peer, target, result)


def add(meas, lint_ms, peer, peer_ms, rss_l, rss_p, target, result, lint_text=None, peer_text=None):
    speed = "%.1f×" % (peer_ms / lint_ms) if lint_ms and peer_ms else "–"
    rows.append((meas, lint_text or fms(lint_ms), peer, peer_text or fms(peer_ms), speed,
                 "%s / %s" % (fmb(rss_l), fmb(rss_p)), target, result))


# ---- 1 + 3: parse ----
corpus_desc = large_desc = "?"
if L:
    first = next((r for r in L if "corpus" in r), {})
    if "corpus" in first:
        corpus_desc = "%s files, %.2f MB" % (first["corpus"]["files"], int(first["corpus"]["bytes"]) / 1e6)
    if "large" in first:
        large_desc = "%.2f MB, 3,000 servers" % (int(first["large"]["bytes"]) / 1e6)
rss_pl, rss_pc, rss_pn = rss("rss-parse-lint502-*.txt"), rss("rss-parse-crossplane-*.txt"), rss("rss-parse-nlp-*.txt")
for label, desc in (("corpus", "corpus (%s)" % corpus_desc), ("large", "generated config (%s)" % large_desc)):
    l, c, n = med_of(L, label), med_of(C, label), med_of(N, label)
    if not l:
        continue
    if c:
        r = c[0] / l[0]
        add("parse, %s" % desc, l[0], "crossplane 0.5.8", c[0], rss_pl, rss_pc, "≥ 30×", ratio_status(r, PARSE_VS_CROSSPLANE))
    if n:
        r = n[0] / l[0]
        add("parse, %s" % desc, l[0], nlp_name, n[0], rss_pl, rss_pn, "≥ 1× (no slower)", ratio_status(r, PARSE_VS_NLP))
    else:
        add("parse, %s" % desc, l[0], nlp_name, None, rss_pl, None, "≥ 1× (no slower)", "not built",
            peer_text="not built" + (": see note" if nlp_missing else ""))
    if label == "large":
        add("parse, %s, absolute" % desc, l[0], "–", None, rss_pl, None, "< 50 ms", time_status(l[0], LARGE_PARSE_MS))

# ---- 2 + 3: check ----
nfiles_check = "?"
try:
    with open(os.path.join(os.path.dirname(raw), "check-files.txt")) as f:
        nfiles_check = sum(1 for l in f if l.strip())
except OSError:
    pass
for key, desc in (("corpus", "nginx check, corpus (%s files lint502 reads as nginx)" % nfiles_check),
                  ("large", "nginx check, generated config (%s), whole process" % large_desc)):
    l, g = check.get("lint502-" + key), check.get("gixy-" + key)
    if not l:
        continue
    lm = float(l["median_ms"])
    gm = float(g["median_ms"]) if g else None
    rl = float(l["rss_mb"]) if l.get("rss_mb", "?") != "?" else None
    rg = float(g["rss_mb"]) if g and g.get("rss_mb", "?") != "?" else None
    if key == "large":
        result = "(50 ms budget is for parsing; check: %s)" % ("under" if lm < LARGE_PARSE_MS else "%.0f ms over" % (lm - LARGE_PARSE_MS))
        target = "report"
    else:
        result, target = ("faster" if gm and gm > lm else "slower"), "report"
    add(desc, lm, "gixy-ng 0.2.59", gm, rl, rg, target, result)

# ---- 4: deps ----
if deps_line:
    lm, dm = float(deps_line["lint502_median_ms"]), float(deps_line["deptry_median_ms"])
    rl = float(deps_line["lint502_rss_mb"]) if deps_line.get("lint502_rss_mb", "?") != "?" else None
    rd = float(deps_line["deptry_rss_mb"]) if deps_line.get("deptry_rss_mb", "?") != "?" else None
    add("dependency check, NetBox 43fe81f9 (%s .py files), whole process" % deps_line.get("pyfiles", "?"), lm,
        "deptry 0.25.1", dm, rl, rd, "≥ 5×", ratio_status(dm / lm, DEPS_VS_DEPTRY))
else:
    rows.append(("dependency check, NetBox", "–", "deptry 0.25.1", "skipped", "–", "–", "≥ 5×", "not measured"))

# ---- 5: deploy ----
if deploy:
    dm = float(deploy["median_ms"])
    rl = rss("rss-deploy.txt")
    if rl is None and deploy.get("rss_mb", "?") != "?":
        rl = float(deploy["rss_mb"])
    add("typical deployment `%s`, whole process (%s runs%s)" % (
        os.path.basename(deployment.rstrip("/")), deploy["rounds"], ", hyperfine" if deploy.get("tool") == "hyperfine" else ""),
        dm, "–", None, rl, None, "< 5 ms", time_status(dm, DEPLOY_MS))

# ---- 6: scaling ----
scale = []
for n in (30, 300, 3000):
    key = "scale-%d" % n
    l = med_of(L, key)
    nb = med_of(N, key)
    lb = next((int(r[key]["bytes"]) for r in L if key in r), None)
    c = scale_check.get(key)
    c0 = scale_check.get("scale-0")
    cm = float(c["median_ms"]) if c else None
    c0m = float(c0["median_ms"]) if c0 else None
    scale.append((n, lb, l[0] if l else None, nb[0] if nb else None, cm, c0m))


def per_mb(ms, b):
    return ms / (b / 1e6) if ms is not None and b else None


def linear_status(series, what):
    """series: ms/MB from the smallest input to the largest; met when the largest input's cost per MB is within
    LINEAR_SLACK of the first one's (a quadratic step would multiply it by the size ratio, 10x or 100x)."""
    if len(series) < 2 or series[0] is None or series[-1] is None:
        return "not measured"
    growth = series[-1] / series[0]
    if growth <= LINEAR_SLACK:
        return "met (ms/MB %s: %.2f×)" % (what, growth)
    return "missed by %.2f× (ms/MB %s: %.2f×, limit %g×)" % (growth / LINEAR_SLACK, what, growth, LINEAR_SLACK)


# ---- print ----
now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
commit = open(os.path.join(raw, "commit.txt")).read().strip() if os.path.exists(os.path.join(raw, "commit.txt")) else "?"
print("## lint502 vs peers (benches/run.sh)")
print()
print("Measured %s, commit %s, %s, %d CPUs, load average %s before / %s after; medians; speed-up = peer time / "
      "lint502 time. Reproduce: `benches/run.sh` (from the crate root)." % (
          now, commit, platform.machine(), os.cpu_count() or 0, load_before, load_after))
print()
print("| measurement | lint502 | peer | peer time | speed-up | peak RSS (lint502 / peer) | target | result |")
print("|---|---:|---|---:|---:|---:|---|---|")
for r in rows:
    print("| %s |" % " | ".join(r))
print()
print("Linear cost (the generator at 1× / 10× / 100×; parse in process, check = whole `lint502 check` process; "
      "\"net\" subtracts a check of an empty `events {} http {}` config, %s):" % fms(scale[0][5] if scale else None))
print()
print("| servers | bytes | lint502 parse | ms/MB | %s parse | ms/MB | lint502 check | ms/MB | ms/MB net |" % nlp_name)
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for n, b, lp, np_, cm, c0m in scale:
    net = per_mb(cm - c0m, b) if cm is not None and c0m is not None else None
    print("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
        "{:,}".format(n), "{:,}".format(b) if b else "?", fms(lp), "%.1f" % per_mb(lp, b) if lp else "–",
        fms(np_), "%.1f" % per_mb(np_, b) if np_ else "–", fms(cm), "%.1f" % per_mb(cm, b) if cm else "–",
        "%.1f" % net if net is not None else "–"))
print()
lin_parse = linear_status([per_mb(lp, b) for _, b, lp, _, _, _ in scale], "1× → 100×")
lin_check = linear_status([per_mb(cm - c0m, b) if cm is not None and c0m is not None else None
                           for _, b, _, _, cm, c0m in scale][1:], "net, 10× → 100×")
print("- linear cost (target): lint502 parse %s; lint502 check %s." % (lin_parse, lin_check))

# Details.
if L and C:
    c = med_of(C, "corpus-read")
    if c:
        print("- crossplane opens and decodes each file itself: %s of its corpus time is that reading; lint502 and "
              "nginx-lint-parser parse text already in memory." % fms(c[0]))
if N:
    cst = med_of(N, "corpus-cst")
    if cst:
        print("- %s: CST only (parse_string_rowan, no AST) takes %s on the corpus; the table uses "
              "parse_string_with_errors (CST + AST)." % (nlp_name, fms(cst[0])))
for label, rowsx in (("lint502", L), ("crossplane", C), (nlp_name, N)):
    m = med_of(rowsx, "corpus")
    if m:
        print("- %s corpus parse, %d interleaved pass(es): median of the pass medians %s (range %s–%s)." % (
            label, m[3], fms(m[0]), fms(m[1]), fms(m[2])))
errs = []
for label, rowsx in (("lint502", L), ("crossplane", C), (nlp_name, N)):
    r = next((x["corpus"] for x in rowsx if "corpus" in x), None)
    if r:
        errs.append("%s %s" % (label, r.get("errors", "?")))
if errs:
    print("- corpus files each parser reports a syntax error in: %s." % ", ".join(errs))
fl = os.path.join(raw, "check-lint502-findings.txt")
fg = os.path.join(raw, "check-gixy-findings.txt")
if os.path.exists(fl) and os.path.exists(fg):
    nl = sum(1 for l in open(fl) if l.strip())
    g = kv_lines(fg).get("check", {})
    print("- nginx check findings on the corpus: lint502 %d (every rule: syntax, directive table, includes, "
          "nginx rules; cross-layer rules have no backend to compare), gixy-ng %s (every check, includes off, "
          "default variable policy; %s file(s) crashed gixy-ng and were counted and skipped)." % (
              nl, g.get("findings", "?"), g.get("crashed", "?")))
if deploy and deploy.get("tool") == "hyperfine":
    print("- deployment: hyperfine -N, 5 warm-up runs; p10 %s, min %s." % (fms(float(deploy["p10_ms"])),
                                                                           fms(float(deploy["min_ms"]))))
for n in notes:
    print("- " + n)
