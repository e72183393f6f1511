#!/usr/bin/env python3
"""Run the real `nginx -t` on every golden .conf and write <case>.expected.

Usage: python3 scripts/observe_nginx_goldens.py [GOLDEN_DIR]  (needs Debian's
nginx-extras; runs only `nginx -t` with a private prefix, never a server).

Raw observations (command, stderr, exit code) go to raw.json for the notes.
"""
import json
import os
import re
import shutil
import subprocess
import sys

GOLD = sys.argv[1] if len(sys.argv) > 1 else "/work/main/testdata/parse/nginx/golden"
PRIV = "/tmp/lint502-ngx"
# Per-case notes (the `# ...` second line of an existing .expected file) are
# kept when a case is observed again.
notes = {}
for fn in os.listdir(GOLD):
    if fn.endswith(".expected"):
        lines = open(os.path.join(GOLD, fn)).read().splitlines()
        if len(lines) > 1 and lines[1].startswith("# "):
            notes[fn[:-9]] = lines[1][2:]
EMERG = re.compile(r"^nginx: \[emerg\] (.*?)(?: in (\S+):(\d+))?$")

raw = {}
for fn in sorted(os.listdir(GOLD)):
    if not fn.endswith(".conf"):
        continue
    name = fn[:-5]
    conf = os.path.join(GOLD, fn)
    prefix = os.path.join(PRIV, name)
    shutil.rmtree(prefix, ignore_errors=True)
    os.makedirs(os.path.join(prefix, "logs"))
    # load_module lines in modules-enabled are relative to the prefix
    os.symlink("/usr/lib/nginx/modules", os.path.join(prefix, "modules"))
    cmd = ["nginx", "-t", "-p", prefix + "/", "-c", conf,
           "-e", prefix + "/error.log", "-g", "pid %s/nginx.pid;" % prefix]
    p = subprocess.run(cmd, capture_output=True, timeout=120)
    err = p.stderr.decode("utf-8", "replace")
    data = open(conf, "rb").read()
    mods = data.startswith(b"include /etc/nginx/modules-enabled/*.conf;")
    emerg = [m for m in (EMERG.match(l) for l in err.splitlines()) if m]
    if p.returncode == 0:
        line1 = "ok"
    else:
        m = emerg[0]
        if m.group(2) is None:
            line1 = "error\t0\t" + m.group(1)
        else:
            assert m.group(2) == conf, (m.group(2), conf)
            line1 = "error\t%s\t%s" % (m.group(3), m.group(1))
    note_parts = []
    if mods:
        note_parts.append("modules loaded (include /etc/nginx/modules-enabled/*.conf on line 1)")
    if notes.get(name):
        note_parts = [notes[name]]
    if p.returncode != 0 and emerg and emerg[0].group(2) is None:
        note_parts.append("nginx reported no file:line; line recorded as 0")
    out = line1 + "\n"
    if note_parts:
        out += "# " + "; ".join(note_parts) + "\n"
    with open(os.path.join(GOLD, name + ".expected"), "w") as f:
        f.write(out)
    raw[name] = {"cmd": cmd, "rc": p.returncode, "stderr": err,
                 "expected": out, "mods": mods}
    print("%-45s rc=%d %s" % (name, p.returncode, line1.replace("\t", " | ")[:150]))

json.dump(raw, open(os.path.join(PRIV, "raw.json"), "w"), indent=1)
