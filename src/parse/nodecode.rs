//! Node.js server entry files (`server.js`, `app.js`, `index.js`, `bin/www`,
//! and the `.mjs`, `.cjs` and `.ts` variants), read statically: lint502 never
//! runs them. What it wants to know is where the process listens: every
//! `<receiver>.listen(…)` call, with its port (and host) folded where the
//! text alone decides them, and whether the file loads a `.env` file.
//!
//! Two layers:
//!
//! 1. **Tokens.** `grammar/nodecode.pest` gives the tokens of ECMAScript 2024
//!    §12 for each goal symbol; [`Lexer`] calls one entry rule at a time at a
//!    byte offset (a run of tokens up to the next `/`, `` ` `` or `}`, then
//!    that one token under the goal the context picks, or one piece of
//!    template text) and keeps the context on a heap stack of frames (open
//!    brackets, template literals and their `${ … }` substitutions, nested
//!    to any depth), so nothing recurses on the native stack. Comments,
//!    strings, template text and regular expressions are skipped exactly: a
//!    `.listen(` inside one of them is never seen; one inside a `${ … }`
//!    substitution is code, and is.
//!
//!    Whether a `/` starts a regular expression or is division depends on
//!    the syntactic context. The reader uses the usual scanner heuristic (as
//!    in esprima's and sweet.js's readers), decided from the previous
//!    significant token: a regular expression may start at the beginning of
//!    the file, after a punctuator other than `)`, `]`, `}`, `++` and `--`,
//!    and after the keywords `return typeof case do else in instanceof new
//!    void delete throw yield await` (not after `.`: `x.return / 2` is
//!    division). After an identifier, a literal, a regular expression or a
//!    template it is division. The two hard cases are decided from the
//!    bracket that closed: after a `)` a regular expression may start only if
//!    the matching `(` followed `if`, `while`, `for` or `with` (`if (a) /b/`);
//!    after a `}` only if the matching `{` opened a block (it followed `)`,
//!    `=>`, `;`, `{`, `}`, `else`, `do`, `try`, `finally`, an identifier such
//!    as a class name, or nothing), not an object literal or a template
//!    substitution. Known limits: a block statement whose `{` follows `:`
//!    (`case x: { … }`) is taken for an object literal, and a `/` after a
//!    function expression's body is taken for a regular expression.
//!
//! 2. **A light analysis** over the token stream:
//!    - bindings: `const`/`let`/`var NAME = EXPR` anywhere (TypeScript
//!      annotations `NAME: T` and `!` skipped), destructuring
//!      `const { PORT = 3000, HOST: host } = process.env` (or of any object),
//!      plain assignments `NAME = EXPR`, function parameters, `function` and
//!      `class` declarations and `import` names. A name used at some place
//!      resolves to the latest binding before that place whose scope (the
//!      enclosing block for `let`/`const`, the enclosing function for `var`)
//!      contains it; failing that, to the latest binding whose scope contains
//!      it (hoisting, or a name defined below a function that uses it);
//!      failing that, to the file's last binding of that name.
//!    - values ([`Value`]), folded from literals, `process.env.X`,
//!      `process.env["X"]`, `||`, `??`, `&&`, `? :` with a known condition,
//!      `+`/`-`/`*` on known numbers and strings, `parseInt`, `parseFloat`,
//!      `Number`, `String`, unary `+`, calls of any function named
//!      `normalizePort` (the express-generator helper: identity), TypeScript
//!      `as T`, `satisfies T`, `<T>x` and `x!`, template literals whose
//!      substitutions are known, object literals (for `listen({ port })`),
//!      member access into a known object literal, and express's
//!      `app.get('port')` after `app.set('port', E)`. `process.env.PORT ||
//!      3000` is `Env { PORT, default 3000 }`; `Number(process.env.PORT) ||
//!      3000` too (the conversion applies to the default). Anything else is
//!      `Value::Unknown` with the reason.
//!    - `loads_dotenv`: `require('dotenv').config()`, `require('dotenv/config')`,
//!      `import 'dotenv/config'`, `dotenv.config()` / `config()` after
//!      importing `dotenv` (also `dotenv-safe`, `dotenv-flow`,
//!      `@dotenvx/dotenvx`), and Node's own `process.loadEnvFile()`.
//!
//! Every `.listen(` call whose receiver ends in a name, a call or an index
//! is reported, whatever the receiver is (an `EventEmitter` too): the port is
//! `Unknown` when it cannot be folded. `Bun.serve` and `Deno.serve` are not
//! read.
//!
//! Known limits of the analysis: scopes are approximate (a `catch` parameter
//! is not a binding; an assignment in an `if` counts as if it ran; the
//! arguments a function is called with are not followed, so a parameter is
//! `Unknown`); a second `.listen` argument whose value is unknown counts as a
//! host only if its text names one (`host`, `addr`, `bind`, `interface`,
//! `ip`); JSX, HTML-like comments (§B.1.1) and TypeScript's `<T>` casts in
//! `.tsx` are not read. A hashbang after a byte order mark is accepted (Node's
//! ES module loader accepts it, its CommonJS loader does not).
//!
//! Errors: the first literal or comment that is never closed is reported
//! (in lint502's wording, like the PM2 reader's); listens found before it are
//! still returned, later ones are not (Node would run none of them). A
//! regular expression "never closed" may also be the heuristic's mistake.
//! Nothing here panics on any input, and every loop either consumes input or
//! is bounded.

use std::collections::{HashMap, HashSet};

use pest::Parser;
use pest::iterators::Pair;

use super::SyntaxError;
use crate::model::value::{Spanned, Value};
use crate::source::{FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/nodecode.pest"]
struct NodeGrammar;

// ==================================================================== public API

/// One `<receiver>.listen(…)` call.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeListen {
    /// The port argument folded: `Value::Int(3000)`, `Value::Str("3000")`,
    /// `Value::Env { name: "PORT", default: Some(3000) }` for
    /// `process.env.PORT || 3000`, `Value::Unknown(reason)` otherwise. A
    /// string that is not a number is a pipe or Unix socket path, as for
    /// Node (`Value::Str("/run/app.sock")`; `listen({ path })` gives it too).
    ///
    /// The span is the text the value was read from: the argument for a
    /// literal, the initializer (or destructuring element) of the binding an
    /// identifier names, the `port` property's value for an options object.
    pub port: Spanned<Value>,
    /// The host argument if given (`app.listen(3000, "127.0.0.1")`,
    /// `server.listen({ port, host })`), folded the same way; `None` when
    /// absent (Node then listens on all interfaces, `::` dual-stack).
    pub host: Option<Spanned<Value>>,
    /// The whole call `x.listen(...)`, receiver included.
    pub span: Span,
    /// The receiver text (`app`, `server`, `http.createServer(app)`), for
    /// messages; long bracketed groups are shortened to `(…)`.
    pub receiver: String,
}

/// What lint502 reads from a Node.js entry file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NodeCode {
    /// The `.listen(…)` calls, in source order.
    pub listens: Vec<NodeListen>,
    /// `require('dotenv').config()` / `import 'dotenv/config'` /
    /// `dotenv.config()` seen (or `process.loadEnvFile()`).
    pub loads_dotenv: bool,
    /// The first place where the file cannot be read as JavaScript (a
    /// string, comment, template or regular expression that is never
    /// closed).
    pub error: Option<SyntaxError>,
}

/// Read one Node.js source file.
pub fn scan(file: FileId, text: &str) -> NodeCode {
    let mut lexer = Lexer::new(file, text);
    lexer.run();
    let error = lexer.errors.iter().min_by_key(|e| e.span.start).cloned();
    let mut an = An::new(file, text, &lexer.toks, &lexer.fwd, &lexer.back);
    an.collect();
    let mut listens = an.listens();
    if let Some(e) = &error {
        listens.retain(|l| l.span.start < e.span.start);
    }
    let loads_dotenv = an.loads_dotenv();
    NodeCode {
        listens,
        loads_dotenv,
        error,
    }
}

// ==================================================================== tokens

/// No token / no match.
const NONE: usize = usize::MAX;

/// How deep folding recurses (parentheses, unary operators, conditionals,
/// names resolved through other names) before it gives up on a value.
const MAX_DEPTH: usize = 40;

/// A closing bracket looks this many frames down the stack for its opener
/// (error recovery on unbalanced input stays linear).
const MAX_CLOSE_SEARCH: usize = 64;

/// Steps of the backward walk over a `.listen` receiver, and of the other
/// bounded walks (enclosing scopes, type annotations).
const MAX_WALK: usize = 256;

/// The key under which an object literal's spread (or computed key) is
/// remembered: any later lookup past it is unknown.
const SPREAD_KEY: &str = "...";

/// A token's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum K {
    /// An IdentifierName (keywords included).
    Ident,
    /// `#name`.
    Private,
    Num,
    /// A complete string literal.
    Str,
    /// A template without substitutions (NoSubstitutionTemplate).
    Tpl,
    /// `` `…${ `` (TemplateHead).
    TplHead,
    /// `}…${` (TemplateMiddle).
    TplMiddle,
    /// `` }…` `` (TemplateTail).
    TplTail,
    Regex,
    Punct,
    /// Anything else (an unterminated literal, a stray character).
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    kind: K,
    start: usize,
    end: usize,
    /// A line terminator stands between this token and the previous one.
    nl: bool,
}

/// The context stack of the lexer.
#[derive(Debug, Clone, Copy)]
enum Frame {
    /// `(`; `regex_after`: it followed `if`/`while`/`for`/`with`, so a `/`
    /// after its `)` starts a regular expression.
    Paren {
        tok: usize,
        regex_after: bool,
    },
    Bracket {
        tok: usize,
    },
    /// `{`; `block`: a block or body (not an object literal).
    Brace {
        tok: usize,
        block: bool,
    },
    /// The code of a `${ … }` substitution; `open`: the byte offset of `${`.
    Subst {
        open: usize,
    },
    /// Template text; `open`: its backquote, `piece`: where the token being
    /// read starts (the backquote or a substitution's `}`), `last`: the
    /// previous part's token (NONE before the first substitution).
    Template {
        open: usize,
        piece: usize,
        last: usize,
    },
}

/// The tokenizer: a mode stack over the grammar's entry rules.
struct Lexer<'t> {
    file: FileId,
    text: &'t str,
    pos: usize,
    toks: Vec<Tok>,
    /// For an opening bracket or template part: its closing bracket or next
    /// template part (NONE when never closed).
    fwd: Vec<usize>,
    /// For a closing bracket or template part: its opener / previous part.
    back: Vec<usize>,
    frames: Vec<Frame>,
    errors: Vec<SyntaxError>,
    /// A `/` here starts a regular expression.
    regex_ok: bool,
    /// A line terminator was seen since the last token.
    nl: bool,
}

/// Keywords after which an expression (so a regular expression) may start.
fn keyword_allows_regex(word: &str) -> bool {
    matches!(
        word,
        "return"
            | "typeof"
            | "case"
            | "do"
            | "else"
            | "in"
            | "instanceof"
            | "new"
            | "void"
            | "delete"
            | "throw"
            | "yield"
            | "await"
    )
}

/// Reserved words (§12.7.2, with the strict-mode ones): never a binding or
/// the head of a `.listen` receiver.
fn reserved(word: &str) -> bool {
    matches!(
        word,
        "await"
            | "break"
            | "case"
            | "catch"
            | "class"
            | "const"
            | "continue"
            | "debugger"
            | "default"
            | "delete"
            | "do"
            | "else"
            | "enum"
            | "export"
            | "extends"
            | "false"
            | "finally"
            | "for"
            | "function"
            | "if"
            | "import"
            | "in"
            | "instanceof"
            | "new"
            | "null"
            | "return"
            | "super"
            | "switch"
            | "this"
            | "throw"
            | "true"
            | "try"
            | "typeof"
            | "var"
            | "void"
            | "while"
            | "with"
            | "yield"
            | "let"
            | "static"
            | "implements"
            | "interface"
            | "package"
            | "private"
            | "protected"
            | "public"
    )
}

impl<'t> Lexer<'t> {
    fn new(file: FileId, text: &'t str) -> Lexer<'t> {
        Lexer {
            file,
            text,
            pos: 0,
            toks: Vec::new(),
            fwd: Vec::new(),
            back: Vec::new(),
            frames: Vec::new(),
            errors: Vec::new(),
            regex_ok: true,
            nl: false,
        }
    }

    fn error(&mut self, at: usize, len: usize, message: &str) {
        let at = at.min(self.text.len());
        let mut end = (at + len.max(1)).min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        self.errors.push(SyntaxError {
            message: message.to_owned(),
            span: Span::new(self.file, at, end),
            line: None,
        });
    }

    fn run(&mut self) {
        // The byte order mark is white space (§12.2); a hashbang may follow it.
        if self.text.starts_with('\u{FEFF}') {
            self.pos = '\u{FEFF}'.len_utf8();
        }
        if let Ok(mut pairs) = NodeGrammar::parse(Rule::hashbang, &self.text[self.pos..])
            && let Some(p) = pairs.next()
        {
            self.pos += p.as_span().end();
        }
        loop {
            let before = (self.pos, self.frames.len());
            if let Some(Frame::Template { .. }) = self.frames.last() {
                self.template_step();
            } else if self.pos >= self.text.len() {
                break;
            } else {
                self.code_step();
            }
            if (self.pos, self.frames.len()) == before {
                // Every step consumes input or changes mode; this guards
                // against a grammar bug, it is never a loop.
                self.error(self.pos, 1, "internal reader error: no progress");
                break;
            }
        }
        // The end of the file inside a substitution.
        if let Some(open) = self.frames.iter().rev().find_map(|f| match f {
            Frame::Subst { open } => Some(*open),
            _ => None,
        }) {
            self.error(
                open,
                2,
                "unterminated `${` in a template literal: found the end of the file, expected `}`",
            );
        }
    }

    fn push(&mut self, kind: K, start: usize, end: usize) -> usize {
        self.toks.push(Tok {
            kind,
            start,
            end,
            nl: std::mem::take(&mut self.nl),
        });
        self.fwd.push(NONE);
        self.back.push(NONE);
        self.toks.len() - 1
    }

    fn link(&mut self, open: usize, close: usize) {
        if let Some(f) = self.fwd.get_mut(open) {
            *f = close;
        }
        if let Some(b) = self.back.get_mut(close) {
            *b = open;
        }
    }

    fn last_text(&self, back: usize) -> Option<(&'t str, K)> {
        let i = self.toks.len().checked_sub(1 + back)?;
        let t = self.toks.get(i)?;
        Some((self.text.get(t.start..t.end)?, t.kind))
    }

    /// The last token is a keyword, not a property name after `.`.
    fn last_keyword(&self) -> Option<&'t str> {
        match self.last_text(0) {
            Some((w, K::Ident)) => match self.last_text(1) {
                Some(("." | "?.", K::Punct)) => None,
                _ => Some(w),
            },
            _ => None,
        }
    }

    /// Ordinary code: a run of tokens, then the one token (`/`, `` ` `` or
    /// `}`) whose meaning the context decides.
    fn code_step(&mut self) {
        let base = self.pos;
        if let Some(top) = NodeGrammar::parse(Rule::token_run, &self.text[base..])
            .ok()
            .and_then(|mut p| p.next())
        {
            self.pos = base + top.as_span().end();
            for p in top.into_inner() {
                self.pair(p, base);
            }
        }
        if self.pos >= self.text.len() {
            return;
        }
        let base = self.pos;
        let rule = if self.regex_ok {
            Rule::token_regex
        } else {
            Rule::token_div
        };
        let top = NodeGrammar::parse(rule, &self.text[base..])
            .ok()
            .and_then(|mut p| p.next());
        let Some(top) = top else {
            self.error(base, 1, "internal reader error: the grammar rejected this text");
            self.pos = self.text.len();
            return;
        };
        self.pos = base + top.as_span().end();
        for p in top.into_inner() {
            self.pair(p, base);
        }
    }

    fn pair(&mut self, p: Pair<'_, Rule>, base: usize) {
        let (start, end) = (base + p.as_span().start(), base + p.as_span().end());
        match p.as_rule() {
            Rule::line_terminator => self.nl = true,
            Rule::block_comment if p.as_str().contains(['\n', '\r', '\u{2028}', '\u{2029}']) => self.nl = true,
            Rule::unterminated_comment => {
                self.error(start, 2, "unterminated comment: found `/*` without a closing `*/`");
            }
            Rule::identifier => {
                self.push(K::Ident, start, end);
                self.regex_ok = self.last_keyword().is_some_and(keyword_allows_regex);
            }
            Rule::private_name => {
                self.push(K::Private, start, end);
                self.regex_ok = false;
            }
            Rule::number => {
                self.push(K::Num, start, end);
                self.regex_ok = false;
            }
            Rule::string => {
                self.push(K::Str, start, end);
                self.regex_ok = false;
            }
            Rule::unterminated_string => {
                let q = p.as_str().chars().next().unwrap_or('"');
                let at_eof = end >= self.text.len();
                let message = if at_eof {
                    format!("unterminated string: found the end of the file, expected a closing `{q}`")
                } else {
                    format!(
                        "unterminated string: found a line break before the closing `{q}`, expected `{q}` on the \
                         same line (or `\\` before the line break)"
                    )
                };
                self.error(start, 1, &message);
                self.push(K::Other, start, end);
                self.regex_ok = false;
            }
            Rule::backtick => {
                self.frames.push(Frame::Template {
                    open: start,
                    piece: start,
                    last: NONE,
                });
            }
            Rule::regex => {
                self.push(K::Regex, start, end);
                self.regex_ok = false;
            }
            Rule::unterminated_regex => {
                let message = if end >= self.text.len() {
                    "unterminated regular expression: found the end of the file, expected a closing `/`"
                } else {
                    "unterminated regular expression: found a line break before the closing `/`, expected `/` on \
                     the same line"
                };
                self.error(start, 1, message);
                self.push(K::Other, start, end);
                self.regex_ok = false;
            }
            Rule::punctuator | Rule::div_punctuator => self.punctuator(p.as_str(), start, end),
            Rule::other => {
                self.push(K::Other, start, end);
                self.regex_ok = true;
            }
            _ => {}
        }
    }

    fn punctuator(&mut self, s: &str, start: usize, end: usize) {
        match s {
            "(" => {
                let regex_after = matches!(self.last_keyword(), Some("if" | "while" | "for" | "with"));
                let tok = self.push(K::Punct, start, end);
                self.frames.push(Frame::Paren { tok, regex_after });
                self.regex_ok = true;
            }
            "[" => {
                let tok = self.push(K::Punct, start, end);
                self.frames.push(Frame::Bracket { tok });
                self.regex_ok = true;
            }
            "{" => {
                let block = self.brace_is_block();
                let tok = self.push(K::Punct, start, end);
                self.frames.push(Frame::Brace { tok, block });
                self.regex_ok = true;
            }
            ")" | "]" => {
                let tok = self.push(K::Punct, start, end);
                self.regex_ok = false;
                let want_paren = s == ")";
                let found = self
                    .frames
                    .iter()
                    .enumerate()
                    .rev()
                    .take(MAX_CLOSE_SEARCH)
                    .take_while(|(_, f)| !matches!(f, Frame::Subst { .. } | Frame::Template { .. }))
                    .find(|(_, f)| {
                        if want_paren {
                            matches!(f, Frame::Paren { .. })
                        } else {
                            matches!(f, Frame::Bracket { .. })
                        }
                    })
                    .map(|(k, f)| (k, *f));
                if let Some((k, f)) = found {
                    self.frames.truncate(k);
                    match f {
                        Frame::Paren { tok: open, regex_after } => {
                            self.link(open, tok);
                            self.regex_ok = regex_after;
                        }
                        Frame::Bracket { tok: open } => self.link(open, tok),
                        _ => {}
                    }
                }
            }
            "}" => {
                let found = self
                    .frames
                    .iter()
                    .enumerate()
                    .rev()
                    .take(MAX_CLOSE_SEARCH)
                    .take_while(|(_, f)| !matches!(f, Frame::Template { .. }))
                    .find(|(_, f)| matches!(f, Frame::Brace { .. } | Frame::Subst { .. }))
                    .map(|(k, f)| (k, *f));
                match found {
                    Some((k, Frame::Brace { tok: open, block })) => {
                        self.frames.truncate(k);
                        let tok = self.push(K::Punct, start, end);
                        self.link(open, tok);
                        self.regex_ok = block;
                    }
                    Some((k, _)) => {
                        // The end of a substitution: template text again,
                        // from this `}` (TemplateMiddle or TemplateTail).
                        self.frames.truncate(k);
                        if let Some(Frame::Template { piece, .. }) = self.frames.last_mut() {
                            *piece = start;
                        }
                    }
                    None => {
                        self.push(K::Punct, start, end);
                        self.regex_ok = true;
                    }
                }
            }
            "++" | "--" => {
                self.push(K::Punct, start, end);
                self.regex_ok = false;
            }
            _ => {
                self.push(K::Punct, start, end);
                self.regex_ok = true;
            }
        }
    }

    /// Whether a `{` here opens a block or body rather than an object
    /// literal, from the token before it.
    fn brace_is_block(&self) -> bool {
        match self.last_text(0) {
            None => true,
            Some((s, K::Punct)) => matches!(s, ")" | ";" | "{" | "}" | "=>"),
            Some((s, K::Ident)) => match self.last_keyword() {
                Some(_) => !matches!(
                    s,
                    "return"
                        | "typeof"
                        | "instanceof"
                        | "in"
                        | "of"
                        | "new"
                        | "void"
                        | "delete"
                        | "throw"
                        | "yield"
                        | "await"
                        | "case"
                ),
                None => false,
            },
            Some(_) => false,
        }
    }

    /// Template text: one piece.
    fn template_step(&mut self) {
        let Some(&Frame::Template { open, piece, last }) = self.frames.last() else {
            return;
        };
        let base = self.pos;
        let found = NodeGrammar::parse(Rule::template_piece, &self.text[base..])
            .ok()
            .and_then(|mut p| p.next())
            .and_then(|top| top.into_inner().next())
            .map(|q| (q.as_rule(), base + q.as_span().end()));
        match found {
            Some((Rule::template_chars, end)) => self.pos = end,
            Some((Rule::template_end, end)) => {
                self.frames.pop();
                let kind = if last == NONE { K::Tpl } else { K::TplTail };
                let tok = self.push(kind, piece, end);
                if last != NONE {
                    self.link(last, tok);
                }
                self.pos = end;
                self.regex_ok = false;
            }
            Some((Rule::substitution_open, end)) => {
                let kind = if last == NONE { K::TplHead } else { K::TplMiddle };
                let tok = self.push(kind, piece, end);
                if last != NONE {
                    self.link(last, tok);
                }
                if let Some(Frame::Template { last, .. }) = self.frames.last_mut() {
                    *last = tok;
                }
                self.frames.push(Frame::Subst {
                    open: end.saturating_sub(2),
                });
                self.pos = end;
                self.regex_ok = true;
            }
            _ => {
                self.error(
                    open,
                    1,
                    "unterminated template literal: found the end of the file, expected a closing backquote",
                );
                self.frames.clear();
                self.pos = self.text.len();
            }
        }
    }
}

// ==================================================================== text helpers

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

/// Undo the escapes of a string literal or template text (§12.9.4,
/// §12.9.6), including legacy octal escapes (§B.1.2) and line
/// continuations. An escape JavaScript would refuse (`\x4`) keeps its
/// letter; lone surrogates become U+FFFD.
fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut high: Option<u32> = None;
    let mut it = raw.chars().peekable();
    while let Some(c) = it.next() {
        if c != '\\' {
            super::push_utf16_unit(&mut out, &mut high, c as u32);
            continue;
        }
        let Some(e) = it.next() else { break };
        match e {
            'n' => super::push_utf16_unit(&mut out, &mut high, 0x0A),
            't' => super::push_utf16_unit(&mut out, &mut high, 0x09),
            'r' => super::push_utf16_unit(&mut out, &mut high, 0x0D),
            'b' => super::push_utf16_unit(&mut out, &mut high, 0x08),
            'f' => super::push_utf16_unit(&mut out, &mut high, 0x0C),
            'v' => super::push_utf16_unit(&mut out, &mut high, 0x0B),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                let max = if v <= 3 { 2 } else { 1 };
                for _ in 0..max {
                    match it.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            it.next();
                        }
                        None => break,
                    }
                }
                super::push_utf16_unit(&mut out, &mut high, v);
            }
            'x' => {
                let mut look = it.clone();
                let digits: Option<u32> = (0..2).try_fold(0, |acc, _| Some(acc * 16 + look.next()?.to_digit(16)?));
                match digits {
                    Some(v) => {
                        it = look;
                        super::push_utf16_unit(&mut out, &mut high, v);
                    }
                    None => super::push_utf16_unit(&mut out, &mut high, 'x' as u32),
                }
            }
            'u' => {
                let mut look = it.clone();
                let v = if look.peek() == Some(&'{') {
                    look.next();
                    let mut v: u32 = 0;
                    let mut n = 0;
                    loop {
                        match look.next() {
                            Some('}') if n > 0 => break Some(v),
                            Some(d) if d.is_ascii_hexdigit() && v <= 0x10FFFF => {
                                v = v * 16 + d.to_digit(16).unwrap_or(0);
                                n += 1;
                            }
                            _ => break None,
                        }
                    }
                    .filter(|v| *v <= 0x10FFFF)
                } else {
                    (0..4).try_fold(0, |acc, _| Some(acc * 16 + look.next()?.to_digit(16)?))
                };
                match v {
                    Some(v) => {
                        it = look;
                        super::push_utf16_unit(&mut out, &mut high, v);
                    }
                    None => super::push_utf16_unit(&mut out, &mut high, 'u' as u32),
                }
            }
            '\r' => {
                if it.peek() == Some(&'\n') {
                    it.next();
                }
            }
            '\n' | '\u{2028}' | '\u{2029}' => {}
            other => super::push_utf16_unit(&mut out, &mut high, other as u32),
        }
    }
    if high.is_some() {
        out.push('\u{FFFD}');
    }
    out
}

/// An integral number as `Value::Int` when exact, else `Value::Float`.
fn num_value(x: f64) -> Value {
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 9.007_199_254_740_992e15 {
        Value::Int(x as i64)
    } else {
        Value::Float(x)
    }
}

/// Digits in a radix as a number (exact up to 2^53; beyond it, `Float`).
fn radix_value(digits: &str, radix: u32) -> Option<Value> {
    if digits.is_empty() {
        return None;
    }
    let mut acc: f64 = 0.0;
    for c in digits.chars() {
        acc = acc * f64::from(radix) + f64::from(c.to_digit(radix)?);
    }
    Some(num_value(acc))
}

/// The value of a NumericLiteral token (§12.9.3).
fn number_literal(s: &str) -> Value {
    let t: String = s.chars().filter(|&c| c != '_').collect();
    // Hexadecimal digits do not include `n`: a final `n` is always BigInt.
    if t.ends_with('n') {
        return Value::Unknown(format!("`{}` is a BigInt, not a port number", short(s)));
    }
    let lower = t.to_ascii_lowercase();
    let v = if let Some(h) = lower.strip_prefix("0x") {
        radix_value(h, 16)
    } else if let Some(o) = lower.strip_prefix("0o") {
        radix_value(o, 8)
    } else if let Some(b) = lower.strip_prefix("0b") {
        radix_value(b, 2)
    } else if t.len() > 1 && t.starts_with('0') && t.chars().all(|c| ('0'..='7').contains(&c)) {
        radix_value(&t[1..], 8)
    } else {
        let fixed = if let Some(rest) = t.strip_prefix('.') {
            format!("0.{rest}")
        } else {
            t.replace(".e", ".0e").replace(".E", ".0E")
        };
        fixed.parse::<f64>().ok().map(num_value)
    };
    v.unwrap_or_else(|| Value::Unknown(format!("`{}` is not a number", short(s))))
}

/// JavaScript's ToNumber on a string (§7.1.4.1.1): trimmed; empty is 0;
/// `0x`, `0o`, `0b`; `Infinity`; decimal. Anything else is NaN.
fn string_to_number(s: &str) -> Value {
    let t = s.trim();
    if t.is_empty() {
        return Value::Int(0);
    }
    let lower = t.to_ascii_lowercase();
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(d) = lower.strip_prefix(prefix) {
            return radix_value(d, radix).unwrap_or(Value::Float(f64::NAN));
        }
    }
    match t {
        "Infinity" | "+Infinity" => return Value::Float(f64::INFINITY),
        "-Infinity" => return Value::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let decimal = t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'))
        && t.chars().any(|c| c.is_ascii_digit());
    if decimal && let Ok(x) = t.parse::<f64>() {
        return num_value(x);
    }
    Value::Float(f64::NAN)
}

/// JavaScript's `parseInt(s, radix)` on a string (§19.2.5).
fn string_parse_int(s: &str, radix: Option<u32>) -> Value {
    let t = s.trim_start();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if radix.is_some_and(|r| r == 1 || r > 36) {
        return Value::Float(f64::NAN);
    }
    // No radix (or 0): hexadecimal after `0x`, else decimal.
    let auto = matches!(radix, None | Some(0));
    let mut radix = radix.filter(|r| *r != 0).unwrap_or(10);
    let mut t = t;
    if (auto || radix == 16) && (t.starts_with("0x") || t.starts_with("0X")) {
        t = &t[2..];
        radix = 16;
    }
    let digits: String = t.chars().take_while(|c| c.is_digit(radix)).collect();
    match radix_value(&digits, radix) {
        Some(Value::Int(i)) if neg => Value::Int(-i),
        Some(Value::Float(x)) if neg => Value::Float(-x),
        Some(v) => v,
        None => Value::Float(f64::NAN),
    }
}

/// JavaScript's `parseFloat(s)` on a string: the longest decimal prefix.
fn string_parse_float(s: &str) -> Value {
    let t = s.trim_start();
    // The candidate prefix: the characters a decimal literal may hold (at
    // most 64 of them, which no port needs more of).
    let len = t
        .char_indices()
        .take(64)
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')))
        .map_or(t.len().min(64), |(i, _)| i);
    for n in (1..=len).rev() {
        if let Some(Ok(x)) = t.get(..n).map(str::parse::<f64>) {
            return num_value(x);
        }
    }
    Value::Float(f64::NAN)
}

/// Truthiness (§7.1.2), when known.
fn truthy(v: &Value) -> Option<bool> {
    match v {
        Value::Int(i) => Some(*i != 0),
        Value::Float(x) => Some(*x != 0.0 && !x.is_nan()),
        Value::Str(s) => Some(!s.is_empty()),
        Value::Bool(b) => Some(*b),
        Value::Null => Some(false),
        Value::List(_) | Value::Map(_) => Some(true),
        Value::Env { .. } | Value::Symbolic(_) | Value::Unknown(_) => None,
    }
}

/// A known value as a string (ToString, §7.1.17), for `+` and templates.
fn js_string(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Null => Some("undefined".into()),
        Value::Float(x) if x.is_nan() => Some("NaN".into()),
        _ => None,
    }
}

/// Apply a conversion to a value, and to the default of an environment
/// lookup (the value when the variable is unset). Without a default, the
/// lookup stays as it is: the conversion of `undefined` (NaN for numbers) is
/// what `|| 3000` then replaces. None: the value is not known.
fn convert(v: Spanned<Value>, span: Span, f: &dyn Fn(&Value) -> Option<Value>) -> Option<Spanned<Value>> {
    match v.value {
        Value::Env { name, default } => {
            let default = match default {
                Some(d) => {
                    let dspan = d.span;
                    Some(Box::new(convert(*d, dspan, f)?))
                }
                None => None,
            };
            Some(Spanned::new(Value::Env { name, default }, span))
        }
        ref other => f(other).map(|x| Spanned::new(x, span)),
    }
}

/// Whether a text names a host, for a second `.listen` argument whose value
/// is unknown (`config.host`, `HOST`, `bindAddress`, `ip`).
fn mentions_host(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    if ["host", "addr", "bind", "interface", "iface"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return true;
    }
    text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .any(|w| w.eq_ignore_ascii_case("ip") || w.ends_with("_IP") || w.ends_with("_ip") || w.ends_with("Ip"))
}

// ==================================================================== analysis

/// A scope: token range `[lo, hi)`; the whole file is `(0, NONE)`.
type Scope = (usize, usize);

const TOP: Scope = (0, NONE);

fn contains(scope: Scope, at: usize) -> bool {
    scope.0 <= at && at < scope.1
}

/// How a binding gets its value.
#[derive(Debug, Clone)]
enum Init {
    /// An initializer: tokens `[a, b)`.
    Expr(usize, usize),
    /// `{ key: name = default } = src`: `src` tokens, the key, the default's
    /// tokens, and the element's tokens (for the span).
    Pattern {
        src: (usize, usize),
        key: String,
        default: Option<(usize, usize)>,
        elem: (usize, usize),
    },
    /// Known without folding (parameters, imports, declarations without a
    /// value).
    Fixed(Spanned<Value>),
    /// A `function` or `class` declaration.
    Function,
}

#[derive(Debug, Clone)]
struct Binding {
    name: String,
    /// The token of the name.
    pos: usize,
    scope: Scope,
    init: Init,
}

#[derive(Debug, Clone)]
enum Memo {
    Todo,
    Busy,
    Done(Spanned<Value>),
}

/// `app.set('key', value)`.
#[derive(Debug, Clone)]
struct Setting {
    /// The name before `.set` (`app`).
    receiver: String,
    key: String,
    pos: usize,
    value: (usize, usize),
}

struct An<'a> {
    file: FileId,
    text: &'a str,
    toks: &'a [Tok],
    fwd: &'a [usize],
    back: &'a [usize],
    /// The innermost enclosing `{` of each token (NONE at top level).
    parent: Vec<usize>,
    bindings: Vec<Binding>,
    by_name: HashMap<String, Vec<usize>>,
    memo: Vec<Memo>,
    /// Name tokens bound by a declaration (not plain assignments).
    declared: HashSet<usize>,
    settings: Vec<Setting>,
    setting_memo: Vec<Memo>,
}

/// The result of folding.
type SV = Spanned<Value>;

impl<'a> An<'a> {
    fn new(file: FileId, text: &'a str, toks: &'a [Tok], fwd: &'a [usize], back: &'a [usize]) -> An<'a> {
        An {
            file,
            text,
            toks,
            fwd,
            back,
            parent: Vec::new(),
            bindings: Vec::new(),
            by_name: HashMap::new(),
            memo: Vec::new(),
            declared: HashSet::new(),
            settings: Vec::new(),
            setting_memo: Vec::new(),
        }
    }

    // ------------------------------------------------------------ token helpers

    fn n(&self) -> usize {
        self.toks.len()
    }

    fn kind(&self, i: usize) -> Option<K> {
        self.toks.get(i).map(|t| t.kind)
    }

    fn s(&self, i: usize) -> &'a str {
        self.toks
            .get(i)
            .and_then(|t| self.text.get(t.start..t.end))
            .unwrap_or("")
    }

    fn is_p(&self, i: usize, p: &str) -> bool {
        self.kind(i) == Some(K::Punct) && self.s(i) == p
    }

    fn is_id(&self, i: usize, w: &str) -> bool {
        self.kind(i) == Some(K::Ident) && self.s(i) == w
    }

    fn nl(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.nl)
    }

    fn after_dot(&self, i: usize) -> bool {
        i > 0 && (self.is_p(i - 1, ".") || self.is_p(i - 1, "?."))
    }

    /// An identifier that can name a binding.
    fn is_name(&self, i: usize) -> bool {
        self.kind(i) == Some(K::Ident) && !reserved(self.s(i))
    }

    /// The identifier's name with escapes undone (`\u0070ort` is `port`).
    fn name(&self, i: usize) -> String {
        unescape(self.s(i))
    }

    /// The cooked value of a string or no-substitution template token.
    fn cooked(&self, i: usize) -> String {
        let s = self.s(i);
        let inner = s.get(1..s.len().saturating_sub(1)).unwrap_or("");
        unescape(inner)
    }

    fn fwd(&self, i: usize) -> usize {
        self.fwd.get(i).copied().unwrap_or(NONE)
    }

    fn back(&self, i: usize) -> usize {
        self.back.get(i).copied().unwrap_or(NONE)
    }

    fn is_opener(&self, i: usize) -> bool {
        matches!(self.kind(i), Some(K::TplHead))
            || self.kind(i) == Some(K::Punct) && matches!(self.s(i), "(" | "[" | "{")
    }

    fn is_closer(&self, i: usize) -> bool {
        matches!(self.kind(i), Some(K::TplMiddle | K::TplTail))
            || self.kind(i) == Some(K::Punct) && matches!(self.s(i), ")" | "]" | "}")
    }

    /// The index after the group opened at `i` (a bracket or a template
    /// head), at most `limit`.
    fn group_end(&self, i: usize, limit: usize) -> usize {
        let mut j = self.fwd(i);
        let mut steps = 0;
        while j != NONE && self.kind(j) == Some(K::TplMiddle) && steps < self.n() {
            j = self.fwd(j);
            steps += 1;
        }
        if j == NONE { limit } else { (j + 1).min(limit) }
    }

    /// The opener of the group closed at `j` (for a template tail: its head).
    fn group_start(&self, j: usize) -> usize {
        let mut i = self.back(j);
        let mut steps = 0;
        while i != NONE && self.kind(i) == Some(K::TplMiddle) && steps < self.n() {
            i = self.back(i);
            steps += 1;
        }
        i
    }

    /// The span of tokens `[a, b)`.
    fn span(&self, a: usize, b: usize) -> Span {
        let start = self.toks.get(a).map_or(self.text.len(), |t| t.start);
        let end = if b > a {
            self.toks.get(b - 1).map_or(self.text.len(), |t| t.end)
        } else {
            start
        };
        Span::new(self.file, start, end.max(start))
    }

    fn text_of(&self, a: usize, b: usize) -> &'a str {
        let sp = self.span(a, b);
        self.text.get(sp.range()).unwrap_or("")
    }

    fn not_evaluated(&self, a: usize, b: usize) -> SV {
        Spanned::new(
            Value::Unknown(format!("`{}` is not evaluated", short(self.text_of(a, b)))),
            self.span(a, b),
        )
    }

    /// Tokens `[a, b)` split at commas at their own level (a trailing empty
    /// piece is dropped).
    fn split(&self, a: usize, b: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut from = a;
        let mut i = a;
        while i < b {
            if self.is_opener(i) {
                i = self.group_end(i, b);
                continue;
            }
            if self.is_p(i, ",") {
                out.push((from, i));
                from = i + 1;
            }
            i += 1;
        }
        if from < b {
            out.push((from, b));
        }
        out
    }

    /// A token that can end an expression.
    fn can_end(&self, i: usize) -> bool {
        match self.kind(i) {
            Some(K::Ident | K::Private | K::Num | K::Str | K::Tpl | K::TplTail | K::Regex) => true,
            Some(K::Punct) => matches!(self.s(i), ")" | "]" | "}" | "++" | "--" | "!"),
            _ => false,
        }
    }

    /// A token that continues an expression across a line break (§12.10:
    /// no semicolon is inserted before it).
    fn can_continue(&self, i: usize) -> bool {
        match self.kind(i) {
            Some(K::Punct) => !matches!(self.s(i), "++" | "--" | "!" | "~" | "{" | "@" | ";"),
            Some(K::Ident) => matches!(self.s(i), "in" | "instanceof" | "as" | "satisfies"),
            Some(K::Tpl | K::TplHead) => true,
            _ => false,
        }
    }

    /// Where the expression starting at `start` ends: a comma, semicolon or
    /// closing bracket at its own level, or a line break where a semicolon
    /// would be inserted.
    fn expr_end(&self, start: usize) -> usize {
        let n = self.n();
        let mut i = start;
        while i < n {
            if i > start && self.nl(i) && self.can_end(i - 1) && !self.can_continue(i) {
                break;
            }
            if self.is_p(i, ",") || self.is_p(i, ";") || self.is_closer(i) {
                break;
            }
            if self.is_opener(i) {
                i = self.group_end(i, n);
                continue;
            }
            i += 1;
        }
        i
    }

    /// Skip a TypeScript type from `j` (after `:`, `as`, `satisfies`),
    /// within `limit`.
    fn skip_type(&self, mut j: usize, limit: usize) -> usize {
        let start = j;
        let mut angle: i64 = 0;
        while j < limit {
            if j > start
                && angle == 0
                && self.nl(j)
                && !(self.is_p(j, "|") || self.is_p(j, "&") || self.is_p(j - 1, "|") || self.is_p(j - 1, "&"))
            {
                break;
            }
            if self.kind(j) == Some(K::Punct) {
                let s = self.s(j);
                if angle == 0
                    && matches!(
                        s,
                        "=" | ","
                            | ";"
                            | ")"
                            | "]"
                            | "}"
                            | ":"
                            | "?"
                            | "||"
                            | "&&"
                            | "??"
                            | "+"
                            | "-"
                            | "*"
                            | "/"
                            | "%"
                            | "=="
                            | "==="
                            | "!="
                            | "!=="
                    )
                {
                    break;
                }
                match s {
                    "<" => angle += 1,
                    ">" => angle -= 1,
                    ">>" => angle -= 2,
                    ">>>" => angle -= 3,
                    _ => {}
                }
                if angle < 0 {
                    break;
                }
            }
            if matches!(self.kind(j), Some(K::TplMiddle | K::TplTail)) {
                break;
            }
            if self.is_opener(j) {
                j = self.group_end(j, limit);
                continue;
            }
            j += 1;
        }
        j
    }

    // ------------------------------------------------------------ scopes

    fn compute_parents(&mut self) {
        let mut stack: Vec<usize> = Vec::new();
        let mut parent = Vec::with_capacity(self.n());
        for i in 0..self.n() {
            parent.push(stack.last().copied().unwrap_or(NONE));
            if self.is_p(i, "{") && self.fwd(i) != NONE {
                stack.push(i);
            } else if self.is_p(i, "}") && self.back(i) != NONE && stack.last() == Some(&self.back(i)) {
                stack.pop();
            }
        }
        self.parent = parent;
    }

    fn brace_scope(&self, o: usize) -> Scope {
        if o == NONE {
            return TOP;
        }
        let close = self.fwd(o);
        (o, if close == NONE { self.n() } else { close })
    }

    /// The scope of a `let`/`const`/`class` at `i`: its block.
    fn block_scope(&self, i: usize) -> Scope {
        self.brace_scope(self.parent.get(i).copied().unwrap_or(NONE))
    }

    /// The scope of a `var`/`function` at `i`: its function.
    fn function_scope(&self, i: usize) -> Scope {
        let mut o = self.parent.get(i).copied().unwrap_or(NONE);
        for _ in 0..MAX_WALK {
            if o == NONE || self.params_paren(o).is_some() || o > 0 && self.is_p(o - 1, "=>") {
                return self.brace_scope(o);
            }
            o = self.parent.get(o).copied().unwrap_or(NONE);
        }
        TOP
    }

    /// For a `{` that opens a function body: the `)` closing its parameters
    /// (`function f(a) {`, `m(a) {`, `(a) => {` via `=>`, and TypeScript
    /// return types `f(a): Promise<void> {`). Not for `if (…) {` and its
    /// kind. Also used with `=>` in place of `{`.
    fn params_paren(&self, o: usize) -> Option<usize> {
        let mut j = o.checked_sub(1)?;
        if !self.is_p(j, ")") {
            // A return type annotation: back to `:` after `)`.
            let mut steps = 0;
            loop {
                if steps > 32 || j == 0 {
                    return None;
                }
                if self.is_p(j, ":") {
                    j = j.checked_sub(1)?;
                    break;
                }
                if self.is_closer(j) {
                    let o = self.group_start(j);
                    if o == NONE {
                        return None;
                    }
                    j = o;
                }
                let ok = matches!(self.kind(j), Some(K::Ident | K::Str | K::Num))
                    || self.kind(j) == Some(K::Punct)
                        && matches!(
                            self.s(j),
                            "." | "<" | ">" | ">>" | "|" | "&" | "[" | "(" | "{" | "," | "=>"
                        );
                if !ok {
                    return None;
                }
                j = j.checked_sub(1)?;
                steps += 1;
            }
            if !self.is_p(j, ")") {
                return None;
            }
        }
        let open = self.back(j);
        if open == NONE {
            return None;
        }
        if open > 0
            && !self.after_dot(open - 1)
            && matches!(self.s(open - 1), "if" | "for" | "while" | "switch" | "with" | "catch")
            && self.kind(open - 1) == Some(K::Ident)
        {
            return None;
        }
        Some(j)
    }

    // ------------------------------------------------------------ bindings

    fn bind(&mut self, name: String, pos: usize, scope: Scope, init: Init) {
        self.bindings.push(Binding { name, pos, scope, init });
    }

    fn collect(&mut self) {
        self.compute_parents();
        let n = self.n();
        for i in 0..n {
            match self.kind(i) {
                Some(K::Ident) if !self.after_dot(i) => match self.s(i) {
                    "const" | "var" => self.declarators(i),
                    "let" if self.is_name(i + 1) || self.is_p(i + 1, "{") || self.is_p(i + 1, "[") => {
                        self.declarators(i)
                    }
                    "function" | "class" => {
                        let j = if self.is_p(i + 1, "*") { i + 2 } else { i + 1 };
                        if self.is_name(j) {
                            let scope = if self.s(i) == "class" {
                                self.block_scope(i)
                            } else {
                                self.function_scope(i)
                            };
                            self.declared.insert(j);
                            self.bind(self.name(j), j, scope, Init::Function);
                        }
                    }
                    "import" => {
                        if let Some((names, module, _)) = self.import_clause(i) {
                            for (_, local) in names {
                                let name = self.name(local);
                                let reason = format!("`{name}` is imported from `{}`", short(&module));
                                self.declared.insert(local);
                                let v = Spanned::new(Value::Unknown(reason), self.span(local, local + 1));
                                self.bind(name, local, TOP, Init::Fixed(v));
                            }
                        }
                    }
                    _ => {}
                },
                Some(K::Punct) if self.is_p(i, "{") => {
                    let scope = self.brace_scope(i);
                    if i > 0 && self.is_p(i - 1, "=>") {
                        self.arrow_params(i - 1, scope);
                    } else if let Some(close) = self.params_paren(i) {
                        self.param_list(self.back(close), close, scope);
                    }
                }
                Some(K::Punct) if self.is_p(i, "=>") && !self.is_p(i + 1, "{") => {
                    let scope = (i, self.expr_end(i + 1));
                    self.arrow_params(i, scope);
                }
                _ => {}
            }
        }
        // Plain assignments `name = expr`: they rebind the declaration they
        // assign to (or an implicit global).
        let mut decls: HashMap<String, Vec<(usize, Scope)>> = HashMap::new();
        for b in &self.bindings {
            decls.entry(b.name.clone()).or_default().push((b.pos, b.scope));
        }
        for list in decls.values_mut() {
            list.sort_by_key(|(pos, _)| *pos);
        }
        for i in 0..n {
            if self.is_name(i)
                && !self.declared.contains(&i)
                && self.is_p(i + 1, "=")
                && !self.after_dot(i)
                && !(i > 0 && self.is_p(i - 1, "?"))
            {
                let name = self.name(i);
                let scope = decls
                    .get(&name)
                    .and_then(|list| {
                        list.iter()
                            .rev()
                            .find(|(pos, sc)| *pos < i && contains(*sc, i))
                            .or_else(|| list.iter().rev().find(|(_, sc)| contains(*sc, i)))
                            .map(|(_, sc)| *sc)
                    })
                    .unwrap_or(TOP);
                let end = self.expr_end(i + 2);
                self.bind(name, i, scope, Init::Expr(i + 2, end));
            }
        }
        self.bindings.sort_by_key(|b| b.pos);
        for (k, b) in self.bindings.iter().enumerate() {
            self.by_name.entry(b.name.clone()).or_default().push(k);
        }
        self.memo = vec![Memo::Todo; self.bindings.len()];
        // `app.set('key', value)`.
        for i in 2..n {
            if self.is_id(i, "set")
                && self.is_p(i - 1, ".")
                && self.kind(i - 2) == Some(K::Ident)
                && !self.after_dot(i - 2)
                && self.is_p(i + 1, "(")
            {
                let close = self.fwd(i + 1);
                let args = self.split(i + 2, if close == NONE { n } else { close });
                if let [(ka, kb), value] = args[..]
                    && kb == ka + 1
                    && matches!(self.kind(ka), Some(K::Str | K::Tpl))
                {
                    self.settings.push(Setting {
                        receiver: self.name(i - 2),
                        key: self.cooked(ka),
                        pos: i,
                        value,
                    });
                }
            }
        }
        self.setting_memo = vec![Memo::Todo; self.settings.len()];
    }

    /// `const|let|var` at `i`: its declarators.
    fn declarators(&mut self, i: usize) {
        let scope = if self.s(i) == "var" {
            self.function_scope(i)
        } else {
            self.block_scope(i)
        };
        let n = self.n();
        let mut j = i + 1;
        loop {
            if self.is_name(j) {
                let name_tok = j;
                j += 1;
                if self.is_p(j, "!") {
                    j += 1;
                }
                if self.is_p(j, ":") {
                    j = self.skip_type(j + 1, n);
                }
                self.declared.insert(name_tok);
                let name = self.name(name_tok);
                if self.is_p(j, "=") {
                    let end = self.expr_end(j + 1);
                    self.bind(name, name_tok, scope, Init::Expr(j + 1, end));
                    j = end;
                } else {
                    let v = Spanned::new(
                        Value::Unknown(format!("`{name}` is declared without a value")),
                        self.span(name_tok, name_tok + 1),
                    );
                    self.bind(name, name_tok, scope, Init::Fixed(v));
                }
            } else if self.is_p(j, "{") || self.is_p(j, "[") {
                let object = self.is_p(j, "{");
                let open = j;
                let close = self.fwd(j);
                if close == NONE {
                    return;
                }
                j = close + 1;
                if self.is_p(j, ":") {
                    j = self.skip_type(j + 1, n);
                }
                let src = if self.is_p(j, "=") {
                    let end = self.expr_end(j + 1);
                    let src = (j + 1, end);
                    j = end;
                    Some(src)
                } else {
                    None
                };
                if object {
                    self.object_pattern(open, close, src, scope);
                }
            } else {
                return;
            }
            if self.is_p(j, ",") {
                j += 1;
            } else {
                return;
            }
        }
    }

    /// `{ a, b: c, d = 1, 'e': f = 2, ...rest }` bound from `src`.
    fn object_pattern(&mut self, open: usize, close: usize, src: Option<(usize, usize)>, scope: Scope) {
        for (a, b) in self.split(open + 1, close) {
            if self.is_p(a, "...") {
                if self.is_name(a + 1) {
                    self.declared.insert(a + 1);
                    let name = self.name(a + 1);
                    let v = Spanned::new(
                        Value::Unknown(format!("`...{name}` is the rest of an object")),
                        self.span(a, b),
                    );
                    self.bind(name, a + 1, scope, Init::Fixed(v));
                }
                continue;
            }
            let key = match self.kind(a) {
                Some(K::Ident) => self.name(a),
                Some(K::Str | K::Tpl) => self.cooked(a),
                Some(K::Num) => self.s(a).to_owned(),
                _ => continue,
            };
            let (name_tok, k) = if self.is_p(a + 1, ":") {
                if self.is_name(a + 2) {
                    (a + 2, a + 3)
                } else {
                    continue;
                }
            } else if self.is_name(a) {
                (a, a + 1)
            } else {
                continue;
            };
            let default = if self.is_p(k, "=") && k + 1 < b {
                Some((k + 1, b))
            } else {
                None
            };
            self.declared.insert(name_tok);
            let name = self.name(name_tok);
            let init = match src {
                Some(src) => Init::Pattern {
                    src,
                    key,
                    default,
                    elem: (a, b),
                },
                None => Init::Fixed(Spanned::new(
                    Value::Unknown(format!("`{name}` is destructured from an unknown value")),
                    self.span(a, b),
                )),
            };
            self.bind(name, name_tok, scope, init);
        }
    }

    /// The parameters before `=>` at `arrow`.
    fn arrow_params(&mut self, arrow: usize, scope: Scope) {
        let Some(prev) = arrow.checked_sub(1) else { return };
        if self.is_name(prev) && !self.is_p(prev.wrapping_sub(1), ".") {
            self.param(prev, scope);
        } else if let Some(close) = self.params_paren(arrow) {
            self.param_list(self.back(close), close, scope);
        }
    }

    fn param(&mut self, i: usize, scope: Scope) {
        self.declared.insert(i);
        let name = self.name(i);
        let v = Spanned::new(
            Value::Unknown(format!("`{name}` is a parameter of a function")),
            self.span(i, i + 1),
        );
        self.bind(name, i, scope, Init::Fixed(v));
    }

    /// The names bound by a parameter list `( … )`, patterns included
    /// (an explicit worklist: patterns nest without recursion).
    fn param_list(&mut self, open: usize, close: usize, scope: Scope) {
        if open == NONE || close == NONE || open >= close {
            return;
        }
        let mut work: Vec<(usize, usize)> = self.split(open + 1, close);
        let mut steps = 0;
        while let Some((a, b)) = work.pop() {
            steps += 1;
            if steps > self.n() {
                break;
            }
            let mut k = a;
            while k < b
                && (self.is_p(k, "...")
                    || matches!(self.s(k), "public" | "private" | "protected" | "readonly" | "override")
                        && (self.is_name(k + 1) || self.is_p(k + 1, "{") || self.is_p(k + 1, "[")))
            {
                k += 1;
            }
            if k >= b {
                continue;
            }
            if self.is_name(k) {
                self.param(k, scope);
            } else if self.is_p(k, "[") {
                let end = self.group_end(k, b);
                work.extend(self.split(k + 1, end.saturating_sub(1)));
            } else if self.is_p(k, "{") {
                let end = self.group_end(k, b);
                for (x, y) in self.split(k + 1, end.saturating_sub(1)) {
                    if self.is_p(x, "...") {
                        work.push((x, y));
                    } else if self.is_p(x + 1, ":") {
                        work.push((x + 2, y));
                    } else if self.is_name(x) {
                        self.param(x, scope);
                    }
                }
            }
        }
    }

    /// `import … from 'm'` at `i`: the (imported, local token) names, the
    /// module and its token. `import 'm'` has no names.
    #[allow(clippy::type_complexity)]
    fn import_clause(&self, i: usize) -> Option<(Vec<(String, usize)>, String, usize)> {
        if self.is_p(i + 1, "(") || self.is_p(i + 1, ".") {
            return None;
        }
        let mut j = i + 1;
        if matches!(self.kind(j), Some(K::Str)) {
            return Some((Vec::new(), self.cooked(j), j));
        }
        if self.is_id(j, "type") && (self.is_name(j + 1) || self.is_p(j + 1, "{") || self.is_p(j + 1, "*")) {
            j += 1;
        }
        let mut names = Vec::new();
        if self.is_name(j) && !self.is_id(j, "from") || self.is_name(j) && self.is_id(j + 1, "from") {
            names.push(("default".to_owned(), j));
            j += 1;
            if self.is_p(j, ",") {
                j += 1;
            }
        }
        if self.is_p(j, "*") && self.is_id(j + 1, "as") && self.is_name(j + 2) {
            names.push(("*".to_owned(), j + 2));
            j += 3;
        } else if self.is_p(j, "{") {
            let close = self.fwd(j);
            if close == NONE {
                return None;
            }
            for (a, b) in self.split(j + 1, close) {
                let a = if self.is_id(a, "type") && a + 1 < b { a + 1 } else { a };
                let imported = match self.kind(a) {
                    Some(K::Ident) => self.name(a),
                    Some(K::Str) => self.cooked(a),
                    _ => continue,
                };
                let local = if self.is_id(a + 1, "as") && self.is_name(a + 2) {
                    a + 2
                } else if self.is_name(a) && b == a + 1 {
                    a
                } else {
                    continue;
                };
                names.push((imported, local));
            }
            j = close + 1;
        }
        if self.is_id(j, "from") && self.kind(j + 1) == Some(K::Str) {
            Some((names, self.cooked(j + 1), j + 1))
        } else {
            None
        }
    }

    // ------------------------------------------------------------ resolution

    /// The binding a name used at token `at` refers to.
    fn resolve(&self, name: &str, at: usize) -> Option<usize> {
        let list = self.by_name.get(name)?;
        let b = &self.bindings;
        list.iter()
            .rev()
            .find(|&&k| b[k].pos < at && contains(b[k].scope, at))
            .or_else(|| list.iter().rev().find(|&&k| contains(b[k].scope, at)))
            .or_else(|| list.last())
            .copied()
    }

    fn binding_value(&mut self, k: usize, depth: usize) -> SV {
        let Some(b) = self.bindings.get(k).cloned() else {
            return Spanned::new(Value::Unknown("no such binding".into()), self.span(0, 0));
        };
        let name_span = self.span(b.pos, b.pos + 1);
        match self.memo.get(k) {
            Some(Memo::Done(v)) => return v.clone(),
            Some(Memo::Busy) => {
                return Spanned::new(Value::Unknown(format!("`{}` refers to itself", b.name)), name_span);
            }
            _ => {}
        }
        if depth > MAX_DEPTH {
            return Spanned::new(
                Value::Unknown(format!("`{}` is defined through too many other names", b.name)),
                name_span,
            );
        }
        if let Some(m) = self.memo.get_mut(k) {
            *m = Memo::Busy;
        }
        let v = match &b.init {
            Init::Expr(a, e) => self.fold_range(*a, *e, b.pos, depth + 1),
            Init::Fixed(v) => v.clone(),
            Init::Function => Spanned::new(Value::Unknown(format!("`{}` is a function", b.name)), name_span),
            Init::Pattern {
                src,
                key,
                default,
                elem,
            } => self.pattern_value(*src, key, *default, *elem, b.pos, depth + 1),
        };
        if let Some(m) = self.memo.get_mut(k) {
            *m = Memo::Done(v.clone());
        }
        v
    }

    /// The value of `{ key = default } = src`.
    fn pattern_value(
        &mut self,
        src: (usize, usize),
        key: &str,
        default: Option<(usize, usize)>,
        elem: (usize, usize),
        at: usize,
        depth: usize,
    ) -> SV {
        let span = self.span(elem.0, elem.1);
        let default = default.map(|(a, b)| self.fold_range(a, b, at, depth + 1));
        let is_env = src.1 == src.0 + 3
            && self.is_id(src.0, "process")
            && self.is_p(src.0 + 1, ".")
            && self.is_id(src.0 + 2, "env");
        if is_env {
            return Spanned::new(
                Value::Env {
                    name: key.to_owned(),
                    default: default.map(Box::new),
                },
                span,
            );
        }
        let obj = self.fold_range(src.0, src.1, at, depth + 1);
        match map_get(&obj.value, key) {
            Some(v) if v.value == Value::Null => default.unwrap_or(v),
            Some(v) => v,
            None if matches!(obj.value, Value::Map(_)) => default.unwrap_or(Spanned::new(Value::Null, span)),
            None => Spanned::new(
                Value::Unknown(format!(
                    "`{}.{key}` is not evaluated",
                    short(self.text_of(src.0, src.1))
                )),
                span,
            ),
        }
    }

    /// The value of `receiver.get(key)`: the latest `receiver.set(key, …)`
    /// before `at`, else the last one in the file.
    fn setting_value(&mut self, receiver: &str, key: &str, at: usize, depth: usize) -> Option<SV> {
        let matches = |s: &Setting| s.receiver == receiver && s.key == key;
        let k = self
            .settings
            .iter()
            .enumerate()
            .rev()
            .find(|(_, s)| matches(s) && s.pos < at)
            .or_else(|| self.settings.iter().enumerate().rev().find(|(_, s)| matches(s)))
            .map(|(k, _)| k)?;
        let s = self.settings.get(k)?.clone();
        match self.setting_memo.get(k) {
            Some(Memo::Done(v)) => return Some(v.clone()),
            Some(Memo::Busy) => {
                return Some(Spanned::new(
                    Value::Unknown(format!("the `{key}` setting refers to itself")),
                    self.span(s.value.0, s.value.1),
                ));
            }
            _ => {}
        }
        if let Some(m) = self.setting_memo.get_mut(k) {
            *m = Memo::Busy;
        }
        let v = self.fold_range(s.value.0, s.value.1, s.pos, depth + 1);
        if let Some(m) = self.setting_memo.get_mut(k) {
            *m = Memo::Done(v.clone());
        }
        Some(v)
    }

    // ------------------------------------------------------------ folding

    /// Fold tokens `[a, b)` as one expression; names resolve as seen from
    /// token `at`.
    fn fold_range(&mut self, a: usize, b: usize, at: usize, depth: usize) -> SV {
        if a >= b {
            return Spanned::new(Value::Unknown("an empty expression".into()), self.span(a, a));
        }
        let mut p = a;
        let v = self.expr(&mut p, b, at, depth);
        if p < b { self.not_evaluated(a, b) } else { v }
    }

    /// A function or arrow function starts at `a` (within `b`).
    fn starts_function(&self, a: usize, b: usize) -> bool {
        let a = if self.is_id(a, "async") && a + 1 < b { a + 1 } else { a };
        if self.is_id(a, "function") || self.is_id(a, "class") {
            return true;
        }
        if self.is_name(a) && self.is_p(a + 1, "=>") {
            return true;
        }
        if self.is_p(a, "(") {
            let end = self.group_end(a, b);
            if self.is_p(end, "=>") {
                return true;
            }
            // `(a): T => …`
            if self.is_p(end, ":") {
                let t = self.skip_type(end + 1, b);
                return self.is_p(t, "=>");
            }
        }
        false
    }

    fn expr(&mut self, p: &mut usize, end: usize, at: usize, depth: usize) -> SV {
        let start = *p;
        if depth > MAX_DEPTH {
            *p = end;
            return Spanned::new(
                Value::Unknown("the expression is nested too deeply".into()),
                self.span(start, end),
            );
        }
        if self.starts_function(start, end) {
            *p = end;
            return Spanned::new(
                Value::Unknown(format!("`{}` is a function", short(self.text_of(start, end)))),
                self.span(start, end),
            );
        }
        let cond = self.binary(p, end, at, 0, depth);
        if *p < end && self.is_p(*p, "?") {
            *p += 1;
            let yes = self.expr(p, end, at, depth + 1);
            if !(*p < end && self.is_p(*p, ":")) {
                *p = end;
                return self.not_evaluated(start, end);
            }
            *p += 1;
            let no = self.expr(p, end, at, depth + 1);
            return match (truthy(&cond.value), cond.value, yes.value) {
                (Some(true), _, value) => Spanned::new(value, yes.span),
                (Some(false), _, _) => no,
                // `process.env.PORT ? parseInt(process.env.PORT, 10) : 3000`:
                // when the variable is unset, the `else` branch.
                (
                    None,
                    Value::Env {
                        name: c, default: None, ..
                    },
                    Value::Env { name, .. },
                ) if c == name => Spanned::new(
                    Value::Env {
                        name,
                        default: Some(Box::new(no)),
                    },
                    self.span(start, *p),
                ),
                _ => self.not_evaluated(start, *p),
            };
        }
        if *p < end
            && self.kind(*p) == Some(K::Punct)
            && self.s(*p).ends_with('=')
            && !matches!(self.s(*p), "==" | "===" | "!=" | "!==" | "<=" | ">=")
        {
            // An assignment inside an expression.
            *p = end;
            return self.not_evaluated(start, end);
        }
        cond
    }

    /// A binary operator at `i`: (operator, precedence, right-associative).
    fn binop(&self, i: usize) -> Option<(&'a str, u8, bool)> {
        let s = self.s(i);
        let prec = match self.kind(i)? {
            K::Punct => match s {
                "??" | "||" => 1,
                "&&" => 2,
                "|" => 3,
                "^" => 4,
                "&" => 5,
                "==" | "!=" | "===" | "!==" => 6,
                "<" | ">" | "<=" | ">=" => 7,
                "<<" | ">>" | ">>>" => 8,
                "+" | "-" => 9,
                "*" | "/" | "%" => 10,
                "**" => 11,
                _ => return None,
            },
            K::Ident => match s {
                "instanceof" | "in" => 7,
                _ => return None,
            },
            _ => return None,
        };
        Some((s, prec, s == "**"))
    }

    fn binary(&mut self, p: &mut usize, end: usize, at: usize, min: u8, depth: usize) -> SV {
        let start = *p;
        let mut lhs = self.unary(p, end, at, depth);
        loop {
            if *p >= end {
                break;
            }
            if (self.is_id(*p, "as") || self.is_id(*p, "satisfies")) && !self.nl(*p) {
                *p = self.skip_type(*p + 1, end);
                continue;
            }
            let Some((op, prec, right)) = self.binop(*p) else { break };
            if prec < min {
                break;
            }
            *p += 1;
            // The right operand is one level deeper: `2 ** 2 ** …` recurses.
            let rhs = self.binary(p, end, at, if right { prec } else { prec + 1 }, depth + 1);
            let span = self.span(start, *p);
            lhs = match self.combine(op, lhs, rhs, span) {
                Some(v) => v,
                None => self.not_evaluated(start, *p),
            };
        }
        lhs
    }

    fn combine(&self, op: &str, l: SV, r: SV, span: Span) -> Option<SV> {
        match op {
            "||" => or_value(l, r, span),
            "??" => nullish_value(l, r, span),
            "&&" => match truthy(&l.value)? {
                true => Some(r),
                false => Some(l),
            },
            "+" => {
                let v = match (&l.value, &r.value) {
                    (Value::Int(a), Value::Int(b)) => Value::Int(a.checked_add(*b)?),
                    (Value::Str(_), _) | (_, Value::Str(_)) => {
                        let (a, b) = (js_string(&l.value)?, js_string(&r.value)?);
                        Value::Str(a + &b)
                    }
                    _ => return None,
                };
                Some(Spanned::new(v, span))
            }
            "-" | "*" => {
                let (Value::Int(a), Value::Int(b)) = (&l.value, &r.value) else {
                    return None;
                };
                let v = if op == "-" {
                    a.checked_sub(*b)?
                } else {
                    a.checked_mul(*b)?
                };
                Some(Spanned::new(Value::Int(v), span))
            }
            _ => None,
        }
    }

    fn unary(&mut self, p: &mut usize, end: usize, at: usize, depth: usize) -> SV {
        let start = *p;
        if start >= end {
            return Spanned::new(Value::Unknown("an operand is missing".into()), self.span(start, start));
        }
        if depth > MAX_DEPTH {
            *p = end;
            return Spanned::new(
                Value::Unknown("the expression is nested too deeply".into()),
                self.span(start, end),
            );
        }
        let op = if self.kind(start) == Some(K::Punct) || self.kind(start) == Some(K::Ident) {
            self.s(start)
        } else {
            ""
        };
        match (self.kind(start), op) {
            (Some(K::Punct), "+" | "-" | "!" | "~") | (Some(K::Ident), "typeof" | "void" | "delete" | "await") => {
                *p += 1;
                let v = self.unary(p, end, at, depth + 1);
                let span = self.span(start, *p);
                match op {
                    "+" => convert(v, span, &to_number).unwrap_or_else(|| self.not_evaluated(start, *p)),
                    "await" => v,
                    "-" => match v.value {
                        Value::Int(i) => Spanned::new(Value::Int(i.saturating_neg()), span),
                        Value::Float(x) => Spanned::new(Value::Float(-x), span),
                        _ => self.not_evaluated(start, *p),
                    },
                    "!" => match truthy(&v.value) {
                        Some(t) => Spanned::new(Value::Bool(!t), span),
                        None => self.not_evaluated(start, *p),
                    },
                    "void" => Spanned::new(Value::Null, span),
                    _ => self.not_evaluated(start, *p),
                }
            }
            (Some(K::Punct), "<") => {
                // A TypeScript type assertion `<T>expr`.
                let mut j = start;
                let mut angle = 0i64;
                while j < end {
                    match self.s(j) {
                        "<" => angle += 1,
                        ">" => angle -= 1,
                        ">>" => angle -= 2,
                        _ => {}
                    }
                    j = if self.is_opener(j) {
                        self.group_end(j, end)
                    } else {
                        j + 1
                    };
                    if angle <= 0 {
                        break;
                    }
                }
                *p = j;
                if *p >= end {
                    return self.not_evaluated(start, end);
                }
                self.unary(p, end, at, depth + 1)
            }
            (Some(K::Punct), "++" | "--") => {
                *p += 1;
                let _ = self.unary(p, end, at, depth + 1);
                self.not_evaluated(start, *p)
            }
            _ => self.chain(p, end, at, depth),
        }
    }

    /// The end of the member/call chain starting at `s`.
    fn chain_end(&self, s: usize, end: usize) -> usize {
        let mut i = s;
        while i < end && self.is_id(i, "new") {
            i += 1;
        }
        if i >= end {
            return end;
        }
        i = if self.is_opener(i) {
            self.group_end(i, end)
        } else {
            i + 1
        };
        while i < end {
            match self.kind(i) {
                Some(K::Punct) => match self.s(i) {
                    "." => {
                        if matches!(self.kind(i + 1), Some(K::Ident | K::Private)) && i + 1 < end {
                            i += 2;
                        } else {
                            break;
                        }
                    }
                    "?." => {
                        if i + 1 >= end {
                            break;
                        }
                        if self.is_opener(i + 1) {
                            i = self.group_end(i + 1, end);
                        } else {
                            i += 2;
                        }
                    }
                    "(" | "[" => i = self.group_end(i, end),
                    "!" | "++" | "--" if !self.nl(i) => i += 1,
                    _ => break,
                },
                Some(K::Tpl) => i += 1,
                Some(K::TplHead) => i = self.group_end(i, end),
                _ => break,
            }
        }
        i
    }

    fn chain(&mut self, p: &mut usize, end: usize, at: usize, depth: usize) -> SV {
        let s = *p;
        if s >= end {
            return Spanned::new(Value::Unknown("an operand is missing".into()), self.span(s, s));
        }
        let e = self.chain_end(s, end).clamp(s + 1, end);
        *p = e;
        // TypeScript's non-null assertion `x!` changes nothing.
        let mut e = e;
        while e > s + 1 && self.is_p(e - 1, "!") {
            e -= 1;
        }
        self.interpret(s, e, at, depth)
    }

    /// A dotted name `a.b.c` over tokens `[a, b)`.
    fn dotted(&self, a: usize, b: usize) -> Option<String> {
        if a >= b || (b - a).is_multiple_of(2) {
            return None;
        }
        let mut out = String::new();
        for i in a..b {
            if (i - a).is_multiple_of(2) {
                if self.kind(i) != Some(K::Ident) {
                    return None;
                }
                out.push_str(self.s(i));
            } else if self.is_p(i, ".") || self.is_p(i, "?.") {
                out.push('.');
            } else {
                return None;
            }
        }
        Some(out)
    }

    /// The value of a complete chain `[s, e)`.
    fn interpret(&mut self, s: usize, e: usize, at: usize, depth: usize) -> SV {
        let span = self.span(s, e);
        let len = e - s;
        if len == 1 {
            return match self.kind(s) {
                Some(K::Num) => Spanned::new(number_literal(self.s(s)), span),
                Some(K::Str | K::Tpl) => Spanned::new(Value::Str(self.cooked(s)), span),
                Some(K::Ident) => self.ident_value(s, at, depth),
                Some(K::Regex) => Spanned::new(Value::Unknown("a regular expression".into()), span),
                _ => self.not_evaluated(s, e),
            };
        }
        // A group on its own.
        if self.is_opener(s) && self.group_end(s, e) == e {
            if self.kind(s) == Some(K::TplHead) {
                return self.template(s, e, at, depth);
            }
            match self.s(s) {
                "(" => {
                    let parts = self.split(s + 1, e - 1);
                    return match parts.last() {
                        Some(&(a, b)) => self.fold_range(a, b, at, depth + 1),
                        None => self.not_evaluated(s, e),
                    };
                }
                "{" => return self.object(s, e, at, depth),
                _ => return self.not_evaluated(s, e),
            }
        }
        // `process.env.X`, `process.env['X']`.
        if self.is_id(s, "process") && (self.is_p(s + 1, ".") || self.is_p(s + 1, "?.")) && self.is_id(s + 2, "env") {
            let key = if len == 5
                && (self.is_p(s + 3, ".") || self.is_p(s + 3, "?."))
                && self.kind(s + 4) == Some(K::Ident)
            {
                Some(self.name(s + 4))
            } else if len == 6 && self.is_p(s + 3, "[") && matches!(self.kind(s + 4), Some(K::Str | K::Tpl)) {
                Some(self.cooked(s + 4))
            } else if len == 7
                && self.is_p(s + 3, "?.")
                && self.is_p(s + 4, "[")
                && matches!(self.kind(s + 5), Some(K::Str | K::Tpl))
            {
                Some(self.cooked(s + 5))
            } else {
                None
            };
            if let Some(name) = key {
                return Spanned::new(Value::Env { name, default: None }, span);
            }
            return self.not_evaluated(s, e);
        }
        // A call.
        if self.is_p(e - 1, ")") {
            let open = self.back(e - 1);
            if open != NONE && open > s {
                let callee = self.dotted(s, open);
                let args = self.split(open + 1, e - 1);
                if let Some(callee) = callee {
                    return self.call(&callee, (s, e), &args, at, depth);
                }
            }
            return self.not_evaluated(s, e);
        }
        // Member access into a known object: `config.port`.
        if let Some(path) = self.dotted(s, e) {
            let mut v = self.ident_value(s, at, depth);
            for key in path.split('.').skip(1) {
                v = match map_get(&v.value, key) {
                    Some(x) => x,
                    None if matches!(v.value, Value::Map(_)) => Spanned::new(Value::Null, span),
                    None => return self.not_evaluated(s, e),
                };
            }
            return v;
        }
        self.not_evaluated(s, e)
    }

    /// A call `callee(args)` over tokens `range`.
    fn call(&mut self, callee: &str, range: (usize, usize), args: &[(usize, usize)], at: usize, depth: usize) -> SV {
        let (s, e) = range;
        let span = self.span(s, e);
        let arg = |an: &mut An<'a>, k: usize| -> Option<SV> {
            let &(a, b) = args.get(k)?;
            Some(an.fold_range(a, b, at, depth + 1))
        };
        let base = callee.rsplit('.').next().unwrap_or(callee);
        let folded = match callee {
            "parseInt" | "Number.parseInt" | "parseFloat" | "Number.parseFloat" | "Number" | "String" => {
                let Some(v) = arg(self, 0) else {
                    return match callee {
                        "Number" => Spanned::new(Value::Int(0), span),
                        "String" => Spanned::new(Value::Str(String::new()), span),
                        _ => Spanned::new(Value::Float(f64::NAN), span),
                    };
                };
                match callee {
                    "Number" => convert(v, span, &to_number),
                    "String" => convert(v, span, &|x| js_string(x).map(Value::Str)),
                    "parseFloat" | "Number.parseFloat" => convert(v, span, &parse_float),
                    _ => match arg(self, 1).map(|r| r.value) {
                        None => convert(v, span, &|x| parse_int(x, None)),
                        Some(Value::Int(r)) if r == 0 || (2..=36).contains(&r) => {
                            let r = u32::try_from(r).ok();
                            convert(v, span, &|x| parse_int(x, r))
                        }
                        Some(_) => None,
                    },
                }
            }
            // express-generator's `normalizePort(val)`: the port or the pipe.
            _ if base == "normalizePort" => arg(self, 0).map(|v| Spanned::new(v.value, span)),
            // express's `app.get('port')` after `app.set('port', …)`.
            _ if base == "get" && args.len() == 1 && callee.matches('.').count() == 1 => match args.first() {
                Some(&(a, b)) if b == a + 1 && matches!(self.kind(a), Some(K::Str | K::Tpl)) => {
                    let key = self.cooked(a);
                    let receiver = callee.split('.').next().unwrap_or("");
                    self.setting_value(receiver, &key, at, depth + 1)
                }
                _ => None,
            },
            _ => None,
        };
        folded.unwrap_or_else(|| self.not_evaluated(s, e))
    }

    /// A template literal with substitutions, `[s, e)`: a string when every
    /// substitution is known.
    fn template(&mut self, s: usize, e: usize, at: usize, depth: usize) -> SV {
        let mut out = String::new();
        let mut part = s;
        let mut steps = 0;
        loop {
            steps += 1;
            if steps > self.n() {
                return self.not_evaluated(s, e);
            }
            let text = self.s(part);
            // Head: `` `…${ ``; middle: `}…${`; tail: `` }…` ``.
            let cut = if self.kind(part) == Some(K::TplTail) { 1 } else { 2 };
            out.push_str(&unescape(text.get(1..text.len().saturating_sub(cut)).unwrap_or("")));
            if self.kind(part) == Some(K::TplTail) {
                break;
            }
            let next = self.fwd(part);
            if next == NONE || next >= e {
                return self.not_evaluated(s, e);
            }
            let v = self.fold_range(part + 1, next, at, depth + 1);
            match js_string(&v.value) {
                Some(x) => out.push_str(&x),
                None => return self.not_evaluated(s, e),
            }
            part = next;
        }
        Spanned::new(Value::Str(out), self.span(s, e))
    }

    /// An object literal `{ … }` over `[s, e)`, as a map. A spread or a
    /// computed key is remembered as [`SPREAD_KEY`]: later keys are certain,
    /// earlier ones may be overridden.
    fn object(&mut self, s: usize, e: usize, at: usize, depth: usize) -> SV {
        let mut entries = Vec::new();
        for (a, b) in self.split(s + 1, e - 1) {
            let unknown_key = |an: &An<'a>| {
                (
                    Spanned::new(SPREAD_KEY.to_owned(), an.span(a, b)),
                    Spanned::new(
                        Value::Unknown(format!("`{}` may set any key", short(an.text_of(a, b)))),
                        an.span(a, b),
                    ),
                )
            };
            if self.is_p(a, "...") || self.is_p(a, "[") {
                entries.push(unknown_key(self));
                continue;
            }
            let key = match self.kind(a) {
                Some(K::Ident) => self.name(a),
                Some(K::Str | K::Tpl) => self.cooked(a),
                Some(K::Num) => match number_literal(self.s(a)) {
                    Value::Int(i) => i.to_string(),
                    _ => self.s(a).to_owned(),
                },
                _ => continue,
            };
            let key_span = self.span(a, a + 1);
            if self.is_p(a + 1, ":") {
                let v = self.fold_range(a + 2, b, at, depth + 1);
                entries.push((Spanned::new(key, key_span), v));
            } else if b == a + 1 && self.kind(a) == Some(K::Ident) {
                let v = self.ident_value(a, at, depth);
                entries.push((Spanned::new(key, key_span), v));
            }
            // Methods, getters and setters are not values lint502 reads.
        }
        Spanned::new(Value::Map(entries), self.span(s, e))
    }

    /// The value of the identifier token `i`.
    fn ident_value(&mut self, i: usize, at: usize, depth: usize) -> SV {
        let span = self.span(i, i + 1);
        let name = self.name(i);
        let v = match name.as_str() {
            "undefined" | "null" => Value::Null,
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            "NaN" => Value::Float(f64::NAN),
            "Infinity" => Value::Float(f64::INFINITY),
            _ => {
                if reserved(&name) {
                    return Spanned::new(Value::Unknown(format!("`{name}` is not evaluated")), span);
                }
                return match self.resolve(&name, at) {
                    Some(k) => self.binding_value(k, depth + 1),
                    None => Spanned::new(Value::Unknown(format!("`{name}` is not defined in this file")), span),
                };
            }
        };
        Spanned::new(v, span)
    }

    // ------------------------------------------------------------ listens

    /// Where the receiver of a `.listen` ends at token `j` (the token before
    /// the `.`): the first token of the receiver, or None if it is not one
    /// (`'x'.listen`, `).listen` of a parenthesized literal…).
    fn receiver_start(&self, j: usize) -> Option<usize> {
        let mut k = j;
        let mut first = true;
        for _ in 0..MAX_WALK {
            // One link of the chain, ending at k.
            let cur = match self.kind(k)? {
                K::Ident => {
                    let w = self.s(k);
                    if reserved(w) && !matches!(w, "this" | "super") && !self.after_dot(k) {
                        return None;
                    }
                    k
                }
                K::Private => k,
                K::Punct if self.is_p(k, "!") && first => {
                    k = k.checked_sub(1)?;
                    continue;
                }
                K::Punct if self.is_p(k, ")") || self.is_p(k, "]") => {
                    let o = self.back(k);
                    if o == NONE {
                        return None;
                    }
                    // A call or index continues the chain leftwards; a
                    // parenthesized expression is the head.
                    let before = o.checked_sub(1);
                    let continues = before.is_some_and(|b| {
                        !self.nl(o)
                            && (matches!(self.kind(b), Some(K::Ident | K::Private)) && !self.is_reserved_head(b)
                                || self.is_p(b, ")")
                                || self.is_p(b, "]")
                                || self.is_p(b, "?.")
                                || self.is_p(b, "!"))
                    });
                    if continues && let Some(b) = before {
                        k = if self.is_p(b, "?.") { b.checked_sub(1)? } else { b };
                        first = false;
                        continue;
                    }
                    if self.is_p(k, "]") {
                        // An array literal is not a server.
                        return None;
                    }
                    o
                }
                _ => return None,
            };
            first = false;
            match cur.checked_sub(1) {
                Some(d) if self.is_p(d, ".") || self.is_p(d, "?.") => {
                    k = d.checked_sub(1)?;
                }
                Some(d) if self.is_id(d, "new") => return Some(d),
                _ => return Some(cur),
            }
        }
        Some(k)
    }

    fn is_reserved_head(&self, b: usize) -> bool {
        let w = self.s(b);
        reserved(w) && !matches!(w, "this" | "super") && !self.after_dot(b)
    }

    /// The receiver's text, tokens `[a, b)`, with long groups as `(…)`.
    fn receiver_text(&self, a: usize, b: usize) -> String {
        let mut out = String::new();
        let mut i = a;
        let mut prev_word = false;
        while i < b {
            let word = matches!(self.kind(i), Some(K::Ident | K::Num | K::Private));
            if word && prev_word {
                out.push(' ');
            }
            if self.is_opener(i) && self.kind(i) == Some(K::Punct) {
                let end = self.group_end(i, b);
                let inner = self.text_of(i, end);
                if inner.len() > 40 || inner.contains('\n') {
                    let close = match self.s(i) {
                        "(" => ")",
                        "[" => "]",
                        _ => "}",
                    };
                    out.push_str(self.s(i));
                    out.push('…');
                    out.push_str(close);
                } else {
                    out.push_str(&short(inner));
                }
                i = end;
                prev_word = false;
                continue;
            }
            out.push_str(self.s(i));
            prev_word = word;
            i += 1;
        }
        short(&out)
    }

    fn listens(&mut self) -> Vec<NodeListen> {
        let n = self.n();
        let mut out = Vec::new();
        for i in 2..n {
            if !(self.is_id(i, "listen") && self.after_dot(i) && self.is_p(i + 1, "(")) {
                continue;
            }
            let Some(rs) = self.receiver_start(i - 2) else { continue };
            let open = i + 1;
            let close = self.fwd(open);
            let (args_end, call_end) = if close == NONE { (n, n) } else { (close, close + 1) };
            let span = self.span(rs, call_end);
            let receiver = self.receiver_text(rs, i - 1);
            let args = self.split(open + 1, args_end);
            let (port, host) = self.listen_args(open, call_end, &args);
            out.push(NodeListen {
                port,
                host,
                span,
                receiver,
            });
        }
        out
    }

    fn no_port(&self, span: Span) -> SV {
        Spanned::new(
            Value::Unknown("no port is given: the system picks a free one".into()),
            span,
        )
    }

    /// A port value as Node would take it: objects, lists and `undefined`
    /// are not ports.
    fn as_port(&self, v: SV) -> SV {
        match v.value {
            Value::Null => self.no_port(v.span),
            Value::Map(_) | Value::List(_) | Value::Bool(_) => Spanned::new(
                Value::Unknown(format!(
                    "`{}` is not a port",
                    short(self.text.get(v.span.range()).unwrap_or(""))
                )),
                v.span,
            ),
            Value::Float(x) if x.is_nan() => Spanned::new(Value::Unknown("NaN is not a port".into()), v.span),
            _ => v,
        }
    }

    fn listen_args(&mut self, open: usize, call_end: usize, args: &[(usize, usize)]) -> (SV, Option<SV>) {
        let Some(&(a, b)) = args.first() else {
            return (self.no_port(self.span(open, call_end)), None);
        };
        if self.starts_function(a, b) {
            // `listen(callback)`.
            return (self.no_port(self.span(open, call_end)), None);
        }
        let first = self.fold_range(a, b, open, 0);
        if let Value::Map(_) = first.value {
            let port = match map_get(&first.value, "port") {
                Some(p) if p.value != Value::Null => self.as_port(p),
                _ => match map_get(&first.value, "path") {
                    Some(p) if p.value != Value::Null => self.as_port(p),
                    _ => Spanned::new(
                        Value::Unknown("the options give no `port` or `path`: the system picks a free port".into()),
                        first.span,
                    ),
                },
            };
            let host = map_get(&first.value, "host").filter(|h| h.value != Value::Null);
            return (port, host);
        }
        let port = self.as_port(first);
        let host = args.get(1).and_then(|&(x, y)| self.host_arg(x, y, open));
        (port, host)
    }

    /// The second argument as a host, if it is one (Node takes it as the
    /// host only when it is a string).
    fn host_arg(&mut self, x: usize, y: usize, at: usize) -> Option<SV> {
        if self.starts_function(x, y) {
            return None;
        }
        let v = self.fold_range(x, y, at, 0);
        match v.value {
            Value::Str(_) | Value::Env { .. } => Some(v),
            Value::Unknown(_) | Value::Symbolic(_) => {
                // A named callback (`listen(port, onListening)`) is not a host.
                if y == x + 1
                    && self.kind(x) == Some(K::Ident)
                    && let Some(k) = self.resolve(&self.name(x), at)
                    && matches!(self.bindings.get(k).map(|b| &b.init), Some(Init::Function))
                {
                    return None;
                }
                if mentions_host(self.text_of(x, y)) {
                    Some(v)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    // ------------------------------------------------------------ dotenv

    fn loads_dotenv(&self) -> bool {
        const PACKAGES: [&str; 4] = ["dotenv", "dotenv-safe", "dotenv-flow", "@dotenvx/dotenvx"];
        let is_pkg = |m: &str| PACKAGES.contains(&m);
        let is_config = |m: &str| m.strip_suffix("/config").is_some_and(is_pkg);
        let n = self.n();
        let mut modules: HashSet<String> = HashSet::new();
        let mut config_fns: HashSet<String> = HashSet::new();
        for i in 0..n {
            if self.kind(i) != Some(K::Ident) || self.after_dot(i) {
                continue;
            }
            match self.s(i) {
                "require" | "import"
                    if self.is_p(i + 1, "(")
                        && matches!(self.kind(i + 2), Some(K::Str | K::Tpl))
                        && (self.is_p(i + 3, ")") || self.is_p(i + 3, ",")) =>
                {
                    let m = self.cooked(i + 2);
                    if is_config(&m) {
                        return true;
                    }
                    if !is_pkg(&m) {
                        continue;
                    }
                    let close = self.fwd(i + 1);
                    if close != NONE
                        && self.is_p(close + 1, ".")
                        && (self.is_id(close + 2, "config") || self.is_id(close + 2, "load"))
                        && self.is_p(close + 3, "(")
                    {
                        return true;
                    }
                    if i >= 2 && self.is_p(i - 1, "=") {
                        if self.is_name(i - 2) {
                            modules.insert(self.name(i - 2));
                        } else if self.is_p(i - 2, "}") {
                            let o = self.back(i - 2);
                            if o != NONE {
                                for (a, _) in self.split(o + 1, i - 2) {
                                    if self.is_id(a, "config") || self.is_id(a, "load") {
                                        let local = if self.is_p(a + 1, ":") { a + 2 } else { a };
                                        config_fns.insert(self.name(local));
                                    }
                                }
                            }
                        }
                    }
                }
                "import" => {
                    if let Some((names, m, _)) = self.import_clause(i) {
                        if is_config(&m) {
                            return true;
                        }
                        if is_pkg(&m) {
                            for (imported, local) in names {
                                match imported.as_str() {
                                    "default" | "*" => {
                                        modules.insert(self.name(local));
                                    }
                                    "config" | "load" => {
                                        config_fns.insert(self.name(local));
                                    }
                                    _ => {}
                                }
                            }
                        }
                    }
                }
                "process" if self.is_p(i + 1, ".") && self.is_id(i + 2, "loadEnvFile") && self.is_p(i + 3, "(") => {
                    return true;
                }
                _ => {}
            }
        }
        (0..n).any(|i| {
            self.kind(i) == Some(K::Ident) && !self.after_dot(i) && {
                let name = self.name(i);
                modules.contains(&name)
                    && self.is_p(i + 1, ".")
                    && (self.is_id(i + 2, "config") || self.is_id(i + 2, "load"))
                    && self.is_p(i + 3, "(")
                    || config_fns.contains(&name) && self.is_p(i + 1, "(") && !(i > 0 && self.is_id(i - 1, "function"))
            }
        })
    }
}

// ==================================================================== value operations

/// The value under `key` in a map: the last entry with that key, unless a
/// spread comes after it (then unknown). None: no such key (and no spread).
fn map_get(v: &Value, key: &str) -> Option<SV> {
    let Value::Map(entries) = v else { return None };
    for (k, val) in entries.iter().rev() {
        if k.value == key {
            return Some(val.clone());
        }
        if k.value == SPREAD_KEY {
            return Some(Spanned::new(
                Value::Unknown(format!("`{key}` may come from a spread or computed key")),
                val.span,
            ));
        }
    }
    None
}

/// `l || r`.
fn or_value(l: SV, r: SV, span: Span) -> Option<SV> {
    match truthy(&l.value) {
        Some(true) => Some(l),
        Some(false) => Some(r),
        None => match l.value {
            Value::Env { name, default: None } => Some(Spanned::new(
                Value::Env {
                    name,
                    default: Some(Box::new(r)),
                },
                span,
            )),
            Value::Env { name, default: Some(d) } => {
                let dspan = d.span.to(r.span);
                let d = or_value(*d, r, dspan)?;
                Some(Spanned::new(
                    Value::Env {
                        name,
                        default: Some(Box::new(d)),
                    },
                    span,
                ))
            }
            _ => None,
        },
    }
}

/// `l ?? r`.
fn nullish_value(l: SV, r: SV, span: Span) -> Option<SV> {
    match l.value {
        Value::Null => Some(r),
        Value::Env { name, default: None } => Some(Spanned::new(
            Value::Env {
                name,
                default: Some(Box::new(r)),
            },
            span,
        )),
        Value::Env { name, default: Some(d) } => {
            let dspan = d.span.to(r.span);
            let d = nullish_value(*d, r, dspan)?;
            Some(Spanned::new(
                Value::Env {
                    name,
                    default: Some(Box::new(d)),
                },
                span,
            ))
        }
        Value::Unknown(_) | Value::Symbolic(_) => None,
        _ => Some(l),
    }
}

/// ToNumber (§7.1.4) of a known value.
fn to_number(v: &Value) -> Option<Value> {
    Some(match v {
        Value::Int(i) => Value::Int(*i),
        Value::Float(x) => Value::Float(*x),
        Value::Bool(b) => Value::Int(i64::from(*b)),
        Value::Str(s) => string_to_number(s),
        // `undefined` (and `null`, which lint502 does not tell apart).
        Value::Null => Value::Float(f64::NAN),
        _ => return None,
    })
}

/// `parseInt(v, radix)` of a known value.
fn parse_int(v: &Value, radix: Option<u32>) -> Option<Value> {
    match v {
        Value::Int(i) if radix.is_none_or(|r| r == 10 || r == 0) => Some(Value::Int(*i)),
        Value::Float(x) if x.is_finite() && radix.is_none_or(|r| r == 10 || r == 0) => Some(num_value(x.trunc())),
        other => Some(string_parse_int(&js_string(other)?, radix)),
    }
}

/// `parseFloat(v)` of a known value.
fn parse_float(v: &Value) -> Option<Value> {
    match v {
        Value::Int(i) => Some(Value::Int(*i)),
        Value::Float(x) => Some(Value::Float(*x)),
        other => Some(string_parse_float(&js_string(other)?)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(0);

    /// The span of the `n`th (0-based) occurrence of `needle`.
    fn at_n(text: &str, needle: &str, n: usize) -> Span {
        let start = text
            .match_indices(needle)
            .nth(n)
            .map(|(i, _)| i)
            .unwrap_or_else(|| panic!("{needle:?} #{n} not in {text:?}"));
        Span::new(F, start, start + needle.len())
    }

    fn at(text: &str, needle: &str) -> Span {
        at_n(text, needle, 0)
    }

    fn sv(value: Value, span: Span) -> Spanned<Value> {
        Spanned::new(value, span)
    }

    fn env(name: &str, default: Option<Spanned<Value>>) -> Value {
        Value::Env {
            name: name.into(),
            default: default.map(Box::new),
        }
    }

    fn str(s: &str) -> Value {
        Value::Str(s.into())
    }

    /// The file's only listen (and no error).
    fn one(text: &str) -> NodeListen {
        let code = scan(F, text);
        assert_eq!(code.error, None, "{text}");
        assert_eq!(code.listens.len(), 1, "{text}: {:#?}", code.listens);
        code.listens.into_iter().next().unwrap()
    }

    fn unknown_reason(v: &Value) -> &str {
        match v {
            Value::Unknown(r) => r,
            other => panic!("expected unknown, got {other:?}"),
        }
    }

    // ------------------------------------------------------------ the cases of the brief

    #[test]
    fn express_literal_port() {
        let text = "const app = require('express')();\napp.listen(3000);\n";
        let l = one(text);
        assert_eq!(l.port, sv(Value::Int(3000), at(text, "3000")));
        assert_eq!(l.host, None);
        assert_eq!(l.span, at(text, "app.listen(3000)"));
        assert_eq!(l.receiver, "app");
    }

    #[test]
    fn env_with_default() {
        let text = "const PORT = process.env.PORT || 3000;\napp.listen(PORT, () => console.log(`on ${PORT}`));\n";
        let l = one(text);
        assert_eq!(
            l.port,
            sv(
                env("PORT", Some(sv(Value::Int(3000), at(text, "3000")))),
                at(text, "process.env.PORT || 3000")
            )
        );
        assert_eq!(l.host, None);
        assert_eq!(l.span, at(text, "app.listen(PORT, () => console.log(`on ${PORT}`))"));
    }

    #[test]
    fn express_generator_bin_www() {
        let text = "var port = normalizePort(process.env.PORT || '3000');\napp.set('port', port);\n\
                    var server = http.createServer(app);\nserver.listen(port);\n\
                    function normalizePort(val) {\n  var port = parseInt(val, 10);\n  if (isNaN(port)) { return val; }\n  \
                    return port >= 0 ? port : false;\n}\n";
        let l = one(text);
        let expected = sv(
            env("PORT", Some(sv(str("3000"), at(text, "'3000'")))),
            at(text, "normalizePort(process.env.PORT || '3000')"),
        );
        assert_eq!(l.port, expected);
        assert_eq!(l.receiver, "server");
        assert_eq!(l.span, at(text, "server.listen(port)"));
        // The same through express's settings.
        let text2 = format!("{text}app.listen(app.get('port'));\n");
        let code = scan(F, &text2);
        assert_eq!(code.listens.len(), 2);
        assert_eq!(code.listens[1].port, expected);
        assert_eq!(code.listens[1].receiver, "app");
        // Settings belong to their receiver.
        let text3 = format!("{text}app.listen(config.get('port'));\n");
        let code = scan(F, &text3);
        assert_eq!(
            unknown_reason(&code.listens[1].port.value),
            "`config.get('port')` is not evaluated"
        );
    }

    #[test]
    fn host_argument() {
        let text = "server.listen(8080, '127.0.0.1');";
        let l = one(text);
        assert_eq!(l.port, sv(Value::Int(8080), at(text, "8080")));
        assert_eq!(l.host, Some(sv(str("127.0.0.1"), at(text, "'127.0.0.1'"))));
        // Host through a binding, with a callback after it.
        let text = "const HOST = process.env.HOST || '0.0.0.0';\nserver.listen(port, HOST, () => {});";
        let l = one(text);
        assert_eq!(
            l.host,
            Some(sv(
                env("HOST", Some(sv(str("0.0.0.0"), at(text, "'0.0.0.0'")))),
                at(text, "process.env.HOST || '0.0.0.0'")
            ))
        );
        assert_eq!(unknown_reason(&l.port.value), "`port` is not defined in this file");
    }

    #[test]
    fn fastify_options_object() {
        let text = "const PORT = Number(process.env.PORT) || 3000;\n\
                    await fastify.listen({ port: PORT, host: '0.0.0.0' });\n";
        let l = one(text);
        assert_eq!(
            l.port,
            sv(
                env("PORT", Some(sv(Value::Int(3000), at(text, "3000")))),
                at(text, "Number(process.env.PORT) || 3000")
            )
        );
        assert_eq!(l.host, Some(sv(str("0.0.0.0"), at(text, "'0.0.0.0'"))));
        assert_eq!(l.receiver, "fastify");
        // Shorthand properties.
        let text = "const port = 8081, host = '::1';\nfastify.listen({ port, host }, (err) => {});";
        let l = one(text);
        assert_eq!(l.port, sv(Value::Int(8081), at(text, "8081")));
        assert_eq!(l.host, Some(sv(str("::1"), at(text, "'::1'"))));
        // An options object held in a binding.
        let text = "const opts = { host: 'localhost', port: 4000 };\nserver.listen(opts);";
        let l = one(text);
        assert_eq!(l.port, sv(Value::Int(4000), at(text, "4000")));
        assert_eq!(l.host, Some(sv(str("localhost"), at(text, "'localhost'"))));
        // A spread after `port` may override it.
        let text = "server.listen({ port: 1, ...rest });";
        assert!(unknown_reason(&one(text).port.value).contains("spread"));
        // No port at all.
        let text = "server.listen({ host: 'localhost' });";
        assert!(unknown_reason(&one(text).port.value).contains("no `port`"));
    }

    #[test]
    fn destructuring_with_defaults() {
        let text = "const { PORT = 3000, HOST: host = 'localhost', DEBUG } = process.env;\napp.listen(PORT, host);";
        let l = one(text);
        assert_eq!(
            l.port,
            sv(
                env("PORT", Some(sv(Value::Int(3000), at(text, "3000")))),
                at(text, "PORT = 3000")
            )
        );
        assert_eq!(
            l.host,
            Some(sv(
                env("HOST", Some(sv(str("localhost"), at(text, "'localhost'")))),
                at(text, "HOST: host = 'localhost'")
            ))
        );
        // Without a default, and from a known object.
        let text =
            "const { PORT } = process.env;\nconst { port = 1 } = { port: 8000 };\napp.listen(PORT);\nb.listen(port);";
        let code = scan(F, text);
        assert_eq!(code.listens[0].port, sv(env("PORT", None), at(text, "PORT")));
        assert_eq!(code.listens[1].port, sv(Value::Int(8000), at(text, "8000")));
        // From an unknown object.
        let text = "const { port } = require('./config');\napp.listen(port);";
        assert_eq!(
            unknown_reason(&one(text).port.value),
            "`require('./config').port` is not evaluated"
        );
    }

    #[test]
    fn template_literals_nest() {
        let text = "const a = `x ${ { k: '}' }.k } \\` ${`inner ${ \"}\" + `${'`'}` } .listen(1)`} }`;\n\
                    const b = `${ {}}`; // } {\napp.listen(4000);\n";
        let l = one(text);
        assert_eq!(l.port, sv(Value::Int(4000), at(text, "4000")));
        // Code inside a substitution is code: a listen there is reported.
        let text = "log(`started: ${server.listen(5000) && 'yes'}`);";
        let l = one(text);
        assert_eq!(l.port, sv(Value::Int(5000), at(text, "5000")));
        assert_eq!(l.span, at(text, "server.listen(5000)"));
        // A template with known substitutions folds to a string.
        let text = "const dir = '/run';\nconst SOCK = `${dir}/app-${1}.sock`;\nserver.listen(SOCK);";
        assert_eq!(
            one(text).port,
            sv(str("/run/app-1.sock"), at(text, "`${dir}/app-${1}.sock`"))
        );
    }

    #[test]
    fn regex_literals_and_division() {
        let texts = [
            // Quotes and slashes inside regular expressions.
            "const QUOTES = /['\"]/g;\nconst SLASH = /[/]listen(1)/;\napp.listen(5000);",
            // Division chains.
            "x = a / b / c;\nconst q = 'it';\napp.listen(5000);",
            "const y = (a) / 2 / (b); const q = \"'\"; app.listen(5000);",
            "const z = arr[0] / 2; const q = 'x'; app.listen(5000);",
            // A keyword as a property name is an identifier: division.
            "const k = obj.return / 2; const m = 'it'; app.listen(5000);",
            // After an object literal's `}`: division.
            "const o = { a: 1 } / 2; const q = '/'; app.listen(5000);",
            // After a block's `}` and an `if (…)`: a regular expression.
            "if (a) { b(); }\n/'/.test(s);\napp.listen(5000);",
            "if (ok) /'/.test(s);\napp.listen(5000);",
            "function f() { return /'/g; }\napp.listen(5000);",
            // Start of file, after `=>`, in an array.
            "/'/.test(a) && app.listen(5000);",
            "const t = s => /'/.test(s); app.listen(5000);",
            "const r = [/'/, /\"/]; app.listen(5000);",
            // A `/` inside a class is not a closing slash.
            "const c = /[/'\"]+/; app.listen(5000);",
            // Postfix `++` then division.
            "i++ / 2; const q = 'x'; app.listen(5000);",
        ];
        for text in texts {
            let l = one(text);
            assert_eq!(l.port, sv(Value::Int(5000), at(text, "5000")), "{text}");
        }
    }

    #[test]
    fn comments_and_strings_hide_listen() {
        let text = "// app.listen(1)\n/* app.listen(2)\n server.listen(3) */\nconst s = 'app.listen(4)';\n\
                    const d = \"x.listen(5)\";\nconst t = `y.listen(6)`;\nconst r = /z.listen(7)/;\napp.listen(8);\n";
        let code = scan(F, text);
        assert_eq!(code.error, None);
        assert_eq!(code.listens.len(), 1);
        assert_eq!(code.listens[0].port, sv(Value::Int(8), at(text, "8")));
        // Not a server: a literal receiver, or no dot.
        let text = "'x'.listen(1); 2..listen(2); listen(3); class A { listen(port) { return port; } }";
        assert_eq!(scan(F, text).listens, vec![]);
    }

    #[test]
    fn unterminated_literals_are_errors() {
        let cases: [(&str, &str, &str); 6] = [
            (
                "app.listen(3000);\nconst s = `abc ${x} def\n",
                "`abc",
                "unterminated template literal: found the end of the file, expected a closing backquote",
            ),
            (
                "app.listen(3000);\nconst s = `abc ${ {x: 1 }\n",
                "${ {",
                "unterminated `${` in a template literal: found the end of the file, expected `}`",
            ),
            (
                "app.listen(3000);\nconst s = 'abc\nb.listen(1);\n",
                "'abc",
                "unterminated string: found a line break before the closing `'`, expected `'` on the same line \
                 (or `\\` before the line break)",
            ),
            (
                "app.listen(3000);\nconst s = \"abc",
                "\"abc",
                "unterminated string: found the end of the file, expected a closing `\"`",
            ),
            (
                "app.listen(3000);\n/* abc\nb.listen(1);\n",
                "/* abc",
                "unterminated comment: found `/*` without a closing `*/`",
            ),
            (
                "app.listen(3000);\nconst r = /abc\nb.listen(1);\n",
                "/abc",
                "unterminated regular expression: found a line break before the closing `/`, expected `/` on the \
                 same line",
            ),
        ];
        for (text, near, message) in cases {
            let code = scan(F, text);
            let e = code.error.unwrap_or_else(|| panic!("no error for {text:?}"));
            assert_eq!(e.message, message, "{text:?}");
            assert_eq!(e.span.start, at(text, near).start, "{text:?}");
            assert!(e.span.end > e.span.start);
            // The listen before the error is kept, the one after dropped.
            assert_eq!(code.listens.len(), 1, "{text:?}");
            assert_eq!(code.listens[0].port.value, Value::Int(3000));
        }
    }

    #[test]
    fn typescript_annotations() {
        let text = "const port: number = Number(process.env.PORT) || 3000;\napp.listen(port);\n";
        let l = one(text);
        assert_eq!(
            l.port,
            sv(
                env("PORT", Some(sv(Value::Int(3000), at(text, "3000")))),
                at(text, "Number(process.env.PORT) || 3000")
            )
        );
        let text = "const PORT = (process.env.PORT as string) ?? '8080';\n\
                    let host!: string;\nhost = process.env.HOST!;\n\
                    const server: Server<typeof IncomingMessage> = createServer(app);\n\
                    server.listen(parseInt(PORT satisfies string, 10), host);";
        let l = one(text);
        assert_eq!(l.receiver, "server");
        assert_eq!(
            l.port,
            sv(
                env("PORT", Some(sv(Value::Int(8080), at(text, "'8080'")))),
                at(text, "parseInt(PORT satisfies string, 10)")
            )
        );
        // (The span leaves the non-null `!` out.)
        assert_eq!(l.host, Some(sv(env("HOST", None), at(text, "process.env.HOST"))));
        // Generic calls and typed parameters do not derail the reader.
        let text = "function start(app: Express, port: number = 3000): void {\n  app.listen<void>(port);\n}\n\
                    const cfg = load<Config>('x');\nnew Server(cfg).listen(cfg.port as number);";
        let code = scan(F, text);
        assert_eq!(code.error, None);
        assert_eq!(code.listens.len(), 1, "{:#?}", code.listens);
        assert_eq!(code.listens[0].receiver, "new Server(cfg)");
        assert_eq!(
            unknown_reason(&code.listens[0].port.value),
            "`cfg.port` is not evaluated"
        );
    }

    #[test]
    fn environment_folds() {
        let cases: [(&str, Value); 10] = [
            ("process.env.PORT", env("PORT", None)),
            ("process.env['PORT']", env("PORT", None)),
            (
                "process.env?.PORT ?? 3000",
                env("PORT", Some(sv(Value::Int(3000), Span::default()))),
            ),
            (
                "parseInt(process.env.PORT, 10) || 3000",
                env("PORT", Some(sv(Value::Int(3000), Span::default()))),
            ),
            (
                "parseInt(process.env.PORT || '3000', 10)",
                env("PORT", Some(sv(Value::Int(3000), Span::default()))),
            ),
            (
                "+process.env.PORT || 3000",
                env("PORT", Some(sv(Value::Int(3000), Span::default()))),
            ),
            (
                "Number(process.env.PORT || '0x1F90')",
                env("PORT", Some(sv(Value::Int(8080), Span::default()))),
            ),
            (
                "process.env.PORT || process.env.APP_PORT || '80'",
                env(
                    "PORT",
                    Some(sv(
                        env("APP_PORT", Some(sv(str("80"), Span::default()))),
                        Span::default(),
                    )),
                ),
            ),
            (
                "String(process.env.PORT ?? 5000)",
                env("PORT", Some(sv(str("5000"), Span::default()))),
            ),
            (
                "process.env.PORT ? parseInt(process.env.PORT, 10) : 3000",
                env("PORT", Some(sv(Value::Int(3000), Span::default()))),
            ),
        ];
        /// The value with every span erased.
        fn plain(v: &Value) -> Value {
            match v {
                Value::Env { name, default } => Value::Env {
                    name: name.clone(),
                    default: default.as_ref().map(|d| Box::new(sv(plain(&d.value), Span::default()))),
                },
                other => other.clone(),
            }
        }
        for (expr, expected) in cases {
            let text = format!("const P = {expr};\napp.listen(P);");
            let l = one(&text);
            assert_eq!(plain(&l.port.value), expected, "{expr}");
            assert_eq!(l.port.span, at(&text, expr), "{expr}");
        }
    }

    #[test]
    fn literal_folds() {
        let cases: [(&str, Value); 12] = [
            ("0x1F90", Value::Int(8080)),
            ("8_080", Value::Int(8080)),
            ("3e3", Value::Int(3000)),
            ("0o17", Value::Int(15)),
            ("017", Value::Int(15)),
            ("0b11", Value::Int(3)),
            ("3000 + 1", Value::Int(3001)),
            ("'30' + '00'", str("3000")),
            ("'\\x33\\u0030\\u{30}0'", str("3000")),
            ("true ? 80 : 8080", Value::Int(80)),
            ("0 || 8080", Value::Int(8080)),
            ("null ?? 9000", Value::Int(9000)),
        ];
        for (expr, expected) in cases {
            let text = format!("server.listen({expr});");
            assert_eq!(one(&text).port.value, expected, "{expr}");
        }
        for expr in [
            "3000n",
            "config.port",
            "getPort()",
            "a ? 1 : 2",
            "require('./port')",
            "port()",
        ] {
            let text = format!("server.listen({expr});");
            let l = one(&text);
            assert!(matches!(l.port.value, Value::Unknown(_)), "{expr}: {:?}", l.port);
        }
        let text = "server.listen(config.port);";
        assert_eq!(unknown_reason(&one(text).port.value), "`config.port` is not evaluated");
        let text = "const config = { port: 7000, nested: { port: 7001 } };\nserver.listen(config.nested.port);";
        assert_eq!(one(text).port, sv(Value::Int(7001), at(text, "7001")));
    }

    #[test]
    fn unix_sockets() {
        let text = "server.listen('/run/app.sock');";
        assert_eq!(one(text).port, sv(str("/run/app.sock"), at(text, "'/run/app.sock'")));
        let text = "server.listen({ path: '/tmp/s.sock' });";
        assert_eq!(one(text).port, sv(str("/tmp/s.sock"), at(text, "'/tmp/s.sock'")));
        // A string of digits is a port to Node.
        let text = "server.listen('3000');";
        assert_eq!(one(text).port.value.as_int(), Some(3000));
    }

    #[test]
    fn receivers() {
        let cases = [
            ("http.createServer(app).listen(80);", "http.createServer(app)"),
            ("new Koa().listen(3000);", "new Koa()"),
            (
                "require('http').createServer((req, res) => { res.end('hello from a long handler') }).listen(9000);",
                "require('http').createServer(…)",
            ),
            ("this.server.listen(1);", "this.server"),
            ("(await build()).listen(1);", "(await build())"),
            ("servers[0].listen(1);", "servers[0]"),
            ("app?.listen(1);", "app"),
            ("server!.listen(1);", "server!"),
        ];
        for (text, receiver) in cases {
            let l = one(text);
            assert_eq!(l.receiver, receiver, "{text}");
            assert_eq!(l.span.start, 0, "{text}");
        }
        let text = "return app.listen(1);";
        assert_eq!(one(text).span, at(text, "app.listen(1)"));
    }

    #[test]
    fn second_argument_heuristics() {
        let host = |text: &str| one(text).host.map(|h| h.value);
        assert_eq!(
            host("function onListening() {}\nserver.listen(port, onListening);"),
            None
        );
        assert_eq!(host("const cb = () => {};\nserver.listen(port, cb);"), None);
        assert_eq!(host("server.listen(port, callback);"), None);
        assert_eq!(host("server.listen(3000, 511);"), None);
        assert_eq!(host("server.listen(3000, undefined, () => {});"), None);
        assert!(matches!(
            host("server.listen(port, config.host);"),
            Some(Value::Unknown(_))
        ));
        assert!(matches!(
            host("server.listen(port, BIND_ADDR);"),
            Some(Value::Unknown(_))
        ));
        // No port: the system picks one.
        for text in [
            "server.listen();",
            "server.listen(() => {});",
            "server.listen(undefined);",
        ] {
            let l = one(text);
            assert!(unknown_reason(&l.port.value).starts_with("no port"), "{text}");
        }
    }

    #[test]
    fn scopes_and_shadowing() {
        // A parameter shadows an outer binding.
        let text = "const port = 3000;\nfunction start(port) {\n  app.listen(port);\n}\napp.listen(port);";
        let code = scan(F, text);
        assert_eq!(
            unknown_reason(&code.listens[0].port.value),
            "`port` is a parameter of a function"
        );
        assert_eq!(code.listens[1].port, sv(Value::Int(3000), at(text, "3000")));
        // A block's `let` does not leak; the latest visible binding wins.
        let text = "let port = 1;\nif (dev) { let port = 2; }\nport = 3;\nserver.listen(port);";
        assert_eq!(one(text).port, sv(Value::Int(3), at(text, "3")));
        // A binding defined below a function that uses it.
        let text = "function main() { app.listen(PORT); }\nconst PORT = 4000;\nmain();";
        assert_eq!(one(text).port, sv(Value::Int(4000), at(text, "4000")));
        // Self reference does not loop.
        let text = "let a = b; let b = a;\napp.listen(a);";
        assert!(matches!(one(text).port.value, Value::Unknown(_)));
        let text = "port = port || 3000;\napp.listen(port);";
        assert!(matches!(one(text).port.value, Value::Unknown(_)));
    }

    #[test]
    fn dotenv_detection() {
        let yes = [
            "require('dotenv').config();",
            "require(\"dotenv\").config({ path: '.env.local' });",
            "require('dotenv/config');",
            "import 'dotenv/config';",
            "import dotenv from 'dotenv';\ndotenv.config();",
            "import * as dotenv from 'dotenv';\ndotenv.config();",
            "import { config } from 'dotenv';\nconfig();",
            "import { config as loadEnv } from 'dotenv';\nloadEnv();",
            "const dotenv = require('dotenv');\ndotenv.config();",
            "const { config } = require('dotenv');\nconfig();",
            "await import('dotenv/config');",
            "require('dotenv-safe').config();",
            "process.loadEnvFile();",
        ];
        for text in yes {
            assert!(scan(F, text).loads_dotenv, "{text}");
        }
        let no = [
            "require('dotenv');",
            "const dotenv = require('dotenv');",
            "// require('dotenv').config()",
            "const s = \"require('dotenv').config()\";",
            "other.config();",
            "import { parse } from 'dotenv';\nparse(buf);",
            "config();",
        ];
        for text in no {
            assert!(!scan(F, text).loads_dotenv, "{text}");
        }
    }

    #[test]
    fn hashbang_bom_and_unicode_names() {
        let text = "\u{FEFF}#!/usr/bin/env node\nconst pört = 3000;\nconst \\u0070ort = 4000;\napp.listen(pört);\nb.listen(port);";
        let code = scan(F, text);
        assert_eq!(code.error, None);
        assert_eq!(code.listens[0].port, sv(Value::Int(3000), at(text, "3000")));
        assert_eq!(code.listens[1].port, sv(Value::Int(4000), at(text, "4000")));
    }

    // ------------------------------------------------------------ sample files

    #[test]
    fn sample_express_server() {
        let text = include_str!("../../testdata/parse/node/express-server.js");
        let code = scan(F, text);
        assert_eq!(code.error, None);
        assert!(code.loads_dotenv);
        assert_eq!(code.listens.len(), 1, "{:#?}", code.listens);
        let l = &code.listens[0];
        assert_eq!(l.receiver, "app");
        assert_eq!(
            l.port,
            sv(
                env("PORT", Some(sv(Value::Int(3000), at(text, "3000")))),
                at(text, "process.env.PORT || 3000")
            )
        );
        assert_eq!(l.host, None);
        assert!(text[l.span.range()].starts_with("app.listen(PORT, () => {"));
        assert!(text[l.span.range()].ends_with("})"));
    }

    #[test]
    fn sample_bin_www() {
        let text = include_str!("../../testdata/parse/node/bin/www");
        let code = scan(F, text);
        assert_eq!(code.error, None);
        assert!(!code.loads_dotenv);
        assert_eq!(code.listens.len(), 1);
        let l = &code.listens[0];
        assert_eq!(l.receiver, "server");
        assert_eq!(l.span, at(text, "server.listen(port)"));
        assert_eq!(
            l.port,
            sv(
                env("PORT", Some(sv(str("3000"), at(text, "'3000'")))),
                at(text, "normalizePort(process.env.PORT || '3000')")
            )
        );
    }

    #[test]
    fn sample_fastify_esm() {
        let text = include_str!("../../testdata/parse/node/fastify-app.mjs");
        let code = scan(F, text);
        assert_eq!(code.error, None);
        assert!(code.loads_dotenv);
        assert_eq!(code.listens.len(), 1);
        let l = &code.listens[0];
        assert_eq!(l.receiver, "fastify");
        assert_eq!(
            l.port,
            sv(
                env("PORT", Some(sv(Value::Int(8080), at(text, "8080")))),
                at(text, "Number(process.env.PORT ?? 8080)")
            )
        );
        assert_eq!(
            l.host,
            Some(sv(
                env("HOST", Some(sv(str("0.0.0.0"), at(text, "'0.0.0.0'")))),
                at(text, "process.env.HOST || '0.0.0.0'")
            ))
        );
    }

    #[test]
    fn sample_typescript() {
        let text = include_str!("../../testdata/parse/node/server.ts");
        let code = scan(F, text);
        assert_eq!(code.error, None);
        assert!(code.loads_dotenv);
        assert_eq!(code.listens.len(), 1);
        let l = &code.listens[0];
        assert_eq!(l.receiver, "server");
        assert_eq!(
            l.port,
            sv(
                env("PORT", Some(sv(Value::Int(3000), at(text, "3000")))),
                at(text, "Number(process.env.PORT) || 3000")
            )
        );
        assert_eq!(
            l.host,
            Some(sv(
                env("BIND_HOST", Some(sv(str("127.0.0.1"), at(text, "'127.0.0.1'")))),
                at(text, "process.env.BIND_HOST ?? '127.0.0.1'")
            ))
        );
    }

    #[test]
    fn sample_unix_socket() {
        let text = include_str!("../../testdata/parse/node/socket-server.cjs");
        let code = scan(F, text);
        assert_eq!(code.error, None);
        assert!(!code.loads_dotenv);
        assert_eq!(code.listens.len(), 1, "{:#?}", code.listens);
        let l = &code.listens[0];
        assert_eq!(
            l.port,
            sv(str("/run/reports/app.sock"), at(text, "'/run/reports/app.sock'"))
        );
        assert_eq!(l.host, None);
    }

    #[test]
    fn sample_cluster() {
        let text = include_str!("../../testdata/parse/node/cluster.js");
        let code = scan(F, text);
        assert_eq!(code.error, None);
        assert_eq!(code.listens.len(), 1);
        let l = &code.listens[0];
        assert_eq!(l.receiver, "http.createServer(app)");
        assert_eq!(
            l.port,
            sv(
                env("PORT", Some(sv(Value::Int(5000), at(text, "5000")))),
                at(text, "PORT = 5000")
            )
        );
        assert_eq!(
            l.host,
            Some(sv(
                env("HOST", Some(sv(str("127.0.0.1"), at(text, "'127.0.0.1'")))),
                at(text, "HOST = '127.0.0.1'")
            ))
        );
    }

    // ------------------------------------------------------------ robustness

    const SAMPLES: [&str; 6] = [
        include_str!("../../testdata/parse/node/express-server.js"),
        include_str!("../../testdata/parse/node/bin/www"),
        include_str!("../../testdata/parse/node/fastify-app.mjs"),
        include_str!("../../testdata/parse/node/server.ts"),
        include_str!("../../testdata/parse/node/socket-server.cjs"),
        include_str!("../../testdata/parse/node/cluster.js"),
    ];

    fn check_invariants(text: &str) {
        let code = scan(F, text);
        if let Some(e) = &code.error {
            assert!(!e.message.starts_with("internal"), "{text:?}: {}", e.message);
            assert!(text.get(e.span.range()).is_some(), "{text:?}: {:?}", e.span);
        }
        for l in &code.listens {
            assert!(text.get(l.span.range()).is_some(), "{text:?}");
            assert!(text.get(l.port.span.range()).is_some(), "{text:?}");
            if let Some(h) = &l.host {
                assert!(text.get(h.span.range()).is_some(), "{text:?}");
            }
        }
    }

    /// Every prefix of the samples (cut at each character): no panic, no
    /// internal error, spans on character boundaries.
    #[test]
    fn truncated_samples_never_panic() {
        for text in SAMPLES {
            for (i, _) in text.char_indices().step_by(3) {
                check_invariants(&text[..i]);
            }
        }
    }

    /// Random text over the pieces that matter to the reader.
    #[test]
    fn random_inputs_never_panic() {
        const ALPHABET: &[&str] = &[
            " ",
            "\n",
            "\r\n",
            "\u{2028}",
            "\t",
            "\\",
            "/",
            "//",
            "/*",
            "*/",
            "'",
            "\"",
            "`",
            "${",
            "{",
            "}",
            "(",
            ")",
            "[",
            "]",
            ",",
            ";",
            ":",
            "?",
            "?.",
            "=",
            "=>",
            "||",
            "??",
            "+",
            "!",
            ".",
            "...",
            "<",
            ">",
            "#",
            "@",
            "a",
            "app",
            ".listen(",
            "listen",
            "server",
            "const ",
            "let ",
            "var ",
            "port",
            "PORT",
            "process",
            ".env",
            "process.env.PORT",
            "3000",
            "0x",
            "1_",
            "1n",
            "if",
            "return",
            "function",
            "=> {",
            "class",
            "import ",
            "from",
            "require(",
            "'dotenv'",
            "normalizePort(",
            "parseInt(",
            "Number(",
            "as",
            "é",
            "€",
            "\u{FEFF}",
            "\u{1A}",
            "#!",
            "\\u0070",
            "\\u{",
            "get",
            "set",
        ];
        for text in crate::text::random_texts(0x0de_c0de, 10_000, 64, ALPHABET) {
            check_invariants(&text);
        }
        // Random bytes, read as the source database does (invalid UTF-8
        // bytes stand in as U+001A).
        let mut seed: u64 = 0x5eed_0001;
        for _ in 0..2_000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let len = (seed >> 58) as usize + 1;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (seed >> 56) as u8
                })
                .collect();
            let (text, _) = crate::source::same_length_text(&bytes);
            check_invariants(&text);
        }
    }

    /// Deep nesting neither overflows the stack nor slows the reader down.
    #[test]
    fn deep_nesting_is_bounded() {
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(|| {
                let started = std::time::Instant::now();
                let depth = 5_000;
                let inputs = [
                    format!(
                        "const p = {}3000{};\napp.listen(p);",
                        "(".repeat(depth),
                        ")".repeat(depth)
                    ),
                    format!("const p = {}3000;\napp.listen(p);", "+".repeat(depth)),
                    format!("const p = {}3000;\napp.listen(p);", "2 ** ".repeat(depth)),
                    format!("const p = {}3000;\napp.listen(p);", "a ? 1 : ".repeat(depth)),
                    format!("app.listen({}3000{});", "parseInt(".repeat(depth), ")".repeat(depth)),
                    format!(
                        "const s = {}x{};\napp.listen(1);",
                        "`${".repeat(depth),
                        "}`".repeat(depth)
                    ),
                    format!(
                        "const o = {}1{};\napp.listen(o);",
                        "{a:".repeat(depth),
                        "}".repeat(depth)
                    ),
                    format!("{}app.listen(1);", "(((".repeat(depth)),
                    format!("{}\napp.listen(1);", "}])".repeat(depth)),
                    (0..2_000)
                        .map(|i| format!("const a{i} = a{};\n", i + 1))
                        .collect::<String>()
                        + "app.listen(a0);",
                    "app.listen(1).".repeat(2_000) + "listen(2);",
                ];
                let counts: Vec<usize> = inputs.iter().map(|t| scan(F, t).listens.len()).collect();
                (counts, started.elapsed())
            })
            .expect("spawn");
        let (counts, elapsed) = handle.join().expect("no stack overflow");
        assert_eq!(counts, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2_001]);
        assert!(elapsed.as_secs() < 20, "nesting made the reader slow: {elapsed:?}");
    }

    // ------------------------------------------------------------ the grammar alone

    #[test]
    fn grammar_tokens() {
        use pest::{consumes_to, parses_to};
        parses_to! {
            parser: NodeGrammar,
            input: " // c\n/re[/]/g",
            rule: Rule::token_regex,
            tokens: [token_regex(0, 14, [line_comment(1, 5), line_terminator(5, 6), regex(6, 14)])]
        };
        // The same `/` is division in the other goal.
        parses_to! {
            parser: NodeGrammar,
            input: "/re",
            rule: Rule::token_div,
            tokens: [token_div(0, 1, [div_punctuator(0, 1)])]
        };
        // A run stops before `/`, `` ` `` and `}`; `?.` before a digit is
        // `?` then a number; `1_000n` is one BigInt.
        parses_to! {
            parser: NodeGrammar,
            input: "a?.5:1_000n /* x */ / 2",
            rule: Rule::token_run,
            tokens: [token_run(0, 20, [
                identifier(0, 1), punctuator(1, 2), number(2, 4), punctuator(4, 5), number(5, 11),
                block_comment(12, 19)
            ])]
        };
        parses_to! {
            parser: NodeGrammar,
            input: "x\\${`",
            rule: Rule::template_piece,
            tokens: [template_piece(0, 4, [template_chars(0, 4)])]
        };
        parses_to! {
            parser: NodeGrammar,
            input: "'a\\'b\nc",
            rule: Rule::token_div,
            tokens: [token_div(0, 5, [unterminated_string(0, 5)])]
        };
    }
}
