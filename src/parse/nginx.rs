//! nginx configuration files: `grammar/nginx.pest` splits statements exactly
//! as `ngx_conf_read_token` does; this file plays `ngx_conf_parse`, building
//! blocks and giving nginx's own error messages (src/core/ngx_conf_file.c).

use pest::Parser;
use pest::iterators::Pair;
use serde::Serialize;

use super::SyntaxError;
use crate::source::{FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/nginx.pest"]
struct NginxGrammar;

/// nginx reads a file through a 4096-byte buffer (`NGX_CONF_BUFFER`,
/// ngx_conf_file.c); a token that does not fit is `too long parameter`.
pub const NGX_CONF_BUFFER: usize = 4096;

/// Blocks nested deeper than this stop the parse with lint502's own error.
/// nginx has no limit of its own (each level is a C stack frame), real
/// configurations nest a handful of levels, and the tree must stay shallow
/// enough for recursive walks, drops and JSON output.
pub const MAX_NESTING: usize = 256;

/// Block directives whose bodies nginx hands to a custom handler
/// (`cf->handler`), not to the directive table: inside them a `{` is
/// `unexpected "{"`. From `cf->handler = …` in nginx's sources
/// (http core `types`, http/stream `map`, `geo`, `split_clients`, charset
/// `charset_map`); see data/nginx/handler-blocks.tsv.
pub const HANDLER_BLOCKS: &[&str] = &["charset_map", "geo", "map", "split_clients", "types"];

/// One word of a statement: the directive name is word 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Word {
    /// The value nginx stores, after its unescaping.
    pub value: String,
    /// The word in the file, quotes included.
    #[serde(skip)]
    pub span: Span,
    /// `Some('"')` or `Some('\'')` when the word was quoted.
    pub quote: Option<char>,
}

/// The body of a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Ordinary directives.
    Directives(Vec<Directive>),
    /// Raw text read by another tokenizer (`*_by_lua_block`): the span of the
    /// code between the braces.
    Raw(Span),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The `{`.
    pub open: Span,
    /// The matching `}`.
    pub close: Span,
    pub body: Body,
}

/// A statement: name, arguments, and either `;` or a block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub name: Word,
    pub args: Vec<Word>,
    /// From the name to the `;` or the block's `}`.
    pub span: Span,
    /// The `;` or `{` that ended the statement. nginx reports directive
    /// errors at the line of this byte.
    pub terminator: Span,
    pub block: Option<Block>,
}

impl Directive {
    pub fn name(&self) -> &str {
        &self.name.value
    }
    pub fn children(&self) -> &[Directive] {
        match &self.block {
            Some(Block {
                body: Body::Directives(d),
                ..
            }) => d,
            _ => &[],
        }
    }
    /// Argument `i` (0 = first after the name).
    pub fn arg(&self, i: usize) -> Option<&str> {
        self.args.get(i).map(|w| w.value.as_str())
    }
}

/// A `#` comment (text after the `#`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

/// A parsed file. When `error` is set, `directives` holds what nginx had read
/// before it stopped (blocks still open at that point are closed there).
#[derive(Debug, Clone, Default)]
pub struct File {
    pub directives: Vec<Directive>,
    pub comments: Vec<Comment>,
    pub error: Option<SyntaxError>,
}

/// nginx's copy loop (ngx_conf_read_token): `\"` `\'` `\\` lose the
/// backslash, `\t` `\r` `\n` become control characters, any other `\x`
/// keeps both bytes.
pub fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.peek() {
                Some('"') | Some('\'') | Some('\\') => {
                    out.extend(chars.next());
                    continue;
                }
                Some('t') => {
                    chars.next();
                    out.push('\t');
                    continue;
                }
                Some('r') => {
                    chars.next();
                    out.push('\r');
                    continue;
                }
                Some('n') => {
                    chars.next();
                    out.push('\n');
                    continue;
                }
                _ => {}
            }
        }
        out.push(c);
    }
    out
}

/// A token's extent as nginx's buffer logic sees it, for the
/// `too long parameter` check (see [`too_long`]).
struct Extent {
    /// Where nginx's `start` points (after the opening quote for quoted words).
    start: usize,
    /// The last buffer position at which `start` is still this token's.
    last_check: usize,
    /// Offset of the closing quote, if quoted and closed.
    close_quote: Option<usize>,
    /// The quote character, if quoted.
    quote: Option<char>,
    /// Where the token begins (the quote itself for quoted words).
    token_start: usize,
}

struct Builder<'t> {
    file: FileId,
    text: &'t str,
    comments: Vec<Comment>,
    extents: Vec<Extent>,
    /// Open blocks: the directive that opened each, and its children so far.
    stack: Vec<(Directive, Vec<Directive>)>,
    root: Vec<Directive>,
    error: Option<(usize, SyntaxError)>,
}

/// Parse one nginx file.
pub fn parse(file: FileId, text: &str) -> File {
    let mut b = Builder {
        file,
        text,
        comments: Vec::new(),
        extents: Vec::new(),
        stack: Vec::new(),
        root: Vec::new(),
        error: None,
    };
    match NginxGrammar::parse(Rule::nginx_file, text) {
        Ok(mut pairs) => {
            if let Some(top) = pairs.next() {
                b.file_pairs(top);
            }
        }
        Err(e) => {
            // The grammar accepts every input; reaching this is a bug, reported
            // as an error at the start rather than a panic.
            let at = match e.location {
                pest::error::InputLocation::Pos(p) => p,
                pest::error::InputLocation::Span((s, _)) => s,
            };
            b.fail(
                at,
                at,
                "internal parser error: the grammar rejected this file".into(),
                None,
            );
        }
    }
    b.finish()
}

impl<'t> Builder<'t> {
    fn span(&self, s: usize, e: usize) -> Span {
        Span::new(self.file, s, e)
    }

    /// Record an error detected at byte `at`; the earliest one wins, as nginx
    /// stops at the first.
    fn fail(&mut self, at: usize, span_start: usize, message: String, line: Option<u32>) {
        let end = (span_start + 1).min(self.text.len()).max(span_start);
        let end = if self.text.is_char_boundary(end) {
            end
        } else {
            self.text.len()
        };
        let err = SyntaxError {
            message,
            span: self.span(span_start, end),
            line,
        };
        match &self.error {
            Some((prev, _)) if *prev <= at => {}
            _ => self.error = Some((at, err)),
        }
    }

    fn stopped(&self) -> bool {
        self.error.is_some()
    }

    fn file_pairs(&mut self, top: Pair<'t, Rule>) {
        let mut pairs = top.into_inner().peekable();
        while let Some(p) = pairs.next() {
            if self.stopped() {
                // Still collect comments (suppressions) and token extents.
                self.collect_rest(p);
                continue;
            }
            match p.as_rule() {
                Rule::comment => self.comment(&p),
                Rule::semicolon | Rule::open => {
                    let s = p.as_span().start();
                    let c = p.as_str();
                    self.fail(s, s, format!("unexpected \"{c}\""), None);
                }
                Rule::close => self.close(&p),
                Rule::directive => {
                    let next_close = pairs
                        .peek()
                        .filter(|n| n.as_rule() == Rule::close)
                        .map(|n| n.as_span().start());
                    self.directive(p, next_close);
                }
                Rule::raw_block => self.raw_block(p),
                Rule::EOI => self.eof(),
                _ => {}
            }
        }
    }

    fn collect_rest(&mut self, p: Pair<'t, Rule>) {
        match p.as_rule() {
            Rule::comment => self.comment(&p),
            Rule::directive | Rule::raw_block => {
                for q in p.into_inner() {
                    if q.as_rule() == Rule::comment {
                        self.comment(&q);
                    }
                }
            }
            _ => {}
        }
    }

    fn comment(&mut self, p: &Pair<'t, Rule>) {
        let s = p.as_span();
        let end = s.end();
        let last_check = if end < self.text.len() { end } else { self.text.len() };
        self.extents.push(Extent {
            start: s.start(),
            last_check,
            close_quote: None,
            quote: None,
            token_start: s.start(),
        });
        self.comments.push(Comment {
            text: p.as_str()[1..].to_owned(),
            span: self.span(s.start(), end),
        });
    }

    fn byte_at(&self, i: usize) -> Option<u8> {
        self.text.as_bytes().get(i).copied()
    }

    /// Read the words of a statement. Returns None when nginx stopped inside it.
    fn words(&mut self, pairs: Vec<Pair<'t, Rule>>) -> Option<(Vec<Word>, Option<Pair<'t, Rule>>)> {
        let mut words = Vec::new();
        let mut term = None;
        let mut ok = true;
        for q in pairs {
            match q.as_rule() {
                Rule::comment => self.comment(&q),
                Rule::word => {
                    let s = q.as_span();
                    let after = s.end();
                    let last_check = match self.byte_at(after) {
                        Some(b' ' | b'\t' | b'\r' | b'\n') => after + 1,
                        Some(_) => after,
                        None => self.text.len(),
                    };
                    self.extents.push(Extent {
                        start: s.start(),
                        last_check,
                        close_quote: None,
                        quote: None,
                        token_start: s.start(),
                    });
                    words.push(Word {
                        value: unescape(q.as_str()),
                        span: self.span(s.start(), s.end()),
                        quote: None,
                    });
                }
                Rule::dquoted | Rule::squoted => {
                    let s = q.as_span();
                    let quote = if q.as_rule() == Rule::dquoted { '"' } else { '\'' };
                    let mut body = "";
                    let mut bad: Option<(usize, String)> = None;
                    for r in q.into_inner() {
                        match r.as_rule() {
                            Rule::dq_body | Rule::sq_body => body = r.as_str(),
                            Rule::bad_follow => bad = Some((r.as_span().start(), r.as_str().to_owned())),
                            _ => {}
                        }
                    }
                    let close = s.start() + 1 + body.len();
                    let last_check = match self.byte_at(close + 1) {
                        Some(b' ' | b'\t' | b'\r' | b'\n') => close + 2,
                        Some(_) => close + 1,
                        None => self.text.len(),
                    };
                    self.extents.push(Extent {
                        start: s.start() + 1,
                        last_check,
                        close_quote: Some(close),
                        quote: Some(quote),
                        token_start: s.start(),
                    });
                    let end = if bad.is_some() { close + 1 } else { s.end() };
                    words.push(Word {
                        value: unescape(body),
                        span: self.span(s.start(), end),
                        quote: Some(quote),
                    });
                    if let Some((at, c)) = bad {
                        // nginx prints the byte; show the whole character.
                        self.fail(at, at, format!("unexpected \"{c}\""), None);
                        ok = false;
                        break;
                    }
                }
                Rule::unterminated => {
                    let s = q.as_span();
                    let quote = q.as_str().chars().next();
                    self.extents.push(Extent {
                        start: s.start() + 1,
                        last_check: self.text.len(),
                        close_quote: None,
                        quote,
                        token_start: s.start(),
                    });
                    self.eof_in_statement();
                    ok = false;
                    break;
                }
                Rule::semicolon | Rule::open => term = Some(q),
                _ => {}
            }
        }
        ok.then_some((words, term))
    }

    fn eof_in_statement(&mut self) {
        let n = self.text.len();
        self.fail(n, n, "unexpected end of file, expecting \";\" or \"}\"".into(), None);
    }

    fn directive(&mut self, p: Pair<'t, Rule>, next_close: Option<usize>) {
        let inner: Vec<_> = p.into_inner().collect();
        let Some((mut words, term)) = self.words(inner) else {
            return;
        };
        if words.is_empty() {
            return;
        }
        let name = words.remove(0);
        let Some(term) = term else {
            match next_close {
                // `}` only counts at the start of a statement (ngx_conf_file.c:683).
                Some(at) => self.fail(at, at, "unexpected \"}\"".into(), None),
                None => self.eof_in_statement(),
            }
            return;
        };
        let ts = term.as_span();
        let terminator = self.span(ts.start(), ts.end());
        let d = Directive {
            span: name.span.to(terminator),
            name,
            args: words,
            terminator,
            block: None,
        };
        if term.as_rule() == Rule::semicolon {
            self.push(d);
        } else {
            if let Some((parent, _)) = self.stack.last()
                && HANDLER_BLOCKS.contains(&parent.name())
            {
                let s = ts.start();
                self.fail(s, s, "unexpected \"{\"".into(), None);
                return;
            }
            if self.stack.len() >= MAX_NESTING {
                let s = ts.start();
                self.fail(
                    s,
                    s,
                    format!("blocks nest deeper than {MAX_NESTING} levels; lint502 stops reading here"),
                    None,
                );
                return;
            }
            self.stack.push((d, Vec::new()));
        }
    }

    fn push(&mut self, d: Directive) {
        match self.stack.last_mut() {
            Some((_, children)) => children.push(d),
            None => self.root.push(d),
        }
    }

    fn close(&mut self, p: &Pair<'t, Rule>) {
        let s = p.as_span();
        match self.stack.pop() {
            None => self.fail(s.start(), s.start(), "unexpected \"}\"".into(), None),
            Some((mut d, children)) => {
                let close = self.span(s.start(), s.end());
                d.span = d.span.to(close);
                d.block = Some(Block {
                    open: d.terminator,
                    close,
                    body: Body::Directives(children),
                });
                self.push(d);
            }
        }
    }

    fn raw_block(&mut self, p: Pair<'t, Rule>) {
        let mut name = None;
        let mut args = Vec::new();
        let mut body = None;
        let mut close = None;
        let mut open_at = 0;
        let mut last_lua_open = None;
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::raw_name => {
                    let s = q.as_span();
                    let quote = q.as_str().chars().next().filter(|c| *c == '"' || *c == '\'');
                    let value = q.into_inner().next().map(|t| t.as_str().to_owned()).unwrap_or_default();
                    name = Some(Word {
                        value,
                        span: self.span(s.start(), s.end()),
                        quote,
                    });
                }
                Rule::comment => self.comment(&q),
                Rule::open => open_at = q.as_span().start(),
                Rule::lua_body => {
                    let s = q.as_span();
                    body = Some(self.span(s.start(), s.end()));
                    last_lua_open = q
                        .into_inner()
                        .filter(|r| r.as_rule() == Rule::lua_open)
                        .map(|r| r.as_span().start())
                        .last();
                }
                Rule::close => close = Some(self.span(q.as_span().start(), q.as_span().end())),
                Rule::word | Rule::dquoted | Rule::squoted | Rule::unterminated => {
                    if let Some((mut w, _)) = self.words(vec![q]) {
                        args.append(&mut w);
                    } else {
                        return;
                    }
                }
                _ => {}
            }
        }
        let (Some(name), Some(body)) = (name, body) else {
            return;
        };
        let Some(close) = close else {
            // lua-nginx-module: the block never closes. It reports the line of
            // the last `{` it saw in the block, or of the block's own `{`.
            let at = last_lua_open.unwrap_or(open_at);
            let line = self.text[..at].matches('\n').count() + 1;
            let n = self.text.len();
            self.fail(
                n,
                at,
                "unexpected end of file, expecting terminating characters for lua code block".into(),
                Some(u32::try_from(line).unwrap_or(u32::MAX)),
            );
            return;
        };
        let terminator = self.span(open_at, open_at + 1);
        let d = Directive {
            span: name.span.to(close),
            name,
            args,
            terminator,
            block: Some(Block {
                open: terminator,
                close,
                body: Body::Raw(body),
            }),
        };
        self.push(d);
    }

    fn eof(&mut self) {
        if !self.stack.is_empty() {
            let n = self.text.len();
            self.fail(n, n, "unexpected end of file, expecting \"}\"".into(), None);
        }
    }

    /// nginx's `too long parameter` errors: a token whose bytes do not fit in
    /// the 4096-byte read buffer while more of the file is left to read. The
    /// buffer is refilled from the token's start, so the test depends only on
    /// where nginx's `start` pointer stays put (see `Extent`).
    fn too_long(&mut self) {
        let len = self.text.len();
        let hit = self
            .extents
            .iter()
            .map(|e| (e.start + NGX_CONF_BUFFER, e))
            .filter(|(limit, e)| *limit <= e.last_check && *limit < len)
            .min_by_key(|(limit, _)| *limit);
        let Some((at, e)) = hit else { return };
        let still_quoted = e.quote.is_some() && e.close_quote.is_none_or(|c| c >= at);
        let message = match (still_quoted, e.quote) {
            (true, Some(q)) => format!("too long parameter, probably missing terminating \"{q}\" character"),
            _ => {
                let bytes = &self.text.as_bytes()[e.start..(e.start + 10).min(len)];
                format!("too long parameter \"{}...\" started", String::from_utf8_lossy(bytes))
            }
        };
        let line = self.text[..e.token_start].matches('\n').count() + 1;
        let token_start = e.token_start;
        self.fail(at, token_start, message, Some(u32::try_from(line).unwrap_or(u32::MAX)));
    }

    fn finish(mut self) -> File {
        self.too_long();
        // Close whatever is still open where nginx stopped, so the partial tree
        // keeps every directive read so far.
        while let Some((mut d, children)) = self.stack.pop() {
            let end = self.span(self.text.len(), self.text.len());
            d.span = d.span.to(end);
            d.block = Some(Block {
                open: d.terminator,
                close: end,
                body: Body::Directives(children),
            });
            self.push(d);
        }
        File {
            directives: self.root,
            comments: self.comments,
            error: self.error.map(|(_, e)| e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<(String, Option<char>)> {
        let f = parse(FileId(0), text);
        assert!(f.error.is_none(), "{:?}", f.error);
        let d = &f.directives[0];
        std::iter::once(&d.name)
            .chain(&d.args)
            .map(|w| (w.value.clone(), w.quote))
            .collect()
    }

    fn error(text: &str) -> String {
        parse(FileId(0), text).error.map(|e| e.message).unwrap_or_default()
    }

    #[test]
    fn words_follow_nginx_tokenizer() {
        assert_eq!(words("a b;"), [("a".into(), None), ("b".into(), None)]);
        // `#` inside a word, `}` inside a word, `${` keeps its brace.
        assert_eq!(words("server_name a#b;")[1].0, "a#b");
        assert_eq!(words("return 200 ok};")[2].0, "ok}");
        assert_eq!(words("set $a ${b}c;")[2].0, "${b}c");
        // Quotes, and a `)` right after a closing quote starts a new word.
        assert_eq!(
            words("if ($a = \"b\") {}")[3..],
            [("b".into(), Some('"')), (")".into(), None)]
        );
        // nginx's unescaping: \" \' \\ drop the backslash, \t \n \r become
        // control characters, anything else keeps both bytes.
        assert_eq!(words("x \"a\\\"b\\tc\\qd\";")[1].0, "a\"b\tc\\qd");
        assert_eq!(words("x a\\;b;")[1].0, "a\\;b");
        assert_eq!(words("x '';")[1], ("".into(), Some('\'')));
    }

    #[test]
    fn spans_cover_words_and_statements() {
        let f = parse(FileId(0), "  listen \"80\";\n");
        let d = &f.directives[0];
        assert_eq!((d.name.span.start, d.name.span.end), (2, 8));
        assert_eq!((d.args[0].span.start, d.args[0].span.end), (9, 13));
        assert_eq!((d.span.start, d.span.end), (2, 14));
    }

    #[test]
    fn blocks_nest_and_comments_are_kept() {
        let f = parse(FileId(0), "http { # c1\n server { listen 80; } }\n# c2\n");
        assert_eq!(f.directives[0].children()[0].children()[0].name(), "listen");
        let comments: Vec<&str> = f.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(comments, [" c1", " c2"]);
    }

    #[test]
    fn nginx_error_messages() {
        assert_eq!(error("return 200 \"left\"-quote;"), "unexpected \"-\"");
        assert_eq!(error("a {\n b ok }"), "unexpected \"}\"");
        assert_eq!(error("a {\n"), "unexpected end of file, expecting \"}\"");
        assert_eq!(error("a;\n}"), "unexpected \"}\"");
        assert_eq!(error("a b"), "unexpected end of file, expecting \";\" or \"}\"");
        assert_eq!(error(";"), "unexpected \";\"");
        assert_eq!(error("{"), "unexpected \"{\"");
        assert_eq!(error("types { text/html html; { }"), "unexpected \"{\"");
        assert_eq!(error("x \"abc"), "unexpected end of file, expecting \";\" or \"}\"");
    }

    #[test]
    fn lua_blocks_are_raw() {
        let text = "content_by_lua_block {\n  ngx.say(\"}{\") -- }\n  local t = { [[ } ]] }\n}\nlisten 80;\n";
        let f = parse(FileId(0), text);
        assert!(f.error.is_none(), "{:?}", f.error);
        assert_eq!(f.directives.len(), 2);
        let Some(Block { body: Body::Raw(s), .. }) = &f.directives[0].block else {
            panic!("raw body")
        };
        assert!(text[s.range()].contains("local t"));
        assert_eq!(
            error("content_by_lua_block {\n  local t = {\n"),
            "unexpected end of file, expecting terminating characters for lua code block"
        );
    }

    #[test]
    fn deep_nesting_does_not_exhaust_the_stack() {
        let n = 100_000;
        let text = "a {".repeat(n) + &"}".repeat(n);
        let f = parse(FileId(0), &text);
        let e = f.error.expect("nesting limit");
        assert_eq!(
            e.message,
            format!("blocks nest deeper than {MAX_NESTING} levels; lint502 stops reading here")
        );
        assert_eq!(e.span.start as usize, 3 * MAX_NESTING + 2);
        let ok = "a {".repeat(MAX_NESTING) + &"}".repeat(MAX_NESTING);
        assert!(parse(FileId(0), &ok).error.is_none());
        let lua = format!("content_by_lua_block {{{}{}}}", "{".repeat(n), "}".repeat(n));
        let f = parse(FileId(0), &lua);
        assert!(f.error.is_none(), "{:?}", f.error);
    }
}

#[cfg(test)]
mod never_rejects {
    use super::*;

    /// The grammar must accept every input (errors are tokens, turned into
    /// nginx's messages by the builder): feed it random strings over the
    /// bytes that matter to nginx's reader.
    #[test]
    fn random_inputs_never_hit_the_internal_error() {
        const ALPHABET: &[&str] = &[
            " ",
            "\t",
            "\n",
            "\r",
            ";",
            "{",
            "}",
            "#",
            "\"",
            "'",
            "\\",
            "$",
            ")",
            "(",
            "a",
            "_by_lua_block",
            "content_by_lua_block",
            "--",
            "[[",
            "]]",
            "[=[",
            "é",
            "\u{1A}",
        ];
        for text in crate::text::random_texts(0x5eed, 20_000, 32, ALPHABET) {
            let f = parse(FileId(0), &text);
            if let Some(e) = f.error {
                assert!(!e.message.starts_with("internal"), "{text:?}: {}", e.message);
            }
        }
    }
}
