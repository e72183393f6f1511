#!/bin/sh
# Regenerate fuzz/corpus/<target>/ from the shared corpus and testdata/.
# The corpus is not committed (the shared files come under various
# licences); run this before the first `cargo fuzz run`.
#
#   fuzz/seed.sh [SHARED_CORPUS]   (default: ../shared/corpus next to the repo)
set -eu
fuzz=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$fuzz")
shared=${1:-$(dirname "$repo")/shared/corpus}
out=$fuzz/corpus
td=$repo/testdata

mkdir -p "$out/nginx" "$out/js" "$out/yaml_ecosystem" "$out/python" "$out/requirements" "$out/check"

# copy TARGET FILE...: each file under a name unique to its path.
copy() {
    t=$1
    shift
    for f in "$@"; do
        [ -f "$f" ] || continue
        name=$(printf '%s' "$f" | sed "s|^$repo/||; s|^$shared/||; s|/|__|g")
        cp "$f" "$out/$t/$name"
    done
}

# Shared corpus (files named owner__repo__path).
if [ -d "$shared" ]; then
    copy nginx "$shared"/nginx/* "$shared"/nginx-templated/*
    for f in "$shared"/pm2/*; do
        case "$f" in
        *.js | *.cjs | *.mjs) copy js "$f" ;;
        *.json | *.json5 | *.yml | *.yaml) copy yaml_ecosystem "$f" ;;
        esac
    done
    copy python "$shared"/gunicorn/*
    copy requirements "$shared"/requirements/*
else
    echo "seed.sh: no shared corpus at $shared; seeding from testdata/ only" >&2
fi

# testdata/: parser fixtures and the files of every deployment and rule case.
copy nginx "$td"/parse/nginx/golden/*.conf
copy js "$td"/parse/node/*.js "$td"/parse/node/*.cjs "$td"/parse/node/*.mjs "$td"/parse/node/*.ts
copy requirements "$td"/parse/requirements/forms/* "$td"/parse/requirements/manifests/*
find "$td/deployments" "$td/rules" -type f ! -name expected.txt ! -name '*.md' | while read -r f; do
    case "$f" in
    */nginx.conf | */sites-available/* | */sites-enabled/* | */conf.d/*.conf | */snippets/*.conf | */nginx/*.conf | *.nginx)
        copy nginx "$f" ;;
    *.config.js | *.config.cjs | *.config.mjs | *.js) copy js "$f" ;;
    *.json | *.json5 | *.yml | *.yaml) copy yaml_ecosystem "$f" ;;
    *.py) copy python "$f" ;;
    *requirements*.txt | */requirements/*.txt | *constraints*.txt | */pyproject.toml | */Pipfile | */setup.cfg)
        copy requirements "$f" ;;
    esac
done

# check: one seed per case folder, in the format of common::split: files
# separated by "\n@@ ", each starting with its name from common::NAMES.
python3 - "$repo" "$out/check" <<'PY'
import os, re, sys

repo, out = sys.argv[1], sys.argv[2]
src = open(os.path.join(repo, "fuzz/fuzz_targets/common/mod.rs")).read()
table = re.search(r"pub const NAMES: &\[&str\] = &\[(.*?)\];", src, re.S).group(1)
NAMES = re.findall(r'"([^"]+)"', table)
MAX_FILES = 6


def slot(rel):
    """The table name a case file stands in for (None: left out)."""
    base = os.path.basename(rel)
    parts = rel.split("/")
    if rel in NAMES:
        return [rel]
    if base == "nginx.conf":
        return ["nginx/nginx.conf", "nginx.conf"]
    if "conf.d" in parts:
        return ["nginx/conf.d/app.conf"]
    if "snippets" in parts:
        return ["nginx/snippets/proxy.conf"]
    if "sites-available" in parts or "sites-enabled" in parts or ("nginx" in parts and base.endswith(".conf")):
        return ["nginx/sites-available/app.conf", "nginx/conf.d/app.conf"]
    if base.startswith("gunicorn") and base.endswith(".py"):
        return ["gunicorn.conf.py"]
    if base.endswith(".config.js") or base.endswith(".config.cjs"):
        return ["ecosystem.config.js"]
    if base.endswith(".json") and base != "package.json":
        return ["ecosystem.config.json"]
    if base.startswith("ecosystem") and base.endswith((".yml", ".yaml")):
        return ["ecosystem.config.yml"]
    if base.startswith(("compose", "docker-compose")):
        return ["compose.yaml"]
    if base.endswith(".service"):
        return ["deploy/app.service"]
    if "supervisor" in rel or base == "supervisord.conf":
        return ["deploy/supervisord.conf"]
    if base.endswith(".ini"):
        return ["uwsgi.ini"]
    if base.startswith("requirements") or "requirements" in parts:
        return ["requirements.txt", "requirements/base.txt"]
    if base == "__init__.py":
        return ["app/__init__.py"]
    if base.endswith(".py"):
        return ["app.py", "main.py", "wsgi.py", "app/main.py", "settings.py"]
    if base.endswith(".js"):
        return ["index.js"]
    if base.endswith(".sh"):
        return ["deploy.sh"]
    return []


# Files that matter most come first when a case has more than MAX_FILES.
ORDER = ["nginx", "gunicorn", "Procfile", "ecosystem", "service", "Dockerfile", "compose", "uwsgi", "requirements"]


def rank(rel):
    for i, k in enumerate(ORDER):
        if k in rel:
            return i
    return len(ORDER)


cases = []
for top in ("testdata/deployments", "testdata/rules"):
    base = os.path.join(repo, top)
    for root, dirs, files in os.walk(base):
        if root == base:
            continue
        rel = os.path.relpath(root, base)
        depth = rel.count("/") + 1
        if (top.endswith("deployments") and depth == 1) or (top.endswith("rules") and depth == 2):
            cases.append(root)
            dirs[:] = []
n = 0
for case in sorted(cases):
    files = []
    for root, _, fs in os.walk(case):
        for f in fs:
            rel = os.path.relpath(os.path.join(root, f), case)
            if f in ("expected.txt", "README.md"):
                continue
            files.append(rel)
    used, parts = set(), []
    for rel in sorted(files, key=lambda r: (rank(r), r)):
        name = next((s for s in slot(rel) if s not in used), None)
        if name is None or len(parts) >= MAX_FILES:
            continue
        used.add(name)
        body = open(os.path.join(case, rel), "rb").read()
        parts.append(name.encode() + b"\n" + body)
    if not parts:
        continue
    data = b"@@ " + b"\n@@ ".join(parts)
    if len(data) > 16384:
        continue
    name = os.path.relpath(case, os.path.join(repo, "testdata")).replace("/", "__")
    open(os.path.join(out, name), "wb").write(data)
    n += 1
print(f"seed.sh: {n} check seeds")
PY

for t in nginx js yaml_ecosystem python requirements check; do
    echo "seed.sh: $t: $(ls "$out/$t" | wc -l) files"
done
