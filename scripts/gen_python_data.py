#!/usr/bin/env python3
"""Generate lint502's Python packaging tables in data/python/.

There are three tables. The script writes each one from facts it observes
itself: it runs interpreters and pip, and it reads wheel files.

stdlib.tsv: the top-level standard-library module names of CPython 3.8 to 3.14
    For 3.10 and later, the script asks each interpreter for
    ``sys.stdlib_module_names``. CPython compiles that set from
    ``Python/stdlib_module_names.h``. You can also pass that header file
    directly with ``--header VERSION=FILE``.

    3.8 and 3.9 have no such set, so it is derived from an installed
    interpreter of that version. The derived set is the union of:
      * ``sys.builtin_module_names``;
      * the ``*.py`` files, and the directories that hold an ``__init__.py``,
        directly in the stdlib directory (``sysconfig.get_paths()["stdlib"]``);
      * the extension modules in its ``lib-dynload`` directory. The module
        name is the part of the file name before the first dot.
    Names of test-only or build-only modules are then dropped (EXCLUDE_RE
    below). Then the PLATFORM-ONLY set is added. These are modules that a Linux
    build does not install: Windows and macOS modules, the frozen importlib
    modules, and modules that need optional libraries (gdbm).

    The script validates the method on 3.10 and later. It runs the same
    derivation on each of those interpreters and requires the result, minus
    EXCLUDE_RE, to be a subset of ``sys.stdlib_module_names``. The
    PLATFORM-ONLY set is taken from the oldest such interpreter (3.10), as
    ``sys.stdlib_module_names`` minus the derived set. A CPython source tree
    can be passed with ``--source-tree VERSION=DIR``. Each PLATFORM-ONLY name
    must then be found in that tree (``PC/config.c``, a ``PCbuild/*.vcxproj``,
    an ``Extension('name'`` in ``setup.py``, ``Python/frozen.c`` or
    ``Lib/``). The script stops if one is not found.

    Several interpreters may give the same minor version, for example 3.13.0
    and 3.13.18. A module counts for that minor version if any of them has it.
    A module must be present in a contiguous range of versions. Each row gives
    that range as ``first`` and ``last``.

extras.tsv: what installing a requirement brings along
    pip resolves each (distribution, extra) with
    ``pip install --dry-run --ignore-installed --report``. It runs in a
    private virtual environment (``--venv``) that pip does not modify. Each
    row records the resolved version and the full transitive closure. The
    report is read, not any installed state. Extras named in NON_DEPLOY_EXTRAS
    (tests, docs, linters) are skipped. Extras that pip cannot resolve are
    listed in the header.

import-names.tsv: the modules a distribution provides
    For every distribution in PACKAGES, and every distribution that appears
    in an extras.tsv closure, the script runs ``pip download --no-deps
    --only-binary=:all:`` to get the wheel pip would install. When there is
    no wheel, it builds one from the sdist with ``pip wheel --no-deps``. It
    then reads the file list of the wheel, which is what RECORD describes, and
    keeps the importable names:
      * a top-level ``name.py``, or ``name*.so`` / ``name*.pyd``
        (extension modules), gives module ``name``;
      * a top-level directory with a plain ``__init__.py`` gives package
        ``name``;
      * a directory without ``__init__.py`` is a namespace package (PEP 420).
        So is one whose ``__init__.py`` only calls ``pkgutil.extend_path`` or
        ``pkg_resources.declare_namespace``. Its children are listed with
        dotted names, recursively. For example, google-cloud-storage gives
        ``google.cloud.storage``, not ``google``;
      * ``name.data/purelib`` and ``name.data/platlib`` count like the root;
      * names that are not identifiers (``numpy.libs``, ``foo-stubs``), mypyc's
        hash-named runtime modules and the names in JUNK_TOP_LEVEL
        (``tests``, ``docs``, ...) are skipped.
    Only distributions whose module set differs from the identity guess
    ``canonical_name.replace("-", "_")`` are written. A distribution that
    provides no importable module at all is written with module ``-``.

Usage (from the repository root; the standard library only):

    python3 scripts/gen_python_data.py all \\
        --interp /root/.pyenv/versions/3.8.18/bin/python3.8 ... \\
        --source-tree 3.9=/tmp/src/Python-3.9.2 \\
        --python /root/.pyenv/versions/3.12.1/bin/python3.12

See data/python/README.md for the exact commands and for where the
interpreters came from. Subcommands ``stdlib``, ``extras`` and
``import-names`` regenerate one file each. ``import-names`` reads extras.tsv
for the closure distributions.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import glob
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile

MIN_VERSION = (3, 8)
MAX_VERSION = (3, 14)
ALL_VERSIONS = [(3, m) for m in range(MIN_VERSION[1], MAX_VERSION[1] + 1)]

# Names that the installed-tree derivation finds but that are not standard
# library modules: CPython's own test and sample extension modules, the
# frozen "hello" test modules, the build-time sysconfig data module and the
# test package. The script checks on 3.10+ that no sys.stdlib_module_names
# entry matches this.
EXCLUDE_RE = re.compile(
    r"^(test|_test\w*|_ctypes_test|_xx\w*|xx\w*|__p?hello__(\..*)?|_sysconfigdata_.*)$"
)

# Extras that only serve development of the package itself.
NON_DEPLOY_EXTRAS = {
    "test", "tests", "testing", "dev", "develop", "development", "doc", "docs", "documentation",
    "lint", "linting", "typing", "mypy", "type-checking", "types", "coverage", "check", "qa", "style",
    "benchmark", "benchmarks",
}

# Top-level directories that some wheels ship by mistake; importing them is
# never what a deployment means.
JUNK_TOP_LEVEL = {"test", "tests", "testing", "doc", "docs", "example", "examples", "benchmark", "benchmarks"}

# (distribution, extras) whose closure goes to extras.tsv. Every extra the
# distribution declares is resolved, except NON_DEPLOY_EXTRAS.
EXTRAS_PACKAGES = [
    "fastapi", "uvicorn", "starlette", "flask", "django", "djangorestframework", "celery", "gunicorn",
    "requests", "httpx", "sqlalchemy", "pydantic", "aiohttp", "channels", "daphne", "hypercorn", "quart",
    "sanic", "jinja2", "alembic", "psycopg", "redis", "boto3", "werkzeug", "litestar", "flask-sqlalchemy",
    "django-storages", "channels-redis", "sentry-sdk", "strawberry-graphql", "pymongo", "granian",
]

# Distributions whose wheels are read for import-names.tsv: widely used in
# web deployments (Django, Flask, FastAPI and friends), their database
# drivers, cloud SDKs, auth and crypto libraries, data libraries and common
# tooling that ends up in requirements files. The closures in extras.tsv are
# added to this list.
PACKAGES = """
django djangorestframework django-cors-headers django-filter django-environ django-extensions
django-debug-toolbar django-storages django-redis django-celery-beat django-celery-results
django-crispy-forms crispy-bootstrap5 crispy-bootstrap4 django-allauth dj-rest-auth
djangorestframework-simplejwt drf-yasg drf-spectacular drf-spectacular-sidecar django-taggit django-mptt
django-polymorphic django-model-utils django-guardian django-import-export django-simple-history
django-reversion django-timezone-field django-tables2 django-htmx django-rq channels channels-redis daphne
django-ckeditor django-phonenumber-field phonenumbers phonenumberslite django-countries django-money
django-oauth-toolkit social-auth-app-django social-auth-core django-otp django-axes django-ratelimit
django-health-check django-prometheus django-silk django-anymail django-ses django-compressor
django-sass-processor whitenoise dj-database-url django-js-asset django-widget-tweaks
django-autocomplete-light django-select2 django-treebeard wagtail django-haystack django-elasticsearch-dsl
graphene-django graphene strawberry-graphql strawberry-graphql-django django-cacheops django-constance
django-solo django-cleanup django-csp django-auth-ldap rules django-split-settings sorl-thumbnail
easy-thumbnails django-imagekit pilkit django-jazzmin django-grappelli django-admin-interface
django-colorfield django-bootstrap5 django-tinymce django-markdownx django-formtools django-localflavor
django-two-factor-auth django-recaptcha drf-nested-routers dj-stripe django-ipware django-user-agents
django-q2 django-mysql mssql-django django-tenants django-pgtrigger django-webpack-loader django-vite
django-unfold django-modeltranslation django-parler django-money django-dbbackup django-cron
django-background-tasks django-otp django-anymail django-templated-mail djoser django-rest-knox
djangorestframework-camel-case django-rest-polymorphic django-oauth-toolkit django-structlog
django-log-request-id django-querycount django-nested-admin django-ordered-model django-sortedm2m
django-bulk-update django-fsm django-lifecycle django-dirtyfields django-money django-hijack
django-impersonate django-waffle django-flags django-stubs django-filer django-cms django-summernote
flask werkzeug flask-restx flask-restful flask-smorest apispec marshmallow marshmallow-sqlalchemy
marshmallow-enum marshmallow-dataclass flask-marshmallow webargs flask-sqlalchemy flask-migrate
flask-login flask-wtf wtforms flask-cors flask-caching flask-limiter flask-mail flask-jwt-extended
flask-bcrypt flask-session flask-socketio python-socketio python-engineio flask-admin flask-babel
flask-compress flask-talisman flask-principal flask-security-too flask-httpauth flask-apscheduler
flask-debugtoolbar flask-assets webassets flask-seasurf flask-moment flask-bootstrap bootstrap-flask
flask-openid flask-oauthlib flask-dance flask-pymongo flask-redis flask-executor flask-sock
connexion flasgger
fastapi fastapi-cli fastapi-slim starlette sse-starlette starlette-exporter prometheus-fastapi-instrumentator
slowapi fastapi-users fastapi-pagination fastapi-cache2 fastapi-utils fastapi-mail fastapi-limiter
fastapi-jwt-auth fastapi-sqlalchemy asgiref a2wsgi asgi-lifespan mangum litestar quart sanic aiohttp
tornado pyramid bottle falcon cherrypy web-py hug responder masonite robyn blacksheep emmett
gunicorn uvicorn uvicorn-worker hypercorn waitress gevent eventlet granian twisted autobahn websockets
wsproto h11 h2 httptools uvloop watchfiles python-dotenv pyyaml gevent-websocket greenlet
requests httpx urllib3 requests-oauthlib oauthlib requests-toolbelt httplib2 treq grequests
requests-futures aiofiles aiosignal yarl multidict frozenlist certifi charset-normalizer chardet idna
brotli brotlicffi zstandard python-multipart multipart email-validator dnspython itsdangerous jinja2
markupsafe mako chameleon click typer rich requests-aws4auth aws-requests-auth requests-cache
requests-ntlm requests-kerberos pysocks python-socks aiohttp-socks websocket-client simple-websocket
pydantic pydantic-settings pydantic-core pydantic-extra-types attrs cattrs msgspec orjson ujson
simplejson python-rapidjson ijson jsonschema fastjsonschema cerberus voluptuous schema typeguard dacite
dataclasses-json msgpack cbor2 protobuf grpcio grpcio-tools grpcio-status grpcio-health-checking
googleapis-common-protos fastavro pyarrow tomli tomlkit toml ruamel-yaml python-json-logger structlog
loguru colorlog sentry-sdk rollbar newrelic ddtrace elastic-apm scout-apm opentelemetry-api
opentelemetry-sdk opentelemetry-distro opentelemetry-exporter-otlp opentelemetry-exporter-otlp-proto-grpc
opentelemetry-exporter-otlp-proto-http opentelemetry-exporter-prometheus opentelemetry-instrumentation
opentelemetry-instrumentation-django opentelemetry-instrumentation-flask
opentelemetry-instrumentation-fastapi opentelemetry-instrumentation-requests
opentelemetry-instrumentation-sqlalchemy opentelemetry-instrumentation-psycopg2
opentelemetry-instrumentation-redis opentelemetry-instrumentation-celery
opentelemetry-instrumentation-logging opentelemetry-instrumentation-wsgi
opentelemetry-instrumentation-asgi opentelemetry-instrumentation-httpx opentelemetry-semantic-conventions
prometheus-client statsd datadog
sqlalchemy alembic sqlmodel asyncpg aiomysql aiosqlite databases peewee pony tortoise-orm mongoengine
pymongo motor beanie odmantic redis hiredis cassandra-driver elasticsearch elasticsearch-dsl
opensearch-py clickhouse-driver clickhouse-connect influxdb-client neo4j pymemcache python-memcached
pylibmc pika aio-pika kombu celery flower confluent-kafka kafka-python aiokafka nats-py paho-mqtt pyzmq
psycopg psycopg-binary psycopg-pool psycopg2 psycopg2-binary mysqlclient pymysql mysql-connector-python
cx-oracle oracledb pyodbc pymssql pg8000 asyncmy duckdb snowflake-connector-python snowflake-sqlalchemy
sqlalchemy-utils geoalchemy2 sqlalchemy-bigquery trino sqlparse pypika rq rq-scheduler huey dramatiq
apscheduler schedule arq taskiq pgvector
boto3 botocore s3transfer aiobotocore aioboto3 s3fs fsspec gcsfs adlfs minio aws-xray-sdk
aws-lambda-powertools chalice awswrangler
google-cloud-storage google-cloud-pubsub google-cloud-bigquery google-cloud-bigquery-storage
google-cloud-secret-manager google-cloud-logging google-cloud-tasks google-cloud-firestore
google-cloud-datastore google-cloud-kms google-cloud-translate google-cloud-vision google-cloud-speech
google-cloud-core google-cloud-monitoring google-cloud-run google-cloud-spanner
google-cloud-error-reporting google-cloud-redis google-cloud-scheduler google-cloud-dns
google-cloud-aiplatform google-cloud-texttospeech google-cloud-language google-cloud-trace
cloud-sql-python-connector google-api-core google-auth google-auth-oauthlib google-auth-httplib2
google-api-python-client google-resumable-media google-crc32c grpc-google-iam-v1 proto-plus
firebase-admin gspread google-genai google-generativeai
azure-storage-blob azure-identity azure-core azure-keyvault-secrets azure-keyvault-keys
azure-servicebus azure-eventhub azure-cosmos azure-functions azure-mgmt-resource azure-mgmt-storage
azure-monitor-opentelemetry azure-storage-queue azure-data-tables azure-search-documents
azure-storage-file-share azure-appconfiguration msal msrest azure-common
openai anthropic stripe twilio sendgrid slack-sdk slack-bolt python-telegram-bot discord-py tweepy
pygithub python-gitlab jira atlassian-python-api hvac kubernetes docker paramiko fabric invoke pysftp
mailchimp-marketing boto mailjet-rest postmarker resend
pyopenssl cryptography pycryptodome pycryptodomex pynacl bcrypt argon2-cffi passlib pyjwt python-jose
jwcrypto authlib python-keycloak pyotp qrcode segno python3-openid ldap3 python-ldap pysaml2 truststore
pyasn1 pyasn1-modules rsa ecdsa cffi pycparser webauthn fido2 pywebpush py-vapid itsdangerous
numpy pandas scipy scikit-learn matplotlib seaborn plotly dash bokeh statsmodels sympy networkx pillow
opencv-python opencv-python-headless opencv-contrib-python opencv-contrib-python-headless scikit-image
imageio pyarrow polars dask xarray numba llvmlite openpyxl xlrd xlsxwriter xlwt pyxlsb odfpy
python-docx python-pptx pypdf pypdf2 pdfminer-six pdfplumber reportlab weasyprint xhtml2pdf fpdf2 pymupdf
lxml beautifulsoup4 html5lib cssselect pyquery scrapy selenium playwright feedparser markdown mistune
markdown-it-py pygments docutils python-slugify unidecode text-unidecode inflection humanize arrow
pendulum python-dateutil pytz tzlocal tzdata babel dateparser croniter faker factory-boy nltk joblib
tqdm tabulate prettytable colorama termcolor psutil setuptools wheel packaging six typing-extensions
importlib-metadata importlib-resources zipp more-itertools toolz cachetools diskcache filelock
platformdirs appdirs python-magic pyserial regex jmespath jsonpath-ng jsonpointer jsonpatch deepdiff
xmltodict defusedxml tenacity backoff retrying decorator wrapt deprecated blinker sortedcontainers
pyparsing rapidfuzz thefuzz python-levenshtein levenshtein jellyfish geopy geoip2 maxminddb pycountry
shortuuid python-ulid ulid-py hashids nanoid base58 wand cairosvg pydub ffmpeg-python user-agents
ua-parser netaddr netifaces ifaddr tablib bleach nh3 markdown2 emoji validators python-stdnum
watchdog supervisor honcho zope-interface zope-event zope-sqlalchemy transaction cython msgpack lz4
python-snappy cramjam xxhash mmh3 crcmod py7zr rarfile filetype python-mimeparse pyinstaller
webob webtest paste pastedeploy venusian translationstring plaster hupper colander deform
graphql-core ariadne gql graphene-sqlalchemy
environs dynaconf omegaconf configargparse python-decouple django-configurations pyhumps
huggingface-hub transformers tokenizers safetensors tiktoken sentence-transformers langchain
langchain-core langchain-openai langchain-community cohere chromadb pinecone qdrant-client
weaviate-client faiss-cpu gradio streamlit mlflow
pytest pytest-django pytest-asyncio pytest-cov coverage pytest-mock mock freezegun time-machine responses
requests-mock respx httpretty vcrpy model-bakery hypothesis tox nox black flake8 isort mypy pylint ruff
pre-commit ipython notebook ipykernel sphinx mkdocs mkdocs-material types-requests types-pyyaml
pyproject-hooks build pip-tools virtualenv
"""


class GenError(Exception):
    pass


def canonical_name(name: str) -> str:
    """PEP 503 normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def now_utc() -> str:
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")


def run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def write_tsv(path: str, header_lines: list[str], columns: list[str], rows: list[list[str]]) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        for line in header_lines:
            f.write(("# " + line).rstrip() + "\n")
        f.write("\t".join(columns) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    os.replace(tmp, path)


def vstr(v: tuple[int, int]) -> str:
    return f"{v[0]}.{v[1]}"


def parse_version(s: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+)\.(\d+)", s)
    if not m:
        raise GenError(f"bad version {s!r} (want MAJOR.MINOR)")
    return int(m.group(1)), int(m.group(2))


# --------------------------------------------------------------------------
# stdlib.tsv
# --------------------------------------------------------------------------

# Run inside each interpreter: print a JSON object with its version, its
# stdlib_module_names (3.10+) and the installed-tree derivation.
PROBE = r"""
import json, os, sys, sysconfig
names = set(sys.builtin_module_names)
std = sysconfig.get_paths()["stdlib"]
for e in os.listdir(std):
    p = os.path.join(std, e)
    if e.endswith(".py"):
        names.add(e[:-3])
    elif os.path.isdir(p) and os.path.isfile(os.path.join(p, "__init__.py")):
        names.add(e)
dyn = os.path.join(std, "lib-dynload")
if os.path.isdir(dyn):
    for e in os.listdir(dyn):
        if e.endswith((".so", ".pyd")):
            names.add(e.split(".")[0])
print(json.dumps({
    "version": list(sys.version_info[:3]),
    "official": sorted(getattr(sys, "stdlib_module_names", [])) or None,
    "derived": sorted(names),
    "stdlib_dir": std,
    "lib_dynload": os.path.isdir(dyn),
}))
"""


def probe_interp(cmd: str) -> dict:
    argv = shlex.split(cmd) + ["-I", "-S", "-c", PROBE]
    p = run(argv)
    if p.returncode != 0:
        raise GenError(f"interpreter {cmd!r} failed: {p.stderr.strip()}")
    d = json.loads(p.stdout)
    d["cmd"] = cmd
    return d


def parse_header(path: str) -> list[str]:
    text = open(path, encoding="utf-8").read()
    m = re.search(r"_Py_stdlib_module_names\[\]\s*=\s*\{(.*?)\};", text, re.S)
    if not m:
        raise GenError(f"{path}: no _Py_stdlib_module_names array")
    return re.findall(r'"([^"]+)"', m.group(1))


def find_in_source_tree(tree: str, name: str) -> str | None:
    """Where a CPython source tree defines module `name`, or None."""
    for rel in ("PC/config.c", "Python/frozen.c"):
        p = os.path.join(tree, rel)
        if os.path.isfile(p) and f'{{"{name}"' in open(p, encoding="utf-8", errors="replace").read():
            return rel
    if os.path.isfile(os.path.join(tree, "PCbuild", name + ".vcxproj")):
        return f"PCbuild/{name}.vcxproj"
    p = os.path.join(tree, "setup.py")
    if os.path.isfile(p) and re.search(r"Extension\(\s*['\"]" + re.escape(name) + r"['\"]", open(p).read()):
        return "setup.py"
    if os.path.isfile(os.path.join(tree, "Lib", name + ".py")) or os.path.isfile(
        os.path.join(tree, "Lib", name, "__init__.py")
    ):
        return "Lib/"
    return None


def default_interps() -> list[str]:
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    out = []
    for v in ALL_VERSIONS:
        for exe in sorted(glob.glob(os.path.join(root, "versions", f"{vstr(v)}.*", "bin", f"python{vstr(v)}"))):
            out.append(exe)
    return out


def gen_stdlib(args) -> int:
    interps = [(c, False) for c in (args.interp or ([] if args.distro_interp else default_interps()))]
    interps += [(c, True) for c in args.distro_interp or []]
    per_version: dict[tuple[int, int], set[str]] = {v: set() for v in ALL_VERSIONS}
    seen: dict[tuple[int, int], list[str]] = {v: [] for v in ALL_VERSIONS}
    derived_only: list[tuple[tuple[int, int], dict]] = []
    platform_only: set[str] | None = None
    platform_from = ""
    platform_key: tuple[int, ...] = ()
    for cmd, distro in interps:
        d = probe_interp(cmd)
        full = tuple(d["version"])
        v = full[:2]
        if v not in per_version:
            print(f"note: skipping {cmd} (Python {vstr(v)} is outside {vstr(MIN_VERSION)}..{vstr(MAX_VERSION)})")
            continue
        label = ".".join(map(str, full))
        if d["official"] is not None:
            official = set(d["official"])
            bad = sorted(n for n in official if EXCLUDE_RE.match(n))
            if bad:
                raise GenError(f"{label}: stdlib_module_names has names the exclusion rule would drop: {bad}")
            per_version[v] |= official
            seen[v].append(f"CPython {label} sys.stdlib_module_names ({len(official)} names), run as `{cmd}`")
            if distro:
                continue  # a distribution's build: its installed tree is split and patched
            derived = {n for n in d["derived"] if not EXCLUDE_RE.match(n)}
            extra = sorted(derived - official)
            if extra:
                raise GenError(f"{label}: derivation finds non-stdlib names {extra}; fix EXCLUDE_RE")
            if platform_only is None or full < platform_key:
                platform_only, platform_from, platform_key = official - derived, label, full
        elif distro:
            raise GenError(f"{cmd}: Python {label} has no sys.stdlib_module_names; pass it with --interp")
        else:
            derived_only.append((v, d))
            seen[v].append(f"CPython {label} installed tree, derived ({cmd})")
    for spec in args.header or []:
        ver, _, path = spec.partition("=")
        v = parse_version(ver)
        names = parse_header(path)
        per_version[v] |= set(names)
        seen[v].append(f"{os.path.basename(path)} given as {path} ({len(names)} names)")
    if derived_only:
        if platform_only is None:
            raise GenError("3.8/3.9 need a 3.10+ interpreter in the same run (to learn the platform-only set)")
        trees = dict(s.split("=", 1) for s in args.source_tree or [])
        for v, d in derived_only:
            names = {n for n in d["derived"] if not EXCLUDE_RE.match(n)}
            tree = trees.get(vstr(v))
            if tree:
                missing = [n for n in sorted(platform_only) if not find_in_source_tree(tree, n)]
                if missing:
                    raise GenError(f"{vstr(v)}: platform-only names not found in {tree}: {missing}")
                seen[v].append(f"platform-only names checked against the source tree {tree}")
            else:
                seen[v].append("platform-only names NOT checked against a source tree")
            per_version[v] |= names | platform_only
    missing_versions = [vstr(v) for v in ALL_VERSIONS if not per_version[v]]
    if missing_versions:
        raise GenError("no source for Python " + ", ".join(missing_versions))

    rows = []
    for name in sorted(set().union(*per_version.values())):
        present = [v for v in ALL_VERSIONS if name in per_version[v]]
        idx = [ALL_VERSIONS.index(v) for v in present]
        if idx != list(range(idx[0], idx[-1] + 1)):
            raise GenError(f"{name}: present in non-contiguous versions {[vstr(v) for v in present]}")
        rows.append([name, vstr(present[0]), vstr(present[-1])])

    header = [
        "Top-level standard-library module names of CPython 3.8 .. 3.14, one row per module.",
        "Generated by scripts/gen_python_data.py stdlib; do not edit by hand. See data/python/README.md.",
        "Columns: module, first (first version in this table that has it; 3.8 means 3.8 or earlier),",
        "last (last version that has it; 3.14 means still present in 3.14). Names are present in every version",
        "from first to last.",
        f"Generated on {now_utc()} from:",
    ]
    for v in ALL_VERSIONS:
        for s in seen[v]:
            header.append(f"  {vstr(v)}: {s}")
    header.append(
        "3.8/3.9: builtin_module_names + Lib/*.py + Lib/<pkg>/__init__.py + lib-dynload, minus "
        f"/{EXCLUDE_RE.pattern}/, plus the platform-only set (names in {platform_from} "
        "sys.stdlib_module_names that its installed tree lacks): " + " ".join(sorted(platform_only or []))
    )
    header.append("Counts: " + ", ".join(f"{vstr(v)}={len(per_version[v])}" for v in ALL_VERSIONS)
                  + f"; rows={len(rows)}")
    write_tsv(os.path.join(args.out_dir, "stdlib.tsv"), header, ["module", "first", "last"], rows)
    print(f"stdlib.tsv: {len(rows)} rows")
    return 0


# --------------------------------------------------------------------------
# pip helpers
# --------------------------------------------------------------------------

def ensure_venv(args) -> str:
    """A private venv whose pip does the resolving and downloading."""
    py = os.path.join(args.venv, "bin", "python")
    if not os.path.exists(py):
        p = run(shlex.split(args.python) + ["-m", "venv", args.venv])
        if p.returncode != 0:
            raise GenError(f"cannot create venv {args.venv}: {p.stderr}")
    return py


def venv_info(py: str) -> tuple[str, str]:
    p = run([py, "-c", "import platform,sys,pip; print(platform.python_version(), sys.platform, "
             "platform.machine(), pip.__version__)"])
    parts = p.stdout.split()
    return f"CPython {parts[0]} {parts[1]} {parts[2]}", f"pip {parts[3]}"


def pip_report(py: str, reqs: list[str], timeout: int = 600) -> dict:
    with tempfile.TemporaryDirectory() as td:
        rep = os.path.join(td, "report.json")
        cmd = [py, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet", "--report", rep] + reqs
        try:
            p = run(cmd, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise GenError(f"pip timed out resolving {reqs}")
        if p.returncode != 0:
            last = [ln for ln in p.stderr.strip().splitlines() if ln.strip()]
            raise GenError(f"pip could not resolve {' '.join(reqs)}: {last[-1] if last else '?'}")
        return json.load(open(rep, encoding="utf-8"))


def parallel(fn, items, jobs):
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
        return list(ex.map(fn, items))


# --------------------------------------------------------------------------
# extras.tsv
# --------------------------------------------------------------------------

def gen_extras(args) -> int:
    py = ensure_venv(args)
    interp, pipv = venv_info(py)
    base_reports = parallel(lambda n: (n, pip_report(py, [n])), EXTRAS_PACKAGES, args.jobs)
    jobs: list[tuple[str, str, str]] = []  # (dist, extra, version)
    for name, rep in base_reports:
        me = [i for i in rep["install"] if canonical_name(i["metadata"]["name"]) == canonical_name(name)]
        if not me:
            raise GenError(f"{name}: not in its own pip report")
        md = me[0]["metadata"]
        ver = md["version"]
        jobs.append((canonical_name(name), "-", ver))
        for extra in sorted({canonical_name(e) for e in md.get("provides_extra") or []}):
            if extra not in NON_DEPLOY_EXTRAS:
                jobs.append((canonical_name(name), extra, ver))

    def resolve(job):
        dist, extra, ver = job
        req = f"{dist}=={ver}" if extra == "-" else f"{dist}[{extra}]=={ver}"
        try:
            rep = pip_report(py, [req])
        except GenError as e:
            return job, None, str(e)
        got = sorted(
            canonical_name(i["metadata"]["name"]) for i in rep["install"]
            if canonical_name(i["metadata"]["name"]) != dist
        )
        return job, got, None

    results = parallel(resolve, jobs, args.jobs)
    rows, failed = [], []
    for (dist, extra, ver), got, err in results:
        if got is None:
            failed.append(f"{dist}[{extra}]=={ver}: {err}")
            continue
        rows.append([dist, extra, ver, ",".join(got) if got else "-"])
    rows.sort()
    header = [
        "What installing a requirement brings along: the transitive closure pip resolves for a distribution",
        "and for each of its extras. One row per (distribution, extra); extra '-' is the bare requirement.",
        "Generated by scripts/gen_python_data.py extras; do not edit by hand. See data/python/README.md.",
        "Columns: distribution (PEP 503 name), extra (PEP 685 name or '-'), version (the newest on PyPI at",
        "generation time), brings (comma-separated PEP 503 names of every other distribution installed, base",
        "requirements included; '-' for none).",
        f"Resolved on {now_utc()} with `pip install --dry-run --ignore-installed --report` ({pipv}) for {interp};",
        "environment markers were evaluated for that interpreter and platform.",
        "Extras skipped as development-only: " + " ".join(sorted(NON_DEPLOY_EXTRAS)),
        f"Rows: {len(rows)}; not resolvable: {len(failed)}",
    ]
    header += ["  unresolved: " + f for f in sorted(failed)]
    write_tsv(os.path.join(args.out_dir, "extras.tsv"), header, ["distribution", "extra", "version", "brings"], rows)
    print(f"extras.tsv: {len(rows)} rows, {len(failed)} unresolved")
    return 0


def gen_closures(args) -> int:
    """closures.tsv: the bare-requirement closure of every distribution in
    PACKAGES that extras.tsv does not already cover (no extras: a cheaper
    run than extras.tsv, for the long tail of web packages, e.g.
    django-prometheus → prometheus-client)."""
    py = ensure_venv(args)
    interp, pipv = venv_info(py)
    covered = {canonical_name(n) for n in EXTRAS_PACKAGES}
    wanted = sorted({canonical_name(n) for n in PACKAGES.split()} - covered)

    def resolve(dist):
        try:
            rep = pip_report(py, [dist])
        except GenError as e:
            return dist, None, None, str(e)
        me = [i for i in rep["install"] if canonical_name(i["metadata"]["name"]) == dist]
        ver = me[0]["metadata"]["version"] if me else "?"
        got = sorted(canonical_name(i["metadata"]["name"]) for i in rep["install"]
                     if canonical_name(i["metadata"]["name"]) != dist)
        return dist, ver, got, None

    rows, failed = [], []
    for dist, ver, got, err in parallel(resolve, wanted, args.jobs):
        if got is None:
            failed.append(f"{dist}: {err}")
            continue
        rows.append([dist, "-", ver, ",".join(got) if got else "-"])
    rows.sort()
    header = [
        "What installing a requirement brings along, for the distributions extras.tsv does not cover: the",
        "transitive closure pip resolves for the bare requirement (no extras). Same columns as extras.tsv.",
        "Generated by scripts/gen_python_data.py closures; do not edit by hand. See data/python/README.md.",
        f"Resolved on {now_utc()} with `pip install --dry-run --ignore-installed --report` ({pipv}) for {interp};",
        "environment markers were evaluated for that interpreter and platform.",
        f"Rows: {len(rows)}; not resolvable: {len(failed)}",
    ]
    header += ["  unresolved: " + f for f in sorted(failed)]
    write_tsv(os.path.join(args.out_dir, "closures.tsv"), header, ["distribution", "extra", "version", "brings"], rows)
    print(f"closures.tsv: {len(rows)} rows, {len(failed)} unresolved")
    return 0


# --------------------------------------------------------------------------
# import-names.tsv
# --------------------------------------------------------------------------

IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
EXT_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(\.[A-Za-z0-9_-]+)*\.(so|pyd)$")
# mypyc-compiled wheels ship a shared runtime extension named after a hash
# (``fd7dcdb10166ebd4db98__mypyc``); nothing imports it by name.
MYPYC_RUNTIME_RE = re.compile(r"^[0-9a-f]{20}__mypyc$")
NAMESPACE_INIT_RE = re.compile(r"extend_path|declare_namespace")


def wheel_modules(path: str) -> list[str]:
    """Importable names a wheel installs (dotted below namespace packages)."""
    zf = zipfile.ZipFile(path)
    files: dict[str, bytes | None] = {}
    for n in zf.namelist():
        if n.endswith("/"):
            continue
        parts = n.split("/")
        if parts[0].endswith(".dist-info"):
            continue
        if parts[0].endswith(".data"):
            if len(parts) > 2 and parts[1] in ("purelib", "platlib"):
                parts = parts[2:]
            else:
                continue
        files["/".join(parts)] = None
    # Tree of directories -> entries.
    def is_module_file(fname: str) -> str | None:
        if fname.endswith(".py") and IDENT_RE.match(fname[:-3]):
            return fname[:-3]
        m = EXT_RE.match(fname)
        if m and (m.group(2) or not fname.startswith("lib")) and not MYPYC_RUNTIME_RE.match(m.group(1)):
            return m.group(1)
        return None

    def has_code(prefix: str) -> bool:
        return any(f.startswith(prefix) and is_module_file(f.rsplit("/", 1)[-1]) for f in files)

    def original_name(rel: str) -> str:
        for n in zf.namelist():
            if n == rel or n.endswith("/" + rel) and n.split("/")[0].endswith(".data"):
                return n
        return rel

    def is_namespace_init(rel: str) -> bool:
        data = zf.read(original_name(rel)).decode("utf-8", "replace")
        code = [ln for ln in data.splitlines() if ln.strip() and not ln.strip().startswith("#")]
        return bool(NAMESPACE_INIT_RE.search(data)) and len(code) <= 8

    out: set[str] = set()

    def walk(prefix: str, dotted: str, depth: int) -> None:
        children: set[str] = set()
        for f in files:
            if f.startswith(prefix):
                rest = f[len(prefix):]
                children.add(rest.split("/", 1)[0] + ("/" if "/" in rest else ""))
        for c in sorted(children):
            if c.endswith("/"):
                d = c[:-1]
                if not IDENT_RE.match(d) or (depth == 0 and d in JUNK_TOP_LEVEL) or d == "__pycache__":
                    continue
                if not has_code(prefix + c):
                    continue
                init = prefix + c + "__init__.py"
                if init in files and not is_namespace_init(init):
                    out.add(dotted + d)
                else:
                    walk(prefix + c, dotted + d + ".", depth + 1)
            else:
                name = is_module_file(c)
                if name and name != "__init__" and not (depth == 0 and name in JUNK_TOP_LEVEL):
                    out.add(dotted + name)

    walk("", "", 0)
    return sorted(out)


def fetch_wheel(py: str, req: str, dest: str) -> tuple[str, str]:
    """Download (or build) the wheel for `req` into `dest`; return (path, how)."""
    os.makedirs(dest, exist_ok=True)
    p = run([py, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--quiet", "-d", dest, req], timeout=900)
    how = "wheel"
    if p.returncode != 0:
        p = run([py, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dest, req], timeout=900)
        how = "built from sdist"
        if p.returncode != 0:
            last = [ln for ln in p.stderr.strip().splitlines() if ln.strip()]
            raise GenError(f"{req}: no wheel and the sdist did not build: {last[-1] if last else '?'}")
    wheels = glob.glob(os.path.join(dest, "*.whl"))
    if len(wheels) != 1:
        raise GenError(f"{req}: expected one wheel in {dest}, found {len(wheels)}")
    return wheels[0], how


def wheel_version(fname: str) -> str:
    return os.path.basename(fname).split("-")[1]


def read_extras_dists(path: str) -> list[str]:
    out: list[str] = []
    if not os.path.exists(path):
        return out
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or line.startswith("distribution\t"):
            continue
        cols = line.rstrip("\n").split("\t")
        out.append(cols[0])
        if cols[3] != "-":
            out += cols[3].split(",")
    return out


def gen_import_names(args) -> int:
    py = ensure_venv(args)
    interp, pipv = venv_info(py)
    wanted = sorted({canonical_name(n) for n in PACKAGES.split()}
                    | set(read_extras_dists(os.path.join(args.out_dir, "extras.tsv"))))
    if os.path.isdir(args.wheel_dir):
        shutil.rmtree(args.wheel_dir)

    def one(dist: str):
        try:
            path, how = fetch_wheel(py, dist, os.path.join(args.wheel_dir, dist))
            return dist, path, how, wheel_modules(path), None
        except (GenError, subprocess.TimeoutExpired, zipfile.BadZipFile) as e:
            return dist, None, None, None, str(e)

    results = parallel(one, wanted, args.jobs)
    rows, failed, same = [], [], 0
    for dist, path, how, mods, err in results:
        if err:
            failed.append(err)
            continue
        identity = dist.replace("-", "_")
        if mods == [identity]:
            same += 1
            continue
        src = os.path.basename(path) + ("" if how == "wheel" else " (built from sdist)")
        for m in mods or ["-"]:
            rows.append([dist, m, wheel_version(path), src])
    rows.sort()
    header = [
        "Importable modules of distributions whose import name is not the identity guess",
        "(PEP 503 name with '-' -> '_'). One row per (distribution, module); module '-' means the",
        "distribution installs no importable module. Modules below PEP 420 / pkgutil namespace packages",
        "are dotted (google.cloud.storage).",
        "Generated by scripts/gen_python_data.py import-names; do not edit by hand. See data/python/README.md.",
        f"Read on {now_utc()} from the wheel pip picks for {interp} ({pipv}, `pip download --no-deps",
        "--only-binary=:all:`; `pip wheel --no-deps` when only an sdist exists). Columns: distribution,",
        "module, version, source (the wheel file whose file list, i.e. its RECORD, was read).",
        f"Distributions read: {len(wanted)}; written: {len({r[0] for r in rows})} ({len(rows)} rows); "
        f"identity (omitted): {same}; failed: {len(failed)}",
    ]
    header += ["  failed: " + f for f in sorted(failed)]
    write_tsv(os.path.join(args.out_dir, "import-names.tsv"), header,
              ["distribution", "module", "version", "source"], rows)
    print(f"import-names.tsv: {len(rows)} rows, {len(failed)} failed, {same} identity")
    return 0


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="Generate data/python/*.tsv for lint502.")
    ap.add_argument("what", nargs="?", default="all", choices=["all", "stdlib", "extras", "closures", "import-names"])
    ap.add_argument("--out-dir", default="data/python")
    ap.add_argument("--interp", action="append", metavar="COMMAND",
                    help="a Python interpreter command (shell-split) for stdlib.tsv; repeatable "
                         "(default: every pyenv 3.8..3.14 install)")
    ap.add_argument("--distro-interp", action="append", metavar="COMMAND",
                    help="like --interp, for a Linux distribution's build (3.10+): only its "
                         "sys.stdlib_module_names is used, its installed tree is not checked")
    ap.add_argument("--header", action="append", metavar="VERSION=FILE",
                    help="a CPython Python/stdlib_module_names.h for that version; repeatable")
    ap.add_argument("--source-tree", action="append", metavar="VERSION=DIR",
                    help="a CPython source tree to check the 3.8/3.9 platform-only names against")
    ap.add_argument("--python", default=sys.executable,
                    help="interpreter that creates the private venv for pip (default: this one)")
    ap.add_argument("--venv", default="/tmp/pdvenv")
    ap.add_argument("--wheel-dir", default="/tmp/pdwheels")
    ap.add_argument("--jobs", type=int, default=4)
    args = ap.parse_args(argv)
    os.makedirs(args.out_dir, exist_ok=True)
    try:
        if args.what in ("all", "stdlib"):
            gen_stdlib(args)
        if args.what in ("all", "extras"):
            gen_extras(args)
        if args.what in ("all", "closures"):
            gen_closures(args)
        if args.what in ("all", "import-names"):
            gen_import_names(args)
    except GenError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
