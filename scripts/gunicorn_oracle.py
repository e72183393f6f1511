#!/usr/bin/env python3
"""Write the oracle for tests/corpus_gunicorn.rs: what Python's own parser
(``ast``) says each gunicorn config file of the shared corpus assigns at top
level.

USAGE
    python3 scripts/gunicorn_oracle.py CORPUS_DIR > testdata/parse/python/gunicorn-oracle.tsv

    CORPUS_DIR is the shared corpus folder (the one holding ``gunicorn/``).
    Every ``gunicorn/*`` file is parsed with ``ast.parse`` (never executed);
    a file Python cannot parse stops the script with status 1.

WHAT IS LISTED
    One row per name bound by an assignment statement that lint502 reads as
    "top level": statements of the module body, and of the bodies of
    ``if``/``elif``/``else``, ``try``/``except``/``else``/``finally``,
    ``for``, ``while``, ``with`` and ``match``/``case`` blocks found there
    (recursively), but never inside ``def`` or ``class``. Forms:

    * ``name = value`` (each name of ``a = b = value``),
    * ``name: T = value``,
    * ``a, b = x, y`` / ``[a, b] = …`` with plain names (no ``*rest``),
    * ``name += value`` and the other augmented assignments.

COLUMNS (tab-separated, header row first)
    file         path under CORPUS_DIR, e.g. ``gunicorn/x__y__gunicorn.conf.py``
    line         1-based line of the target name
    name         the name
    conditional  1 inside ``if``/``try``/``except``/``else`` (of ``try``,
                 ``for``, ``while``)/``for``/``while``/``match`` (at any depth),
                 0 otherwise (``with`` and ``finally`` bodies always run)
    value        the value when ``ast.literal_eval`` accepts the expression
                 (and, for unpacking, the matching element), rendered as
                 below; ``?`` otherwise (also for augmented assignments)

VALUE RENDERING (the Rust test renders lint502's ``Value`` the same way)
    str                 JSON string (``json.dumps``, non-ASCII kept); ``?`` when
                        it holds a lone surrogate (``"\\ud800"``)
    bytes               as str when UTF-8, else ``?``
    int                 decimal; beyond 64 bits: ``?``
    float               ``float:`` + ``repr()``
    bool / None         ``true`` / ``false`` / ``null``
    list, tuple, set    ``[a, b]`` in source order
    dict                ``{"k": v}``: keys as ``str(key)`` (a tuple key: ``?``), a repeated key keeps
                        its first place and its last value (as a dict does)
    complex             ``?``
"""

import ast
import json
import sys
from pathlib import Path

I64 = (-(2**63), 2**63 - 1)


class NoRender(Exception):
    pass


def render(node):
    """Render a node that ast.literal_eval accepts, keeping source order."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return "[" + ", ".join(render(e) for e in node.elts) + "]"
    if isinstance(node, ast.Dict):
        entries = {}
        for k, v in zip(node.keys, node.values):
            if k is None:
                raise NoRender()
            key = ast.literal_eval(k)
            if isinstance(key, bytes):
                key = key.decode("utf-8")
            if not isinstance(key, (str, int, float, bool, type(None))):
                raise NoRender()  # a tuple key: lint502's maps have text keys
            key = key if isinstance(key, str) else str(key)
            entries[key] = render(v)  # first place, last value
        return "{" + ", ".join(json.dumps(k, ensure_ascii=False) + ": " + v for k, v in entries.items()) + "}"
    return render_scalar(ast.literal_eval(node))


def render_scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, int):
        if not I64[0] <= v <= I64[1]:
            raise NoRender()
        return str(v)
    if isinstance(v, float):
        return "float:" + repr(v)
    if isinstance(v, str):
        if any(0xD800 <= ord(c) <= 0xDFFF for c in v):
            raise NoRender()  # a lone surrogate is not text outside Python
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bytes):
        try:
            return json.dumps(v.decode("utf-8"), ensure_ascii=False)
        except UnicodeDecodeError:
            raise NoRender()
    raise NoRender()  # complex


def value_of(node):
    try:
        ast.literal_eval(node)
        return render(node)
    except (ValueError, TypeError, SyntaxError, NoRender, RecursionError):
        return "?"


def rows_for_target(target, value, conditional):
    if isinstance(target, ast.Name):
        return [(target.lineno, target.id, conditional, value_of(value) if value is not None else "?")]
    if isinstance(target, (ast.Tuple, ast.List)):
        if not all(isinstance(e, ast.Name) for e in target.elts):
            return []
        if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts):
            return [(e.lineno, e.id, conditional, value_of(v)) for e, v in zip(target.elts, value.elts)]
        return [(e.lineno, e.id, conditional, "?") for e in target.elts]
    return []


def walk(body, conditional, out):
    for stmt in body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                out.extend(rows_for_target(target, stmt.value, conditional))
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None and isinstance(stmt.target, ast.Name):
                out.extend(rows_for_target(stmt.target, stmt.value, conditional))
        elif isinstance(stmt, ast.AugAssign):
            if isinstance(stmt.target, ast.Name):
                out.append((stmt.target.lineno, stmt.target.id, conditional, "?"))
        elif isinstance(stmt, ast.If):
            walk(stmt.body, 1, out)
            walk(stmt.orelse, 1, out)
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            walk(stmt.body, 1, out)
            walk(stmt.orelse, 1, out)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            walk(stmt.body, conditional, out)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            walk(stmt.body, 1, out)
            for handler in stmt.handlers:
                walk(handler.body, 1, out)
            walk(stmt.orelse, 1, out)
            walk(stmt.finalbody, conditional, out)
        elif type(stmt).__name__ == "Match":
            for case in stmt.cases:
                walk(case.body, 1, out)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = Path(sys.argv[1])
    files = sorted((root / "gunicorn").iterdir())
    if not files:
        sys.exit(f"no files in {root / 'gunicorn'}")
    print("file\tline\tname\tconditional\tvalue")
    for path in files:
        rel = path.relative_to(root).as_posix()
        try:
            tree = ast.parse(path.read_bytes(), filename=rel)
        except SyntaxError as e:
            sys.exit(f"{rel}: Python cannot parse it: {e}")
        rows = []
        walk(tree.body, 0, rows)
        for line, name, conditional, value in rows:
            print(f"{rel}\t{line}\t{name}\t{conditional}\t{value}")


if __name__ == "__main__":
    main()
