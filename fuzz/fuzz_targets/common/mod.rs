//! What each fuzz target runs, shared with `tests/fuzz_regressions.rs`
//! (which includes this file with `#[path]`): the entry points exactly as
//! `lint502 check` calls them, plus cheap invariants checked with `assert!`
//! (a failed assertion is a crash to libFuzzer).
//!
//! Every parser receives `SourceFile::text` of the input bytes, as `check`
//! does (invalid UTF-8 bytes become U+001A, same length), and every span it
//! returns must lie inside that text, on `char` boundaries, in its own file.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use lint502::model::value::{Spanned, Value};
use lint502::parse::SyntaxError;
use lint502::source::{FileId, SourceDb, SourceFile, Span};

/// The file id the parsers are given: not 0, so that a `Span::default()`
/// leaking out of a parser is told apart from a span into this file.
pub const FILE: FileId = FileId(7);

/// The text `check` would give a parser for these bytes.
pub fn text_of(data: &[u8]) -> String {
    SourceFile::new(PathBuf::from("fuzz-input"), "fuzz-input".into(), data.to_vec()).text
}

/// `span` is inside `text`, ordered, on char boundaries, and in [`FILE`]
/// (or is the default span).
pub fn span_ok(text: &str, s: Span, what: &str) {
    if s == Span::default() {
        return;
    }
    assert_eq!(s.file, FILE, "{what}: span {s:?} in another file");
    assert!(s.start <= s.end, "{what}: span {s:?} ends before it starts");
    assert!(
        s.end as usize <= text.len(),
        "{what}: span {s:?} past the end ({} bytes)",
        text.len()
    );
    assert!(
        text.is_char_boundary(s.start as usize) && text.is_char_boundary(s.end as usize),
        "{what}: span {s:?} not on char boundaries"
    );
}

fn error_ok(text: &str, e: &SyntaxError, what: &str) {
    span_ok(text, e.span, what);
    assert!(!e.message.is_empty(), "{what}: empty error message");
}

fn value_ok(text: &str, v: &Spanned<Value>, depth: usize) {
    span_ok(text, v.span, "value");
    // The readers cap nesting; a walk this deep means the cap did not hold.
    assert!(depth < 10_000, "value nested deeper than 10000");
    match &v.value {
        Value::List(items) => items.iter().for_each(|i| value_ok(text, i, depth + 1)),
        Value::Map(entries) => {
            for (k, val) in entries {
                span_ok(text, k.span, "map key");
                value_ok(text, val, depth + 1);
            }
        }
        Value::Env { default: Some(d), .. } => value_ok(text, d, depth + 1),
        _ => {}
    }
}

// ================================================================== nginx

/// `parse::nginx::parse`, as `model::nginx` calls it for each file.
pub fn nginx(data: &[u8]) -> lint502::parse::nginx::File {
    use lint502::parse::nginx::{Body, Directive, Word, parse};
    let text = text_of(data);
    let file = parse(FILE, &text);
    fn word_ok(text: &str, w: &Word) {
        span_ok(text, w.span, "nginx word");
        let raw = &text[w.span.range()];
        match w.quote {
            // An unquoted word without a backslash is stored as written.
            None if !raw.contains('\\') => assert_eq!(w.value, raw, "nginx word value differs from its text"),
            None => {}
            Some(q) => assert!(
                raw.starts_with(q) && raw.ends_with(q) && raw.len() >= 2,
                "quoted nginx word {raw:?} not between {q} quotes"
            ),
        }
    }
    fn walk(text: &str, ds: &[Directive], depth: usize) {
        assert!(
            depth <= lint502::parse::nginx::MAX_NESTING + 1,
            "nginx blocks deeper than MAX_NESTING"
        );
        for d in ds {
            word_ok(text, &d.name);
            d.args.iter().for_each(|a| word_ok(text, a));
            span_ok(text, d.span, "nginx directive");
            span_ok(text, d.terminator, "nginx terminator");
            assert!(
                d.span.start <= d.name.span.start,
                "directive span starts after its name"
            );
            if let Some(b) = &d.block {
                span_ok(text, b.open, "nginx {");
                span_ok(text, b.close, "nginx }");
                match &b.body {
                    Body::Directives(children) => walk(text, children, depth + 1),
                    Body::Raw(s) => span_ok(text, *s, "nginx raw block"),
                }
            }
        }
    }
    walk(&text, &file.directives, 0);
    file.comments
        .iter()
        .for_each(|c| span_ok(&text, c.span, "nginx comment"));
    if let Some(e) = &file.error {
        error_ok(&text, e, "nginx error");
    }
    file
}

// ================================================================== JavaScript

/// A `*.config.js` ecosystem file (`parse::pm2::parse_file`, Js) and the same
/// text as a Node entry file (`parse::nodecode::scan`), as
/// `model::backend` reads them.
pub fn js(
    data: &[u8],
) -> (
    Result<lint502::parse::pm2::Pm2Source, SyntaxError>,
    lint502::parse::nodecode::NodeCode,
) {
    use lint502::parse::{nodecode, pm2};
    let text = text_of(data);
    let eco = pm2::parse_file(FILE, &text, pm2::Pm2Format::Js);
    pm2_ok(&text, &eco);
    let code = nodecode::scan(FILE, &text);
    for l in &code.listens {
        span_ok(&text, l.span, "listen call");
        value_ok(&text, &l.port, 0);
        if let Some(h) = &l.host {
            value_ok(&text, h, 0);
        }
    }
    if let Some(e) = &code.error {
        error_ok(&text, e, "node error");
    }
    (eco, code)
}

fn pm2_ok(text: &str, r: &Result<lint502::parse::pm2::Pm2Source, SyntaxError>) {
    match r {
        Ok(s) => {
            value_ok(text, &s.value, 0);
            s.comments.iter().for_each(|c| span_ok(text, c.span, "pm2 comment"));
        }
        Err(e) => error_ok(text, e, "pm2 error"),
    }
}

// ================================================================== YAML / JSON

/// The same text as an ecosystem file in JSON (`.json`/`.json5`) and in
/// YAML (`.yml`/`.yaml`).
pub fn ecosystem(
    data: &[u8],
) -> (
    Result<lint502::parse::pm2::Pm2Source, SyntaxError>,
    Result<lint502::parse::pm2::Pm2Source, SyntaxError>,
) {
    use lint502::parse::pm2;
    let text = text_of(data);
    let json = pm2::parse_file(FILE, &text, pm2::Pm2Format::Json);
    pm2_ok(&text, &json);
    let yaml = pm2::parse_file(FILE, &text, pm2::Pm2Format::Yaml);
    pm2_ok(&text, &yaml);
    (json, yaml)
}

// ================================================================== Python

/// `parse::python::parse_module` (app modules, `gunicorn.conf.py` as
/// `model::backend` reads it) and `parse_script` (files run as `__main__`).
pub fn python(data: &[u8]) -> (lint502::parse::python::Module, lint502::parse::python::Module) {
    use lint502::parse::python::{Module, parse_module, parse_script};
    let text = text_of(data);
    fn module_ok(text: &str, m: &Module) {
        for a in &m.assignments {
            span_ok(text, a.target.span, "assignment target");
            value_ok(text, &a.value, 0);
            span_ok(text, a.span, "assignment");
        }
        for b in &m.bindings {
            span_ok(text, b.name.span, "binding name");
            span_ok(text, b.span, "binding");
        }
        m.comments.iter().for_each(|c| span_ok(text, c.span, "python comment"));
        for i in &m.imports {
            span_ok(text, i.span, "import module");
            span_ok(text, i.statement, "import statement");
        }
        for c in &m.calls {
            span_ok(text, c.span, "call");
            c.args.iter().for_each(|a| value_ok(text, &a.value, 0));
        }
        let site_ok = |s: &lint502::parse::python::CallSite| {
            span_ok(text, s.callee_span, "call site callee");
            span_ok(text, s.span, "call site");
            for a in &s.args {
                span_ok(text, a.span, "call site arg");
                if let Some(k) = a.keyword_span {
                    span_ok(text, k, "call site keyword");
                }
            }
            // The accessors slice the text by these spans.
            let _ = s.text(text);
        };
        for f in &m.functions {
            span_ok(text, f.name.span, "function name");
            span_ok(text, f.header, "function header");
            span_ok(text, f.span, "function");
            f.decorators.iter().for_each(|d| span_ok(text, d.span, "decorator"));
            f.calls.iter().for_each(site_ok);
        }
        m.module_calls.iter().for_each(site_ok);
        if let Some(e) = &m.error {
            error_ok(text, e, "python error");
        }
    }
    let module = parse_module(FILE, &text);
    module_ok(&text, &module);
    let script = parse_script(FILE, &text);
    module_ok(&text, &script);
    // The same reader: both agree on whether Python would refuse the file.
    assert_eq!(
        module.error.is_some(),
        script.error.is_some(),
        "parse_module and parse_script disagree on the error"
    );
    (module, script)
}

// ================================================================== requirements

/// `parse::requirements::parse` (requirements files, as `model::deps`
/// reads them) and `parse::manifest::parse` of the same text as
/// `pyproject.toml`, `Pipfile` and `setup.cfg`.
pub fn requirements(
    data: &[u8],
) -> (
    lint502::parse::requirements::RequirementsFile,
    Vec<lint502::parse::manifest::Manifest>,
) {
    use lint502::parse::manifest::{self, ManifestKind};
    use lint502::parse::requirements::{Requirement, parse};
    let text = text_of(data);
    fn req_ok(text: &str, r: &Requirement) {
        span_ok(text, r.span, "requirement");
        if let Some(n) = &r.name {
            span_ok(text, n.span, "requirement name");
            assert!(!n.canonical.is_empty() || n.written.is_empty(), "empty canonical name");
        }
        r.extras.iter().for_each(|e| span_ok(text, e.span, "extra"));
        r.hashes.iter().for_each(|h| span_ok(text, h.span, "hash"));
        r.config_settings
            .iter()
            .for_each(|c| span_ok(text, c.span, "config setting"));
        assert!(r.line >= 1, "requirement line 0");
    }
    let f = parse(FILE, &text);
    f.requirements.iter().for_each(|r| req_ok(&text, r));
    for i in &f.includes {
        span_ok(&text, i.path.span, "include path");
        span_ok(&text, i.span, "include");
    }
    for o in &f.options {
        span_ok(&text, o.option.span, "option");
        if let Some(v) = &o.value {
            span_ok(&text, v.span, "option value");
        }
    }
    f.ignored_options
        .iter()
        .for_each(|o| span_ok(&text, o.option.span, "ignored option"));
    f.env_vars.iter().for_each(|e| span_ok(&text, e.span, "env var"));
    f.comments
        .iter()
        .for_each(|c| span_ok(&text, c.span, "requirements comment"));
    f.errors.iter().for_each(|e| error_ok(&text, e, "requirements error"));
    let mut manifests = Vec::new();
    for kind in [ManifestKind::PyProject, ManifestKind::Pipfile, ManifestKind::SetupCfg] {
        let m = manifest::parse(FILE, &text, kind);
        m.dependencies.iter().for_each(|d| req_ok(&text, &d.requirement));
        m.dynamic.iter().for_each(|d| span_ok(&text, d.span, "dynamic"));
        m.requirement_files
            .iter()
            .for_each(|r| span_ok(&text, r.path.span, "requirement file"));
        m.dependency_groups
            .iter()
            .for_each(|g| span_ok(&text, g.span, "dependency group"));
        m.group_includes
            .iter()
            .for_each(|g| span_ok(&text, g.include.span, "group include"));
        m.errors.iter().for_each(|e| error_ok(&text, e, "manifest error"));
        manifests.push(m);
    }
    (f, manifests)
}

// ================================================================== check

/// The files a `check` input can create. An input is up to [`MAX_FILES`]
/// sections separated by `\n@@ `; a section's first line names its file
/// (a name from this table as written, otherwise the table entry the
/// line's bytes pick); the rest is the file's content. A leading `@@ ` is
/// dropped. Two sections naming the same file: the second takes the next
/// free name.
pub const NAMES: &[&str] = &[
    "nginx/nginx.conf",
    "nginx/conf.d/app.conf",
    "nginx/sites-available/app.conf",
    "nginx/snippets/proxy.conf",
    "ecosystem.config.js",
    "ecosystem.config.json",
    "ecosystem.config.yml",
    "gunicorn.conf.py",
    "requirements.txt",
    "app.py",
    "main.py",
    "app/__init__.py",
    "app/main.py",
    "wsgi.py",
    "Procfile",
    "deploy/app.service",
    "Dockerfile",
    "compose.yaml",
    "uwsgi.ini",
    "deploy/supervisord.conf",
    "package.json",
    "index.js",
    ".env",
    "pyproject.toml",
    "settings.py",
    "deploy.sh",
    "requirements/base.txt",
    "nginx.conf",
];

pub const MAX_FILES: usize = 6;

/// The files an input stands for: (name from [`NAMES`], content).
pub fn split(data: &[u8]) -> Vec<(&'static str, &[u8])> {
    let data = data.strip_prefix(b"@@ ").unwrap_or(data);
    let mut out: Vec<(&'static str, &[u8])> = Vec::new();
    let mut rest = data;
    while out.len() < MAX_FILES {
        let (section, next) = match find(rest, b"\n@@ ") {
            Some(i) => (&rest[..i], Some(&rest[i + 4..])),
            None => (rest, None),
        };
        let (head, body) = match section.iter().position(|&b| b == b'\n') {
            Some(i) => (&section[..i], &section[i + 1..]),
            None => (section, &b""[..]),
        };
        let mut idx = NAMES.iter().position(|n| n.as_bytes() == head).unwrap_or_else(|| {
            head.iter()
                .fold(0usize, |a, &b| a.wrapping_mul(31).wrapping_add(b as usize))
                % NAMES.len()
        });
        while out.iter().any(|(n, _)| *n == NAMES[idx]) {
            idx = (idx + 1) % NAMES.len();
        }
        out.push((NAMES[idx], body));
        match next {
            Some(n) => rest = n,
            None => break,
        }
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Write the files of `data` into `dir` (emptied first).
pub fn write_repo(data: &[u8], dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("create the fuzz repository");
    for (name, body) in split(data) {
        let p = dir.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create a folder");
        }
        std::fs::write(&p, body).expect("write a file");
    }
}

/// Every span of every diagnostic points into a file of `db`, inside its
/// text and on char boundaries.
pub fn diagnostics_ok(db: &SourceDb, diags: &[lint502::diagnostic::Diagnostic]) {
    let ok = |s: Span, what: &str| {
        assert!((s.file.0 as usize) < db.len(), "{what}: span {s:?} in no file");
        let text = &db.get(s.file).text;
        assert!(s.start <= s.end, "{what}: span {s:?} ends before it starts");
        assert!(s.end as usize <= text.len(), "{what}: span {s:?} past the end");
        assert!(
            text.is_char_boundary(s.start as usize) && text.is_char_boundary(s.end as usize),
            "{what}: span {s:?} not on char boundaries"
        );
    };
    for d in diags {
        assert!(!d.message.is_empty(), "{}: empty message", d.code);
        ok(d.primary.span, d.code);
        d.labels.iter().for_each(|l| ok(l.span, d.code));
        for f in &d.fixes {
            f.edits.iter().for_each(|e| ok(e.span, d.code));
        }
    }
}

/// `check::check` on `dir` with default options, then the JSON and plain
/// text reports (what `lint502 check --format json` and the default output
/// print). Returns the JSON.
pub fn check_dir(dir: &Path) -> String {
    use lint502::check::{Options, check};
    use lint502::report::{self, Summary};
    let out = check(&[dir.to_path_buf()], &Options::default());
    diagnostics_ok(&out.db, &out.diagnostics);
    let mut summary = Summary::of(&out.diagnostics, out.db.len());
    summary.suppressed = out.suppressed;
    let json = report::json::render(&out.db, &out.diagnostics, summary);
    let v: serde_json::Value = serde_json::from_str(&json).expect("the JSON report parses");
    assert_eq!(
        v["diagnostics"].as_array().map(|a| a.len()),
        Some(out.diagnostics.len()),
        "JSON report lost diagnostics"
    );
    let _ = report::text::render_plain(&out.db, &out.diagnostics);
    json
}
