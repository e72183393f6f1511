#!/usr/bin/env python3
"""Write the oracle for tests/corpus_requirements.rs: what pip's own parser
says about every logical line of every requirements file of the shared
corpus and of lint502's own test files.

USAGE
    python3 -m venv /tmp/reqvenv && /tmp/reqvenv/bin/pip install pip packaging
    /tmp/reqvenv/bin/python scripts/requirements_oracle.py CORPUS_DIR \
        testdata/parse/requirements/forms > testdata/parse/requirements/pip-oracle.tsv

    CORPUS_DIR is the shared corpus folder (the one holding ``requirements/``);
    its files are listed as ``requirements/<name>``. The optional second
    folder holds lint502's own files, one per tricky form, listed as
    ``forms/<name>``.
    The pip version is printed in the first (comment) row; the oracle in the
    repository was written with pip 26.3.

HOW PIP IS RUN
    Each file is decoded with pip's ``_decode_req_file`` (BOM, PEP 263, UTF-8,
    locale), split into logical lines by pip's ``preprocess`` (continuations,
    comments, ``${VAR}``: the environment is emptied first, so no variable
    expands), and every logical line goes through pip's line parser
    (``get_line_parser``: ``break_args_options``, ``shlex``, ``optparse``).
    A requirement line then goes through ``parse_req_from_line`` or
    ``parse_req_from_editable`` (pip's ``req/constructors.py``), exactly what
    ``pip install -r`` does with it. pip stops at the first bad line; here
    each line is tried on its own, so one bad line does not hide the others.

    pip asks the file system about local paths. lint502 reads files without
    looking at the disk, so the oracle runs in an empty directory and
    answers pip's two questions the way lint502 assumes:

    * a non-editable line that "looks like a path" (pip's
      ``_looks_like_path``) and is not an archive names an installable
      project directory, unless it is a valid PEP 508 string or starts with
      a URL scheme pip does not know (``git://…``): then, as on a real disk,
      no such directory exists and pip reads it as PEP 508;
    * an editable that is not a URL names an existing directory.

    Archives (``.whl``, ``.tar.gz``…) never exist, as in pip on a fresh
    checkout: pip warns and still takes them as file URLs.

COLUMNS (tab-separated, header row first)
    file       ``requirements/<name>`` (corpus) or ``forms/<name>`` (lint502's own)
    line       pip's line number (the first physical line of a logical line)
    kind       ``req`` | ``editable`` | ``include`` (``-r``) | ``constraint``
               (``-c``) | ``option`` | ``error``
    name       req/editable: canonical project name, empty when unnamed;
               include/constraint: the path as written; option: pip's
               ``dest`` (``index_url``, ``find_links``, ``format_control``…)
    extras     sorted, comma-separated (req/editable): ``InstallRequirement.extras``,
               so the lower-cased ``[…]`` pip strips off the end of a line
               wins over the PEP 508 extras
    specifier  ``str(SpecifierSet)``: sorted, comma-separated (req/editable)
    marker     ``str(Marker)`` (packaging's normal form)
    target     ``index`` | ``url:<link url>`` | ``path`` (a local path, which
               pip turns into a ``file:`` URL of its absolute path) |
               option: the value
    hashes     sorted ``algo:digest``, comma-separated
    message    kind=error: pip's message without packaging's source echo and
               caret lines (``(from line …)`` is not added: the oracle passes
               no line source); newlines written as ``\n``
    Options pip ignores on an option line (``--hash``, ``--config-settings``)
    and the options of requirement and ``-r``/``-c`` lines are not listed.
"""

import optparse
import os
import sys
import tempfile
import urllib.parse

import pip
from pip._internal.exceptions import DiagnosticPipError, InstallationError
from pip._internal.req import constructors
from pip._internal.req import req_file
from pip._internal.utils.filetypes import is_archive_file
from pip._internal.utils.urls import path_to_url
from pip._vendor.packaging.requirements import InvalidRequirement, Requirement
from pip._vendor.packaging.utils import canonicalize_name


# ---------------------------------------------------------------- file system
_real_get_url_from_path = constructors._get_url_from_path


def _get_url_from_path(path, name):
    if (
        constructors._looks_like_path(name)
        and not is_archive_file(path)
        and len(urllib.parse.urlsplit(name).scheme) <= 1
    ):
        try:
            Requirement(name)
        except InvalidRequirement:
            return path_to_url(path)  # an installable project directory
        return None  # a PEP 508 string: no such directory
    return _real_get_url_from_path(path, name)


constructors._get_url_from_path = _get_url_from_path

_real_isdir = os.path.isdir
_in_editable = False


def _isdir(p):
    # Inside _parse_pip_syntax_editable, every editable that is not a URL is
    # an existing directory; everywhere else the (empty) disk answers.
    if not _in_editable:
        return _real_isdir(p)
    return len(urllib.parse.urlsplit(os.fspath(p)).scheme) <= 1


_real_pip_syntax_editable = constructors._parse_pip_syntax_editable


def _parse_pip_syntax_editable(editable_req):
    global _in_editable
    _in_editable = True
    try:
        return _real_pip_syntax_editable(editable_req)
    finally:
        _in_editable = False


constructors._parse_pip_syntax_editable = _parse_pip_syntax_editable


# ---------------------------------------------------------------- options
_recorded = []
_real_process = optparse.Option.process


def _process(self, opt, value, values, parser):
    _recorded.append((self.dest, opt, value))
    return _real_process(self, opt, value, values, parser)


optparse.Option.process = _process


def clean(s):
    return str(s).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def message(msg):
    """pip's message without packaging's source echo and caret lines."""
    if isinstance(msg, DiagnosticPipError):
        msg = str(msg.message).replace("\\[", "[")  # undo rich's markup escape
    lines = str(msg).rstrip("\n").split("\n")
    return "\n".join(line for line in lines if not line.startswith("    "))


def row(*cols):
    print("\t".join(clean(c) for c in cols))


def spec_str(req):
    return str(req.specifier) if req is not None else ""


def describe(parts, text):
    req = parts.requirement
    name = canonicalize_name(req.name) if req is not None else ""
    # InstallRequirement.__init__: the extras pip strips off the line win.
    extras = set(parts.extras) if parts.extras else (set(req.extras) if req is not None else set())
    marker = parts.markers if parts.markers is not None else (req.marker if req is not None else None)
    if parts.link is not None:
        from_path = parts.link.url.startswith("file:") and not text.strip().lower().startswith("file:")
        target = "path" if from_path else "url:" + parts.link.url
    elif req is not None and req.url:
        target = "url:" + req.url
    else:
        target = "index"
    return name, ",".join(sorted(extras)), spec_str(req), str(marker) if marker else "", target


def main():
    sources = [("requirements", os.path.join(sys.argv[1], "requirements"))]
    if len(sys.argv) > 2:
        sources.append(("forms", sys.argv[2]))
    sources = [(prefix, os.path.abspath(d)) for prefix, d in sources]
    tmp = os.path.realpath(tempfile.mkdtemp())
    os.chdir(tmp)
    sys.argv[0] = "pip"  # optparse names the program after argv[0]
    for k in list(os.environ):
        del os.environ[k]
    os.path.isdir = _isdir
    print(f"# pip {pip.__version__}")
    row("file", "line", "kind", "name", "extras", "specifier", "marker", "target", "hashes", "message")
    parse_line = req_file.get_line_parser(None)
    files = [(prefix, d, f) for prefix, d in sources for f in sorted(os.listdir(d))]
    for prefix, folder, fname in files:
        rel = prefix + "/" + fname
        with open(os.path.join(folder, fname), "rb") as f:
            data = f.read()
        try:
            content = req_file._decode_req_file(data, rel)
        except Exception as e:  # noqa: BLE001
            row(rel, 0, "error", "", "", "", "", "", "", message(e))
            continue
        for lineno, line in req_file.preprocess(content):
            _recorded.clear()
            try:
                args, opts = parse_line(line)
            except req_file.OptionParsingError as e:
                row(rel, lineno, "error", "", "", "", "", "", "", message(f"Invalid requirement: {line}\n{e.msg}"))
                continue
            except Exception as e:  # noqa: BLE001  (CommandError from --no-binary)
                row(rel, lineno, "error", "", "", "", "", "", "", message(e))
                continue
            parsed = req_file.ParsedLine(rel, lineno, args, opts, False)
            if parsed.requirement is not None:
                hashes = ",".join(sorted(f"{a}:{d}" for a, ds in (opts.hashes or {}).items() for d in ds))
                try:
                    if parsed.is_editable:
                        parts = constructors.parse_req_from_editable(parsed.requirement)
                        kind = "editable"
                        hashes = ""  # pip drops --hash on an editable line
                    else:
                        parts = constructors.parse_req_from_line(parsed.requirement, None)
                        kind = "req"
                except (InstallationError, DiagnosticPipError, InvalidRequirement, ValueError) as e:
                    row(rel, lineno, "error", "", "", "", "", "", "", message(e))
                    continue
                name, extras, spec, marker, target = describe(parts, parsed.requirement)
                row(rel, lineno, kind, name, extras, spec, marker, target, hashes, "")
                continue
            if opts.requirements:
                row(rel, lineno, "include", opts.requirements[0], "", "", "", "", "", "")
                continue
            if opts.constraints:
                row(rel, lineno, "constraint", opts.constraints[0], "", "", "", "", "", "")
                continue
            for dest, opt, value in _recorded:
                if dest in ("hashes", "config_settings"):
                    # handle_option_line never reads these (it warns about --hash).
                    continue
                row(rel, lineno, "option", dest, "", "", "", "" if value is None else value, "", "")


if __name__ == "__main__":
    main()
