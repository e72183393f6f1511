//! Inline suppressions: one syntax in every format, only the comment leader
//! differs.
//!
//! ```text
//! # lint502: ignore[X001] -- the backend listens there through an SSH tunnel
//! proxy_pass http://127.0.0.1:8001;  # lint502: ignore[X001, NGX005] -- reason
//! # lint502: file-ignore[NGX004] -- reason
//! // lint502: ignore[PM002] -- reason          (JavaScript PM2 files)
//! ```
//!
//! - `ignore[…]` on a line of its own covers the next line that is neither
//!   blank nor a comment (so suppressions can be stacked); for an nginx
//!   directive written over several lines, every line up to its `;` or `{`.
//!   At the end of a line it covers that line. `file-ignore[…]` covers the
//!   whole file, wherever it stands.
//! - A finding is suppressed when the line of its primary label is covered:
//!   a cross-file finding is suppressed in the file of its primary label only.
//! - Codes are comma-separated, by code or by name; the reason follows `--`.
//!
//! Where the comments are found, by file:
//! - nginx and Python: the comments their parsers collect (never text inside
//!   a string);
//! - JavaScript (`.js`, `.cjs`, `.mjs`, `.json5`, a `node` shebang): `//`
//!   comments, outside `'…'`, `"…"`, `` `…` `` and `/* … */` (a scan: a regular
//!   expression literal holding a quote can hide a comment after it);
//! - systemd units, Dockerfiles, supervisor and uWSGI ini files: `#` at the
//!   start of a line only. These formats have no comment after a value
//!   (systemd.syntax(7); Dockerfile reference, "Format"; supervisor and
//!   uWSGI read `;`/`#` only at the start of a line): there a trailing
//!   `# lint502: …` is part of the value, and it is reported (LNT003);
//! - everything else (YAML, shell, Procfile, requirements, TOML, `.env`): a
//!   `#` at the start of a line or after whitespace, outside quotes on that
//!   line (a scan line by line: a string spanning lines is not followed);
//! - JSON has no comments: use `per-file-ignores`.
//!
//! The tool's own diagnostics about suppressions: LNT002 (no reason), LNT003
//! (an unknown code, or a `lint502:` comment that is not a suppression),
//! LNT004 (a code that suppressed nothing; also when its rule did not run).
//! They can be suppressed in turn (`# lint502: file-ignore[LNT004] -- …`).

use std::collections::HashMap;
use std::ops::RangeInclusive;

use crate::diagnostic::Diagnostic;
use crate::model::Deployment;
use crate::rules::lnt::{invalid_suppression, suppression_without_reason, unused_suppression};
use crate::rules::{Checker, RuleMeta};
use crate::source::{FileId, SourceDb, SourceFile, Span};

/// The marker every suppression starts with (after the comment leader).
pub const MARKER: &str = "lint502:";

/// One code (or name) of a suppression.
#[derive(Debug, Clone)]
pub struct SuppressedCode {
    /// As written.
    pub text: String,
    pub span: Span,
    /// None: no rule has this code or name.
    pub rule: Option<&'static RuleMeta>,
    pub used: bool,
}

/// Which lines a suppression covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// 0-based lines.
    Lines(RangeInclusive<usize>),
    /// An own-line comment with nothing after it.
    Nothing,
    File,
}

/// One `lint502: ignore[…]` or `file-ignore[…]` comment.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// The comment, leader included.
    pub span: Span,
    /// `ignore[X001, NGX005]` as written (for messages).
    pub directive: String,
    pub scope: Scope,
    /// The comment stands on a line of its own.
    pub own_line: bool,
    pub codes: Vec<SuppressedCode>,
    pub has_reason: bool,
}

impl Suppression {
    /// `line`: the 0-based line of a finding in this suppression's file.
    fn covers(&self, line: usize) -> bool {
        match &self.scope {
            Scope::File => true,
            Scope::Nothing => false,
            Scope::Lines(lines) => lines.contains(&line),
        }
    }

    /// Where it applies, for messages: "on this line", "on line 12", "in
    /// this file".
    pub fn place(&self) -> String {
        match &self.scope {
            Scope::File => "in this file".to_owned(),
            Scope::Nothing => "after it (the file ends)".to_owned(),
            Scope::Lines(_) if !self.own_line => "on this line".to_owned(),
            Scope::Lines(lines) => format!("on line {}", lines.start() + 1),
        }
    }
}

/// A `lint502:` comment that is not a usable suppression.
#[derive(Debug, Clone)]
pub struct Invalid {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

/// The suppressions of one file, and the comments that look like one but are not.
#[derive(Debug, Default)]
pub struct FileSuppressions {
    pub suppressions: Vec<Suppression>,
    pub invalid: Vec<Invalid>,
}

/// How a file writes comments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Nginx,
    Python,
    JavaScript,
    Json,
    /// `#` at a line start or after whitespace.
    Hash,
    /// `#` at a line start only; the format it is, for the message.
    HashOwnLine(&'static str),
}

impl Syntax {
    fn leader(self) -> &'static str {
        match self {
            Syntax::JavaScript => "//",
            _ => "#",
        }
    }
}

fn syntax_of(id: FileId, f: &SourceFile, model: &Deployment) -> Syntax {
    if model.nginx.files.iter().any(|i| i.id == id) {
        return Syntax::Nginx;
    }
    if model.backends.gunicorn.iter().any(|(g, _)| *g == id) {
        return Syntax::Python;
    }
    let name = f
        .path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    match ext {
        "py" | "pyi" | "pyw" => return Syntax::Python,
        "js" | "cjs" | "mjs" | "json5" => return Syntax::JavaScript,
        "json" => return Syntax::Json,
        _ => {}
    }
    let first = f.text.lines().next().unwrap_or("");
    if first.starts_with("#!") {
        if first.contains("node") {
            return Syntax::JavaScript;
        }
        if first.contains("python") {
            return Syntax::Python;
        }
    }
    use crate::parse::launch::LaunchSource;
    match crate::parse::launch::kind_of(&f.path, &f.text) {
        Some(LaunchSource::Systemd) => Syntax::HashOwnLine("a systemd unit"),
        Some(LaunchSource::Dockerfile) => Syntax::HashOwnLine("a Dockerfile"),
        Some(LaunchSource::Supervisor) => Syntax::HashOwnLine("a supervisor file"),
        Some(LaunchSource::Uwsgi) => Syntax::HashOwnLine("a uWSGI ini file"),
        _ => Syntax::Hash,
    }
}

/// A comment: where its leader stands, where its text starts and ends.
#[derive(Debug, Clone, Copy)]
struct Comment {
    leader: usize,
    body: usize,
    end: usize,
    /// A `#` after a value in a format without such comments.
    not_a_comment: Option<&'static str>,
}

fn comments(id: FileId, text: &str, syntax: Syntax) -> Vec<Comment> {
    let plain = |leader: usize, end: usize, len: usize| Comment {
        leader,
        body: leader + len,
        end,
        not_a_comment: None,
    };
    match syntax {
        Syntax::Nginx => crate::parse::nginx::parse(id, text)
            .comments
            .iter()
            .map(|c| plain(c.span.start as usize, c.span.end as usize, 1))
            .collect(),
        Syntax::Python => crate::parse::python::parse_module(id, text)
            .comments
            .iter()
            .map(|c| plain(c.span.start as usize, c.span.end as usize, 1))
            .collect(),
        Syntax::JavaScript => js_comments(text).into_iter().map(|(s, e)| plain(s, e, 2)).collect(),
        Syntax::Json => Vec::new(),
        Syntax::Hash | Syntax::HashOwnLine(_) => {
            let mut out = Vec::new();
            let mut start = 0;
            for line in text.split_inclusive('\n') {
                let body = line.trim_end_matches(['\n', '\r']);
                if let Some(i) = hash_comment(body) {
                    let mut c = plain(start + i, start + body.len(), 1);
                    if let Syntax::HashOwnLine(what) = syntax
                        && !body[..i].trim().is_empty()
                    {
                        c.not_a_comment = Some(what);
                    }
                    out.push(c);
                }
                start += line.len();
            }
            out
        }
    }
}

/// The offset of a `#` comment in one line: at the start or after
/// whitespace, outside quotes (a quote opens a string only at the start of
/// a word, so `it's` opens none).
fn hash_comment(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let mut quote: Option<u8> = None;
    let mut prev = b' ';
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => {
                if c == b'#' && prev.is_ascii_whitespace() {
                    return Some(i);
                }
                if (c == b'"' || c == b'\'') && !prev.is_ascii_alphanumeric() {
                    quote = Some(c);
                }
            }
        }
        prev = c;
        i += 1;
    }
    None
}

/// `//` comments of JavaScript text: (start of `//`, end of line).
fn js_comments(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            q @ (b'"' | b'\'' | b'`') => {
                i += 1;
                while i < b.len() && b[i] != q && (q == b'`' || b[i] != b'\n') {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(b.len(), |n| i + n);
                let end = if end > i && b.get(end - 1) == Some(&b'\r') {
                    end - 1
                } else {
                    end
                };
                out.push((i, end));
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 1);
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// What a `lint502:` comment says.
enum Parsed {
    Suppression {
        file_wide: bool,
        directive: String,
        codes: Vec<(String, usize, usize)>,
        has_reason: bool,
    },
    Invalid(String, Option<String>),
}

const EXPECTED: &str = "expected `lint502: ignore[CODE, …] -- reason` or `lint502: file-ignore[CODE, …] -- reason`";

/// Read the text after a comment leader (`body`, starting at byte `at`);
/// None when it does not start with `lint502:`.
fn parse_directive(body: &str, at: usize) -> Option<Parsed> {
    let lead = body.len() - body.trim_start().len();
    let rest = body[lead..].strip_prefix(MARKER)?;
    let mut pos = lead + MARKER.len();
    pos += rest.len() - rest.trim_start().len();
    let rest = &body[pos..];
    let (file_wide, open) = if rest.starts_with("file-ignore[") {
        (true, "file-ignore[".len())
    } else if rest.starts_with("ignore[") {
        (false, "ignore[".len())
    } else {
        let word: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
        return Some(Parsed::Invalid(
            format!("`{MARKER} {word}` is not a suppression, {EXPECTED}"),
            Some("lint502 reads only `ignore[…]` (this line or the next) and `file-ignore[…]` (the whole file)".into()),
        ));
    };
    let Some(close) = rest.find(']') else {
        return Some(Parsed::Invalid(
            format!("suppression has no closing `]`, {EXPECTED}"),
            None,
        ));
    };
    let inner_start = pos + open;
    let inner = &body[inner_start..pos + close];
    let mut codes = Vec::new();
    let mut off = inner_start;
    for piece in inner.split(',') {
        let t = piece.trim();
        if t.is_empty() {
            return Some(Parsed::Invalid(
                format!("suppression `{}` has an empty code, {EXPECTED}", &rest[..=close]),
                None,
            ));
        }
        let s = off + (piece.len() - piece.trim_start().len());
        codes.push((t.to_owned(), at + s, at + s + t.len()));
        off += piece.len() + 1;
    }
    let after = body[pos + close + 1..].trim();
    let has_reason = after.strip_prefix("--").is_some_and(|r| !r.trim().is_empty());
    Some(Parsed::Suppression {
        file_wide,
        directive: rest[..=close].to_owned(),
        codes,
        has_reason,
    })
}

/// The 0-based lines an own-line comment on line `line` covers: the next line
/// that is not blank and not a comment (for nginx, through the end of the
/// directive that starts there).
fn next_statement(
    f: &SourceFile,
    line: usize,
    leader: &str,
    nginx_ends: &[(usize, usize)],
) -> Option<RangeInclusive<usize>> {
    let starts = f.line_starts();
    let mut l = line + 1;
    while l < starts.len() {
        let end = starts.get(l + 1).copied().unwrap_or(f.text.len());
        let t = f.text.get(starts[l]..end).unwrap_or("").trim();
        if !t.is_empty() && !t.starts_with(leader) {
            let last = nginx_ends
                .iter()
                .filter(|(s, _)| *s == l)
                .map(|(_, e)| *e)
                .max()
                .unwrap_or(l);
            return Some(l..=last.max(l));
        }
        l += 1;
    }
    None
}

/// (first line, line of the `;` or `{`) of every nginx directive.
fn nginx_extents(f: &SourceFile, id: FileId) -> Vec<(usize, usize)> {
    fn walk(ds: &[crate::parse::nginx::Directive], f: &SourceFile, out: &mut Vec<(usize, usize)>) {
        for d in ds {
            out.push((
                f.line_index(d.span.start as usize),
                f.line_index(d.terminator.start as usize),
            ));
            walk(d.children(), f, out);
        }
    }
    let mut out = Vec::new();
    walk(&crate::parse::nginx::parse(id, &f.text).directives, f, &mut out);
    out
}

/// The suppressions of one file (empty fast when it has no `lint502:`).
pub fn collect(db: &SourceDb, id: FileId, model: &Deployment) -> FileSuppressions {
    let f = db.get(id);
    let mut out = FileSuppressions::default();
    if !f.text.contains(MARKER) {
        return out;
    }
    let syntax = syntax_of(id, f, model);
    let nginx_ends = if syntax == Syntax::Nginx {
        nginx_extents(f, id)
    } else {
        Vec::new()
    };
    for c in comments(id, &f.text, syntax) {
        let Some(body) = f.text.get(c.body..c.end) else {
            continue;
        };
        let Some(parsed) = parse_directive(body, c.body) else {
            continue;
        };
        let span = Span::new(id, c.leader, c.end);
        if let Some(what) = c.not_a_comment {
            out.invalid.push(Invalid {
                span,
                message: format!(
                    "`#` after a value is not a comment in {what}, so this suppression is part of the value, expected it on a line of its own"
                ),
                help: Some("move the suppression to its own line above, where it covers the next line".into()),
            });
            continue;
        }
        match parsed {
            Parsed::Invalid(message, help) => out.invalid.push(Invalid { span, message, help }),
            Parsed::Suppression {
                file_wide,
                directive,
                codes,
                has_reason,
            } => {
                let line = f.line_index(c.leader);
                let line_start = f.line_starts().get(line).copied().unwrap_or(0);
                let own_line = f.text.get(line_start..c.leader).is_some_and(|s| s.trim().is_empty());
                let scope = if file_wide {
                    Scope::File
                } else if own_line {
                    next_statement(f, line, syntax.leader(), &nginx_ends).map_or(Scope::Nothing, Scope::Lines)
                } else {
                    Scope::Lines(line..=line)
                };
                let codes = codes
                    .into_iter()
                    .map(|(text, s, e)| SuppressedCode {
                        rule: crate::rules::find(&text).map(|r| r.meta),
                        text,
                        span: Span::new(id, s, e),
                        used: false,
                    })
                    .collect();
                out.suppressions.push(Suppression {
                    span,
                    directive,
                    scope,
                    own_line,
                    codes,
                    has_reason,
                });
            }
        }
    }
    out
}

/// The codes of the tool's diagnostics about suppressions: applied after the
/// others, because they are made from what the others left.
fn about_suppressions(code: &str) -> bool {
    [
        suppression_without_reason::META.code,
        invalid_suppression::META.code,
        unused_suppression::META.code,
    ]
    .contains(&code)
}

/// Remove the findings that suppressions cover, and report the suppressions
/// themselves (LNT002–LNT004, when `enabled` for the file they are in).
/// `enabled(meta, file)`: whether a rule ran for that file. Returns how many
/// findings were suppressed.
pub fn apply(
    db: &SourceDb,
    model: &Deployment,
    diagnostics: &mut Vec<Diagnostic>,
    enabled: &dyn Fn(&'static RuleMeta, FileId) -> bool,
) -> usize {
    // A file read twice (by the backend model and by the dependency check)
    // has two ids: its suppressions are read once, under the first.
    let mut first: HashMap<&std::path::Path, FileId> = HashMap::new();
    let mut alias: HashMap<FileId, FileId> = HashMap::new();
    for (id, f) in db.iter() {
        let e = *first.entry(f.path.as_path()).or_insert(id);
        if e != id {
            alias.insert(id, e);
        }
    }
    let mut files: Vec<(FileId, FileSuppressions)> = db
        .iter()
        .filter(|(id, _)| !alias.contains_key(id))
        .map(|(id, _)| (id, collect(db, id, model)))
        .filter(|(_, s)| !s.suppressions.is_empty() || !s.invalid.is_empty())
        .collect();
    if files.is_empty() {
        return 0;
    }
    let before = diagnostics.len();
    // 1. The rules' findings.
    diagnostics.retain(|d| !suppress(db, &alias, &mut files, d, false));
    let mut suppressed = before - diagnostics.len();
    // 2. The suppressions' own diagnostics.
    let mut own = Vec::new();
    for (file, fs) in &files {
        let on = |meta: &'static RuleMeta| enabled(meta, *file);
        let mut cx = Checker::new(db, model, &invalid_suppression::META);
        if on(&invalid_suppression::META) {
            for inv in &fs.invalid {
                invalid_suppression::report_invalid(&mut cx, inv);
            }
            for s in &fs.suppressions {
                for c in s.codes.iter().filter(|c| c.rule.is_none()) {
                    invalid_suppression::report_unknown(&mut cx, c);
                }
            }
        }
        own.extend(cx.finish());
        if on(&suppression_without_reason::META) {
            let mut cx = Checker::new(db, model, &suppression_without_reason::META);
            for s in fs.suppressions.iter().filter(|s| !s.has_reason) {
                suppression_without_reason::report(&mut cx, s);
            }
            own.extend(cx.finish());
        }
        if on(&unused_suppression::META) {
            let mut cx = Checker::new(db, model, &unused_suppression::META);
            for s in &fs.suppressions {
                for c in &s.codes {
                    if let Some(meta) = c.rule
                        && !c.used
                        && !about_suppressions(meta.code)
                    {
                        unused_suppression::report(&mut cx, s, c, enabled(meta, *file));
                    }
                }
            }
            own.extend(cx.finish());
        }
    }
    // 3. Suppressions of those (`file-ignore[LNT004]`), then what stays unused.
    let n = own.len();
    own.retain(|d| !suppress(db, &alias, &mut files, d, true));
    suppressed += n - own.len();
    for (file, fs) in &files {
        if !enabled(&unused_suppression::META, *file) {
            continue;
        }
        let mut cx = Checker::new(db, model, &unused_suppression::META);
        for s in &fs.suppressions {
            for c in &s.codes {
                if let Some(meta) = c.rule
                    && !c.used
                    && about_suppressions(meta.code)
                {
                    unused_suppression::report(&mut cx, s, c, enabled(meta, *file));
                }
            }
        }
        own.extend(cx.finish());
    }
    diagnostics.extend(own);
    suppressed
}

/// Whether a suppression covers `d`; marks the codes that did.
fn suppress(
    db: &SourceDb,
    alias: &HashMap<FileId, FileId>,
    files: &mut [(FileId, FileSuppressions)],
    d: &Diagnostic,
    tool: bool,
) -> bool {
    if about_suppressions(d.code) != tool {
        return false;
    }
    let at = d.primary.span.file;
    let file = alias.get(&at).copied().unwrap_or(at);
    let Some((_, fs)) = files.iter_mut().find(|(f, _)| *f == file) else {
        return false;
    };
    let line = db.get(at).line_index(d.primary.span.start as usize);
    let mut hit = false;
    for s in &mut fs.suppressions {
        if !s.covers(line) {
            continue;
        }
        for c in &mut s.codes {
            if c.rule.is_some_and(|m| m.code == d.code) {
                c.used = true;
                hit = true;
            }
        }
    }
    hit
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(body: &str) -> (bool, Vec<String>, bool) {
        match parse_directive(body, 0) {
            Some(Parsed::Suppression {
                file_wide,
                codes,
                has_reason,
                ..
            }) => (file_wide, codes.into_iter().map(|c| c.0).collect(), has_reason),
            Some(Parsed::Invalid(m, _)) => panic!("invalid: {m}"),
            None => panic!("not a directive"),
        }
    }

    #[test]
    fn directives() {
        assert_eq!(
            parsed(" lint502: ignore[X001] -- tunnel"),
            (false, vec!["X001".to_owned()], true)
        );
        assert_eq!(
            parsed("lint502:file-ignore[ NGX004 , proxy-port-mismatch ]"),
            (true, vec!["NGX004".to_owned(), "proxy-port-mismatch".to_owned()], false)
        );
        assert!(!parsed(" lint502: ignore[X001] --  ").2);
        assert!(!parsed(" lint502: ignore[X001] because").2);
        assert!(parse_directive(" see lint502: docs", 0).is_none());
        assert!(matches!(
            parse_directive(" lint502: disable[X001]", 0),
            Some(Parsed::Invalid(..))
        ));
        assert!(matches!(
            parse_directive(" lint502: ignore[X001", 0),
            Some(Parsed::Invalid(..))
        ));
        assert!(matches!(
            parse_directive(" lint502: ignore[X001,]", 0),
            Some(Parsed::Invalid(..))
        ));
        // Code spans point into the text.
        let body = " lint502: ignore[X001, NGX004] -- r";
        let Some(Parsed::Suppression { codes, .. }) = parse_directive(body, 10) else {
            panic!()
        };
        assert_eq!(&body[codes[1].1 - 10..codes[1].2 - 10], "NGX004");
    }

    #[test]
    fn hash_comments() {
        assert_eq!(hash_comment("# x"), Some(0));
        assert_eq!(hash_comment("a: b # x"), Some(5));
        assert_eq!(hash_comment("a: \"b # x\""), None);
        assert_eq!(hash_comment("a: it's # x"), Some(8));
        assert_eq!(hash_comment("url#frag"), None);
        assert_eq!(hash_comment("--bind 0.0.0.0:$PORT  # x"), Some(22));
    }

    #[test]
    fn js() {
        let t = "a: \"http://x\", // one\n/* // no */ b: 'it//s' // two\n`\n// no\n`";
        let got: Vec<&str> = js_comments(t).into_iter().map(|(s, e)| &t[s..e]).collect();
        assert_eq!(got, ["// one", "// two"]);
    }
}
