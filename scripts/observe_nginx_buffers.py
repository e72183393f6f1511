#!/usr/bin/env python3
"""Run the real `nginx -t` on buffer-size combinations and record its verdicts.

Writes testdata/observed/nginx-buffers.tsv, read by tests/nginx_buffers_vs_nginx.rs
(rule NGX010). Needs nginx on PATH or at /usr/sbin/nginx (observed with Debian
nginx-extras 1.22.1). Only `nginx -t` runs, with a private temporary prefix: the
error log, pid file and temp paths are inside it, nothing under /etc or /var is
touched, and no server is started.

Usage: python3 scripts/observe_nginx_buffers.py
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "testdata", "observed", "nginx-buffers.tsv")

# (case, level, directives): level is where the directives go (http, server
# or location; "nested" puts the second list in a nested location).
CASES = [
    ("proxy_defaults", "location", []),
    ("proxy_buffer_size_16k", "location", ["proxy_buffer_size 16k"]),
    ("proxy_buffer_size_16k_busy_16k", "location", ["proxy_buffer_size 16k", "proxy_busy_buffers_size 16k"]),
    ("proxy_buffer_size_16k_busy_24k", "location", ["proxy_buffer_size 16k", "proxy_busy_buffers_size 24k"]),
    ("proxy_buffer_size_8k", "location", ["proxy_buffer_size 8k"]),
    ("proxy_buffers_1", "location", ["proxy_buffers 1 4k"]),
    ("proxy_buffers_2_4k", "location", ["proxy_buffers 2 4k"]),
    ("proxy_buffers_2_8k_busy_8k", "location", ["proxy_buffers 2 8k", "proxy_busy_buffers_size 8k"]),
    ("proxy_buffers_uppercase_k", "location", ["proxy_buffers 8 4K"]),
    ("proxy_buffers_4_32k", "location", ["proxy_buffers 4 32k"]),
    ("proxy_buffer_64k_buffers_4_16k", "location", ["proxy_buffer_size 64k", "proxy_buffers 4 16k"]),
    ("proxy_busy_2k", "location", ["proxy_busy_buffers_size 2k"]),
    ("proxy_busy_28k_equal", "location", ["proxy_busy_buffers_size 28k"]),
    ("proxy_busy_29k", "location", ["proxy_busy_buffers_size 29k"]),
    ("proxy_temp_write_2k", "location", ["proxy_temp_file_write_size 2k"]),
    ("proxy_temp_write_4k", "location", ["proxy_temp_file_write_size 4k"]),
    ("proxy_temp_write_8k_buffer_16k", "location",
     ["proxy_buffer_size 16k", "proxy_busy_buffers_size 16k", "proxy_temp_file_write_size 8k"]),
    ("proxy_max_temp_0", "location", ["proxy_max_temp_file_size 0"]),
    ("proxy_max_temp_2k", "location", ["proxy_max_temp_file_size 2k"]),
    ("proxy_max_temp_4k", "location", ["proxy_max_temp_file_size 4k"]),
    ("proxy_max_temp_1g_invalid", "location", ["proxy_max_temp_file_size 1g"]),
    ("proxy_max_temp_2048m", "location", ["proxy_max_temp_file_size 2048m"]),
    ("proxy_buffering_off_buffer_16k", "location", ["proxy_buffering off", "proxy_buffer_size 16k"]),
    ("proxy_buffering_off_buffers_1", "location", ["proxy_buffering off", "proxy_buffers 1 4k"]),
    ("proxy_http_level_buffer_16k", "http", ["proxy_buffer_size 16k"]),
    ("proxy_server_level_buffer_16k", "server", ["proxy_buffer_size 16k"]),
    ("proxy_nested_fixed_inside", "nested", (["proxy_buffer_size 16k"], ["proxy_busy_buffers_size 16k"])),
    ("proxy_nested_busy_outer_buffer_inner", "nested", (["proxy_busy_buffers_size 16k"], ["proxy_buffer_size 16k"])),
    ("proxy_nested_broken_inside", "nested", ([], ["proxy_buffer_size 16k"])),
    # nginx merges the server level on its own: broken there, fixed in the
    # only location (lint502 judges locations only; see NGX010's page)
    ("proxy_server_broken_location_fixed", "server+location",
     (["proxy_buffer_size 16k"], ["proxy_busy_buffers_size 16k"])),
    ("uwsgi_defaults", "location", ["uwsgi_buffering on"]),
    ("uwsgi_buffer_size_16k", "location", ["uwsgi_buffer_size 16k"]),
    ("uwsgi_buffers_1", "location", ["uwsgi_buffers 1 8k"]),
    ("uwsgi_buffer_16k_busy_16k", "location", ["uwsgi_buffer_size 16k", "uwsgi_busy_buffers_size 16k"]),
    ("uwsgi_max_temp_1k", "location", ["uwsgi_max_temp_file_size 1k"]),
    ("fastcgi_buffer_size_32k", "location", ["fastcgi_buffer_size 32k"]),
    ("fastcgi_buffers_16_16k_buffer_32k", "location", ["fastcgi_buffers 16 16k", "fastcgi_buffer_size 32k"]),
    ("fastcgi_temp_write_1k", "location", ["fastcgi_temp_file_write_size 1k"]),
    ("scgi_busy_1k", "location", ["scgi_busy_buffers_size 1k"]),
    ("grpc_buffer_size_64k", "location", ["grpc_buffer_size 64k"]),
]


def block(directives, indent):
    pad = " " * indent
    return "".join("%s%s;\n" % (pad, d) for d in directives)


def render(level, directives):
    http = server = loc = inner = []
    if level == "http":
        http = directives
    elif level == "server":
        server = directives
    elif level == "nested":
        loc, inner = directives
    elif level == "server+location":
        server, loc = directives
    else:
        loc = directives
    nested = ""
    if level == "nested":
        nested = "            location /api/ {\n%s            }\n" % block(inner, 16)
    return (
        "events {}\n"
        "http {\n"
        "    access_log off;\n"
        "    client_body_temp_path temp/body;\n"
        "    proxy_temp_path temp/proxy;\n"
        "    fastcgi_temp_path temp/fastcgi;\n"
        "    uwsgi_temp_path temp/uwsgi;\n"
        "    scgi_temp_path temp/scgi;\n"
        + block(http, 4)
        + "    server {\n"
        "        listen 127.0.0.1:18080;\n"
        + block(server, 8)
        + "        location / {\n"
        + block(loc, 12)
        + "            proxy_pass http://127.0.0.1:18081;\n"
        + nested
        + "        }\n"
        "    }\n"
        "}\n"
    )


def snippet(level, directives):
    if level == "nested":
        outer, inner = directives
        return "location / { %s } location /api/ { %s }" % ("; ".join(outer + [""]).strip(), "; ".join(inner + [""]).strip())
    if level == "server+location":
        srv, loc = directives
        return "server: %s location: %s" % ("; ".join(srv + [""]).strip(), "; ".join(loc + [""]).strip())
    return "%s: %s" % (level, "; ".join(directives) + (";" if directives else "(defaults)"))


def run(nginx, conf):
    prefix = tempfile.mkdtemp(prefix="lint502-buffers-")
    try:
        # nginx -t creates the temp paths' last component, not their parents
        os.mkdir(os.path.join(prefix, "temp"))
        path = os.path.join(prefix, "nginx.conf")
        with open(path, "w") as f:
            f.write(conf)
        cmd = [nginx, "-t", "-p", prefix + "/", "-c", path,
               "-e", os.path.join(prefix, "error.log"),
               "-g", "pid %s;" % os.path.join(prefix, "nginx.pid")]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        emerg = ""
        for line in p.stderr.splitlines():
            m = re.match(r"nginx: \[emerg\] (.*?)(?: in \S+:\d+)?$", line)
            if m:
                emerg = m.group(1)
                break
        return p.returncode, emerg
    finally:
        shutil.rmtree(prefix, ignore_errors=True)


def main():
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    version = subprocess.run([nginx, "-v"], capture_output=True, text=True).stderr.strip()
    rows = []
    for case, level, directives in CASES:
        conf = render(level, directives)
        code, emerg = run(nginx, conf)
        for field in (case, snippet(level, directives), emerg):
            assert "\t" not in field and "\n" not in field, field
        rows.append("\t".join([case, snippet(level, directives), str(code), emerg,
                               conf.replace("\n", "\\n")]))
        print("%-40s exit %d  %s" % (case, code, emerg))
    with open(OUT, "w") as f:
        f.write("# observed with `%s` by scripts/observe_nginx_buffers.py: nginx -t on each conf\n" % version)
        f.write("case\tsnippet\texit\temerg\tconf\n")
        f.write("".join(r + "\n" for r in rows))
    print("wrote %s (%d cases)" % (OUT, len(rows)), file=sys.stderr)


if __name__ == "__main__":
    main()
