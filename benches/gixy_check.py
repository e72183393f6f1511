#!/usr/bin/env python3
"""gixy-ng side of the nginx check benchmark (see benches/run.sh).

Runs gixy-ng's own CLI loop over many files in ONE process, the way
`gixy FILE...` does (one gixy Manager per file, `audit`, then the JSON
formatter's `feed`), except that an exception raised while auditing one file
is counted and the loop goes on: the real CLI stops the whole run at the first
file that crashes it (gixy-ng 0.2.59 raises in its regex parser on a corpus
file), so `gixy FILE...` cannot be timed over the corpus as is.

Options mirror the CLI defaults: every check, severity UNSPECIFIED (all
findings), default variable policy loaded, JSON output built (and written to
--output, default /dev/null); `--includes` turns include following on (off by
default, like `gixy --disable-includes`). Config files are only read.

Usage: gixy_check.py [--includes] [--output FILE] --files LIST | FILE...
Prints: `gixy-ng check files=N findings=F crashed=C seconds=S`
(S = the audit loop alone, after imports; the benchmark times the whole
process from outside).
"""
import argparse
import logging
import sys
import time

import gixy
from gixy.core.config import Config
from gixy.core.exceptions import InvalidConfiguration
from gixy.core.manager import Manager as Gixy
from gixy.formatters import get_all as formatters


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", help="a file holding one path per line")
    ap.add_argument("--includes", action="store_true", help="follow include (gixy's default; off here)")
    ap.add_argument("--output", default="/dev/null")
    ap.add_argument("paths", nargs="*")
    args = ap.parse_args()
    paths = list(args.paths)
    if args.files:
        with open(args.files, encoding="utf-8") as f:
            paths += [line.strip() for line in f if line.strip() and not line.startswith("#")]
    # gixy's CLI logs parser warnings to stderr; keep the level it uses without -d.
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    config = Config(
        severity=gixy.severity.ALL[0],
        output_format="json",
        allow_includes=args.includes,
        load_default_vars=True,
    )
    formatter = formatters()["json"]()
    crashed = 0
    t = time.perf_counter()
    for path in paths:
        with Gixy(config=config) as yoda:
            try:
                with open(path, mode="rb") as fdata:
                    yoda.audit(path, fdata, is_stdin=False)
            except InvalidConfiguration:
                pass
            except Exception:  # noqa: BLE001 - the real CLI would stop here
                crashed += 1
                continue
            formatter.feed(path, yoda)
    out = formatter.flush()
    seconds = time.perf_counter() - t
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(out)
    findings = sum(len(v) for v in formatter.reports.values())
    print("gixy-ng check files=%d findings=%d crashed=%d seconds=%.3f" % (len(paths), findings, crashed, seconds))


if __name__ == "__main__":
    main()
