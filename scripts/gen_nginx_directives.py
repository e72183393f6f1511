#!/usr/bin/env python3
"""Generate lint502's nginx directive table from nginx (and module) C sources.

WHAT IT READS
    Each SRC_DIR argument is a checkout (work tree) of nginx or of a
    third-party nginx module.  Every ``*.c`` and ``*.h`` file below it is read
    (directories named ``.git`` are always skipped; directories named ``t``,
    ``test``, ``tests`` or ``examples`` are skipped by default because they
    hold test-only fake modules or sample modules that the module's build
    never compiles -- see ``--exclude-dir``).  From those files the script takes:

    * every ``ngx_command_t NAME[] = { ... }`` array (nginx's directive
      tables).  For each entry it reads the directive name
      (``ngx_string("name")``, first member) and the flags expression
      (``type``, second member), e.g.
      ``NGX_HTTP_MAIN_CONF|NGX_HTTP_SRV_CONF|NGX_CONF_TAKE1``.  Entries under
      ``#if``/``#ifdef`` are all kept (we want the union over build options);
      ``#include`` lines inside an array (ngx_devel_kit does this) are inlined,
      honouring ``#if`` tests on macros ``#define``d inside the array itself.
    * every object-like ``#define``: flags that are not canonical (composite
      ones such as ``NGX_CONF_TAKE12`` or a module's own context macros) are
      expanded recursively through these until only canonical flags remain.
      A macro is looked up in the entry's own SRC_DIR first, then in all the
      other SRC_DIRs (so third-party modules need the nginx sources on the
      same command line for ``NGX_CONF_TAKE12`` and friends).
    * every ``ngx_module_t VAR = { ... }`` initializer: the module whose
      initializer names the commands array gives the ``module`` column and,
      from its ``NGX_*_MODULE`` member, the ``module_type`` column.
    * the body of each directive's set function (third member), to classify
      block directives (see OUTPUTS).

    Anything it cannot resolve (an unknown flag or macro, a macro with
    conflicting definitions, an entry it cannot parse, a commands array no
    module references, ...) is reported with file, line and directive, and
    the script exits with status 1 without writing anything.  It never
    guesses.

OUTPUTS (all tab-separated, ``#`` comment lines first, then a header row)
    --out FILE (directives.tsv), one row per (directive, module), sorted:
        name         directive name
        module       the ngx_module_t variable, e.g. ngx_http_proxy_module
        module_type  CORE | CONF | EVENT | HTTP | MAIL | STREAM
        flags        '|'-joined, sorted canonical flags without the NGX_
                     prefix.  Contexts: MAIN_CONF DIRECT_CONF ANY_CONF
                     EVENT_CONF HTTP_MAIN_CONF HTTP_SRV_CONF HTTP_LOC_CONF
                     HTTP_UPS_CONF HTTP_SIF_CONF HTTP_LIF_CONF HTTP_LMT_CONF
                     MAIL_MAIN_CONF MAIL_SRV_CONF STREAM_MAIN_CONF
                     STREAM_SRV_CONF STREAM_UPS_CONF.  Arguments: CONF_NOARGS
                     CONF_TAKE1..CONF_TAKE7 CONF_BLOCK CONF_FLAG CONF_ANY
                     CONF_1MORE CONF_2MORE (composites such as TAKE12 are
                     expanded to TAKE1|TAKE2).
        origin       the LABEL given with the SRC_DIR (nginx, lua, njs, ...)
    --handler-out FILE (handler-blocks.tsv): ``name  module`` of directives
        whose set function itself assigns ``cf->handler =`` -- the block body
        is fed line by line to a custom handler, so it is not made of
        ordinary directives (map, geo, types, split_clients, charset_map ...).
        Directives listed in raw-blocks.tsv are left out of this file.
    --raw-out FILE (raw-blocks.tsv): ``name  module`` of directives whose set
        function reads the block with its own Lua tokenizer: a call to a
        function named ``*_read_lua_token`` is reachable from the set function
        within two call levels (lua-nginx-module / stream-lua-nginx-module
        ``*_by_lua_block``).  nginx's tokenizer never sees those bodies.
    Both default to files of those names next to --out.

HOW TO OBTAIN THE SOURCES
    Clone each repository and check out the commit recorded in the ``#``
    header of data/nginx/directives.tsv (data/nginx/README.md lists the
    exact commands), e.g.

        git clone https://github.com/nginx/nginx /tmp/src/nginx
        git -C /tmp/src/nginx checkout 3f6f7824d4e2eb1ac37dec76683d525ac0ff521c
        git clone https://github.com/openresty/lua-nginx-module /tmp/src/lua-nginx-module
        ...

    then run the regeneration command recorded in that header, e.g.

        python3 scripts/gen_nginx_directives.py --out data/nginx/directives.tsv \\
            /tmp/src/nginx/src=nginx /tmp/src/lua-nginx-module=lua ...

    When a SRC_DIR is inside a git checkout, its commit (``git rev-parse
    HEAD``), ``git describe`` and the ``origin`` remote URL are written into
    the output headers; otherwise the commit is recorded as unknown and a
    warning is printed.

Python 3.11, standard library only.  Only patterns (names of types, macros
and members) are recognised here; no nginx code is reproduced.
"""

from __future__ import annotations

import argparse
import bisect
import os
import re
import shlex
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass, field

CONTEXT_FLAGS = [
    "MAIN_CONF", "DIRECT_CONF", "ANY_CONF", "EVENT_CONF",
    "HTTP_MAIN_CONF", "HTTP_SRV_CONF", "HTTP_LOC_CONF", "HTTP_UPS_CONF",
    "HTTP_SIF_CONF", "HTTP_LIF_CONF", "HTTP_LMT_CONF",
    "MAIL_MAIN_CONF", "MAIL_SRV_CONF",
    "STREAM_MAIN_CONF", "STREAM_SRV_CONF", "STREAM_UPS_CONF",
]
ARG_FLAGS = [
    "CONF_NOARGS", "CONF_TAKE1", "CONF_TAKE2", "CONF_TAKE3", "CONF_TAKE4",
    "CONF_TAKE5", "CONF_TAKE6", "CONF_TAKE7", "CONF_BLOCK", "CONF_FLAG",
    "CONF_ANY", "CONF_1MORE", "CONF_2MORE",
]
CANONICAL = {"NGX_" + f for f in CONTEXT_FLAGS + ARG_FLAGS}

MODULE_TYPES = {
    "NGX_CORE_MODULE": "CORE",
    "NGX_CONF_MODULE": "CONF",
    "NGX_EVENT_MODULE": "EVENT",
    "NGX_HTTP_MODULE": "HTTP",
    "NGX_MAIL_MODULE": "MAIL",
    "NGX_STREAM_MODULE": "STREAM",
}

DEFAULT_EXCLUDE_DIRS = ["t", "test", "tests", "examples"]
C_KEYWORDS = {"if", "for", "while", "switch", "return", "sizeof", "do",
              "else", "case", "defined"}

IDENT = r"[A-Za-z_]\w*"
RE_CMD_ARRAY = re.compile(r"\bngx_command_t\s+(" + IDENT + r")\s*\[\s*\]\s*=\s*\{")
RE_MODULE = re.compile(r"\bngx_module_t\s+(" + IDENT + r")\s*=\s*\{")
RE_NGX_STRING = re.compile(r'^ngx_string\s*\(\s*"((?:[^"\\]|\\.)*)"\s*\)$')
RE_FUNC_DEF = re.compile(r"\b(" + IDENT + r")\s*\(([^;{}()]|\([^;{}()]*\))*\)\s*\{")
RE_CF_HANDLER = re.compile(r"\bcf\s*->\s*handler\s*=(?!=)")
RE_LUA_TOKEN_CALL = re.compile(r"\b\w+_read_lua_token\s*\(")
RE_CALL = re.compile(r"\b(" + IDENT + r")\s*\(")


class GenError(Exception):
    pass


# --------------------------------------------------------------------------
# C text helpers
# --------------------------------------------------------------------------

def strip_comments(text: str) -> str:
    """Blank out C comments, keeping every offset and newline in place."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "/" and i + 1 < n and text[i + 1] == "*":
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "/" and i + 1 < n and text[i + 1] == "/":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(text[i:j])
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def match_brace(text: str, open_pos: int) -> int:
    """Index of the '}' closing the '{' at open_pos (strings skipped)."""
    depth = 0
    i, n = open_pos, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def split_top(text: str, sep: str = ",") -> list[tuple[int, str]]:
    """Split on top-level separators; returns (offset, piece) pairs."""
    parts, depth, start, i, n = [], 0, 0, 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            i = j + 1
            continue
        if c in "({[":
            depth += 1
        elif c in ")}]":
            depth -= 1
        elif c == sep and depth == 0:
            parts.append((start, text[start:i]))
            start = i + 1
        i += 1
    parts.append((start, text[start:]))
    return parts


def line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


# --------------------------------------------------------------------------
# sources
# --------------------------------------------------------------------------

@dataclass
class SourceFile:
    path: str          # absolute
    rel: str           # relative to the SRC_DIR, for messages
    text: str          # comments blanked


@dataclass
class Root:
    path: str
    label: str
    files: list[SourceFile] = field(default_factory=list)
    by_basename: dict[str, list[SourceFile]] = field(default_factory=dict)
    defines: dict[str, list[tuple[str, SourceFile, int]]] = field(default_factory=dict)
    funcs: dict[str, list[tuple[SourceFile, str]]] = field(default_factory=dict)
    commit: str = "unknown"
    describe: str = ""
    url: str = ""


def git(path: str, *args: str) -> str | None:
    try:
        r = subprocess.run(["git", "-C", path, *args], capture_output=True,
                           text=True, check=False)
    except OSError:
        return None
    return r.stdout.strip() if r.returncode == 0 else None


def load_root(path: str, label: str, exclude: set[str]) -> Root:
    root = Root(path=os.path.abspath(path), label=label)
    if not os.path.isdir(root.path):
        raise GenError(f"{path}: not a directory")
    for dirpath, dirnames, filenames in os.walk(root.path):
        dirnames[:] = sorted(d for d in dirnames
                             if d != ".git" and d not in exclude)
        for fn in sorted(filenames):
            if not fn.endswith((".c", ".h")):
                continue
            full = os.path.join(dirpath, fn)
            with open(full, encoding="utf-8", errors="surrogateescape") as f:
                raw = f.read()
            sf = SourceFile(full, os.path.relpath(full, root.path),
                            strip_comments(raw))
            root.files.append(sf)
            root.by_basename.setdefault(fn, []).append(sf)
    if not any(sf.path.endswith(".c") for sf in root.files):
        raise GenError(f"{path}: no *.c files found")

    for sf in root.files:
        # logical lines (backslash continuations joined) for #define
        text = sf.text
        for m in re.finditer(r"(?m)^[ \t]*#[ \t]*define[ \t]+(" + IDENT +
                             r")([ \t]|$)((?:[^\n\\]|\\\n|\\)*)", text):
            value = m.group(3).replace("\\\n", " ").strip()
            root.defines.setdefault(m.group(1), []).append(
                (value, sf, line_of(text, m.start())))
        for m in RE_FUNC_DEF.finditer(text):
            name = m.group(1)
            if name in C_KEYWORDS:
                continue
            ob = m.end() - 1
            cb = match_brace(text, ob)
            if cb < 0:
                continue
            root.funcs.setdefault(name, []).append((sf, text[ob:cb + 1]))

    commit = git(root.path, "rev-parse", "HEAD")
    if commit:
        root.commit = commit
        root.describe = git(root.path, "describe", "--tags", "--always",
                            "--dirty") or ""
        url = git(root.path, "remote", "get-url", "origin") or ""
        root.url = url
    else:
        print(f"warning: {path} is not a git checkout; commit unknown",
              file=sys.stderr)
    return root


# --------------------------------------------------------------------------
# flag expansion
# --------------------------------------------------------------------------

class FlagResolver:
    def __init__(self, roots: list[Root]):
        self.roots = roots
        self.cache: dict[tuple[int, str], frozenset[str]] = {}

    def _candidates(self, root: Root, name: str):
        own = root.defines.get(name)
        if own:
            return own, root
        found = []
        for r in self.roots:
            if r is not root and name in r.defines:
                found.extend((v, sf, ln, r) for v, sf, ln in r.defines[name])
        return found, None

    def expand_macro(self, root: Root, name: str, stack: tuple) -> frozenset[str]:
        key = (id(root), name)
        if key in self.cache:
            return self.cache[key]
        if name in stack:
            raise GenError(f"macro cycle: {' -> '.join(stack + (name,))}")
        cands, own = self._candidates(root, name)
        if not cands:
            raise GenError(f"unknown flag/macro {name} (no #define found in "
                           f"any source directory)")
        results = {}
        for c in cands:
            value, sf, ln = c[0], c[1], c[2]
            r = own if own is not None else c[3]
            where = f"{r.label}:{sf.rel}:{ln}"
            try:
                results[where] = self.expand_expr(r, value, stack + (name,))
            except GenError as e:
                raise GenError(f"{name} defined at {where} as '{value}': {e}")
        distinct = set(results.values())
        if len(distinct) != 1:
            detail = "; ".join(f"{w} -> {'|'.join(sorted(v)) or '(empty)'}"
                               for w, v in sorted(results.items()))
            raise GenError(f"macro {name} has conflicting definitions: {detail}")
        res = distinct.pop()
        self.cache[key] = res
        return res

    def expand_expr(self, root: Root, expr: str, stack: tuple = ()) -> frozenset[str]:
        s = expr.strip()
        if not s:
            raise GenError("empty flags expression")
        tokens = re.findall(r"\s*(\w+|\S)", s)
        flags: set[str] = set()
        depth = 0
        expect_operand = True
        for t in tokens:
            if t == "(":
                if not expect_operand:
                    raise GenError(f"unexpected '(' in '{s}'")
                depth += 1
            elif t == ")":
                if expect_operand:
                    raise GenError(f"unexpected ')' in '{s}'")
                depth -= 1
                if depth < 0:
                    raise GenError(f"unbalanced ')' in '{s}'")
            elif t == "|":
                if expect_operand:
                    raise GenError(f"unexpected '|' in '{s}'")
                expect_operand = True
            elif re.fullmatch(IDENT, t):
                if not expect_operand:
                    raise GenError(f"missing '|' before {t} in '{s}'")
                if t in CANONICAL:
                    flags.add(t)
                else:
                    flags |= self.expand_macro(root, t, stack)
                expect_operand = False
            else:
                raise GenError(f"cannot interpret '{t}' in flags '{s}' "
                               f"(only NGX_* names joined by '|' are understood)")
        if depth != 0 or expect_operand:
            raise GenError(f"malformed flags expression '{s}'")
        return frozenset(flags)


# --------------------------------------------------------------------------
# command arrays
# --------------------------------------------------------------------------

@dataclass
class Entry:
    name: str
    flags_expr: str
    set_fn: str | None
    file: SourceFile
    line: int
    root: Root


RE_PP = re.compile(r"^\s*#\s*(\w+)\s*(.*)$")


def cond_macro(directive: str, arg: str) -> str | None:
    """Name of M in '#if M', '#if (M)', '#if defined(M)', '#ifdef M'."""
    arg = arg.strip()
    if directive in ("ifdef", "ifndef"):
        return arg if re.fullmatch(IDENT, arg) else None
    m = re.fullmatch(r"\(?\s*(?:defined\s*\(?\s*)?(" + IDENT + r")\s*\)?\s*\)?", arg)
    return m.group(1) if m else None


class EntryState:
    """Tracks brace depth and member commas over the emitted array text."""

    def __init__(self):
        self.depth = 0      # 0 = between entries, 1 = inside an entry
        self.commas = 0     # top-level commas seen inside the current entry
        self.text = ""      # text of the current entry so far

    def entry_name(self) -> str:
        m = re.search(r'ngx_string\s*\(\s*"([^"]*)"', self.text)
        return f"directive '{m.group(1)}'" if m else "a directive"

    def feed(self, line: str) -> None:
        self.text += line + "\n"
        i, n = 0, len(line)
        while i < n:
            c = line[i]
            if c in "\"'":
                j = i + 1
                while j < n and line[j] != c:
                    j += 2 if line[j] == "\\" else 1
                i = j + 1
                continue
            if c in "({[":
                self.depth += 1
                if self.depth == 1:
                    self.commas = 0
                    self.text = line[i:] + "\n"
            elif c in ")}]":
                self.depth -= 1
            elif c == "," and self.depth == 1:
                self.commas += 1
            i += 1


def preprocess_body(root: Root, sf: SourceFile, body: str, body_line: int,
                    depth: int = 0, local: dict | None = None,
                    state: EntryState | None = None):
    """Yield (SourceFile, line, text) for the active lines of an array body.

    * Conditionals on macros #define'd inside the array (NDK style) are
      evaluated.
    * Other conditionals between entries keep every branch (union of all
      build configurations).
    * Other conditionals inside one entry keep their first branch only; this
      is allowed only after the flags member (an #if/#else in the name or
      flags member would need a guess, so it is an error).
    * #include lines are inlined; other preprocessor lines are dropped.
    """
    if depth > 8:
        raise GenError(f"{sf.rel}:{body_line}: #include nesting too deep")
    if local is None:
        local = {}
    if state is None:
        state = EntryState()
    # frames: [mode ('eval'|'union'|'first'), taken, active, line]
    stack: list[list] = []
    lines = body.split("\n")
    i = 0

    def active() -> bool:
        return all(fr[2] for fr in stack)

    while i < len(lines):
        ln = body_line + i
        line = lines[i]
        while line.rstrip().endswith("\\") and i + 1 < len(lines):
            i += 1
            line = line.rstrip()[:-1] + " " + lines[i]
        i += 1
        m = RE_PP.match(line)
        if not m:
            if active():
                state.feed(line)
                yield sf, ln, line
            else:
                yield sf, ln, ""
            continue
        d, arg = m.group(1), m.group(2).strip()
        if d in ("if", "ifdef", "ifndef"):
            mac = cond_macro(d, arg)
            if mac is not None and mac in local:
                if d == "ifdef" or "defined" in arg:
                    val = True
                elif d == "ifndef":
                    val = False
                else:
                    val = bool(local[mac])
                stack.append(["eval", val, val, ln])
            elif state.depth >= 1 and active():
                if state.commas < 2:
                    raise GenError(f"{sf.rel}:{ln}: #{d} {arg} inside the name "
                                   f"or flags member of {state.entry_name()}; "
                                   f"cannot choose a branch")
                stack.append(["first", True, True, ln])
            else:
                stack.append(["union", False, True, ln])
        elif d in ("elif", "else"):
            if not stack:
                raise GenError(f"{sf.rel}:{ln}: #{d} without #if")
            fr = stack[-1]
            if fr[0] == "eval":
                if d == "else":
                    fr[2] = not fr[1]
                else:
                    mac = cond_macro("if", arg)
                    if mac is not None and mac in local:
                        val = bool(local[mac]) and not fr[1]
                        fr[1] = fr[1] or val
                        fr[2] = val
                    else:
                        fr[0], fr[2] = "union", True
            elif fr[0] == "first":
                fr[2] = False
            else:
                fr[2] = True
        elif d == "endif":
            if not stack:
                raise GenError(f"{sf.rel}:{ln}: #endif without #if")
            stack.pop()
        elif not active():
            pass
        elif d == "define":
            dm = re.match(r"(" + IDENT + r")\s*(.*)$", arg)
            if dm:
                v = dm.group(2).strip()
                local[dm.group(1)] = v not in ("", "0")
        elif d == "undef":
            local.pop(arg.split()[0] if arg else "", None)
        elif d == "include":
            im = re.match(r'[<"]([^>"]+)[>"]', arg)
            if not im:
                raise GenError(f"{sf.rel}:{ln}: cannot read #include {arg}")
            base = os.path.basename(im.group(1))
            hits = root.by_basename.get(base, [])
            if len(hits) != 1:
                raise GenError(f"{sf.rel}:{ln}: #include {im.group(1)} inside "
                               f"a commands array: {len(hits)} candidate files")
            inc = hits[0]
            yield from preprocess_body(root, inc, inc.text, 1, depth + 1,
                                       local, state)
        # any other directive (#error, #pragma, #line) is ignored
    if stack:
        raise GenError(f"{sf.rel}:{stack[-1][3]}: unterminated #if inside "
                       f"commands array")


def parse_array(root: Root, sf: SourceFile, m: re.Match) -> tuple[str, list[Entry]]:
    arr = m.group(1)
    text = sf.text
    ob = m.end() - 1
    cb = match_brace(text, ob)
    if cb < 0:
        raise GenError(f"{sf.rel}:{line_of(text, ob)}: unterminated array {arr}")
    body = text[ob + 1:cb]
    body_line = line_of(text, ob)
    # flatten active lines, remembering where each came from
    pieces, starts, origins, pos = [], [], [], 0
    for f, ln, line in preprocess_body(root, sf, body, body_line):
        starts.append(pos)
        origins.append((f, ln))
        pieces.append(line)
        pos += len(line) + 1
    flat = "\n".join(pieces)

    def where(off: int) -> tuple[SourceFile, int]:
        k = bisect.bisect_right(starts, off) - 1
        return origins[max(k, 0)]

    entries: list[Entry] = []
    saw_null = False
    for off, item in split_top(flat):
        s = item.strip()
        if not s:
            continue
        lead = off + (len(item) - len(item.lstrip()))
        f, ln = where(lead)
        if s == "ngx_null_command":
            saw_null = True
            continue
        if saw_null:
            raise GenError(f"{f.rel}:{ln}: text after ngx_null_command in {arr}")
        if not (s.startswith("{") and s.endswith("}")):
            raise GenError(f"{f.rel}:{ln}: unrecognised item in commands array "
                           f"{arr}: {s[:60]!r}")
        fields = [p.strip() for _, p in split_top(s[1:-1])]
        if fields and fields[-1] == "":
            fields.pop()
        nm = RE_NGX_STRING.match(fields[0]) if fields else None
        if not nm:
            raise GenError(f"{f.rel}:{ln}: directive name is not ngx_string(\"...\") "
                           f"in {arr}: {fields[0][:60] if fields else s[:60]!r}")
        name = nm.group(1)
        if len(fields) != 6:
            raise GenError(f"{f.rel}:{ln}: directive '{name}' in {arr}: expected "
                           f"6 members, found {len(fields)}")
        set_fn = fields[2] if re.fullmatch(IDENT, fields[2]) else None
        entries.append(Entry(name, " ".join(fields[1].split()), set_fn, f, ln, root))
    if not saw_null:
        raise GenError(f"{sf.rel}:{body_line}: commands array {arr} has no "
                       f"ngx_null_command")
    return arr, entries


def find_modules(root: Root) -> list[tuple[SourceFile, str, list[str], int]]:
    mods = []
    for sf in root.files:
        for m in RE_MODULE.finditer(sf.text):
            ob = m.end() - 1
            cb = match_brace(sf.text, ob)
            if cb < 0:
                continue
            init = "\n".join(l for l in sf.text[ob + 1:cb].split("\n")
                             if not RE_PP.match(l))
            fields = [p.strip() for _, p in split_top(init)]
            mods.append((sf, m.group(1), fields, line_of(sf.text, m.start())))
    return mods


# --------------------------------------------------------------------------
# set-function classification
# --------------------------------------------------------------------------

class FuncIndex:
    def __init__(self, roots: list[Root]):
        self.roots = roots

    def bodies(self, root: Root, sf: SourceFile, name: str) -> list[str]:
        own = root.funcs.get(name, [])
        same = [b for f, b in own if f is sf]
        if same:
            return same
        if own:
            return [b for _, b in own]
        out = []
        for r in self.roots:
            if r is not root:
                out.extend(b for _, b in r.funcs.get(name, []))
        return out

    def sets_cf_handler(self, root, sf, name) -> bool:
        return any(RE_CF_HANDLER.search(b) for b in self.bodies(root, sf, name))

    def reads_lua_tokens(self, root, sf, name) -> bool:
        for b in self.bodies(root, sf, name):
            if RE_LUA_TOKEN_CALL.search(b):
                return True
            for callee in set(RE_CALL.findall(b)) - C_KEYWORDS - {name}:
                for cb in self.bodies(root, sf, callee):
                    if RE_LUA_TOKEN_CALL.search(cb):
                        return True
        return False


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def fmt_flags(flags: frozenset[str]) -> str:
    return "|".join(sorted(f[len("NGX_"):] for f in flags))


def parse_src(arg: str) -> tuple[str, str]:
    if "=" in arg:
        path, label = arg.rsplit("=", 1)
    else:
        path = arg
        label = os.path.basename(os.path.normpath(arg))
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", label):
        raise GenError(f"bad label {label!r} in {arg!r}")
    return path, label


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(
        description="Extract nginx directives (ngx_command_t arrays) "
                    "from C sources into TSV.")
    ap.add_argument("--out", required=True, help="directives TSV to write")
    ap.add_argument("--handler-out", help="handler-blocks TSV "
                    "(default: handler-blocks.tsv next to --out)")
    ap.add_argument("--raw-out", help="raw-blocks TSV "
                    "(default: raw-blocks.tsv next to --out)")
    ap.add_argument("--exclude-dir", action="append", metavar="NAME",
                    help="directory name to skip (repeatable; default: "
                         + ", ".join(DEFAULT_EXCLUDE_DIRS) + ")")
    ap.add_argument("sources", nargs="+", metavar="SRC_DIR[=LABEL]")
    args = ap.parse_args(argv)

    outdir = os.path.dirname(args.out) or "."
    handler_out = args.handler_out or os.path.join(outdir, "handler-blocks.tsv")
    raw_out = args.raw_out or os.path.join(outdir, "raw-blocks.tsv")
    exclude = set(args.exclude_dir if args.exclude_dir is not None
                  else DEFAULT_EXCLUDE_DIRS)

    errors: list[str] = []
    roots: list[Root] = []
    try:
        for s in args.sources:
            path, label = parse_src(s)
            roots.append(load_root(path, label, exclude))
    except GenError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1

    resolver = FlagResolver(roots)
    funcs = FuncIndex(roots)
    rows: dict[tuple[str, str], tuple[str, str, str]] = {}
    row_src: dict[tuple[str, str], str] = {}
    handler_rows: set[tuple[str, str]] = set()
    raw_rows: set[tuple[str, str]] = set()

    for root in roots:
        modules = find_modules(root)
        for sf in root.files:
            if not sf.path.endswith(".c"):
                continue
            for m in RE_CMD_ARRAY.finditer(sf.text):
                try:
                    arr, entries = parse_array(root, sf, m)
                except GenError as e:
                    errors.append(f"{root.label}: {e}")
                    continue
                # module(s) referencing this array: same file first
                refs = [(f, v, flds, ln) for f, v, flds, ln in modules
                        if arr in flds]
                local_refs = [r for r in refs if r[0] is sf]
                refs = local_refs or refs
                if not refs:
                    errors.append(f"{root.label}: {sf.rel}:{line_of(sf.text, m.start())}: "
                                  f"no ngx_module_t references commands array {arr}")
                    continue
                for mf, mvar, mfields, mln in refs:
                    mtypes = [MODULE_TYPES[x] for x in mfields if x in MODULE_TYPES]
                    if len(mtypes) != 1:
                        errors.append(f"{root.label}: {mf.rel}:{mln}: module {mvar}: "
                                      f"cannot determine module type from "
                                      f"{mfields[:5]}")
                        continue
                    mtype = mtypes[0]
                    for e in entries:
                        try:
                            flags = resolver.expand_expr(root, e.flags_expr)
                        except GenError as ex:
                            errors.append(f"{root.label}: {e.file.rel}:{e.line}: "
                                          f"directive '{e.name}' ({mvar}): {ex}")
                            continue
                        if not flags:
                            errors.append(f"{root.label}: {e.file.rel}:{e.line}: "
                                          f"directive '{e.name}': no flags")
                            continue
                        key = (e.name, mvar)
                        val = (mtype, fmt_flags(flags), root.label)
                        here = f"{root.label}:{e.file.rel}:{e.line}"
                        if key in rows and rows[key] != val:
                            errors.append(f"{here}: directive '{e.name}' "
                                          f"({mvar}) defined again with different "
                                          f"flags {val[1]} (first: {rows[key][1]} "
                                          f"at {row_src[key]})")
                            continue
                        rows[key] = val
                        row_src.setdefault(key, here)
                        if e.set_fn:
                            if funcs.reads_lua_tokens(root, sf, e.set_fn):
                                raw_rows.add(key)
                            elif funcs.sets_cf_handler(root, sf, e.set_fn):
                                handler_rows.add(key)

    if errors:
        for e in errors:
            print(f"error: {e}", file=sys.stderr)
        print(f"{len(errors)} error(s); nothing written", file=sys.stderr)
        return 1

    for key in sorted(handler_rows | raw_rows):
        if "CONF_BLOCK" not in rows[key][1].split("|"):
            print(f"warning: {key[0]} ({key[1]}) classified as a block "
                  f"directive but has no CONF_BLOCK flag", file=sys.stderr)

    # ---- headers ------------------------------------------------------
    cmd = ["python3", "scripts/gen_nginx_directives.py", "--out", args.out]
    if args.handler_out:
        cmd += ["--handler-out", args.handler_out]
    if args.raw_out:
        cmd += ["--raw-out", args.raw_out]
    if args.exclude_dir is not None:
        for d in args.exclude_dir:
            cmd += ["--exclude-dir", d]
    cmd += args.sources
    per_origin = defaultdict(int)
    for v in rows.values():
        per_origin[v[2]] += 1

    def header(title: str) -> list[str]:
        h = [f"# {title}",
             "# Generated by scripts/gen_nginx_directives.py from nginx C sources "
             "(ngx_command_t arrays); do not edit by hand.",
             "# Sources (label: repository @ commit (git describe), directory):"]
        for r in roots:
            desc = f" ({r.describe})" if r.describe else ""
            h.append(f"#   {r.label}: {r.url or '?'} @ {r.commit}{desc}, "
                     f"dir {r.path}")
        h.append("# Regenerate with: " + " ".join(shlex.quote(c) for c in cmd))
        return h

    out_lines = header("nginx directive table for lint502")
    out_lines.append("# Rows per origin: " + ", ".join(
        f"{r.label}={per_origin[r.label]}" for r in roots)
        + f"; total={len(rows)}")
    out_lines.append("name\tmodule\tmodule_type\tflags\torigin")
    for (name, mod) in sorted(rows):
        mtype, flags, origin = rows[(name, mod)]
        out_lines.append(f"{name}\t{mod}\t{mtype}\t{flags}\t{origin}")

    h_lines = header("nginx block directives whose set function installs "
                     "cf->handler (body lines go to a custom handler; "
                     "not ordinary directives)")
    h_lines.append("name\tmodule")
    h_lines += [f"{n}\t{m}" for n, m in sorted(handler_rows)]

    r_lines = header("nginx block directives whose body is read by the "
                     "module's own Lua tokenizer (*_by_lua_block)")
    r_lines.append("name\tmodule")
    r_lines += [f"{n}\t{m}" for n, m in sorted(raw_rows)]

    for path, lines in ((args.out, out_lines), (handler_out, h_lines),
                        (raw_out, r_lines)):
        d = os.path.dirname(path)
        if d:
            os.makedirs(d, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write("\n".join(lines) + "\n")

    print(f"wrote {args.out}: {len(rows)} rows ("
          + ", ".join(f"{r.label}={per_origin[r.label]}" for r in roots) + ")",
          file=sys.stderr)
    print(f"wrote {handler_out}: {len(handler_rows)} rows", file=sys.stderr)
    print(f"wrote {raw_out}: {len(raw_rows)} rows", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
