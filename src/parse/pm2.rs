//! PM2 ecosystem files, read statically (never executed) into a spanned
//! [`Value`]: what the file exports, as PM2 would receive it.
//!
//! PM2 7.0.3 (`Common.parseConfig`, lib/Common.js) reads:
//! - `*.config.js`, `.config.cjs`, `.config.mjs` with `require()`: the value of
//!   `module.exports`;
//! - `.json` (and so `.json5`, `process.json`) as one JavaScript expression,
//!   `vm.runInThisContext('(' + text + ')')`: comments, unquoted keys and
//!   trailing commas pass;
//! - `.yml`, `.yaml` with js-yaml's `load` (one document; duplicate keys are
//!   an error).
//!
//! JavaScript and JSON go through `grammar/js.pest`; YAML through
//! `yaml-rust2`'s event parser, with spans rebuilt from its markers.

use std::collections::HashMap;
use std::path::Path;

use pest::Parser;
use pest::iterators::Pair;
use yaml_rust2::parser::{Event, Parser as YamlParser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::SyntaxError;
use crate::model::value::{Spanned, Value};
use crate::source::{FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/js.pest"]
struct JsGrammar;

/// Brackets (JavaScript, JSON) or collections (YAML) nested deeper than this
/// stop the read with lint502's own error. The JavaScript grammar is
/// recursive, so the limit keeps the native stack bounded; real ecosystem
/// files nest fewer than ten levels.
pub const MAX_NESTING: usize = 128;

/// A YAML file whose aliases would expand to more values than this is
/// refused (the "billion laughs" file).
const MAX_ALIAS_EXPANSION: usize = 100_000;

/// How an ecosystem file is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pm2Format {
    /// JavaScript module: `module.exports = …`.
    Js,
    /// JSON or JSON5: one JavaScript expression.
    Json,
    /// YAML, one document.
    Yaml,
}

/// How the value was exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    /// `module.exports = …` (or `module.exports.x = …` / `exports.x = …`).
    CommonJs,
    /// `export default …`. PM2 7 loads `.mjs` / ESM files with `require()`,
    /// which yields the module namespace, so `apps` under a default export
    /// is not found (pm2#4540).
    EsDefault,
    /// Only `export const …`: the value is the map of named exports (what
    /// `require()` of an ES module returns).
    EsNamed,
    /// A JSON or YAML document.
    Document,
    /// The JavaScript file exports nothing lint502 can see.
    Nothing,
}

/// A comment: `//`, `/* */` or YAML `#`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text after `//` or `#`, or between `/*` and `*/`.
    pub text: String,
    /// The whole comment, leader included.
    pub span: Span,
}

/// A parsed ecosystem file.
#[derive(Debug, Clone, PartialEq)]
pub struct Pm2Source {
    /// The exported value (see [`parse`]).
    pub value: Spanned<Value>,
    pub export: Export,
    /// Comments in source order.
    pub comments: Vec<Comment>,
}

/// How PM2 reads a file with this name, by its ending (PM2 itself matches
/// `.json`, `.yml`, `.yaml`, `.config.js`, `.config.cjs`, `.config.mjs` as
/// substrings of the name; `.json5` is read as JSON because it contains
/// `.json`). Any `*.config.js` qualifies: whether it exports apps is for the
/// caller to decide. `ecosystem.js` is not a configuration file to PM2 (it
/// would be started as a script).
pub fn format_of(path: &Path) -> Option<Pm2Format> {
    let name = path.file_name()?.to_string_lossy();
    if [".config.js", ".config.cjs", ".config.mjs"]
        .iter()
        .any(|e| name.ends_with(e))
    {
        Some(Pm2Format::Js)
    } else if name.ends_with(".json") || name.ends_with(".json5") {
        Some(Pm2Format::Json)
    } else if name.ends_with(".yml") || name.ends_with(".yaml") {
        Some(Pm2Format::Yaml)
    } else {
        None
    }
}

/// Read an ecosystem file and return the value it exports, with spans (byte
/// offsets into `text`). For JavaScript: the value of `module.exports` (or of
/// `export default`, or the map of `export const` names); for JSON and YAML:
/// the document. A JavaScript file that exports nothing visible gives
/// `Value::Unknown`; an empty YAML file gives `Value::Null`.
pub fn parse(file: FileId, text: &str, format: Pm2Format) -> Result<Spanned<Value>, SyntaxError> {
    parse_file(file, text, format).map(|s| s.value)
}

/// [`parse`], also returning how the value was exported and the comments.
pub fn parse_file(file: FileId, text: &str, format: Pm2Format) -> Result<Pm2Source, SyntaxError> {
    let read = match format {
        Pm2Format::Js | Pm2Format::Json => parse_js(file, text, format),
        Pm2Format::Yaml => parse_yaml(file, text),
    };
    read.map_err(|e| on_characters(text, e))
}

/// `e` with its span inside `text` and widened to whole characters. The
/// readers compute some error ends as "a few bytes on" (`---` is 3 bytes);
/// the fuzzer found one ending inside a U+2029 after a `-`.
fn on_characters(text: &str, mut e: SyntaxError) -> SyntaxError {
    let len = text.len();
    let mut start = (e.span.start as usize).min(len);
    let mut end = (e.span.end as usize).clamp(start, len);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    e.span = Span::new(e.span.file, start, end);
    e
}

/// The comments of a file (empty when it does not parse).
pub fn comments(file: FileId, text: &str, format: Pm2Format) -> Vec<Comment> {
    parse_file(file, text, format).map(|s| s.comments).unwrap_or_default()
}

fn error(file: FileId, start: usize, end: usize, message: String) -> SyntaxError {
    SyntaxError {
        message,
        span: Span::new(file, start, end),
        line: None,
    }
}

fn line_of(text: &str, pos: usize) -> usize {
    text.as_bytes()[..pos.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// `s` with whitespace runs collapsed, cut to about 60 characters.
fn short(s: &str) -> String {
    let collapsed = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > 60 {
        let cut: String = collapsed.chars().take(57).collect();
        format!("{cut}…")
    } else {
        collapsed
    }
}

// ====================================================================== JS

/// What the bracket scan found wrong, for messages when the grammar fails.
struct Scan {
    /// The first problem: (position, span end, message).
    problem: Option<(usize, usize, String)>,
}

/// Count bracket nesting (outside strings, comments and template text) and
/// refuse input deeper than [`MAX_NESTING`] before the recursive grammar
/// sees it. Also notes the first unterminated string, comment or template
/// and the first unbalanced bracket: when the grammar fails, those explain
/// the failure better than "expected …". Regular expression literals are not
/// recognised here, so the notes are only used when the grammar fails too.
fn prescan(file: FileId, text: &str) -> Result<Scan, SyntaxError> {
    let b = text.as_bytes();
    let mut stack: Vec<(u8, usize)> = Vec::new();
    let mut problem: Option<(usize, usize, String)> = None;
    let note = |p: &mut Option<(usize, usize, String)>, at: usize, end: usize, m: String| {
        if p.is_none() {
            *p = Some((at, end, m));
        }
    };
    let closer = |o: u8| match o {
        b'(' => ')',
        b'[' => ']',
        _ => '}',
    };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if let Some(&(b'`', _)) = stack.last() {
            // Template text.
            match c {
                b'\\' => i += 2,
                b'`' => {
                    stack.pop();
                    i += 1;
                }
                b'$' if b.get(i + 1) == Some(&b'{') => {
                    stack.push((b'$', i));
                    i += 2;
                }
                _ => i += 1,
            }
        } else {
            match c {
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    while i < b.len() && b[i] != b'\n' && b[i] != b'\r' {
                        i += 1;
                    }
                    continue;
                }
                b'/' if b.get(i + 1) == Some(&b'*') => match text.get(i + 2..).and_then(|r| r.find("*/")) {
                    Some(k) => i += 2 + k + 2,
                    None => {
                        note(
                            &mut problem,
                            i,
                            i + 2,
                            "unterminated comment: found `/*` without a closing `*/`".into(),
                        );
                        break;
                    }
                },
                b'\'' | b'"' => {
                    let start = i;
                    i += 1;
                    loop {
                        match b.get(i) {
                            None | Some(b'\n') | Some(b'\r') => {
                                let q = c as char;
                                note(
                                    &mut problem,
                                    start,
                                    start + 1,
                                    format!(
                                        "unterminated string: found a line break before the closing `{q}`, expected \
                                         `{q}` on the same line (or `\\` before the line break)"
                                    ),
                                );
                                break;
                            }
                            Some(b'\\') => {
                                i += if b.get(i + 1) == Some(&b'\r') && b.get(i + 2) == Some(&b'\n') {
                                    3
                                } else {
                                    2
                                }
                            }
                            Some(&q) if q == c => {
                                i += 1;
                                break;
                            }
                            Some(_) => i += 1,
                        }
                    }
                    continue;
                }
                b'`' | b'(' | b'[' | b'{' => {
                    stack.push((c, i));
                    if stack.len() > MAX_NESTING {
                        return Err(error(
                            file,
                            i,
                            i + 1,
                            format!(
                                "found brackets nested more than {MAX_NESTING} deep, expected at most {MAX_NESTING} \
                                 levels (lint502's limit)"
                            ),
                        ));
                    }
                    i += 1;
                    continue;
                }
                b')' | b']' | b'}' => {
                    match stack.last() {
                        Some(&(b'$', _)) if c == b'}' => {
                            stack.pop();
                        }
                        Some(&(o, _)) if o != b'$' && closer(o) == c as char => {
                            stack.pop();
                        }
                        Some(&(o, at)) => {
                            let want = if o == b'$' { '}' } else { closer(o) };
                            let opener = if o == b'$' {
                                "${".to_string()
                            } else {
                                (o as char).to_string()
                            };
                            note(
                                &mut problem,
                                i,
                                i + 1,
                                format!(
                                    "found `{}`, expected `{want}` to close the `{opener}` on line {}",
                                    c as char,
                                    line_of(text, at)
                                ),
                            );
                            stack.pop();
                        }
                        None => note(
                            &mut problem,
                            i,
                            i + 1,
                            format!("found `{}` with no matching opening bracket", c as char),
                        ),
                    }
                    i += 1;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
    }
    if let Some(&(o, at)) = stack.first() {
        let m = match o {
            b'`' => "unterminated template literal: found the end of the file, expected a closing backquote".into(),
            b'$' => "unterminated `${` in a template literal: found the end of the file, expected `}`".into(),
            _ => format!(
                "`{}` is never closed: expected `{}` before the end of the file",
                o as char,
                closer(o)
            ),
        };
        note(&mut problem, at, at + 1, m);
    }
    Ok(Scan { problem })
}

/// What a pest rule means to a user, for "expected …".
fn expected_phrase(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::comma => "`,`",
        Rule::colon => "`:`",
        Rule::object_end => "`}`",
        Rule::array_end => "`]`",
        Rule::assign => "`=`",
        Rule::expression | Rule::spread => "a value",
        Rule::property | Rule::method | Rule::shorthand | Rule::shorthand_default => "a property",
        Rule::identifier | Rule::identifier_name | Rule::declarator => "a name",
        Rule::EOI => "the end of the file",
        Rule::module_exports
        | Rule::export_member
        | Rule::export_default
        | Rule::export_named
        | Rule::binding
        | Rule::other_statement => "a statement",
        _ => return None,
    })
}

/// The token at `pos`, for "found …", and its end.
fn found_at(text: &str, pos: usize) -> (String, usize) {
    let rest = match text.get(pos..) {
        Some(r) if !r.is_empty() => r,
        _ => return ("the end of the file".into(), pos),
    };
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let first = rest.chars().next().unwrap_or(' ');
    let len = if is_word(first) {
        rest.find(|c: char| !is_word(c)).unwrap_or(rest.len())
    } else {
        first.len_utf8()
    };
    let token = &rest[..len];
    let shown = if token.chars().count() > 30 {
        format!("{}…", token.chars().take(29).collect::<String>())
    } else {
        token.to_string()
    };
    (format!("`{shown}`"), pos + len)
}

fn pest_error(file: FileId, text: &str, e: pest::error::Error<Rule>) -> SyntaxError {
    let pos = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let mut expected: Vec<&str> = Vec::new();
    if let pest::error::ErrorVariant::ParsingError { positives, .. } = &e.variant {
        for r in positives {
            if let Some(p) = expected_phrase(*r)
                && !expected.contains(&p)
            {
                expected.push(p);
            }
        }
    }
    let (found, end) = found_at(text, pos);
    let message = match expected.len() {
        0 => format!("found {found}, expected valid JavaScript here"),
        1 => format!("found {found}, expected {}", expected[0]),
        n => format!(
            "found {found}, expected {} or {}",
            expected[..n - 1].join(", "),
            expected[n - 1]
        ),
    };
    error(file, pos, end, message)
}

fn parse_js(file: FileId, text: &str, format: Pm2Format) -> Result<Pm2Source, SyntaxError> {
    let scan = prescan(file, text)?;
    let rule = if format == Pm2Format::Json {
        Rule::json_file
    } else {
        Rule::js_file
    };
    let top = match JsGrammar::parse(rule, text) {
        Ok(mut pairs) => match pairs.next() {
            Some(p) => p,
            None => return Err(error(file, 0, 0, "found nothing to read, expected a file".into())),
        },
        Err(e) => {
            let err = pest_error(file, text, e);
            if let Some((at, end, message)) = scan.problem
                && at <= err.span.start as usize
            {
                return Err(error(file, at, end, message));
            }
            return Err(err);
        }
    };
    let comments: Vec<Comment> = top
        .clone()
        .into_inner()
        .flatten()
        .filter_map(|p| {
            let s = p.as_str();
            let inner = match p.as_rule() {
                Rule::line_comment => &s[2..],
                Rule::block_comment => &s[2..s.len() - 2],
                _ => return None,
            };
            Some(Comment {
                text: inner.to_string(),
                span: Span::new(file, p.as_span().start(), p.as_span().end()),
            })
        })
        .collect();
    let mut r = Reader {
        file,
        text,
        comment_ends: comments
            .iter()
            .map(|c| (c.span.end as usize, c.span.start as usize))
            .collect(),
        bindings: HashMap::new(),
    };
    let (value, export) = if format == Pm2Format::Json {
        let expr = top
            .into_inner()
            .find(|p| p.as_rule() == Rule::expression)
            .ok_or_else(|| error(file, 0, 0, "found no value, expected a JSON value".into()))?;
        (r.expression(expr)?, Export::Document)
    } else {
        r.module(top, text.len())?
    };
    Ok(Pm2Source {
        value,
        export,
        comments,
    })
}

/// The entries of a map, in source order.
type Entries = Vec<(Spanned<String>, Spanned<Value>)>;

/// Turns pest pairs into values, resolving references to the file's own
/// top-level bindings.
struct Reader<'t> {
    file: FileId,
    text: &'t str,
    /// Comment spans by their end (to trim them off the end of a span).
    comment_ends: HashMap<usize, usize>,
    bindings: HashMap<String, Spanned<Value>>,
}

fn is_trivia(p: &Pair<Rule>) -> bool {
    matches!(p.as_rule(), Rule::COMMENT | Rule::line_comment | Rule::block_comment)
}

fn is_js_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{FEFF}'
}

impl Reader<'_> {
    /// A pair's span without the white space and comments that pest's
    /// implicit skipping leaves at its end (a rule ending in `x?` or `x*`
    /// keeps the skip before an empty match).
    fn span(&self, p: &Pair<Rule>) -> Span {
        let start = p.as_span().start();
        let mut end = p.as_span().end();
        loop {
            let trimmed = self.text[start..end].trim_end_matches(is_js_space).len() + start;
            match self.comment_ends.get(&trimmed) {
                Some(&s) if s >= start => end = s,
                _ => {
                    end = trimmed;
                    break;
                }
            }
        }
        Span::new(self.file, start, end)
    }

    /// A pair's text, trimmed like [`Reader::span`].
    fn text_of(&self, p: &Pair<Rule>) -> &str {
        &self.text[self.span(p).range()]
    }

    fn unknown(&self, p: &Pair<Rule>, reason: String) -> Spanned<Value> {
        Spanned::new(Value::Unknown(reason), self.span(p))
    }

    /// The statements of a module, in order.
    fn module(&mut self, top: Pair<Rule>, len: usize) -> Result<(Spanned<Value>, Export), SyntaxError> {
        let mut exports: Option<Spanned<Value>> = None;
        let mut reassigned = false;
        let mut default: Option<Spanned<Value>> = None;
        let mut named: Vec<(Spanned<String>, Spanned<Value>)> = Vec::new();
        for st in top.into_inner().filter(|p| !is_trivia(p)) {
            match st.as_rule() {
                Rule::module_exports => {
                    if let Some(e) = st.clone().into_inner().find(|p| p.as_rule() == Rule::expression) {
                        exports = Some(self.expression(e)?);
                        reassigned = true;
                    }
                }
                Rule::export_member => {
                    let via_exports = st.as_str().starts_with("exports");
                    if via_exports && reassigned {
                        // `exports` still names the original object, which is
                        // no longer `module.exports`.
                        continue;
                    }
                    let mut key = None;
                    let mut value = None;
                    for p in st.clone().into_inner() {
                        match p.as_rule() {
                            Rule::identifier_name => key = Some(Spanned::new(p.as_str().to_string(), self.span(&p))),
                            Rule::expression => value = Some(self.expression(p)?),
                            _ => {}
                        }
                    }
                    if let (Some(k), Some(v)) = (key, value) {
                        let target =
                            exports.get_or_insert_with(|| Spanned::new(Value::Map(Vec::new()), self.span(&st)));
                        if let Value::Map(entries) = &mut target.value {
                            insert_last_wins(entries, k, v);
                        }
                    }
                }
                Rule::export_default => {
                    if let Some(e) = st.into_inner().find(|p| p.as_rule() == Rule::expression) {
                        default = Some(self.expression(e)?);
                    }
                }
                Rule::binding => {
                    self.binding(st)?;
                }
                Rule::export_named => {
                    if let Some(b) = st.into_inner().find(|p| p.as_rule() == Rule::binding) {
                        for (name, value) in self.binding(b)? {
                            insert_last_wins(&mut named, name, value);
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(if let Some(v) = exports {
            (v, Export::CommonJs)
        } else if let Some(v) = default {
            (v, Export::EsDefault)
        } else if !named.is_empty() {
            (
                Spanned::new(Value::Map(named), Span::new(self.file, 0, len)),
                Export::EsNamed,
            )
        } else {
            (
                Spanned::new(
                    Value::Unknown("the file assigns nothing to `module.exports`".into()),
                    Span::new(self.file, 0, 0),
                ),
                Export::Nothing,
            )
        })
    }

    /// `const a = …, b = …`: records the bindings and returns them.
    fn binding(&mut self, st: Pair<Rule>) -> Result<Entries, SyntaxError> {
        let mut out = Vec::new();
        for d in st.into_inner().filter(|p| p.as_rule() == Rule::declarator) {
            let mut name = None;
            let mut value = None;
            for p in d.clone().into_inner() {
                match p.as_rule() {
                    Rule::identifier => name = Some(Spanned::new(p.as_str().to_string(), self.span(&p))),
                    Rule::expression => value = Some(self.expression(p)?),
                    _ => {}
                }
            }
            if let Some(name) = name {
                let value = value.unwrap_or_else(|| Spanned::new(Value::Null, name.span));
                self.bindings.insert(name.value.clone(), value.clone());
                out.push((name, value));
            }
        }
        Ok(out)
    }

    fn expression(&mut self, e: Pair<Rule>) -> Result<Spanned<Value>, SyntaxError> {
        let span = self.span(&e);
        let text = self.text_of(&e);
        let mut inner = e.clone().into_inner().filter(|p| !is_trivia(p));
        let Some(first) = inner.next() else {
            return Ok(Spanned::new(
                Value::Unknown(format!("`{}` is not evaluated", short(text))),
                span,
            ));
        };
        if inner.any(|p| p.as_rule() == Rule::unknown_tail) {
            return Ok(Spanned::new(
                Value::Unknown(format!("`{}` is not evaluated", short(text))),
                span,
            ));
        }
        self.value(first)
    }

    /// A `known` alternative, a literal or `unknown`.
    fn value(&mut self, p: Pair<Rule>) -> Result<Spanned<Value>, SyntaxError> {
        let span = self.span(&p);
        let v = match p.as_rule() {
            Rule::object => return self.object(p),
            Rule::array => return self.array(p),
            Rule::string => Value::Str(self.string(&p)?),
            Rule::template => return self.template(p),
            Rule::number => number_value(p.as_str()),
            Rule::boolean => Value::Bool(p.as_str() == "true"),
            Rule::null | Rule::undefined => Value::Null,
            Rule::env_lookup => Value::Env {
                name: self.env_name(p)?,
                default: None,
            },
            Rule::env_default => return self.env_default(p, false),
            Rule::env_number => return self.env_number(p),
            Rule::arithmetic => arithmetic(&p),
            Rule::reference => return Ok(self.reference(p)),
            Rule::unknown => Value::Unknown(format!("`{}` is not evaluated", short(self.text_of(&p)))),
            _ => Value::Unknown(format!("`{}` is not evaluated", short(self.text_of(&p)))),
        };
        Ok(Spanned::new(v, span))
    }

    fn string(&self, p: &Pair<Rule>) -> Result<String, SyntaxError> {
        let raw = p
            .clone()
            .into_inner()
            .next()
            .map(|c| (c.as_str(), c.as_span().start()))
            .unwrap_or(("", 0));
        unescape_js(raw.0).map_err(|(off, len, m)| error(self.file, raw.1 + off, raw.1 + off + len, m))
    }

    fn template(&self, p: Pair<Rule>) -> Result<Spanned<Value>, SyntaxError> {
        let span = self.span(&p);
        let mut out = String::new();
        for c in p.clone().into_inner() {
            match c.as_rule() {
                Rule::template_sub => {
                    return Ok(Spanned::new(
                        Value::Unknown(format!(
                            "the template literal `{}` has substitutions",
                            short(p.as_str())
                        )),
                        span,
                    ));
                }
                Rule::template_chars => {
                    // A template's raw line breaks are read as `\n` (§12.9.6).
                    let raw = c.as_str().replace("\r\n", "\n").replace('\r', "\n");
                    let s = unescape_js(&raw).map_err(|(off, len, m)| {
                        let at = c.as_span().start() + off;
                        error(self.file, at, at + len, m)
                    })?;
                    out.push_str(&s);
                }
                _ => {}
            }
        }
        Ok(Spanned::new(Value::Str(out), span))
    }

    fn env_name(&self, p: Pair<Rule>) -> Result<String, SyntaxError> {
        for c in p.into_inner() {
            match c.as_rule() {
                Rule::identifier_name => return Ok(c.as_str().to_string()),
                Rule::string => return self.string(&c),
                _ => {}
            }
        }
        Ok(String::new())
    }

    /// A literal default after `||` / `??`; with `numeric`, a string of
    /// digits becomes a number (`Number('3000')`).
    fn literal(&mut self, p: Pair<Rule>, numeric: bool) -> Result<Spanned<Value>, SyntaxError> {
        let mut v = self.value(p)?;
        if numeric && let Value::Str(s) = &v.value {
            let n = number_value(s.trim());
            if !matches!(n, Value::Unknown(_)) {
                v.value = n;
            }
        }
        Ok(v)
    }

    fn env_default(&mut self, p: Pair<Rule>, numeric: bool) -> Result<Spanned<Value>, SyntaxError> {
        let span = self.span(&p);
        let mut name = String::new();
        let mut default = None;
        for c in p.into_inner().filter(|c| !is_trivia(c)) {
            match c.as_rule() {
                Rule::env_lookup => name = self.env_name(c)?,
                Rule::or_op => {}
                _ => default = Some(Box::new(self.literal(c, numeric)?)),
            }
        }
        Ok(Spanned::new(Value::Env { name, default }, span))
    }

    fn env_number(&mut self, p: Pair<Rule>) -> Result<Spanned<Value>, SyntaxError> {
        let span = self.span(&p);
        let mut inner_env: Option<Spanned<Value>> = None;
        let mut after_or = false;
        let mut outer_default = None;
        for c in p.into_inner().filter(|c| !is_trivia(c)) {
            match c.as_rule() {
                Rule::env_lookup => {
                    let name = self.env_name(c.clone())?;
                    inner_env = Some(Spanned::new(Value::Env { name, default: None }, self.span(&c)));
                }
                Rule::env_default => inner_env = Some(self.env_default(c, true)?),
                Rule::or_op => after_or = true,
                _ if after_or => outer_default = Some(Box::new(self.literal(c, true)?)),
                _ => {} // number_fn, radix
            }
        }
        match inner_env.map(|e| e.value) {
            Some(Value::Env { name, default }) => Ok(Spanned::new(
                Value::Env {
                    name,
                    default: default.or(outer_default),
                },
                span,
            )),
            _ => Ok(Spanned::new(
                Value::Unknown("an unreadable environment lookup".into()),
                span,
            )),
        }
    }

    fn reference(&self, p: Pair<Rule>) -> Spanned<Value> {
        let text = self.text_of(&p);
        let mut parts = p.clone().into_inner().filter(|c| !is_trivia(c));
        let Some(first) = parts.next() else {
            return self.unknown(&p, format!("`{}` is not evaluated", short(text)));
        };
        let Some(bound) = self.bindings.get(first.as_str()) else {
            return self.unknown(&p, format!("`{}` is not defined in this file", first.as_str()));
        };
        let mut cur = bound.clone();
        for part in parts {
            let next = match &cur.value {
                // A missing property of an object literal is `undefined`.
                Value::Map(_) => cur
                    .value
                    .get(part.as_str())
                    .cloned()
                    .unwrap_or_else(|| Spanned::new(Value::Null, self.span(&p))),
                _ => return self.unknown(&p, format!("`{}` is not evaluated", short(text))),
            };
            cur = next;
        }
        cur
    }

    fn key(&mut self, k: Pair<Rule>) -> Result<(Spanned<String>, Option<Spanned<Value>>), SyntaxError> {
        let span = self.span(&k);
        Ok(match k.as_rule() {
            Rule::string => (Spanned::new(self.string(&k)?, span), None),
            Rule::number_key => (Spanned::new(number_key(k.as_str()), span), None),
            Rule::computed_key => {
                let inner = k.clone().into_inner().find(|p| p.as_rule() == Rule::expression);
                let v = match inner {
                    Some(e) => self.expression(e)?.value,
                    None => Value::Null,
                };
                match v {
                    Value::Str(s) => (Spanned::new(s, span), None),
                    Value::Int(i) => (Spanned::new(i.to_string(), span), None),
                    _ => {
                        let t = short(k.as_str());
                        (
                            Spanned::new(t.clone(), span),
                            Some(Spanned::new(
                                Value::Unknown(format!("the computed key `{t}` is not evaluated")),
                                span,
                            )),
                        )
                    }
                }
            }
            _ => (Spanned::new(k.as_str().to_string(), span), None),
        })
    }

    fn object(&mut self, p: Pair<Rule>) -> Result<Spanned<Value>, SyntaxError> {
        let span = self.span(&p);
        let mut entries: Vec<(Spanned<String>, Spanned<Value>)> = Vec::new();
        for m in p.into_inner().filter(|c| !is_trivia(c)) {
            match m.as_rule() {
                Rule::property => {
                    let mut parts = m
                        .clone()
                        .into_inner()
                        .filter(|c| !is_trivia(c) && c.as_rule() != Rule::colon);
                    let (Some(k), Some(e)) = (parts.next(), parts.next()) else {
                        continue;
                    };
                    let (key, forced) = self.key(k)?;
                    let value = self.expression(e)?;
                    let value = match forced {
                        Some(mut u) => {
                            u.span = value.span;
                            u
                        }
                        None => value,
                    };
                    insert_last_wins(&mut entries, key, value);
                }
                Rule::method => {
                    let k = m
                        .clone()
                        .into_inner()
                        .find(|c| matches!(c.as_rule(), Rule::string | Rule::number_key | Rule::identifier_name));
                    if let Some(k) = k {
                        let (key, _) = self.key(k)?;
                        let v = self.unknown(&m, format!("`{}` is a method", key.value));
                        insert_last_wins(&mut entries, key, v);
                    }
                }
                Rule::shorthand => {
                    let key = Spanned::new(m.as_str().to_string(), self.span(&m));
                    let value = match self.bindings.get(m.as_str()) {
                        Some(v) => v.clone(),
                        None => self.unknown(&m, format!("`{}` is not defined in this file", m.as_str())),
                    };
                    insert_last_wins(&mut entries, key, value);
                }
                Rule::shorthand_default => {
                    if let Some(id) = m.clone().into_inner().find(|c| c.as_rule() == Rule::identifier) {
                        let key = Spanned::new(id.as_str().to_string(), self.span(&id));
                        let v = self.unknown(&m, format!("`{}` is a default in a pattern", short(self.text_of(&m))));
                        insert_last_wins(&mut entries, key, v);
                    }
                }
                Rule::spread => {
                    let inner = m.clone().into_inner().find(|c| c.as_rule() == Rule::expression);
                    let v = match inner {
                        Some(e) => self.expression(e)?,
                        None => continue,
                    };
                    match v.value {
                        Value::Map(more) => {
                            for (k, v) in more {
                                insert_last_wins(&mut entries, k, v);
                            }
                        }
                        Value::Null => {}
                        _ => {
                            let t = short(self.text_of(&m));
                            let key = Spanned::new(t.clone(), self.span(&m));
                            let v = self.unknown(&m, format!("`{t}` spreads values lint502 cannot see"));
                            entries.push((key, v));
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(Spanned::new(Value::Map(entries), span))
    }

    fn array(&mut self, p: Pair<Rule>) -> Result<Spanned<Value>, SyntaxError> {
        let span = self.span(&p);
        let mut items = Vec::new();
        let mut expect_element = true;
        for c in p.into_inner().filter(|c| !is_trivia(c)) {
            match c.as_rule() {
                Rule::comma => {
                    if expect_element {
                        // A hole: `[a, , b]`.
                        items.push(Spanned::new(Value::Null, self.span(&c)));
                    }
                    expect_element = true;
                }
                Rule::expression => {
                    items.push(self.expression(c)?);
                    expect_element = false;
                }
                Rule::spread => {
                    expect_element = false;
                    let inner = c.clone().into_inner().find(|x| x.as_rule() == Rule::expression);
                    let v = match inner {
                        Some(e) => self.expression(e)?,
                        None => continue,
                    };
                    match v.value {
                        Value::List(more) => items.extend(more),
                        _ => {
                            let t = short(self.text_of(&c));
                            items.push(self.unknown(&c, format!("`{t}` spreads values lint502 cannot see")));
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(Spanned::new(Value::List(items), span))
    }
}

/// Insert with JavaScript's semantics for a repeated key: the first position
/// is kept, the last value wins (its key span too).
fn insert_last_wins(entries: &mut Vec<(Spanned<String>, Spanned<Value>)>, key: Spanned<String>, value: Spanned<Value>) {
    if let Some(slot) = entries.iter_mut().find(|(k, _)| k.value == key.value) {
        *slot = (key, value);
    } else {
        entries.push((key, value));
    }
}

/// A JavaScript numeric literal (sign, `_` separators, `0x`/`0o`/`0b`,
/// `Infinity`, `NaN`): an integer when it has no fraction or exponent and
/// fits in i64, else a float.
fn number_value(text: &str) -> Value {
    let (neg, body) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let body: String = body.chars().filter(|&c| c != '_').collect();
    let lower = body.to_ascii_lowercase();
    let radix = if lower.starts_with("0x") {
        Some(16)
    } else if lower.starts_with("0o") {
        Some(8)
    } else if lower.starts_with("0b") {
        Some(2)
    } else {
        None
    };
    let v = if let Some(r) = radix {
        match i64::from_str_radix(&body[2..], r) {
            Ok(i) => Value::Int(i),
            Err(_) => match u128::from_str_radix(&body[2..], r) {
                Ok(u) => Value::Float(u as f64),
                Err(_) => return Value::Unknown(format!("`{}` is not a number", short(text))),
            },
        }
    } else if body == "Infinity" {
        Value::Float(f64::INFINITY)
    } else if body == "NaN" {
        Value::Float(f64::NAN)
    } else if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return Value::Unknown(format!("`{}` is not a number", short(text)));
    } else if !body.contains(['.', 'e', 'E']) {
        match body.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => match body.parse::<f64>() {
                Ok(f) => Value::Float(f),
                Err(_) => return Value::Unknown(format!("`{}` is not a number", short(text))),
            },
        }
    } else {
        // Rust does not read `5.` or `.5e3` forms differently from JS except
        // for a trailing dot, which it rejects.
        let fixed = if body.contains(".e") || body.contains(".E") {
            body.replacen('.', ".0", 1)
        } else if body.ends_with('.') {
            format!("{body}0")
        } else {
            body.clone()
        };
        match fixed.parse::<f64>() {
            Ok(f) => Value::Float(f),
            Err(_) => return Value::Unknown(format!("`{}` is not a number", short(text))),
        }
    };
    match (neg, v) {
        (true, Value::Int(i)) => i.checked_neg().map(Value::Int).unwrap_or(Value::Float(-(i as f64))),
        (true, Value::Float(f)) => Value::Float(-f),
        (_, v) => v,
    }
}

/// A numeric property name as JavaScript turns it into a string.
fn number_key(text: &str) -> String {
    match number_value(text) {
        Value::Int(i) => i.to_string(),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{}", f as i128),
        Value::Float(f) => f.to_string(),
        _ => text.to_string(),
    }
}

/// Fold `1000 * 60 * 5`: `*` and `/` before `+` and `-`.
fn arithmetic(p: &Pair<Rule>) -> Value {
    #[derive(Clone, Copy)]
    enum N {
        I(i64),
        F(f64),
    }
    fn f(n: N) -> f64 {
        match n {
            N::I(i) => i as f64,
            N::F(x) => x,
        }
    }
    fn op(a: N, o: &str, b: N) -> N {
        match (a, b, o) {
            (N::I(x), N::I(y), "*") => x.checked_mul(y).map(N::I).unwrap_or(N::F(x as f64 * y as f64)),
            (N::I(x), N::I(y), "+") => x.checked_add(y).map(N::I).unwrap_or(N::F(x as f64 + y as f64)),
            (N::I(x), N::I(y), "-") => x.checked_sub(y).map(N::I).unwrap_or(N::F(x as f64 - y as f64)),
            (N::I(x), N::I(y), "/") if y != 0 && x % y == 0 => N::I(x / y),
            (a, b, "*") => N::F(f(a) * f(b)),
            (a, b, "+") => N::F(f(a) + f(b)),
            (a, b, "-") => N::F(f(a) - f(b)),
            (a, b, _) => N::F(f(a) / f(b)),
        }
    }
    let mut nums = Vec::new();
    let mut ops = Vec::new();
    for c in p.clone().into_inner() {
        match c.as_rule() {
            Rule::number => match number_value(c.as_str()) {
                Value::Int(i) => nums.push(N::I(i)),
                Value::Float(x) => nums.push(N::F(x)),
                _ => return Value::Unknown(format!("`{}` is not evaluated", short(p.as_str()))),
            },
            Rule::arith_op => ops.push(c.as_str()),
            _ => {}
        }
    }
    if nums.len() != ops.len() + 1 {
        return Value::Unknown(format!("`{}` is not evaluated", short(p.as_str())));
    }
    // Multiplicative pass.
    let mut terms = vec![nums[0]];
    let mut add_ops = Vec::new();
    for (o, n) in ops.iter().zip(nums.iter().skip(1)) {
        if *o == "*" || *o == "/" {
            if let Some(last) = terms.last_mut() {
                *last = op(*last, o, *n);
            }
        } else {
            add_ops.push(*o);
            terms.push(*n);
        }
    }
    let mut acc = terms[0];
    for (o, n) in add_ops.iter().zip(terms.iter().skip(1)) {
        acc = op(acc, o, *n);
    }
    match acc {
        N::I(i) => Value::Int(i),
        N::F(x) => Value::Float(x),
    }
}

/// Undo JavaScript string escapes (§12.9.4). Errors: (offset, length, message).
fn unescape_js(raw: &str) -> Result<String, (usize, usize, String)> {
    if !raw.contains('\\') {
        return Ok(raw.to_string());
    }
    let mut out = String::with_capacity(raw.len());
    let mut pending_high: Option<u32> = None;
    let mut it = raw.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c != '\\' {
            if pending_high.take().is_some() {
                out.push('\u{FFFD}');
            }
            out.push(c);
            continue;
        }
        let Some((_, e)) = it.next() else { break };
        let hex = |it: &mut std::iter::Peekable<std::str::CharIndices>, n: usize| -> Option<u32> {
            let mut v = 0;
            for _ in 0..n {
                let (_, d) = it.next()?;
                v = v * 16 + d.to_digit(16)?;
            }
            Some(v)
        };
        match e {
            'n' => super::push_utf16_unit(&mut out, &mut pending_high, 0x0A),
            't' => super::push_utf16_unit(&mut out, &mut pending_high, 0x09),
            'r' => super::push_utf16_unit(&mut out, &mut pending_high, 0x0D),
            'b' => super::push_utf16_unit(&mut out, &mut pending_high, 0x08),
            'f' => super::push_utf16_unit(&mut out, &mut pending_high, 0x0C),
            'v' => super::push_utf16_unit(&mut out, &mut pending_high, 0x0B),
            'x' => match hex(&mut it, 2) {
                Some(v) => super::push_utf16_unit(&mut out, &mut pending_high, v),
                None => {
                    return Err((
                        i,
                        2,
                        "found an invalid `\\x` escape, expected two hexadecimal digits".into(),
                    ));
                }
            },
            'u' => {
                let v = if it.peek().map(|&(_, c)| c) == Some('{') {
                    it.next();
                    let mut v: u32 = 0;
                    let mut ok = false;
                    loop {
                        match it.next() {
                            Some((_, '}')) => break,
                            Some((_, d)) if d.is_ascii_hexdigit() && v <= 0x10FFFF => {
                                v = v * 16 + d.to_digit(16).unwrap_or(0);
                                ok = true;
                            }
                            _ => {
                                ok = false;
                                break;
                            }
                        }
                    }
                    if ok && v <= 0x10FFFF { Some(v) } else { None }
                } else {
                    hex(&mut it, 4)
                };
                match v {
                    Some(v) => super::push_utf16_unit(&mut out, &mut pending_high, v),
                    None => {
                        return Err((
                            i,
                            2,
                            "found an invalid `\\u` escape, expected four hexadecimal digits or `\\u{…}`".into(),
                        ));
                    }
                }
            }
            '0'..='7' => {
                // `\0`, and legacy octal escapes (sloppy mode).
                let mut v = e.to_digit(8).unwrap_or(0);
                let max = if e <= '3' { 2 } else { 1 };
                for _ in 0..max {
                    match it.peek().and_then(|&(_, d)| d.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            it.next();
                        }
                        None => break,
                    }
                }
                super::push_utf16_unit(&mut out, &mut pending_high, v);
            }
            // Line continuations.
            '\r' => {
                if it.peek().map(|&(_, c)| c) == Some('\n') {
                    it.next();
                }
            }
            '\n' | '\u{2028}' | '\u{2029}' => {}
            other => {
                if pending_high.take().is_some() {
                    out.push('\u{FFFD}');
                }
                out.push(other);
            }
        }
    }
    if pending_high.is_some() {
        out.push('\u{FFFD}');
    }
    Ok(out)
}

// ====================================================================== YAML

/// A collection being read.
struct Frame {
    start: usize,
    flow: bool,
    anchor: usize,
    kind: FrameKind,
    /// End of the last child (for block collections).
    end: usize,
}

enum FrameKind {
    Seq(Vec<Spanned<Value>>),
    Map {
        entries: Vec<(Spanned<String>, Spanned<Value>)>,
        key: Option<Spanned<String>>,
        /// Keys that came from a `<<` merge and may be overridden.
        merged: Vec<String>,
    },
}

struct YamlReader<'t> {
    file: FileId,
    text: &'t str,
    line_starts: Vec<usize>,
    /// Length of a leading byte order mark (not given to yaml-rust2, which
    /// would read it as part of the first key; js-yaml strips it).
    bom: usize,
    stack: Vec<Frame>,
    root: Option<Spanned<Value>>,
    anchors: HashMap<usize, (Spanned<Value>, usize)>,
    expanded: usize,
    /// Spans of scalars (comments are not inside them).
    scalars: Vec<(usize, usize)>,
    /// End of the last node read.
    last_end: usize,
}

fn yaml_line_starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut v = vec![0];
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\r' if b.get(i + 1) == Some(&b'\n') => {
                i += 2;
                v.push(i);
            }
            b'\n' | b'\r' => {
                i += 1;
                v.push(i);
            }
            _ => i += 1,
        }
    }
    v
}

/// Number of values in a tree (for the alias budget), without recursion.
fn count_nodes(v: &Value) -> usize {
    let mut n = 0;
    let mut todo = vec![v];
    while let Some(v) = todo.pop() {
        n += 1;
        match v {
            Value::List(items) => todo.extend(items.iter().map(|i| &i.value)),
            Value::Map(entries) => todo.extend(entries.iter().map(|(_, v)| &v.value)),
            _ => {}
        }
    }
    n
}

/// A plain scalar under the YAML 1.2 core schema, as js-yaml 4.3 (PM2's YAML
/// reader) applies it: integers may also be signed `0x`/`0o`/`0b` forms, a
/// float may not start with a sign and a dot (`-.5` is a string), and a date
/// stays a string (js-yaml would make a `Date`).
fn yaml_plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Value::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Value::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Value::Float(f64::NAN),
        _ => {}
    }
    let (neg, unsigned) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(d) = unsigned.strip_prefix(prefix)
            && !d.is_empty()
            && d.chars().all(|c| c.is_digit(radix))
        {
            return match i64::from_str_radix(d, radix) {
                Ok(i) if neg => Value::Int(-i),
                Ok(i) => Value::Int(i),
                Err(_) => Value::Str(s.to_string()),
            };
        }
    }
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return match s.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => s.parse::<f64>().map(Value::Float).unwrap_or(Value::Str(s.to_string())),
        };
    }
    if is_core_float(unsigned) && !(unsigned.starts_with('.') && unsigned.len() != s.len()) {
        let fixed = if unsigned.starts_with('.') {
            format!("0{s}")
        } else {
            s.to_string()
        };
        if let Ok(f) = fixed.parse::<f64>() {
            return Value::Float(f);
        }
    }
    Value::Str(s.to_string())
}

/// `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (sign already removed).
fn is_core_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - s
    };
    if b.first() == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e') | Some(b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+') | Some(b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// The suffix of a tag from the YAML core set (`!!str` = `tag:yaml.org,2002:str`).
fn core_tag(tag: &Tag) -> Option<&str> {
    if tag.handle == "!!" || tag.handle == "tag:yaml.org,2002:" {
        Some(tag.suffix.as_str())
    } else if let Some(s) = tag.suffix.strip_prefix("tag:yaml.org,2002:") {
        Some(s)
    } else {
        None
    }
}

impl YamlReader<'_> {
    /// An error at `start..end` (`parse_file` keeps every error span inside
    /// the text and on character boundaries).
    fn err(&self, start: usize, end: usize, message: String) -> SyntaxError {
        error(self.file, start, end, message)
    }

    /// Byte offset of a marker. yaml-rust2's `index` counts characters
    /// (bytes for some block scalar lines), so line and column are used:
    /// the line is 1-based and counts `\r\n`, `\n` and `\r`; the column
    /// counts characters from 0.
    fn offset(&self, m: &Marker) -> usize {
        let line = m.line().max(1) - 1;
        let Some(&start) = self.line_starts.get(line) else {
            return self.text.len();
        };
        let start = if line == 0 { start + self.bom } else { start };
        let end = self.line_starts.get(line + 1).copied().unwrap_or(self.text.len());
        let line_text = &self.text[start..end];
        match line_text.char_indices().nth(m.col()) {
            Some((i, _)) => start + i,
            None => end,
        }
    }

    /// Skip node properties (`&anchor`, `!tag`) before a node's content.
    fn skip_props(&self, mut i: usize) -> usize {
        let b = self.text.as_bytes();
        while matches!(b.get(i), Some(b'&') | Some(b'!')) {
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += 1;
            }
            while matches!(b.get(i), Some(b' ') | Some(b'\t') | Some(b'\n') | Some(b'\r')) {
                i += 1;
            }
        }
        i
    }

    /// Where a scalar that starts at `start` ends in the text.
    fn scalar_end(&self, start: usize, value: &str, style: TScalarStyle) -> usize {
        let b = self.text.as_bytes();
        let line_end = |i: usize| {
            let mut j = i;
            while j < b.len() && b[j] != b'\n' && b[j] != b'\r' {
                j += 1;
            }
            j
        };
        match style {
            TScalarStyle::SingleQuoted => {
                let mut i = start + 1;
                while i < b.len() {
                    if b[i] == b'\'' {
                        if b.get(i + 1) == Some(&b'\'') {
                            i += 2;
                            continue;
                        }
                        return i + 1;
                    }
                    i += 1;
                }
                b.len()
            }
            TScalarStyle::DoubleQuoted => {
                let mut i = start + 1;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i += 2,
                        b'"' => return i + 1,
                        _ => i += 1,
                    }
                }
                b.len()
            }
            TScalarStyle::Literal | TScalarStyle::Folded => {
                if value.trim().is_empty() {
                    return line_end(start);
                }
                self.match_loose(start, value).unwrap_or_else(|| line_end(start))
            }
            _ => self.match_loose(start, value).unwrap_or_else(|| line_end(start)),
        }
    }

    /// Match the non-blank characters of `value` in order from `from`,
    /// skipping white space in the text (folding and indentation): the end
    /// of the last one.
    fn match_loose(&self, from: usize, value: &str) -> Option<usize> {
        let rest = self.text.get(from..)?;
        let mut chars = rest.char_indices();
        let mut end = from;
        for vc in value.chars().filter(|c| !c.is_whitespace()) {
            loop {
                let (i, tc) = chars.next()?;
                if tc.is_whitespace() {
                    continue;
                }
                if tc != vc {
                    return None;
                }
                end = from + i + tc.len_utf8();
                break;
            }
        }
        Some(end)
    }

    /// The `|` or `>` of a block scalar whose content starts at `content`:
    /// on the nearest non-blank line above, at the end of that line (before
    /// chomping and indentation indicators and a comment).
    fn block_header(&self, content: usize) -> Option<usize> {
        let b = self.text.as_bytes();
        if matches!(b.get(content), Some(b'|') | Some(b'>')) {
            return Some(content);
        }
        let line = self.line_starts.partition_point(|&s| s <= content).checked_sub(1)?;
        for l in (0..line).rev() {
            let from = self.line_starts[l];
            let to = self.line_starts.get(l + 1).copied().unwrap_or(self.text.len());
            let full = &self.text[from..to];
            let code = match full.find(" #").or_else(|| full.find("\t#")) {
                Some(c) => &full[..c],
                None => full,
            };
            let code = code.trim_end();
            if code.is_empty() {
                continue;
            }
            let indicators = code.trim_end_matches(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
            return match indicators.chars().last() {
                Some('|') | Some('>') => Some(from + indicators.len() - 1),
                _ => None,
            };
        }
        None
    }

    fn scalar(
        &mut self,
        s: String,
        style: TScalarStyle,
        tag: Option<Tag>,
        mark: &Marker,
    ) -> Result<Spanned<Value>, SyntaxError> {
        let at = self.skip_props(self.offset(mark));
        let (start, end) = if s.is_empty() && style == TScalarStyle::Plain {
            (self.last_end.min(at), self.last_end.min(at))
        } else if matches!(style, TScalarStyle::Literal | TScalarStyle::Folded) {
            let header = self.block_header(at).unwrap_or(at);
            let content = if header == at {
                // The marker is on the indicator: the content starts on the next line.
                self.text[at..].find(['\n', '\r']).map_or(self.text.len(), |k| at + k)
            } else {
                at
            };
            let end = self.scalar_end(content, &s, style).max(content);
            if end > content {
                self.scalars.push((content, end));
            }
            (header, end)
        } else {
            let end = self.scalar_end(at, &s, style).max(at);
            if end > at {
                self.scalars.push((at, end));
            }
            (at, end)
        };
        let value = match (&tag, style) {
            (Some(t), _) => match core_tag(t) {
                Some("str") => Value::Str(s),
                Some("null") => Value::Null,
                Some("bool") | Some("int") | Some("float") => {
                    let v = yaml_plain(&s);
                    let ok = matches!(
                        (core_tag(t), &v),
                        (Some("bool"), Value::Bool(_))
                            | (Some("int"), Value::Int(_))
                            | (Some("float"), Value::Float(_) | Value::Int(_))
                    );
                    if !ok {
                        return Err(self.err(
                            start,
                            end,
                            format!(
                                "found `{}`, expected a value of the yaml tag `!!{}`",
                                short(&s),
                                t.suffix
                            ),
                        ));
                    }
                    v
                }
                Some(other) => Value::Unknown(format!("a yaml `!!{other}` value")),
                None => {
                    return Err(self.err(
                        start,
                        end,
                        format!(
                            "found the tag `{}{}`, expected no tag (js-yaml, which PM2 uses, does not know it)",
                            t.handle, t.suffix
                        ),
                    ));
                }
            },
            (None, TScalarStyle::Plain) => yaml_plain(&s),
            (None, _) => Value::Str(s),
        };
        Ok(Spanned::new(value, Span::new(self.file, start, end)))
    }

    fn open(&mut self, mark: &Marker, anchor: usize, tag: Option<Tag>, seq: bool) -> Result<(), SyntaxError> {
        let start = self.skip_props(self.offset(mark));
        if self.stack.len() >= MAX_NESTING {
            return Err(self.err(
                start,
                start + 1,
                format!("found yaml collections nested more than {MAX_NESTING} deep, expected at most {MAX_NESTING} levels (lint502's limit)"),
            ));
        }
        if let Some(t) = &tag
            && core_tag(t).is_none()
        {
            return Err(self.err(
                start,
                start + 1,
                format!(
                    "found the tag `{}{}`, expected no tag (js-yaml, which PM2 uses, does not know it)",
                    t.handle, t.suffix
                ),
            ));
        }
        let flow = matches!(self.text.as_bytes().get(start), Some(b'{') | Some(b'['));
        let kind = if seq {
            FrameKind::Seq(Vec::new())
        } else {
            FrameKind::Map {
                entries: Vec::new(),
                key: None,
                merged: Vec::new(),
            }
        };
        self.stack.push(Frame {
            start,
            flow,
            anchor,
            kind,
            end: start,
        });
        Ok(())
    }

    fn close(&mut self, mark: &Marker) -> Result<(), SyntaxError> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        let end = if frame.flow {
            let at = self.offset(mark);
            (at + 1).max(frame.start + 1).min(self.text.len())
        } else {
            frame.end.max(frame.start)
        };
        let span = Span::new(self.file, frame.start, end);
        let value = match frame.kind {
            FrameKind::Seq(items) => Value::List(items),
            FrameKind::Map { entries, key, .. } => {
                let mut entries = entries;
                if let Some(k) = key {
                    // A key without a value (cannot happen with well-formed events).
                    entries.push((k.clone(), Spanned::new(Value::Null, k.span)));
                }
                Value::Map(entries)
            }
        };
        let node = Spanned::new(value, span);
        if frame.anchor != 0 {
            let n = count_nodes(&node.value);
            self.anchors.insert(frame.anchor, (node.clone(), n));
        }
        self.push(node)
    }

    /// A key of a mapping, as js-yaml turns it into a property name
    /// (JavaScript's `String(key)`: a list is joined with `,`).
    fn key_string(&self, node: &Spanned<Value>) -> String {
        fn js_string(v: &Value, top: bool) -> String {
            match v {
                Value::Str(s) => s.clone(),
                Value::Int(i) => i.to_string(),
                Value::Float(f) if f.is_nan() => "NaN".into(),
                Value::Float(f) if f.is_infinite() => if *f > 0.0 { "Infinity" } else { "-Infinity" }.into(),
                Value::Float(f) => f.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null if top => "null".into(),
                Value::Null => String::new(),
                Value::List(items) => items
                    .iter()
                    .map(|i| js_string(&i.value, false))
                    .collect::<Vec<_>>()
                    .join(","),
                Value::Map(_) => "[object Object]".into(),
                _ => String::new(),
            }
        }
        js_string(&node.value, true)
    }

    fn push(&mut self, node: Spanned<Value>) -> Result<(), SyntaxError> {
        self.last_end = self.last_end.max(node.span.end as usize);
        let end = node.span.end as usize;
        let key_string = self.key_string(&node);
        let text = self.text;
        let file = self.file;
        let Some(top) = self.stack.last_mut() else {
            self.root = Some(node);
            return Ok(());
        };
        // A block mapping starts at its first key (yaml-rust2's marker is
        // not there); a block sequence at its first `-`, else its first item.
        let first = match &top.kind {
            FrameKind::Seq(items) => items.is_empty() && text.as_bytes().get(top.start) != Some(&b'-'),
            FrameKind::Map { entries, key, .. } => entries.is_empty() && key.is_none(),
        };
        if first && !top.flow {
            top.start = node.span.start as usize;
        }
        top.end = top.end.max(end);
        match &mut top.kind {
            FrameKind::Seq(items) => items.push(node),
            FrameKind::Map { entries, key, merged } => match key.take() {
                None => *key = Some(Spanned::new(key_string, node.span)),
                Some(k) => {
                    let is_merge = k.value == "<<" && text.get(k.span.range()) == Some("<<");
                    if is_merge {
                        let sources: Vec<&Spanned<Value>> = match &node.value {
                            Value::Map(_) => vec![&node],
                            Value::List(items) if items.iter().all(|i| matches!(i.value, Value::Map(_))) => {
                                items.iter().collect()
                            }
                            _ => {
                                return Err(error(
                                    file,
                                    node.span.start as usize,
                                    node.span.end as usize,
                                    "found a `<<` merge of something else, expected a mapping or a list of mappings"
                                        .into(),
                                ));
                            }
                        };
                        for src in sources {
                            if let Value::Map(more) = &src.value {
                                for (mk, mv) in more {
                                    if !entries.iter().any(|(ek, _)| ek.value == mk.value) {
                                        entries.push((mk.clone(), mv.clone()));
                                        merged.push(mk.value.clone());
                                    }
                                }
                            }
                        }
                        return Ok(());
                    }
                    if let Some(pos) = entries.iter().position(|(ek, _)| ek.value == k.value) {
                        if let Some(m) = merged.iter().position(|m| *m == k.value) {
                            merged.remove(m);
                            entries[pos] = (k, node);
                            return Ok(());
                        }
                        let first = entries[pos].0.span.start as usize;
                        return Err(error(
                            file,
                            k.span.start as usize,
                            k.span.end as usize,
                            format!(
                                "found the key `{}` a second time in this mapping (first on line {}), expected each \
                                 key once (js-yaml, which PM2 uses, rejects duplicates)",
                                short(&k.value),
                                line_of(text, first)
                            ),
                        ));
                    }
                    entries.push((k, node));
                }
            },
        }
        Ok(())
    }

    fn alias(&mut self, id: usize, mark: &Marker) -> Result<(), SyntaxError> {
        let at = self.offset(mark);
        let b = self.text.as_bytes();
        let mut end = (at + 1).min(b.len());
        while end < b.len() && !b[end].is_ascii_whitespace() && !matches!(b[end], b',' | b']' | b'}') {
            end += 1;
        }
        let Some((node, n)) = self.anchors.get(&id).cloned() else {
            return Err(self.err(
                at,
                end,
                "found an alias to an unknown anchor, expected a defined `&anchor`".into(),
            ));
        };
        self.expanded += n;
        if self.expanded > MAX_ALIAS_EXPANSION {
            return Err(self.err(
                at,
                end,
                format!("found aliases that expand to more than {MAX_ALIAS_EXPANSION} values, expected fewer (lint502's limit)"),
            ));
        }
        let mut node = node;
        node.span = Span::new(self.file, at, end);
        self.push(node)
    }

    /// `#` comments: a `#` at the start of a line or after white space,
    /// outside scalars.
    fn comments(&self) -> Vec<Comment> {
        let b = self.text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        let mut scalars = self.scalars.clone();
        scalars.sort_unstable();
        while i < b.len() {
            if b[i] == b'#' && (i == 0 || matches!(b[i - 1], b' ' | b'\t' | b'\n' | b'\r')) {
                let inside = match scalars.partition_point(|&(s, _)| s <= i) {
                    0 => false,
                    k => scalars[k - 1].1 > i,
                };
                if !inside {
                    let mut j = i;
                    while j < b.len() && b[j] != b'\n' && b[j] != b'\r' {
                        j += 1;
                    }
                    out.push(Comment {
                        text: self.text[i + 1..j].to_string(),
                        span: Span::new(self.file, i, j),
                    });
                    i = j;
                    continue;
                }
            }
            i += 1;
        }
        out
    }
}

fn parse_yaml(file: FileId, text: &str) -> Result<Pm2Source, SyntaxError> {
    let mut r = YamlReader {
        file,
        text,
        line_starts: yaml_line_starts(text),
        bom: if text.starts_with('\u{FEFF}') { 3 } else { 0 },
        stack: Vec::new(),
        root: None,
        anchors: HashMap::new(),
        expanded: 0,
        scalars: Vec::new(),
        last_end: 0,
    };
    let mut parser = YamlParser::new_from_str(&text[r.bom..]);
    let mut documents = 0;
    loop {
        let (ev, mark) = match parser.next_token() {
            Ok(x) => x,
            Err(e) => {
                let at = r.offset(e.marker());
                let end = text[at..].chars().next().map(|c| at + c.len_utf8()).unwrap_or(at);
                return Err(error(file, at, end, format!("invalid yaml: {}", e.info())));
            }
        };
        match ev {
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    let at = r.offset(&mark);
                    return Err(error(
                        file,
                        at,
                        // `---`, or less of it at the end (widened to whole
                        // characters by `parse_file`).
                        (at + 3).min(text.len()),
                        "found a second yaml document, expected one (js-yaml's `load`, which PM2 uses, reads one)"
                            .into(),
                    ));
                }
            }
            Event::Scalar(s, style, anchor, tag) => {
                let node = r.scalar(s, style, tag, &mark)?;
                if anchor != 0 {
                    r.anchors.insert(anchor, (node.clone(), 1));
                }
                r.push(node)?;
            }
            Event::SequenceStart(anchor, tag) => r.open(&mark, anchor, tag, true)?,
            Event::MappingStart(anchor, tag) => r.open(&mark, anchor, tag, false)?,
            Event::SequenceEnd | Event::MappingEnd => r.close(&mark)?,
            Event::Alias(id) => r.alias(id, &mark)?,
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
        }
    }
    let comments = r.comments();
    let value = r
        .root
        .take()
        .unwrap_or_else(|| Spanned::new(Value::Null, Span::new(file, 0, 0)));
    Ok(Pm2Source {
        value,
        export: Export::Document,
        comments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(7);

    fn sp(start: usize, end: usize) -> Span {
        Span::new(F, start, end)
    }

    fn v(value: Value, start: usize, end: usize) -> Spanned<Value> {
        Spanned::new(value, sp(start, end))
    }

    fn k(key: &str, start: usize, end: usize) -> Spanned<String> {
        Spanned::new(key.to_string(), sp(start, end))
    }

    fn js(text: &str) -> Spanned<Value> {
        match parse(F, text, Pm2Format::Js) {
            Ok(v) => v,
            Err(e) => panic!("{text:?}: {} at {:?}", e.message, e.span),
        }
    }

    fn json(text: &str) -> Spanned<Value> {
        match parse(F, text, Pm2Format::Json) {
            Ok(v) => v,
            Err(e) => panic!("{text:?}: {} at {:?}", e.message, e.span),
        }
    }

    fn yaml(text: &str) -> Spanned<Value> {
        match parse(F, text, Pm2Format::Yaml) {
            Ok(v) => v,
            Err(e) => panic!("{text:?}: {} at {:?}", e.message, e.span),
        }
    }

    fn err(text: &str, format: Pm2Format) -> SyntaxError {
        match parse(F, text, format) {
            Ok(v) => panic!("{text:?} parsed: {v:?}"),
            Err(e) => e,
        }
    }

    /// The value of `key` in a map (panics when absent).
    fn at<'a>(m: &'a Spanned<Value>, key: &str) -> &'a Spanned<Value> {
        m.value.get(key).unwrap_or_else(|| panic!("no key {key} in {m:?}"))
    }

    /// The text a span covers.
    fn text_of(text: &str, s: Span) -> &str {
        &text[s.range()]
    }

    fn unknown(v: &Spanned<Value>) -> &str {
        match &v.value {
            Value::Unknown(r) => r,
            other => panic!("expected unknown, got {other:?}"),
        }
    }

    // ------------------------------------------------------------ formats

    #[test]
    fn formats_by_file_name() {
        let f = |n: &str| format_of(Path::new(n));
        assert_eq!(f("deploy/ecosystem.config.js"), Some(Pm2Format::Js));
        assert_eq!(f("ecosystem.config.cjs"), Some(Pm2Format::Js));
        assert_eq!(f("ecosystem.config.mjs"), Some(Pm2Format::Js));
        assert_eq!(f("pm2.config.js"), Some(Pm2Format::Js));
        assert_eq!(f("process.json"), Some(Pm2Format::Json));
        assert_eq!(f("ecosystem.json5"), Some(Pm2Format::Json));
        assert_eq!(f("process.yml"), Some(Pm2Format::Yaml));
        assert_eq!(f("apps.yaml"), Some(Pm2Format::Yaml));
        assert_eq!(f("ecosystem.js"), None);
        assert_eq!(f("server.js"), None);
        assert_eq!(f("ecosystem.config.ts"), None);
    }

    // ------------------------------------------------------------ JS values

    #[test]
    fn module_exports_object_with_exact_spans() {
        let text = "module.exports = { name: 'api', 'port': 3000, \"ok\": true, };";
        assert_eq!(
            js(text),
            v(
                Value::Map(vec![
                    (k("name", 19, 23), v(Value::Str("api".into()), 25, 30)),
                    (k("port", 32, 38), v(Value::Int(3000), 40, 44)),
                    (k("ok", 46, 50), v(Value::Bool(true), 52, 56)),
                ]),
                17,
                59
            )
        );
    }

    #[test]
    fn arrays_nested_and_trailing_commas() {
        let text = "module.exports = { apps: [ { script: 'a.js' }, [1, 2,], ] }";
        let root = js(text);
        let apps = at(&root, "apps");
        assert_eq!(text_of(text, apps.span), "[ { script: 'a.js' }, [1, 2,], ]");
        let Value::List(items) = &apps.value else { panic!() };
        assert_eq!(items.len(), 2);
        assert_eq!(text_of(text, items[0].span), "{ script: 'a.js' }");
        assert_eq!(
            items[1],
            v(
                Value::List(vec![v(Value::Int(1), 48, 49), v(Value::Int(2), 51, 52)]),
                47,
                54
            )
        );
        // Holes are null: `[1, , 2]` has three elements, a trailing comma adds none.
        let root = js("module.exports = [1, , 2,]");
        let Value::List(items) = &root.value else { panic!() };
        assert_eq!(
            items.iter().map(|i| i.value.clone()).collect::<Vec<_>>(),
            [Value::Int(1), Value::Null, Value::Int(2)]
        );
    }

    #[test]
    fn strings_and_escapes() {
        let root = js(
            r#"module.exports = { a: 'it\'s', b: "tab\there", c: '\x41\u0042\u{43}', d: 'a\
b', e: "\uD83D\uDE00", f: '' }"#,
        );
        assert_eq!(at(&root, "a").value, Value::Str("it's".into()));
        assert_eq!(at(&root, "b").value, Value::Str("tab\there".into()));
        assert_eq!(at(&root, "c").value, Value::Str("ABC".into()));
        assert_eq!(at(&root, "d").value, Value::Str("ab".into()));
        assert_eq!(at(&root, "e").value, Value::Str("😀".into()));
        assert_eq!(at(&root, "f").value, Value::Str(String::new()));
    }

    #[test]
    fn templates_without_and_with_substitutions() {
        let text = "module.exports = { a: `plain`, b: `port ${process.env.PORT}` }";
        let root = js(text);
        assert_eq!(at(&root, "a"), &v(Value::Str("plain".into()), 22, 29));
        let b = at(&root, "b");
        assert_eq!(text_of(text, b.span), "`port ${process.env.PORT}`");
        assert!(unknown(b).contains("template literal"), "{b:?}");
    }

    #[test]
    fn numbers() {
        let root = js(
            "module.exports = { a: 0x1F, b: 1_000, c: -3, d: 1.5, e: 1e3, f: .5, g: 0o17, h: 0b101, i: +7, \
                       j: Infinity, k: -0.25, l: 5. }",
        );
        let n = |key: &str| at(&root, key).value.clone();
        assert_eq!(n("a"), Value::Int(31));
        assert_eq!(n("b"), Value::Int(1000));
        assert_eq!(n("c"), Value::Int(-3));
        assert_eq!(n("d"), Value::Float(1.5));
        assert_eq!(n("e"), Value::Float(1000.0));
        assert_eq!(n("f"), Value::Float(0.5));
        assert_eq!(n("g"), Value::Int(15));
        assert_eq!(n("h"), Value::Int(5));
        assert_eq!(n("i"), Value::Int(7));
        assert_eq!(n("j"), Value::Float(f64::INFINITY));
        assert_eq!(n("k"), Value::Float(-0.25));
        assert_eq!(n("l"), Value::Float(5.0));
    }

    #[test]
    fn arithmetic_on_literals_is_folded() {
        let text = "module.exports = { min_uptime: 1000 * 60 * 5, a: 1 + 2 * 3, b: 10 / 4, c: 2 - 5 }";
        let root = js(text);
        assert_eq!(at(&root, "min_uptime"), &v(Value::Int(300_000), 31, 44));
        assert_eq!(at(&root, "a").value, Value::Int(7));
        assert_eq!(at(&root, "b").value, Value::Float(2.5));
        assert_eq!(at(&root, "c").value, Value::Int(-3));
        // Anything else makes it unknown.
        let root = js("module.exports = { a: 2 ** 3, b: 1 + x }");
        unknown(at(&root, "a"));
        unknown(at(&root, "b"));
    }

    #[test]
    fn literals_true_false_null_undefined() {
        let root = js("module.exports = { a: true, b: false, c: null, d: undefined, e: trueish }");
        assert_eq!(at(&root, "a").value, Value::Bool(true));
        assert_eq!(at(&root, "b").value, Value::Bool(false));
        assert_eq!(at(&root, "c").value, Value::Null);
        assert_eq!(at(&root, "d").value, Value::Null);
        assert_eq!(unknown(at(&root, "e")), "`trueish` is not defined in this file");
    }

    #[test]
    fn keys_quoted_unquoted_numeric_reserved() {
        let text = "module.exports = { 'pre-deploy': 1, \"post\": 2, default: 3, 10: 4, $x_1: 5 }";
        let root = js(text);
        let Value::Map(entries) = &root.value else { panic!() };
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.value.as_str()).collect();
        assert_eq!(keys, ["pre-deploy", "post", "default", "10", "$x_1"]);
        assert_eq!(entries[0].0, k("pre-deploy", 19, 31));
    }

    #[test]
    fn computed_keys_are_unknown_unless_literal() {
        let text = "module.exports = { [name]: 1, ['apps']: [] }";
        let root = js(text);
        let Value::Map(entries) = &root.value else { panic!() };
        assert_eq!(entries[0].0, k("[name]", 19, 25));
        assert_eq!(unknown(&entries[0].1), "the computed key `[name]` is not evaluated");
        assert_eq!(entries[0].1.span, sp(27, 28));
        assert_eq!(entries[1].0, k("apps", 30, 38));
        assert_eq!(entries[1].1.value, Value::List(vec![]));
    }

    #[test]
    fn repeated_keys_last_wins_in_first_position() {
        let text = "module.exports = { a: 1, b: 2, a: 3 }";
        let root = js(text);
        assert_eq!(
            root.value,
            Value::Map(vec![
                (k("a", 31, 32), v(Value::Int(3), 34, 35)),
                (k("b", 25, 26), v(Value::Int(2), 28, 29))
            ])
        );
    }

    #[test]
    fn comments_are_skipped_and_returned() {
        let text = "// lint502: ignore[PM001] -- why\nmodule.exports = { /* inline */ a: 1, // trailing\n}";
        let src = parse_file(F, text, Pm2Format::Js).expect("parses");
        assert_eq!(src.value.value.get("a").map(|a| a.value.clone()), Some(Value::Int(1)));
        let got: Vec<(&str, &str)> = src
            .comments
            .iter()
            .map(|c| (c.text.as_str(), text_of(text, c.span)))
            .collect();
        assert_eq!(
            got,
            [
                (" lint502: ignore[PM001] -- why", "// lint502: ignore[PM001] -- why"),
                (" inline ", "/* inline */"),
                (" trailing", "// trailing"),
            ]
        );
    }

    // ------------------------------------------------------------ env

    #[test]
    fn env_lookups() {
        let text = "module.exports = { a: process.env.PORT || 3000, b: process.env['HOST'], c: process.env.X ?? 'x', \
                    d: process.env.PORT }";
        let root = js(text);
        assert_eq!(
            at(&root, "a"),
            &v(
                Value::Env {
                    name: "PORT".into(),
                    default: Some(Box::new(v(Value::Int(3000), 42, 46)))
                },
                22,
                46
            )
        );
        assert_eq!(
            at(&root, "b").value,
            Value::Env {
                name: "HOST".into(),
                default: None
            }
        );
        assert_eq!(text_of(text, at(&root, "b").span), "process.env['HOST']");
        assert_eq!(
            at(&root, "c").value,
            Value::Env {
                name: "X".into(),
                default: Some(Box::new(v(Value::Str("x".into()), 92, 95)))
            }
        );
        assert_eq!(
            at(&root, "d").value,
            Value::Env {
                name: "PORT".into(),
                default: None
            }
        );
    }

    #[test]
    fn env_lookups_converted_to_numbers() {
        let text = "module.exports = { a: Number(process.env.PORT) || 3000, b: parseInt(process.env.PORT, 10) || 8080, \
                    c: parseInt(process.env.PORT || '5000', 10), d: Number(process.env.WORKERS) }";
        let root = js(text);
        let env = |key: &str| match &at(&root, key).value {
            Value::Env { name, default } => (name.clone(), default.as_ref().map(|d| d.value.clone())),
            other => panic!("{key}: {other:?}"),
        };
        assert_eq!(env("a"), ("PORT".into(), Some(Value::Int(3000))));
        assert_eq!(env("b"), ("PORT".into(), Some(Value::Int(8080))));
        assert_eq!(env("c"), ("PORT".into(), Some(Value::Int(5000))));
        assert_eq!(env("d"), ("WORKERS".into(), None));
        assert_eq!(
            text_of(text, at(&root, "b").span),
            "parseInt(process.env.PORT, 10) || 8080"
        );
    }

    #[test]
    fn env_in_larger_expressions_is_unknown() {
        let root = js(
            "module.exports = { a: process.env.PORT || 3000 + 1, b: process.env.A || process.env.B, \
                       c: process.env.NODE_ENV === 'production' ? 2 : 1 }",
        );
        unknown(at(&root, "a"));
        unknown(at(&root, "b"));
        unknown(at(&root, "c"));
    }

    // ------------------------------------------------------------ unknowns

    #[test]
    fn calls_requires_and_spreads_are_unknown() {
        let text = "module.exports = { a: require('./x'), b: path.join(__dirname, 'app.js'), \
                    c: os.cpus().length, d: () => { return { x: 1 } }, e: new Date(), f: [...others, 1], \
                    env: { ...process.env, A: '1' } }";
        let root = js(text);
        assert_eq!(unknown(at(&root, "a")), "`require('./x')` is not evaluated");
        assert_eq!(text_of(text, at(&root, "a").span), "require('./x')");
        assert_eq!(
            unknown(at(&root, "b")),
            "`path.join(__dirname, 'app.js')` is not evaluated"
        );
        unknown(at(&root, "c"));
        unknown(at(&root, "d"));
        unknown(at(&root, "e"));
        let Value::List(f) = &at(&root, "f").value else {
            panic!()
        };
        assert_eq!(unknown(&f[0]), "`...others` spreads values lint502 cannot see");
        assert_eq!(f[1].value, Value::Int(1));
        let env = at(&root, "env");
        let Value::Map(entries) = &env.value else { panic!() };
        assert_eq!(entries[0].0.value, "...process.env");
        assert_eq!(
            unknown(&entries[0].1),
            "`...process.env` spreads values lint502 cannot see"
        );
        assert_eq!(entries[1].1.value, Value::Str("1".into()));
    }

    #[test]
    fn methods_and_functions_are_skipped() {
        let root = js(
            "module.exports = { start() { if (a) { b() } }, get x() { return 1 }, y: function () { '}' }, \
                       z: 1 }",
        );
        assert_eq!(unknown(at(&root, "start")), "`start` is a method");
        unknown(at(&root, "x"));
        unknown(at(&root, "y"));
        assert_eq!(at(&root, "z").value, Value::Int(1));
    }

    #[test]
    fn regex_literals_do_not_confuse_the_reader() {
        let root = js("module.exports = { ignore_watch: [/node_modules/, /[\\/\\\\]\\./, /'/], a: 1 }");
        let Value::List(items) = &at(&root, "ignore_watch").value else {
            panic!()
        };
        assert_eq!(items.len(), 3);
        assert_eq!(at(&root, "a").value, Value::Int(1));
    }

    // ------------------------------------------------------------ statements

    #[test]
    fn leading_statements_are_skipped() {
        let text = "#!/usr/bin/env node\n'use strict';\nrequire('dotenv').config()\nconst path = require('path')\n\
                    const { join } = require('path');\nfunction helper(x) { return { x } }\nif (process.env.CI) { \
                    console.log('ci') } else { foo() }\nmodule.exports = { apps: [] }\n";
        let src = parse_file(F, text, Pm2Format::Js).expect("parses");
        assert_eq!(src.export, Export::CommonJs);
        assert_eq!(text_of(text, src.value.span), "{ apps: [] }");
        assert_eq!(at(&src.value, "apps").value, Value::List(vec![]));
    }

    #[test]
    fn bindings_are_resolved() {
        let text = "const apps = [{ name: 'a' }];\nconst common = { instances: 2, exec_mode: 'cluster' };\n\
                    let port = 8000\nmodule.exports = { apps, other: { ...common, instances: 4, port }, \
                    deploy: common.exec_mode, missing: common.nope }";
        let root = js(text);
        let apps = at(&root, "apps");
        assert_eq!(text_of(text, apps.span), "[{ name: 'a' }]");
        let other = at(&root, "other");
        assert_eq!(
            other.value.get("instances").map(|v| v.value.clone()),
            Some(Value::Int(4))
        );
        assert_eq!(
            other.value.get("exec_mode").map(|v| v.value.clone()),
            Some(Value::Str("cluster".into()))
        );
        let port = other.value.get("port").expect("port");
        assert_eq!(
            (port.value.clone(), text_of(text, port.span)),
            (Value::Int(8000), "8000")
        );
        assert_eq!(at(&root, "deploy").value, Value::Str("cluster".into()));
        assert_eq!(at(&root, "missing").value, Value::Null);
    }

    #[test]
    fn exports_through_a_variable() {
        let text = "const config = {\n  apps: [{ script: 'x.js' }]\n}\n\nmodule.exports = config\n";
        let root = js(text);
        assert_eq!(text_of(text, root.span), "{\n  apps: [{ script: 'x.js' }]\n}");
        let text = "const apps = [{ script: 'x.js' }]\nmodule.exports = { apps: apps }";
        let root = js(text);
        assert_eq!(text_of(text, at(&root, "apps").span), "[{ script: 'x.js' }]");
    }

    #[test]
    fn export_default_and_named() {
        let text = "const config = { apps: [] };\n\nexport default config;\n";
        let src = parse_file(F, text, Pm2Format::Js).expect("parses");
        assert_eq!(src.export, Export::EsDefault);
        assert_eq!(text_of(text, src.value.span), "{ apps: [] }");
        let src = parse_file(F, "export default { apps: [{ script: 'a' }] }", Pm2Format::Js).expect("parses");
        assert_eq!(src.export, Export::EsDefault);
        let src = parse_file(F, "export const apps = [{ script: 'a' }]", Pm2Format::Js).expect("parses");
        assert_eq!(src.export, Export::EsNamed);
        assert!(matches!(
            src.value.value.get("apps").map(|a| &a.value),
            Some(Value::List(_))
        ));
    }

    #[test]
    fn export_members_and_nothing_exported() {
        let src = parse_file(
            F,
            "module.exports.apps = [{ script: 'a' }]\nexports.deploy = {}",
            Pm2Format::Js,
        )
        .expect("parses");
        assert_eq!(src.export, Export::CommonJs);
        assert!(src.value.value.get("apps").is_some() && src.value.value.get("deploy").is_some());
        // `exports.x` after `module.exports = …` changes the old object only.
        let root = js("module.exports = { a: 1 }\nexports.b = 2");
        assert!(root.value.get("b").is_none());
        let src = parse_file(F, "const x = 1;\nconsole.log(x)\n", Pm2Format::Js).expect("parses");
        assert_eq!(src.export, Export::Nothing);
        unknown(&src.value);
    }

    #[test]
    fn unknown_export_is_unknown() {
        let text = "module.exports = defineConfig({ apps: [] })\nconst x = 1";
        let root = js(text);
        assert_eq!(text_of(text, root.span), "defineConfig({ apps: [] })");
        unknown(&root);
    }

    // ------------------------------------------------------------ JSON

    #[test]
    fn json_and_json5_use_the_same_reader() {
        let text = "{\n  \"apps\": [{\"name\": \"a\", \"instances\": 2}]\n}\n";
        let root = json(text);
        let Value::List(apps) = &at(&root, "apps").value else {
            panic!()
        };
        assert_eq!(apps[0].value.get("instances"), Some(&v(Value::Int(2), 40, 41)));
        let text = "// JSON5\n{ apps: [{ name: 'a', instances: +2, max: Infinity, }], /* end */ }";
        let src = parse_file(F, text, Pm2Format::Json).expect("parses");
        assert_eq!(src.export, Export::Document);
        assert_eq!(src.comments.len(), 2);
        let Value::List(apps) = &at(&src.value, "apps").value else {
            panic!()
        };
        assert_eq!(
            apps[0].value.get("instances").map(|i| i.value.clone()),
            Some(Value::Int(2))
        );
        // PM2 evaluates a JSON file as an expression: a statement is an error.
        let e = err("module.exports = {};", Pm2Format::Json);
        assert_eq!(e.message, "found `;`, expected the end of the file");
    }

    // ------------------------------------------------------------ errors

    #[test]
    fn syntax_errors_say_what_was_found_and_expected() {
        let cases: &[(&str, Pm2Format, &str, &str)] = &[
            (
                "{ \"a\": 1 \"b\": 2 }",
                Pm2Format::Json,
                "found `\"`, expected `,` or `}`",
                "\"",
            ),
            ("{ \"a\" 1 }", Pm2Format::Json, "found `1`, expected `:`", "1"),
            ("{ \"a\": }", Pm2Format::Json, "found `}`, expected a value", "}"),
            ("[1 2]", Pm2Format::Json, "found `2`, expected `,` or `]`", "2"),
            (
                "{\n  \"a\": \"node,\n  \"b\": 1\n}",
                Pm2Format::Json,
                "unterminated string: found a line break before the closing `\"`, expected `\"` on the same line \
                 (or `\\` before the line break)",
                "\"",
            ),
            (
                "module.exports = { apps: [ }",
                Pm2Format::Js,
                "found `}`, expected `]` to close the `[` on line 1",
                "}",
            ),
            ("\n", Pm2Format::Json, "found the end of the file, expected a value", ""),
            (
                "module.exports = { a: 1 /* open",
                Pm2Format::Js,
                "unterminated comment: found `/*` without a closing `*/`",
                "/*",
            ),
            ("module.exports = { a: 'x\\q' }", Pm2Format::Js, "", ""),
        ];
        for (text, format, message, found) in cases {
            if message.is_empty() {
                // Unknown escapes keep the character: valid.
                assert!(parse(F, text, *format).is_ok());
                continue;
            }
            let e = err(text, *format);
            assert_eq!(&e.message, message, "{text:?}");
            assert_eq!(&text[e.span.range()], *found, "{text:?}");
            assert_eq!(e.span.file, F);
            assert!(e.message.starts_with(|c: char| c.is_lowercase()) && !e.message.ends_with('.'));
        }
    }

    #[test]
    fn mismatched_closer_names_the_right_bracket() {
        let e = err("module.exports = { apps: [ }", Pm2Format::Js);
        assert!(e.message.contains("expected `]`"), "{}", e.message);
    }

    #[test]
    fn invalid_escape_is_an_error() {
        let e = err("module.exports = { a: '\\x4' }", Pm2Format::Js);
        assert_eq!(
            e.message,
            "found an invalid `\\x` escape, expected two hexadecimal digits"
        );
        assert_eq!(e.span, sp(23, 25));
    }

    #[test]
    fn ten_thousand_nested_brackets_give_an_error() {
        for open in ["[", "{a:", "(", "`${"] {
            let text = format!("module.exports = {}", open.repeat(10_000));
            let e = err(&text, Pm2Format::Js);
            assert!(e.message.contains("nested more than 128 deep"), "{}", e.message);
        }
        let text = "[".repeat(10_000) + &"]".repeat(10_000);
        let e = err(&text, Pm2Format::Json);
        assert_eq!(e.span, sp(128, 129));
        // YAML: lint502's limit, or yaml-rust2's own recursion limit.
        for text in ["- ".repeat(10_000) + "x", "[".repeat(10_000), "{a: ".repeat(10_000)] {
            let e = err(&text, Pm2Format::Yaml);
            assert!(
                e.message.contains("nested more than 128 deep") || e.message.contains("recursion limit exceeded"),
                "{}",
                e.message
            );
        }
    }

    /// The deepest accepted input must fit a 2 MiB stack (the default for
    /// spawned threads) in a debug build, for every kind of bracket.
    #[test]
    fn deepest_accepted_nesting_fits_a_small_stack() {
        let n = MAX_NESTING;
        let inputs = [
            (
                format!("module.exports = {}1{}", "[".repeat(n), "]".repeat(n)),
                Pm2Format::Js,
            ),
            (
                format!("module.exports = {}1{}", "{a:".repeat(n), "}".repeat(n)),
                Pm2Format::Js,
            ),
            (
                format!("module.exports = {}1{}", "f(".repeat(n), ")".repeat(n)),
                Pm2Format::Js,
            ),
            (
                format!("module.exports = {}1{}", "`${".repeat(n / 2), "}`".repeat(n / 2)),
                Pm2Format::Js,
            ),
            (
                format!("module.exports = {}1{}", "{[a]:".repeat(n / 2), "}".repeat(n / 2)),
                Pm2Format::Js,
            ),
            (
                format!("module.exports = {}1{}", "() => {".repeat(n), "}".repeat(n)),
                Pm2Format::Js,
            ),
            (format!("{}1{}", "[".repeat(n), "]".repeat(n)), Pm2Format::Yaml),
            // A broken innermost value: every level fails once.
            (
                format!("module.exports = {}'{}", "{a:[".repeat(n / 2), "]}".repeat(n / 2)),
                Pm2Format::Js,
            ),
        ];
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || {
                let started = std::time::Instant::now();
                let results: Vec<bool> = inputs.iter().map(|(t, f)| parse(F, t, *f).is_ok()).collect();
                (results, started.elapsed())
            })
            .expect("spawn");
        let (results, elapsed) = handle.join().expect("no stack overflow");
        assert_eq!(results, [true, true, true, true, true, true, true, false]);
        assert!(elapsed.as_secs() < 10, "nesting made the reader slow: {elapsed:?}");
    }

    #[test]
    fn garbage_never_panics() {
        let inputs = [
            "",
            "\u{FEFF}",
            "}",
            "module.exports",
            "module.exports =",
            "`",
            "'",
            "/",
            "/*",
            "\\",
            "${",
            "`${`",
            "module.exports = {a:1}}",
            "export default",
            "const",
            "const = 1",
            "((((",
            "))))",
            "é",
            "\u{2028}",
            "module.exports = { 'a\u{2028}b': 1 }",
            "\"\\u{110000}\"",
            "'\\uD800'",
            "0x",
            "1e",
            "-",
            ".5.5",
        ];
        for text in inputs {
            for f in [Pm2Format::Js, Pm2Format::Json, Pm2Format::Yaml] {
                let _ = parse_file(F, text, f);
            }
        }
    }

    // ------------------------------------------------------------ YAML

    #[test]
    fn yaml_scalars_follow_the_core_schema() {
        let text = "a: 1\nb: -2\nc: 0x1F\nd: 1.5\ne: true\nf: ~\ng:\nh: '1'\ni: yes\nj: 4,\nk: 0b101\nl: .inf\n\
                    m: 2024-01-01\nn: -.5\n";
        let root = yaml(text);
        let n = |key: &str| at(&root, key).value.clone();
        assert_eq!(n("a"), Value::Int(1));
        assert_eq!(n("b"), Value::Int(-2));
        assert_eq!(n("c"), Value::Int(31));
        assert_eq!(n("d"), Value::Float(1.5));
        assert_eq!(n("e"), Value::Bool(true));
        assert_eq!(n("f"), Value::Null);
        assert_eq!(n("g"), Value::Null);
        assert_eq!(n("h"), Value::Str("1".into()));
        assert_eq!(n("i"), Value::Str("yes".into()));
        assert_eq!(n("j"), Value::Str("4,".into()));
        assert_eq!(n("k"), Value::Int(5));
        assert_eq!(n("l"), Value::Float(f64::INFINITY));
        assert_eq!(n("m"), Value::Str("2024-01-01".into()));
        assert_eq!(n("n"), Value::Str("-.5".into()));
    }

    #[test]
    fn yaml_spans() {
        let text = "apps:\n  - name: 'caf\u{e9}'\n    script: app.js\n    instances: 4,\n    env: { PORT: 3000 }\n";
        let root = yaml(text);
        assert_eq!(root.span, sp(0, text.len() - 1));
        let Value::Map(top) = &root.value else { panic!() };
        assert_eq!(top[0].0, k("apps", 0, 4));
        let Value::List(apps) = &top[0].1.value else { panic!() };
        let app = &apps[0];
        assert_eq!(text_of(text, app.span), &text[10..text.len() - 1]);
        let Value::Map(entries) = &app.value else { panic!() };
        assert_eq!(
            entries[0],
            (k("name", 10, 14), v(Value::Str("caf\u{e9}".into()), 16, 23))
        );
        assert_eq!(
            entries[1],
            (k("script", 28, 34), v(Value::Str("app.js".into()), 36, 42))
        );
        assert_eq!(text_of(text, entries[2].1.span), "4,");
        let env = &entries[3].1;
        assert_eq!(text_of(text, env.span), "{ PORT: 3000 }");
        assert_eq!(env.value.get("PORT"), Some(&v(Value::Int(3000), 78, 82)));
    }

    #[test]
    fn yaml_spans_after_non_ascii_and_block_scalars() {
        let text =
            "caf\u{e9}: \"h\u{e9}\"\nb: |\n  line one\n  line two\nc: >\n  folded\n  text\nd: plain\n  multi\ne: 1\n";
        let root = yaml(text);
        assert_eq!(text_of(text, at(&root, "caf\u{e9}").span), "\"h\u{e9}\"");
        let b = at(&root, "b");
        assert_eq!(b.value, Value::Str("line one\nline two\n".into()));
        assert_eq!(text_of(text, b.span), "|\n  line one\n  line two");
        let c = at(&root, "c");
        assert_eq!(c.value, Value::Str("folded text\n".into()));
        assert_eq!(text_of(text, c.span), ">\n  folded\n  text");
        let d = at(&root, "d");
        assert_eq!(d.value, Value::Str("plain multi".into()));
        assert_eq!(text_of(text, d.span), "plain\n  multi");
        assert_eq!(text_of(text, at(&root, "e").span), "1");
    }

    #[test]
    fn yaml_anchors_merges_and_comments() {
        let text = "# top\nbase: &b { x: 1, y: 2 }  # after\nc:\n  <<: *b\n  x: 3\n  s: 'a # not a comment'\n";
        let src = parse_file(F, text, Pm2Format::Yaml).expect("parses");
        let c = at(&src.value, "c");
        assert_eq!(c.value.get("x").map(|v| v.value.clone()), Some(Value::Int(3)));
        assert_eq!(c.value.get("y").map(|v| v.value.clone()), Some(Value::Int(2)));
        let got: Vec<(&str, &str)> = src
            .comments
            .iter()
            .map(|c| (c.text.as_str(), text_of(text, c.span)))
            .collect();
        assert_eq!(got, [(" top", "# top"), (" after", "# after")]);
        assert_eq!(text_of(text, at(&src.value, "base").span), "{ x: 1, y: 2 }");
    }

    #[test]
    fn yaml_errors() {
        let e = err("a: 1\na: 2\n", Pm2Format::Yaml);
        assert_eq!(
            e.message,
            "found the key `a` a second time in this mapping (first on line 1), expected each key once (js-yaml, \
             which PM2 uses, rejects duplicates)"
        );
        assert_eq!(e.span, sp(5, 6));
        let e = err("a: 1\n---\nb: 2\n", Pm2Format::Yaml);
        assert!(e.message.starts_with("found a second yaml document"), "{}", e.message);
        let e = err("a: b: c\n", Pm2Format::Yaml);
        assert_eq!(
            e.message,
            "invalid yaml: mapping values are not allowed in this context"
        );
        assert_eq!(e.span.start, 4);
        let e = err("a: !Ref x\n", Pm2Format::Yaml);
        assert!(e.message.contains("`!Ref`"), "{}", e.message);
        let e = err("apps:\n  - [a, b\n", Pm2Format::Yaml);
        assert!(e.message.starts_with("invalid yaml: "), "{}", e.message);
        // Empty documents are null.
        assert_eq!(yaml("").value, Value::Null);
        assert_eq!(yaml("# only a comment\n").value, Value::Null);
        // A flow mapping at the top level is valid YAML (PM2's malformated.yml).
        assert_eq!(
            yaml("{\n \"A\": \"B\"\n}\n").value.get("A").map(|v| v.value.clone()),
            Some(Value::Str("B".into()))
        );
    }

    #[test]
    fn crlf_and_byte_order_marks() {
        let text = "\u{FEFF}apps:\r\n  - script: a.js # note\r\n    args: |\r\n      -w 2\r\n";
        let src = parse_file(F, text, Pm2Format::Yaml).expect("parses");
        let Value::List(apps) = &at(&src.value, "apps").value else {
            panic!()
        };
        assert_eq!(text_of(text, at(&apps[0], "script").span), "a.js");
        assert_eq!(at(&apps[0], "args").value, Value::Str("-w 2\n".into()));
        assert_eq!(
            src.comments.iter().map(|c| text_of(text, c.span)).collect::<Vec<_>>(),
            ["# note"]
        );
        let text = "\u{FEFF}module.exports = {\r\n  a: 1, // one\r\n}\r\n";
        let src = parse_file(F, text, Pm2Format::Js).expect("parses");
        assert_eq!(text_of(text, at(&src.value, "a").span), "1");
        assert_eq!(
            src.comments.iter().map(|c| text_of(text, c.span)).collect::<Vec<_>>(),
            ["// one"]
        );
    }

    #[test]
    fn yaml_alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            text.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                vec![format!("*a{}", i - 1); 10].join(", ")
            ));
        }
        let e = err(&text, Pm2Format::Yaml);
        assert!(e.message.contains("aliases that expand"), "{}", e.message);
    }
}
