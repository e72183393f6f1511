//! Files that decide how and where a backend is launched: Procfiles, systemd
//! units, Dockerfiles, docker compose files, supervisord INI files and shell
//! entrypoint scripts. Each reader returns [`Launch`]es: the command as
//! written (with its span), where it runs, the environment it gets and the
//! ports published around it. Commands are handed over as text; splitting
//! them and recognising servers is `src/parse/command.rs`'s job.
//!
//! Authorities, per format (what each reader imitates):
//! - Procfile: foreman's reader (`^([A-Za-z0-9_-]+):\s*(.+)$`).
//! - systemd: `src/shared/conf-parser.c` (`config_parse`: comment lines,
//!   backslash continuations) and `systemd.service(5)`, `systemd.exec(5)`,
//!   `systemd.socket(5)` for the keys read.
//! - Dockerfile: moby/buildkit `frontend/dockerfile/parser/parser.go`
//!   (directives, continuations, heredocs) and `line_parsers.go`
//!   (`parseMaybeJSON`, `parseNameVal`, `parseWords`); the Dockerfile
//!   reference for how ENTRYPOINT and CMD combine.
//! - compose: the compose specification (`05-services.md`,
//!   `12-interpolation.md`).
//! - supervisord: `supervisor/options.py` (`UnhosedConfigParser`:
//!   `inline_comment_prefixes=(';', '#')`, `strict=False`) over Python's
//!   `configparser`, and `supervisor/datatypes.py`
//!   (`dict_of_key_value_pairs` for `environment=`).
//! - uWSGI ini files: uWSGI 2.0's `core/ini.c` (`uwsgi_ini_config`: lines
//!   split at LF, blanks stripped, `[name]` sections, `;`/`#` comment lines,
//!   the first `=` splits key and value, no inline comments, repeated keys
//!   all kept). The file does not start a process itself: it configures the
//!   `uwsgi` that a launcher runs with `--ini` (`parse::command`).
//!
//! Spans are byte offsets into the file and cover the text as written
//! (quotes included when they enclose the value alone). When a format
//! continues a line (`\` at the end, an indented supervisor line), the value
//! handed over is the file's text with the continuation bytes (the escape,
//! the line break, comment lines and inline comments in between) replaced by
//! the same number of spaces: the words are the ones the program sees (but
//! for a continuation with no blank on either side, which docker and the
//! shell glue into one word and lint502 splits), and
//! `command.value[i]` is at byte `command.span.start + i`. That holds
//! whenever `command.value.len() == command.span.end - command.span.start`:
//! always for Procfile, systemd, supervisor, shell and Dockerfile shell
//! forms; not for exec forms (the elements joined, see `argv`), nor for YAML
//! scalars that are quoted or folded.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;

use pest::Parser;
use pest::iterators::Pair;
use yaml_rust2::parser::{Event, Parser as YamlParser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::SyntaxError;
use crate::model::value::{Spanned, Value};
use crate::source::{FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/launch.pest"]
struct LaunchGrammar;

/// Which kind of file a launch was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LaunchSource {
    Procfile,
    Systemd,
    Dockerfile,
    Compose,
    Supervisor,
    Shell,
    /// A uWSGI ini file: the options of its `[uwsgi]` section, in `extra`.
    Uwsgi,
}

impl LaunchSource {
    pub fn as_str(self) -> &'static str {
        match self {
            LaunchSource::Procfile => "procfile",
            LaunchSource::Systemd => "systemd",
            LaunchSource::Dockerfile => "dockerfile",
            LaunchSource::Compose => "compose",
            LaunchSource::Supervisor => "supervisor",
            LaunchSource::Shell => "shell",
            LaunchSource::Uwsgi => "uwsgi",
        }
    }
}

/// One environment variable a launcher sets: the name and the value, each
/// with its span.
pub type EnvVar = (Spanned<String>, Spanned<Value>);

/// One way a process is started, as one file describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Launch {
    pub source: LaunchSource,
    /// Process type (Procfile), compose service name, supervisor program
    /// name, final stage name (Dockerfile `FROM … AS name`). systemd units
    /// and uWSGI ini files are named after their file, which the text does
    /// not say: see [`parse_path`].
    pub name: Option<Spanned<String>>,
    /// The command as written, with its span (shell form), or the exec-form
    /// array joined with spaces (its span covers the arrays); then `argv`
    /// holds each element with its own span.
    pub command: Option<Spanned<String>>,
    /// Exec form (Dockerfile and compose arrays): the elements with spans.
    /// `None` for shell-form commands (Procfile, systemd, supervisor, shell
    /// scripts, compose strings, Dockerfile shell form).
    pub argv: Option<Vec<Spanned<String>>>,
    /// Where the command runs: systemd `WorkingDirectory=`, Dockerfile
    /// `WORKDIR` (relative ones joined), compose `working_dir`, supervisor
    /// `directory=`, the last `cd` of a shell script before the command,
    /// uWSGI `chdir` (as written).
    pub workdir: Option<Spanned<String>>,
    /// Environment the launcher sets, in order (later wins).
    pub env: Vec<(Spanned<String>, Spanned<Value>)>,
    /// Files the launcher reads variables from (systemd `EnvironmentFile=`,
    /// without its `-` prefix; compose `env_file`).
    pub env_files: Vec<Spanned<String>>,
    /// Ports published or exposed, as written: compose `ports` (long form
    /// rendered as `[host_ip:][published:]target[/protocol]`) and `expose`,
    /// Dockerfile `EXPOSE`, systemd socket `ListenStream=`, supervisor
    /// fcgi-program `socket=`.
    pub ports: Vec<Spanned<String>>,
    /// Other facts, keyed as the format spells them (see each parser), plus
    /// lint502's own lowercase keys: `exec_prefix` (systemd), `launched_by`
    /// (shell scripts). A uWSGI ini keeps every option of its `[uwsgi]`
    /// sections here, in order, repeated keys included (`socket` twice is two
    /// sockets; for single-valued options such as `harakiri` the last wins,
    /// so read them from the end).
    pub extra: Vec<(String, Spanned<Value>)>,
    /// The whole description: the Procfile line, the unit section, the
    /// final stage, the compose service, the program section, the command.
    pub span: Span,
}

impl Launch {
    /// A launch with nothing but its source and span.
    pub fn new(source: LaunchSource, span: Span) -> Launch {
        Launch {
            source,
            name: None,
            command: None,
            argv: None,
            workdir: None,
            env: Vec::new(),
            env_files: Vec::new(),
            ports: Vec::new(),
            extra: Vec::new(),
            span,
        }
    }

    /// An `extra` value by key.
    pub fn extra(&self, key: &str) -> Option<&Spanned<Value>> {
        self.extra.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// The last value the launcher gives `name`.
    pub fn env_var(&self, name: &str) -> Option<&Spanned<Value>> {
        self.env.iter().rev().find(|(k, _)| k.value == name).map(|(_, v)| v)
    }

    fn set_extra(&mut self, key: &str, value: Spanned<Value>) {
        match self.extra.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.extra.push((key.to_owned(), value)),
        }
    }
}

// ==================================================================== shared

fn error(file: FileId, start: usize, end: usize, message: String) -> SyntaxError {
    SyntaxError {
        message,
        span: Span::new(file, start, end.max(start)),
        line: None,
    }
}

/// At most 40 characters of `s` on one line, for messages.
fn shown(s: &str) -> String {
    let s = s.trim();
    let first = s.lines().next().unwrap_or("");
    let t: String = first.chars().take(40).collect();
    if t.len() < s.len() { format!("{t}…") } else { t }
}

/// Parse `text` with one entry rule of the grammar. The line grammars accept
/// every input; a failure is a bug, reported as an error rather than a panic.
fn grammar(file: FileId, rule: Rule, text: &str) -> Result<Pair<'_, Rule>, SyntaxError> {
    match LaunchGrammar::parse(rule, text) {
        Ok(mut pairs) => pairs
            .next()
            .ok_or_else(|| error(file, 0, 0, "internal parser error: the grammar returned nothing".into())),
        Err(e) => {
            let at = match e.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((s, _)) => s,
            };
            Err(error(
                file,
                at,
                at,
                "internal parser error: the grammar rejected this file".into(),
            ))
        }
    }
}

/// The text of `range` with the bytes inside `cuts` replaced by spaces (same
/// length, so offsets still match the file). Cuts cover whole characters.
fn blanked(text: &str, range: Range<usize>, cuts: &[Range<usize>]) -> String {
    let Some(slice) = text.get(range.clone()) else {
        return String::new();
    };
    if cuts.is_empty() {
        return slice.to_owned();
    }
    let mut bytes = slice.as_bytes().to_vec();
    for c in cuts {
        let s = c.start.max(range.start) - range.start;
        let e = c.end.min(range.end).saturating_sub(range.start);
        if s < e {
            for b in &mut bytes[s..e] {
                *b = b' ';
            }
        }
    }
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

/// The end of the character at `at` (`at` itself at the end of the text).
fn char_end(text: &str, at: usize) -> usize {
    at + text.get(at..).and_then(|t| t.chars().next()).map_or(0, char::len_utf8)
}

/// Environment entries copied into launches, per file, before lint502 stops
/// (each launch gets its own copy of the variables set before it; a
/// generated file with thousands of both would otherwise take quadratic time).
pub const MAX_ENV_COPIES: usize = 1_000_000;

/// Count `n` more copied environment entries against [`MAX_ENV_COPIES`].
fn spend_env(file: FileId, used: &mut usize, n: usize, span: Span) -> Result<(), SyntaxError> {
    *used += n;
    if *used > MAX_ENV_COPIES {
        return Err(error(
            file,
            span.start as usize,
            span.end as usize,
            format!(
                "found more than {MAX_ENV_COPIES} environment settings across launches, expected a hand-written file; lint502 stops reading here"
            ),
        ));
    }
    Ok(())
}

/// `s` (found at byte `base` of the file) without surrounding whitespace,
/// with the span of what is left.
fn trim_spanned(file: FileId, s: &str, base: usize) -> Spanned<String> {
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    Spanned::new(t.to_owned(), Span::new(file, base + lead, base + lead + t.len()))
}

fn pair_spanned(file: FileId, p: &Pair<'_, Rule>) -> Spanned<String> {
    let s = p.as_span();
    Spanned::new(p.as_str().to_owned(), Span::new(file, s.start(), s.end()))
}

/// Where the line that ends at `end` continues: after its `\n` or `\r\n`.
fn after_eol(text: &str, end: usize) -> usize {
    let b = text.as_bytes();
    match (b.get(end), b.get(end + 1)) {
        (Some(b'\r'), Some(b'\n')) => end + 2,
        (Some(b'\n'), _) => end + 1,
        _ => end,
    }
}

/// One physical line as a line grammar classified it.
#[derive(Debug)]
struct PhysLine<'t> {
    /// The line, without its line break.
    start: usize,
    end: usize,
    /// Where the next line starts.
    next: usize,
    /// The classified content (after leading blanks), if the line is not blank.
    content: Option<Pair<'t, Rule>>,
}

fn physical_lines<'t>(text: &str, top: Pair<'t, Rule>, line_rule: Rule) -> Vec<PhysLine<'t>> {
    let mut out = Vec::new();
    for line in top.into_inner() {
        if line.as_rule() != line_rule {
            continue;
        }
        let s = line.as_span();
        let content = line.into_inner().find(|p| p.as_rule() != Rule::ini_indent);
        out.push(PhysLine {
            start: s.start(),
            end: s.end(),
            next: after_eol(text, s.end()),
            content,
        });
    }
    out
}

/// A value with `${VAR}` references, split up.
#[derive(Debug, Clone, PartialEq)]
enum Part {
    Lit(String),
    Var {
        name: String,
        /// `:-`, `-`, `:?`, `?`, `:+`, `+`, or another operator lint502 does not
        /// evaluate (`#`, `%`, `/`…); None for `$NAME` and `${NAME}`.
        op: Option<String>,
        /// The text after the operator, as written.
        word: String,
    },
    /// A command substitution or anything else decided only by running it.
    Opaque,
}

/// Limit on nested defaults (`${A:-${B:-${C}}}`).
const MAX_INTERPOLATION_DEPTH: usize = 8;

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Read `{…}` starting after `${`: returns the inside and the offset after
/// the closing brace, counting nested braces. None when it never closes.
fn braced(s: &str, from: usize) -> Option<(&str, usize)> {
    let mut depth = 0usize;
    for (i, c) in s.get(from..)?.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some((s.get(from..from + i)?, from + i + 1)),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// `NAME`, `NAME:-word`, `NAME-word`… (the inside of `${…}`).
fn var_inside(inside: &str) -> Part {
    let name_len = inside.find(|c: char| !is_name_char(c)).unwrap_or(inside.len());
    let name = &inside[..name_len];
    if name.is_empty() || !name.starts_with(is_name_start) {
        return Part::Opaque;
    }
    let rest = &inside[name_len..];
    if rest.is_empty() {
        return Part::Var {
            name: name.to_owned(),
            op: None,
            word: String::new(),
        };
    }
    let op_len = [":-", ":?", ":+", "-", "?", "+"]
        .iter()
        .find(|op| rest.starts_with(*op))
        .map(|op| op.len())
        .unwrap_or_else(|| rest.chars().next().map(char::len_utf8).unwrap_or(0));
    Part::Var {
        name: name.to_owned(),
        op: Some(rest[..op_len].to_owned()),
        word: rest[op_len..].to_owned(),
    }
}

/// Split a value in compose's interpolation syntax (`$$` is a literal `$`).
/// Err(offset) for a `${` that never closes (compose: "invalid interpolation
/// format").
fn compose_parts(s: &str) -> Result<Vec<Part>, usize> {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    while let Some(c) = s[i..].chars().next() {
        if c != '$' {
            lit.push(c);
            i += c.len_utf8();
            continue;
        }
        let next = s[i + 1..].chars().next();
        match next {
            Some('$') => {
                lit.push('$');
                i += 2;
            }
            Some('{') => {
                let Some((inside, after)) = braced(s, i + 2) else {
                    return Err(i);
                };
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                }
                parts.push(var_inside(inside));
                i = after;
            }
            Some(c) if is_name_start(c) => {
                let len = s[i + 1..].find(|c: char| !is_name_char(c)).unwrap_or(s.len() - i - 1);
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                }
                parts.push(Part::Var {
                    name: s[i + 1..i + 1 + len].to_owned(),
                    op: None,
                    word: String::new(),
                });
                i += 1 + len;
            }
            _ => {
                lit.push('$');
                i += 1;
            }
        }
    }
    if !lit.is_empty() {
        parts.push(Part::Lit(lit));
    }
    Ok(parts)
}

/// Split a shell word as written (quotes included): single quotes are
/// literal, double quotes and bare text expand `$NAME`, `${…}`; `$(…)` and
/// backquotes are opaque.
fn shell_parts(raw: &str) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let chars: Vec<(usize, char)> = raw.char_indices().collect();
    let mut k = 0;
    let mut in_double = false;
    while let Some(&(i, c)) = chars.get(k) {
        match c {
            '\'' if !in_double => {
                k += 1;
                while let Some(&(_, c)) = chars.get(k) {
                    k += 1;
                    if c == '\'' {
                        break;
                    }
                    lit.push(c);
                }
                continue;
            }
            '"' => in_double = !in_double,
            '\\' => {
                if let Some(&(_, n)) = chars.get(k + 1) {
                    if !in_double || matches!(n, '$' | '`' | '"' | '\\') {
                        lit.push(n);
                    } else {
                        lit.push('\\');
                        lit.push(n);
                    }
                    k += 2;
                    continue;
                }
            }
            '`' => {
                if !lit.is_empty() {
                    parts.push(Part::Lit(std::mem::take(&mut lit)));
                }
                parts.push(Part::Opaque);
                k += 1;
                while let Some(&(_, c)) = chars.get(k) {
                    k += 1;
                    if c == '`' {
                        break;
                    }
                }
                continue;
            }
            '$' => {
                let rest = &raw[i + 1..];
                if rest.starts_with('(') {
                    if !lit.is_empty() {
                        parts.push(Part::Lit(std::mem::take(&mut lit)));
                    }
                    parts.push(Part::Opaque);
                    let end = i + 1 + matching_paren(rest).unwrap_or(rest.len());
                    while chars.get(k).is_some_and(|&(j, _)| j < end) {
                        k += 1;
                    }
                    continue;
                }
                if rest.starts_with('{') {
                    if let Some((inside, after)) = braced(raw, i + 2) {
                        if !lit.is_empty() {
                            parts.push(Part::Lit(std::mem::take(&mut lit)));
                        }
                        parts.push(var_inside(inside));
                        while chars.get(k).is_some_and(|&(j, _)| j < after) {
                            k += 1;
                        }
                        continue;
                    }
                } else if rest.starts_with(is_name_start) {
                    let len = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
                    if !lit.is_empty() {
                        parts.push(Part::Lit(std::mem::take(&mut lit)));
                    }
                    parts.push(Part::Var {
                        name: rest[..len].to_owned(),
                        op: None,
                        word: String::new(),
                    });
                    let end = i + 1 + len;
                    while chars.get(k).is_some_and(|&(j, _)| j < end) {
                        k += 1;
                    }
                    continue;
                } else if rest.starts_with(|c: char| c.is_ascii_digit() || "@*#?$!-".contains(c)) {
                    // Positional and special parameters.
                    if !lit.is_empty() {
                        parts.push(Part::Lit(std::mem::take(&mut lit)));
                    }
                    parts.push(Part::Opaque);
                    k += 2;
                    continue;
                }
                lit.push('$');
            }
            _ => lit.push(c),
        }
        k += 1;
    }
    if !lit.is_empty() {
        parts.push(Part::Lit(lit));
    }
    parts
}

/// The offset just after the `)` matching the `(` that starts `s`, skipping
/// quotes; None when it does not close.
fn matching_paren(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match (quote, c) {
            (_, '\\') if quote != Some('\'') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// How names are looked up while folding a value.
trait Lookup {
    /// The value a name has at this point, if the file decides it.
    fn known(&self, name: &str) -> Option<Value>;
    /// What an undecided name becomes: an environment lookup (compose, shell:
    /// the variable comes from the environment at run time), or "unknown"
    /// (Dockerfile: only the base image could set it).
    fn unset(&self, name: &str) -> Value;
    /// The parts of a default word.
    fn parts(&self, word: &str) -> Vec<Part>;
}

/// Fold split parts into a value. `raw` is the text shown for symbolic
/// values; `span` the span given to defaults.
fn fold_parts(parts: &[Part], raw: &str, span: Span, lookup: &dyn Lookup, depth: usize) -> Value {
    if !parts.iter().any(|p| !matches!(p, Part::Lit(_))) {
        return Value::Str(
            parts
                .iter()
                .filter_map(|p| match p {
                    Part::Lit(s) => Some(s.as_str()),
                    _ => None,
                })
                .collect(),
        );
    }
    if let [part] = parts {
        return fold_var(part, raw, span, lookup, depth);
    }
    let mut out = String::new();
    for p in parts {
        match p {
            Part::Lit(s) => out.push_str(s),
            Part::Var { .. } => match fold_var(p, raw, span, lookup, depth) {
                Value::Str(s) => out.push_str(&s),
                _ => return Value::Symbolic(raw.to_owned()),
            },
            Part::Opaque => return Value::Symbolic(raw.to_owned()),
        }
    }
    Value::Str(out)
}

fn fold_var(part: &Part, raw: &str, span: Span, lookup: &dyn Lookup, depth: usize) -> Value {
    let Part::Var { name, op, word } = part else {
        return match part {
            Part::Lit(s) => Value::Str(s.clone()),
            _ => Value::Symbolic(raw.to_owned()),
        };
    };
    let default = || -> Value {
        if depth >= MAX_INTERPOLATION_DEPTH {
            return Value::Symbolic(word.clone());
        }
        fold_parts(&lookup.parts(word), word, span, lookup, depth + 1)
    };
    let known = lookup.known(name);
    match op.as_deref() {
        None => known.unwrap_or_else(|| lookup.unset(name)),
        Some(":-" | "-") => {
            let colon = op.as_deref() == Some(":-");
            match known {
                Some(Value::Str(s)) if !(colon && s.is_empty()) => Value::Str(s),
                Some(Value::Str(_)) => default(),
                Some(Value::Env { name, default: d }) => Value::Env {
                    name,
                    default: d.or_else(|| Some(Box::new(Spanned::new(default(), span)))),
                },
                Some(other) => other,
                None => match lookup.unset(name) {
                    Value::Env { name, .. } => Value::Env {
                        name,
                        default: Some(Box::new(Spanned::new(default(), span))),
                    },
                    _ => default(),
                },
            }
        }
        Some(":?" | "?") => known.unwrap_or_else(|| lookup.unset(name)),
        _ => Value::Symbolic(raw.to_owned()),
    }
}

/// Names come from the environment at run time (compose, shell scripts).
struct RuntimeEnv {
    compose: bool,
}

impl Lookup for RuntimeEnv {
    fn known(&self, _name: &str) -> Option<Value> {
        None
    }
    fn unset(&self, name: &str) -> Value {
        Value::Env {
            name: name.to_owned(),
            default: None,
        }
    }
    fn parts(&self, word: &str) -> Vec<Part> {
        if self.compose {
            compose_parts(word).unwrap_or_else(|_| vec![Part::Opaque])
        } else {
            shell_parts(word)
        }
    }
}

// ==================================================================== Procfile

/// Read a Procfile: one launch per `<process type>: <command>` line. A
/// non-blank line of another shape is an error (foreman and Heroku skip it,
/// so that process never starts).
pub fn parse_procfile(file: FileId, text: &str) -> Result<Vec<Launch>, SyntaxError> {
    let top = grammar(file, Rule::procfile, text)?;
    let mut out = Vec::new();
    for line in physical_lines(text, top, Rule::procfile_line) {
        let Some(p) = line.content else { continue };
        match p.as_rule() {
            Rule::procfile_entry => {
                let start = p.as_span().start();
                let mut inner = p.into_inner();
                let (Some(name), Some(cmd)) = (inner.next(), inner.next()) else {
                    continue;
                };
                let name = pair_spanned(file, &name);
                let command = trim_spanned(file, cmd.as_str(), cmd.as_span().start());
                if command.value.is_empty() {
                    return Err(error(
                        file,
                        start,
                        line.end,
                        format!(
                            "found `{}:` with no command, expected `{}: <command>` (foreman skips this line)",
                            name.value, name.value
                        ),
                    ));
                }
                let mut l = Launch::new(
                    LaunchSource::Procfile,
                    Span::new(file, start, command.span.end as usize),
                );
                l.name = Some(name);
                l.command = Some(command);
                out.push(l);
            }
            Rule::procfile_other => {
                let s = p.as_span();
                return Err(error(
                    file,
                    s.start(),
                    s.end(),
                    format!(
                        "found `{}`, expected `<process type>: <command>` (foreman skips this line)",
                        shown(p.as_str())
                    ),
                ));
            }
            _ => {}
        }
    }
    Ok(out)
}

// ==================================================================== systemd

/// One `Key=value` of a unit file, continuations joined.
#[derive(Debug)]
struct UnitEntry {
    section: usize,
    key: Spanned<String>,
    value: Spanned<String>,
}

#[derive(Debug)]
struct UnitSection {
    name: String,
    /// From the first `[Name]` header to the end of its last line.
    start: usize,
    end: usize,
}

/// Whether the line ends in an unescaped backslash (systemd's `escaped`
/// scan in `config_parse`); returns its offset.
fn trailing_backslash(text: &str, start: usize, end: usize) -> Option<usize> {
    let line = text.get(start..end)?;
    let mut escaped = false;
    for b in line.bytes() {
        escaped = !escaped && b == b'\\';
    }
    escaped.then(|| end - 1)
}

fn systemd_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "1" | "yes" | "y" | "true" | "t" | "on" => Some(true),
        "0" | "no" | "n" | "false" | "f" | "off" => Some(false),
        _ => None,
    }
}

/// Keys of `[Service]` recorded in `extra`, and whether they are booleans.
const SERVICE_EXTRA: &[(&str, bool)] = &[
    ("User", false),
    ("Group", false),
    ("Type", false),
    ("PrivateTmp", true),
    ("DynamicUser", true),
    ("RuntimeDirectory", false),
    ("UMask", false),
];

/// Keys of `[Socket]` recorded in `extra`.
const SOCKET_EXTRA: &[(&str, bool)] = &[
    ("Accept", true),
    ("SocketUser", false),
    ("SocketGroup", false),
    ("SocketMode", false),
    ("Service", false),
];

/// Read a systemd unit: a `[Service]` section becomes a launch (`ExecStart=`
/// with its prefixes `@ - : + ! !!` removed and kept in `extra` as
/// `exec_prefix`, `WorkingDirectory=`, `Environment=`, `EnvironmentFile=`,
/// and `User`, `Group`, `Type`, `PrivateTmp`, `DynamicUser`,
/// `RuntimeDirectory`, `UMask` in `extra`); a `[Socket]` section becomes a launch with
/// its `ListenStream=` addresses in `ports` (and `Accept`, `SocketUser`,
/// `SocketGroup`, `SocketMode`, `Service` in `extra`). An empty assignment
/// resets the list, as systemd does.
pub fn parse_systemd(file: FileId, text: &str) -> Result<Vec<Launch>, SyntaxError> {
    let top = grammar(file, Rule::unit_file, text)?;
    let lines = physical_lines(text, top, Rule::unit_line);
    let mut sections: Vec<UnitSection> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut current: Option<usize> = None;
    let mut entries: Vec<UnitEntry> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let first = &lines[i];
        let Some(content) = &first.content else {
            i += 1;
            continue;
        };
        if content.as_rule() == Rule::unit_comment {
            i += 1;
            continue;
        }
        // Join continuation lines: the backslash becomes a space, comment
        // lines in between are skipped (conf-parser.c).
        let mut cuts = Vec::new();
        let mut end = first.end;
        let mut j = i;
        while let Some(bs) = trailing_backslash(text, lines[j].start, end) {
            cuts.push(bs..lines[j].next);
            j += 1;
            while let Some(l) = lines.get(j)
                && l.content.as_ref().is_some_and(|c| c.as_rule() == Rule::unit_comment)
            {
                cuts.push(l.start..l.next);
                j += 1;
            }
            match lines.get(j) {
                Some(l) => end = l.end,
                None => break,
            }
        }
        let continued = j > i;
        i = j + 1;
        let cstart = content.as_span().start();
        match content.as_rule() {
            Rule::unit_section if !continued => {
                let name = content
                    .clone()
                    .into_inner()
                    .next()
                    .map(|p| p.as_str().to_owned())
                    .unwrap_or_default();
                let idx = match by_name.get(&name) {
                    Some(&k) => k,
                    None => {
                        by_name.insert(name.clone(), sections.len());
                        sections.push(UnitSection {
                            name,
                            start: cstart,
                            end,
                        });
                        sections.len() - 1
                    }
                };
                sections[idx].end = sections[idx].end.max(end);
                current = Some(idx);
            }
            Rule::unit_entry => {
                let mut inner = content.clone().into_inner();
                let (Some(key), Some(value)) = (inner.next(), inner.next()) else {
                    continue;
                };
                let key = trim_spanned(file, key.as_str(), key.as_span().start());
                let Some(section) = current else {
                    return Err(error(
                        file,
                        key.span.start as usize,
                        end,
                        format!(
                            "found `{}=` before any section, expected a `[Service]` or other section header first (systemd ignores it)",
                            key.value
                        ),
                    ));
                };
                let vstart = value.as_span().start();
                let raw = blanked(text, vstart..end, &cuts);
                let value = trim_spanned(file, &raw, vstart);
                sections[section].end = sections[section].end.max(end);
                entries.push(UnitEntry { section, key, value });
            }
            _ => {
                let line = blanked(text, cstart..end, &cuts);
                let message = if line.starts_with('[') {
                    format!(
                        "found `{}` without a closing `]`, expected a section header such as `[Service]`",
                        shown(&line)
                    )
                } else {
                    format!(
                        "found `{}` without `=`, expected `Key=value` (systemd ignores this line)",
                        shown(&line)
                    )
                };
                return Err(error(file, cstart, end, message));
            }
        }
    }

    let mut out = Vec::new();
    for (idx, section) in sections.iter().enumerate() {
        let socket = match section.name.as_str() {
            "Service" => false,
            "Socket" => true,
            _ => continue,
        };
        let span = Span::new(file, section.start, section.end);
        let mut l = Launch::new(LaunchSource::Systemd, span);
        let mut execs: Vec<(Spanned<String>, Spanned<String>)> = Vec::new();
        for e in entries.iter().filter(|e| e.section == idx) {
            let v = &e.value;
            match (socket, e.key.value.as_str()) {
                (false, "ExecStart") => {
                    if v.value.is_empty() {
                        execs.clear();
                        continue;
                    }
                    let k = v.value.find(|c: char| !"@-:+!".contains(c)).unwrap_or(v.value.len());
                    let prefix = Spanned::new(
                        v.value[..k].to_owned(),
                        Span::new(file, v.span.start as usize, v.span.start as usize + k),
                    );
                    let command = trim_spanned(file, &v.value[k..], v.span.start as usize + k);
                    execs.push((prefix, command));
                }
                (false, "WorkingDirectory") => {
                    l.workdir = if v.value.is_empty() {
                        None
                    } else {
                        let k = usize::from(v.value.starts_with('-'));
                        Some(trim_spanned(file, &v.value[k..], v.span.start as usize + k))
                    };
                }
                (false, "Environment") => {
                    if v.value.is_empty() {
                        l.env.clear();
                    } else {
                        l.env.extend(systemd_environment(file, v)?);
                    }
                }
                (false, "EnvironmentFile") => {
                    if v.value.is_empty() {
                        l.env_files.clear();
                    } else {
                        let k = usize::from(v.value.starts_with('-'));
                        l.env_files
                            .push(trim_spanned(file, &v.value[k..], v.span.start as usize + k));
                    }
                }
                (true, "ListenStream") => {
                    if v.value.is_empty() {
                        l.ports.clear();
                    } else {
                        l.ports.push(v.clone());
                    }
                }
                (_, key) => {
                    let table = if socket { SOCKET_EXTRA } else { SERVICE_EXTRA };
                    if let Some(&(name, boolean)) = table.iter().find(|(k, _)| *k == key) {
                        let value = match boolean.then(|| systemd_bool(&v.value)).flatten() {
                            Some(b) => Value::Bool(b),
                            None => Value::Str(v.value.clone()),
                        };
                        l.set_extra(name, Spanned::new(value, v.span));
                    }
                }
            }
        }
        if execs.len() > 1 {
            let oneshot = l
                .extra("Type")
                .and_then(|v| v.value.as_str())
                .is_some_and(|t| t == "oneshot");
            if !oneshot {
                let second = &execs[1].1;
                return Err(error(
                    file,
                    second.span.start as usize,
                    second.span.end as usize,
                    "found a second `ExecStart=`, expected one (only `Type=oneshot` services may have several; systemd refuses to load this unit)".into(),
                ));
            }
        }
        if let Some((prefix, command)) = execs.pop() {
            if !prefix.value.is_empty() {
                l.set_extra("exec_prefix", Spanned::new(Value::Str(prefix.value), prefix.span));
            }
            l.command = Some(command);
        }
        out.push(l);
    }
    Ok(out)
}

/// One word of an `Environment=` value (systemd's `extract_first_word` with
/// `EXTRACT_UNQUOTE | EXTRACT_CUNESCAPE`): its characters, each with the
/// byte range it came from.
struct SourcedWord {
    chars: Vec<(char, usize, usize)>,
}

fn c_unescape(c: char) -> Option<char> {
    Some(match c {
        'a' => '\u{7}',
        'b' => '\u{8}',
        'f' => '\u{c}',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\u{b}',
        's' => ' ',
        '\\' | '"' | '\'' => c,
        _ => return None,
    })
}

fn systemd_words(file: FileId, v: &Spanned<String>) -> Result<Vec<SourcedWord>, SyntaxError> {
    let base = v.span.start as usize;
    let s = &v.value;
    let mut words = Vec::new();
    let mut chars = s.char_indices().peekable();
    loop {
        while chars.next_if(|&(_, c)| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            break;
        }
        let mut w = SourcedWord { chars: Vec::new() };
        let mut quote: Option<(char, usize)> = None;
        while let Some(&(i, c)) = chars.peek() {
            if quote.is_none() && c.is_whitespace() {
                break;
            }
            chars.next();
            match (quote, c) {
                (Some((q, _)), c) if c == q => quote = None,
                (None, '"' | '\'') => quote = Some((c, i)),
                (_, '\\') => match chars.next() {
                    Some((j, n)) => {
                        let out = c_unescape(n).unwrap_or(n);
                        w.chars.push((out, base + i, base + j + n.len_utf8()));
                    }
                    None => w.chars.push(('\\', base + i, base + i + 1)),
                },
                _ => w.chars.push((c, base + i, base + i + c.len_utf8())),
            }
        }
        if let Some((q, at)) = quote {
            return Err(error(
                file,
                base + at,
                base + at + 1,
                format!(
                    "found an unterminated `{q}` in `Environment=`, expected a closing `{q}` (systemd ignores the rest of the line)"
                ),
            ));
        }
        words.push(w);
    }
    Ok(words)
}

/// `%%` is a `%`; any other `%x` is a specifier systemd fills in at load time.
fn systemd_specifiers(s: &str) -> Value {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => out.push('%'),
            _ => return Value::Symbolic(s.to_owned()),
        }
    }
    Value::Str(out)
}

fn systemd_environment(file: FileId, v: &Spanned<String>) -> Result<Vec<EnvVar>, SyntaxError> {
    let mut out = Vec::new();
    for w in systemd_words(file, v)? {
        let (Some(first), Some(last)) = (w.chars.first(), w.chars.last()) else {
            continue;
        };
        let text: String = w.chars.iter().map(|c| c.0).collect();
        let Some(eq) = w.chars.iter().position(|c| c.0 == '=').filter(|&k| k > 0) else {
            return Err(error(
                file,
                first.1,
                last.2,
                format!(
                    "found `{}` in `Environment=`, expected `NAME=value` (systemd ignores it)",
                    shown(&text)
                ),
            ));
        };
        let key: String = w.chars[..eq].iter().map(|c| c.0).collect();
        let value: String = w.chars[eq + 1..].iter().map(|c| c.0).collect();
        let eq_end = w.chars[eq].2;
        let key_span = Span::new(file, first.1, w.chars[eq - 1].2);
        let value_span = match w.chars.get(eq + 1) {
            Some(c) => Span::new(file, c.1, last.2),
            None => Span::new(file, eq_end, eq_end),
        };
        out.push((
            Spanned::new(key, key_span),
            Spanned::new(systemd_specifiers(&value), value_span),
        ));
    }
    Ok(out)
}

// ==================================================================== supervisor

#[derive(Debug)]
struct IniOption {
    /// Lower-cased, as configparser's `optionxform` does.
    key: String,
    start: usize,
    end: usize,
    cuts: Vec<Range<usize>>,
}

#[derive(Debug)]
struct IniSection {
    name: String,
    name_start: usize,
    start: usize,
    end: usize,
    options: Vec<IniOption>,
}

impl IniSection {
    fn get(&self, key: &str) -> Option<&IniOption> {
        self.options.iter().rev().find(|o| o.key == key)
    }
}

/// configparser's inline comment: `;` or `#` at the start of the line or
/// after whitespace. Returns its offset in `line`.
fn inline_comment(line: &str) -> Option<usize> {
    if line.trim_start().starts_with([';', '#']) {
        return Some(0);
    }
    let mut prev_space = true;
    for (i, c) in line.char_indices() {
        if (c == ';' || c == '#') && prev_space {
            return Some(i);
        }
        prev_space = c.is_whitespace();
    }
    None
}

/// Read an INI file the way supervisord's configparser does.
fn parse_ini(file: FileId, text: &str) -> Result<Vec<IniSection>, SyntaxError> {
    let top = grammar(file, Rule::ini_file, text)?;
    let lines = physical_lines(text, top, Rule::ini_line);
    let mut sections: Vec<IniSection> = Vec::new();
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut cursect: Option<usize> = None;
    let mut open_option = false;
    let mut indent_level = 0usize;
    let mut first_error: Option<SyntaxError> = None;
    for line in &lines {
        let raw = text.get(line.start..line.end).unwrap_or("");
        let comment = inline_comment(raw);
        let content = &raw[..comment.unwrap_or(raw.len())];
        let value = content.trim();
        let comment_cut = comment.map(|c| line.start + c..line.end);
        if value.is_empty() {
            // Blank lines and comment lines do not end a value
            // (`empty_lines_in_values`); blank the comment in case it does
            // continue.
            if let (Some(cut), Some(s)) = (comment_cut, cursect)
                && open_option
                && let Some(o) = sections[s].options.last_mut()
            {
                o.cuts.push(cut);
            }
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        let vstart = line.start + (content.len() - content.trim_start().len());
        let vend = vstart + value.len();
        if let Some(s) = cursect
            && open_option
            && indent > indent_level
            && let Some(o) = sections[s].options.last_mut()
        {
            o.end = vend;
            o.cuts.extend(comment_cut);
            sections[s].end = vend;
            continue;
        }
        indent_level = indent;
        if value.starts_with('[')
            && let Some(close) = value.rfind(']')
            && close > 1
        {
            let name = &value[1..close];
            let idx = match by_name.get(name) {
                Some(&k) => k,
                None => {
                    by_name.insert(name.to_owned(), sections.len());
                    sections.push(IniSection {
                        name: name.to_owned(),
                        name_start: vstart + 1,
                        start: vstart,
                        end: vend,
                        options: Vec::new(),
                    });
                    sections.len() - 1
                }
            };
            cursect = Some(idx);
            open_option = false;
            continue;
        }
        let Some(s) = cursect else {
            return Err(error(
                file,
                vstart,
                vend,
                format!(
                    "found `{}` before any section, expected a `[program:name]` or other section header first",
                    shown(value)
                ),
            ));
        };
        let delim = value.find(['=', ':']);
        let key = delim.map(|d| value[..d].trim_end()).unwrap_or("");
        let Some(d) = delim.filter(|_| !key.is_empty()) else {
            open_option = false;
            first_error.get_or_insert_with(|| {
                error(
                    file,
                    vstart,
                    vend,
                    format!(
                        "found `{}`, expected `key = value` or a `[section]` header",
                        shown(value)
                    ),
                )
            });
            continue;
        };
        let after = &value[d + 1..];
        let ostart = vstart + d + 1 + (after.len() - after.trim_start().len());
        sections[s].options.push(IniOption {
            key: key.to_lowercase(),
            start: ostart,
            end: vend.max(ostart),
            cuts: comment_cut.into_iter().collect(),
        });
        sections[s].end = vend;
        open_option = true;
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(sections),
    }
}

impl IniOption {
    fn value(&self, file: FileId, text: &str) -> Spanned<String> {
        trim_spanned(file, &blanked(text, self.start..self.end, &self.cuts), self.start)
    }
}

/// supervisord's `%(name)s` expansions: `%%` is `%`, `%(ENV_X)s` reads
/// supervisord's environment, `%(program_name)s` is known, anything else
/// (`%(here)s`, `%(process_num)s`…) is decided at run time.
fn supervisor_value(s: &str, program: &str) -> Value {
    let mut parts: Vec<Part> = Vec::new();
    let mut lit = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('%') {
        lit.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(a) = after.strip_prefix('%') {
            lit.push('%');
            rest = a;
            continue;
        }
        let Some(close) = after.strip_prefix('(').and_then(|a| a.find(")s")) else {
            lit.push('%');
            rest = after;
            continue;
        };
        let name = &after[1..1 + close];
        if !lit.is_empty() {
            parts.push(Part::Lit(std::mem::take(&mut lit)));
        }
        if let Some(env) = name.strip_prefix("ENV_") {
            parts.push(Part::Var {
                name: env.to_owned(),
                op: None,
                word: String::new(),
            });
        } else if name == "program_name" {
            parts.push(Part::Lit(program.to_owned()));
        } else {
            parts.push(Part::Opaque);
        }
        rest = &after[close + 3..];
    }
    lit.push_str(rest);
    if !lit.is_empty() {
        parts.push(Part::Lit(lit));
    }
    // A literal-only list folds to a string even when it was split up.
    if parts.iter().all(|p| matches!(p, Part::Lit(_))) {
        return Value::Str(
            parts
                .iter()
                .filter_map(|p| match p {
                    Part::Lit(s) => Some(s.as_str()),
                    _ => None,
                })
                .collect(),
        );
    }
    fold_parts(&parts, s, Span::default(), &RuntimeEnv { compose: false }, 0)
}

/// Tokens of supervisor's `environment=` (Python's `shlex.shlex` in POSIX
/// mode, with `/.+-():` added to the word characters): words (quotes
/// removed) with spans, and single-character punctuation.
#[derive(Debug)]
enum EnvToken {
    Word(String, usize, usize),
    Punct(char, usize),
}

fn shlex_env_tokens(s: &str, base: usize) -> Result<Vec<EnvToken>, (usize, char)> {
    let word_char = |c: char| c.is_alphanumeric() || "_/.+-():".contains(c);
    let mut out = Vec::new();
    let mut chars = s.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '#' {
            break; // shlex comment
        }
        // `%(ENV_X)s` is expanded before shlex sees the text: one word.
        let is_word_start = word_char(c) || c == '"' || c == '\'' || (c == '%' && s[i..].starts_with("%("));
        if !is_word_start {
            out.push(EnvToken::Punct(c, base + i));
            chars.next();
            continue;
        }
        let mut w = String::new();
        let mut end = i;
        while let Some(&(j, c)) = chars.peek() {
            if c == '"' || c == '\'' {
                chars.next();
                let mut closed = false;
                while let Some((k, d)) = chars.next() {
                    if d == c {
                        closed = true;
                        end = k + 1;
                        break;
                    }
                    if d == '\\'
                        && c == '"'
                        && let Some(&(_, n)) = chars.peek()
                        && (n == '"' || n == '\\')
                    {
                        w.push(n);
                        chars.next();
                        continue;
                    }
                    w.push(d);
                }
                if !closed {
                    return Err((base + j, c));
                }
            } else if c == '%' && s[j..].starts_with("%(") {
                let len = s[j..].find(")s").map(|k| k + 2).unwrap_or(1);
                w.push_str(&s[j..j + len]);
                end = j + len;
                while chars.next_if(|&(k, _)| k < j + len).is_some() {}
            } else if word_char(c) {
                w.push(c);
                end = j + c.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        out.push(EnvToken::Word(w, base + i, base + end));
    }
    Ok(out)
}

fn supervisor_environment(file: FileId, v: &Spanned<String>, program: &str) -> Result<Vec<EnvVar>, SyntaxError> {
    let base = v.span.start as usize;
    let tokens = shlex_env_tokens(&v.value, base).map_err(|(at, q)| {
        error(
            file,
            at,
            at + 1,
            format!("found an unterminated `{q}` in `environment=`, expected a closing `{q}`"),
        )
    })?;
    let mut out = Vec::new();
    let mut k = 0;
    while k < tokens.len() {
        match (tokens.get(k), tokens.get(k + 1), tokens.get(k + 2)) {
            (Some(EnvToken::Word(key, ks, ke)), Some(EnvToken::Punct('=', _)), Some(EnvToken::Word(value, vs, ve))) => {
                out.push((
                    Spanned::new(key.clone(), Span::new(file, *ks, *ke)),
                    Spanned::new(supervisor_value(value, program), Span::new(file, *vs, *ve)),
                ));
            }
            (tok, ..) => {
                let (at, end, what) = match tok.or(tokens.get(k + 1)) {
                    Some(EnvToken::Word(w, s, e)) => (*s, *e, w.clone()),
                    Some(EnvToken::Punct(c, s)) => (*s, s + c.len_utf8(), c.to_string()),
                    None => (base, base, String::new()),
                };
                return Err(error(
                    file,
                    at,
                    end,
                    format!(
                        "found `{}` in `environment=`, expected `KEY=\"value\"` pairs separated by commas (supervisord stops: unexpected end of key/value pairs)",
                        shown(&what)
                    ),
                ));
            }
        }
        match tokens.get(k + 3) {
            None | Some(EnvToken::Punct(',', _)) => k += 4,
            Some(EnvToken::Word(w, s, e)) => {
                return Err(error(
                    file,
                    *s,
                    *e,
                    format!(
                        "found `{}` after a value in `environment=`, expected `,` (quote values that contain other characters)",
                        shown(w)
                    ),
                ));
            }
            Some(EnvToken::Punct(c, s)) => {
                return Err(error(
                    file,
                    *s,
                    s + c.len_utf8(),
                    format!(
                        "found `{c}` after a value in `environment=`, expected `,` (quote values that contain other characters)"
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// Options of `[program:x]` recorded in `extra`.
const PROGRAM_EXTRA: &[&str] = &[
    "user",
    "umask",
    "numprocs",
    "process_name",
    "socket_owner",
    "socket_mode",
];

/// Read a supervisord configuration: one launch per `[program:x]` and
/// `[fcgi-program:x]` section (`command=`, `directory=`, `environment=`,
/// and for fcgi programs `socket=` in `ports`; `user`, `umask`, `numprocs`,
/// `process_name`, `socket_owner`, `socket_mode` in `extra`). The
/// `[supervisord]` section's `environment=` is inherited by every program,
/// so it comes first in each launch's `env`. Values are as written:
/// `%(ENV_X)s` expansions are left in commands, and become environment
/// lookups in `environment=`.
pub fn parse_supervisor(file: FileId, text: &str) -> Result<Vec<Launch>, SyntaxError> {
    let sections = parse_ini(file, text)?;
    let global = match sections.iter().find(|s| s.name == "supervisord") {
        Some(s) => match s.get("environment") {
            Some(o) => supervisor_environment(file, &o.value(file, text), "")?,
            None => Vec::new(),
        },
        None => Vec::new(),
    };
    let mut out = Vec::new();
    let mut copies = 0usize;
    for s in &sections {
        let Some(prefix_len) = ["program:", "fcgi-program:"]
            .iter()
            .find(|p| s.name.starts_with(*p))
            .map(|p| p.len())
        else {
            continue;
        };
        let name = trim_spanned(file, &s.name[prefix_len..], s.name_start + prefix_len);
        let mut l = Launch::new(LaunchSource::Supervisor, Span::new(file, s.start, s.end));
        l.command = s.get("command").map(|o| o.value(file, text));
        l.workdir = s.get("directory").map(|o| o.value(file, text));
        spend_env(file, &mut copies, global.len(), l.span)?;
        l.env = global.clone();
        if let Some(o) = s.get("environment") {
            l.env
                .extend(supervisor_environment(file, &o.value(file, text), &name.value)?);
        }
        if s.name.starts_with("fcgi-program:")
            && let Some(o) = s.get("socket")
        {
            l.ports.push(o.value(file, text));
        }
        for key in PROGRAM_EXTRA {
            if let Some(o) = s.get(key) {
                let v = o.value(file, text);
                let value = match v.value.parse::<i64>() {
                    Ok(n) => Value::Int(n),
                    Err(_) => Value::Str(v.value),
                };
                l.extra.push(((*key).to_owned(), Spanned::new(value, v.span)));
            }
        }
        l.name = Some(name);
        out.push(l);
    }
    Ok(out)
}

// ==================================================================== uWSGI

/// uWSGI's blanks (`core/ini.c` `ini_lstrip`/`ini_rstrip`).
fn is_uwsgi_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r')
}

/// The section a `[` line opens, as uWSGI derives it: the stripped line
/// without its first character (`[`) and its last one, whatever that is
/// (`[uwsgi]` is `uwsgi`, `[uwsgi] ;x` is `uwsgi] ;`).
fn uwsgi_section_name(line: &str) -> &str {
    let t = line.trim_matches(is_uwsgi_blank);
    let inner = t.strip_prefix('[').unwrap_or(t);
    match inner.char_indices().next_back() {
        Some((i, _)) => &inner[..i],
        None => "",
    }
}

/// Whether an ini text has a `[uwsgi]` section (what `uwsgi --ini` reads).
fn ini_has_uwsgi(head: &str) -> bool {
    head.split('\n').any(|l| {
        let t = l.trim_matches(is_uwsgi_blank);
        t.starts_with('[') && uwsgi_section_name(t) == "uwsgi"
    })
}

/// Read a uWSGI ini file as `uwsgi --ini FILE` does: the options of its
/// `[uwsgi]` sections (all of them, in order; other sections are for other
/// programs or for `--ini FILE:section`). One launch, with no command:
/// - `extra`: every option, `(key, value)`, values as written (uWSGI's
///   `%(name)`, `$(VAR)`, `@(file)` and magic `%d` expansions are left to
///   `parse::command::uwsgi_config`, which knows the environment and the
///   other options); a line without `=` is a key with an empty value;
/// - `workdir`: the last `chdir`;
/// - `env`: each `env = KEY=VALUE` (the application's environment; uWSGI sets
///   it after reading its configuration, so `$(KEY)` in the file does not
///   see it);
/// - `span`: from the first `[uwsgi]` header to the last option in one
///   (the start of the file when there is none).
///
/// uWSGI accepts every file (a file without `[uwsgi]` only makes it warn
/// `Can't find section "uwsgi"`), so this never fails.
pub fn parse_uwsgi_ini(file: FileId, text: &str) -> Result<Vec<Launch>, SyntaxError> {
    let top = grammar(file, Rule::uwsgi_ini, text)?;
    let mut l = Launch::new(LaunchSource::Uwsgi, Span::new(file, 0, 0));
    let mut in_uwsgi = false;
    let mut extent: Option<(usize, usize)> = None;
    let mut grow = |start: usize, end: usize| {
        extent = Some(match extent {
            Some((s, e)) => (s.min(start), e.max(end)),
            None => (start, end),
        });
    };
    for line in top.into_inner().filter(|p| p.as_rule() == Rule::uwsgi_line) {
        let Some(p) = line.into_inner().next() else { continue };
        let (start, raw) = (p.as_span().start(), p.as_str());
        match p.as_rule() {
            Rule::uwsgi_section => {
                in_uwsgi = uwsgi_section_name(raw) == "uwsgi";
                if in_uwsgi {
                    grow(start, start + raw.trim_end_matches(is_uwsgi_blank).len());
                }
            }
            Rule::uwsgi_entry if in_uwsgi => {
                let (key_part, value_part) = match raw.find('=') {
                    Some(eq) => (&raw[..eq], Some((start + eq + 1, &raw[eq + 1..]))),
                    None => (raw, None),
                };
                let key = key_part.trim_end_matches(is_uwsgi_blank);
                if key.is_empty() {
                    // `= x`: an option named "", which uWSGI ignores.
                    continue;
                }
                let key_span = Span::new(file, start, start + key.len());
                let value = match value_part {
                    Some((at, v)) => trim_uwsgi(file, v, at),
                    None => Spanned::new(
                        String::new(),
                        Span::new(file, key_span.end as usize, key_span.end as usize),
                    ),
                };
                grow(start, (value.span.end as usize).max(key_span.end as usize));
                if key == "chdir" {
                    l.workdir = Some(value.clone());
                }
                if key == "env"
                    && let Some(eq) = value.value.find('=')
                {
                    let at = value.span.start as usize;
                    l.env.push((
                        Spanned::new(value.value[..eq].to_owned(), Span::new(file, at, at + eq)),
                        Spanned::new(
                            Value::Str(value.value[eq + 1..].to_owned()),
                            Span::new(file, at + eq + 1, value.span.end as usize),
                        ),
                    ));
                }
                l.extra
                    .push((key.to_owned(), Spanned::new(Value::Str(value.value), value.span)));
            }
            _ => {}
        }
    }
    if let Some((s, e)) = extent {
        l.span = Span::new(file, s, e);
    }
    Ok(vec![l])
}

/// `s` (at byte `base`) without uWSGI's blanks at either end, with its span.
fn trim_uwsgi(file: FileId, s: &str, base: usize) -> Spanned<String> {
    let lead = s.len() - s.trim_start_matches(is_uwsgi_blank).len();
    let t = s.trim_matches(is_uwsgi_blank);
    Spanned::new(t.to_owned(), Span::new(file, base + lead, base + lead + t.len()))
}

// ==================================================================== Dockerfile

/// A CMD, ENTRYPOINT or SHELL value.
#[derive(Debug, Clone)]
enum Form {
    /// `["gunicorn", "app:app"]`: the elements, and the array's span.
    Exec(Vec<Spanned<String>>, Span),
    /// `gunicorn app:app`: run with the shell (`/bin/sh -c` by default).
    Shell(Spanned<String>),
}

impl Form {
    fn span(&self) -> Span {
        match self {
            Form::Exec(_, s) => *s,
            Form::Shell(s) => s.span,
        }
    }
    fn to_value(&self) -> Spanned<Value> {
        match self {
            Form::Exec(items, span) => Spanned::new(
                Value::List(
                    items
                        .iter()
                        .map(|i| Spanned::new(Value::Str(i.value.clone()), i.span))
                        .collect(),
                ),
                *span,
            ),
            Form::Shell(s) => Spanned::new(Value::Str(s.value.clone()), s.span),
        }
    }
    fn is_empty(&self) -> bool {
        match self {
            Form::Exec(items, _) => items.is_empty(),
            Form::Shell(s) => s.value.is_empty(),
        }
    }
}

/// Build arguments in scope, with their defaults.
type BuildArgs = HashMap<String, Option<Spanned<String>>>;

/// What a stage has set so far (inherited by `FROM <stage>`).
#[derive(Debug, Clone, Default)]
struct StageState {
    env: Vec<EnvVar>,
    /// The current value of each ENV variable (the last one set).
    env_values: HashMap<String, Value>,
    args: BuildArgs,
    workdir: Option<Spanned<String>>,
    expose: Vec<Spanned<String>>,
    cmd: Option<Form>,
    /// Whether this stage set CMD itself (an ENTRYPOINT resets an inherited CMD).
    cmd_here: bool,
    entrypoint: Option<Form>,
    shell: Option<Form>,
    user: Option<Spanned<String>>,
}

#[derive(Debug, Clone)]
struct Stage {
    name: Option<Spanned<String>>,
    from: Spanned<String>,
    start: usize,
    end: usize,
    state: StageState,
}

/// Names resolve against the stage's ENV and ARGs while reading it.
struct BuildEnv<'a> {
    state: &'a StageState,
    escape: char,
    /// Take ARG defaults as the value (FROM lines), instead of a lookup
    /// that `--build-arg` can change.
    arg_defaults: bool,
}

impl Lookup for BuildEnv<'_> {
    fn known(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.state.env_values.get(name) {
            return Some(v.clone());
        }
        let default = self.state.args.get(name)?;
        if self.arg_defaults {
            return default.as_ref().map(|d| Value::Str(d.value.clone()));
        }
        Some(Value::Env {
            name: name.to_owned(),
            default: default
                .as_ref()
                .map(|d| Box::new(Spanned::new(Value::Str(d.value.clone()), d.span))),
        })
    }
    fn unset(&self, name: &str) -> Value {
        Value::Unknown(format!(
            "`${name}` is not set in this Dockerfile: empty unless the base image sets it"
        ))
    }
    fn parts(&self, word: &str) -> Vec<Part> {
        docker_parts(word, self.escape)
    }
}

/// Split one Dockerfile word as the builder's shell lexer reads it: quotes
/// removed, the escape character escapes, `$NAME` and `${…}` expand (not in
/// single quotes).
fn docker_parts(raw: &str, escape: char) -> Vec<Part> {
    let mut parts = Vec::new();
    let mut lit = String::new();
    let mut chars = raw.char_indices().peekable();
    let mut quote: Option<char> = None;
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (Some('\''), c) => lit.push(c),
            (_, c) if c == escape => match chars.next() {
                Some((_, n)) => {
                    if quote == Some('"') && !matches!(n, '"' | '$') && n != escape {
                        lit.push(c);
                    }
                    lit.push(n);
                }
                None => lit.push(c),
            },
            (_, '$') => {
                let rest = &raw[i + 1..];
                let part = if rest.starts_with('{') {
                    braced(raw, i + 2).map(|(inside, after)| (var_inside(inside), after))
                } else if rest.starts_with(is_name_start) {
                    let len = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
                    Some((
                        Part::Var {
                            name: rest[..len].to_owned(),
                            op: None,
                            word: String::new(),
                        },
                        i + 1 + len,
                    ))
                } else {
                    None
                };
                match part {
                    Some((p, after)) => {
                        if !lit.is_empty() {
                            parts.push(Part::Lit(std::mem::take(&mut lit)));
                        }
                        parts.push(p);
                        while chars.next_if(|&(j, _)| j < after).is_some() {}
                    }
                    None => lit.push('$'),
                }
            }
            _ => lit.push(c),
        }
    }
    if !lit.is_empty() {
        parts.push(Part::Lit(lit));
    }
    parts
}

/// The words of an instruction's arguments as buildkit's `parseWords` splits
/// them: quotes and escapes kept. Returns byte ranges into `s`.
fn docker_words(s: &str, escape: char) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match (start, quote) {
            (None, _) if c.is_whitespace() => continue,
            (None, _) => {
                start = Some(i);
                match c {
                    '\'' | '"' => quote = Some(c),
                    c if c == escape => {
                        chars.next();
                    }
                    _ => {}
                }
            }
            (Some(st), None) => match c {
                c if c.is_whitespace() => {
                    out.push(st..i);
                    start = None;
                }
                '\'' | '"' => quote = Some(c),
                c if c == escape => {
                    chars.next();
                }
                _ => {}
            },
            (Some(_), Some(q)) => {
                if c == q {
                    quote = None;
                } else if c == escape && q != '\'' {
                    chars.next();
                }
            }
        }
    }
    if let Some(st) = start {
        out.push(st..s.len());
    }
    out
}

/// One instruction: its logical line with continuations blanked.
struct Instruction {
    start: usize,
    end: usize,
    text: String,
}

/// buildkit's continuation test: the escape is the last non-blank character
/// and is not itself escaped. Returns the escape's offset.
fn docker_continues(text: &str, start: usize, end: usize, escape: char) -> Option<usize> {
    let line = text.get(start..end)?;
    let trimmed = line.trim_end_matches([' ', '\t']);
    let before = trimmed.strip_suffix(escape)?;
    if before.ends_with(escape) {
        return None;
    }
    Some(start + before.len())
}

/// `<<EOF`, `<<-EOF`, `<<"EOF"` words of a RUN/COPY/ADD line: (name, strip tabs).
fn heredocs(args: &str, escape: char) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for w in docker_words(args, escape) {
        let word = &args[w];
        let digits = word.len() - word.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let Some(rest) = word[digits..].strip_prefix("<<") else {
            continue;
        };
        let (chomp, rest) = match rest.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, rest),
        };
        if rest.is_empty() || rest.contains('<') {
            continue;
        }
        let name: String = rest.chars().filter(|c| *c != '"' && *c != '\'').collect();
        if !name.is_empty() {
            out.push((name, chomp));
        }
    }
    out
}

const DOCKER_INSTRUCTIONS: &[&str] = &[
    "ADD",
    "ARG",
    "CMD",
    "COPY",
    "ENTRYPOINT",
    "ENV",
    "EXPOSE",
    "FROM",
    "HEALTHCHECK",
    "LABEL",
    "MAINTAINER",
    "ONBUILD",
    "RUN",
    "SHELL",
    "STOPSIGNAL",
    "USER",
    "VOLUME",
    "WORKDIR",
];

/// Split a Dockerfile into instructions: parser directives, comment lines,
/// continuations (comment and empty lines inside them are dropped) and
/// heredoc bodies, as buildkit's `Parse` does. Returns the escape character.
fn docker_instructions(file: FileId, text: &str) -> Result<(Vec<Instruction>, char), SyntaxError> {
    let top = grammar(file, Rule::docker_file, text)?;
    let lines = physical_lines(text, top, Rule::docker_line);
    let is_comment = |l: &PhysLine<'_>| l.content.as_ref().is_some_and(|c| c.as_rule() == Rule::docker_comment);
    let is_blank = |l: &PhysLine<'_>| l.content.is_none();

    // Parser directives: `# key=value` lines before anything else.
    let mut escape = '\\';
    let mut seen: HashSet<String> = HashSet::new();
    let mut k = 0;
    while let Some(l) = lines.get(k) {
        let Some(c) = l.content.as_ref().filter(|c| c.as_rule() == Rule::docker_comment) else {
            break;
        };
        let body = c.as_str()[1..].trim();
        let Some((key, value)) = body.split_once('=') else {
            break;
        };
        let key = key.trim();
        let value = value.trim();
        if key.is_empty()
            || !key.starts_with(|c: char| c.is_ascii_alphabetic())
            || !key.chars().all(|c| c.is_ascii_alphanumeric())
            || value.is_empty()
        {
            break;
        }
        let key = key.to_ascii_lowercase();
        if !matches!(key.as_str(), "escape" | "syntax" | "check") {
            break;
        }
        let span = c.as_span();
        if !seen.insert(key.clone()) {
            return Err(error(
                file,
                span.start(),
                span.end(),
                format!("found a second `{key}` parser directive, expected one"),
            ));
        }
        if key == "escape" {
            escape = match value {
                "\\" => '\\',
                "`" => '`',
                _ => {
                    return Err(error(
                        file,
                        span.start(),
                        span.end(),
                        format!("found escape directive `{}`, expected `\\` or a backtick", shown(value)),
                    ));
                }
            };
        }
        k += 1;
    }

    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let first = &lines[i];
        let Some(content) = first.content.as_ref() else {
            i += 1;
            continue;
        };
        if content.as_rule() == Rule::docker_comment {
            i += 1;
            continue;
        }
        let start = content.as_span().start();
        let mut end = first.end;
        let mut cuts = Vec::new();
        let mut j = i;
        let mut last = i;
        while let Some(esc) = docker_continues(text, lines[last].start, end, escape) {
            cuts.push(esc..lines[last].next);
            j += 1;
            while let Some(l) = lines.get(j)
                && (is_comment(l) || is_blank(l) || text.get(l.start..l.end).is_some_and(|t| t.trim().is_empty()))
            {
                cuts.push(l.start..l.next);
                j += 1;
            }
            match lines.get(j) {
                Some(l) => {
                    end = l.end;
                    last = j;
                }
                None => break,
            }
        }
        i = j + 1;
        let text_of = blanked(text, start..end, &cuts);
        // Heredoc bodies (RUN, COPY, ADD in shell form) are skipped.
        let keyword: String = text_of
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect::<String>()
            .to_ascii_uppercase();
        if matches!(keyword.as_str(), "RUN" | "COPY" | "ADD") && !text_of[keyword.len()..].trim_start().starts_with('[')
        {
            for (name, chomp) in heredocs(&text_of[keyword.len()..], escape) {
                let mut closed = false;
                while let Some(l) = lines.get(i) {
                    i += 1;
                    let line = text.get(l.start..l.end).unwrap_or("");
                    let line = if chomp { line.trim_start_matches('\t') } else { line };
                    if line == name {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return Err(error(
                        file,
                        start,
                        end,
                        format!("found a heredoc `<<{name}` that is never closed, expected a line `{name}`"),
                    ));
                }
            }
        }
        out.push(Instruction {
            start,
            end,
            text: text_of,
        });
    }
    Ok((out, escape))
}

/// Read CMD/ENTRYPOINT/SHELL arguments: the JSON exec form when they are a
/// JSON array of strings, the shell form otherwise. Arguments that start
/// like a JSON array but are not one are an error: docker would silently run
/// the text with `/bin/sh -c` (buildkit's `parseMaybeJSON`).
fn docker_form(file: FileId, args: &str, base: usize, keyword: &str) -> Result<Form, SyntaxError> {
    let trimmed = args.trim_start();
    let lead = args.len() - trimmed.len();
    let looks_json = trimmed.strip_prefix('[').is_some_and(|r| {
        let r = r.trim_start();
        r.is_empty() || r.starts_with(['"', '\'', ']'])
    });
    if !looks_json {
        return Ok(Form::Shell(trim_spanned(file, args, base)));
    }
    match LaunchGrammar::parse(Rule::exec_form, args) {
        Ok(mut pairs) => {
            let mut items = Vec::new();
            for p in pairs.next().map(|p| p.into_inner()).into_iter().flatten() {
                let s = p.as_span();
                match p.as_rule() {
                    Rule::json_string => {
                        let chars = p.into_inner().next().map(|c| c.as_str()).unwrap_or("");
                        items.push(Spanned::new(
                            json_unescape(chars),
                            Span::new(file, base + s.start(), base + s.end()),
                        ));
                    }
                    Rule::json_other => {
                        return Err(error(
                            file,
                            base + s.start(),
                            base + s.end(),
                            format!(
                                "found `{}` in the exec form of {keyword}, expected only double-quoted strings",
                                p.as_str()
                            ),
                        ));
                    }
                    _ => {}
                }
            }
            let open = base + lead;
            let close = base + args.trim_end().len();
            Ok(Form::Exec(items, Span::new(file, open, close)))
        }
        Err(_) => {
            // Where the array stops being well-formed.
            let at = match LaunchGrammar::parse(Rule::exec_prefix, args) {
                Ok(mut p) => p.next().map(|p| p.as_span().end()).unwrap_or(0),
                Err(_) => 0,
            };
            let before = args.get(..at).unwrap_or("").trim_end();
            let rest = args.get(at..).unwrap_or("");
            let after_close = rest.strip_prefix(']').map(|r| (r, r.trim_start()));
            let (at, found, expected) = match rest.chars().next() {
                None => (
                    at,
                    "the end of the instruction".to_owned(),
                    if before.ends_with(['[', ',']) {
                        "a double-quoted string"
                    } else {
                        "`,` or `]`"
                    },
                ),
                Some(']') if before.ends_with(',') => (at, "`]` after `,`".to_owned(), "a double-quoted string"),
                Some(']') => {
                    // Text after a well-formed array (an inline `# comment`).
                    let (r, t) = after_close.unwrap_or(("", ""));
                    let skip = 1 + (r.len() - t.len());
                    let c = t.chars().next().unwrap_or(' ');
                    (at + skip, format!("`{c}`"), "the end of the line")
                }
                Some('\'') => (at, "a single-quoted string".to_owned(), "a double-quoted string"),
                Some(c) => (
                    at,
                    format!("`{c}`"),
                    if before.ends_with(['[', ',']) {
                        "a double-quoted string"
                    } else {
                        "`,` or `]`"
                    },
                ),
            };
            let width = args.get(at..).and_then(|r| r.chars().next()).map_or(0, char::len_utf8);
            Err(error(
                file,
                base + at,
                base + at + width,
                format!(
                    "found {found} in the exec form of {keyword}, expected {expected} (docker would run the text with /bin/sh -c instead)"
                ),
            ))
        }
    }
}

fn json_unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('b') => out.push('\u{8}'),
            Some('f') => out.push('\u{c}'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('u') => {
                let hex: String = chars.by_ref().take(4).collect();
                let mut code = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
                if (0xD800..0xDC00).contains(&code) {
                    // A surrogate pair: `\uD83D\uDE00`.
                    let mut look = chars.clone();
                    if look.next() == Some('\\') && look.next() == Some('u') {
                        let low: String = look.by_ref().take(4).collect();
                        if let Ok(low) = u32::from_str_radix(&low, 16)
                            && (0xDC00..0xE000).contains(&low)
                        {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                            chars = look;
                        }
                    }
                }
                out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            }
            Some(c) => out.push(c),
            None => {}
        }
    }
    out
}

fn join_items(items: &[Spanned<String>]) -> String {
    items.iter().map(|i| i.value.as_str()).collect::<Vec<_>>().join(" ")
}

/// Read a Dockerfile: one launch for the final stage (what `docker build`
/// produces without `--target`). See [`parse_dockerfile_target`].
pub fn parse_dockerfile(file: FileId, text: &str) -> Result<Vec<Launch>, SyntaxError> {
    parse_dockerfile_target(file, text, None)
}

/// Read a Dockerfile for one build target (compose `build.target`; None: the
/// last stage). The stage's CMD and ENTRYPOINT combine as docker runs them:
/// an exec-form ENTRYPOINT gets the CMD appended (a shell-form CMD as
/// `/bin/sh -c <cmd>`, or the SHELL), a shell-form ENTRYPOINT ignores CMD;
/// `argv` holds the combined exec form. A stage built `FROM` an earlier
/// stage inherits its ENV, WORKDIR, EXPOSE, CMD, ENTRYPOINT, SHELL and USER;
/// its own ENTRYPOINT resets an inherited CMD. ENV values fold ARG defaults
/// (`ARG PORT=8000` then `ENV PORT=$PORT` is an environment lookup with
/// default `8000`, since `--build-arg` can change it) and earlier ENV values.
/// `extra`: `FROM` (the base image), `ENTRYPOINT`, `CMD`, `SHELL`, `USER`.
pub fn parse_dockerfile_target(file: FileId, text: &str, target: Option<&str>) -> Result<Vec<Launch>, SyntaxError> {
    let (instructions, escape) = docker_instructions(file, text)?;
    let mut global_args: BuildArgs = HashMap::new();
    let mut globals: Option<StageState> = None;
    let mut stages: Vec<Stage> = Vec::new();
    for inst in &instructions {
        let top = match LaunchGrammar::parse(Rule::docker_instruction, &inst.text) {
            Ok(mut p) => p.next(),
            Err(_) => None,
        };
        let Some(top) = top else {
            return Err(error(
                file,
                inst.start,
                inst.end,
                format!("found `{}`, expected a Dockerfile instruction", shown(&inst.text)),
            ));
        };
        let mut keyword = None;
        let mut args: Option<(String, usize)> = None;
        for p in top.into_inner() {
            match p.as_rule() {
                Rule::docker_keyword => keyword = Some((p.as_str().to_ascii_uppercase(), p.as_span())),
                Rule::docker_args => {
                    let t = p.as_str().trim_end();
                    args = Some((t.to_owned(), inst.start + p.as_span().start()));
                }
                _ => {}
            }
        }
        let Some((kw, kw_span)) = keyword else { continue };
        let kw_start = inst.start + kw_span.start();
        let kw_end = inst.start + kw_span.end();
        if !DOCKER_INSTRUCTIONS.contains(&kw.as_str()) {
            return Err(error(
                file,
                kw_start,
                kw_end,
                format!(
                    "found unknown instruction `{}`, expected a Dockerfile instruction (FROM, RUN, CMD, ENV, …)",
                    kw_span.as_str()
                ),
            ));
        }
        let (args, abase) = args.unwrap_or_else(|| (String::new(), kw_end));
        if kw == "FROM" {
            let words = docker_words(&args, escape);
            // FROM sees the ARGs declared before the first FROM (no others).
            let globals = &*globals.get_or_insert_with(|| StageState {
                args: global_args.clone(),
                ..StageState::default()
            });
            let Some(image) = words.first().map(|r| {
                let raw = &args[r.clone()];
                let env = BuildEnv {
                    state: globals,
                    escape,
                    arg_defaults: true,
                };
                let image = match fold_parts(&docker_parts(raw, escape), raw, Span::default(), &env, 0) {
                    Value::Str(s) => s,
                    _ => raw.to_owned(),
                };
                Spanned::new(image, Span::new(file, abase + r.start, abase + r.end))
            }) else {
                return Err(error(
                    file,
                    kw_start,
                    kw_end,
                    "found FROM without an image, expected `FROM <image> [AS <name>]`".into(),
                ));
            };
            let name = match (words.get(1), words.get(2)) {
                (Some(a), Some(n)) if args[a.clone()].eq_ignore_ascii_case("as") => Some(Spanned::new(
                    args[n.clone()].to_owned(),
                    Span::new(file, abase + n.start, abase + n.end),
                )),
                _ => None,
            };
            let parent = stages.iter().rev().find(|s| {
                s.name
                    .as_ref()
                    .is_some_and(|n| n.value.eq_ignore_ascii_case(&image.value))
            });
            // A stage built on an earlier one starts with its settings (but
            // not its ARGs, which are scoped to their stage).
            let state = match parent {
                Some(p) => StageState {
                    cmd_here: false,
                    args: HashMap::new(),
                    ..p.state.clone()
                },
                None => StageState::default(),
            };
            stages.push(Stage {
                name,
                from: image,
                start: kw_start,
                end: inst.end,
                state,
            });
            continue;
        }
        if kw == "ARG" {
            for r in docker_words(&args, escape) {
                let word = &args[r.clone()];
                let (name, default) = match word.split_once('=') {
                    Some((n, d)) => {
                        let value = docker_parts(d, escape);
                        let text = match value.as_slice() {
                            [] => String::new(),
                            [Part::Lit(s)] => s.clone(),
                            _ => d.to_owned(),
                        };
                        let at = abase + r.start + n.len() + 1;
                        (
                            n.to_owned(),
                            Some(Spanned::new(text, Span::new(file, at, abase + r.end))),
                        )
                    }
                    None => (word.to_owned(), None),
                };
                match stages.last_mut() {
                    Some(stage) => {
                        // `ARG NAME` in a stage takes the global default.
                        let default = default.or_else(|| global_args.get(&name).cloned().flatten());
                        stage.state.args.insert(name, default);
                    }
                    None => {
                        global_args.insert(name, default);
                    }
                }
            }
            if let Some(stage) = stages.last_mut() {
                stage.end = inst.end;
            }
            continue;
        }
        let Some(stage) = stages.last_mut() else {
            return Err(error(
                file,
                kw_start,
                kw_end,
                format!("found {kw} before the first FROM, expected FROM (only ARG may come before it)"),
            ));
        };
        stage.end = inst.end;
        let st = &mut stage.state;
        match kw.as_str() {
            "CMD" => {
                st.cmd = Some(docker_form(file, &args, abase, "CMD")?);
                st.cmd_here = true;
            }
            "ENTRYPOINT" => {
                st.entrypoint = Some(docker_form(file, &args, abase, "ENTRYPOINT")?);
                if !st.cmd_here {
                    st.cmd = None;
                }
            }
            "SHELL" => st.shell = Some(docker_form(file, &args, abase, "SHELL")?),
            "ENV" => {
                for (k, v) in docker_env(file, &args, abase, escape, st)? {
                    st.env_values.insert(k.value.clone(), v.value.clone());
                    st.env.push((k, v));
                }
            }
            "WORKDIR" => {
                let raw = args.trim();
                let env = BuildEnv {
                    state: st,
                    escape,
                    arg_defaults: false,
                };
                let path = match fold_parts(&docker_parts(raw, escape), raw, Span::default(), &env, 0) {
                    Value::Str(s) => s,
                    _ => raw.to_owned(),
                };
                // Absolute: `/srv/app`, or a Windows drive path `C:\app`.
                let b = path.as_bytes();
                let absolute = path.starts_with('/')
                    || (b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'\\' | b'/'));
                let path = match (&st.workdir, absolute) {
                    (Some(prev), false) => format!("{}/{}", prev.value.trim_end_matches('/'), path),
                    (None, false) => format!("/{path}"),
                    (_, true) => path,
                };
                let mut w = trim_spanned(file, &args, abase);
                w.value = path;
                st.workdir = Some(w);
            }
            "EXPOSE" => {
                for r in docker_words(&args, escape) {
                    st.expose.push(Spanned::new(
                        args[r.clone()].to_owned(),
                        Span::new(file, abase + r.start, abase + r.end),
                    ));
                }
            }
            "USER" => st.user = Some(trim_spanned(file, &args, abase)),
            _ => {}
        }
    }

    let stage = match target {
        Some(t) => stages
            .iter()
            .find(|s| s.name.as_ref().is_some_and(|n| n.value.eq_ignore_ascii_case(t))),
        None => stages.last(),
    };
    let Some(stage) = stage else {
        return Ok(Vec::new());
    };
    Ok(vec![docker_launch(file, stage)])
}

fn docker_launch(file: FileId, stage: &Stage) -> Launch {
    let st = &stage.state;
    let mut l = Launch::new(LaunchSource::Dockerfile, Span::new(file, stage.start, stage.end));
    l.name = stage.name.clone();
    l.workdir = st.workdir.clone();
    l.env = st.env.clone();
    l.ports = st.expose.clone();
    let entrypoint = st.entrypoint.as_ref().filter(|f| !f.is_empty());
    let cmd = st.cmd.as_ref().filter(|f| !f.is_empty());
    match (entrypoint, cmd) {
        (None, None) => {}
        (Some(Form::Shell(s)), _) | (None, Some(Form::Shell(s))) => l.command = Some(s.clone()),
        (Some(Form::Exec(items, span)), None) | (None, Some(Form::Exec(items, span))) => {
            l.command = Some(Spanned::new(join_items(items), *span));
            l.argv = Some(items.clone());
        }
        (Some(Form::Exec(ep, ep_span)), Some(c)) => {
            let mut argv = ep.clone();
            match c {
                Form::Exec(items, _) => argv.extend(items.iter().cloned()),
                Form::Shell(s) => {
                    match &st.shell {
                        Some(Form::Exec(shell, _)) if !shell.is_empty() => argv.extend(shell.iter().cloned()),
                        _ => {
                            argv.push(Spanned::new("/bin/sh".to_owned(), s.span));
                            argv.push(Spanned::new("-c".to_owned(), s.span));
                        }
                    }
                    argv.push(s.clone());
                }
            }
            l.command = Some(Spanned::new(join_items(&argv), ep_span.to(c.span())));
            l.argv = Some(argv);
        }
    }
    l.extra.push((
        "FROM".to_owned(),
        Spanned::new(Value::Str(stage.from.value.clone()), stage.from.span),
    ));
    if let Some(f) = &st.entrypoint {
        l.extra.push(("ENTRYPOINT".to_owned(), f.to_value()));
    }
    if let Some(f) = &st.cmd {
        l.extra.push(("CMD".to_owned(), f.to_value()));
    }
    if let Some(f) = &st.shell {
        l.extra.push(("SHELL".to_owned(), f.to_value()));
    }
    if let Some(u) = &st.user {
        l.extra
            .push(("USER".to_owned(), Spanned::new(Value::Str(u.value.clone()), u.span)));
    }
    l
}

/// `ENV A=1 B="two words"` and the legacy `ENV A 1` (buildkit's
/// `parseNameVal`: the legacy form when the first word has no `=`).
fn docker_env(
    file: FileId,
    args: &str,
    base: usize,
    escape: char,
    st: &StageState,
) -> Result<Vec<EnvVar>, SyntaxError> {
    let words = docker_words(args, escape);
    let Some(first) = words.first() else {
        return Err(error(
            file,
            base,
            base,
            "found ENV without a variable, expected `ENV name=value`".into(),
        ));
    };
    let mut out: Vec<(Spanned<String>, Spanned<Value>)> = Vec::new();
    if !args[first.clone()].contains('=') {
        let key_end = args.find(char::is_whitespace).unwrap_or(args.len());
        let rest = &args[key_end..];
        let key = Spanned::new(args[..key_end].to_owned(), Span::new(file, base, base + key_end));
        let value = trim_spanned(file, rest, base + key_end);
        if value.value.is_empty() {
            return Err(error(
                file,
                base,
                base + key_end,
                format!(
                    "found ENV `{}` without a value, expected `ENV {}=value`",
                    key.value, key.value
                ),
            ));
        }
        let env = BuildEnv {
            state: st,
            escape,
            arg_defaults: false,
        };
        let v = fold_parts(&docker_parts(&value.value, escape), &value.value, value.span, &env, 0);
        out.push((key, Spanned::new(v, value.span)));
        return Ok(out);
    }
    for r in words {
        let word = &args[r.clone()];
        let Some(eq) = word.find('=') else {
            return Err(error(
                file,
                base + r.start,
                base + r.end,
                format!("found `{}` in ENV, expected `name=value`", shown(word)),
            ));
        };
        let key_raw = &word[..eq];
        let key: String = match docker_parts(key_raw, escape).as_slice() {
            [Part::Lit(s)] => s.clone(),
            _ => key_raw.to_owned(),
        };
        let vraw = &word[eq + 1..];
        let vspan = Span::new(file, base + r.start + eq + 1, base + r.end);
        // Every value of one ENV sees the variables as they were before it
        // (the Dockerfile reference: `ENV abc=bye def=$abc` gives `def` the
        // old `abc`).
        let env = BuildEnv {
            state: st,
            escape,
            arg_defaults: false,
        };
        let v = fold_parts(&docker_parts(vraw, escape), vraw, vspan, &env, 0);
        out.push((
            Spanned::new(key, Span::new(file, base + r.start, base + r.start + eq)),
            Spanned::new(v, vspan),
        ));
    }
    Ok(out)
}

// ==================================================================== compose (YAML)

/// Nesting deeper than this stops the YAML reader (compose files nest a
/// handful of levels; the limit keeps recursive walks and drops shallow).
pub const MAX_YAML_DEPTH: usize = 64;

/// Nodes allowed after expanding aliases (a "billion laughs" file stops here).
pub const MAX_YAML_NODES: usize = 1_000_000;

#[derive(Debug, Clone)]
enum YKind {
    Scalar { text: String, plain: bool },
    Seq(Vec<YNode>),
    Map(Vec<(YNode, YNode)>),
}

#[derive(Debug, Clone)]
struct YNode {
    kind: YKind,
    start: usize,
    end: usize,
    /// Nodes in this subtree (for the alias budget).
    size: usize,
}

impl YNode {
    fn span(&self, file: FileId) -> Span {
        Span::new(file, self.start, self.end)
    }
    fn scalar(&self) -> Option<&str> {
        match &self.kind {
            YKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
    fn is_null(&self) -> bool {
        matches!(&self.kind, YKind::Scalar { text, plain: true } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }
    fn get(&self, key: &str) -> Option<&YNode> {
        match &self.kind {
            YKind::Map(entries) => entries.iter().find(|(k, _)| k.scalar() == Some(key)).map(|(_, v)| v),
            _ => None,
        }
    }
    fn kind_name(&self) -> &'static str {
        match &self.kind {
            YKind::Scalar { .. } if self.is_null() => "an empty value",
            YKind::Scalar { .. } => "a scalar",
            YKind::Seq(_) => "a list",
            YKind::Map(_) => "a mapping",
        }
    }
}

/// Byte offsets of YAML markers. yaml-rust2 counts characters (and, inside
/// block scalars, bytes), so the offset is rebuilt from the line and the
/// column, which restarts at each line.
struct Offsets<'t> {
    text: &'t str,
    line_starts: Vec<usize>,
}

impl<'t> Offsets<'t> {
    fn new(text: &'t str) -> Offsets<'t> {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Offsets { text, line_starts }
    }
    fn of(&self, m: &Marker) -> usize {
        let line = m.line().saturating_sub(1);
        let Some(&ls) = self.line_starts.get(line) else {
            return self.text.len();
        };
        let le = self.line_starts.get(line + 1).copied().unwrap_or(self.text.len());
        let Some(line_text) = self.text.get(ls..le) else {
            return ls;
        };
        match line_text.char_indices().nth(m.col()) {
            Some((i, _)) => ls + i,
            None => le,
        }
    }
}

fn yaml_error(file: FileId, text: &str, offsets: &Offsets<'_>, e: &yaml_rust2::ScanError) -> SyntaxError {
    let at = offsets.of(e.marker()).min(text.len());
    let width = text[at..].chars().next().map(char::len_utf8).unwrap_or(0);
    error(file, at, at + width, format!("invalid yaml: {}", e.info()))
}

/// The span of a scalar that starts at `start` (the event's mark); `next` is
/// the next event's mark, which bounds it. Always inside `text`, on
/// character boundaries.
fn scalar_extent(text: &str, start: usize, next: usize, style: TScalarStyle, value: &str) -> (usize, usize) {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let (s, e) = scalar_extent_raw(text, start, next, style, value);
    let s = floor(s);
    (s, floor(e).max(s))
}

fn scalar_extent_raw(text: &str, start: usize, next: usize, style: TScalarStyle, value: &str) -> (usize, usize) {
    let region = text.get(start..next.max(start)).unwrap_or("");
    match style {
        TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
            let q = if style == TScalarStyle::SingleQuoted { '\'' } else { '"' };
            let Some(open) = region.find(q).map(|i| start + i) else {
                return (start, start + value.len());
            };
            let mut chars = text.get(open + 1..).unwrap_or("").char_indices();
            while let Some((i, c)) = chars.next() {
                if c == '\\' && q == '"' {
                    chars.next();
                } else if c == q {
                    if q == '\'' && text.get(open + 1 + i + 1..).is_some_and(|t| t.starts_with('\'')) {
                        chars.next();
                        continue;
                    }
                    return (open, open + 1 + i + 1);
                }
            }
            (open, text.len())
        }
        TScalarStyle::Plain => {
            if value.is_empty() {
                return (start, start);
            }
            if let Some(i) = region.find(value) {
                return (start + i, start + i + value.len());
            }
            // A plain scalar folded over several lines.
            let first = value.split_whitespace().next().unwrap_or(value);
            let last = value.split_whitespace().last().unwrap_or(value);
            let s = region.find(first).map(|i| start + i).unwrap_or(start);
            let e = region
                .rfind(last)
                .map(|i| start + i + last.len())
                .unwrap_or(s + first.len());
            (s, e.max(s))
        }
        _ => {
            // `|` or `>`: from the indicator to the end of the last content line.
            let last = value.trim_end().lines().last().unwrap_or("").trim();
            let e = if last.is_empty() {
                start + 1
            } else {
                region.rfind(last).map(|i| start + i + last.len()).unwrap_or(start + 1)
            };
            (start, e.min(text.len()))
        }
    }
}

enum Frame {
    Seq {
        start: usize,
        flow: bool,
        anchor: usize,
        items: Vec<YNode>,
    },
    Map {
        start: usize,
        flow: bool,
        anchor: usize,
        entries: Vec<(YNode, YNode)>,
        key: Option<YNode>,
    },
}

/// Read the first YAML document into a tree with byte spans: anchors and
/// aliases resolved (within [`MAX_YAML_NODES`]), merge keys (`<<`) applied,
/// duplicate keys rejected (as compose does), nesting bounded by
/// [`MAX_YAML_DEPTH`]. Events are pulled one by one, without recursion.
fn yaml_tree(file: FileId, text: &str) -> Result<Option<YNode>, SyntaxError> {
    let offsets = Offsets::new(text);
    // yaml-rust2 is not ours: should it panic on some input, that file
    // fails, not the run.
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build_yaml(file, text, &offsets))) {
        Ok(r) => r,
        Err(_) => Err(error(
            file,
            0,
            0,
            "internal yaml parser error: the yaml reader stopped on this file".into(),
        )),
    }
}

fn build_yaml(file: FileId, text: &str, offsets: &Offsets<'_>) -> Result<Option<YNode>, SyntaxError> {
    let mut parser = YamlParser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, YNode> = HashMap::new();
    let mut budget = 0usize;
    let mut root: Option<YNode> = None;
    loop {
        let (ev, mark) = parser.next_token().map_err(|e| yaml_error(file, text, offsets, &e))?;
        if ev == Event::StreamEnd {
            break;
        }
        let at = offsets.of(&mark);
        // A scalar's end is bounded by where the next event starts.
        let next = match &ev {
            Event::Scalar(..) => match parser.peek() {
                Ok((_, m)) => offsets.of(m),
                Err(e) => return Err(yaml_error(file, text, offsets, &e)),
            },
            _ => text.len(),
        };
        let ev = &ev;
        let node = match ev {
            Event::DocumentEnd if root.is_some() => break,
            Event::Scalar(value, style, anchor, _) => {
                let (s, e) = scalar_extent(text, at, next, *style, value);
                let node = YNode {
                    kind: YKind::Scalar {
                        text: value.clone(),
                        plain: *style == TScalarStyle::Plain,
                    },
                    start: s,
                    end: e,
                    size: 1,
                };
                if *anchor > 0 {
                    anchors.insert(*anchor, node.clone());
                }
                node
            }
            Event::Alias(id) => match anchors.get(id) {
                Some(n) => {
                    let mut n = n.clone();
                    // The alias is used here: point at the anchor's node.
                    n.size = n.size.max(1);
                    n
                }
                None => {
                    return Err(error(
                        file,
                        at,
                        char_end(text, at),
                        "found an alias to an unknown anchor".into(),
                    ));
                }
            },
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_YAML_DEPTH {
                    return Err(error(
                        file,
                        at,
                        char_end(text, at),
                        format!(
                            "found yaml nested deeper than {MAX_YAML_DEPTH} levels, expected a compose file; lint502 stops reading here"
                        ),
                    ));
                }
                let flow = text[at..].starts_with(['[', '{']);
                stack.push(if matches!(ev, Event::SequenceStart(..)) {
                    Frame::Seq {
                        start: at,
                        flow,
                        anchor: *anchor,
                        items: Vec::new(),
                    }
                } else {
                    Frame::Map {
                        start: at,
                        flow,
                        anchor: *anchor,
                        entries: Vec::new(),
                        key: None,
                    }
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = stack.pop() else { continue };
                let (kind, start, flow, anchor, last_end, first_start) = match frame {
                    Frame::Seq {
                        start,
                        flow,
                        anchor,
                        items,
                    } => {
                        let last = items.last().map(|n| n.end);
                        let first = items.first().map(|n| n.start);
                        (YKind::Seq(items), start, flow, anchor, last, first)
                    }
                    Frame::Map {
                        start,
                        flow,
                        anchor,
                        entries,
                        ..
                    } => {
                        let last = entries.last().map(|(_, v)| v.end.max(v.start));
                        let first = entries.first().map(|(k, _)| k.start);
                        let entries = merge_and_check(file, entries)?;
                        (YKind::Map(entries), start, flow, anchor, last, first)
                    }
                };
                let end = if flow {
                    char_end(text, at)
                } else {
                    last_end.unwrap_or(start)
                };
                // A block mapping's start event is marked at its first `:`;
                // the node starts at its first key.
                let start = if flow {
                    start
                } else {
                    first_start.map_or(start, |f| f.min(start))
                };
                let size = 1 + match &kind {
                    YKind::Seq(items) => items.iter().map(|n| n.size).sum(),
                    YKind::Map(entries) => entries.iter().map(|(a, b)| a.size + b.size).sum(),
                    YKind::Scalar { .. } => 0,
                };
                let node = YNode {
                    kind,
                    start,
                    end: end.max(start),
                    size,
                };
                if anchor > 0 {
                    anchors.insert(anchor, node.clone());
                }
                node
            }
            _ => continue,
        };
        budget += node.size;
        if budget > MAX_YAML_NODES {
            return Err(error(
                file,
                at,
                char_end(text, at),
                format!("found aliases that expand to more than {MAX_YAML_NODES} yaml nodes, expected a compose file"),
            ));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    let mut v = node;
                    if v.is_null() && v.start >= k.end {
                        // An empty value: point just after the key's `:`.
                        let colon = text
                            .get(k.end..)
                            .and_then(|t| t.find(':'))
                            .map_or(k.end, |i| k.end + i + 1);
                        v.start = colon;
                        v.end = colon;
                    }
                    entries.push((k, v));
                }
            },
        }
    }
    Ok(root)
}

/// Apply merge keys (`<<: *base`, `<<: [*a, *b]`: explicit keys win, then
/// earlier sources) and reject duplicate keys.
fn merge_and_check(file: FileId, entries: Vec<(YNode, YNode)>) -> Result<Vec<(YNode, YNode)>, SyntaxError> {
    let is_merge = |k: &YNode| matches!(&k.kind, YKind::Scalar { text, plain: true } if text == "<<");
    let mut present: HashSet<String> = HashSet::new();
    for (k, _) in entries.iter().filter(|(k, _)| !is_merge(k)) {
        if let Some(name) = k.scalar()
            && !present.insert(name.to_owned())
        {
            return Err(error(
                file,
                k.start,
                k.end,
                format!(
                    "found key `{}` twice in one mapping, expected each key once",
                    shown(name)
                ),
            ));
        }
    }
    if !entries.iter().any(|(k, _)| is_merge(k)) {
        return Ok(entries);
    }
    let mut out = Vec::new();
    for (k, v) in entries {
        if !is_merge(&k) {
            out.push((k, v));
            continue;
        }
        let sources: Vec<&YNode> = match &v.kind {
            YKind::Map(_) => vec![&v],
            YKind::Seq(items) if items.iter().all(|i| matches!(i.kind, YKind::Map(_))) => items.iter().collect(),
            _ => {
                return Err(error(
                    file,
                    v.start,
                    v.end,
                    format!(
                        "found {} after `<<`, expected a mapping or a list of mappings to merge",
                        v.kind_name()
                    ),
                ));
            }
        };
        for src in sources {
            if let YKind::Map(src_entries) = &src.kind {
                for (mk, mv) in src_entries {
                    let fresh = mk.scalar().is_none_or(|name| present.insert(name.to_owned()));
                    if fresh {
                        out.push((mk.clone(), mv.clone()));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// A plain scalar's YAML 1.2 core type, or None for a string.
fn plain_type(s: &str) -> Option<Value> {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(Value::Float(f64::INFINITY)),
        "-.inf" | "-.Inf" | "-.INF" => return Some(Value::Float(f64::NEG_INFINITY)),
        ".nan" | ".NaN" | ".NAN" => return Some(Value::Float(f64::NAN)),
        _ => {}
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse::<i64>().ok().map(Value::Int);
    }
    if let Some(h) = s.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).ok().map(Value::Int);
    }
    if let Some(o) = s.strip_prefix("0o") {
        return i64::from_str_radix(o, 8).ok().map(Value::Int);
    }
    let is_float = s.bytes().all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.contains(['.', 'e', 'E'])
        && !s.ends_with(['e', 'E', '+', '-']);
    if is_float {
        return s.parse::<f64>().ok().map(Value::Float);
    }
    None
}

/// Where a scalar's value text starts in the file, when the value is the
/// source text itself (plain, or quoted without escapes).
fn scalar_content_start(text: &str, n: &YNode) -> Option<usize> {
    let value = n.scalar()?;
    let src = text.get(n.start..n.end)?;
    if src == value {
        return Some(n.start);
    }
    let inner = src.get(1..src.len().checked_sub(1)?)?;
    (inner == value && (src.starts_with('"') || src.starts_with('\''))).then_some(n.start + 1)
}

/// A scalar's value: typed when plain, interpolated (`${VAR:-default}`)
/// when a string.
fn compose_scalar(file: FileId, n: &YNode) -> Result<Value, SyntaxError> {
    let YKind::Scalar { text, plain } = &n.kind else {
        return Ok(Value::Unknown("not a scalar".into()));
    };
    if *plain && let Some(v) = plain_type(text) {
        return Ok(v);
    }
    compose_string(file, text, n.span(file))
}

fn compose_string(file: FileId, s: &str, span: Span) -> Result<Value, SyntaxError> {
    let parts = compose_parts(s).map_err(|_| {
        error(
            file,
            span.start as usize,
            span.end as usize,
            format!(
                "found `{}` with an unterminated `${{`, expected `}}` (compose rejects the file: invalid interpolation format)",
                shown(s)
            ),
        )
    })?;
    Ok(fold_parts(&parts, s, span, &RuntimeEnv { compose: true }, 0))
}

/// A node as a [`Value`] (bounded by [`MAX_YAML_DEPTH`], the tree's depth).
fn compose_value(file: FileId, n: &YNode) -> Result<Spanned<Value>, SyntaxError> {
    let v = match &n.kind {
        YKind::Scalar { .. } => compose_scalar(file, n)?,
        YKind::Seq(items) => Value::List(items.iter().map(|i| compose_value(file, i)).collect::<Result<_, _>>()?),
        YKind::Map(entries) => Value::Map(
            entries
                .iter()
                .map(|(k, v)| {
                    let key = Spanned::new(k.scalar().unwrap_or("").to_owned(), k.span(file));
                    Ok((key, compose_value(file, v)?))
                })
                .collect::<Result<_, SyntaxError>>()?,
        ),
    };
    Ok(Spanned::new(v, n.span(file)))
}

fn scalar_string(file: FileId, n: &YNode) -> Option<Spanned<String>> {
    n.scalar().map(|s| Spanned::new(s.to_owned(), n.span(file)))
}

fn expect_kind(file: FileId, n: &YNode, key: &str, what: &str) -> SyntaxError {
    error(
        file,
        n.start,
        n.end,
        format!("found {} for `{key}`, expected {what}", n.kind_name()),
    )
}

/// `command` or `entrypoint`: a string (split by compose, no shell) or a list.
fn compose_form(file: FileId, n: &YNode, key: &str) -> Result<Option<Form>, SyntaxError> {
    match &n.kind {
        _ if n.is_null() => Ok(None),
        YKind::Scalar { text, .. } => Ok(Some(Form::Shell(Spanned::new(text.clone(), n.span(file))))),
        YKind::Seq(items) => {
            let mut out = Vec::new();
            for i in items {
                match scalar_string(file, i) {
                    Some(s) => out.push(s),
                    None => return Err(expect_kind(file, i, key, "a string")),
                }
            }
            Ok(Some(Form::Exec(out, n.span(file))))
        }
        YKind::Map(_) => Err(expect_kind(file, n, key, "a string or a list")),
    }
}

/// A long-syntax port rendered in the short syntax.
fn long_port(file: FileId, n: &YNode) -> Result<String, SyntaxError> {
    let get = |k: &str| n.get(k).and_then(|v| v.scalar()).filter(|s| !s.is_empty());
    let Some(target) = get("target") else {
        return Err(error(
            file,
            n.start,
            n.end,
            "found a port mapping without `target`, expected the container port in `target`".into(),
        ));
    };
    let mut s = String::new();
    if let Some(ip) = get("host_ip") {
        if ip.contains(':') && !ip.starts_with('[') {
            s.push_str(&format!("[{ip}]:"));
        } else {
            s.push_str(ip);
            s.push(':');
        }
    }
    if let Some(p) = get("published") {
        s.push_str(p);
        s.push(':');
    } else if !s.is_empty() {
        s.push(':');
    }
    s.push_str(target);
    if let Some(proto) = get("protocol") {
        s.push('/');
        s.push_str(proto);
    }
    Ok(s)
}

/// Keys of a service recorded in `extra`, as compose spells them.
const SERVICE_KEYS: &[&str] = &[
    "build",
    "image",
    "entrypoint",
    "networks",
    "network_mode",
    "depends_on",
    "container_name",
    "hostname",
    "user",
];

fn compose_service(file: FileId, text: &str, key: &YNode, svc: &YNode) -> Result<Launch, SyntaxError> {
    let name = scalar_string(file, key).unwrap_or_else(|| Spanned::new(String::new(), key.span(file)));
    let end = svc.end.max(key.end);
    let mut l = Launch::new(LaunchSource::Compose, Span::new(file, key.start, end));
    l.name = Some(name);
    let YKind::Map(entries) = &svc.kind else {
        if svc.is_null() {
            return Ok(l);
        }
        return Err(expect_kind(file, svc, "services", "a mapping of settings"));
    };
    for (k, v) in entries {
        let Some(k_name) = k.scalar() else { continue };
        match k_name {
            "working_dir" => l.workdir = scalar_string(file, v).filter(|_| !v.is_null()),
            "environment" => l.env = compose_environment(file, text, v)?,
            "env_file" => {
                let items: Vec<&YNode> = match &v.kind {
                    YKind::Seq(items) => items.iter().collect(),
                    _ if v.is_null() => Vec::new(),
                    _ => vec![v],
                };
                for i in items {
                    let path = match &i.kind {
                        YKind::Map(_) => i.get("path"),
                        _ => Some(i),
                    };
                    match path.and_then(|p| scalar_string(file, p)) {
                        Some(p) => l.env_files.push(p),
                        None => return Err(expect_kind(file, i, "env_file", "a path or a mapping with `path`")),
                    }
                }
            }
            "ports" | "expose" => {
                let YKind::Seq(items) = &v.kind else {
                    if v.is_null() {
                        continue;
                    }
                    return Err(expect_kind(file, v, k_name, "a list"));
                };
                for i in items {
                    let port = match &i.kind {
                        YKind::Scalar { text, .. } => text.clone(),
                        YKind::Map(_) if k_name == "ports" => long_port(file, i)?,
                        _ => return Err(expect_kind(file, i, k_name, "a port")),
                    };
                    l.ports.push(Spanned::new(port, i.span(file)));
                }
                if k_name == "expose" {
                    l.extra.push(("expose".to_owned(), compose_value(file, v)?));
                }
            }
            _ if SERVICE_KEYS.contains(&k_name) => {
                l.extra.push((k_name.to_owned(), compose_value(file, v)?));
            }
            _ => {}
        }
    }
    let entrypoint = match svc.get("entrypoint") {
        Some(n) => compose_form(file, n, "entrypoint")?,
        None => None,
    };
    let command = match svc.get("command") {
        Some(n) => compose_form(file, n, "command")?,
        None => None,
    };
    match (entrypoint, command) {
        (None, None) => {}
        (Some(f), None) | (None, Some(f)) => match f {
            Form::Shell(s) => l.command = Some(s),
            Form::Exec(items, span) => {
                l.command = Some(Spanned::new(join_items(&items), span));
                l.argv = Some(items);
            }
        },
        (Some(Form::Exec(ep, eps)), Some(Form::Exec(c, cs))) => {
            let mut argv = ep;
            argv.extend(c);
            l.command = Some(Spanned::new(join_items(&argv), eps.to(cs)));
            l.argv = Some(argv);
        }
        (Some(e), Some(c)) => {
            let text_of = |f: &Form| match f {
                Form::Shell(s) => s.value.clone(),
                Form::Exec(items, _) => join_items(items),
            };
            let joined = format!("{} {}", text_of(&e), text_of(&c)).trim().to_owned();
            l.command = Some(Spanned::new(joined, e.span().to(c.span())));
        }
    }
    Ok(l)
}

fn compose_environment(file: FileId, text: &str, v: &YNode) -> Result<Vec<EnvVar>, SyntaxError> {
    let mut out = Vec::new();
    match &v.kind {
        _ if v.is_null() => {}
        YKind::Map(entries) => {
            for (k, val) in entries {
                let Some(key) = scalar_string(file, k) else { continue };
                let value = if val.is_null() {
                    // `KEY:` with no value: taken from the shell running compose.
                    Value::Env {
                        name: key.value.clone(),
                        default: None,
                    }
                } else {
                    compose_value(file, val)?.value
                };
                out.push((key, Spanned::new(value, val.span(file))));
            }
        }
        YKind::Seq(items) => {
            for i in items {
                let Some(s) = i.scalar() else {
                    return Err(expect_kind(file, i, "environment", "`NAME=value` strings"));
                };
                let whole = i.span(file);
                let content = scalar_content_start(text, i);
                let sub = |a: usize, b: usize| match content {
                    Some(c) => Span::new(file, c + a, c + b),
                    None => whole,
                };
                match s.split_once('=') {
                    Some((key, value)) => {
                        let vspan = sub(key.len() + 1, s.len());
                        out.push((
                            Spanned::new(key.to_owned(), sub(0, key.len())),
                            Spanned::new(compose_string(file, value, vspan)?, vspan),
                        ));
                    }
                    None => {
                        let span = sub(0, s.len());
                        out.push((
                            Spanned::new(s.to_owned(), span),
                            Spanned::new(
                                Value::Env {
                                    name: s.to_owned(),
                                    default: None,
                                },
                                span,
                            ),
                        ));
                    }
                }
            }
        }
        YKind::Scalar { .. } => return Err(expect_kind(file, v, "environment", "a mapping or a list")),
    }
    Ok(out)
}

/// Read a compose file: one launch per service (`services.<name>`), in file
/// order. `command`/`entrypoint` as strings go to `command` (compose splits
/// them itself, without a shell); lists go to `argv`. `extra` holds `build`,
/// `image`, `entrypoint` (when set, the image's CMD is ignored), `networks`,
/// `network_mode`, `depends_on`, `container_name`, `hostname`, `user` and
/// `expose`, as values. In `environment` and `extra`, strings with
/// `${VAR:-default}` become environment lookups (compose reads them from the
/// shell that runs it, not from the container); `command`, `entrypoint`,
/// `ports` and `working_dir` are left as written (compose interpolates them
/// the same way before the container starts). A file without
/// `services` (and without `version`) whose top-level entries look like
/// services (`image`/`build`) is read as the legacy v1 layout.
pub fn parse_compose(file: FileId, text: &str) -> Result<Vec<Launch>, SyntaxError> {
    let Some(root) = yaml_tree(file, text)? else {
        return Ok(Vec::new());
    };
    if root.is_null() {
        return Ok(Vec::new());
    }
    let YKind::Map(top) = &root.kind else {
        return Err(error(
            file,
            root.start,
            root.end,
            format!(
                "found {} at the top of the file, expected a mapping with `services`",
                root.kind_name()
            ),
        ));
    };
    let services: Vec<&(YNode, YNode)> = match root.get("services") {
        Some(s) => match &s.kind {
            YKind::Map(entries) => entries.iter().collect(),
            _ if s.is_null() => Vec::new(),
            _ => return Err(expect_kind(file, s, "services", "a mapping of service names")),
        },
        None if root.get("version").is_none() => top
            .iter()
            .filter(|(_, v)| v.get("image").is_some() || v.get("build").is_some())
            .collect(),
        None => Vec::new(),
    };
    services
        .iter()
        .map(|(k, v)| compose_service(file, text, k, v))
        .collect()
}

// ==================================================================== shell scripts

#[derive(Debug, Clone, Copy, PartialEq)]
enum ShTokKind {
    Word,
    /// `;` `&` `&&` `||` `|` `(` `)` `;;` or a line break.
    Op(&'static str),
}

#[derive(Debug, Clone, Copy)]
struct ShTok {
    kind: ShTokKind,
    start: usize,
    end: usize,
}

/// Split a script into words and operators. Comments are skipped, heredoc
/// bodies are skipped, `\` + newline is a cut (blanked in command text).
fn shell_tokens(text: &str) -> (Vec<ShTok>, Vec<Range<usize>>, Option<usize>) {
    let b = text.as_bytes();
    let mut toks = Vec::new();
    let mut cuts = Vec::new();
    let mut open = None;
    let mut pending: Vec<(String, bool)> = Vec::new();
    let mut expect_delim: Option<bool> = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\\' if b.get(i + 1) == Some(&b'\n') => {
                cuts.push(i..i + 2);
                i += 2;
            }
            b'\n' => {
                toks.push(ShTok {
                    kind: ShTokKind::Op("\n"),
                    start: i,
                    end: i + 1,
                });
                i += 1;
                // Heredoc bodies start on the next line.
                for (delim, strip) in pending.drain(..) {
                    while i < b.len() {
                        let le = text[i..].find('\n').map(|k| i + k).unwrap_or(b.len());
                        let line = text[i..le].trim_end_matches('\r');
                        let line = if strip { line.trim_start_matches('\t') } else { line };
                        i = (le + 1).min(b.len());
                        if line == delim {
                            break;
                        }
                    }
                }
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b';' | b'&' | b'|' | b'(' | b')' => {
                let two = text.get(i..i + 2).unwrap_or("");
                let op: &'static str = match two {
                    ";;" => ";;",
                    "&&" => "&&",
                    "||" => "||",
                    _ => match c {
                        b';' => ";",
                        b'&' => "&",
                        b'|' => "|",
                        b'(' => "(",
                        _ => ")",
                    },
                };
                if op == "&" && two == "&>" {
                    // `&>file` is a redirection: part of a word.
                    let end = shell_word_end(text, i, &mut cuts, &mut open);
                    toks.push(ShTok {
                        kind: ShTokKind::Word,
                        start: i,
                        end,
                    });
                    i = end;
                    continue;
                }
                toks.push(ShTok {
                    kind: ShTokKind::Op(op),
                    start: i,
                    end: i + op.len(),
                });
                i += op.len();
            }
            _ => {
                let end = shell_word_end(text, i, &mut cuts, &mut open);
                let word = &text[i..end];
                if let Some(strip) = expect_delim.take() {
                    pending.push((unquote_shell(word), strip));
                } else if let Some(k) = word
                    .find("<<")
                    .filter(|&k| !word[..k].contains(['\'', '"', '<']) && !word[k + 2..].starts_with('<'))
                {
                    let rest = &word[k + 2..];
                    let (strip, rest) = match rest.strip_prefix('-') {
                        Some(r) => (true, r),
                        None => (false, rest),
                    };
                    if rest.is_empty() {
                        expect_delim = Some(strip);
                    } else {
                        pending.push((unquote_shell(rest), strip));
                    }
                }
                toks.push(ShTok {
                    kind: ShTokKind::Word,
                    start: i,
                    end,
                });
                i = end.max(i + 1);
            }
        }
    }
    (toks, cuts, open)
}

/// The end of the shell word starting at `start`: quotes, `$(…)`, `${…}`,
/// backquotes and escapes are inside the word. A quote that never closes is
/// recorded in `open`.
fn shell_word_end(text: &str, start: usize, cuts: &mut Vec<Range<usize>>, open: &mut Option<usize>) -> usize {
    let b = text.as_bytes();
    let mut i = start;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\r' | b'\n' | b';' | b'|' | b'(' | b')' => break,
            b'&' if i > start && b[i - 1] == b'>' => i += 1,
            b'&' if text.get(i..i + 2) == Some("&>") && i == start => i += 2,
            b'&' => break,
            b'\\' => {
                if b.get(i + 1) == Some(&b'\n') {
                    cuts.push(i..i + 2);
                }
                i += 2;
            }
            b'\'' => {
                let q = i;
                i += 1;
                while i < b.len() && b[i] != b'\'' {
                    i += 1;
                }
                if i >= b.len() {
                    open.get_or_insert(q);
                }
                i += 1;
            }
            b'"' => {
                let q = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    } else if b[i] == b'$' && b.get(i + 1) == Some(&b'(') {
                        i += 1 + matching_paren(&text[i + 1..]).unwrap_or(text.len() - i - 1);
                        continue;
                    }
                    i += 1;
                }
                if i >= b.len() {
                    open.get_or_insert(q);
                }
                i += 1;
            }
            b'`' => {
                let q = i;
                i += 1;
                while i < b.len() && b[i] != b'`' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if i >= b.len() {
                    open.get_or_insert(q);
                }
                i += 1;
            }
            b'$' if b.get(i + 1) == Some(&b'(') => {
                i += 1 + matching_paren(&text[i + 1..]).unwrap_or(text.len() - i - 1);
            }
            b'$' if b.get(i + 1) == Some(&b'{') => {
                i += 2;
                let mut depth = 0usize;
                while i < b.len() {
                    match b[i] {
                        b'{' => depth += 1,
                        b'}' if depth == 0 => break,
                        b'}' => depth -= 1,
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    let mut end = i.min(b.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    end
}

/// A shell word with quotes and escapes removed (expansions kept as text).
fn unquote_shell(raw: &str) -> String {
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (Some('\''), c) => out.push(c),
            (_, '\\') => {
                if let Some(n) = chars.next()
                    && n != '\n'
                {
                    out.push(n);
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// A command a script starts: the words, and what ended it.
struct ShCommand {
    words: Vec<ShTok>,
    terminator: Option<&'static str>,
}

/// Builtins and utilities that do not start a long-running program: never
/// taken as "the last command" of a script.
const SHELL_NOT_LAUNCHES: &[&str] = &[
    ":", ".", "[", "[[", "alias", "break", "case", "cat", "cd", "chmod", "chown", "continue", "cp", "declare", "do",
    "done", "echo", "elif", "else", "esac", "exit", "export", "false", "fi", "for", "function", "if", "let", "ln",
    "local", "mkdir", "mv", "popd", "printf", "pushd", "read", "readonly", "return", "rm", "select", "set", "shift",
    "sleep", "source", "test", "then", "touch", "trap", "true", "typeset", "ulimit", "umask", "unset", "until", "wait",
    "while", "{", "}",
];

fn is_assignment(word: &str) -> bool {
    word.split_once('=')
        .is_some_and(|(k, _)| !k.is_empty() && k.starts_with(is_name_start) && k.chars().all(is_name_char))
}

/// Read a shell script (entrypoints, start scripts): a launch for each
/// command run with `exec` (including `exec "$@"`, which runs the script's
/// arguments, e.g. a Dockerfile CMD) and each command sent to the background
/// with `&`; when nothing is exec'd, also the last command that is not a
/// shell builtin. `export NAME=value` before a command goes to its `env`,
/// `cd dir` to its `workdir`. `extra` has `launched_by`: `exec`,
/// `background` or `last`. A quote that never closes is an error (the
/// shell stops with a syntax error and runs nothing after it).
pub fn parse_shell(file: FileId, text: &str) -> Result<Vec<Launch>, SyntaxError> {
    let (toks, cuts, open) = shell_tokens(text);
    if let Some(at) = open {
        let q = text[at..].chars().next().unwrap_or('"');
        return Err(error(
            file,
            at,
            at + 1,
            format!("found an unterminated `{q}`, expected a closing `{q}` (the shell stops at a syntax error here)"),
        ));
    }
    let mut commands: Vec<ShCommand> = Vec::new();
    let mut words = Vec::new();
    for t in toks {
        match t.kind {
            ShTokKind::Word => words.push(t),
            ShTokKind::Op(op) => commands.push(ShCommand {
                words: std::mem::take(&mut words),
                terminator: Some(op),
            }),
        }
    }
    commands.push(ShCommand {
        words,
        terminator: None,
    });

    let mut env: Vec<(Spanned<String>, Spanned<Value>)> = Vec::new();
    let mut workdir: Option<Spanned<String>> = None;
    let mut launches: Vec<(Launch, usize)> = Vec::new();
    let mut last: Option<(Launch, usize)> = None;
    let mut any_exec = false;
    let word = |t: &ShTok| &text[t.start..t.end];
    for cmd in &commands {
        let mut w: &[ShTok] = &cmd.words;
        // Case patterns (`web)`): the word before a `)`, alone; function
        // definitions (`start() {`): the words before a `(`.
        if (cmd.terminator == Some(")") && w.len() == 1) || cmd.terminator == Some("(") {
            continue;
        }
        while let Some(first) = w.first() {
            match unquote_shell(word(first)).as_str() {
                "then" | "do" | "else" | "{" | "!" | "time" => w = &w[1..],
                _ => break,
            }
        }
        let Some(first) = w.first() else { continue };
        let head = unquote_shell(word(first));
        match head.as_str() {
            "if" | "elif" | "while" | "until" | "for" | "case" | "select" | "function" => continue,
            "export" | "declare" | "typeset" => {
                for t in &w[1..] {
                    let raw = word(t);
                    let Some((key, value)) = raw.split_once('=').filter(|_| is_assignment(raw)) else {
                        continue;
                    };
                    let vstart = t.start + key.len() + 1;
                    let vspan = Span::new(file, vstart, t.end);
                    let v = fold_parts(&shell_parts(value), value, vspan, &RuntimeEnv { compose: false }, 0);
                    env.push((
                        Spanned::new(key.to_owned(), Span::new(file, t.start, t.start + key.len())),
                        Spanned::new(v, vspan),
                    ));
                }
                continue;
            }
            "cd" | "pushd" => {
                let Some(arg) = w.get(1) else { continue };
                let raw = word(arg);
                let dir = if raw.contains(['$', '`']) {
                    raw.to_owned()
                } else {
                    unquote_shell(raw)
                };
                let path = match &workdir {
                    Some(prev) if !dir.starts_with(['/', '~', '$']) && dir != "-" => {
                        format!("{}/{}", prev.value.trim_end_matches('/'), dir)
                    }
                    _ => dir,
                };
                workdir = Some(Spanned::new(path, Span::new(file, arg.start, arg.end)));
                continue;
            }
            _ => {}
        }
        let (how, rest): (&str, &[ShTok]) = if head == "exec" {
            let mut r = &w[1..];
            while let Some(t) = r.first() {
                let o = word(t);
                if o == "-a" {
                    r = r.get(2..).unwrap_or(&[]);
                } else if o.starts_with('-') && o.len() > 1 && o != "--" {
                    r = &r[1..];
                } else {
                    break;
                }
            }
            // `exec >log 2>&1` only redirects the script's own output.
            let redirect = |t: &ShTok| {
                let s = word(t);
                s.trim_start_matches(|c: char| c.is_ascii_digit())
                    .starts_with(['<', '>', '&'])
            };
            let mut k = 0;
            let mut real = Vec::new();
            while k < r.len() {
                let s = word(&r[k]);
                if redirect(&r[k]) {
                    let op_only = s.trim_end_matches(['<', '>', '&', '|', '-']).is_empty()
                        || s.trim_start_matches(|c: char| c.is_ascii_digit())
                            .trim_end_matches(['<', '>', '&'])
                            .is_empty();
                    k += if op_only { 2 } else { 1 };
                } else {
                    real.push(k);
                    k += 1;
                }
            }
            if real.is_empty() {
                continue;
            }
            any_exec = true;
            ("exec", &r[real[0]..])
        } else if w.iter().all(|t| is_assignment(word(t))) {
            continue;
        } else if cmd.terminator == Some("&") {
            ("background", w)
        } else {
            let name = head.rsplit('/').next().unwrap_or(&head);
            if SHELL_NOT_LAUNCHES.contains(&name) {
                continue;
            }
            ("last", w)
        };
        let (Some(s), Some(e)) = (rest.first(), rest.last()) else {
            continue;
        };
        let command = Spanned::new(blanked(text, s.start..e.end, &cuts), Span::new(file, s.start, e.end));
        let mut l = Launch::new(LaunchSource::Shell, command.span);
        l.command = Some(command);
        l.workdir = workdir.clone();
        l.extra.push((
            "launched_by".to_owned(),
            Spanned::new(Value::Str(how.to_owned()), Span::new(file, first.start, first.end)),
        ));
        // The environment is filled in at the end: the variables exported
        // so far (`env` only grows).
        if how == "last" {
            last = Some((l, env.len()));
        } else {
            launches.push((l, env.len()));
        }
    }
    if !any_exec && let Some(l) = last {
        launches.push(l);
    }
    let mut copies = 0usize;
    launches
        .into_iter()
        .map(|(mut l, n)| {
            spend_env(file, &mut copies, n, l.span)?;
            l.env = env[..n].to_vec();
            Ok(l)
        })
        .collect()
}

// ==================================================================== recognition

/// Programs that serve HTTP (or start something that does), for recognising
/// start scripts.
pub const SERVER_PROGRAMS: &[&str] = &[
    "gunicorn",
    "uvicorn",
    "hypercorn",
    "daphne",
    "waitress-serve",
    "uwsgi",
    "flask",
    "manage.py",
    "node",
    "npm",
    "yarn",
    "pnpm",
    "bun",
    "pm2",
    "pm2-runtime",
];

/// Whether a script runs a server-like program (or `exec "$@"`, which runs
/// whatever a Dockerfile CMD passes it).
fn runs_server(text: &str) -> bool {
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        if line.contains("exec \"$@\"") || line.contains("exec $@") {
            return true;
        }
        let found = line
            .split(|c: char| c.is_whitespace() || ";|&()\"'`".contains(c))
            .map(|w| w.rsplit('/').next().unwrap_or(w))
            .any(|w| SERVER_PROGRAMS.contains(&w));
        if found {
            return true;
        }
    }
    false
}

fn ini_has_program(head: &str) -> bool {
    head.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("[program:") || l.starts_with("[fcgi-program:")
    })
}

fn unit_has_section(head: &str) -> bool {
    head.lines().any(|l| matches!(l.trim(), "[Service]" | "[Socket]"))
}

/// Which launch file `path` is, from its name, its folders and the start
/// of its text (`head`):
/// - `Procfile`, `Procfile.*`;
/// - `*.service`, `*.socket`, `*.conf` in a `*.service.d`/`*.socket.d`
///   drop-in folder, and files under a `systemd` folder with a `[Service]`
///   or `[Socket]` line;
/// - `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile`
///   (not `*.dockerignore`);
/// - `docker-compose*.yml|yaml`, `compose*.yml|yaml`;
/// - `supervisord.conf`, `*.conf`/`*.ini` under a `supervisor`,
///   `supervisord` or `supervisor.d` folder, and any `*.conf`/`*.ini` with a
///   `[program:…]` section;
/// - uWSGI: `uwsgi.ini`, and any other `*.ini` with a `[uwsgi]` section
///   (`app.ini`, `wsgi.ini`, a PasteDeploy `production.ini`), unless the
///   supervisor rules above take it;
/// - `*.sh`/`*.bash` or scripts with an `sh`/`bash`/`dash`/`ash`/`zsh`
///   shebang that run a server-like program ([`SERVER_PROGRAMS`]) or
///   `exec "$@"`.
pub fn kind_of(path: &Path, head: &str) -> Option<LaunchSource> {
    let name = path.file_name()?.to_string_lossy();
    let lower = name.to_ascii_lowercase();
    let dirs = lowercase_dirs(path);
    let parent = dirs.last().map(String::as_str).unwrap_or("");
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");

    if name == "Procfile" || name.starts_with("Procfile.") {
        return Some(LaunchSource::Procfile);
    }
    if !lower.ends_with(".dockerignore")
        && (lower == "dockerfile"
            || lower.starts_with("dockerfile.")
            || lower.ends_with(".dockerfile")
            || lower == "containerfile"
            || lower.starts_with("containerfile."))
    {
        return Some(LaunchSource::Dockerfile);
    }
    let compose_name = lower.starts_with("docker-compose")
        || lower.starts_with("compose.")
        || lower.starts_with("compose-")
        || lower.starts_with("compose_");
    if matches!(ext, "yml" | "yaml") && compose_name {
        return Some(LaunchSource::Compose);
    }
    if matches!(ext, "service" | "socket")
        || (ext == "conf" && (parent.ends_with(".service.d") || parent.ends_with(".socket.d")))
        || (dirs.iter().any(|d| d == "systemd") && unit_has_section(head))
    {
        return Some(LaunchSource::Systemd);
    }
    let supervisor_dir = dirs
        .iter()
        .any(|d| matches!(d.as_str(), "supervisor" | "supervisord" | "supervisor.d"));
    if lower == "supervisord.conf" || (matches!(ext, "conf" | "ini") && (supervisor_dir || ini_has_program(head))) {
        return Some(LaunchSource::Supervisor);
    }
    if ext == "ini" && (lower == "uwsgi.ini" || ini_has_uwsgi(head)) {
        return Some(LaunchSource::Uwsgi);
    }
    let shebang = shebang_is_shell(head);
    if (matches!(ext, "sh" | "bash") || shebang) && runs_server(head) {
        return Some(LaunchSource::Shell);
    }
    None
}

/// Read `text` as the launch file `path` is ([`kind_of`]); None when it is
/// not one. systemd launches are named after the unit file (`gunicorn` for
/// `gunicorn.service`, `app` for `app.service.d/override.conf`), and uWSGI
/// ini files after the file (`uwsgi.ini`), with an empty span at the start
/// of the file.
pub fn parse_path(file: FileId, path: &Path, text: &str) -> Option<Result<Vec<Launch>, SyntaxError>> {
    let kind = kind_of(path, text)?;
    Some(match kind {
        LaunchSource::Procfile => parse_procfile(file, text),
        LaunchSource::Dockerfile => parse_dockerfile(file, text),
        LaunchSource::Compose => parse_compose(file, text),
        LaunchSource::Supervisor => parse_supervisor(file, text),
        LaunchSource::Shell => parse_shell(file, text),
        LaunchSource::Uwsgi => parse_uwsgi_ini(file, text).map(|mut launches| {
            let name = path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            for l in &mut launches {
                l.name = Some(Spanned::new(name.clone(), Span::new(file, 0, 0)));
            }
            launches
        }),
        LaunchSource::Systemd => parse_systemd(file, text).map(|mut launches| {
            let unit = path
                .parent()
                .and_then(|p| p.file_name())
                .map(|d| d.to_string_lossy().into_owned())
                .filter(|d| d.ends_with(".service.d") || d.ends_with(".socket.d"))
                .map(|d| d.trim_end_matches(".d").to_owned())
                .or_else(|| path.file_name().map(|f| f.to_string_lossy().into_owned()))
                .unwrap_or_default();
            let stem = unit.rsplit_once('.').map(|(s, _)| s.to_owned()).unwrap_or(unit);
            for l in &mut launches {
                l.name = Some(Spanned::new(stem.clone(), Span::new(file, 0, 0)));
            }
            launches
        }),
    })
}

/// The folders of a path, lowercased (`Deploy/Docker/run.sh` →
/// `["deploy", "docker"]`).
pub fn lowercase_dirs(path: &Path) -> Vec<String> {
    path.parent()
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy().to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default()
}

/// Whether a file's first line is a shebang of a POSIX-like shell
/// (`#!/bin/sh`, `#!/usr/bin/env bash`).
pub fn shebang_is_shell(head: &str) -> bool {
    let Some(line) = head.lines().next().and_then(|l| l.strip_prefix("#!")) else {
        return false;
    };
    let mut words = line.split_whitespace();
    let first = words.next().unwrap_or("");
    let prog = if first.ends_with("/env") {
        words.find(|w| !w.starts_with('-')).unwrap_or("")
    } else {
        first
    };
    let prog = prog.rsplit('/').next().unwrap_or(prog);
    matches!(prog, "sh" | "bash" | "dash" | "ash" | "zsh")
}

#[cfg(test)]
mod tests {
    use super::*;
    use pest::{consumes_to, parses_to};

    #[test]
    fn grammar_classifies_procfile_and_unit_lines() {
        parses_to! {
            parser: LaunchGrammar,
            input: "web: gunicorn app:app",
            rule: Rule::procfile_entry,
            tokens: [procfile_entry(0, 21, [procfile_name(0, 3), procfile_command(5, 21)])]
        };
        parses_to! {
            parser: LaunchGrammar,
            input: "  [Service]",
            rule: Rule::unit_line,
            tokens: [unit_line(0, 11, [unit_section(2, 11, [unit_section_name(3, 10)])])]
        };
        parses_to! {
            parser: LaunchGrammar,
            input: "ExecStart=/bin/app -x",
            rule: Rule::unit_line,
            tokens: [unit_line(0, 21, [unit_entry(0, 21, [unit_key(0, 9), unit_value(10, 21)])])]
        };
        parses_to! {
            parser: LaunchGrammar,
            input: "; comment",
            rule: Rule::unit_line,
            tokens: [unit_line(0, 9, [unit_comment(0, 9)])]
        };
    }

    #[test]
    fn grammar_reads_ini_lines_and_docker_instructions() {
        parses_to! {
            parser: LaunchGrammar,
            input: "    --workers 3",
            rule: Rule::ini_line,
            tokens: [ini_line(0, 15, [ini_indent(0, 4), ini_other(4, 15)])]
        };
        parses_to! {
            parser: LaunchGrammar,
            input: "command: run",
            rule: Rule::ini_line,
            tokens: [ini_line(0, 12, [ini_indent(0, 0), ini_entry(0, 12, [ini_key(0, 7), ini_value(8, 12)])])]
        };
        parses_to! {
            parser: LaunchGrammar,
            input: "COPY --from=build /a /b",
            rule: Rule::docker_instruction,
            tokens: [docker_instruction(0, 23, [docker_keyword(0, 4), docker_flag(5, 17), docker_args(18, 23), EOI(23, 23)])]
        };
        parses_to! {
            parser: LaunchGrammar,
            input: "[\"a\", \"b\\\"c\"]",
            rule: Rule::exec_form,
            tokens: [exec_form(0, 13, [json_string(1, 4, [json_chars(2, 3)]), json_string(6, 12, [json_chars(7, 11)]), EOI(13, 13)])]
        };
    }

    #[test]
    fn blanked_keeps_length_and_boundaries() {
        let text = "a \\\n  # c\n b";
        assert_eq!(blanked(text, 0..text.len(), &[2..4, 4..10]), "a          b");
        assert_eq!(blanked(text, 0..3, &[2..4, 9..9]), "a  ");
        assert_eq!(blanked("é x", 0..4, &[0..2, 4..4]), "   x");
        assert_eq!(blanked("abc", 5..9, &[]), "");
    }

    #[test]
    fn compose_interpolation_parts() {
        let var = |name: &str, op: Option<&str>, word: &str| Part::Var {
            name: name.into(),
            op: op.map(Into::into),
            word: word.into(),
        };
        assert_eq!(
            compose_parts("a$$b ${X:-${Y}} $Z-"),
            Ok(vec![
                Part::Lit("a$b ".into()),
                var("X", Some(":-"), "${Y}"),
                Part::Lit(" ".into()),
                var("Z", None, ""),
                Part::Lit("-".into()),
            ])
        );
        assert_eq!(compose_parts("x ${Y"), Err(2));
        assert_eq!(compose_parts("$1 $"), Ok(vec![Part::Lit("$1 $".into())]));
        // Nested defaults fold recursively.
        let v = fold_parts(
            &compose_parts("${A:-${B:-8000}}").unwrap_or_default(),
            "${A:-${B:-8000}}",
            Span::default(),
            &RuntimeEnv { compose: true },
            0,
        );
        let Value::Env { name, default: Some(d) } = v else {
            panic!("env lookup")
        };
        assert_eq!(name, "A");
        assert_eq!(
            d.value,
            Value::Env {
                name: "B".into(),
                default: Some(Box::new(Spanned::new(Value::Str("8000".into()), Span::default())))
            }
        );
    }

    #[test]
    fn shell_and_docker_word_parts() {
        assert_eq!(
            shell_parts("'$A'\"$B\"\\$C$(d)"),
            vec![
                Part::Lit("$A".into()),
                Part::Var {
                    name: "B".into(),
                    op: None,
                    word: String::new()
                },
                Part::Lit("$C".into()),
                Part::Opaque,
            ]
        );
        assert_eq!(docker_parts("\"a b\"\\$x", '\\'), vec![Part::Lit("a b$x".into())]);
        assert_eq!(docker_parts("`$x", '`'), vec![Part::Lit("$x".into())]);
        let words = docker_words("A=\"x y\" B='p q' C=\\ d", '\\');
        let s = "A=\"x y\" B='p q' C=\\ d";
        assert_eq!(
            words.iter().map(|r| &s[r.clone()]).collect::<Vec<_>>(),
            ["A=\"x y\"", "B='p q'", "C=\\ d"]
        );
    }

    #[test]
    fn continuation_tests_follow_systemd_and_buildkit() {
        // systemd: an odd number of trailing backslashes continues.
        assert_eq!(trailing_backslash("a \\", 0, 3), Some(2));
        assert_eq!(trailing_backslash("a \\\\", 0, 4), None);
        assert_eq!(trailing_backslash("a \\ ", 0, 4), None);
        // buildkit: the escape may be followed by blanks, not preceded by an escape.
        assert_eq!(docker_continues("RUN a \\  ", 0, 9, '\\'), Some(6));
        assert_eq!(docker_continues("RUN a \\\\", 0, 8, '\\'), None);
        assert_eq!(docker_continues("\\", 0, 1, '\\'), Some(0));
        assert_eq!(docker_continues("RUN a `", 0, 7, '`'), Some(6));
    }

    #[test]
    fn configparser_inline_comments() {
        assert_eq!(inline_comment("command=run ; note"), Some(12));
        assert_eq!(inline_comment("url=http://x/#frag"), None);
        assert_eq!(inline_comment("  # whole line"), Some(0));
        assert_eq!(inline_comment("a=b;c"), None);
    }

    #[test]
    fn yaml_core_types_of_plain_scalars() {
        assert_eq!(plain_type("8000"), Some(Value::Int(8000)));
        assert_eq!(plain_type("-1"), Some(Value::Int(-1)));
        assert_eq!(plain_type("0x1F"), Some(Value::Int(31)));
        assert_eq!(plain_type("1.5"), Some(Value::Float(1.5)));
        assert_eq!(plain_type("true"), Some(Value::Bool(true)));
        assert_eq!(plain_type("~"), Some(Value::Null));
        assert_eq!(plain_type("yes"), None);
        assert_eq!(plain_type("8000:8000"), None);
        assert_eq!(plain_type("1e"), None);
    }

    #[test]
    fn json_strings_unescape() {
        assert_eq!(json_unescape(r#"a\"b\\c\/d\n\u0041\ud83d\ude00"#), "a\"b\\c/d\nA😀");
        assert_eq!(json_unescape(r"\ud800x"), "\u{FFFD}x");
    }

    #[test]
    fn yaml_offsets_count_characters_per_line() {
        let text = "é: ü\nkey: v\n";
        let tree = yaml_tree(FileId(0), text).ok().flatten().expect("tree");
        let YKind::Map(entries) = &tree.kind else { panic!("map") };
        assert_eq!((entries[0].1.start, entries[0].1.end), (4, 6));
        assert_eq!(&text[entries[1].0.start..entries[1].0.end], "key");
    }

    /// Random inputs over the bytes that matter to each format: no reader
    /// may panic, and errors must have spans inside the text on character
    /// boundaries.
    #[test]
    fn random_inputs_never_panic() {
        const ALPHABET: &[&str] = &[
            " ",
            "\t",
            "\n",
            "\r\n",
            "\\",
            "`",
            "\"",
            "'",
            "#",
            ";",
            "=",
            ":",
            "[",
            "]",
            "{",
            "}",
            ",",
            "-",
            "$",
            "${",
            "$(",
            ")",
            "&",
            "|",
            "<<",
            "EOF",
            "a",
            "é",
            "%",
            "%(",
            "*a",
            "&a",
            "<<:",
            "FROM x\n",
            "CMD ",
            "[Service]\n",
            "ExecStart=",
            "[program:a]\n",
            "environment=",
            "exec ",
            "services:\n  w:\n    ",
        ];
        type Reader = fn(FileId, &str) -> Result<Vec<Launch>, SyntaxError>;
        let parsers: &[Reader] = &[
            parse_procfile,
            parse_systemd,
            parse_dockerfile,
            parse_compose,
            parse_supervisor,
            parse_shell,
        ];
        for (round, text) in crate::text::random_texts(0x1a0c, 6_000, 64, ALPHABET).enumerate() {
            let parse = parsers[round % parsers.len()];
            match parse(FileId(0), &text) {
                Ok(launches) => {
                    for l in launches {
                        assert!(text.get(l.span.range()).is_some(), "{text:?}: {l:?}");
                    }
                }
                Err(e) => {
                    assert!(!e.message.starts_with("internal"), "{text:?}: {}", e.message);
                    assert!(text.get(e.span.range()).is_some(), "{text:?}: {e:?}");
                }
            }
        }
    }

    #[test]
    fn grammar_reads_uwsgi_lines() {
        parses_to! {
            parser: LaunchGrammar,
            input: "  socket = :3031 # x",
            rule: Rule::uwsgi_line,
            tokens: [uwsgi_line(0, 20, [uwsgi_entry(2, 20, [uwsgi_key(2, 9), uwsgi_value(10, 20)])])]
        };
        parses_to! {
            parser: LaunchGrammar,
            input: "master",
            rule: Rule::uwsgi_line,
            tokens: [uwsgi_line(0, 6, [uwsgi_entry(0, 6, [uwsgi_key(0, 6)])])]
        };
        parses_to! {
            parser: LaunchGrammar,
            input: "\t[uwsgi]\r",
            rule: Rule::uwsgi_line,
            tokens: [uwsgi_line(0, 9, [uwsgi_section(1, 9)])]
        };
    }

    #[test]
    fn uwsgi_ini_sections_comments_and_repeated_keys() {
        let text = "; top\r\nsocket = :1\r\n[uwsgi]\r\nsocket = /run/a.sock\r\n# c\r\nmaster\r\n[app:main]\nsocket = :2\n[uwsgi]\n  socket=:3 ; not a comment\nchdir = /srv/app\nenv = A=b=c\n= x\n[uwsgi\nsocket = :4\n";
        let got = parse_uwsgi_ini(FileId(0), text).expect("never fails");
        assert_eq!(got.len(), 1);
        let l = &got[0];
        let extra: Vec<(&str, &str, &str)> = l
            .extra
            .iter()
            .map(|(k, v)| (k.as_str(), v.value.as_str().unwrap_or("?"), &text[v.span.range()]))
            .collect();
        assert_eq!(
            extra,
            [
                ("socket", "/run/a.sock", "/run/a.sock"),
                ("master", "", ""),
                ("socket", ":3 ; not a comment", ":3 ; not a comment"),
                ("chdir", "/srv/app", "/srv/app"),
                ("env", "A=b=c", "A=b=c"),
            ]
        );
        assert_eq!(l.workdir.as_ref().map(|w| w.value.as_str()), Some("/srv/app"));
        assert_eq!(l.env[0].0.value, "A");
        assert_eq!(l.env[0].1.value, Value::Str("b=c".into()));
        assert_eq!(&text[l.env[0].1.span.range()], "b=c");
        assert!(text[l.span.range()].starts_with("[uwsgi]\r\nsocket"));
        assert!(text[l.span.range()].ends_with("env = A=b=c"));
        assert_eq!(uwsgi_section_name("[uwsgi] ;x"), "uwsgi] ;");
        assert_eq!(uwsgi_section_name("["), "");
        // No [uwsgi] section: a launch with nothing in it.
        let got = parse_uwsgi_ini(FileId(0), "[app]\nsocket = :1\n").expect("never fails");
        assert!(got[0].extra.is_empty());
        assert_eq!(got[0].span, Span::new(FileId(0), 0, 0));
    }

    #[test]
    fn uwsgi_random_inputs_never_panic() {
        const ALPHABET: &[&str] = &[
            " ",
            "\t",
            "\n",
            "\r\n",
            "\r",
            "[",
            "]",
            "[uwsgi]",
            "[uwsgi]\n",
            "=",
            "socket",
            "env",
            "chdir",
            "A=1",
            ";",
            "#",
            ":",
            "é",
            "%(",
            "$(",
            ")",
            "x",
        ];
        for text in crate::text::random_texts(0x0575, 4_000, 64, ALPHABET) {
            let launches = parse_uwsgi_ini(FileId(0), &text).expect("never fails");
            for l in launches {
                assert!(text.get(l.span.range()).is_some(), "{text:?}: {l:?}");
                for (k, v) in &l.extra {
                    assert!(!k.is_empty());
                    assert_eq!(text.get(v.span.range()), v.value.as_str(), "{text:?}");
                }
                for (k, v) in &l.env {
                    assert!(text.get(k.span.range()).is_some() && text.get(v.span.range()).is_some());
                }
            }
        }
    }
}
