//! Python source, read statically: lint502 never executes it.
//!
//! Three layers, each as CPython does it:
//! 1. **Tokens.** `grammar/python.pest` gives the tokens of each tokenizer
//!    mode; [`Lexer`] keeps CPython's mode stack (ordinary code, the inside of
//!    an f-string, the code of a replacement field, a format spec), as
//!    `Parser/lexer/lexer.c` does since 3.12 (PEP 701). Strings and comments
//!    are skipped exactly, so an `=` or `#` inside a string never counts.
//! 2. **Logical lines and blocks.** Physical lines join inside brackets and
//!    after a backslash; a logical line's indentation opens and closes blocks
//!    (tabs to multiples of 8, CPython's tab-consistency check). A top-level
//!    statement starts at column 0 of a logical line.
//! 3. **Top-level assignments.** `name = expr` (also `name: T = expr`,
//!    `a = b = expr`, `a, b = 1, 2` and augmented `+=`), with the value folded
//!    where the text alone decides it ([`Value`]), from literals, earlier
//!    top-level names, environment lookups (`os.environ.get("X", default)`)
//!    and CPU-count arithmetic (`Value::Symbolic`). Bodies of `def` and `class`
//!    are skipped; assignments inside top-level `if`/`try`/`for`/`while`/
//!    `match` blocks are kept and marked `conditional`.
//! 4. **Functions and calls.** Each `def`/`async def` outside other
//!    functions ([`Function`]: name, decorators, parameters, spans) with the
//!    calls in its body at any expression position ([`CallSite`]), and the
//!    calls made outside function bodies ([`Module::module_calls`]). One pass
//!    over each line's tokens: a `(` right after a name is a call; its
//!    callee is the dotted name before it, resolved through the imports
//!    and top-level names once the module is read. Calls inside f-string
//!    replacement fields are not read.
//!
//! Environment values: anything computed from `os.environ`/`os.getenv` is a
//! `Value::Env` whose default is what the expression gives when the
//! variables are unset: `int(os.getenv("T", "30"))` is `Env { T, 30 }`,
//! `f"{host}:{port}"` over two lookups is `Env { "HOST,PORT", "0.0.0.0:80" }`
//! (several variables are named together, comma-separated). A top-level
//! `if`/`elif`/`else` whose conditions are constants or environment values
//! is followed the same way: after it, a name has the value of the branch
//! taken when the environment sets nothing (tiangolo's images:
//! `if bind_env: use_bind = bind_env else: use_bind = f"{host}:{port}"`).
//!
//! Errors: the first place the tokenizer (or the block structure) fails is
//! reported with CPython's wording; the other statements are still read.

use std::collections::HashMap;

use pest::Parser;
use pest::iterators::Pair;

use super::SyntaxError;
use crate::model::value::{Spanned, Value};
use crate::source::{FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/python.pest"]
struct PythonGrammar;

/// CPython's `MAXLEVEL` (Parser/lexer/state.h): brackets nested deeper than
/// this are "too many nested parentheses".
pub const MAX_PAREN_LEVEL: usize = 200;

/// CPython's `MAXFSTRINGLEVEL`: f-strings nested deeper than this are "too
/// many nested f-strings".
pub const MAX_FSTRING_LEVEL: usize = 150;

/// How deep the expression reader recurses (brackets, unary operators,
/// `**`, conditional expressions) before it gives up on an expression.
const MAX_EXPR_DEPTH: usize = 100;

/// Strings and lists built by folding stay below this size (`"a" * 10**9`
/// is not built).
const MAX_FOLDED_LEN: usize = 1 << 20;
/// An expression of more tokens than this is not folded (its value is
/// unknown): configuration values are short, while data modules hold literals
/// of tens of thousands of tokens (NetBox's `extras/data/iata.py`, 483 kB)
/// that are not worth evaluating.
const MAX_EVAL_TOKENS: usize = 10_000;

// ==================================================================== public API

/// What lint502 reads from a Python module.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Module {
    /// Top-level assignments, in source order.
    pub assignments: Vec<Assignment>,
    /// Names bound at top level by `def`, `class` and `import`, in source order.
    pub bindings: Vec<Binding>,
    /// Every `#` comment (text after the `#`), for suppressions.
    pub comments: Vec<Comment>,
    /// Every import, in source order, with its context.
    pub imports: Vec<Import>,
    /// Expression statements that are calls, anywhere in the file (function
    /// bodies included), read as when the file runs as the main script
    /// ([`parse_script`] only; empty for [`parse_module`]).
    pub calls: Vec<Call>,
    /// Functions at module level and in class bodies, with the calls in
    /// their bodies, in source order.
    pub functions: Vec<Function>,
    /// Calls made outside function bodies (module level, class bodies,
    /// decorators, defaults), in source order.
    pub module_calls: Vec<CallSite>,
    /// The first place where Python itself would refuse the file.
    pub error: Option<SyntaxError>,
}

/// `target = value` at top level (one per name for `a = b = 1`).
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub target: Spanned<String>,
    /// The folded value; its span is the expression's text.
    pub value: Spanned<Value>,
    /// The whole statement.
    pub span: Span,
    /// Inside a top-level `if`/`elif`/`else`, `try`/`except`/`else`, `for`,
    /// `while` or `match` block (or a one-line body of one): it may not run.
    pub conditional: bool,
    /// Environment variables the value was *computed* from, beyond any
    /// `Value::Env` it holds (`f"0.0.0.0:{os.getenv('PORT', '80')}"`: the
    /// value is `"0.0.0.0:80"`, what it is when they are unset, and this is
    /// `["PORT"]`). Setting one of them changes the value.
    pub env: Vec<String>,
}

/// A name bound at top level by something other than an assignment.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub name: Spanned<String>,
    pub kind: BindingKind,
    /// The statement (for `def`/`class`: its header line).
    pub span: Span,
    pub conditional: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindingKind {
    /// `def name(…)` (or `async def`).
    Function,
    /// `class Name…`.
    Class,
    /// `import a.b as name` / `from a import b as name`: the dotted path the
    /// name stands for (`a.b`; relative imports keep their dots).
    Import(String),
}

/// An import, anywhere in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The module as written, without leading dots: `a.b` of `import a.b`
    /// and of `from a.b import c`; `""` for `from . import c`.
    pub module: String,
    /// Leading dots of a relative import (`from ..a import b`: 2).
    pub level: u32,
    /// `from m import a, b`: `a` and `b` (each may be a submodule); empty
    /// for `import m` and for `*`.
    pub names: Vec<String>,
    pub kind: ImportKind,
    /// The module's text (`a.b`, with the dots of a relative import; the
    /// string literal of `import_module("x")`).
    pub span: Span,
    /// The whole statement (or call).
    pub statement: Span,
    pub context: ImportContext,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    /// `import a.b [as c]`.
    Import,
    /// `from a import b`.
    From,
    /// `importlib.import_module("a")` (the module named by a literal).
    ImportModule,
    /// `__import__("a")`.
    DunderImport,
}

/// Where an import sits: what decides whether it runs when the module is
/// loaded, and whether its failure is caught.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportContext {
    /// Inside a function body (runs when the function is called).
    pub function: bool,
    /// Inside a class body (runs when the module loads, unless also in a
    /// function).
    pub class: bool,
    /// Inside a `try` body whose handlers catch `ImportError`,
    /// `ModuleNotFoundError`, `Exception`, `BaseException`, or everything
    /// (bare `except:`): a failure is handled.
    pub guarded: bool,
    /// Inside an `except` handler (a fallback import: runs only when the
    /// `try` failed).
    pub in_handler: bool,
    /// Inside `if TYPE_CHECKING:` (any spelling: `typing.TYPE_CHECKING`,
    /// an alias): never runs.
    pub type_checking: bool,
    /// Inside an `if`/`elif`/`else` chain whose first condition reads
    /// `sys.version_info` or `sys.platform`: runs on some interpreters only.
    pub version_check: bool,
    /// Inside any other block that may not run (`if`, `for`, `while`,
    /// `match`, `with` is not one).
    pub conditional: bool,
}

/// A call made as a statement: `uvicorn.run(app, port=8000)`, `app.run()`.
///
/// Arguments are folded with the names bound before the call: at top level,
/// and, inside a function, that function's own simple assignments (a name
/// assigned inside a nested block of the function is "set conditionally").
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// What is called, by dotted path through imports: `uvicorn.run`,
    /// `aiohttp.web.run_app`; a method of a call's result keeps the call:
    /// `flask.Flask().run`, `create_app().run` is not resolved (a local
    /// function: None). None when lint502 cannot name it.
    pub callee: Option<String>,
    /// The callee as written (`app.run`).
    pub text: String,
    pub args: Vec<CallArg>,
    /// The whole call.
    pub span: Span,
    /// Inside a function body (`def main(): uvicorn.run(…)`).
    pub in_function: bool,
}

/// One argument of a [`Call`].
#[derive(Debug, Clone, PartialEq)]
pub struct CallArg {
    /// `port` of `port=8000`; None for a positional argument.
    pub keyword: Option<String>,
    pub value: Spanned<Value>,
    /// Environment variables the value was computed from (as
    /// [`Assignment::env`]).
    pub env: Vec<String>,
}

/// A function defined at module level or in a class body (a method), at
/// any block depth that is not itself inside a function: `def` and
/// `async def`. Functions defined inside another function are not listed:
/// their calls belong to the outer function, marked [`CallSite::nested`].
#[derive(Debug, Clone, PartialEq)]
pub struct Function {
    /// The name, at its span in the `def` line.
    pub name: Spanned<String>,
    /// `async def`.
    pub is_async: bool,
    /// The classes around it, outermost first, joined with dots
    /// (`Outer.Inner`); None at module level.
    pub class: Option<String>,
    /// Its decorators, top to bottom.
    pub decorators: Vec<Decorator>,
    /// Parameter names, in order (`self` included; `*args` is `args`).
    pub params: Vec<String>,
    /// From `def` (or `async`) to the `:` of the header.
    pub header: Span,
    /// The header and the body, to the end of its last line.
    pub span: Span,
    /// Every call in the body, at any expression position, in source order
    /// (ordered by the position of their `(`: `a(b())` lists `a` first).
    /// Defaults and annotations in the header run when the `def` runs, so
    /// their calls are in [`Module::module_calls`] instead.
    pub calls: Vec<CallSite>,
}

/// `@expr` above a [`Function`].
#[derive(Debug, Clone, PartialEq)]
pub struct Decorator {
    /// What the decorator calls (or is, when it is not a call), by dotted
    /// path as [`CallSite::callee`]: `functools.lru_cache`; for
    /// `@app.get("/")` with `app = FastAPI()` at top level,
    /// `fastapi.FastAPI().get`; for a router imported from another module,
    /// that module's path (`app.api.router.get`).
    pub callee: Option<String>,
    /// The decorator as written, without `@` and arguments: `app.get`.
    pub text: String,
    /// The name the decorator is an attribute of (`app` of `@app.get(…)`,
    /// `router` of `@router.post(…)`); None for a plain name.
    pub receiver: Option<String>,
    /// `@x(…)` rather than `@x`.
    pub call: bool,
    /// The arguments of the call (empty when it is not one).
    pub args: Vec<SiteArg>,
    /// The expression after `@`.
    pub span: Span,
}

/// A call anywhere in an expression: `x = requests.get(u)`,
/// `return f(g(x))` (two calls), `await client.get(u)`.
#[derive(Debug, Clone, PartialEq)]
pub struct CallSite {
    /// What is called, by dotted path: the first name is resolved through
    /// the module's imports and top-level names as they stand when the
    /// module has loaded (as Python looks globals up when the function
    /// runs), and through the function's own imports and names. `sleep(1)`
    /// after `from time import sleep` is `time.sleep`; a method of a call's
    /// result keeps the call: `requests.Session().get`, also through a name
    /// bound to such a call at top level (`s = requests.Session()`), in the
    /// function (`c = httpx.Client()`) or by `with httpx.Client() as c`.
    /// A name that nothing binds stands for itself (builtins: `open`).
    /// None when lint502 cannot name it: a parameter or another local
    /// value, a local function or class, a subscript (`x[0]()`), a
    /// literal (`"".join`).
    pub callee: Option<String>,
    /// The callee as written (`requests.get`, `self.client.get`,
    /// `"-".join`); [`CallSite::text`] gives its text.
    pub callee_span: Span,
    pub args: Vec<SiteArg>,
    /// The whole call, callee to `)`.
    pub span: Span,
    /// Right after `await`.
    pub awaited: bool,
    /// Inside a `def` or `lambda` nested in the function (or, for module
    /// calls, a lambda): it does not run when the enclosing code runs.
    pub nested: bool,
    /// Inside the argument list of a call that runs its argument on a
    /// thread: `run_in_threadpool`, `to_thread` (`asyncio.to_thread`),
    /// `run_in_executor`, `run_sync` (`anyio.to_thread.run_sync`),
    /// `sync_to_async` (by the callee's last name).
    pub offloaded: bool,
}

/// One argument of a [`CallSite`] or [`Decorator`].
#[derive(Debug, Clone, PartialEq)]
pub struct SiteArg {
    /// `headers` of `headers={…}` (its span; [`SiteArg::keyword`] gives
    /// it); None for a positional argument.
    pub keyword_span: Option<Span>,
    /// `*x` (1) or `**x` (2).
    pub star: u8,
    /// The value's text (after `name=` or the stars).
    pub span: Span,
    /// The value is a plain name or a dotted one (`homepage`, `views.home`):
    /// [`SiteArg::name`] gives it.
    pub dotted: bool,
}

impl CallSite {
    /// The callee as written, from the module's text.
    pub fn text<'t>(&self, source: &'t str) -> &'t str {
        source.get(self.callee_span.range()).unwrap_or("")
    }
}

impl SiteArg {
    /// The keyword (`headers` of `headers={…}`), from the module's text;
    /// None for a positional argument.
    pub fn keyword<'t>(&self, source: &'t str) -> Option<&'t str> {
        self.keyword_span.and_then(|k| source.get(k.range()))
    }

    /// Whether the argument is `keyword=…`.
    pub fn is_keyword(&self, source: &str, keyword: &str) -> bool {
        self.keyword(source) == Some(keyword)
    }

    /// The name the value is (`homepage`, `views.home`), from the module's
    /// text; None when the value is not a (dotted) name.
    pub fn name<'t>(&self, source: &'t str) -> Option<&'t str> {
        if self.dotted {
            source.get(self.span.range())
        } else {
            None
        }
    }
}

/// A `#` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text after `#`.
    pub text: String,
    pub span: Span,
}

/// Read one Python module.
pub fn parse_module(file: FileId, text: &str) -> Module {
    read(file, text, false)
}

/// Read a Python file that is run as a script (`python app.py`): as
/// [`parse_module`], and `__name__` is `"__main__"` (so the body of
/// `if __name__ == "__main__":` runs), and calls made as statements are
/// collected in [`Module::calls`], function bodies included.
pub fn parse_script(file: FileId, text: &str) -> Module {
    read(file, text, true)
}

fn read(file: FileId, text: &str, script: bool) -> Module {
    let lines = LineIndex::new(text);
    let mut lexer = Lexer::new(file, text, &lines);
    lexer.run();
    let Lexer {
        out, comments, errors, ..
    } = lexer;
    let mut errors = errors;
    let (code, logical) = build_lines(file, text, &lines, out, &mut errors);
    let mut walker = Walker {
        file,
        text,
        lines: &lines,
        code: &code,
        scope: HashMap::new(),
        chain: None,
        in_branch: false,
        touched: Vec::new(),
        assignments: Vec::new(),
        bindings: Vec::new(),
        errors: Vec::new(),
        script,
        locals: None,
        func_depth: None,
        in_func_body: false,
        calls: Vec::new(),
        imports: Vec::new(),
        import_tries: Vec::new(),
        tries: Vec::new(),
        open_tries: Vec::new(),
        last_if: Vec::new(),
        functions: Vec::new(),
        module_calls: Vec::new(),
        fixups: Vec::new(),
        dec_links: Vec::new(),
        func: None,
        decorators: Vec::new(),
        classes: Vec::new(),
        next_class: None,
        cur_header: None,
        scan_frames: Vec::new(),
        scan_closed: Vec::new(),
    };
    walker.walk(&logical);
    walker.finish_sites();
    // A `try` guards the imports in its body when one of its handlers
    // catches an import failure (handlers come after the body).
    let guards: Vec<bool> = walker.tries.iter().map(|t| t.guards).collect();
    for (imp, tries) in walker.imports.iter_mut().zip(&walker.import_tries) {
        imp.context.guarded = tries.iter().any(|id| guards.get(*id).copied().unwrap_or(false));
    }
    errors.append(&mut walker.errors);
    let error = errors.into_iter().min_by_key(|e| e.span.start);
    Module {
        assignments: walker.assignments,
        bindings: walker.bindings,
        comments,
        imports: walker.imports,
        calls: walker.calls,
        functions: walker.functions,
        module_calls: walker.module_calls,
        error,
    }
}

// ==================================================================== tokens

/// The quotes of a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quote {
    Dq,
    Sq,
    Tdq,
    Tsq,
}

impl Quote {
    fn of(s: &str) -> Quote {
        match s {
            "\"\"\"" => Quote::Tdq,
            "'''" => Quote::Tsq,
            "'" => Quote::Sq,
            _ => Quote::Dq,
        }
    }
    fn triple(self) -> bool {
        matches!(self, Quote::Tdq | Quote::Tsq)
    }
}

#[derive(Debug, Clone)]
struct Tok {
    kind: TokKind,
    start: usize,
    end: usize,
}

#[derive(Debug, Clone)]
enum TokKind {
    Name,
    Number,
    Op,
    /// A complete string literal; its body is `text[body.0..body.1]`.
    Str {
        body: (usize, usize),
        raw: bool,
        bytes: bool,
    },
    FStr(Box<FStr>),
    Newline,
    /// Where the reader reported an error: the statement holding it is not
    /// read.
    Broken,
}

/// An f-string (or 3.14 t-string), split as CPython's tokenizer splits it.
#[derive(Debug, Clone)]
struct FStr {
    raw: bool,
    template: bool,
    parts: Vec<FPart>,
}

#[derive(Debug, Clone)]
enum FPart {
    /// Literal text (escapes not yet applied).
    Text(usize, usize),
    /// `{{` or `}}`.
    Brace(char),
    Field(Box<Field>),
}

/// A replacement field `{expr=!r:spec}`.
#[derive(Debug, Clone)]
struct Field {
    tokens: Vec<Tok>,
    /// `Some(text range)` for the `=` form: the text shown before the value.
    debug: Option<(usize, usize)>,
    conversion: Option<char>,
    spec: Option<Vec<FPart>>,
}

/// One level of the tokenizer's mode stack (the stack is empty in ordinary
/// code).
enum Frame {
    /// Reading the text of an f-string.
    FStr {
        start: usize,
        quote: Quote,
        raw: bool,
        template: bool,
        parts: Vec<FPart>,
    },
    /// Reading a replacement field: its code, then (after `:`) its spec.
    Field {
        open: usize,
        tokens: Vec<Tok>,
        brackets: Vec<char>,
        /// Where the expression ended (`=`, `!` or `:` at the field's level).
        expr_end: Option<usize>,
        /// Where the `!`, `:` or `}` that ends the expression part is.
        term: Option<usize>,
        eq: bool,
        bang: bool,
        conversion: Option<char>,
        spec: Option<Vec<FPart>>,
    },
}

struct Lexer<'t> {
    file: FileId,
    text: &'t str,
    lines: &'t LineIndex,
    pos: usize,
    out: Vec<Tok>,
    comments: Vec<Comment>,
    errors: Vec<SyntaxError>,
    frames: Vec<Frame>,
}

/// The end of the character at `at` (an error's span covers one whole
/// character, never half of one).
fn char_end(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .map_or(text.len(), |c| at + c.len_utf8())
}

/// Where each line starts, for 1-based line numbers in messages.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { starts }
    }

    /// 1-based line of a byte offset.
    fn line(&self, at: usize) -> usize {
        self.starts.partition_point(|s| *s <= at).max(1)
    }
}

impl<'t> Lexer<'t> {
    fn new(file: FileId, text: &'t str, lines: &'t LineIndex) -> Lexer<'t> {
        Lexer {
            file,
            text,
            lines,
            pos: if text.starts_with('\u{FEFF}') { 3 } else { 0 },
            out: Vec::new(),
            comments: Vec::new(),
            errors: Vec::new(),
            frames: Vec::new(),
        }
    }

    fn error(&mut self, at: usize, len: usize, message: String) {
        let at = at.min(self.text.len());
        let mut end = (at + len.max(1)).min(self.text.len());
        while !self.text.is_char_boundary(end) {
            end += 1;
        }
        self.errors.push(SyntaxError {
            message,
            span: Span::new(self.file, at, end),
            line: None,
        });
    }

    fn run(&mut self) {
        loop {
            let before = (self.pos, self.frames.len());
            match self.frames.last() {
                None if self.pos >= self.text.len() => break,
                None => self.code_run(),
                Some(Frame::FStr { .. }) => self.fstring_piece(false),
                Some(Frame::Field { spec: Some(_), .. }) => self.fstring_piece(true),
                Some(Frame::Field { .. }) => self.field_step(),
            }
            if (self.pos, self.frames.len()) == before {
                // Every step consumes input or changes mode; this is a guard
                // against a grammar bug, never a loop.
                self.error(self.pos, 1, "internal reader error: no progress".into());
                self.unwind(self.text.len());
                self.pos = self.text.len();
                if self.frames.is_empty() {
                    break;
                }
            }
        }
    }

    /// Ordinary code: many tokens at once, up to an f-string's start.
    fn code_run(&mut self) {
        let base = self.pos;
        let rest = &self.text[base..];
        let top = match PythonGrammar::parse(Rule::tokens, rest) {
            Ok(mut pairs) => pairs.next(),
            Err(_) => None,
        };
        let Some(top) = top else {
            self.error(base, 1, "internal reader error: the grammar rejected this text".into());
            self.pos = self.text.len();
            return;
        };
        let end = base + top.as_span().end();
        for p in top.into_inner() {
            if let Some(t) = self.token(p, base) {
                self.out.push(t);
            }
        }
        // (An f-string nested too deeply has already moved on.)
        self.pos = self.pos.max(end);
    }

    /// Turn one token pair into a token (comments and errors are recorded on
    /// the side; an f-string start pushes a mode).
    fn token(&mut self, p: Pair<'_, Rule>, base: usize) -> Option<Tok> {
        let s = p.as_span();
        let (start, end) = (base + s.start(), base + s.end());
        let tok = |kind| Some(Tok { kind, start, end });
        match p.as_rule() {
            Rule::newline => tok(TokKind::Newline),
            Rule::continuation => None,
            Rule::comment => {
                self.comments.push(Comment {
                    text: p.as_str()[1..].to_owned(),
                    span: Span::new(self.file, start, end),
                });
                None
            }
            Rule::name | Rule::plain_name => tok(TokKind::Name),
            Rule::operator => tok(TokKind::Op),
            Rule::number => {
                if self.check_number(p.as_str(), start, end) {
                    tok(TokKind::Number)
                } else {
                    tok(TokKind::Broken)
                }
            }
            Rule::string => {
                let mut prefix = "";
                let mut body = (end, end);
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::string_prefix => prefix = q.as_str(),
                        Rule::long_dq_body | Rule::long_sq_body | Rule::short_dq_body | Rule::short_sq_body => {
                            body = (base + q.as_span().start(), base + q.as_span().end())
                        }
                        _ => {}
                    }
                }
                let lower = prefix.to_ascii_lowercase();
                tok(TokKind::Str {
                    body,
                    raw: lower.contains('r'),
                    bytes: lower.contains('b'),
                })
            }
            Rule::unterminated_string => {
                let triple = p
                    .into_inner()
                    .any(|q| matches!(q.as_rule(), Rule::triple_dq | Rule::triple_sq));
                let line = self.lines.line(end);
                let what = if triple { "triple-quoted string" } else { "string" };
                self.error(
                    start,
                    1,
                    format!("unterminated {what} literal (detected at line {line})"),
                );
                tok(TokKind::Broken)
            }
            Rule::fstring_start => {
                let mut prefix = "";
                let mut quote = Quote::Dq;
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::fstring_prefix => prefix = q.as_str(),
                        _ => quote = Quote::of(q.as_str()),
                    }
                }
                let lower = prefix.to_ascii_lowercase();
                let level = self.frames.iter().filter(|f| matches!(f, Frame::FStr { .. })).count();
                if level >= MAX_FSTRING_LEVEL {
                    // Stop reading this f-string: drop it up to the end of the line.
                    self.error(start, end - start, "too many nested f-strings".into());
                    let eol = self.text[end..].find(['\n', '\r']).map_or(self.text.len(), |n| end + n);
                    self.unwind(eol);
                    self.pos = eol;
                    return None;
                }
                self.frames.push(Frame::FStr {
                    start,
                    quote,
                    raw: lower.contains('r'),
                    template: lower.contains('t'),
                    parts: Vec::new(),
                });
                None
            }
            Rule::stray_backslash => {
                self.error(
                    start,
                    1,
                    "unexpected character after line continuation character".into(),
                );
                tok(TokKind::Broken)
            }
            Rule::bad_char => {
                let c = p.as_str().chars().next().unwrap_or('\0');
                let message = if c == '\0' {
                    "source code cannot contain null bytes".to_owned()
                } else if c.is_control() || c.is_whitespace() {
                    format!("invalid non-printable character U+{:04X}", c as u32)
                } else {
                    format!("invalid character '{c}' (U+{:04X})", c as u32)
                };
                self.error(start, end - start, message);
                tok(TokKind::Broken)
            }
            _ => None,
        }
    }

    /// CPython's `verify_end_of_number` and the leading-zero rule: a number
    /// may not run into a letter (except a few keywords: `1if x else y`).
    fn check_number(&mut self, s: &str, start: usize, end: usize) -> bool {
        let lower = s.to_ascii_lowercase();
        let kind = if lower.starts_with("0x") {
            "hexadecimal"
        } else if lower.starts_with("0o") {
            "octal"
        } else if lower.starts_with("0b") {
            "binary"
        } else if lower.ends_with('j') {
            "imaginary"
        } else {
            "decimal"
        };
        let plain_int = kind == "decimal" && !lower.contains(['.', 'e']);
        if plain_int && s.len() > 1 && s.starts_with('0') && s.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
            self.error(
                start,
                end - start,
                "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
                    .into(),
            );
            return false;
        }
        let rest = &self.text[end..];
        let Some(next) = rest.chars().next() else {
            return true;
        };
        if !(next.is_alphanumeric() || next == '_') {
            return true;
        }
        if ["and", "else", "for", "if", "in", "is", "not", "or"]
            .iter()
            .any(|k| rest.starts_with(k))
        {
            return true;
        }
        let message = match kind {
            "octal" | "binary" if next.is_ascii_digit() => format!("invalid digit '{next}' in {kind} literal"),
            _ => format!("invalid {kind} literal"),
        };
        self.error(start, end - start + 1, message);
        false
    }

    /// The quote form and rawness of the innermost f-string.
    fn current_fstring(&self) -> Option<(usize, Quote, bool)> {
        self.frames.iter().rev().find_map(|f| match f {
            Frame::FStr { start, quote, raw, .. } => Some((*start, *quote, *raw)),
            Frame::Field { .. } => None,
        })
    }

    /// The text of an f-string or of a format spec: one piece.
    fn fstring_piece(&mut self, in_spec: bool) {
        let Some((fs_start, quote, raw)) = self.current_fstring() else {
            return;
        };
        let rule = match (quote, raw) {
            (Quote::Dq, false) => Rule::fs_piece_dq,
            (Quote::Sq, false) => Rule::fs_piece_sq,
            (Quote::Tdq, false) => Rule::fs_piece_tdq,
            (Quote::Tsq, false) => Rule::fs_piece_tsq,
            (Quote::Dq, true) => Rule::rfs_piece_dq,
            (Quote::Sq, true) => Rule::rfs_piece_sq,
            (Quote::Tdq, true) => Rule::rfs_piece_tdq,
            (Quote::Tsq, true) => Rule::rfs_piece_tsq,
        };
        let base = self.pos;
        let piece = PythonGrammar::parse(rule, &self.text[base..])
            .ok()
            .and_then(|mut p| p.next())
            .and_then(|p| p.into_inner().next());
        let Some(piece) = piece else {
            // A line break in a one-line f-string, or the end of the file.
            let line = self.lines.line(base);
            let what = if quote.triple() {
                "triple-quoted f-string"
            } else {
                "f-string"
            };
            self.error(
                fs_start,
                1,
                format!("unterminated {what} literal (detected at line {line})"),
            );
            self.unwind(base);
            return;
        };
        let (start, end) = (base + piece.as_span().start(), base + piece.as_span().end());
        match piece.as_rule() {
            Rule::fs_end_dq | Rule::fs_end_sq | Rule::fs_end_tdq | Rule::fs_end_tsq => {
                if in_spec {
                    self.error(start, 1, "f-string: expecting '}'".into());
                    self.unwind(end);
                    self.pos = end;
                    return;
                }
                self.pos = end;
                if let Some(Frame::FStr {
                    start: s,
                    raw,
                    template,
                    parts,
                    ..
                }) = self.frames.pop()
                {
                    let tok = Tok {
                        kind: TokKind::FStr(Box::new(FStr { raw, template, parts })),
                        start: s,
                        end,
                    };
                    self.emit(tok);
                }
            }
            Rule::fs_double_brace if !in_spec => {
                let c = if piece.as_str().starts_with('{') { '{' } else { '}' };
                self.push_part(FPart::Brace(c));
                self.pos = end;
            }
            Rule::fs_open | Rule::fs_double_brace if piece.as_str().starts_with('{') => {
                self.pos = start + 1;
                self.open_field(start);
            }
            Rule::fs_close | Rule::fs_double_brace => {
                self.pos = start + 1;
                if in_spec {
                    self.close_field();
                } else {
                    self.error(start, 1, "f-string: single '}' is not allowed".into());
                    self.push_part(FPart::Text(start, start + 1));
                }
            }
            _ => {
                self.push_part(FPart::Text(start, end));
                self.pos = end;
            }
        }
    }

    fn open_field(&mut self, open: usize) {
        self.frames.push(Frame::Field {
            open,
            tokens: Vec::new(),
            brackets: Vec::new(),
            expr_end: None,
            term: None,
            eq: false,
            bang: false,
            conversion: None,
            spec: None,
        });
    }

    /// Add a piece of text to the innermost f-string or format spec.
    fn push_part(&mut self, part: FPart) {
        match self.frames.last_mut() {
            Some(Frame::FStr { parts, .. }) => parts.push(part),
            Some(Frame::Field { spec: Some(spec), .. }) => spec.push(part),
            _ => {}
        }
    }

    /// A finished token goes to the enclosing field, or to the output.
    fn emit(&mut self, tok: Tok) {
        match self.frames.last_mut() {
            Some(Frame::Field { tokens, .. }) => tokens.push(tok),
            _ => self.out.push(tok),
        }
    }

    fn close_field(&mut self) {
        let at = self.pos.saturating_sub(1);
        if let Some(Frame::Field {
            open,
            tokens,
            eq,
            term,
            conversion,
            spec,
            ..
        }) = self.frames.pop()
        {
            let debug = eq.then(|| (open + 1, term.unwrap_or(at)));
            let field = Field {
                tokens,
                debug,
                conversion,
                spec,
            };
            self.push_part(FPart::Field(Box::new(field)));
        }
    }

    /// Code inside a replacement field: one token at a time.
    fn field_step(&mut self) {
        let base = self.pos;
        let pair = PythonGrammar::parse(Rule::field_token, &self.text[base..])
            .ok()
            .and_then(|mut p| p.next());
        let Some(pair) = pair else {
            self.pos = self.text.len();
            return;
        };
        let end = base + pair.as_span().end();
        let Some(p) = pair.into_inner().next() else {
            // Only spaces, then the end of the input.
            let (fs_start, quote) = self.current_fstring().map_or((base, Quote::Dq), |(s, q, _)| (s, q));
            let line = self.lines.line(end);
            let what = if quote.triple() {
                "triple-quoted f-string"
            } else {
                "f-string"
            };
            self.error(
                fs_start,
                1,
                format!("unterminated {what} literal (detected at line {line})"),
            );
            self.unwind(end);
            self.pos = end;
            return;
        };
        self.pos = end;
        let (start, tok_end) = (base + p.as_span().start(), base + p.as_span().end());
        let text = p.as_str();
        let rule = p.as_rule();
        let Some(Frame::Field {
            brackets,
            expr_end,
            eq,
            bang,
            term,
            conversion,
            spec,
            tokens,
            ..
        }) = self.frames.last_mut()
        else {
            return;
        };
        if rule == Rule::operator {
            if brackets.is_empty() {
                match text {
                    "}" => {
                        term.get_or_insert(start);
                        self.close_field();
                        return;
                    }
                    ":" | ":=" => {
                        expr_end.get_or_insert(start);
                        term.get_or_insert(start);
                        *spec = Some(Vec::new());
                        self.pos = start + 1;
                        return;
                    }
                    "!" => {
                        expr_end.get_or_insert(start);
                        term.get_or_insert(start);
                        *bang = true;
                        return;
                    }
                    "=" if expr_end.is_none() => {
                        *expr_end = Some(start);
                        *eq = true;
                        return;
                    }
                    ")" | "]" => {
                        tokens.push(Tok {
                            kind: TokKind::Broken,
                            start,
                            end: tok_end,
                        });
                        self.error(start, 1, format!("f-string: unmatched '{text}'"));
                        return;
                    }
                    _ => {}
                }
            }
            match text {
                "(" | "[" | "{" => brackets.push(text.chars().next().unwrap_or('(')),
                ")" | "]" | "}" => {
                    brackets.pop();
                }
                _ => {}
            }
            if expr_end.is_none() {
                tokens.push(Tok {
                    kind: TokKind::Op,
                    start,
                    end: tok_end,
                });
            }
            return;
        }
        if matches!(rule, Rule::name | Rule::plain_name) && *bang {
            *bang = false;
            match text {
                "r" | "s" | "a" => *conversion = text.chars().next(),
                _ => {
                    tokens.push(Tok {
                        kind: TokKind::Broken,
                        start,
                        end: tok_end,
                    });
                    self.error(start, tok_end - start, "f-string: invalid conversion character".into());
                }
            }
            return;
        }
        let after_expr = expr_end.is_some();
        if rule == Rule::unterminated_string {
            // CPython: a string in a field that runs into the end of the line
            // with the f-string's own quotes means the `}` is missing.
            let body = text.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            let quote = if body.starts_with("\"\"\"") {
                Quote::Tdq
            } else if body.starts_with("'''") {
                Quote::Tsq
            } else if body.starts_with('\'') {
                Quote::Sq
            } else {
                Quote::Dq
            };
            if self.current_fstring().map(|(_, q, _)| q) == Some(quote) {
                self.error(start, 1, "f-string: expecting '}'".into());
            } else {
                let line = self.lines.line(tok_end);
                let what = if quote.triple() {
                    "triple-quoted string"
                } else {
                    "string"
                };
                self.error(
                    start,
                    1,
                    format!("unterminated {what} literal (detected at line {line})"),
                );
            }
            self.unwind(tok_end);
            return;
        }
        if let Some(t) = self.token(p, base) {
            let keep = match t.kind {
                TokKind::Newline => false,
                TokKind::Broken => true,
                _ => !after_expr,
            };
            if keep {
                self.emit(t);
            }
        }
    }

    /// After an error inside an f-string: drop the whole f-string (a broken
    /// token from its start to `to`) and go back to ordinary code.
    fn unwind(&mut self, to: usize) {
        let start = self.frames.first().map(|f| match f {
            Frame::FStr { start, .. } => *start,
            Frame::Field { open, .. } => *open,
        });
        self.frames.clear();
        if let Some(start) = start {
            self.out.push(Tok {
                kind: TokKind::Broken,
                start,
                end: to.max(start),
            });
        }
        self.pos = self.pos.max(to.min(self.text.len()));
    }
}

// ==================================================================== logical lines

/// A logical line: a range of `code` (tokens without line breaks).
#[derive(Debug, Clone)]
struct Line {
    range: std::ops::Range<usize>,
    /// Indentation as CPython counts it: tabs to the next multiple of 8…
    col: u32,
    /// …and with tabs as 1 column, for the tab-consistency check.
    alt: u32,
    /// The line holds a token the reader could not read.
    broken: bool,
}

fn closer_of(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

/// Join physical lines into logical lines (inside brackets, a line break
/// does not end the statement), checking brackets as CPython's tokenizer
/// does.
fn build_lines(
    file: FileId,
    text: &str,
    lines: &LineIndex,
    out: Vec<Tok>,
    errors: &mut Vec<SyntaxError>,
) -> (Vec<Tok>, Vec<Line>) {
    let err = |errors: &mut Vec<SyntaxError>, at: usize, message: String| {
        errors.push(SyntaxError {
            message,
            span: Span::new(file, at, char_end(text, at)),
            line: None,
        });
    };
    let mut code: Vec<Tok> = Vec::with_capacity(out.len());
    let mut logical = Vec::new();
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut line_start = 0;
    let mut broken = false;
    let mut recovered = false;
    let finish = |code: &Vec<Tok>, logical: &mut Vec<Line>, from: usize, broken: bool| {
        if code.len() > from {
            let (col, alt) = indentation(text, code[from].start);
            logical.push(Line {
                range: from..code.len(),
                col,
                alt,
                broken,
            });
        }
    };
    let mut i = 0;
    while i < out.len() {
        let t = &out[i];
        i += 1;
        let mut push = true;
        match t.kind {
            TokKind::Newline => {
                push = false;
                if stack.is_empty() {
                    finish(&code, &mut logical, line_start, broken);
                    line_start = code.len();
                    broken = false;
                }
            }
            TokKind::Broken => broken = true,
            TokKind::Op => match &text[t.start..t.end] {
                o @ ("(" | "[" | "{") => {
                    if stack.len() >= MAX_PAREN_LEVEL {
                        if !broken {
                            err(errors, t.start, "too many nested parentheses".into());
                        }
                        broken = true;
                    } else {
                        stack.push((o.chars().next().unwrap_or('('), t.start));
                    }
                }
                c @ (")" | "]" | "}") => match stack.pop() {
                    None => {
                        err(errors, t.start, format!("unmatched '{c}'"));
                        broken = true;
                    }
                    Some((open, at)) if !c.starts_with(closer_of(open)) => {
                        let message = if lines.line(at) == lines.line(t.start) {
                            format!("closing parenthesis '{c}' does not match opening parenthesis '{open}'")
                        } else {
                            format!(
                                "closing parenthesis '{c}' does not match opening parenthesis '{open}' on line {}",
                                lines.line(at)
                            )
                        };
                        err(errors, t.start, message);
                        broken = true;
                    }
                    Some(_) => {}
                },
                _ => {}
            },
            _ => {}
        }
        if push {
            code.push(t.clone());
        }
        if i == out.len() && !stack.is_empty() && !recovered {
            // A bracket never closed. CPython names the innermost one; to read
            // on, end the statement at the end of the outermost bracket's line.
            let (open, at) = stack[stack.len() - 1];
            err(errors, at, format!("'{open}' was never closed"));
            recovered = true;
            let outer = stack[0].1;
            let cut = text[outer..].find(['\n', '\r']).map_or(text.len(), |n| outer + n);
            let keep = code[line_start..].iter().take_while(|t| t.start < cut).count();
            code.truncate(line_start + keep);
            finish(&code, &mut logical, line_start, true);
            line_start = code.len();
            broken = false;
            stack.clear();
            i = out.iter().position(|t| t.start >= cut).unwrap_or(out.len());
        }
    }
    if !stack.is_empty()
        && let Some((open, at)) = stack.last()
        && !recovered
    {
        err(errors, *at, format!("'{open}' was never closed"));
    }
    finish(&code, &mut logical, line_start, broken || !stack.is_empty());
    (code, logical)
}

/// The indentation of the physical line holding `at`.
fn indentation(text: &str, at: usize) -> (u32, u32) {
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let (mut col, mut alt) = (0u32, 0u32);
    for c in text[line_start..at].chars() {
        match c {
            ' ' => {
                col += 1;
                alt += 1;
            }
            '\t' => {
                col = (col / 8 + 1) * 8;
                alt += 1;
            }
            '\u{0C}' => {
                col = 0;
                alt = 0;
            }
            _ => {}
        }
    }
    (col, alt)
}

// ==================================================================== blocks and statements

/// What a block does to the assignments inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ctx {
    /// Runs when the module loads (top level, `with`, `finally`).
    Top,
    /// May not run (`if`, `try`, `for`, `while`, `match`…).
    Conditional,
    /// A function or class body: not module-level code.
    Skip,
}

struct Level {
    col: u32,
    alt: u32,
    ctx: Ctx,
    block: Block,
    /// The body of a branch of the `if` chain being followed.
    branch: bool,
}

/// A block header waiting for its indented body.
struct Pending {
    ctx: Ctx,
    block: Block,
    keyword: String,
    line: usize,
    /// After a line that could not be read: no "expected an indented block".
    quiet: bool,
    /// A branch of the `if` chain being followed.
    branch: bool,
}

/// What the condition of an `if`/`elif` says, read statically.
#[derive(Debug, Clone)]
enum Cond {
    Known(bool),
    /// Decided by environment variables; whether it holds when they are unset.
    Env(Vec<String>, bool),
    Undecided,
}

/// A top-level `if`/`elif`/`else` chain being read. Each branch starts from
/// the scope before the chain; at its end, a name takes the value of the
/// branch taken when no environment variable is set (an environment value
/// when a condition read one), or stays "set conditionally" when a
/// condition cannot be decided.
struct Chain {
    col: u32,
    line: usize,
    base: HashMap<String, Bound>,
    done: Vec<(Cond, HashMap<String, Bound>)>,
    cond: Cond,
    has_else: bool,
}

/// What a name stands for at top level, as far as lint502 follows it.
#[derive(Debug, Clone)]
enum Bound {
    Value(E),
    /// Last set inside a block that may not run (line of the assignment).
    Conditional(usize),
    /// A module or an imported name: its dotted path.
    Path(String),
    Function,
    Class,
}

/// Python's keywords (the soft keywords `match`, `case`, `type` and `_`
/// are names).
fn is_keyword(s: &str) -> bool {
    matches!(
        s,
        "False"
            | "None"
            | "True"
            | "and"
            | "as"
            | "assert"
            | "async"
            | "await"
            | "break"
            | "class"
            | "continue"
            | "def"
            | "del"
            | "elif"
            | "else"
            | "except"
            | "finally"
            | "for"
            | "from"
            | "global"
            | "if"
            | "import"
            | "in"
            | "is"
            | "lambda"
            | "nonlocal"
            | "not"
            | "or"
            | "pass"
            | "raise"
            | "return"
            | "try"
            | "while"
            | "with"
            | "yield"
    )
}

const AUGMENTED: &[&str] = &[
    "+=", "-=", "*=", "/=", "//=", "%=", "**=", ">>=", "<<=", "&=", "|=", "^=", "@=",
];

struct Walker<'a> {
    file: FileId,
    text: &'a str,
    lines: &'a LineIndex,
    code: &'a [Tok],
    scope: HashMap<String, Bound>,
    chain: Option<Chain>,
    /// The statement being read is directly in a branch of `chain`.
    in_branch: bool,
    /// Names bound since the chain began.
    touched: Vec<String>,
    assignments: Vec<Assignment>,
    bindings: Vec<Binding>,
    errors: Vec<SyntaxError>,
    /// Read as the main script ([`parse_script`]).
    script: bool,
    /// Script mode, inside a function body: the names it assigns.
    locals: Option<HashMap<String, Bound>>,
    /// The level (count of open blocks) of that function's body.
    func_depth: Option<usize>,
    /// The line being read is directly in that body (not in a nested block).
    in_func_body: bool,
    calls: Vec<Call>,
    imports: Vec<Import>,
    /// For each import, the `try` blocks (ids into `tries`) around it.
    import_tries: Vec<Vec<usize>>,
    tries: Vec<TryBlock>,
    /// `try` statements whose handlers may still follow: (column, id).
    open_tries: Vec<(u32, usize)>,
    /// The last `if` header at each column, as a block (for its
    /// `elif`/`else`).
    last_if: Vec<(u32, Block)>,
    /// [`Module::functions`] and [`Module::module_calls`], being read.
    functions: Vec<Function>,
    module_calls: Vec<CallSite>,
    /// Callees whose first name is looked up in the top-level scope once
    /// the whole module is read: where, and the length of that name.
    fixups: Vec<(Site, Fix)>,
    /// Decorators that are calls: (function, decorator, the call in
    /// `module_calls`).
    dec_links: Vec<(usize, usize, usize)>,
    /// The function whose body is being read.
    func: Option<FnState>,
    /// Decorators read, waiting for their `def`.
    decorators: Vec<PendingDecorator>,
    /// Classes around the line being read, outside functions: (the level
    /// of the class body, name).
    classes: Vec<(usize, String)>,
    /// A `class` header outside functions, until its body opens.
    next_class: Option<String>,
    /// [`Walker::header`] of the line being read.
    cur_header: Option<(Ctx, usize)>,
    /// Buffers of [`Walker::scan`], kept between calls.
    scan_frames: Vec<Bracket>,
    scan_closed: Vec<Closed>,
}

/// A `try` statement, for the imports in its body.
struct TryBlock {
    /// One of its handlers catches an import failure.
    guards: bool,
}

/// What kind of block a level is, for imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    Module,
    Def,
    Class,
    /// The body of `try` (its id).
    Try(usize),
    /// An `except` handler.
    Handler,
    /// `if TYPE_CHECKING:` (not its `else`).
    TypeChecking,
    /// A branch of a chain that tests `sys.version_info` / `sys.platform`.
    Version,
    /// Another block that may not run.
    Conditional,
    /// `with`, `else`/`finally` of a try, and the rest.
    Other,
}

/// Exception names whose handler catches a failed import.
const IMPORT_GUARDS: &[&str] = &["ImportError", "ModuleNotFoundError", "Exception", "BaseException"];

fn is_op(text: &str, t: &Tok, op: &str) -> bool {
    matches!(t.kind, TokKind::Op) && &text[t.start..t.end] == op
}

fn is_name(text: &str, t: &Tok, name: &str) -> bool {
    matches!(t.kind, TokKind::Name) && &text[t.start..t.end] == name
}

/// Bracket depth change of one token.
fn depth_step(text: &str, t: &Tok) -> i32 {
    if !matches!(t.kind, TokKind::Op) {
        return 0;
    }
    match &text[t.start..t.end] {
        "(" | "[" | "{" => 1,
        ")" | "]" | "}" => -1,
        _ => 0,
    }
}

/// Indices of the tokens at bracket depth 0 for which `pred` holds.
fn top_level(text: &str, toks: &[Tok], mut pred: impl FnMut(usize, &Tok) -> bool) -> Vec<usize> {
    let mut depth = 0i32;
    let mut found = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        if depth == 0 && pred(i, t) {
            found.push(i);
        }
        depth = (depth + depth_step(text, t)).max(0);
    }
    found
}

/// Split at top-level occurrences of `op`.
fn split_top<'t>(text: &str, toks: &'t [Tok], op: &str) -> Vec<&'t [Tok]> {
    let cuts = top_level(text, toks, |_, t| is_op(text, t, op));
    let mut parts = Vec::new();
    let mut from = 0;
    for c in cuts {
        parts.push(&toks[from..c]);
        from = c + 1;
    }
    parts.push(&toks[from..]);
    parts
}

impl<'a> Walker<'a> {
    fn t(&self, t: &Tok) -> &'a str {
        &self.text[t.start..t.end]
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn error(&mut self, at: usize, message: String) {
        self.errors.push(SyntaxError {
            message,
            span: Span::new(self.file, at, char_end(self.text, at)),
            line: None,
        });
    }

    fn walk(&mut self, lines: &[Line]) {
        let mut levels = vec![Level {
            col: 0,
            alt: 0,
            ctx: Ctx::Top,
            block: Block::Module,
            branch: false,
        }];
        let mut pending: Option<Pending> = None;
        for line in lines {
            let first = self.code[line.range.start].start;
            let top = levels.last().map_or((0, 0, Ctx::Top), |l| (l.col, l.alt, l.ctx));
            if line.col > top.0 {
                if line.alt <= top.1 {
                    self.error(first, "inconsistent use of tabs and spaces in indentation".into());
                }
                let class_body = pending.as_ref().is_some_and(|p| p.keyword == "class definition");
                let (ctx, branch, function, block) = match pending.take() {
                    Some(p) => (p.ctx, p.branch, p.keyword == "function definition", p.block),
                    None => {
                        self.error(first, "unexpected indent".into());
                        (Ctx::Skip, false, false, Block::Other)
                    }
                };
                levels.push(Level {
                    col: line.col,
                    alt: line.alt,
                    ctx,
                    block,
                    branch,
                });
                if function && self.script {
                    self.locals = Some(HashMap::new());
                    self.func_depth = Some(levels.len());
                }
                self.body_opened(function, class_body, levels.len());
            } else {
                if let Some(p) = pending.take()
                    && !p.quiet
                {
                    self.error(
                        first,
                        format!("expected an indented block after {} on line {}", p.keyword, p.line),
                    );
                }
                while levels.len() > 1 && levels.last().is_some_and(|l| line.col < l.col) {
                    levels.pop();
                }
                if self.func_depth.is_some_and(|d| levels.len() < d) {
                    self.locals = None;
                    self.func_depth = None;
                }
                self.next_class = None;
                match levels.last() {
                    Some(l) if l.col != line.col => {
                        self.error(first, "unindent does not match any outer indentation level".into())
                    }
                    Some(l) if l.alt != line.alt => {
                        self.error(first, "inconsistent use of tabs and spaces in indentation".into())
                    }
                    _ => {}
                }
            }
            if let Some(col) = self.chain.as_ref().map(|c| c.col) {
                let word = self.code.get(line.range.start).map(|t| self.t(t));
                let continues = line.col > col || (line.col == col && matches!(word, Some("elif" | "else")));
                if !continues {
                    self.close_chain();
                }
            }
            let ctx = levels.last().map_or(Ctx::Top, |l| l.ctx);
            self.in_branch = levels.last().is_some_and(|l| l.branch);
            self.in_func_body = self.func_depth == Some(levels.len());
            self.close_scopes(levels.len());
            let header_block = self.scan_imports(line, &levels);
            self.facts(line, levels.len());
            pending = self.line(line, ctx);
            if let Some(p) = pending.as_mut() {
                p.block = header_block.unwrap_or(Block::Other);
            }
        }
        self.close_chain();
        if let Some(p) = pending
            && !p.quiet
        {
            self.error(
                self.text.len(),
                format!("expected an indented block after {} on line {}", p.keyword, p.line),
            );
        }
    }

    /// Record the imports of one logical line, with their context, and
    /// return the block a header line opens (for its indented body).
    fn scan_imports(&mut self, line: &Line, levels: &[Level]) -> Option<Block> {
        let toks = &self.code[line.range.clone()];
        self.cur_header = None;
        let first = toks.first()?;
        // `try` statements end at a line of their column that is not one of
        // their clauses, or at a line to their left.
        let word = self.t(first);
        self.open_tries
            .retain(|(col, _)| *col < line.col || (*col == line.col && matches!(word, "except" | "else" | "finally")));
        self.last_if
            .retain(|(col, _)| *col < line.col || (*col == line.col && matches!(word, "elif" | "else")));
        if line.broken {
            return None;
        }
        self.cur_header = self.header(toks);
        let header = self.cur_header.map(|(_, colon)| colon);
        let block = header.map(|colon| self.header_block(toks, colon, line.col));
        // Statements on this line: the whole line, or a header's inline body.
        let (stmts, inline): (&[Tok], bool) = match header {
            Some(colon) => (&toks[colon + 1..], true),
            None => (toks, false),
        };
        let outer: Vec<Block> = levels.iter().map(|l| l.block).collect();
        let mut stack = outer.clone();
        if inline && let Some(b) = block {
            stack.push(b);
        }
        if !stmts.is_empty() {
            for stmt in split_top(self.text, stmts, ";") {
                self.import_statement(stmt, &stack);
            }
        }
        // `importlib.import_module("x")` / `__import__("x")` anywhere: in a
        // header's own text they belong to the enclosing block.
        match header {
            Some(colon) => {
                self.dynamic_imports(&toks[..colon], &outer);
                self.dynamic_imports(&toks[colon + 1..], &stack);
            }
            None => self.dynamic_imports(toks, &stack),
        }
        block
    }

    /// What a header opens, as a [`Block`]; `try` and `except` also update
    /// the guards.
    fn header_block(&mut self, toks: &[Tok], colon: usize, col: u32) -> Block {
        let at = usize::from(self.t(&toks[0]) == "async");
        let keyword = toks.get(at).map_or("", |t| self.t(t));
        match keyword {
            "def" => Block::Def,
            "class" => Block::Class,
            "try" => {
                let id = self.tries.len();
                self.tries.push(TryBlock { guards: false });
                self.open_tries.push((col, id));
                Block::Try(id)
            }
            "except" => {
                let names: Vec<&str> = toks[1..colon]
                    .iter()
                    .take_while(|t| !is_name(self.text, t, "as"))
                    .filter(|t| matches!(t.kind, TokKind::Name))
                    .map(|t| {
                        let n = self.t(t);
                        n.rsplit('.').next().unwrap_or(n)
                    })
                    .collect();
                let bare = toks[1..colon].iter().all(|t| is_op(self.text, t, "*"));
                let guards = bare || names.iter().any(|n| IMPORT_GUARDS.contains(n));
                if let Some(&(_, id)) = self.open_tries.iter().rev().find(|(c, _)| *c == col)
                    && let Some(t) = self.tries.get_mut(id)
                {
                    t.guards |= guards;
                }
                Block::Handler
            }
            "if" => {
                let cond = &toks[1..colon];
                let b = if self.is_type_checking(cond) {
                    Block::TypeChecking
                } else if self.is_version_check(cond) {
                    Block::Version
                } else {
                    Block::Conditional
                };
                self.last_if.retain(|(c, _)| *c != col);
                self.last_if.push((col, b));
                b
            }
            "elif" | "else" => match self.last_if.iter().rev().find(|(c, _)| *c == col) {
                Some((_, Block::Version)) => Block::Version,
                Some(_) => Block::Conditional,
                // `else` of a `try`, `for` or `while`.
                None if keyword == "else" => Block::Other,
                None => Block::Conditional,
            },
            "for" | "while" | "match" | "case" => Block::Conditional,
            _ => Block::Other,
        }
    }

    /// `TYPE_CHECKING`, `typing.TYPE_CHECKING`, an alias of either.
    fn is_type_checking(&self, cond: &[Tok]) -> bool {
        let Some(last) = cond.last().filter(|t| matches!(t.kind, TokKind::Name)) else {
            return false;
        };
        // Only a plain (dotted) name: `not TYPE_CHECKING` runs.
        let dotted = cond.iter().enumerate().all(|(i, t)| {
            if i % 2 == 0 {
                matches!(t.kind, TokKind::Name) && !is_keyword(self.t(t))
            } else {
                is_op(self.text, t, ".")
            }
        });
        if !dotted {
            return false;
        }
        let name = self.t(last);
        if name == "TYPE_CHECKING" {
            return true;
        }
        cond.len() == 1 && matches!(self.scope.get(name), Some(Bound::Path(p)) if p.ends_with("TYPE_CHECKING"))
    }

    /// A condition that reads `sys.version_info` or `sys.platform`.
    fn is_version_check(&self, cond: &[Tok]) -> bool {
        cond.iter().any(|t| {
            matches!(t.kind, TokKind::Name) && matches!(self.t(t), "version_info" | "platform" | "PY2" | "PY3")
        })
    }

    fn context_of(stack: &[Block]) -> (ImportContext, Vec<usize>) {
        let mut c = ImportContext::default();
        let mut tries = Vec::new();
        for b in stack {
            match b {
                Block::Def => c.function = true,
                Block::Class => c.class = true,
                Block::Try(id) => tries.push(*id),
                Block::Handler => c.in_handler = true,
                Block::TypeChecking => c.type_checking = true,
                Block::Version => c.version_check = true,
                Block::Conditional => c.conditional = true,
                Block::Module | Block::Other => {}
            }
        }
        (c, tries)
    }

    fn push_import(&mut self, imp: Import, stack: &[Block]) {
        let (context, tries) = Self::context_of(stack);
        self.imports.push(Import { context, ..imp });
        self.import_tries.push(tries);
    }

    /// `import a.b as c, d` / `from ..a import (b, c)`.
    fn import_statement(&mut self, toks: &[Tok], stack: &[Block]) {
        let Some(first) = toks.first().filter(|t| matches!(t.kind, TokKind::Name)) else {
            return;
        };
        let end = toks.last().map_or(first.end, |t| t.end);
        let statement = self.span(first.start, end);
        match self.t(first) {
            "import" => {
                for part in split_top(self.text, &toks[1..], ",") {
                    let path = match part {
                        [p @ .., as_, _] if is_name(self.text, as_, "as") => p,
                        p => p,
                    };
                    let (Some(a), Some(b)) = (path.first(), path.last()) else {
                        continue;
                    };
                    let module: String = path.iter().map(|t| self.t(t)).collect();
                    if module.is_empty() || !path.iter().all(|t| matches!(t.kind, TokKind::Name | TokKind::Op)) {
                        continue;
                    }
                    let imp = Import {
                        module,
                        level: 0,
                        names: Vec::new(),
                        kind: ImportKind::Import,
                        span: self.span(a.start, b.end),
                        statement,
                        context: ImportContext::default(),
                    };
                    self.push_import(imp, stack);
                }
            }
            "from" => {
                let Some(imp_at) = toks.iter().position(|t| is_name(self.text, t, "import")) else {
                    return;
                };
                let path = &toks[1..imp_at];
                let (Some(a), Some(b)) = (path.first(), path.last()) else {
                    return;
                };
                let text: String = path.iter().map(|t| self.t(t)).collect();
                let level = u32::try_from(text.chars().take_while(|c| *c == '.').count()).unwrap_or(u32::MAX);
                let module = text.trim_start_matches('.').to_owned();
                let mut rest = &toks[imp_at + 1..];
                if let [open, inner @ .., close] = rest
                    && is_op(self.text, open, "(")
                    && is_op(self.text, close, ")")
                {
                    rest = inner;
                }
                let names = split_top(self.text, rest, ",")
                    .into_iter()
                    .filter_map(|p| p.first())
                    .filter(|t| matches!(t.kind, TokKind::Name))
                    .map(|t| self.t(t).to_owned())
                    .collect();
                let imp = Import {
                    module,
                    level,
                    names,
                    kind: ImportKind::From,
                    span: self.span(a.start, b.end),
                    statement,
                    context: ImportContext::default(),
                };
                self.push_import(imp, stack);
            }
            _ => {}
        }
    }

    /// `importlib.import_module("lit"[, package])`, `import_module("lit")`
    /// (imported from importlib), `__import__("lit")`, anywhere in a line.
    fn dynamic_imports(&mut self, toks: &[Tok], stack: &[Block]) {
        for i in 0..toks.len() {
            let t = &toks[i];
            if !matches!(t.kind, TokKind::Name) {
                continue;
            }
            let kind = match self.t(t) {
                "__import__" => ImportKind::DunderImport,
                "import_module" => {
                    let qualified =
                        i >= 2 && is_op(self.text, &toks[i - 1], ".") && self.t(&toks[i - 2]) == "importlib";
                    let imported = matches!(self.scope.get("import_module"), Some(Bound::Path(p)) if p == "importlib.import_module");
                    if !(qualified || (imported && (i == 0 || !is_op(self.text, &toks[i - 1], ".")))) {
                        continue;
                    }
                    ImportKind::ImportModule
                }
                _ => continue,
            };
            let (Some(open), Some(arg)) = (toks.get(i + 1), toks.get(i + 2)) else {
                continue;
            };
            if !is_op(self.text, open, "(") {
                continue;
            }
            let TokKind::Str { body, bytes: false, .. } = &arg.kind else {
                continue;
            };
            // A plain literal: the argument is this one string.
            if !toks
                .get(i + 3)
                .is_some_and(|n| is_op(self.text, n, ")") || is_op(self.text, n, ","))
            {
                continue;
            }
            let raw = &self.text[body.0..body.1];
            if raw.contains('\\') || raw.is_empty() {
                continue;
            }
            let level = u32::try_from(raw.chars().take_while(|c| *c == '.').count()).unwrap_or(u32::MAX);
            let imp = Import {
                module: raw.trim_start_matches('.').to_owned(),
                level,
                names: Vec::new(),
                kind,
                span: self.span(arg.start, arg.end),
                statement: self.span(t.start, arg.end),
                context: ImportContext::default(),
            };
            self.push_import(imp, stack);
        }
    }

    /// Which block a header opens, and where its `:` is.
    fn header(&self, toks: &[Tok]) -> Option<(Ctx, usize)> {
        let first = toks.first().filter(|t| matches!(t.kind, TokKind::Name))?;
        let second = toks.get(1).map(|t| self.t(t));
        let kind = match self.t(first) {
            "def" | "class" => Ctx::Skip,
            "async" => match second {
                Some("def") => Ctx::Skip,
                Some("for") => Ctx::Conditional,
                Some("with") => Ctx::Top,
                _ => return None,
            },
            "if" | "elif" | "else" | "while" | "for" | "try" | "except" => Ctx::Conditional,
            "with" | "finally" => Ctx::Top,
            "match" | "case" => {
                // Soft keywords: `match x:` opens a block, `match = 1` does not.
                toks.last().filter(|t| is_op(self.text, t, ":"))?;
                match second {
                    Some(":" | "=" | "." | "," | ")" | "]" | "}" | ";") => return None,
                    Some(s) if AUGMENTED.contains(&s) => return None,
                    None => return None,
                    _ => {}
                }
                if !top_level(self.text, toks, |_, t| is_op(self.text, t, "=")).is_empty() {
                    return None;
                }
                Ctx::Conditional
            }
            _ => return None,
        };
        let mut lambdas = 0;
        let colons = top_level(self.text, toks, |_, t| {
            if is_name(self.text, t, "lambda") {
                lambdas += 1;
                return false;
            }
            if is_op(self.text, t, ":") {
                if lambdas > 0 {
                    lambdas -= 1;
                    return false;
                }
                return true;
            }
            false
        });
        colons.first().map(|c| (kind, *c))
    }

    /// Read one logical line; a block header returns what its body is.
    fn line(&mut self, line: &Line, ctx: Ctx) -> Option<Pending> {
        let toks = &self.code[line.range.clone()];
        let first = toks.first()?;
        if line.broken {
            // Whatever this was, an indented block after it is not read.
            return Some(Pending {
                ctx: Ctx::Skip,
                block: Block::Other,
                keyword: String::new(),
                line: 0,
                quiet: true,
                branch: false,
            });
        }
        if let Some((kind, colon)) = self.cur_header {
            let inner = ctx.max(kind);
            let branch = ctx == Ctx::Top && self.chain_header(toks, colon, line.col);
            if ctx != Ctx::Skip {
                self.header_names(toks, colon, ctx != Ctx::Top);
            }
            let body = &toks[colon + 1..];
            if body.is_empty() {
                let keyword = match self.t(first) {
                    "async" => format!("async {}", toks.get(1).map_or("", |t| self.t(t))),
                    k => k.to_owned(),
                };
                let keyword = match keyword.as_str() {
                    "def" | "async def" => "function definition".to_owned(),
                    "class" => "class definition".to_owned(),
                    _ => format!("'{keyword}' statement"),
                };
                return Some(Pending {
                    ctx: inner,
                    block: Block::Other,
                    keyword,
                    line: self.lines.line(first.start),
                    quiet: false,
                    branch,
                });
            }
            if inner != Ctx::Skip {
                self.in_branch = branch;
                self.simple_statements(body, inner == Ctx::Conditional);
            }
            return None;
        }
        if ctx != Ctx::Skip {
            self.simple_statements(toks, ctx == Ctx::Conditional);
        } else if self.locals.is_some() {
            for stmt in split_top(self.text, toks, ";") {
                if !stmt.is_empty() {
                    self.local_statement(stmt);
                }
            }
        }
        None
    }

    /// Script mode, a statement in a function body: its simple assignments
    /// go to the function's names; a call is recorded.
    fn local_statement(&mut self, toks: &[Tok]) {
        let eqs = top_level(self.text, toks, |_, t| is_op(self.text, t, "="));
        let Some(&last_eq) = eqs.last() else {
            if !toks
                .first()
                .is_some_and(|t| matches!(t.kind, TokKind::Name) && is_keyword(self.t(t)))
            {
                self.call_statement(toks);
            }
            return;
        };
        let value = self.eval(&toks[last_eq + 1..]);
        let line = self.lines.line(toks[0].start);
        let mut from = 0;
        for &eq in &eqs {
            let target = &toks[from..eq];
            from = eq + 1;
            let target = match top_level(self.text, target, |_, t| is_op(self.text, t, ":")).first() {
                Some(&colon) => &target[..colon],
                None => target,
            };
            let bound = |w: &Walker| {
                if w.in_func_body {
                    Bound::Value(value.clone())
                } else {
                    Bound::Conditional(line)
                }
            };
            match target {
                [t] if matches!(t.kind, TokKind::Name) => {
                    let b = bound(self);
                    let n = self.t(t).to_owned();
                    if let Some(l) = self.locals.as_mut() {
                        l.insert(n, b);
                    }
                }
                _ => {
                    // `a, b = …`, `x.y = …`: names unpacked are not followed.
                    let names: Vec<String> = target
                        .iter()
                        .filter(|t| matches!(t.kind, TokKind::Name))
                        .map(|t| self.t(t).to_owned())
                        .collect();
                    if let Some(l) = self.locals.as_mut()
                        && !target.iter().any(|t| is_op(self.text, t, "."))
                    {
                        for n in names {
                            l.insert(n, Bound::Conditional(line));
                        }
                    }
                }
            }
        }
    }

    /// Script mode: record `callee(args)` when a statement is one call.
    fn call_statement(&mut self, toks: &[Tok]) {
        if !self.script {
            return;
        }
        let Some(last) = toks.last().filter(|t| is_op(self.text, t, ")")) else {
            return;
        };
        // The `(` that matches the final `)`.
        let mut depth = 0i32;
        let mut open = None;
        for (i, t) in toks.iter().enumerate().rev() {
            depth -= depth_step(self.text, t);
            if depth == 0 {
                open = Some(i);
                break;
            }
        }
        let Some(open) = open.filter(|&o| o > 0 && is_op(self.text, &toks[o], "(")) else {
            return;
        };
        let callee_toks = &toks[..open];
        if callee_toks
            .iter()
            .any(|t| !matches!(t.kind, TokKind::Name | TokKind::Op) || is_keyword(self.t(t)))
        {
            return;
        }
        let callee = self.eval(callee_toks);
        let path = match &callee.ev {
            Ev::Path(p) => Some(p.clone()),
            Ev::Instance { path, .. } => Some(path.clone()),
            _ => None,
        };
        let mut ev = Eval::new(self, &toks[open + 1..]);
        let Ok(Some(args)) = ev.args() else { return };
        let args = args
            .into_iter()
            .filter(|a| a.star == 0)
            .map(|a| {
                let mut env = Vec::new();
                let value = lower(a.e.to_value(), &mut env);
                CallArg {
                    keyword: a.keyword,
                    value,
                    env,
                }
            })
            .collect();
        let text = self.text[toks[0].start..toks[open - 1].end].to_owned();
        self.calls.push(Call {
            callee: path,
            text,
            args,
            span: self.span(toks[0].start, last.end),
            in_function: self.locals.is_some(),
        });
    }

    /// Follow a top-level `if`/`elif`/`else`: true when this header starts or
    /// continues the chain.
    fn chain_header(&mut self, toks: &[Tok], colon: usize, col: u32) -> bool {
        let keyword = self.t(&toks[0]);
        let same = self.chain.as_ref().is_some_and(|c| c.col == col);
        if keyword == "if" {
            self.close_chain();
            let cond = self.condition(&toks[1..colon]);
            self.touched.clear();
            self.chain = Some(Chain {
                col,
                line: self.lines.line(toks[0].start),
                base: self.scope.clone(),
                done: Vec::new(),
                cond,
                has_else: false,
            });
            return true;
        }
        if !same || !matches!(keyword, "elif" | "else") {
            return false;
        }
        let Some(chain) = self.chain.as_mut() else {
            return false;
        };
        // The next branch starts from the scope before the chain, where its
        // condition is also read.
        let scope = std::mem::replace(&mut self.scope, chain.base.clone());
        let cond = if keyword == "else" {
            Cond::Known(true)
        } else {
            self.condition(&toks[1..colon])
        };
        let Some(chain) = self.chain.as_mut() else {
            return false;
        };
        let previous = std::mem::replace(&mut chain.cond, cond);
        chain.done.push((previous, scope));
        chain.has_else |= keyword == "else";
        true
    }

    fn condition(&self, toks: &[Tok]) -> Cond {
        match self.eval(toks).value() {
            Value::Env { name, default } => {
                let unset = default.map_or(Value::Null, |d| {
                    plain_of(&d.value, &mut Vec::new(), &mut false, &mut Vec::new())
                });
                match truthy(&unset) {
                    Some(t) => Cond::Env(
                        name.trim_start_matches(DERIVED).split(',').map(str::to_owned).collect(),
                        t,
                    ),
                    None => Cond::Undecided,
                }
            }
            v => truthy(&v).map_or(Cond::Undecided, Cond::Known),
        }
    }

    /// End the chain: each name bound in it takes the value of the branch
    /// taken when the environment sets nothing.
    fn close_chain(&mut self) {
        let Some(mut chain) = self.chain.take() else { return };
        let last = std::mem::replace(&mut self.scope, chain.base.clone());
        chain.done.push((chain.cond.clone(), last));
        if !chain.has_else {
            chain.done.push((Cond::Known(true), chain.base.clone()));
        }
        let mut env_names: Vec<String> = Vec::new();
        let mut taken = None;
        for (i, (cond, _)) in chain.done.iter().enumerate() {
            match cond {
                Cond::Known(true) => taken = Some(i),
                Cond::Known(false) => continue,
                Cond::Env(names, holds) => {
                    env_names.extend(
                        names
                            .iter()
                            .filter(|n| !env_names.contains(n))
                            .cloned()
                            .collect::<Vec<_>>(),
                    );
                    if !holds {
                        continue;
                    }
                    taken = Some(i);
                }
                Cond::Undecided => {}
            }
            break;
        }
        let mut names = std::mem::take(&mut self.touched);
        names.sort();
        names.dedup();
        for name in names {
            // An import in an undecided branch is still trusted (as in a
            // `try`): `if …: import json else: import simplejson as json`.
            let imported = || {
                chain.done.iter().find_map(|(_, scope)| match scope.get(&name) {
                    Some(b @ Bound::Path(_)) => Some(b.clone()),
                    _ => None,
                })
            };
            let bound = match taken.and_then(|i| chain.done[i].1.get(&name)) {
                None if taken.is_none() => imported().unwrap_or(Bound::Conditional(chain.line)),
                None => Bound::Conditional(chain.line),
                Some(b) if env_names.is_empty() => b.clone(),
                Some(Bound::Value(e)) => match e.value() {
                    Value::Unknown(_) => Bound::Conditional(chain.line),
                    v => {
                        let mut all = env_names.clone();
                        let d = plain_of(&v, &mut all, &mut false, &mut Vec::new());
                        let default = (d != Value::Null).then(|| Box::new(Spanned::new(d, e.span)));
                        Bound::Value(E::val(
                            Value::Env {
                                name: format!("{DERIVED}{}", all.join(",")),
                                default,
                            },
                            e.span,
                        ))
                    }
                },
                Some(other) => other.clone(),
            };
            self.scope.insert(name, bound);
        }
    }

    /// Bind a name at top level (or in a branch being followed).
    fn bind(&mut self, name: String, bound: Bound) {
        if self.chain.is_some() {
            self.touched.push(name.clone());
        }
        self.scope.insert(name, bound);
    }

    /// Names a block header binds: `def f`, `class C`, `for x in`, `with … as x`,
    /// `except E as x`.
    fn header_names(&mut self, toks: &[Tok], colon: usize, conditional: bool) {
        let head = &toks[..colon];
        let keyword_at = usize::from(self.t(&head[0]) == "async");
        let line = self.lines.line(head[0].start);
        match head.get(keyword_at).map(|t| self.t(t)) {
            Some(k @ ("def" | "class")) => {
                let Some(name) = head.get(keyword_at + 1).filter(|t| matches!(t.kind, TokKind::Name)) else {
                    return;
                };
                let (kind, bound) = if k == "def" {
                    (BindingKind::Function, Bound::Function)
                } else {
                    (BindingKind::Class, Bound::Class)
                };
                let n = self.t(name).to_owned();
                self.bindings.push(Binding {
                    name: Spanned::new(n.clone(), self.span(name.start, name.end)),
                    kind,
                    span: self.span(head[0].start, toks[colon].end),
                    conditional,
                });
                self.bind(n, bound);
            }
            Some("for") => {
                let names: Vec<String> = head[keyword_at + 1..]
                    .iter()
                    .take_while(|t| !is_name(self.text, t, "in"))
                    .filter(|t| matches!(t.kind, TokKind::Name))
                    .map(|t| self.t(t).to_owned())
                    .collect();
                for n in names {
                    self.bind(n, Bound::Conditional(line));
                }
            }
            Some("with" | "except") => {
                let names: Vec<String> = head
                    .windows(2)
                    .filter(|w| is_name(self.text, &w[0], "as") && matches!(w[1].kind, TokKind::Name))
                    .map(|w| self.t(&w[1]).to_owned())
                    .collect();
                for n in names {
                    self.bind(n, Bound::Conditional(line));
                }
            }
            _ => {}
        }
    }

    fn simple_statements(&mut self, toks: &[Tok], conditional: bool) {
        for stmt in split_top(self.text, toks, ";") {
            if !stmt.is_empty() {
                self.statement(stmt, conditional);
            }
        }
    }

    fn statement(&mut self, toks: &[Tok], conditional: bool) {
        let first = self.t(&toks[0]);
        if matches!(toks[0].kind, TokKind::Name) {
            match first {
                "import" => return self.import(toks, conditional),
                "from" => return self.import_from(toks, conditional),
                "del" => {
                    for part in split_top(self.text, &toks[1..], ",") {
                        if let [t] = part {
                            let name = self.t(t).to_owned();
                            if self.chain.is_some() {
                                self.touched.push(name.clone());
                            }
                            self.scope.remove(&name);
                        }
                    }
                    return;
                }
                "type" if toks.len() > 2 && matches!(toks[1].kind, TokKind::Name) => return,
                _ => {}
            }
        }
        // `=` at top level, up to a `lambda` (whose defaults are not targets).
        let mut seen_lambda = false;
        let eqs = top_level(self.text, toks, |_, t| {
            seen_lambda |= is_name(self.text, t, "lambda");
            !seen_lambda && is_op(self.text, t, "=")
        });
        let Some(&last_eq) = eqs.last() else {
            if toks.len() >= 3
                && matches!(toks[0].kind, TokKind::Name)
                && !is_keyword(first)
                && AUGMENTED.contains(&self.t(&toks[1]))
                && matches!(toks[1].kind, TokKind::Op)
            {
                self.augmented(toks, conditional);
            } else {
                self.call_statement(toks);
            }
            return;
        };
        let value_toks = &toks[last_eq + 1..];
        let Some(last) = value_toks.last() else { return };
        let value = self.eval(value_toks);
        let span = self.span(toks[0].start, last.end);
        let mut from = 0;
        for &eq in &eqs {
            let target = &toks[from..eq];
            from = eq + 1;
            // `name: annotation = value` (also `(name): annotation = value`)
            let target = match top_level(self.text, target, |_, t| is_op(self.text, t, ":")).first() {
                Some(&colon) => &target[..colon],
                None => target,
            };
            self.assign_target(target, &value, span, conditional);
        }
    }

    /// Bind one target (`name`, or `a, b` / `(a, b)` / `[a, b]`) to a value.
    fn assign_target(&mut self, target: &[Tok], value: &E, span: Span, conditional: bool) {
        let name_of =
            |t: &Tok| (matches!(t.kind, TokKind::Name) && !is_keyword(self.t(t))).then(|| self.t(t).to_owned());
        let target = match target {
            [open, t, close] if is_op(self.text, open, "(") && is_op(self.text, close, ")") => std::slice::from_ref(t),
            _ => target,
        };
        if let [t] = target {
            if let Some(n) = name_of(t) {
                self.record(n, t, value.clone(), span, conditional);
            }
            return;
        }
        let inner = match (target.first(), target.last()) {
            (Some(a), Some(b))
                if (is_op(self.text, a, "(") && is_op(self.text, b, ")"))
                    || (is_op(self.text, a, "[") && is_op(self.text, b, "]")) =>
            {
                &target[1..target.len() - 1]
            }
            _ => target,
        };
        let mut parts = split_top(self.text, inner, ",");
        if parts.last().is_some_and(|p| p.is_empty()) {
            parts.pop();
        }
        let mut names = Vec::new();
        for p in &parts {
            match p {
                [t] => match name_of(t) {
                    Some(n) => names.push((n, t)),
                    None => return,
                },
                _ => return,
            }
        }
        let items = match &value.ev {
            Ev::Val(Value::List(items)) if items.len() == names.len() => Some(items.clone()),
            _ => None,
        };
        for (i, (n, t)) in names.into_iter().enumerate() {
            let v = match &items {
                Some(items) => E::from_spanned(items[i].clone()),
                None => E::unknown("unpacked from a value lint502 cannot split".into(), value.span),
            };
            self.record(n, t, v, span, conditional);
        }
    }

    fn record(&mut self, name: String, t: &Tok, value: E, span: Span, conditional: bool) {
        let mut env = Vec::new();
        let public = lower(value.to_value(), &mut env);
        self.assignments.push(Assignment {
            target: Spanned::new(name.clone(), self.span(t.start, t.end)),
            value: public,
            span,
            conditional,
            env,
        });
        let bound = if conditional && !self.in_branch {
            Bound::Conditional(self.lines.line(t.start))
        } else {
            Bound::Value(value)
        };
        self.bind(name, bound);
    }

    fn augmented(&mut self, toks: &[Tok], conditional: bool) {
        let name = self.t(&toks[0]).to_owned();
        let op = self.t(&toks[1]).trim_end_matches('=');
        let rhs = self.eval(&toks[2..]);
        let last = toks.last().map_or(toks[0].end, |t| t.end);
        let span = self.span(toks[2].start, last);
        let lhs = Eval::new(self, &toks[..1]).lookup(&name, self.span(toks[0].start, toks[0].end));
        let value = match (&lhs.ev, &rhs.ev) {
            (Ev::Val(a), Ev::Val(b)) if is_known(a) && is_known(b) => E::val(binop(op, a, b, rhs.tuple), span),
            _ => E::unknown(format!("`{name} {op}=` on a value lint502 does not know"), span),
        };
        let stmt = self.span(toks[0].start, last);
        self.record(name, &toks[0], value, stmt, conditional);
    }

    fn import(&mut self, toks: &[Tok], conditional: bool) {
        for part in split_top(self.text, &toks[1..], ",") {
            let (path_toks, alias) = match part {
                [p @ .., as_, a] if is_name(self.text, as_, "as") => (p, Some(a)),
                p => (p, None),
            };
            let path: String = path_toks.iter().map(|t| self.t(t)).collect();
            let Some(first) = path_toks.first() else { continue };
            let (name_tok, name, bound) = match alias {
                Some(a) => (a, self.t(a).to_owned(), path.clone()),
                None => {
                    let root = path.split('.').next().unwrap_or_default().to_owned();
                    (first, root.clone(), root)
                }
            };
            self.bind_import(name, name_tok, bound, toks, conditional);
        }
    }

    fn import_from(&mut self, toks: &[Tok], conditional: bool) {
        let Some(imp) = toks.iter().position(|t| is_name(self.text, t, "import")) else {
            return;
        };
        let module: String = toks[1..imp].iter().map(|t| self.t(t)).collect();
        let mut names = &toks[imp + 1..];
        if let [open, inner @ .., close] = names
            && is_op(self.text, open, "(")
            && is_op(self.text, close, ")")
        {
            names = inner;
        }
        for part in split_top(self.text, names, ",") {
            let (n, alias) = match part {
                [n, as_, a] if is_name(self.text, as_, "as") => (n, a),
                [n] => (n, n),
                _ => continue,
            };
            if !matches!(n.kind, TokKind::Name) {
                continue; // `*`
            }
            let path = if module.ends_with('.') {
                format!("{module}{}", self.t(n))
            } else {
                format!("{module}.{}", self.t(n))
            };
            self.bind_import(self.t(alias).to_owned(), alias, path, toks, conditional);
        }
    }

    fn bind_import(&mut self, name: String, t: &Tok, path: String, stmt: &[Tok], conditional: bool) {
        let end = stmt.last().map_or(t.end, |l| l.end);
        self.bindings.push(Binding {
            name: Spanned::new(name.clone(), self.span(t.start, t.end)),
            kind: BindingKind::Import(path.clone()),
            span: self.span(stmt[0].start, end),
            conditional,
        });
        self.bind(name, Bound::Path(path));
    }

    /// The value of an expression (a whole statement's right-hand side).
    fn eval(&self, toks: &[Tok]) -> E {
        let span = match (toks.first(), toks.last()) {
            (Some(a), Some(b)) => self.span(a.start, b.end),
            _ => self.span(0, 0),
        };
        if toks.len() > MAX_EVAL_TOKENS {
            return E::unknown(
                format!("an expression of more than {MAX_EVAL_TOKENS} tokens, which lint502 does not evaluate"),
                span,
            );
        }
        let mut ev = Eval::new(self, toks);
        match ev.star_exprs() {
            Ok(mut e) if ev.pos == toks.len() => {
                e.span = span;
                e
            }
            Ok(_) | Err(Stop::Syntax) => E::unknown("an expression lint502 cannot read".into(), span),
            Err(Stop::Deep) => E::unknown("an expression nested too deeply for lint502".into(), span),
        }
    }
}

// ==================================================================== functions and calls

/// Where a [`CallSite`] or [`Decorator`] is kept while the module is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Site {
    Module(usize),
    Func(usize, usize),
    Dec(usize, usize),
}

/// Which list a call goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sink {
    Module,
    Func(usize),
}

/// What a name local to a function stands for, for callees.
#[derive(Debug, Clone)]
enum LocalBind {
    /// A parameter or a value lint502 does not follow.
    Shadow,
    /// A dotted path, final (`import requests` in the function).
    Path(String),
    /// A dotted path whose first name is a top-level name, checked when
    /// the module is read (`c = httpx.Client()`).
    Global(String, Fix),
}

/// A callee whose first name is a top-level name: that name's place in the
/// text, and how long the prefix that stands for it in the callee is (the
/// name itself, or what it was bound to when the call was read). Once the
/// module is read, the prefix is checked against the final binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fix {
    head: (u32, u32),
    prefix: u32,
}

/// The function whose body is being read.
struct FnState {
    index: usize,
    /// The level (count of open blocks) of its body.
    depth: usize,
    /// The level from which lines are inside a nested `def`.
    nested_from: Option<usize>,
    /// Its parameters and local names (their text, by byte range), in
    /// binding order: a few, so a list searched from the end is faster than
    /// a map.
    locals: Vec<((usize, usize), LocalBind)>,
}

struct PendingDecorator {
    dec: Decorator,
    /// The call in `module_calls` (`@x(…)`).
    link: Option<usize>,
    /// `@x.y`: the top-level name to look up.
    fix: Option<Fix>,
}

/// A call whose `(` has been read.
#[derive(Clone)]
struct CallInfo {
    /// Its record in the sink (whose callee is the dotted path before
    /// top-level lookup until the module is read).
    index: usize,
    fix: Option<Fix>,
    /// Its first token.
    first: usize,
}

/// An open bracket while calls are read.
struct Bracket {
    open: usize,
    call: Option<CallInfo>,
    /// The call runs its argument on a thread.
    offload: bool,
    arg_start: usize,
    args: Vec<SiteArg>,
}

/// A closed bracket: where it opened, and the call it ended.
struct Closed {
    close: usize,
    open: usize,
    call: Option<CallInfo>,
}

/// Names of calls that run their argument on a thread (see
/// [`CallSite::offloaded`]).
const OFFLOADERS: &[&str] = &[
    "run_in_threadpool",
    "to_thread",
    "run_in_executor",
    "run_sync",
    "sync_to_async",
];

/// Append `.a.b` from tokens `.`, `a`, `.`, `b` (whatever spaces the text
/// has between them).
fn push_dotted(out: &mut String, text: &str, toks: &[Tok]) {
    for t in toks {
        out.push_str(&text[t.start..t.end]);
    }
}

impl FnState {
    /// What a local name stands for (the latest binding).
    fn local(&self, text: &str, name: &str) -> Option<&LocalBind> {
        self.locals
            .iter()
            .rev()
            .find(|((a, b), _)| text.get(*a..*b) == Some(name))
            .map(|(_, b)| b)
    }
}

/// What a top-level name stands for in a callee, once the module is read:
/// Ok(prefix) (`requests` for `import requests`, `fastapi.FastAPI()` for
/// `app = FastAPI()`, the name itself when nothing binds it: a builtin);
/// Err when it cannot be named (a function or class of the module, a value).
fn global_prefix<'s>(scope: &'s HashMap<String, Bound>, head: &'s str) -> Result<&'s str, ()> {
    match scope.get(head) {
        None => Ok(head),
        Some(Bound::Path(p)) => Ok(p),
        Some(Bound::Value(e)) => match &e.ev {
            Ev::Instance { path, .. } | Ev::Path(path) => Ok(path),
            _ => Err(()),
        },
        Some(Bound::Function | Bound::Class | Bound::Conditional(_)) => Err(()),
    }
}

impl<'a> Walker<'a> {
    /// A block body opened at `depth`: a nested `def` inside the function
    /// being read, or the body of a class outside functions.
    fn body_opened(&mut self, function: bool, class: bool, depth: usize) {
        match self.func.as_mut() {
            Some(f) => {
                if function && depth > f.depth && f.nested_from.is_none() {
                    f.nested_from = Some(depth);
                }
            }
            None => {
                if class && let Some(name) = self.next_class.take() {
                    self.classes.push((depth, name));
                }
            }
        }
        self.next_class = None;
    }

    /// Blocks closed: down to `depth` open blocks.
    fn close_scopes(&mut self, depth: usize) {
        if self.func.as_ref().is_some_and(|f| depth < f.depth) {
            self.func = None;
        }
        if let Some(f) = self.func.as_mut()
            && f.nested_from.is_some_and(|d| depth < d)
        {
            f.nested_from = None;
        }
        self.classes.retain(|(d, _)| *d <= depth);
    }

    /// Functions, decorators and calls of one logical line.
    fn facts(&mut self, line: &Line, depth: usize) {
        if line.broken {
            self.decorators.clear();
            return;
        }
        let code: &'a [Tok] = self.code;
        let toks = &code[line.range.clone()];
        let Some(first) = toks.first() else { return };
        if let Some(f) = &self.func
            && depth >= f.depth
        {
            let (index, nested) = (f.index, f.nested_from.is_some_and(|d| depth >= d));
            if let (Some(func), Some(last)) = (self.functions.get_mut(index), toks.last()) {
                func.span = Span::new(self.file, func.span.start as usize, last.end);
            }
            self.body_line(toks, index, nested);
            return;
        }
        if is_op(self.text, first, "@") {
            self.decorator_line(toks);
            return;
        }
        let decorators = std::mem::take(&mut self.decorators);
        let Some((_, colon)) = self.cur_header else {
            self.scan(toks, Sink::Module, false);
            return;
        };
        let at = usize::from(self.t(first) == "async");
        match toks.get(at).map(|t| self.t(t)) {
            Some("def") => {
                self.scan(&toks[..colon], Sink::Module, false);
                self.open_function(toks, colon, decorators, depth);
            }
            Some("class") => {
                self.scan(&toks[..colon], Sink::Module, false);
                self.next_class = toks
                    .get(1)
                    .filter(|t| matches!(t.kind, TokKind::Name))
                    .map(|t| self.t(t).to_owned());
                self.scan(&toks[colon + 1..], Sink::Module, false);
            }
            _ => {
                self.scan(toks, Sink::Module, false);
            }
        }
    }

    /// `@expr` outside functions: its calls are module calls; the decorator
    /// waits for its `def`.
    fn decorator_line(&mut self, toks: &'a [Tok]) {
        let expr = &toks[1..];
        let (Some(a), Some(b)) = (expr.first(), expr.last()) else {
            return;
        };
        let outer = self.scan(expr, Sink::Module, false);
        let receiver = (expr.len() > 2 && matches!(a.kind, TokKind::Name) && is_op(self.text, &expr[1], "."))
            .then(|| self.t(a).to_owned());
        let span = self.span(a.start, b.end);
        let pending = match outer {
            Some((ci, 0)) => {
                let text = self
                    .module_calls
                    .get(ci)
                    .map(|c| c.text(self.text).to_owned())
                    .unwrap_or_default();
                PendingDecorator {
                    dec: Decorator {
                        callee: None,
                        text,
                        receiver,
                        call: true,
                        args: Vec::new(),
                        span,
                    },
                    link: Some(ci),
                    fix: None,
                }
            }
            _ => {
                // `@name` / `@a.b`: a dotted name.
                let dotted = expr.iter().enumerate().all(|(i, t)| {
                    if i % 2 == 0 {
                        matches!(t.kind, TokKind::Name) && !is_keyword(self.t(t))
                    } else {
                        is_op(self.text, t, ".")
                    }
                }) && expr.len() % 2 == 1;
                let text = self.text[a.start..b.end].to_owned();
                let fix = dotted.then(|| Fix {
                    head: (u32::try_from(a.start).unwrap_or(0), u32::try_from(a.end).unwrap_or(0)),
                    prefix: u32::try_from(a.end - a.start).unwrap_or(0),
                });
                PendingDecorator {
                    dec: Decorator {
                        callee: dotted.then(|| text.clone()),
                        text,
                        receiver,
                        call: false,
                        args: Vec::new(),
                        span,
                    },
                    link: None,
                    fix,
                }
            }
        };
        self.decorators.push(pending);
    }

    /// A `def` header outside functions: a new [`Function`].
    fn open_function(&mut self, toks: &'a [Tok], colon: usize, decorators: Vec<PendingDecorator>, depth: usize) {
        let at = usize::from(self.t(&toks[0]) == "async");
        let Some(name) = toks.get(at + 1).filter(|t| matches!(t.kind, TokKind::Name)) else {
            return;
        };
        let mut params = Vec::new();
        let mut param_spans = Vec::new();
        if let Some(open) = toks.get(at + 2).filter(|t| is_op(self.text, t, "(")) {
            let mut d = 0i32;
            let mut prev = open;
            for t in &toks[at + 2..colon] {
                d += depth_step(self.text, t);
                if d == 1
                    && matches!(t.kind, TokKind::Name)
                    && matches!(self.t(prev), "(" | "," | "*" | "**")
                    && matches!(prev.kind, TokKind::Op)
                {
                    params.push(self.t(t).to_owned());
                    param_spans.push((t.start, t.end));
                }
                prev = t;
                if d == 0 {
                    break;
                }
            }
        }
        let index = self.functions.len();
        let class = (!self.classes.is_empty()).then(|| {
            self.classes
                .iter()
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join(".")
        });
        let header = self.span(toks[0].start, toks[colon].end);
        let end = toks.last().map_or(toks[colon].end, |t| t.end);
        let mut decs = Vec::with_capacity(decorators.len());
        for (d, p) in decorators.into_iter().enumerate() {
            if let Some(ci) = p.link {
                self.dec_links.push((index, d, ci));
            }
            if let Some(h) = p.fix {
                self.fixups.push((Site::Dec(index, d), h));
            }
            decs.push(p.dec);
        }
        let locals = param_spans.into_iter().map(|p| (p, LocalBind::Shadow)).collect();
        self.functions.push(Function {
            name: Spanned::new(self.t(name).to_owned(), self.span(name.start, name.end)),
            is_async: at == 1,
            class,
            decorators: decs,
            params,
            header,
            span: self.span(toks[0].start, end),
            calls: Vec::new(),
        });
        self.func = Some(FnState {
            index,
            depth: depth + 1,
            nested_from: None,
            locals,
        });
        if colon + 1 < toks.len() {
            self.body_statements(&toks[colon + 1..], index, false);
        }
    }

    /// One logical line of a function body.
    fn body_line(&mut self, toks: &'a [Tok], index: usize, nested: bool) {
        let sink = Sink::Func(index);
        let Some((_, colon)) = self.cur_header else {
            self.body_statements(toks, index, nested);
            return;
        };
        let at = usize::from(self.t(&toks[0]) == "async");
        let head = &toks[..colon];
        let mut inline_nested = nested;
        match head.get(at).map(|t| self.t(t)) {
            Some(k @ ("def" | "class")) => {
                self.scan(head, sink, nested);
                if let Some(n) = head.get(at + 1) {
                    self.bind_local(n, LocalBind::Shadow, nested);
                }
                inline_nested |= k == "def";
            }
            Some("with") => {
                for item in split_top(self.text, &head[at + 1..], ",") {
                    self.with_item(item, index, nested);
                }
            }
            Some("for") => {
                let names: Vec<&'a Tok> = head[at + 1..]
                    .iter()
                    .take_while(|t| !is_name(self.text, t, "in"))
                    .filter(|t| matches!(t.kind, TokKind::Name))
                    .collect();
                for n in names {
                    self.bind_local(n, LocalBind::Shadow, nested);
                }
                self.scan(head, sink, nested);
            }
            Some("except") => {
                if let [.., as_, n] = head
                    && is_name(self.text, as_, "as")
                {
                    self.bind_local(n, LocalBind::Shadow, nested);
                }
                self.scan(head, sink, nested);
            }
            _ => {
                self.scan(head, sink, nested);
            }
        }
        if colon + 1 < toks.len() {
            self.body_statements(&toks[colon + 1..], index, inline_nested);
        }
    }

    /// `expr as name` of a `with` header.
    fn with_item(&mut self, item: &'a [Tok], index: usize, nested: bool) {
        let sink = Sink::Func(index);
        let cut = top_level(self.text, item, |_, t| is_name(self.text, t, "as"));
        let Some(&cut) = cut.first() else {
            self.scan(item, sink, nested);
            return;
        };
        let (expr, target) = (&item[..cut], &item[cut + 1..]);
        let outer = self.scan(expr, sink, nested);
        if let [n] = target {
            let bind = self.bind_of(sink, outer, expr);
            self.bind_local(n, bind, nested);
        } else {
            self.scan(target, sink, nested);
        }
    }

    /// Simple statements of a function body.
    fn body_statements(&mut self, toks: &'a [Tok], index: usize, nested: bool) {
        let bytes = self.text.as_bytes();
        let semicolon = toks
            .iter()
            .any(|t| matches!(t.kind, TokKind::Op) && t.end - t.start == 1 && bytes[t.start] == b';');
        if semicolon {
            for stmt in split_top(self.text, toks, ";") {
                self.body_statement(stmt, index, nested);
            }
        } else {
            self.body_statement(toks, index, nested);
        }
    }

    /// One simple statement of a function body.
    fn body_statement(&mut self, stmt: &'a [Tok], index: usize, nested: bool) {
        let sink = Sink::Func(index);
        let Some(first) = stmt.first() else { return };
        if matches!(first.kind, TokKind::Name) && matches!(self.t(first), "import" | "from") {
            if !nested {
                self.local_import(stmt);
            }
            return;
        }
        let mut seen_lambda = false;
        let eqs = top_level(self.text, stmt, |_, t| {
            seen_lambda |= is_name(self.text, t, "lambda");
            !seen_lambda && is_op(self.text, t, "=")
        });
        let Some(&last_eq) = eqs.last() else {
            self.scan(stmt, sink, nested);
            return;
        };
        let value = &stmt[last_eq + 1..];
        let outer = self.scan(value, sink, nested);
        let bind = self.bind_of(sink, outer, value);
        let mut from = 0;
        for &eq in &eqs {
            let target = &stmt[from..eq];
            from = eq + 1;
            let target = match top_level(self.text, target, |_, t| is_op(self.text, t, ":")).first() {
                Some(&colon) => &target[..colon],
                None => target,
            };
            match target {
                [n] => self.bind_local(n, bind.clone(), nested),
                _ => {
                    self.scan(target, sink, nested);
                    // `a, b = …`: names unpacked are not followed.
                    if !target
                        .iter()
                        .any(|t| is_op(self.text, t, ".") || is_op(self.text, t, "["))
                    {
                        for n in target.iter().filter(|t| matches!(t.kind, TokKind::Name)) {
                            self.bind_local(n, LocalBind::Shadow, nested);
                        }
                    }
                }
            }
        }
    }

    /// What a name assigned `value` stands for: a call's result when the
    /// value is one call (`httpx.Client()`, `await make()`).
    fn bind_of(&self, sink: Sink, outer: Option<(usize, usize)>, value: &[Tok]) -> LocalBind {
        let awaited = usize::from(value.first().is_some_and(|t| is_name(self.text, t, "await")));
        let Some((ci, _)) = outer.filter(|(_, first)| *first == awaited) else {
            return LocalBind::Shadow;
        };
        let Sink::Func(f) = sink else {
            return LocalBind::Shadow;
        };
        let Some(raw) = self
            .functions
            .get(f)
            .and_then(|x| x.calls.get(ci))
            .and_then(|c| c.callee.clone())
        else {
            return LocalBind::Shadow;
        };
        let fix = self
            .fixups
            .iter()
            .rev()
            .find(|(s, _)| *s == Site::Func(f, ci))
            .map(|(_, h)| *h);
        match fix {
            Some(fix) => LocalBind::Global(format!("{raw}()"), fix),
            None => LocalBind::Path(format!("{raw}()")),
        }
    }

    fn bind_local(&mut self, name: &Tok, bind: LocalBind, nested: bool) {
        if nested || !matches!(name.kind, TokKind::Name) || is_keyword(self.t(name)) {
            return;
        }
        let text = self.text;
        let n = &text[name.start..name.end];
        if let Some(f) = self.func.as_mut() {
            match f.locals.iter_mut().rev().find(|((a, b), _)| &text[*a..*b] == n) {
                Some(slot) => slot.1 = bind,
                None => f.locals.push(((name.start, name.end), bind)),
            }
        }
    }

    /// `import a.b as c` / `from a import b` inside a function.
    fn local_import(&mut self, toks: &'a [Tok]) {
        let text = self.text;
        let joined = |ts: &[Tok]| -> String { ts.iter().map(|t| &text[t.start..t.end]).collect() };
        let mut binds: Vec<(&'a Tok, String)> = Vec::new();
        if self.t(&toks[0]) == "import" {
            for part in split_top(text, &toks[1..], ",") {
                match part {
                    [p @ .., as_, a] if is_name(text, as_, "as") => binds.push((a, joined(p))),
                    [n, ..] => {
                        let root = self.t(n).to_owned();
                        binds.push((n, root));
                    }
                    [] => {}
                }
            }
        } else {
            let Some(imp) = toks.iter().position(|t| is_name(text, t, "import")) else {
                return;
            };
            let module = joined(&toks[1..imp]);
            let mut names = &toks[imp + 1..];
            if let [open, inner @ .., close] = names
                && is_op(text, open, "(")
                && is_op(text, close, ")")
            {
                names = inner;
            }
            for part in split_top(text, names, ",") {
                let (n, alias) = match part {
                    [n, as_, a] if is_name(text, as_, "as") => (n, a),
                    [n] => (n, n),
                    _ => continue,
                };
                let sep = if module.ends_with('.') { "" } else { "." };
                binds.push((alias, format!("{module}{sep}{}", self.t(n))));
            }
        }
        for (t, path) in binds {
            self.bind_local(t, LocalBind::Path(path), false);
        }
    }

    fn site(&self, sink: Sink, index: usize) -> Option<&CallSite> {
        match sink {
            Sink::Module => self.module_calls.get(index),
            Sink::Func(f) => self.functions.get(f)?.calls.get(index),
        }
    }

    fn sites(&mut self, sink: Sink) -> &mut Vec<CallSite> {
        match sink {
            Sink::Module => &mut self.module_calls,
            Sink::Func(f) => match self.functions.get_mut(f) {
                Some(x) => &mut x.calls,
                // Never: a sink names a function already read.
                None => &mut self.module_calls,
            },
        }
    }

    /// Record the calls in `toks` (brackets balanced); return the call that
    /// ends at the last token, if any: (its index in the sink, its first
    /// token).
    fn scan(&mut self, toks: &'a [Tok], sink: Sink, nested: bool) -> Option<(usize, usize)> {
        let text = self.text;
        let mut frames = std::mem::take(&mut self.scan_frames);
        let mut closed = std::mem::take(&mut self.scan_closed);
        frames.clear();
        closed.clear();
        // Open lambdas: (bracket depth, `:` read).
        let mut lambdas: Vec<(usize, bool)> = Vec::new();
        let bytes = text.as_bytes();
        for (j, t) in toks.iter().enumerate() {
            match t.kind {
                TokKind::Name => match &text[t.start..t.end] {
                    "lambda" => lambdas.push((frames.len(), false)),
                    "for" if lambdas.last().is_some_and(|l| l.0 == frames.len()) => {
                        lambdas.pop();
                    }
                    _ => {}
                },
                // Every operator lint502 looks at here is one byte long.
                TokKind::Op if t.end - t.start == 1 => match bytes[t.start] {
                    b'(' => {
                        let offloaded = frames.iter().any(|f| f.offload);
                        let call = self.call_at(toks, j, &closed, sink, nested || !lambdas.is_empty(), offloaded);
                        let offload = call.is_some() && {
                            let callee = &toks[j - 1];
                            OFFLOADERS.contains(&&text[callee.start..callee.end])
                        };
                        frames.push(Bracket {
                            open: j,
                            call,
                            offload,
                            arg_start: j + 1,
                            args: Vec::new(),
                        });
                    }
                    b'[' | b'{' => frames.push(Bracket {
                        open: j,
                        call: None,
                        offload: false,
                        arg_start: j + 1,
                        args: Vec::new(),
                    }),
                    b')' | b']' | b'}' => {
                        if let Some(f) = frames.pop() {
                            closed.push(self.close_frame(toks, f, j, t.end, sink));
                        }
                        while lambdas.last().is_some_and(|l| l.0 > frames.len()) {
                            lambdas.pop();
                        }
                    }
                    b',' => {
                        if lambdas.last().is_some_and(|l| l.0 == frames.len() && l.1) {
                            lambdas.pop();
                        }
                        if let Some(f) = frames.last_mut()
                            && f.call.is_some()
                        {
                            if let Some(a) = self.site_arg(&toks[f.arg_start..j]) {
                                f.args.push(a);
                            }
                            f.arg_start = j + 1;
                        }
                    }
                    b':' => {
                        if let Some(l) = lambdas.last_mut()
                            && l.0 == frames.len()
                        {
                            l.1 = true;
                        }
                    }
                    _ => {}
                },
                _ => {}
            }
        }
        // Brackets left open (a line lint502 reads in part).
        let end = toks.last().map_or(0, |t| t.end);
        while let Some(f) = frames.pop() {
            closed.push(self.close_frame(toks, f, toks.len(), end, sink));
        }
        let outer = toks.len().checked_sub(1).and_then(|last| {
            closed
                .iter()
                .rev()
                .find(|c| c.close == last)
                .and_then(|c| c.call.as_ref())
                .map(|c| (c.index, c.first))
        });
        closed.clear();
        self.scan_frames = frames;
        self.scan_closed = closed;
        outer
    }

    /// A bracket closes at token `j` (ending at byte `end`): a call gets its
    /// last argument and its full span.
    fn close_frame(&mut self, toks: &'a [Tok], mut f: Bracket, j: usize, end: usize, sink: Sink) -> Closed {
        if let Some(c) = &f.call {
            if let Some(a) = self.site_arg(&toks[f.arg_start.min(j)..j]) {
                f.args.push(a);
            }
            let file = self.file;
            if let Some(site) = self.sites(sink).get_mut(c.index) {
                site.span = Span::new(file, site.span.start as usize, end);
                site.args = std::mem::take(&mut f.args);
            }
        }
        Closed {
            close: j,
            open: f.open,
            call: f.call,
        }
    }

    /// One argument's tokens.
    fn site_arg(&self, a: &[Tok]) -> Option<SiteArg> {
        let (keyword_span, rest) = match a {
            [k, eq, rest @ ..] if matches!(k.kind, TokKind::Name) && is_op(self.text, eq, "=") => {
                (Some(self.span(k.start, k.end)), rest)
            }
            _ => (None, a),
        };
        let (star, rest) = match rest {
            [s, rest @ ..] if is_op(self.text, s, "*") => (1, rest),
            [s, rest @ ..] if is_op(self.text, s, "**") => (2, rest),
            _ => (0, rest),
        };
        let (first, last) = (rest.first()?, rest.last()?);
        let dotted = rest.len() % 2 == 1
            && rest.iter().enumerate().all(|(i, t)| {
                if i % 2 == 0 {
                    matches!(t.kind, TokKind::Name) && !is_keyword(self.t(t))
                } else {
                    is_op(self.text, t, ".")
                }
            });
        Some(SiteArg {
            keyword_span,
            star,
            span: self.span(first.start, last.end),
            dotted,
        })
    }

    /// The `(` at `j`: a call when a name comes right before it (not the
    /// name of a `def` or `class`). Records it and returns what it calls.
    fn call_at(
        &mut self,
        toks: &'a [Tok],
        j: usize,
        closed: &[Closed],
        sink: Sink,
        nested: bool,
        offloaded: bool,
    ) -> Option<CallInfo> {
        let k = j.checked_sub(1)?;
        let last = &toks[k];
        if !matches!(last.kind, TokKind::Name) || is_keyword(self.t(last)) {
            return None;
        }
        if k >= 1 && matches!(self.t(&toks[k - 1]), "def" | "class") && matches!(toks[k - 1].kind, TokKind::Name) {
            return None;
        }
        let (first, raw, fix) = self.chain(toks, k, closed, sink);
        let awaited = first >= 1 && is_name(self.text, &toks[first - 1], "await");
        let site = CallSite {
            callee: raw,
            callee_span: self.span(toks[first].start, last.end),
            args: Vec::new(),
            span: self.span(toks[first].start, last.end),
            awaited,
            nested,
            offloaded,
        };
        let list = self.sites(sink);
        let index = list.len();
        list.push(site);
        if let Some(h) = fix {
            let at = match sink {
                Sink::Module => Site::Module(index),
                Sink::Func(f) => Site::Func(f, index),
            };
            self.fixups.push((at, h));
        }
        Some(CallInfo { index, fix, first })
    }

    /// The callee ending with the name at `k`: its first token, its dotted
    /// path before top-level lookup (None when it cannot be named), and the
    /// length of the top-level name to look up.
    fn chain(&self, toks: &[Tok], k: usize, closed: &[Closed], sink: Sink) -> (usize, Option<String>, Option<Fix>) {
        let text = self.text;
        // Back over `name.` pairs.
        let mut cur = k;
        while cur >= 2 && is_op(text, &toks[cur - 1], ".") {
            let p = &toks[cur - 2];
            match p.kind {
                TokKind::Name if !is_keyword(&text[p.start..p.end]) => cur -= 2,
                TokKind::Op if matches!(&text[p.start..p.end], ")" | "]") => {
                    let Some(c) = closed.iter().rev().find(|c| c.close == cur - 2) else {
                        return (cur, None, None);
                    };
                    return match (&c.call, &text[p.start..p.end]) {
                        (Some(ci), ")") => {
                            // A method of a call's result: `requests.Session().get`.
                            let raw = self.site(sink, ci.index).and_then(|s| s.callee.as_deref()).map(|r| {
                                let mut out = String::with_capacity(r.len() + 2 + (toks[k].end - toks[cur].start));
                                out.push_str(r);
                                out.push_str("()");
                                push_dotted(&mut out, text, &toks[cur - 1..=k]);
                                out
                            });
                            let fix = if raw.is_some() { ci.fix } else { None };
                            (ci.first, raw, fix)
                        }
                        _ => {
                            let first = match c.open.checked_sub(1).map(|i| &toks[i]) {
                                Some(n) if matches!(n.kind, TokKind::Name) && !is_keyword(&text[n.start..n.end]) => {
                                    c.open - 1
                                }
                                _ => c.open,
                            };
                            (first, None, None)
                        }
                    };
                }
                TokKind::Str { .. } | TokKind::FStr(_) | TokKind::Number => return (cur - 2, None, None),
                _ => return (cur, None, None),
            }
        }
        let head_tok = &toks[cur];
        let head = &text[head_tok.start..head_tok.end];
        let local = match sink {
            Sink::Func(_) => self.func.as_ref().and_then(|f| f.local(text, head)),
            Sink::Module => None,
        };
        let with_tail = |prefix: &str| {
            let mut out = String::with_capacity(prefix.len() + (toks[k].end - head_tok.end));
            out.push_str(prefix);
            push_dotted(&mut out, text, &toks[cur + 1..=k]);
            out
        };
        match local {
            Some(LocalBind::Shadow) => (cur, None, None),
            Some(LocalBind::Path(p)) => (cur, Some(with_tail(p)), None),
            Some(LocalBind::Global(r, fix)) => (cur, Some(with_tail(r)), Some(*fix)),
            None => {
                // What the name stands for so far (imports usually come
                // first): checked again when the module is read.
                let prefix = global_prefix(&self.scope, head).unwrap_or(head);
                let fix = Fix {
                    head: (
                        u32::try_from(head_tok.start).unwrap_or(0),
                        u32::try_from(head_tok.end).unwrap_or(0),
                    ),
                    prefix: u32::try_from(prefix.len()).unwrap_or(0),
                };
                (cur, Some(with_tail(prefix)), Some(fix))
            }
        }
    }

    /// The module is read: look callees up in its top-level scope, and give
    /// decorators their calls.
    fn finish_sites(&mut self) {
        for (site, h) in std::mem::take(&mut self.fixups) {
            let slot = match site {
                Site::Module(i) => self.module_calls.get_mut(i).map(|c| &mut c.callee),
                Site::Func(f, i) => self
                    .functions
                    .get_mut(f)
                    .and_then(|x| x.calls.get_mut(i))
                    .map(|c| &mut c.callee),
                Site::Dec(f, d) => self
                    .functions
                    .get_mut(f)
                    .and_then(|x| x.decorators.get_mut(d))
                    .map(|c| &mut c.callee),
            };
            let Some(slot) = slot else { continue };
            let Some(raw) = slot.take() else { continue };
            let head = self.text.get(h.head.0 as usize..h.head.1 as usize).unwrap_or("");
            let (Ok(prefix), Some(rest)) = (global_prefix(&self.scope, head), raw.get(h.prefix as usize..)) else {
                continue;
            };
            *slot = if raw.get(..h.prefix as usize) == Some(prefix) {
                Some(raw)
            } else {
                let mut out = String::with_capacity(prefix.len() + rest.len());
                out.push_str(prefix);
                out.push_str(rest);
                Some(out)
            };
        }
        for (f, d, ci) in std::mem::take(&mut self.dec_links) {
            let Some(call) = self.module_calls.get(ci) else {
                continue;
            };
            let (callee, args) = (call.callee.clone(), call.args.clone());
            if let Some(dec) = self.functions.get_mut(f).and_then(|x| x.decorators.get_mut(d)) {
                dec.callee = callee;
                dec.args = args;
            }
        }
    }
}

// ==================================================================== expressions

/// An intermediate result: a value, or something that is not a value but
/// leads to one (`os`, `os.environ`, `os.getenv`, `"x".join`).
#[derive(Debug, Clone)]
enum Ev {
    Val(Value),
    /// A module, an imported name or an attribute of one, by dotted path.
    Path(String),
    Func(Func),
    /// `os.environ`.
    Environ,
    /// A django-environ `environ.Env()` object.
    DjangoEnv,
    /// The result of calling something lint502 does not fold (`Flask(__name__)`,
    /// `create_app()`), followed through attributes and calls: `path` names
    /// it (`flask.Flask()`, `flask.Flask().run`); as a value it is unknown,
    /// for `reason`.
    Instance {
        path: String,
        reason: String,
    },
}

#[derive(Debug, Clone)]
enum Func {
    Builtin(&'static str),
    /// `os.getenv`, `os.environ.get`, `os.environ.setdefault`.
    GetEnv,
    /// `os.cpu_count`, `multiprocessing.cpu_count` (the name shown).
    CpuCount(&'static str),
    /// `os.path.join`.
    PathJoin,
    /// `environ.Env` (django-environ).
    DjangoEnvNew,
    /// `env.int`, `env.str`… of a django-environ `Env`.
    DjangoEnvGet,
    /// A method of a string (or of an environment value that holds one).
    Method(Box<E>, String),
}

/// An intermediate result with the span of its text. `tuple` remembers a
/// tuple display (for `"%s:%s" % (host, port)`).
#[derive(Debug, Clone)]
struct E {
    ev: Ev,
    span: Span,
    tuple: bool,
}

impl E {
    fn val(v: Value, span: Span) -> E {
        E {
            ev: Ev::Val(v),
            span,
            tuple: false,
        }
    }
    fn unknown(reason: String, span: Span) -> E {
        E::val(Value::Unknown(reason), span)
    }
    fn from_spanned(s: Spanned<Value>) -> E {
        E::val(s.value, s.span)
    }
    fn value(&self) -> Value {
        match &self.ev {
            Ev::Val(v) => v.clone(),
            Ev::Path(p) => Value::Unknown(format!("`{p}` is not a value lint502 reads")),
            Ev::Func(_) => Value::Unknown("a function".into()),
            Ev::Environ => Value::Unknown("`os.environ` as a whole".into()),
            Ev::DjangoEnv => Value::Unknown("a django-environ `Env` object".into()),
            Ev::Instance { reason, .. } => Value::Unknown(reason.clone()),
        }
    }
    fn to_value(&self) -> Spanned<Value> {
        Spanned::new(self.value(), self.span)
    }
}

enum Stop {
    /// Not an expression lint502 can read (or not Python).
    Syntax,
    /// Nested deeper than `MAX_EXPR_DEPTH`.
    Deep,
}

type R = Result<E, Stop>;

/// One argument of a call.
struct Arg {
    keyword: Option<String>,
    /// `*x` (1) or `**x` (2).
    star: u8,
    e: E,
}

/// Reads and folds one expression from a slice of tokens.
struct Eval<'w, 'a> {
    w: &'w Walker<'a>,
    toks: &'w [Tok],
    pos: usize,
    depth: usize,
}

const BUILTINS: &[&str] = &[
    "int", "str", "float", "bool", "len", "max", "min", "abs", "round", "list", "tuple",
];

const P_OR: u8 = 1;
const P_AND: u8 = 2;
const P_NOT: u8 = 3;
const P_CMP: u8 = 4;

impl<'w, 'a> Eval<'w, 'a> {
    fn new(w: &'w Walker<'a>, toks: &'w [Tok]) -> Eval<'w, 'a> {
        Eval {
            w,
            toks,
            pos: 0,
            depth: 0,
        }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.w.file, start, end)
    }

    /// From the token at `from` to the last token read.
    fn span_from(&self, from: usize) -> Span {
        let start = self.toks.get(from).map_or(0, |t| t.start);
        let end = self
            .pos
            .checked_sub(1)
            .and_then(|i| self.toks.get(i))
            .map_or(start, |t| t.end);
        self.span(start, end.max(start))
    }

    fn peek(&self) -> Option<&'w Tok> {
        self.toks.get(self.pos)
    }

    fn text(&self, t: &Tok) -> &'a str {
        &self.w.text[t.start..t.end]
    }

    fn peek_op(&self) -> Option<&'a str> {
        self.peek()
            .filter(|t| matches!(t.kind, TokKind::Op))
            .map(|t| self.text(t))
    }

    fn peek_name(&self) -> Option<&'a str> {
        self.peek()
            .filter(|t| matches!(t.kind, TokKind::Name))
            .map(|t| self.text(t))
    }

    fn at_op(&self, op: &str) -> bool {
        self.peek_op() == Some(op)
    }

    fn at_name(&self, name: &str) -> bool {
        self.peek_name() == Some(name)
    }

    fn expect_op(&mut self, op: &str) -> Result<(), Stop> {
        if self.at_op(op) {
            self.pos += 1;
            Ok(())
        } else {
            Err(Stop::Syntax)
        }
    }

    fn enter(&mut self) -> Result<(), Stop> {
        self.depth += 1;
        if self.depth > MAX_EXPR_DEPTH {
            Err(Stop::Deep)
        } else {
            Ok(())
        }
    }

    /// Skip to just after the bracket that closes the one already opened.
    fn skip_group(&mut self) -> Result<(), Stop> {
        let mut depth = 1i32;
        while let Some(t) = self.peek() {
            self.pos += 1;
            depth += depth_step(self.w.text, t);
            if depth == 0 {
                return Ok(());
            }
        }
        Err(Stop::Syntax)
    }

    /// `a, b, *c` (a tuple when there is a comma).
    fn star_exprs(&mut self) -> R {
        let from = self.pos;
        if self.at_name("yield") {
            self.pos = self.toks.len();
            return Ok(E::unknown("a `yield` expression".into(), self.span_from(from)));
        }
        let first = self.star_expr()?;
        if !self.at_op(",") {
            if first.1 {
                return Err(Stop::Syntax);
            }
            return Ok(first.0);
        }
        let mut items = vec![first];
        while self.at_op(",") {
            self.pos += 1;
            if self.peek().is_none() || self.at_op(")") || self.at_op("]") || self.at_op("}") || self.at_op("=") {
                break;
            }
            items.push(self.star_expr()?);
        }
        Ok(self.sequence(items, from, true))
    }

    /// An element of a display: `expr` or `*expr` (the flag).
    fn star_expr(&mut self) -> Result<(E, bool), Stop> {
        if self.at_op("*") {
            self.pos += 1;
            let e = self.bin(P_OR + 1)?;
            return Ok((e, true));
        }
        Ok((self.expr()?, false))
    }

    /// A list or tuple from its elements (starred elements are spliced).
    fn sequence(&self, items: Vec<(E, bool)>, from: usize, tuple: bool) -> E {
        let span = self.span_from(from);
        let mut out = Vec::new();
        for (e, star) in items {
            if star {
                match e.value() {
                    Value::List(xs) => out.extend(xs),
                    Value::Unknown(r) => return E::unknown(r, span),
                    _ => return E::unknown("a starred value lint502 cannot expand".into(), span),
                }
            } else {
                out.push(e.to_value());
            }
        }
        E {
            ev: Ev::Val(Value::List(out)),
            span,
            tuple,
        }
    }

    fn expr(&mut self) -> R {
        self.enter()?;
        let r = self.expr_inner();
        self.depth -= 1;
        r
    }

    fn expr_inner(&mut self) -> R {
        let from = self.pos;
        if self.at_name("lambda") {
            self.pos += 1;
            let mut depth = 0i32;
            while let Some(t) = self.peek() {
                if depth == 0 && matches!(t.kind, TokKind::Op) && self.text(t) == ":" {
                    break;
                }
                depth += depth_step(self.w.text, t);
                self.pos += 1;
            }
            self.expect_op(":")?;
            self.expr()?;
            return Ok(E::unknown("a lambda".into(), self.span_from(from)));
        }
        if self.at_name("yield") {
            return Err(Stop::Syntax);
        }
        let body = self.bin(P_OR)?;
        if self.at_op(":=") {
            self.pos += 1;
            return self.expr();
        }
        if !self.at_name("if") {
            return Ok(body);
        }
        self.pos += 1;
        let cond = self.bin(P_OR)?;
        if !self.at_name("else") {
            return Err(Stop::Syntax);
        }
        self.pos += 1;
        let other = self.expr()?;
        let span = self.span_from(from);
        let (b, c, o) = (body.value(), cond.value(), other.value());
        let v = lift(&[&c, &b, &o], span, &mut |x| match truthy(&x[0]) {
            Some(true) => x[1].clone(),
            Some(false) => x[2].clone(),
            None => Value::Unknown("a condition lint502 cannot decide".into()),
        });
        Ok(E::val(v, span))
    }

    /// The binary operator at the current token: (operator, precedence, tokens).
    fn binop(&self) -> Option<(&'static str, u8, usize)> {
        let t = self.peek()?;
        let s = self.text(t);
        match t.kind {
            TokKind::Name => match s {
                "or" => Some(("or", P_OR, 1)),
                "and" => Some(("and", P_AND, 1)),
                "in" => Some(("in", P_CMP, 1)),
                "not"
                    if self
                        .toks
                        .get(self.pos + 1)
                        .is_some_and(|n| is_name(self.w.text, n, "in")) =>
                {
                    Some(("not in", P_CMP, 2))
                }
                "is" if self
                    .toks
                    .get(self.pos + 1)
                    .is_some_and(|n| is_name(self.w.text, n, "not")) =>
                {
                    Some(("is not", P_CMP, 2))
                }
                "is" => Some(("is", P_CMP, 1)),
                _ => None,
            },
            TokKind::Op => {
                let (op, p) = match s {
                    "<" => ("<", P_CMP),
                    ">" => (">", P_CMP),
                    "==" => ("==", P_CMP),
                    ">=" => (">=", P_CMP),
                    "<=" => ("<=", P_CMP),
                    "!=" => ("!=", P_CMP),
                    "|" => ("|", 5),
                    "^" => ("^", 6),
                    "&" => ("&", 7),
                    "<<" => ("<<", 8),
                    ">>" => (">>", 8),
                    "+" => ("+", 9),
                    "-" => ("-", 9),
                    "*" => ("*", 10),
                    "/" => ("/", 10),
                    "//" => ("//", 10),
                    "%" => ("%", 10),
                    "@" => ("@", 10),
                    _ => return None,
                };
                Some((op, p, 1))
            }
            _ => None,
        }
    }

    /// Binary operators by precedence climbing (all left-associative; `**`
    /// is read in `power`).
    fn bin(&mut self, min: u8) -> R {
        self.enter()?;
        let r = self.bin_inner(min);
        self.depth -= 1;
        r
    }

    fn bin_inner(&mut self, min: u8) -> R {
        let from = self.pos;
        let mut lhs = if min <= P_NOT && self.at_name("not") {
            self.pos += 1;
            let v = self.bin(P_NOT)?;
            let span = self.span_from(from);
            let x = v.value();
            E::val(lift(&[&x], span, &mut |a| not(&a[0])), span)
        } else {
            self.unary()?
        };
        let mut prev_rhs: Option<E> = None;
        while let Some((op, prec, n)) = self.binop() {
            if prec < min {
                break;
            }
            self.pos += n;
            let rhs = self.bin(prec + 1)?;
            let span = self.span_from(from);
            if prec == P_CMP {
                let left = prev_rhs.take().unwrap_or_else(|| lhs.clone());
                let (a, b) = (left.value(), rhs.value());
                let c = lift(&[&a, &b], span, &mut |x| compare(op, &x[0], &x[1]));
                let chained = from != self.pos && matches!(lhs.ev, Ev::Val(_)) && left.span != lhs.span;
                lhs = if chained {
                    let l = lhs.value();
                    E::val(lift(&[&l, &c], span, &mut |x| and_or("and", &x[0], &x[1])), span)
                } else {
                    E::val(c, span)
                };
                prev_rhs = Some(rhs);
            } else {
                prev_rhs = None;
                let (a, b) = (lhs.value(), rhs.value());
                let v = match (op, &b) {
                    // `os.getenv("B") or "127.0.0.1:8000"` is still $B's value.
                    ("or", _) => through(&[&a, &b], span, &mut |x| and_or(op, &x[0], &x[1])),
                    ("and", _) => lift(&[&a, &b], span, &mut |x| and_or(op, &x[0], &x[1])),
                    // `"%s:%s" % (host, port)`: each element takes part (they
                    // may be environment values).
                    ("%", Value::List(items)) if rhs.tuple => {
                        let mut all = vec![a.clone()];
                        all.extend(items.iter().map(|x| x.value.clone()));
                        let refs: Vec<&Value> = all.iter().collect();
                        lift(&refs, span, &mut |x| {
                            let args = x[1..].iter().map(|v| Spanned::new(v.clone(), span)).collect();
                            binop("%", &x[0], &Value::List(args), true)
                        })
                    }
                    _ => lift(&[&a, &b], span, &mut |x| binop(op, &x[0], &x[1], rhs.tuple)),
                };
                lhs = E::val(v, span);
            }
        }
        Ok(lhs)
    }

    fn unary(&mut self) -> R {
        let from = self.pos;
        if let Some(op @ ("-" | "+" | "~")) = self.peek_op() {
            self.enter()?;
            self.pos += 1;
            let v = self.unary();
            self.depth -= 1;
            let v = v?.value();
            let span = self.span_from(from);
            return Ok(E::val(lift(&[&v], span, &mut |x| unary(op, &x[0])), span));
        }
        if self.at_name("await") {
            self.enter()?;
            self.pos += 1;
            let v = self.unary();
            self.depth -= 1;
            v?;
            return Ok(E::unknown("an `await` expression".into(), self.span_from(from)));
        }
        self.power()
    }

    fn power(&mut self) -> R {
        let from = self.pos;
        let base = self.primary()?;
        if !self.at_op("**") {
            return Ok(base);
        }
        self.pos += 1;
        self.enter()?;
        let exp = self.unary();
        self.depth -= 1;
        let exp = exp?;
        let span = self.span_from(from);
        let (a, b) = (base.value(), exp.value());
        Ok(E::val(
            lift(&[&a, &b], span, &mut |x| binop("**", &x[0], &x[1], false)),
            span,
        ))
    }

    fn primary(&mut self) -> R {
        let from = self.pos;
        let mut e = self.atom()?;
        loop {
            match self.peek_op() {
                Some(".") => {
                    self.pos += 1;
                    let name = self.peek_name().ok_or(Stop::Syntax)?;
                    self.pos += 1;
                    e = attribute(e, name, self.span_from(from));
                }
                Some("(") => {
                    self.pos += 1;
                    let args = self.args()?;
                    let span = self.span_from(from);
                    e = match args {
                        Some(args) => call(e, args, span),
                        None => E::unknown("a call with a generator argument".into(), span),
                    };
                }
                Some("[") => {
                    self.pos += 1;
                    let index = self.subscript()?;
                    let span = self.span_from(from);
                    e = match index {
                        Some(i) => subscript(e, i, span),
                        None => E::unknown("a slice".into(), span),
                    };
                }
                _ => return Ok(e),
            }
        }
    }

    /// Call arguments up to `)`; None for `f(x for x in y)`.
    fn args(&mut self) -> Result<Option<Vec<Arg>>, Stop> {
        let mut args = Vec::new();
        loop {
            if self.at_op(")") {
                self.pos += 1;
                return Ok(Some(args));
            }
            let star = match self.peek_op() {
                Some("*") => 1,
                Some("**") => 2,
                _ => 0,
            };
            self.pos += usize::from(star > 0);
            let keyword = match (self.peek_name(), self.toks.get(self.pos + 1)) {
                (Some(n), Some(eq)) if star == 0 && is_op(self.w.text, eq, "=") => {
                    self.pos += 2;
                    Some(n.to_owned())
                }
                _ => None,
            };
            let e = self.expr()?;
            if self.at_name("for") || self.at_name("async") {
                self.skip_group()?;
                return Ok(None);
            }
            args.push(Arg { keyword, star, e });
            if self.at_op(",") {
                self.pos += 1;
            } else if !self.at_op(")") {
                return Err(Stop::Syntax);
            }
        }
    }

    /// The inside of `[…]` after a value; None for a slice.
    fn subscript(&mut self) -> Result<Option<E>, Stop> {
        let mut depth = 0i32;
        let mut slice = false;
        for t in &self.toks[self.pos..] {
            if depth == 0 && matches!(t.kind, TokKind::Op) {
                match self.text(t) {
                    ":" => slice = true,
                    "]" => break,
                    _ => {}
                }
            }
            depth += depth_step(self.w.text, t);
            if depth < 0 {
                break;
            }
        }
        if slice {
            self.skip_group()?;
            return Ok(None);
        }
        let e = self.star_exprs()?;
        self.expect_op("]")?;
        Ok(Some(e))
    }

    fn atom(&mut self) -> R {
        let from = self.pos;
        let t = self.peek().ok_or(Stop::Syntax)?;
        let s = self.text(t);
        let span = self.span(t.start, t.end);
        match &t.kind {
            TokKind::Name => {
                self.pos += 1;
                match s {
                    "True" => Ok(E::val(Value::Bool(true), span)),
                    "False" => Ok(E::val(Value::Bool(false), span)),
                    "None" => Ok(E::val(Value::Null, span)),
                    _ if is_keyword(s) => Err(Stop::Syntax),
                    _ => Ok(self.lookup(s, span)),
                }
            }
            TokKind::Number => {
                self.pos += 1;
                Ok(E::val(number(s), span))
            }
            TokKind::Str { .. } | TokKind::FStr(_) => self.strings(),
            TokKind::Op => {
                self.pos += 1;
                match s {
                    "(" => self.paren(from),
                    "[" => self.list(from),
                    "{" => self.brace(from),
                    "..." => Ok(E::unknown("`...`".into(), span)),
                    _ => Err(Stop::Syntax),
                }
            }
            TokKind::Newline | TokKind::Broken => Err(Stop::Syntax),
        }
    }

    /// `(…)`: a parenthesised expression, a tuple, or a generator.
    fn paren(&mut self, from: usize) -> R {
        if self.at_op(")") {
            self.pos += 1;
            return Ok(self.sequence(Vec::new(), from, true));
        }
        if self.at_name("yield") {
            self.skip_group()?;
            return Ok(E::unknown("a `yield` expression".into(), self.span_from(from)));
        }
        let first = self.star_expr()?;
        if self.at_name("for") || self.at_name("async") {
            self.skip_group()?;
            return Ok(E::unknown("a generator expression".into(), self.span_from(from)));
        }
        if self.at_op(")") && !first.1 {
            self.pos += 1;
            return Ok(first.0);
        }
        let mut items = vec![first];
        while self.at_op(",") {
            self.pos += 1;
            if self.at_op(")") {
                break;
            }
            items.push(self.star_expr()?);
        }
        self.expect_op(")")?;
        Ok(self.sequence(items, from, true))
    }

    /// `[…]`: a list or a list comprehension.
    fn list(&mut self, from: usize) -> R {
        let mut items = Vec::new();
        while !self.at_op("]") {
            items.push(self.star_expr()?);
            if items.len() == 1 && (self.at_name("for") || self.at_name("async")) {
                self.skip_group()?;
                return Ok(E::unknown("a list comprehension".into(), self.span_from(from)));
            }
            if !self.at_op(",") {
                break;
            }
            self.pos += 1;
        }
        self.expect_op("]")?;
        Ok(self.sequence(items, from, false))
    }

    /// `{…}`: a dict, a set, or a comprehension.
    fn brace(&mut self, from: usize) -> R {
        if self.at_op("}") {
            self.pos += 1;
            return Ok(E::val(Value::Map(Vec::new()), self.span_from(from)));
        }
        if self.at_op("**") {
            self.skip_group()?;
            return Ok(E::unknown("a dict with `**` unpacking".into(), self.span_from(from)));
        }
        let first = self.star_expr()?;
        if !self.at_op(":") {
            // A set (lint502 keeps it as a list, in source order).
            let mut items = vec![first];
            if self.at_name("for") || self.at_name("async") {
                self.skip_group()?;
                return Ok(E::unknown("a set comprehension".into(), self.span_from(from)));
            }
            while self.at_op(",") {
                self.pos += 1;
                if self.at_op("}") {
                    break;
                }
                items.push(self.star_expr()?);
            }
            self.expect_op("}")?;
            return Ok(self.sequence(items, from, false));
        }
        if first.1 {
            return Err(Stop::Syntax);
        }
        let mut entries: Vec<(E, E)> = Vec::new();
        let mut key = first.0;
        loop {
            self.expect_op(":")?;
            let value = self.expr()?;
            if entries.is_empty() && (self.at_name("for") || self.at_name("async")) {
                self.skip_group()?;
                return Ok(E::unknown("a dict comprehension".into(), self.span_from(from)));
            }
            entries.push((key, value));
            if self.at_op(",") {
                self.pos += 1;
            }
            if self.at_op("}") {
                self.pos += 1;
                break;
            }
            if self.at_op("**") {
                self.skip_group()?;
                return Ok(E::unknown("a dict with `**` unpacking".into(), self.span_from(from)));
            }
            key = self.expr()?;
        }
        let span = self.span_from(from);
        let mut map: Vec<(Spanned<String>, Spanned<Value>)> = Vec::new();
        for (k, v) in entries {
            let name = match k.value() {
                Value::Unknown(r) => return Ok(E::unknown(r, span)),
                kv => match py_str(&kv) {
                    Some(s) if !matches!(kv, Value::List(_) | Value::Map(_) | Value::Env { .. }) => s,
                    _ => return Ok(E::unknown("a dict key lint502 cannot read".into(), span)),
                },
            };
            let value = v.to_value();
            // A repeated key keeps its first place and its last value.
            match map.iter_mut().find(|(key, _)| key.value == name) {
                Some(entry) => entry.1 = value,
                None => map.push((Spanned::new(name, k.span), value)),
            }
        }
        Ok(E::val(Value::Map(map), span))
    }

    /// Adjacent string literals (implicit concatenation), f-strings included.
    fn strings(&mut self) -> R {
        let from = self.pos;
        let mut parts: Vec<Value> = Vec::new();
        let mut bytes = None;
        while let Some(t) = self.peek() {
            let (v, is_bytes) = match &t.kind {
                TokKind::Str { body, raw, bytes } => {
                    let text = &self.w.text[body.0..body.1];
                    (string_value(text, *raw, *bytes), *bytes)
                }
                TokKind::FStr(fs) => {
                    self.pos += 1;
                    let v = self.fstring(fs, self.span(t.start, t.end))?;
                    self.pos -= 1;
                    (v, false)
                }
                _ => break,
            };
            if *bytes.get_or_insert(is_bytes) != is_bytes {
                return Err(Stop::Syntax); // "cannot mix bytes and nonbytes literals"
            }
            self.pos += 1;
            parts.push(v);
        }
        let span = self.span_from(from);
        if parts.len() == 1 {
            return Ok(E::val(parts.remove(0), span));
        }
        let refs: Vec<&Value> = parts.iter().collect();
        Ok(E::val(lift(&refs, span, &mut concat), span))
    }

    fn fstring(&mut self, fs: &FStr, span: Span) -> Result<Value, Stop> {
        if fs.template {
            return Ok(Value::Unknown("a template string (t-string) is not a str".into()));
        }
        let pieces = self.fparts(&fs.parts, fs.raw)?;
        let values: Vec<&Value> = pieces.iter().map(|(v, _)| v).collect();
        let specs: Vec<&Option<(Option<char>, Option<String>)>> = pieces.iter().map(|(_, f)| f).collect();
        Ok(lift(&values, span, &mut |xs| {
            let mut out = String::new();
            for (x, fmt) in xs.iter().zip(&specs) {
                let piece = match fmt {
                    None => py_str(x),
                    Some((conv, spec)) => format_field(x, *conv, spec.as_deref()),
                };
                match piece {
                    Some(p) => out.push_str(&p),
                    None => return Value::Unknown("an f-string field lint502 cannot format".into()),
                }
            }
            Value::Str(out)
        }))
    }

    /// The pieces of an f-string: literal text (format None) and fields
    /// (their value, conversion and spec).
    #[allow(clippy::type_complexity)]
    fn fparts(
        &mut self,
        parts: &[FPart],
        raw: bool,
    ) -> Result<Vec<(Value, Option<(Option<char>, Option<String>)>)>, Stop> {
        let mut out = Vec::new();
        for part in parts {
            match part {
                FPart::Text(a, b) => out.push((string_value(&self.w.text[*a..*b], raw, false), None)),
                FPart::Brace(c) => out.push((Value::Str(c.to_string()), None)),
                FPart::Field(f) => {
                    if let Some((a, b)) = f.debug {
                        out.push((Value::Str(self.w.text[a..b].to_owned()), None));
                    }
                    self.enter()?;
                    let mut sub = Eval {
                        w: self.w,
                        toks: &f.tokens,
                        pos: 0,
                        depth: self.depth,
                    };
                    let r = sub.star_exprs();
                    let complete = sub.pos == f.tokens.len();
                    self.depth -= 1;
                    let v = match r {
                        Ok(e) if complete => e.value(),
                        Err(Stop::Deep) => return Err(Stop::Deep),
                        _ => Value::Unknown("an f-string field lint502 cannot read".into()),
                    };
                    let spec = match &f.spec {
                        None => None,
                        Some(spec) => {
                            self.enter()?;
                            let s = self.fparts(spec, raw);
                            self.depth -= 1;
                            let mut text = String::new();
                            for (v, _) in s? {
                                match v {
                                    Value::Str(p) => text.push_str(&p),
                                    _ => {
                                        text.clear();
                                        text.push('\u{0}');
                                        break;
                                    }
                                }
                            }
                            Some(text)
                        }
                    };
                    if spec.as_deref() == Some("\u{0}") {
                        out.push((
                            Value::Unknown("an f-string format spec lint502 cannot read".into()),
                            None,
                        ));
                        continue;
                    }
                    let conversion = match (f.conversion, &f.debug, &spec) {
                        (None, Some(_), None) => Some('r'),
                        (c, _, _) => c,
                    };
                    out.push((v, Some((conversion, spec))));
                }
            }
        }
        Ok(out)
    }

    /// What a name stands for here.
    fn lookup(&self, name: &str, span: Span) -> E {
        let local = self.w.locals.as_ref().and_then(|l| l.get(name));
        match local.or_else(|| self.w.scope.get(name)) {
            Some(Bound::Value(e)) => E {
                ev: e.ev.clone(),
                span,
                tuple: e.tuple,
            },
            Some(Bound::Conditional(line)) => E::unknown(format!("`{name}` is set conditionally (line {line})"), span),
            Some(Bound::Path(p)) => E {
                ev: resolve(p),
                span,
                tuple: false,
            },
            Some(Bound::Function) => E::unknown(format!("`{name}` is a function"), span),
            Some(Bound::Class) => E::unknown(format!("`{name}` is a class"), span),
            None => match BUILTINS.iter().find(|b| **b == name) {
                Some(b) => E {
                    ev: Ev::Func(Func::Builtin(b)),
                    span,
                    tuple: false,
                },
                None if name == "__name__" && self.w.script => E::val(Value::Str("__main__".into()), span),
                None if name.starts_with("__") => {
                    E::unknown(format!("`{name}` is only known when Python loads the file"), span)
                }
                None => E::unknown(format!("`{name}` is not defined at top level before this line"), span),
            },
        }
    }
}

// ==================================================================== folding

/// What a dotted path names, for the few that lint502 follows.
fn resolve(path: &str) -> Ev {
    match path {
        "os.environ" => Ev::Environ,
        "os.getenv" | "os.environ.get" | "os.environ.setdefault" => Ev::Func(Func::GetEnv),
        "os.cpu_count" | "multiprocessing.cpu_count" => Ev::Func(Func::CpuCount("cpu_count")),
        "os.process_cpu_count" => Ev::Func(Func::CpuCount("process_cpu_count")),
        "os.path.join" | "posixpath.join" => Ev::Func(Func::PathJoin),
        "environ.Env" => Ev::Func(Func::DjangoEnvNew),
        _ => Ev::Path(path.to_owned()),
    }
}

/// String methods whose result is still "the variable's value" for an
/// environment value (see [`through`]).
const TRANSPARENT_METHODS: &[&str] = &["lower", "upper", "casefold", "strip", "lstrip", "rstrip"];

const STR_METHODS: &[&str] = &[
    "lower",
    "upper",
    "casefold",
    "strip",
    "lstrip",
    "rstrip",
    "replace",
    "split",
    "startswith",
    "endswith",
    "join",
    "format",
    "isdigit",
];

fn attribute(e: E, name: &str, span: Span) -> E {
    let ev = match e.ev {
        Ev::Path(p) => resolve(&format!("{p}.{name}")),
        Ev::Environ => match name {
            "get" | "setdefault" => Ev::Func(Func::GetEnv),
            _ => Ev::Val(Value::Unknown(format!("`os.environ.{name}`"))),
        },
        Ev::DjangoEnv => match name {
            "str" | "int" | "bool" | "float" => Ev::Func(Func::DjangoEnvGet),
            _ => Ev::Val(Value::Unknown(format!("django-environ `env.{name}`"))),
        },
        Ev::Instance { path, reason } => Ev::Instance {
            path: format!("{path}.{name}"),
            reason,
        },
        Ev::Val(Value::Unknown(r)) => Ev::Val(Value::Unknown(r)),
        Ev::Val(v @ (Value::Str(_) | Value::Env { .. })) if STR_METHODS.contains(&name) => {
            let recv = E::val(v, e.span);
            Ev::Func(Func::Method(Box::new(recv), name.to_owned()))
        }
        Ev::Val(Value::Symbolic(_)) => Ev::Val(Value::Unknown(
            "an attribute of a value known only on the target machine".into(),
        )),
        Ev::Val(_) => Ev::Val(Value::Unknown(format!("the attribute `{name}`"))),
        Ev::Func(_) => Ev::Val(Value::Unknown(format!("the attribute `{name}` of a function"))),
    };
    E { ev, span, tuple: false }
}

fn subscript(e: E, index: E, span: Span) -> E {
    let i = index.value();
    let v = match e.ev {
        Ev::Environ => match i {
            Value::Str(name) => Value::Env { name, default: None },
            Value::Unknown(r) => Value::Unknown(r),
            _ => Value::Unknown("an environment variable whose name lint502 does not know".into()),
        },
        Ev::Val(v) => lift(&[&v, &i], span, &mut |x| index_value(&x[0], &x[1])),
        other => E {
            ev: other,
            span,
            tuple: false,
        }
        .value(),
    };
    E::val(v, span)
}

fn index_value(v: &Value, i: &Value) -> Value {
    let pick = |len: usize, i: i64| -> Option<usize> {
        let len = i64::try_from(len).ok()?;
        let j = if i < 0 { i + len } else { i };
        (0..len).contains(&j).then(|| usize::try_from(j).ok()).flatten()
    };
    match (v, i) {
        (Value::List(xs), _) => match i.as_int().filter(|_| !matches!(i, Value::Str(_))) {
            Some(n) => {
                pick(xs.len(), n).map_or(Value::Unknown("an index out of range".into()), |j| xs[j].value.clone())
            }
            None => Value::Unknown("a list index lint502 cannot read".into()),
        },
        (Value::Str(s), Value::Int(n)) => {
            let chars: Vec<char> = s.chars().collect();
            pick(chars.len(), *n).map_or(Value::Unknown("an index out of range".into()), |j| {
                Value::Str(chars[j].to_string())
            })
        }
        (Value::Map(_), Value::Str(k)) => v
            .get(k)
            .map_or(Value::Unknown(format!("no key `{k}` in this dict")), |x| {
                x.value.clone()
            }),
        _ => Value::Unknown("a subscript lint502 cannot read".into()),
    }
}

fn call(f: E, args: Vec<Arg>, span: Span) -> E {
    let func = match f.ev {
        Ev::Func(func) => func,
        Ev::Path(p) => {
            return E {
                ev: Ev::Instance {
                    reason: format!("a call to `{p}()`"),
                    path: format!("{p}()"),
                },
                span,
                tuple: false,
            };
        }
        Ev::Instance { path, reason } => {
            return E {
                ev: Ev::Instance {
                    path: format!("{path}()"),
                    reason,
                },
                span,
                tuple: false,
            };
        }
        Ev::Environ => return E::unknown("calling `os.environ`".into(), span),
        Ev::DjangoEnv => Func::DjangoEnvGet,
        Ev::Val(Value::Unknown(r)) => return E::unknown(r, span),
        Ev::Val(_) => return E::unknown("a call of a value that is not a function".into(), span),
    };
    if args.iter().any(|a| a.star > 0) {
        return E::unknown("a call with `*` or `**` arguments".into(), span);
    }
    let pos: Vec<&E> = args.iter().filter(|a| a.keyword.is_none()).map(|a| &a.e).collect();
    let kw = |name: &str| args.iter().find(|a| a.keyword.as_deref() == Some(name)).map(|a| &a.e);
    let v = match func {
        Func::GetEnv | Func::DjangoEnvGet => {
            let key = pos.first().copied().or_else(|| kw("key")).or_else(|| kw("var"));
            let default = pos.get(1).copied().or_else(|| kw("default"));
            match key.map(E::value) {
                Some(Value::Str(name)) => {
                    let default = default
                        .map(E::to_value)
                        .filter(|d| d.value != Value::Null)
                        .map(Box::new);
                    Value::Env { name, default }
                }
                Some(Value::Unknown(r)) => Value::Unknown(r),
                _ => Value::Unknown("an environment variable whose name lint502 does not know".into()),
            }
        }
        Func::CpuCount(name) if args.is_empty() => Value::Symbolic(format!("{name}()")),
        Func::CpuCount(name) => Value::Unknown(format!("`{name}()` with arguments")),
        Func::DjangoEnvNew => {
            return E {
                ev: Ev::DjangoEnv,
                span,
                tuple: false,
            };
        }
        Func::PathJoin => {
            let vals: Vec<Value> = pos.iter().map(|e| e.value()).collect();
            let refs: Vec<&Value> = vals.iter().collect();
            lift(&refs, span, &mut path_join)
        }
        Func::Builtin(name) => builtin(name, &pos, &args, span),
        Func::Method(recv, name) => {
            let recv = recv.value();
            let mut vals = vec![recv];
            vals.extend(pos.iter().map(|e| e.value()));
            let kws: Vec<(String, Value)> = args
                .iter()
                .filter_map(|a| a.keyword.clone().map(|k| (k, a.e.value())))
                .collect();
            let npos = vals.len();
            // `sep.join(list)`: each element takes part (they may be env values).
            let list_arg = match (name.as_str(), vals.get(1)) {
                ("join", Some(Value::List(xs))) if vals.len() == 2 => Some(xs.clone()),
                _ => None,
            };
            if let Some(xs) = list_arg {
                let mut all = vec![vals[0].clone()];
                all.extend(xs.into_iter().map(|x| x.value));
                let refs: Vec<&Value> = all.iter().collect();
                lift(&refs, span, &mut |x| match &x[0] {
                    Value::Str(sep) => {
                        let mut parts = Vec::new();
                        for p in &x[1..] {
                            match p {
                                Value::Str(s) => parts.push(s.as_str()),
                                _ => return Value::Unknown("joining values that are not all strings".into()),
                            }
                        }
                        Value::Str(parts.join(sep))
                    }
                    _ => Value::Unknown("`join` on a value that is not a string".into()),
                })
            } else {
                vals.extend(kws.iter().map(|(_, v)| v.clone()));
                let refs: Vec<&Value> = vals.iter().collect();
                let names: Vec<&str> = kws.iter().map(|(k, _)| k.as_str()).collect();
                let op = if TRANSPARENT_METHODS.contains(&name.as_str()) {
                    through
                } else {
                    lift
                };
                op(&refs, span, &mut |x| {
                    str_method(&name, &x[0], &x[1..npos], &names, &x[npos..])
                })
            }
        }
    };
    E::val(v, span)
}

fn builtin(name: &str, pos: &[&E], args: &[Arg], span: Span) -> Value {
    if args.iter().any(|a| a.keyword.is_some()) && name != "int" {
        return Value::Unknown(format!("`{name}()` with keyword arguments"));
    }
    let vals: Vec<Value> = pos.iter().map(|e| e.value()).collect();
    // A conversion keeps the span of an environment default it converts.
    let refs: Vec<&Value> = vals.iter().collect();
    match (name, vals.len()) {
        ("str", 0) => Value::Str(String::new()),
        ("bool", 0) => Value::Bool(false),
        ("int", 0) => Value::Int(0),
        ("float", 0) => Value::Float(0.0),
        ("int", 1 | 2) => {
            let base = match vals.get(1) {
                None => None,
                Some(Value::Int(b)) => Some(*b),
                Some(_) => return Value::Unknown("`int()` with a base lint502 does not know".into()),
            };
            through(&refs[..1], span, &mut |x| int_of(&x[0], base))
        }
        ("float", 1) => through(&refs, span, &mut |x| float_of(&x[0])),
        ("str", 1) => through(&refs, span, &mut |x| match &x[0] {
            Value::Symbolic(s) => Value::Symbolic(format!("str({s})")),
            v => py_str(v).map_or(
                Value::Unknown("`str()` of a value lint502 cannot format".into()),
                Value::Str,
            ),
        }),
        ("bool", 1) => through(&refs, span, &mut |x| {
            truthy(&x[0]).map_or(
                Value::Unknown("the truth of a value lint502 does not know".into()),
                Value::Bool,
            )
        }),
        ("len", 1) => lift(&refs, span, &mut |x| match &x[0] {
            Value::Str(s) => Value::Int(s.chars().count() as i64),
            Value::List(xs) => Value::Int(xs.len() as i64),
            Value::Map(xs) => Value::Int(xs.len() as i64),
            _ => Value::Unknown("`len()` of a value lint502 does not know".into()),
        }),
        ("abs", 1) => lift(&refs, span, &mut |x| match &x[0] {
            Value::Int(i) => i
                .checked_abs()
                .map_or(Value::Unknown("an integer beyond 64 bits".into()), Value::Int),
            Value::Float(f) => Value::Float(f.abs()),
            Value::Bool(b) => Value::Int(i64::from(*b)),
            Value::Symbolic(s) => Value::Symbolic(format!("abs({s})")),
            _ => Value::Unknown("`abs()` of a value that is not a number".into()),
        }),
        ("round", 1 | 2) => lift(&refs, span, &mut |x| round(&x[0], x.get(1))),
        ("list" | "tuple", 1) => lift(&refs, span, &mut |x| match &x[0] {
            Value::List(xs) => Value::List(xs.clone()),
            Value::Str(s) => Value::List(
                s.chars()
                    .map(|c| Spanned::new(Value::Str(c.to_string()), span))
                    .collect(),
            ),
            _ => Value::Unknown(format!("`{name}()` of a value lint502 does not know")),
        }),
        ("max" | "min", n) if n >= 1 => {
            let items: Vec<Value> = match (n, &vals[0]) {
                (1, Value::List(xs)) => xs.iter().map(|x| x.value.clone()).collect(),
                (1, Value::Unknown(r)) => return Value::Unknown(r.clone()),
                (1, _) => return Value::Unknown(format!("`{name}()` of a value lint502 does not know")),
                _ => vals.clone(),
            };
            let refs: Vec<&Value> = items.iter().collect();
            lift(&refs, span, &mut |x| max_min(name, x))
        }
        _ => Value::Unknown(format!("`{name}()` with these arguments")),
    }
}

/// Inside the evaluator, an environment value *computed from* variables
/// (`f"{host}:{port}"`) rather than equal to one carries this mark before its
/// comma-separated names. [`lower`] turns it into its default when the value
/// leaves this module: a public `Value::Env` always means "the value of that
/// variable (converted), else the default".
const DERIVED: char = '\u{1}';

/// Apply `f` to plain values. An unknown argument makes the result unknown;
/// environment values make the result a derived environment value (see
/// [`DERIVED`]) whose default is `f` of their defaults:
/// `f"0.0.0.0:{os.getenv('PORT', '80')}"` is "0.0.0.0:80" when PORT is unset.
fn lift(args: &[&Value], span: Span, f: &mut dyn FnMut(&[Value]) -> Value) -> Value {
    if let Some(u) = args.iter().find(|a| matches!(a, Value::Unknown(_))) {
        return (*u).clone();
    }
    let mut names: Vec<String> = Vec::new();
    let mut missing = false;
    let mut spans = Vec::new();
    let plain: Vec<Value> = args
        .iter()
        .map(|a| plain_of(a, &mut names, &mut missing, &mut spans))
        .collect();
    let r = f(&plain);
    if names.is_empty() {
        return r;
    }
    let name = format!("{DERIVED}{}", names.join(","));
    let default = match r {
        Value::Unknown(_) if missing => None,
        Value::Unknown(_) => return r,
        Value::Null => None,
        v => {
            // A conversion of one default keeps pointing at that default.
            let at = if spans.len() == 1 && args.len() == 1 {
                spans[0]
            } else {
                span
            };
            Some(Box::new(Spanned::new(v, at)))
        }
    };
    Value::Env { name, default }
}

/// Apply a value-preserving operation (a type conversion, `.lower()`,
/// `x or default`) to its first argument: when that is a variable's own value
/// and the other arguments are known, the result is still that variable's
/// value (`int(os.getenv("T", "30"))` is `Env { T, 30 }`), its default (and
/// the defaults' own lookups) mapped through `f`. Otherwise as [`lift`].
fn through(args: &[&Value], span: Span, f: &mut dyn FnMut(&[Value]) -> Value) -> Value {
    let Some(Value::Env { name, default }) = args.first() else {
        return lift(args, span, f);
    };
    if name.starts_with(DERIVED) || !args[1..].iter().all(|a| is_known(a)) {
        return lift(args, span, f);
    }
    let (mapped, at) = match default {
        Some(d) => {
            let mut rest: Vec<&Value> = vec![&d.value];
            rest.extend_from_slice(&args[1..]);
            (through(&rest, d.span, f), d.span)
        }
        None => {
            let mut plain = vec![Value::Null];
            plain.extend(args[1..].iter().map(|a| (*a).clone()));
            (f(&plain), span)
        }
    };
    let default = match mapped {
        Value::Unknown(_) if default.is_none() => None,
        Value::Unknown(_) => return mapped,
        Value::Null => None,
        v => Some(Box::new(Spanned::new(v, at))),
    };
    Value::Env {
        name: name.clone(),
        default,
    }
}

/// Make a value public (see [`DERIVED`]): a derived environment value
/// becomes its default, and the variables it was computed from are added to
/// `vars`.
fn lower(v: Spanned<Value>, vars: &mut Vec<String>) -> Spanned<Value> {
    let span = v.span;
    let value = match v.value {
        Value::Env { name, default } if name.starts_with(DERIVED) => {
            let names: Vec<&str> = name.trim_start_matches(DERIVED).split(',').collect();
            for n in &names {
                if !vars.iter().any(|m| m == n) {
                    vars.push((*n).to_owned());
                }
            }
            match default {
                Some(d) => lower(*d, vars).value,
                None => Value::Unknown(format!("computed from ${} with no default", names.join(", $"))),
            }
        }
        Value::Env { name, default } => Value::Env {
            name,
            default: default.map(|d| Box::new(lower(*d, vars))),
        },
        Value::List(xs) => Value::List(xs.into_iter().map(|x| lower(x, vars)).collect()),
        Value::Map(xs) => Value::Map(xs.into_iter().map(|(k, x)| (k, lower(x, vars))).collect()),
        other => other,
    };
    Spanned::new(value, span)
}

/// An environment value's default, as a plain value (None when unset).
fn plain_of(v: &Value, names: &mut Vec<String>, missing: &mut bool, spans: &mut Vec<Span>) -> Value {
    match v {
        Value::Env { name, default } => {
            for n in name.trim_start_matches(DERIVED).split(',') {
                if !names.iter().any(|m| m == n) {
                    names.push(n.to_owned());
                }
            }
            match default {
                Some(d) => {
                    spans.push(d.span);
                    plain_of(&d.value, names, missing, spans)
                }
                None => {
                    *missing = true;
                    Value::Null
                }
            }
        }
        other => other.clone(),
    }
}

/// Known for folding: not unknown, not from the environment.
fn is_known(v: &Value) -> bool {
    !matches!(v, Value::Unknown(_) | Value::Env { .. })
}

fn concat(x: &[Value]) -> Value {
    let mut out = String::new();
    for v in x {
        match v {
            Value::Str(s) => out.push_str(s),
            _ => return Value::Unknown("a string part lint502 cannot read".into()),
        }
    }
    Value::Str(out)
}

fn path_join(x: &[Value]) -> Value {
    let mut out = String::new();
    for v in x {
        let Value::Str(s) = v else {
            return Value::Unknown("`os.path.join` of values that are not all strings".into());
        };
        if s.starts_with('/') {
            out.clear();
        } else if !out.is_empty() && !out.ends_with('/') {
            out.push('/');
        }
        out.push_str(s);
    }
    if x.is_empty() {
        return Value::Unknown("`os.path.join()` without arguments".into());
    }
    Value::Str(out)
}

/// Python's truth value, when known.
fn truthy(v: &Value) -> Option<bool> {
    match v {
        Value::Str(s) => Some(!s.is_empty()),
        Value::Int(i) => Some(*i != 0),
        Value::Float(f) => Some(*f != 0.0),
        Value::Bool(b) => Some(*b),
        Value::Null => Some(false),
        Value::List(xs) => Some(!xs.is_empty()),
        Value::Map(xs) => Some(!xs.is_empty()),
        Value::Env { .. } | Value::Symbolic(_) | Value::Unknown(_) => None,
    }
}

fn not(v: &Value) -> Value {
    truthy(v).map_or(
        Value::Unknown("the truth of a value lint502 does not know".into()),
        |b| Value::Bool(!b),
    )
}

fn and_or(op: &str, a: &Value, b: &Value) -> Value {
    match (op, truthy(a)) {
        ("or", Some(true)) | ("and", Some(false)) => a.clone(),
        (_, Some(_)) => b.clone(),
        (_, None) => Value::Unknown("the truth of a value lint502 does not know".into()),
    }
}

/// A number, as Python reads the literal.
fn number(s: &str) -> Value {
    let clean: String = s.chars().filter(|c| *c != '_').collect::<String>().to_ascii_lowercase();
    if clean.ends_with('j') {
        return Value::Unknown("a complex number".into());
    }
    let radix = [("0x", 16), ("0o", 8), ("0b", 2)]
        .iter()
        .find_map(|(p, r)| clean.strip_prefix(p).map(|d| (d.to_owned(), *r)));
    if let Some((digits, radix)) = radix {
        return i64::from_str_radix(&digits, radix)
            .map_or(Value::Unknown("an integer beyond 64 bits".into()), Value::Int);
    }
    if clean.contains(['.', 'e']) {
        return clean
            .parse::<f64>()
            .map_or(Value::Unknown("a float lint502 cannot read".into()), Value::Float);
    }
    clean
        .parse::<i64>()
        .map_or(Value::Unknown("an integer beyond 64 bits".into()), Value::Int)
}

/// A string literal's value: escapes applied (unless raw), line breaks
/// normalised to `\n` as Python reads source. Bytes become a string when
/// they are UTF-8.
fn string_value(body: &str, raw: bool, bytes: bool) -> Value {
    let body = if body.contains('\r') {
        std::borrow::Cow::Owned(body.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(body)
    };
    if raw {
        return Value::Str(body.into_owned());
    }
    match unescape(&body, bytes) {
        Ok(b) => String::from_utf8(b).map_or(Value::Unknown("bytes that are not UTF-8".into()), Value::Str),
        Err(reason) => Value::Unknown(reason),
    }
}

/// Python's escape sequences (`\n`, `\x41`, `\101`, `\u00e9`…), as bytes
/// (UTF-8 for `str`). `\N{…}` needs Unicode's name table: unknown.
fn unescape(s: &str, bytes: bool) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    let push_char = |out: &mut Vec<u8>, c: char| {
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            push_char(&mut out, c);
            continue;
        }
        let Some(e) = chars.next() else {
            out.push(b'\\');
            break;
        };
        match e {
            '\n' => {}
            '\\' | '\'' | '"' => push_char(&mut out, e),
            'a' => out.push(7),
            'b' => out.push(8),
            'f' => out.push(12),
            'n' => out.push(b'\n'),
            'r' => out.push(b'\r'),
            't' => out.push(b'\t'),
            'v' => out.push(11),
            '0'..='7' => {
                let mut n = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            n = n * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                if bytes {
                    out.push((n & 0xFF) as u8);
                } else {
                    push_char(&mut out, char::from_u32(n).unwrap_or('\u{FFFD}'));
                }
            }
            'x' | 'u' | 'U' if e == 'x' || !bytes => {
                let len = match e {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = (0..len).filter_map(|_| chars.next()).collect();
                let n = u32::from_str_radix(&hex, 16)
                    .ok()
                    .filter(|_| hex.len() == len)
                    .ok_or_else(|| format!("a malformed `\\{e}` escape"))?;
                if bytes {
                    out.push((n & 0xFF) as u8);
                } else {
                    push_char(&mut out, char::from_u32(n).ok_or("an escape that is not a character")?);
                }
            }
            'N' if !bytes => return Err("a `\\N{…}` escape".into()),
            other => {
                out.push(b'\\');
                push_char(&mut out, other);
            }
        }
    }
    Ok(out)
}

/// A number for arithmetic (bools count as ints, as in Python).
#[derive(Clone, Copy)]
enum Num {
    I(i64),
    F(f64),
}

fn num(v: &Value) -> Option<Num> {
    match v {
        Value::Int(i) => Some(Num::I(*i)),
        Value::Bool(b) => Some(Num::I(i64::from(*b))),
        Value::Float(f) => Some(Num::F(*f)),
        _ => None,
    }
}

fn as_f64(n: Num) -> f64 {
    match n {
        Num::I(i) => i as f64,
        Num::F(f) => f,
    }
}

fn overflow() -> Value {
    Value::Unknown("an integer beyond 64 bits".into())
}

fn arith(op: &str, a: Num, b: Num) -> Value {
    match (a, b) {
        (Num::I(x), Num::I(y)) => {
            let r = match op {
                "+" => x.checked_add(y),
                "-" => x.checked_sub(y),
                "*" => x.checked_mul(y),
                "/" if y == 0 => return Value::Unknown("a division by zero".into()),
                "/" => return Value::Float(x as f64 / y as f64),
                "//" | "%" if y == 0 => return Value::Unknown("a division by zero".into()),
                "//" => x
                    .checked_div(y)
                    .map(|q| if (x % y != 0) && ((x < 0) != (y < 0)) { q - 1 } else { q }),
                "%" => x
                    .checked_rem(y)
                    .map(|r| if r != 0 && ((r < 0) != (y < 0)) { r + y } else { r }),
                "**" if y < 0 => return Value::Float((x as f64).powf(y as f64)),
                "**" => u32::try_from(y).ok().and_then(|e| x.checked_pow(e)),
                "<<" if y < 0 => return Value::Unknown("a negative shift count".into()),
                "<<" => (y < 64)
                    .then(|| i128::from(x) << y)
                    .and_then(|r| i64::try_from(r).ok())
                    .or((x == 0).then_some(0)),
                ">>" if y < 0 => return Value::Unknown("a negative shift count".into()),
                ">>" => Some(if y >= 64 { if x < 0 { -1 } else { 0 } } else { x >> y }),
                "&" => Some(x & y),
                "|" => Some(x | y),
                "^" => Some(x ^ y),
                _ => return Value::Unknown(format!("`{op}` on integers")),
            };
            r.map_or_else(overflow, Value::Int)
        }
        _ => {
            let (x, y) = (as_f64(a), as_f64(b));
            match op {
                "+" => Value::Float(x + y),
                "-" => Value::Float(x - y),
                "*" => Value::Float(x * y),
                "/" | "//" | "%" if y == 0.0 => Value::Unknown("a division by zero".into()),
                "/" => Value::Float(x / y),
                "//" => Value::Float((x / y).floor()),
                "%" => {
                    let r = x % y;
                    Value::Float(if r != 0.0 && ((r < 0.0) != (y < 0.0)) { r + y } else { r })
                }
                "**" if x == 0.0 && y < 0.0 => Value::Unknown("a division by zero".into()),
                "**" => Value::Float(x.powf(y)),
                _ => Value::Unknown(format!("`{op}` on floats")),
            }
        }
    }
}

/// Precedence of a symbolic expression's text (how lint502 wrote it).
fn sym_prec(s: &str) -> u8 {
    let mut depth = 0;
    let mut lowest = 15;
    let b = s.as_bytes();
    for (i, c) in b.iter().enumerate() {
        match c {
            b'(' | b'[' => depth += 1,
            b')' | b']' => depth -= 1,
            b' ' if depth == 0 => {
                let rest = &s[i + 1..];
                let p = if rest.starts_with("+ ") || rest.starts_with("- ") {
                    9
                } else if rest.starts_with("* ")
                    || rest.starts_with("/ ")
                    || rest.starts_with("// ")
                    || rest.starts_with("% ")
                {
                    10
                } else if rest.starts_with("** ") {
                    12
                } else {
                    15
                };
                lowest = lowest.min(p);
            }
            _ => {}
        }
    }
    if lowest == 15 && s.starts_with('-') { 11 } else { lowest }
}

fn op_prec(op: &str) -> u8 {
    match op {
        "+" | "-" => 9,
        "**" => 12,
        _ => 10,
    }
}

/// Text of an operand of a symbolic expression.
fn sym_text(v: &Value) -> Option<String> {
    match v {
        Value::Symbolic(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.into()),
        Value::Float(f) => Some(py_float_repr(*f)),
        _ => None,
    }
}

fn symbolic(op: &str, a: &Value, b: &Value) -> Value {
    let (Some(x), Some(y)) = (sym_text(a), sym_text(b)) else {
        return Value::Unknown("arithmetic on a value known only on the target machine".into());
    };
    let p = op_prec(op);
    let (pa, pb) = (sym_prec(&x), sym_prec(&y));
    let left_paren = if op == "**" { pa <= p } else { pa < p };
    let right_paren = if op == "**" { pb < p } else { pb <= p };
    let wrap = |s: String, w: bool| if w { format!("({s})") } else { s };
    Value::Symbolic(format!("{} {op} {}", wrap(x, left_paren), wrap(y, right_paren)))
}

fn binop(op: &str, a: &Value, b: &Value, rhs_tuple: bool) -> Value {
    if matches!(a, Value::Symbolic(_)) || matches!(b, Value::Symbolic(_)) {
        if ["+", "-", "*", "/", "//", "%", "**"].contains(&op) {
            return symbolic(op, a, b);
        }
        return Value::Unknown("an operation on a value known only on the target machine".into());
    }
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        return arith(op, x, y);
    }
    let too_big = || Value::Unknown("a value too large to fold".into());
    match (op, a, b) {
        ("+", Value::Str(x), Value::Str(y)) => {
            if x.len() + y.len() > MAX_FOLDED_LEN {
                return too_big();
            }
            Value::Str(format!("{x}{y}"))
        }
        ("+", Value::List(x), Value::List(y)) => {
            if x.len() + y.len() > MAX_FOLDED_LEN {
                return too_big();
            }
            Value::List(x.iter().chain(y).cloned().collect())
        }
        ("*", Value::Str(_) | Value::List(_), Value::Int(_) | Value::Bool(_)) => repeat(a, b),
        ("*", Value::Int(_) | Value::Bool(_), Value::Str(_) | Value::List(_)) => repeat(b, a),
        ("%", Value::Str(fmt), args) => percent_format(fmt, args, rhs_tuple)
            .map_or(Value::Unknown("a `%` format lint502 cannot apply".into()), Value::Str),
        ("|", Value::Map(x), Value::Map(y)) => {
            let mut out = x.clone();
            for (k, v) in y {
                match out.iter_mut().find(|(key, _)| key.value == k.value) {
                    Some(e) => e.1 = v.clone(),
                    None => out.push((k.clone(), v.clone())),
                }
            }
            Value::Map(out)
        }
        _ => Value::Unknown(format!("`{op}` between a {} and a {}", type_name(a), type_name(b))),
    }
}

fn repeat(seq: &Value, n: &Value) -> Value {
    let n = n.as_int().unwrap_or(0).max(0);
    let Ok(n) = usize::try_from(n) else {
        return Value::Unknown("a value too large to fold".into());
    };
    match seq {
        Value::Str(s) if s.len().saturating_mul(n) <= MAX_FOLDED_LEN => Value::Str(s.repeat(n)),
        Value::List(xs) if xs.len().saturating_mul(n) <= MAX_FOLDED_LEN => {
            Value::List(xs.iter().cloned().cycle().take(xs.len() * n).collect())
        }
        _ => Value::Unknown("a value too large to fold".into()),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Str(_) => "str",
        Value::Int(_) => "int",
        Value::Float(_) => "float",
        Value::Bool(_) => "bool",
        Value::Null => "None",
        Value::List(_) => "list",
        Value::Map(_) => "dict",
        Value::Env { .. } => "environment value",
        Value::Symbolic(_) => "machine-dependent value",
        Value::Unknown(_) => "unknown value",
    }
}

fn unary(op: &str, v: &Value) -> Value {
    match (op, v) {
        (_, Value::Symbolic(s)) if op != "~" => {
            let p = sym_prec(s);
            Value::Symbolic(if op == "-" {
                if p < 11 { format!("-({s})") } else { format!("-{s}") }
            } else {
                s.clone()
            })
        }
        ("-", _) => match num(v) {
            Some(Num::I(i)) => i.checked_neg().map_or_else(overflow, Value::Int),
            Some(Num::F(f)) => Value::Float(-f),
            None => Value::Unknown(format!("`-` on a {}", type_name(v))),
        },
        ("+", _) => match num(v) {
            Some(Num::I(i)) => Value::Int(i),
            Some(Num::F(f)) => Value::Float(f),
            None => Value::Unknown(format!("`+` on a {}", type_name(v))),
        },
        (_, Value::Int(i)) => Value::Int(!i),
        (_, Value::Bool(b)) => Value::Int(!i64::from(*b)),
        _ => Value::Unknown(format!("`{op}` on a {}", type_name(v))),
    }
}

/// Python's `==`, when decidable.
fn py_eq(a: &Value, b: &Value) -> Option<bool> {
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        return Some(match (x, y) {
            (Num::I(x), Num::I(y)) => x == y,
            _ => as_f64(x) == as_f64(y),
        });
    }
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Some(x == y),
        (Value::Null, Value::Null) => Some(true),
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = true;
            for (p, q) in x.iter().zip(y) {
                all &= py_eq(&p.value, &q.value)?;
            }
            Some(all)
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            let mut all = true;
            for (k, v) in x {
                match b.get(&k.value) {
                    Some(w) => all &= py_eq(&v.value, &w.value)?,
                    None => return Some(false),
                }
            }
            let _ = y;
            Some(all)
        }
        (Value::Symbolic(_) | Value::Env { .. } | Value::Unknown(_), _)
        | (_, Value::Symbolic(_) | Value::Env { .. } | Value::Unknown(_)) => None,
        _ => Some(false),
    }
}

fn compare(op: &str, a: &Value, b: &Value) -> Value {
    let unknown = || Value::Unknown(format!("a `{op}` comparison lint502 cannot decide"));
    let r = match op {
        "==" => py_eq(a, b),
        "!=" => py_eq(a, b).map(|e| !e),
        "is" | "is not" => match (a, b) {
            (Value::Null, Value::Null) => Some(true),
            (Value::Bool(x), Value::Bool(y)) => Some(x == y),
            (Value::Null | Value::Bool(_), v) | (v, Value::Null | Value::Bool(_)) if is_known(v) => Some(false),
            _ => None,
        }
        .map(|r| if op == "is" { r } else { !r }),
        "in" | "not in" => match (a, b) {
            (Value::Str(x), Value::Str(y)) => Some(y.contains(x.as_str())),
            (_, Value::List(xs)) => {
                let mut found = Some(false);
                for x in xs {
                    match py_eq(a, &x.value) {
                        Some(true) => {
                            found = Some(true);
                            break;
                        }
                        Some(false) => {}
                        None => found = None,
                    }
                }
                found
            }
            (Value::Str(k), Value::Map(_)) => Some(b.get(k).is_some()),
            _ => None,
        }
        .map(|r| if op == "in" { r } else { !r }),
        _ => {
            let ord = match (num(a), num(b), a, b) {
                (Some(x), Some(y), _, _) => as_f64(x).partial_cmp(&as_f64(y)),
                (_, _, Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
                _ => None,
            };
            ord.map(|o| match op {
                "<" => o.is_lt(),
                ">" => o.is_gt(),
                "<=" => o.is_le(),
                _ => o.is_ge(),
            })
        }
    };
    r.map_or_else(unknown, Value::Bool)
}

/// Python's `str()` of a scalar.
fn py_str(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) => Some(s.clone()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(py_float_repr(*f)),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.into()),
        Value::Null => Some("None".into()),
        _ => None,
    }
}

/// Python's `repr()` of a scalar.
fn py_repr(v: &Value) -> Option<String> {
    let Value::Str(s) = v else { return py_str(v) };
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7F => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push(quote);
    Some(out)
}

/// Python's `repr(float)` (and `str(float)`): the shortest text that reads
/// back the same, in exponent form below 1e-4 and from 1e16.
pub fn py_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let sci = format!("{f:e}");
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let neg = mant.starts_with('-');
    let digits: String = mant.chars().filter(char::is_ascii_digit).collect();
    let n = digits.len() as i32;
    let point = exp + 1;
    let body = if (-3..=16).contains(&point) {
        if point <= 0 {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        } else if point >= n {
            format!("{digits}{}.0", "0".repeat((point - n) as usize))
        } else {
            let (a, b) = digits.split_at(point as usize);
            format!("{a}.{b}")
        }
    } else {
        let (a, b) = digits.split_at(1);
        let m = if b.is_empty() { a.to_owned() } else { format!("{a}.{b}") };
        format!("{m}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs())
    };
    if neg { format!("-{body}") } else { body }
}

/// One f-string field: conversion, then the format spec (only the empty
/// spec, `s` and `d` are applied).
fn format_field(v: &Value, conv: Option<char>, spec: Option<&str>) -> Option<String> {
    let s = match conv {
        Some('r') => py_repr(v)?,
        Some('a') => py_repr(v).filter(|s| s.is_ascii())?,
        Some(_) => py_str(v)?,
        None => match (spec.unwrap_or(""), v) {
            ("", _) => return py_str(v),
            ("s", Value::Str(s)) => return Some(s.clone()),
            ("d", Value::Int(i)) => return Some(i.to_string()),
            _ => return None,
        },
    };
    match spec.unwrap_or("") {
        "" | "s" => Some(s),
        _ => None,
    }
}

/// `"fmt" % args` for `%s`, `%d`, `%i`, `%r`, `%%` and `%(name)s`.
fn percent_format(fmt: &str, args: &Value, tuple: bool) -> Option<String> {
    let items: Vec<Value> = match args {
        Value::List(xs) if tuple => xs.iter().map(|x| x.value.clone()).collect(),
        Value::Map(_) => Vec::new(),
        v => vec![v.clone()],
    };
    let mut next = items.iter();
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut key = None;
        if chars.peek() == Some(&'(') {
            chars.next();
            let k: String = chars.by_ref().take_while(|c| *c != ')').collect();
            key = Some(k);
        }
        let value = |key: &Option<String>, next: &mut std::slice::Iter<'_, Value>| match key {
            Some(k) => args.get(k).map(|v| v.value.clone()),
            None => next.next().cloned(),
        };
        match chars.next()? {
            '%' => out.push('%'),
            's' => out.push_str(&py_str(&value(&key, &mut next)?)?),
            'r' => out.push_str(&py_repr(&value(&key, &mut next)?)?),
            'd' | 'i' => match value(&key, &mut next)? {
                Value::Int(i) => out.push_str(&i.to_string()),
                Value::Bool(b) => out.push_str(if b { "1" } else { "0" }),
                Value::Float(f) if f.is_finite() => out.push_str(&(f.trunc() as i64).to_string()),
                _ => return None,
            },
            _ => return None,
        }
    }
    if next.next().is_some() {
        return None; // "not all arguments converted"
    }
    Some(out)
}

/// `"{} {name}".format(…)` with plain fields (no conversion, no spec).
fn str_format(fmt: &str, pos: &[Value], names: &[&str], kws: &[Value]) -> Option<String> {
    let mut out = String::new();
    let mut auto = 0;
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '{' => {
                let field: String = chars.by_ref().take_while(|c| *c != '}').collect();
                if field.contains(['!', ':', '.', '[']) {
                    return None;
                }
                let v = if field.is_empty() {
                    auto += 1;
                    pos.get(auto - 1)?
                } else if let Ok(i) = field.parse::<usize>() {
                    pos.get(i)?
                } else {
                    let i = names.iter().position(|n| *n == field)?;
                    kws.get(i)?
                };
                out.push_str(&py_str(v)?);
            }
            '}' => return None,
            c => out.push(c),
        }
    }
    Some(out)
}

fn str_method(name: &str, recv: &Value, pos: &[Value], names: &[&str], kws: &[Value]) -> Value {
    let Value::Str(s) = recv else {
        return Value::Unknown(format!("`.{name}()` on a {}", type_name(recv)));
    };
    let unknown = || Value::Unknown(format!("`.{name}()` with these arguments"));
    let chars_arg = |i: usize| match pos.get(i) {
        None | Some(Value::Null) => Some(None),
        Some(Value::Str(c)) => Some(Some(c.clone())),
        _ => None,
    };
    let strip = |s: &str, chars: Option<String>, left: bool, right: bool| {
        let pred = |c: char| match &chars {
            None => c.is_whitespace(),
            Some(set) => set.contains(c),
        };
        let s = if left { s.trim_start_matches(pred) } else { s };
        let s = if right { s.trim_end_matches(pred) } else { s };
        Value::Str(s.to_owned())
    };
    if name != "format" && !kws.is_empty() {
        return unknown();
    }
    match name {
        "lower" | "casefold" if pos.is_empty() => Value::Str(s.to_lowercase()),
        "upper" if pos.is_empty() => Value::Str(s.to_uppercase()),
        "isdigit" if pos.is_empty() => Value::Bool(!s.is_empty() && s.chars().all(|c| c.is_numeric())),
        "strip" | "lstrip" | "rstrip" if pos.len() <= 1 => match chars_arg(0) {
            Some(c) => strip(s, c, name != "rstrip", name != "lstrip"),
            None => unknown(),
        },
        "replace" if pos.len() == 2 => match (&pos[0], &pos[1]) {
            (Value::Str(a), Value::Str(b)) if !a.is_empty() => Value::Str(s.replace(a.as_str(), b)),
            _ => unknown(),
        },
        "startswith" | "endswith" if pos.len() == 1 => match &pos[0] {
            Value::Str(p) => Value::Bool(if name == "startswith" {
                s.starts_with(p.as_str())
            } else {
                s.ends_with(p.as_str())
            }),
            _ => unknown(),
        },
        "split" if pos.len() <= 1 => {
            let parts: Vec<String> = match chars_arg(0) {
                Some(None) => s.split_whitespace().map(str::to_owned).collect(),
                Some(Some(sep)) if !sep.is_empty() => s.split(sep.as_str()).map(str::to_owned).collect(),
                _ => return unknown(),
            };
            Value::List(
                parts
                    .into_iter()
                    .map(|p| Spanned::new(Value::Str(p), Span::default()))
                    .collect(),
            )
        }
        "format" => str_format(s, pos, names, kws).map_or_else(unknown, Value::Str),
        _ => unknown(),
    }
}

/// Python's `int()`.
fn int_of(v: &Value, base: Option<i64>) -> Value {
    let bad = || Value::Unknown("`int()` of a value Python would reject".into());
    match (v, base) {
        (Value::Int(i), None) => Value::Int(*i),
        (Value::Bool(b), None) => Value::Int(i64::from(*b)),
        (Value::Float(f), None) if f.is_finite() && f.abs() < 9.2e18 => Value::Int(f.trunc() as i64),
        (Value::Symbolic(s), None) => {
            if s.contains(['/', '.']) {
                Value::Symbolic(format!("int({s})"))
            } else {
                Value::Symbolic(s.clone())
            }
        }
        (Value::Str(s), base) => {
            let t = s.trim();
            let (neg, t) = match t.strip_prefix('-') {
                Some(r) => (true, r),
                None => (false, t.strip_prefix('+').unwrap_or(t)),
            };
            let lower = t.to_ascii_lowercase();
            let (radix, digits) = match base.unwrap_or(10) {
                0 => [("0x", 16), ("0o", 8), ("0b", 2)]
                    .iter()
                    .find_map(|(p, r)| lower.strip_prefix(p).map(|d| (*r, d)))
                    .unwrap_or((10, lower.as_str())),
                b @ 2..=36 => {
                    let prefix = match b {
                        16 => "0x",
                        8 => "0o",
                        2 => "0b",
                        _ => "\u{0}",
                    };
                    (b as u32, lower.strip_prefix(prefix).unwrap_or(&lower))
                }
                _ => return bad(),
            };
            if digits.is_empty()
                || digits.starts_with('_')
                || digits.ends_with('_')
                || digits.contains("__")
                || digits.starts_with(['+', '-'])
            {
                return bad();
            }
            let clean: String = digits.chars().filter(|c| *c != '_').collect();
            match i64::from_str_radix(&clean, radix) {
                Ok(n) => Value::Int(if neg { -n } else { n }),
                Err(e) if matches!(e.kind(), std::num::IntErrorKind::PosOverflow) => overflow(),
                Err(_) => bad(),
            }
        }
        _ => bad(),
    }
}

/// Python's `float()`.
fn float_of(v: &Value) -> Value {
    match v {
        Value::Float(f) => Value::Float(*f),
        Value::Int(i) => Value::Float(*i as f64),
        Value::Bool(b) => Value::Float(f64::from(u8::from(*b))),
        Value::Symbolic(s) => Value::Symbolic(format!("float({s})")),
        Value::Str(s) => {
            let t = s.trim().to_ascii_lowercase();
            let t = t.strip_prefix('+').unwrap_or(&t);
            let named = match t.trim_start_matches('-') {
                "inf" | "infinity" => Some(f64::INFINITY),
                "nan" => Some(f64::NAN),
                _ => None,
            };
            if let Some(f) = named {
                return Value::Float(if t.starts_with('-') { -f } else { f });
            }
            let ok = !t.is_empty()
                && t.chars().all(|c| c.is_ascii_digit() || "._e+-".contains(c))
                && !t.contains("__")
                && !t.starts_with('_')
                && !t.ends_with('_');
            let clean: String = t.chars().filter(|c| *c != '_').collect();
            match clean.parse::<f64>() {
                Ok(f) if ok => Value::Float(f),
                _ => Value::Unknown("`float()` of a value Python would reject".into()),
            }
        }
        _ => Value::Unknown("`float()` of a value Python would reject".into()),
    }
}

fn round(v: &Value, digits: Option<&Value>) -> Value {
    match (num(v), digits) {
        (Some(Num::I(i)), None | Some(Value::Null)) => Value::Int(i),
        (Some(Num::F(f)), None | Some(Value::Null)) if f.is_finite() && f.abs() < 9.2e18 => {
            Value::Int(f.round_ties_even() as i64)
        }
        (Some(Num::F(f)), Some(Value::Int(0))) => Value::Float(f.round_ties_even()),
        (Some(Num::I(i)), Some(Value::Int(n))) if *n >= 0 => Value::Int(i),
        _ if matches!(v, Value::Symbolic(_)) => match sym_text(v) {
            Some(s) if digits.is_none() => Value::Symbolic(format!("round({s})")),
            _ => Value::Unknown("`round()` with these arguments".into()),
        },
        _ => Value::Unknown("`round()` with these arguments".into()),
    }
}

fn max_min(name: &str, x: &[Value]) -> Value {
    if x.is_empty() {
        return Value::Unknown(format!("`{name}()` of nothing"));
    }
    if x.iter().any(|v| matches!(v, Value::Symbolic(_))) {
        let parts: Option<Vec<String>> = x.iter().map(sym_text).collect();
        return parts.map_or(
            Value::Unknown(format!("`{name}()` of values lint502 cannot compare")),
            |p| Value::Symbolic(format!("{name}({})", p.join(", "))),
        );
    }
    let mut best = &x[0];
    for v in &x[1..] {
        let better = match compare(if name == "max" { ">" } else { "<" }, v, best) {
            Value::Bool(b) => b,
            _ => return Value::Unknown(format!("`{name}()` of values lint502 cannot compare")),
        };
        if better {
            best = v;
        }
    }
    best.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn module(text: &str) -> Module {
        parse_module(FileId(0), text)
    }

    /// The last top-level assignment to `name`.
    fn value(text: &str, name: &str) -> Value {
        let m = module(text);
        assert!(m.error.is_none(), "{:?}", m.error);
        m.assignments
            .iter()
            .rev()
            .find(|a| a.target.value == name)
            .map(|a| a.value.value.clone())
            .unwrap_or_else(|| panic!("no assignment to {name} in {:?}", m.assignments))
    }

    fn names(text: &str) -> Vec<String> {
        module(text).assignments.into_iter().map(|a| a.target.value).collect()
    }

    /// The value of the last assignment to `name` (spans stripped), and the
    /// environment variables it was computed from.
    fn computed(text: &str, name: &str) -> (Value, Vec<String>) {
        let m = module(text);
        assert!(m.error.is_none(), "{:?}", m.error);
        let a = m
            .assignments
            .iter()
            .rev()
            .find(|a| a.target.value == name)
            .expect("assigned");
        (strip(&a.value.value), a.env.clone())
    }

    fn vars(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| (*n).to_owned()).collect()
    }

    fn s(v: &str) -> Value {
        Value::Str(v.into())
    }

    fn list(items: Vec<Value>) -> Value {
        Value::List(items.into_iter().map(|v| Spanned::new(v, Span::default())).collect())
    }

    /// Compare values ignoring spans.
    fn strip(v: &Value) -> Value {
        match v {
            Value::List(xs) => Value::List(
                xs.iter()
                    .map(|x| Spanned::new(strip(&x.value), Span::default()))
                    .collect(),
            ),
            Value::Map(xs) => Value::Map(
                xs.iter()
                    .map(|(k, x)| {
                        (
                            Spanned::new(k.value.clone(), Span::default()),
                            Spanned::new(strip(&x.value), Span::default()),
                        )
                    })
                    .collect(),
            ),
            Value::Env { name, default } => Value::Env {
                name: name.clone(),
                default: default
                    .as_ref()
                    .map(|d| Box::new(Spanned::new(strip(&d.value), Span::default()))),
            },
            v => v.clone(),
        }
    }

    fn env(name: &str, default: Option<Value>) -> Value {
        Value::Env {
            name: name.into(),
            default: default.map(|d| Box::new(Spanned::new(d, Span::default()))),
        }
    }

    fn error(text: &str) -> String {
        module(text).error.map(|e| e.message).unwrap_or_default()
    }

    #[test]
    fn literals() {
        assert_eq!(value("a = 'x'", "a"), s("x"));
        assert_eq!(value("a = 42", "a"), Value::Int(42));
        assert_eq!(value("a = -42", "a"), Value::Int(-42));
        assert_eq!(value("a = 1_000", "a"), Value::Int(1000));
        assert_eq!(value("a = 0x1F", "a"), Value::Int(31));
        assert_eq!(value("a = 0o17", "a"), Value::Int(15));
        assert_eq!(value("a = 0b101", "a"), Value::Int(5));
        assert_eq!(value("a = 1.5", "a"), Value::Float(1.5));
        assert_eq!(value("a = .5", "a"), Value::Float(0.5));
        assert_eq!(value("a = 1.", "a"), Value::Float(1.0));
        assert_eq!(value("a = 1e3", "a"), Value::Float(1000.0));
        assert_eq!(value("a = True", "a"), Value::Bool(true));
        assert_eq!(value("a = False", "a"), Value::Bool(false));
        assert_eq!(value("a = None", "a"), Value::Null);
        assert_eq!(value("a = b'abc'", "a"), s("abc"));
        assert!(matches!(value("a = 2j", "a"), Value::Unknown(_)));
        assert!(matches!(value("a = 99999999999999999999", "a"), Value::Unknown(_)));
    }

    #[test]
    fn string_forms() {
        assert_eq!(value(r#"a = "a\tb\x41\101\u00e9""#, "a"), s("a\tbAAé"));
        assert_eq!(value(r#"a = r"C:\new\x" "#, "a"), s(r"C:\new\x"));
        assert_eq!(value(r#"a = R'\d+\.\d+'"#, "a"), s(r"\d+\.\d+"));
        assert_eq!(value(r#"a = rb"\x00""#, "a"), s(r"\x00"));
        // A raw string may end in an escaped quote; the backslash stays.
        assert_eq!(value(r#"a = r"\"" "#, "a"), s(r#"\""#));
        assert_eq!(value("a = 'it''s'", "a"), s("its"));
        assert_eq!(value("a = ('0.0.0.0'\n     ':8000')", "a"), s("0.0.0.0:8000"));
        assert_eq!(value("a = u'x' \"y\"", "a"), s("xy"));
        assert_eq!(value("a = 'x\\\ny'", "a"), s("xy"));
        assert_eq!(value("a = '''x\r\ny'''", "a"), s("x\ny"));
        assert!(matches!(value(r#"a = "\N{BULLET}""#, "a"), Value::Unknown(_)));
    }

    #[test]
    fn triple_quoted_strings_hide_equals_and_hashes() {
        let text = "doc = '''\nbind = \"x\"  # not a comment\nworkers = 3\n'''\nworkers = 2\n";
        let m = module(text);
        assert!(m.error.is_none());
        assert_eq!(names(text), ["doc", "workers"]);
        assert_eq!(value(text, "workers"), Value::Int(2));
        assert_eq!(value(text, "doc"), s("\nbind = \"x\"  # not a comment\nworkers = 3\n"));
        assert!(m.comments.is_empty());
        let text = "x = \"\"\"a \"quoted\" ''' b\"\"\"\ny = '#'  # real\n";
        assert_eq!(value(text, "x"), s("a \"quoted\" ''' b"));
        assert_eq!(value(text, "y"), s("#"));
        assert_eq!(module(text).comments[0].text, " real");
    }

    #[test]
    fn containers() {
        assert_eq!(
            strip(&value("bind = ['0.0.0.0:8000', 'unix:/run/app.sock']", "bind")),
            list(vec![s("0.0.0.0:8000"), s("unix:/run/app.sock")])
        );
        assert_eq!(
            strip(&value("a = (1, 'x', None,)", "a")),
            list(vec![Value::Int(1), s("x"), Value::Null])
        );
        assert_eq!(strip(&value("a = ()", "a")), list(vec![]));
        assert_eq!(strip(&value("a = 1, 2", "a")), list(vec![Value::Int(1), Value::Int(2)]));
        assert_eq!(strip(&value("a = {'b', 'a'}", "a")), list(vec![s("b"), s("a")]));
        let m = strip(&value("a = {'x': 1, 'y': [True], 'x': 3}", "a"));
        assert_eq!(m.get("x").map(|v| v.value.clone()), Some(Value::Int(3)));
        assert_eq!(m.get("y").map(|v| strip(&v.value)), Some(list(vec![Value::Bool(true)])));
        let Value::Map(entries) = &m else { panic!() };
        assert_eq!(entries.len(), 2);
        assert_eq!(
            strip(&value("a = {1: 'one'}", "a")).get("1").map(|v| v.value.clone()),
            Some(s("one"))
        );
        assert_eq!(
            strip(&value("a = [*[1], 2]", "a")),
            list(vec![Value::Int(1), Value::Int(2)])
        );
        assert!(matches!(value("a = [x for x in y]", "a"), Value::Unknown(_)));
        assert!(matches!(value("a = {**b}", "a"), Value::Unknown(_)));
        // A nested value keeps its own span.
        let text = "bind = ['a:1', 'b:2']";
        let Value::List(xs) = value(text, "bind") else { panic!() };
        assert_eq!(&text[xs[1].span.range()], "'b:2'");
    }

    #[test]
    fn environment_lookups() {
        let text = "import os\nbind = os.getenv(\"BIND\")\n";
        assert_eq!(value(text, "bind"), env("BIND", None));
        let text = "import os\nbind = os.getenv('BIND', '0.0.0.0:8000')\n";
        assert_eq!(strip(&value(text, "bind")), env("BIND", Some(s("0.0.0.0:8000"))));
        let text = "import os\ntimeout = int(os.environ.get(\"TIMEOUT\", \"120\"))\n";
        let v = value(text, "timeout");
        assert_eq!(strip(&v), env("TIMEOUT", Some(Value::Int(120))));
        // The converted default still points at the literal.
        let Value::Env { default: Some(d), .. } = v else {
            panic!()
        };
        assert_eq!(&text[d.span.range()], "\"120\"");
        assert_eq!(value("import os\nw = os.environ['W']", "w"), env("W", None));
        assert_eq!(value("import os\nw = os.getenv('W', None)", "w"), env("W", None));
        assert_eq!(
            strip(&value("import os\nw = os.getenv('W', default=3)", "w")),
            env("W", Some(Value::Int(3)))
        );
        assert_eq!(
            strip(&value("from os import environ\nw = environ.get('W', '4')", "w")),
            env("W", Some(s("4")))
        );
        assert_eq!(
            strip(&value("from os import getenv as g\nw = g('W', 5)", "w")),
            env("W", Some(Value::Int(5)))
        );
        // int() of an unset variable with no default fails: still "no default".
        assert_eq!(value("import os\nw = int(os.getenv('W'))", "w"), env("W", None));
        assert_eq!(
            strip(&value("import os\nr = bool(int(os.getenv('R', '0')))", "r")),
            env("R", Some(Value::Bool(false)))
        );
        assert_eq!(
            strip(&value("import os\nl = os.environ.get('L', 'INFO').lower()", "l")),
            env("L", Some(s("info")))
        );
        // A comparison is computed from $R: false when it is unset.
        assert_eq!(
            computed("import os\nr = os.environ.get('R', 'false').lower() == 'true'", "r"),
            (Value::Bool(false), vars(&["R"]))
        );
        // A lookup whose default is computed from others.
        let text = "import os\nh = os.getenv('H', 'x')\nb = os.getenv('B', h + ':1')\n";
        assert_eq!(computed(text, "b"), (env("B", Some(s("x:1"))), vars(&["H"])));
        assert_eq!(
            computed("import os\nb = os.getenv('A', os.getenv('B', '1'))", "b"),
            (env("A", Some(env("B", Some(s("1"))))), vec![])
        );
        assert_eq!(
            strip(&value("import os\nb = os.getenv('B') or '127.0.0.1:8000'", "b")),
            env("B", Some(s("127.0.0.1:8000")))
        );
        // `environ` that is django-environ, not os.environ.
        let text = "import environ\nenv = environ.Env()\nworkers = env.int('W', 3)\nx = environ.get('X')\n";
        assert_eq!(strip(&value(text, "workers")), env("W", Some(Value::Int(3))));
        assert!(matches!(value(text, "x"), Value::Unknown(_)));
        // Not imported: Python would fail, lint502 does not guess.
        assert!(matches!(value("w = os.getenv('W', 3)", "w"), Value::Unknown(_)));
    }

    #[test]
    fn fstrings_and_formatting() {
        let text = "PORT = 8000\nbind = f\"0.0.0.0:{PORT}\"\n";
        assert_eq!(value(text, "bind"), s("0.0.0.0:8000"));
        // Computed from the environment: the value when it is unset, and the
        // variables that change it.
        let text = "import os\nbind = f\"0.0.0.0:{os.getenv('PORT', '5000')}\"\n";
        assert_eq!(computed(text, "bind"), (s("0.0.0.0:5000"), vars(&["PORT"])));
        let text = "import os\nh = os.getenv('H', '0.0.0.0')\np = os.getenv('P', '80')\nb = f'{h}:{p}'\n";
        assert_eq!(computed(text, "b"), (s("0.0.0.0:80"), vars(&["H", "P"])));
        let text = "import os\nb = f\"{os.getenv('HOST')}:80\"\n";
        assert_eq!(computed(text, "b"), (s("None:80"), vars(&["HOST"])));
        let (v, used) = computed("import os\nb = int(os.getenv('W')) + 1\n", "b");
        assert!(matches!(v, Value::Unknown(_)), "{v:?}");
        assert_eq!(used, ["W"]);
        assert_eq!(value("x = 1\na = f'{x!r} {x=} {{lit}}'", "a"), s("1 x=1 {lit}"));
        assert_eq!(value("x = 'v'\na = f'{x!r}'", "a"), s("'v'"));
        assert_eq!(value("a = f\"{'nested' + f'{1 + 1}'}\"", "a"), s("nested2"));
        // 3.12: the same quotes inside a field.
        assert_eq!(value("a = f\"{\"in\"}\"", "a"), s("in"));
        assert_eq!(value("a = f'''{\n  1 +  # comment\n  2\n}'''", "a"), s("3"));
        assert_eq!(value("a = rf'\\d{1}'", "a"), s("\\d1"));
        assert_eq!(value("a = f'{1:d}'", "a"), s("1"));
        assert!(matches!(value("a = f'{1:>5}'", "a"), Value::Unknown(_)));
        assert!(matches!(value("a = f'{undefined}'", "a"), Value::Unknown(_)));
        assert!(matches!(value("a = t'{1}'", "a"), Value::Unknown(_)));
        assert_eq!(value("h = 'x'\np = 80\na = '%s:%d' % (h, p)", "a"), s("x:80"));
        assert_eq!(value("a = '%(h)s' % {'h': 'y'}", "a"), s("y"));
        assert_eq!(
            computed("import os\nh = os.getenv('H', 'x')\na = '%s:%d' % (h, 80)", "a"),
            (s("x:80"), vars(&["H"]))
        );
        assert!(matches!(value("a = '%s %s' % ('only one',)", "a"), Value::Unknown(_)));
        assert_eq!(value("a = '{}:{port}'.format('h', port=1)", "a"), s("h:1"));
        assert_eq!(value("a = ','.join(['a', 'b'])", "a"), s("a,b"));
        assert_eq!(value("a = 'x' + 'y' * 2", "a"), s("xyy"));
        assert_eq!(
            value("import os\na = os.path.join('/srv', 'app', 'x.log')", "a"),
            s("/srv/app/x.log")
        );
        assert_eq!(value("a = str(8000)", "a"), s("8000"));
        assert_eq!(value("a = str(1.5e20)", "a"), s("1.5e+20"));
    }

    /// Edge cases of f-string lexing, in the spirit of CPython's
    /// Lib/test/test_fstring.py (values as Python gives them).
    #[test]
    fn fstring_lexing_edge_cases() {
        let cases: &[(&str, Option<&str>)] = &[
            (r#"f'{3!=4}'"#, Some("True")),
            (r#"f'{0==1}'"#, Some("False")),
            (r#"f'{{{10}'"#, Some("{10")),
            (r#"f'}}{10}'"#, Some("}10")),
            (r#"f'{10}}}'"#, Some("10}")),
            (r#"f'{"{{}}"}'"#, Some("{{}}")),
            (r#"f'{"{"}'"#, Some("{")),
            (r#"f'{"a"!r}'"#, Some("'a'")),
            (r#"f'{"a!r"}'"#, Some("a!r")),
            (r#"f'{"x" """eric"s""" "y"}'"#, Some("xeric\"sy")),
            (r#"f"{'''eric's'''}""#, Some("eric's")),
            (r##"f'{"#"}'"##, Some("#")),
            (r#"'abc' f'## {"def"}ghi'"#, Some("abc## defghi")),
            (r#"f'\x7b1+1}}'"#, Some("{1+1}")),
            (r#"f'\\{6*7}'"#, Some("\\42")),
            (r#"fr'\{6*7}'"#, Some("\\42")),
            ("rf'''{3+\n4}'''", Some("7")),
            ("f'''{\n3\n=}'''", Some("\n3\n=3")),
            (r#"f'{ 3 }'"#, Some("3")),
            (r#"f'{3,}'"#, None),    // a tuple: lint502 does not format containers
            (r#"f'{x:=10}'"#, None), // `=10` is a format spec, not a walrus
            (r#"f'{3!=4!s:.3}'"#, None),
            (r#"f'{10:#{3 != {4:5} and 1}x}'"#, None),
            (r#"f'{ {x: y for x, y in [(1, 2), ]} }'"#, None),
            (r#"f'{(lambda y: y*2)("8")!r:10}'"#, None),
            (r#"f'\N{AMPERSAND}'"#, None),
            (r##"f'{d["#"]}'"##, None),
            (r#"f'{3.14:!<10.10}'"#, None),
        ];
        for (expr, want) in cases {
            let text = format!("x = 'X'\nd = {{}}\na = {expr}\nb = 1\n");
            let m = module(&text);
            assert!(m.error.is_none(), "{expr}: {:?}", m.error);
            assert_eq!(names(&text), ["x", "d", "a", "b"], "{expr}");
            let got = value(&text, "a");
            match want {
                Some(w) => assert_eq!(got, s(w), "{expr}"),
                None => assert!(matches!(got, Value::Unknown(_)), "{expr}: {got:?}"),
            }
        }
        // `\\N{x}` is a backslash, then `N`, then a field.
        assert_eq!(value("x = 'spam'\na = f'\\\\N{x}'", "a"), s("\\Nspam"));
        assert_eq!(value("x = 'spam'\na = fr'\\N{x}'", "a"), s("\\Nspam"));
        assert_eq!(
            value("x = 'spam'\na = f'\\\\\\N{AMPERSAND}{x}'", "a").clone(),
            value("a = f'\\N{AMPERSAND}'", "a")
        );
    }

    #[test]
    fn arithmetic_and_cpu_count() {
        assert_eq!(value("a = 2 + 3 * 4", "a"), Value::Int(14));
        assert_eq!(value("a = (2 + 3) * 4", "a"), Value::Int(20));
        assert_eq!(value("a = 2 ** 10", "a"), Value::Int(1024));
        assert_eq!(value("a = -2 ** 2", "a"), Value::Int(-4));
        assert_eq!(value("a = 7 // -2", "a"), Value::Int(-4));
        assert_eq!(value("a = -7 % 3", "a"), Value::Int(2));
        assert_eq!(value("a = 7 / 2", "a"), Value::Float(3.5));
        assert_eq!(value("a = 8190 * 4", "a"), Value::Int(32760));
        assert_eq!(value("a = 50*1024*1024", "a"), Value::Int(52428800));
        assert_eq!(value("a = 1 < 2 < 3", "a"), Value::Bool(true));
        assert_eq!(value("a = 3 > 2 > 2", "a"), Value::Bool(false));
        assert_eq!(value("a = not 0", "a"), Value::Bool(true));
        assert_eq!(value("a = 'x' in ['x']", "a"), Value::Bool(true));
        assert_eq!(value("a = 1 if 0 else 2", "a"), Value::Int(2));
        assert!(matches!(value("a = 1 / 0", "a"), Value::Unknown(_)));
        assert!(matches!(value("a = 2 ** 100", "a"), Value::Unknown(_)));
        let text = "import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n";
        assert_eq!(value(text, "workers"), Value::Symbolic("cpu_count() * 2 + 1".into()));
        let text = "import multiprocessing as mp\nw = 2 * mp.cpu_count() + 1\n";
        assert_eq!(value(text, "w"), Value::Symbolic("2 * cpu_count() + 1".into()));
        let text = "import os\nw = (os.cpu_count() + 1) * 2\n";
        assert_eq!(value(text, "w"), Value::Symbolic("(cpu_count() + 1) * 2".into()));
        let text = "from multiprocessing import cpu_count\nn = cpu_count()\nw = max(2, n - 1)\n";
        assert_eq!(value(text, "w"), Value::Symbolic("max(2, cpu_count() - 1)".into()));
        let text = "import os, multiprocessing\nw = int(os.environ.get('W', multiprocessing.cpu_count() * 2 + 1))\n";
        assert_eq!(
            strip(&value(text, "w")),
            env("W", Some(Value::Symbolic("cpu_count() * 2 + 1".into())))
        );
    }

    #[test]
    fn names_and_references() {
        let text = "a = b = 'x'\nc = a\n";
        assert_eq!(names(text), ["a", "b", "c"]);
        assert_eq!(value(text, "b"), s("x"));
        assert_eq!(value(text, "c"), s("x"));
        let text = "x, y = 1, 'two'\n[p, q] = (3, 4)\n";
        assert_eq!(value(text, "y"), s("two"));
        assert_eq!(value(text, "q"), Value::Int(4));
        assert_eq!(value("timeout: int = 30", "timeout"), Value::Int(30));
        assert!(names("timeout: int").is_empty());
        assert_eq!(value("w = 2\nw += 1", "w"), Value::Int(3));
        assert!(matches!(value("w += 1", "w"), Value::Unknown(_)));
        assert!(matches!(value("a = b", "a"), Value::Unknown(_)));
        // Targets that are not names are not top-level names.
        assert_eq!(
            names("import os\nos.environ['X'] = '1'\nx.y = 2\nf = lambda a=1: a\n"),
            ["f"]
        );
        assert_eq!(names("a = 1; b = 2"), ["a", "b"]);
        assert_eq!(names("print(a=1)\nx == 1\n"), Vec::<String>::new());
        // Soft keywords used as names.
        assert_eq!(
            names("match = 1\ntype = 'x'\ncase: int = 2\n"),
            ["match", "type", "case"]
        );
        assert!(names("type X = int\n").is_empty());
    }

    #[test]
    fn function_and_class_bodies_are_skipped() {
        let text = "\
def post_fork(server, worker):
    bind = \"x\"
    if True:
        workers = 9

class Worker(Base):
    timeout = 1
    def f(self):
        pass

bind = \"0.0.0.0:8000\"
@decorator
async def when_ready(server): timeout = 5
";
        let m = module(text);
        assert!(m.error.is_none(), "{:?}", m.error);
        assert_eq!(names(text), ["bind"]);
        assert_eq!(value(text, "bind"), s("0.0.0.0:8000"));
        let defs: Vec<(&str, &BindingKind)> = m.bindings.iter().map(|b| (b.name.value.as_str(), &b.kind)).collect();
        assert_eq!(
            defs,
            [
                ("post_fork", &BindingKind::Function),
                ("Worker", &BindingKind::Class),
                ("when_ready", &BindingKind::Function)
            ]
        );
        assert_eq!(&text[m.bindings[0].name.span.range()], "post_fork");
    }

    #[test]
    fn conditional_blocks() {
        let text = "\
import os
if os.getenv('DEV'):
    workers = 1
    if x:
        threads = 2
elif y: reload = True
else:
    workers = 4
try:
    import gevent
    worker_class = 'gevent'
except ImportError:
    worker_class = 'sync'
finally:
    timeout = 30
with open('x') as f:
    keepalive = 5
for i in range(3):
    backlog = i
bind = 'a'
";
        let m = module(text);
        assert!(m.error.is_none(), "{:?}", m.error);
        let got: Vec<(&str, bool)> = m
            .assignments
            .iter()
            .map(|a| (a.target.value.as_str(), a.conditional))
            .collect();
        assert_eq!(
            got,
            [
                ("workers", true),
                ("threads", true),
                ("reload", true),
                ("workers", true),
                ("worker_class", true),
                ("worker_class", true),
                ("timeout", false),
                ("keepalive", false),
                ("backlog", true),
                ("bind", false)
            ]
        );
        // A name last set conditionally is not known afterwards.
        assert!(matches!(value("if x:\n    a = 1\nb = a\n", "b"), Value::Unknown(_)));
        let text = "match cmd:\n    case 'a':\n        workers = 2\n    case _:\n        workers = 3\nx = 1\n";
        let m = module(text);
        assert!(m.error.is_none(), "{:?}", m.error);
        assert!(m.assignments[..2].iter().all(|a| a.conditional));
        assert!(!m.assignments[2].conditional);
    }

    #[test]
    fn if_chains_follow_the_branch_taken_without_environment() {
        // tiangolo/uvicorn-gunicorn-docker's pattern.
        let text = "\
import os
host = os.getenv('HOST', '0.0.0.0')
port = os.getenv('PORT', '80')
bind_env = os.getenv('BIND', None)
if bind_env:
    use_bind = bind_env
else:
    use_bind = f'{host}:{port}'
bind = use_bind
";
        assert_eq!(
            computed(text, "bind"),
            (s("0.0.0.0:80"), vars(&["BIND", "HOST", "PORT"]))
        );
        let m = module(text);
        assert!(
            m.assignments
                .iter()
                .filter(|a| a.target.value == "use_bind")
                .all(|a| a.conditional)
        );
        // Known conditions pick their branch; no environment involved.
        let text = "DEBUG = False\nif DEBUG:\n    w = 1\nelif 1 > 2: w = 2\nelse:\n    w = 3\nx = w\n";
        assert_eq!(value(text, "x"), Value::Int(3));
        // Without an else, the value before the chain stays when nothing holds.
        let text = "import os\nw = 4\nif os.getenv('DEV'):\n    w = 1\nx = w\n";
        assert_eq!(computed(text, "x"), (Value::Int(4), vars(&["DEV"])));
        // Undecidable conditions leave the names unknown.
        let text = "import sys\nif sys.platform == 'darwin':\n    w = 1\nelse:\n    w = 2\nx = w\n";
        assert!(matches!(value(text, "x"), Value::Unknown(_)));
        // An elif condition is read before any branch ran.
        let text = "a = 1\nif False:\n    pass\nelif a == 1:\n    a = 2\n    b = a\nc = b\n";
        assert_eq!(value(text, "c"), Value::Int(2));
        // Imports in undecided branches are still followed.
        let text = "import sys\nif sys.version_info > (3,):\n    import os\nelse:\n    import os\nb = os.getenv('B')\n";
        assert_eq!(value(text, "b"), env("B", None));
        // Nested blocks inside a branch stay conditional.
        let text = "if True:\n    if y:\n        w = 1\nx = w\n";
        assert!(matches!(value(text, "x"), Value::Unknown(_)));
    }

    #[test]
    fn spans() {
        let text = "import os\nbind = os.getenv('BIND', '0.0.0.0:8000')  # c\n";
        let m = module(text);
        let a = &m.assignments[0];
        assert_eq!(&text[a.target.span.range()], "bind");
        assert_eq!(&text[a.value.span.range()], "os.getenv('BIND', '0.0.0.0:8000')");
        assert_eq!(&text[a.span.range()], "bind = os.getenv('BIND', '0.0.0.0:8000')");
        let Value::Env { default: Some(d), .. } = &a.value.value else {
            panic!()
        };
        assert_eq!(&text[d.span.range()], "'0.0.0.0:8000'");
        assert_eq!(&text[m.comments[0].span.range()], "# c");
        assert_eq!((a.target.span.start, a.target.span.end), (10, 14));
    }

    #[test]
    fn line_joining_and_indentation() {
        let text = "x = [\n  1,\n# c\n  2]\ny = 1 + \\\n    2\nif x:\n\tz = 1\n\tw = 2\n";
        let m = module(text);
        assert!(m.error.is_none(), "{:?}", m.error);
        assert_eq!(names(text), ["x", "y", "z", "w"]);
        // A tab and eight spaces reach the same column, but CPython refuses
        // to compare them.
        assert_eq!(
            error("if x:\n\tz = 1\n        w = 2\n"),
            "inconsistent use of tabs and spaces in indentation"
        );
        assert_eq!(value(text, "y"), Value::Int(3));
        // Blank and comment lines do not count for indentation.
        let text = "if x:\n\n    # c\n    a = 1\n  # odd comment\nb = 2\n";
        assert!(module(text).error.is_none());
        assert_eq!(names(text), ["a", "b"]);
        // A BOM and CRLF line ends.
        let text = "\u{FEFF}a = 1\r\nif x:\r\n    b = 2\r\nc = 3\r\n";
        assert!(module(text).error.is_none());
        assert_eq!(names(text), ["a", "b", "c"]);
    }

    #[test]
    fn tokenizer_errors_are_reported_and_reading_goes_on() {
        let m = module("a = 1\nb = \"oops\nc = 3\n");
        let e = m.error.as_ref().expect("error");
        assert_eq!(e.message, "unterminated string literal (detected at line 2)");
        assert_eq!(e.span.start, 10);
        assert_eq!(names("a = 1\nb = \"oops\nc = 3\n"), ["a", "c"]);
        assert_eq!(
            error("a = '''never closed\n"),
            "unterminated triple-quoted string literal (detected at line 2)"
        );
        assert_eq!(
            error("a = f'x{1}\nb = 2\n"),
            "unterminated f-string literal (detected at line 1)"
        );
        assert_eq!(names("a = f'x{1}\nb = 2\n"), ["b"]);
        assert_eq!(error("a = (1,\nb = 2\n"), "'(' was never closed");
        assert_eq!(names("a = (1,\nb = 2\n"), ["b"]);
        assert_eq!(error("a = 1)\n"), "unmatched ')'");
        assert_eq!(
            error("a = (1]\n"),
            "closing parenthesis ']' does not match opening parenthesis '('"
        );
        assert_eq!(error("a = 1 $ 2\n"), "invalid character '$' (U+0024)");
        assert_eq!(
            error("a = 1 \\ 2\n"),
            "unexpected character after line continuation character"
        );
        assert_eq!(
            error("a = 012\n"),
            "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
        );
        assert_eq!(error("a = 1abc\n"), "invalid decimal literal");
        assert!(error("a = 1if x else 2\n").is_empty());
        assert_eq!(
            error("if x:\n    a = 1\n  b = 2\n"),
            "unindent does not match any outer indentation level"
        );
        assert_eq!(error("a = 1\n    b = 2\n"), "unexpected indent");
        assert_eq!(
            error("if x:\nb = 2\n"),
            "expected an indented block after 'if' statement on line 1"
        );
        assert_eq!(
            error("def f():\n"),
            "expected an indented block after function definition on line 1"
        );
        assert_eq!(
            error("try:\n    pass\nexcept E:\nx = 1\n"),
            "expected an indented block after 'except' statement on line 3"
        );
        assert_eq!(error("a = f'{1'\nb = 2\n"), "f-string: expecting '}'");
        assert_eq!(names("a = f'{1'\nb = 2\n"), ["b"]);
        assert_eq!(error("a = f'}'\n"), "f-string: single '}' is not allowed");
    }

    #[test]
    fn deep_nesting_does_not_crash() {
        // Run with half the stack of a test thread: the limits keep a margin
        // even in debug builds.
        let run = std::thread::Builder::new().stack_size(1 << 20).spawn(|| {
            let n = 10_000;
            let text = format!("a = {}1{}\nb = 2\n", "(".repeat(n), ")".repeat(n));
            let m = module(&text);
            assert_eq!(m.error.map(|e| e.message), Some("too many nested parentheses".into()));
            assert_eq!(names(&text), ["b"]);
            for chain in ["-", "not ", "2 ** ", "1 if 1 else ", "lambda: ", "x.", "await "] {
                let text = format!("a = {}1\n", chain.repeat(2_000));
                let m = module(&text);
                assert!(m.error.is_none(), "{chain}");
                assert!(matches!(m.assignments[0].value.value, Value::Unknown(_)), "{chain}");
            }
            // CPython's own limit of nesting is accepted (the value is not read).
            let text = format!("a = {}1{}\n", "[".repeat(MAX_PAREN_LEVEL), "]".repeat(MAX_PAREN_LEVEL));
            assert!(module(&text).error.is_none());
            let text = format!("a = {}1{}\n", "[".repeat(20), "]".repeat(20));
            assert!(matches!(value(&text, "a"), Value::List(_)));
            let k = MAX_FSTRING_LEVEL - 1;
            let text = format!("a = {}1{}\n", "f'{".repeat(k), "}'".repeat(k));
            assert!(module(&text).error.is_none());
            let text = format!("a = {}1{}\nb = 2\n", "f'{".repeat(n), "}'".repeat(n));
            assert_eq!(
                module(&text).error.map(|e| e.message),
                Some("too many nested f-strings".into())
            );
            assert_eq!(names(&text), ["b"]);
            // A long flat expression is folded up to MAX_EVAL_TOKENS tokens.
            let k = MAX_EVAL_TOKENS / 2 - 1;
            let text = format!("a = {}\n", "1 + ".repeat(k) + "1");
            assert_eq!(value(&text, "a"), Value::Int(k as i64 + 1));
            let text = format!("a = {}\n", "1 + ".repeat(n) + "1");
            assert!(matches!(value(&text, "a"), Value::Unknown(_)));
            let text = format!("a = {}1{}\n", "{'k': ".repeat(n), "}".repeat(n));
            assert!(module(&text).error.is_some());
        });
        assert!(run.map(|h| h.join().is_ok()).unwrap_or(false));
    }

    #[test]
    fn float_repr_matches_python() {
        for (f, want) in [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5, "-2.5"),
            (123456.789, "123456.789"),
            (1.5e-7, "1.5e-07"),
        ] {
            assert_eq!(py_float_repr(f), want);
        }
    }
}

#[cfg(test)]
mod never_panics {
    use super::*;

    /// No evaluator-internal environment value leaves the module.
    fn public(v: &Value) -> bool {
        match v {
            Value::Env { name, default } => {
                !name.contains([DERIVED, ',']) && default.as_ref().is_none_or(|d| public(&d.value))
            }
            Value::List(xs) => xs.iter().all(|x| public(&x.value)),
            Value::Map(xs) => xs.iter().all(|(_, x)| public(&x.value)),
            _ => true,
        }
    }

    /// Random text over the pieces that matter to Python's tokenizer and to
    /// lint502's reader: no panic, no internal error, spans on character
    /// boundaries.
    #[test]
    fn random_inputs() {
        const ALPHABET: &[&str] = &[
            " ",
            "\t",
            "\n",
            "\r\n",
            "\\",
            "#",
            "'",
            "\"",
            "'''",
            "\"\"\"",
            "f'",
            "rb\"",
            "f\"{",
            "t'",
            "{",
            "}",
            "(",
            ")",
            "[",
            "]",
            ":",
            "=",
            ",",
            ";",
            "!",
            "!r",
            "*",
            "**",
            "-",
            "+",
            "%",
            ".",
            "a",
            "bind",
            "os",
            "import os",
            "os.getenv(",
            "if",
            "else",
            "elif",
            "def",
            "class",
            "lambda",
            "not",
            "1",
            "0x",
            "1.5e",
            "_",
            "é",
            "€",
            "\u{FEFF}",
            "\u{1A}",
            "\u{0C}",
            "\\N{",
            "match",
            "case",
            "type",
            "try:",
            "except",
            "del",
            "@",
        ];
        for text in crate::text::random_texts(0x5eed, 10_000, 64, ALPHABET) {
            let m = parse_module(FileId(0), &text);
            if let Some(e) = &m.error {
                assert!(!e.message.starts_with("internal"), "{text:?}: {}", e.message);
                assert!(text.get(e.span.range()).is_some(), "{text:?}: {:?}", e.span);
            }
            for a in &m.assignments {
                assert!(text.get(a.span.range()).is_some(), "{text:?}");
                assert!(text.get(a.value.span.range()).is_some(), "{text:?}");
                assert!(public(&a.value.value), "{text:?}: {:?}", a.value);
            }
        }
    }
}

#[cfg(test)]
mod grammar {
    use super::*;
    use pest::{consumes_to, parses_to};

    #[test]
    fn strings_names_numbers_comments() {
        parses_to! {
            parser: PythonGrammar,
            input: "rb'x' # c",
            rule: Rule::tokens,
            tokens: [tokens(0, 9, [
                string(0, 5, [string_prefix(0, 2), single_sq(2, 3), short_sq_body(3, 4)]),
                comment(6, 9)
            ])]
        };
        // Three quotes open a triple-quoted string, never `''` then `'`.
        parses_to! {
            parser: PythonGrammar,
            input: "'''a'b'''",
            rule: Rule::tokens,
            tokens: [tokens(0, 9, [string(0, 9, [triple_sq(0, 3), long_sq_body(3, 6)])])]
        };
        parses_to! {
            parser: PythonGrammar,
            input: "'''a",
            rule: Rule::tokens,
            tokens: [tokens(0, 4, [unterminated_string(0, 4, [triple_sq(0, 3), long_sq_body(3, 4)])])]
        };
        parses_to! {
            parser: PythonGrammar,
            input: "x=1_000.5e-3j\\\n.5",
            rule: Rule::tokens,
            tokens: [tokens(0, 17, [
                plain_name(0, 1), operator(1, 2), number(2, 13), continuation(13, 15), number(15, 17)
            ])]
        };
    }

    #[test]
    fn fstrings_change_mode() {
        // The run of ordinary tokens stops after an f-string's start.
        parses_to! {
            parser: PythonGrammar,
            input: "a = f\"{x}\"",
            rule: Rule::tokens,
            tokens: [tokens(0, 6, [
                plain_name(0, 1), operator(2, 3),
                fstring_start(4, 6, [fstring_prefix(4, 5), single_dq(5, 6)])
            ])]
        };
        parses_to! {
            parser: PythonGrammar,
            input: "a\\N{DASH}{{",
            rule: Rule::fs_piece_dq,
            tokens: [fs_piece_dq(0, 9, [fs_text_dq(0, 9)])]
        };
        // Raw: `\N` is two characters and `{` opens a field.
        parses_to! {
            parser: PythonGrammar,
            input: "a\\N{DASH}",
            rule: Rule::rfs_piece_dq,
            tokens: [rfs_piece_dq(0, 3, [rfs_text_dq(0, 3)])]
        };
        parses_to! {
            parser: PythonGrammar,
            input: "{{x",
            rule: Rule::fs_piece_sq,
            tokens: [fs_piece_sq(0, 2, [fs_double_brace(0, 2)])]
        };
        parses_to! {
            parser: PythonGrammar,
            input: "\"\"\"",
            rule: Rule::fs_piece_tdq,
            tokens: [fs_piece_tdq(0, 3, [fs_end_tdq(0, 3)])]
        };
    }
}

#[cfg(test)]
mod import_tests {
    use super::*;

    /// (line, kind, dotted module with its leading dots, names, contexts).
    type Row = (usize, ImportKind, String, Vec<String>, Vec<&'static str>);

    fn imports(src: &str) -> Vec<Row> {
        let lines = LineIndex::new(src);
        parse_module(FileId(0), src)
            .imports
            .into_iter()
            .map(|i| {
                let c = i.context;
                let flags = [
                    (c.function, "function"),
                    (c.class, "class"),
                    (c.guarded, "guarded"),
                    (c.in_handler, "handler"),
                    (c.type_checking, "type_checking"),
                    (c.version_check, "version"),
                    (c.conditional, "conditional"),
                ];
                let module = format!("{}{}", ".".repeat(i.level as usize), i.module);
                (
                    lines.line(i.statement.start as usize),
                    i.kind,
                    module,
                    i.names,
                    flags.iter().filter(|(b, _)| *b).map(|(_, n)| *n).collect(),
                )
            })
            .collect()
    }

    fn v(xs: &[&str]) -> Vec<String> {
        xs.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn forms_and_contexts() {
        let src = "from __future__ import annotations\nimport os, sys as system\nfrom typing import TYPE_CHECKING\n\
                   import importlib\ntry:\n    import ujson as json\nexcept ImportError:\n    import json\n\
                   if TYPE_CHECKING:\n    from django.http import HttpRequest\nelse:\n    import runtime_only\n\
                   if sys.version_info >= (3, 11):\n    import tomllib\nelse:\n    import tomli as tomllib\n\
                   def f():\n    import requests\n    mod = importlib.import_module(\"myplugins.x\")\nclass C:\n\
                   \x20   from . import sibling\n    from ..pkg.sub import (a, b as bb)\nx = __import__(\"yaml\")\n\
                   try:\n    import optional_thing\nexcept (KeyError, ModuleNotFoundError):\n    pass\n\
                   try:\n    import not_guarded\nfinally:\n    pass\n";
        use ImportKind::*;
        assert_eq!(
            imports(src),
            vec![
                (1, From, "__future__".into(), v(&["annotations"]), vec![]),
                (2, Import, "os".into(), v(&[]), vec![]),
                (2, Import, "sys".into(), v(&[]), vec![]),
                (3, From, "typing".into(), v(&["TYPE_CHECKING"]), vec![]),
                (4, Import, "importlib".into(), v(&[]), vec![]),
                (6, Import, "ujson".into(), v(&[]), vec!["guarded"]),
                (8, Import, "json".into(), v(&[]), vec!["handler"]),
                (
                    10,
                    From,
                    "django.http".into(),
                    v(&["HttpRequest"]),
                    vec!["type_checking"]
                ),
                (12, Import, "runtime_only".into(), v(&[]), vec!["conditional"]),
                (14, Import, "tomllib".into(), v(&[]), vec!["version"]),
                (16, Import, "tomli".into(), v(&[]), vec!["version"]),
                (18, Import, "requests".into(), v(&[]), vec!["function"]),
                (19, ImportModule, "myplugins.x".into(), v(&[]), vec!["function"]),
                (21, From, ".".into(), v(&["sibling"]), vec!["class"]),
                (22, From, "..pkg.sub".into(), v(&["a", "b"]), vec!["class"]),
                (23, DunderImport, "yaml".into(), v(&[]), vec![]),
                (25, Import, "optional_thing".into(), v(&[]), vec!["guarded"]),
                (29, Import, "not_guarded".into(), v(&[]), vec![]),
            ]
        );
    }

    #[test]
    fn aliases_inline_bodies_and_bare_except() {
        let src = "import typing as t\nfrom typing import TYPE_CHECKING as TC\nif t.TYPE_CHECKING: import a\n\
                   if TC:\n    import b\nif not TYPE_CHECKING:\n    import c\ntry: import d\nexcept: pass\n\
                   async def g():\n    from e import f\nx = 1; import g2\n";
        let got: Vec<(String, Vec<&str>)> = imports(src).into_iter().map(|(_, _, m, _, c)| (m, c)).collect();
        assert_eq!(
            got,
            vec![
                ("typing".to_string(), vec![]),
                ("typing".to_string(), vec![]),
                ("a".to_string(), vec!["type_checking"]),
                ("b".to_string(), vec!["type_checking"]),
                // `not TYPE_CHECKING` runs.
                ("c".to_string(), vec!["conditional"]),
                ("d".to_string(), vec!["guarded"]),
                ("e".to_string(), vec!["function"]),
                ("g2".to_string(), vec![]),
            ]
        );
    }

    #[test]
    fn strings_and_comments_hold_no_imports() {
        let src = "s = '''\nimport fake\n'''\n# import nothing\nf = f\"{'import x'}\"\nimportlib = None\n\
                   m = importlib.import_module(name)\nn = __import__(f\"x{y}\")\n";
        assert!(imports(src).is_empty());
    }
}

#[cfg(test)]
mod function_tests {
    use super::*;

    fn module(text: &str) -> Module {
        parse_module(FileId(0), text)
    }

    fn func<'m>(m: &'m Module, name: &str) -> &'m Function {
        m.functions
            .iter()
            .find(|f| f.name.value == name)
            .unwrap_or_else(|| panic!("no function {name}: {:?}", m.functions))
    }

    /// (callee, text, awaited, nested, offloaded) of each call.
    fn calls<'f>(f: &'f Function, src: &'f str) -> Vec<(Option<&'f str>, &'f str, bool, bool, bool)> {
        f.calls
            .iter()
            .map(|c| (c.callee.as_deref(), c.text(src), c.awaited, c.nested, c.offloaded))
            .collect()
    }

    fn callees(f: &Function) -> Vec<Option<&str>> {
        f.calls.iter().map(|c| c.callee.as_deref()).collect()
    }

    #[test]
    fn route_handlers_decorators_and_calls() {
        let src = "\
from fastapi import FastAPI
import requests as rq

app = FastAPI(title=\"x\")


@app.get(\"/items/{id}\", status_code=200)
async def read(id: int, q: str = None):
    x = rq.get(f\"http://a/{id}\")
    return {\"a\": rq.post(\"u\", json=x.json())}


def plain():
    pass
";
        let m = module(src);
        assert_eq!(m.functions.len(), 2);
        let f = func(&m, "read");
        assert!(f.is_async);
        assert_eq!(f.class, None);
        assert_eq!(f.params, vec!["id", "q"]);
        let d = &f.decorators[0];
        assert_eq!(d.callee.as_deref(), Some("fastapi.FastAPI().get"));
        assert_eq!(d.text, "app.get");
        assert_eq!(d.receiver.as_deref(), Some("app"));
        assert!(d.call);
        assert_eq!(d.args.len(), 2);
        assert_eq!(d.args[0].keyword(src), None);
        assert_eq!(&src[d.args[0].span.range()], "\"/items/{id}\"");
        assert_eq!(d.args[1].keyword(src), Some("status_code"));
        assert_eq!(&src[d.span.range()], "app.get(\"/items/{id}\", status_code=200)");
        assert_eq!(
            calls(f, src),
            vec![
                (Some("requests.get"), "rq.get", false, false, false),
                (Some("requests.post"), "rq.post", false, false, false),
                // `x` holds the result of a call.
                (Some("requests.get().json"), "x.json", false, false, false),
            ]
        );
        let post = &f.calls[1];
        assert_eq!(&src[post.span.range()], "rq.post(\"u\", json=x.json())");
        assert_eq!(post.args[1].keyword(src), Some("json"));
        assert_eq!(&src[f.header.range()], "async def read(id: int, q: str = None):");
        assert!(src[f.span.range()].ends_with("x.json())}"));
        let p = func(&m, "plain");
        assert!(!p.is_async && p.decorators.is_empty() && p.calls.is_empty());
        // The decorator's call is a module-level call too.
        let top: Vec<_> = m.module_calls.iter().map(|c| c.callee.as_deref()).collect();
        assert_eq!(top, vec![Some("fastapi.FastAPI"), Some("fastapi.FastAPI().get")]);
    }

    #[test]
    fn imports_aliases_and_later_bindings() {
        let src = "\
from time import sleep as nap
import urllib.request


async def h():
    nap(1)
    urllib.request.urlopen(\"http://x\")
    subprocess.run([\"ls\"])
    await asyncio.sleep(1)
    open(\"f\")
    import socket
    socket.create_connection((\"a\", 1))
    from os import system
    system(\"ls\")


import subprocess, asyncio
";
        let m = module(src);
        let f = func(&m, "h");
        assert_eq!(
            callees(f),
            vec![
                Some("time.sleep"),
                Some("urllib.request.urlopen"),
                Some("subprocess.run"),
                Some("asyncio.sleep"),
                Some("open"),
                Some("socket.create_connection"),
                Some("os.system"),
            ]
        );
        assert!(f.calls[3].awaited && !f.calls[2].awaited);
    }

    #[test]
    fn nested_code_lambdas_and_thread_offloading() {
        let src = "\
import asyncio, time, requests
from starlette.concurrency import run_in_threadpool


async def h(loop):
    def inner():
        time.sleep(1)
        return requests.get(\"u\")
    async def also():
        time.sleep(2)
    cb = lambda: time.sleep(3)
    await asyncio.to_thread(time.sleep, 4)
    await run_in_threadpool(lambda: requests.get(\"u\"))
    await loop.run_in_executor(None, inner)
    await asyncio.to_thread(requests.get(\"now\"))
    time.sleep(5)
    if True: time.sleep(6)
";
        let m = module(src);
        assert_eq!(m.functions.len(), 1, "nested functions are not listed");
        let f = func(&m, "h");
        assert_eq!(
            calls(f, src),
            vec![
                (Some("time.sleep"), "time.sleep", false, true, false),
                (Some("requests.get"), "requests.get", false, true, false),
                (Some("time.sleep"), "time.sleep", false, true, false),
                (Some("time.sleep"), "time.sleep", false, true, false),
                (Some("asyncio.to_thread"), "asyncio.to_thread", true, false, false),
                (
                    Some("starlette.concurrency.run_in_threadpool"),
                    "run_in_threadpool",
                    true,
                    false,
                    false
                ),
                (Some("requests.get"), "requests.get", false, true, true),
                (None, "loop.run_in_executor", true, false, false),
                (Some("asyncio.to_thread"), "asyncio.to_thread", true, false, false),
                (Some("requests.get"), "requests.get", false, false, true),
                (Some("time.sleep"), "time.sleep", false, false, false),
                (Some("time.sleep"), "time.sleep", false, false, false),
            ]
        );
        // `time.sleep` passed, not called, to `to_thread`: an argument.
        assert_eq!(f.calls[4].args[0].name(src), Some("time.sleep"));
        // After the nested functions end, the body is direct again.
        assert!(!f.calls.last().is_some_and(|c| c.nested));
    }

    #[test]
    fn clients_sessions_and_shadowing() {
        let src = "\
import httpx, requests

session = requests.Session()


async def h(requests_mod, client):
    with httpx.Client(timeout=5) as c:
        c.get(\"u\")
    async with httpx.AsyncClient() as ac:
        await ac.get(\"u\")
    k = httpx.Client()
    k.post(\"u\")
    session.get(\"u\")
    requests.Session().get(\"u\")
    client.get(\"u\")
    r = await ac.get(\"u\")
    r.json()
    for httpx in []:
        httpx.get(\"u\")
";
        let m = module(src);
        let f = func(&m, "h");
        assert_eq!(
            callees(f),
            vec![
                Some("httpx.Client"),
                Some("httpx.Client().get"),
                Some("httpx.AsyncClient"),
                Some("httpx.AsyncClient().get"),
                Some("httpx.Client"),
                Some("httpx.Client().post"),
                Some("requests.Session().get"),
                Some("requests.Session"),
                Some("requests.Session().get"),
                None,
                Some("httpx.AsyncClient().get"),
                Some("httpx.AsyncClient().get().json"),
                None,
            ]
        );
        assert_eq!(f.calls[8].text(src), "requests.Session().get");
    }

    #[test]
    fn methods_classes_and_bare_decorators() {
        let src = "\
import functools
from quart import Quart, Blueprint

bp = Blueprint(\"b\", __name__)


class Outer:
    class Inner:
        @staticmethod
        async def m(self, x):
            return self.x.get(x)

    @functools.lru_cache(maxsize=2)
    def n(cls): return helper(cls)


def helper(x):
    return x


@bp.route(\"/\", methods=[\"GET\"])
async def index():
    return \"-\".join([])
";
        let m = module(src);
        let mm = func(&m, "m");
        assert_eq!(mm.class.as_deref(), Some("Outer.Inner"));
        assert_eq!(mm.params, vec!["self", "x"]);
        assert_eq!(mm.decorators[0].callee.as_deref(), Some("staticmethod"));
        assert!(!mm.decorators[0].call);
        assert_eq!(mm.decorators[0].receiver, None);
        assert_eq!(calls(mm, src), vec![(None, "self.x.get", false, false, false)]);
        let n = func(&m, "n");
        assert_eq!(n.class.as_deref(), Some("Outer"));
        assert_eq!(n.decorators[0].callee.as_deref(), Some("functools.lru_cache"));
        assert_eq!(n.decorators[0].args[0].keyword(src), Some("maxsize"));
        // A one-line body; `helper` is a function of this module.
        assert_eq!(calls(n, src), vec![(None, "helper", false, false, false)]);
        assert_eq!(func(&m, "helper").class, None);
        let i = func(&m, "index");
        assert_eq!(i.class, None);
        assert_eq!(i.decorators[0].callee.as_deref(), Some("quart.Blueprint().route"));
        assert_eq!(i.decorators[0].receiver.as_deref(), Some("bp"));
        assert_eq!(calls(i, src), vec![(None, "\"-\".join", false, false, false)]);
    }

    #[test]
    fn module_calls_and_arguments() {
        let src = "\
from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute
import views


async def home(request):
    pass

routes = [
    Route(\"/\", endpoint=home),
    Route(\"/v\", views.page, methods=[\"GET\"]),
    WebSocketRoute(\"/ws\", *extra, **more),
]
app = Starlette(routes=routes)
";
        let m = module(src);
        let top: Vec<_> = m.module_calls.iter().map(|c| c.callee.as_deref()).collect();
        assert_eq!(
            top,
            vec![
                Some("starlette.routing.Route"),
                Some("starlette.routing.Route"),
                Some("starlette.routing.WebSocketRoute"),
                Some("starlette.applications.Starlette"),
            ]
        );
        let a = &m.module_calls[0].args;
        assert_eq!((a[1].keyword(src), a[1].name(src)), (Some("endpoint"), Some("home")));
        let b = &m.module_calls[1].args;
        assert_eq!(b.len(), 3);
        assert_eq!((b[1].keyword(src), b[1].name(src)), (None, Some("views.page")));
        assert_eq!(b[2].name(src), None);
        let w = &m.module_calls[2].args;
        assert_eq!((w[1].star, w[2].star), (1, 2));
        assert_eq!(w[1].name(src), Some("extra"));
    }

    #[test]
    fn broken_and_odd_lines_do_not_panic() {
        for src in [
            "async def h(:\n    time.sleep(\n",
            "@\ndef f(): pass\n",
            "@app.get(\nasync def h(): pass\n",
            "def f():\n    x = (lambda: (\n",
            "async def h():\n    a.b.(c)\n    ).x(\n    f()()\n    x[0]()\n    (a)()\n",
            "class C(Base, metaclass=M):\n    x = compute()\n    def m(self): ...\n",
        ] {
            let m = module(src);
            let _ = (m.functions.len(), m.module_calls.len());
        }
        let src = "async def h():\n    f()()\n    x[0].y()\n    (a).b()\n";
        let m = module(src);
        let f = func(&m, "h");
        assert_eq!(
            f.calls.iter().map(|c| c.text(src)).collect::<Vec<_>>(),
            vec!["f", "x[0].y", "(a).b"]
        );
        assert_eq!(callees(f), vec![Some("f"), None, None]);
    }
}
