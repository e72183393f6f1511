//! Server command lines: the `gunicorn -w 4 -b 0.0.0.0:8001 app:app` inside a
//! Dockerfile `CMD`, a Procfile, a systemd `ExecStart=`, a compose `command:`
//! or a PM2 `script` + `args`.
//!
//! Three layers, each keeping byte spans into the file the text came from:
//!
//! 1. [`split`] / [`split_commands`]: POSIX shell word splitting (quotes,
//!    backslashes, `#` comments, `$(…)`, control operators), the way `sh -c`
//!    reads a line. Nothing is expanded; each [`Word`] remembers which of its
//!    bytes the shell would expand (`$PORT` unquoted or in double quotes).
//! 2. [`parse_command`] / [`parse_command_line`]: the server invocation inside
//!    a command, through wrappers (`exec`, `env`, `sh -c`, `python -m`,
//!    `poetry run`…), with the options read from each program's real option
//!    table (the `tables` module: read from the programs, versions below).
//! 3. [`effective_listeners`]: where the server listens, with the chain of
//!    decisions (command line, environment variables, defaults).
//!
//! Authorities: the programs themselves, read from a private venv with
//! gunicorn 27.0.1 (and 23.0.0 for differences), uvicorn 0.54.0, hypercorn
//! 0.18.0, daphne 4.2.3, waitress 3.0.2, Flask 3.1.3 (click 8.5.1), Django
//! 5.2.19, and `node --help` of Node v20.20.2; the facts are summarised in
//! `/work/shared/reference/backend-semantics.md` §1–2.

use std::ops::Range;

use crate::source::{FileId, Span};

// ---------------------------------------------------------------------------
// Words
// ---------------------------------------------------------------------------

/// A run of a [`Word`]'s text that is contiguous in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// Byte offset of the run in [`Word::text`].
    pub text_start: u32,
    /// Byte offset of the run's first byte in the file.
    pub file_start: u32,
    /// Whether the shell expands `$…` in this run (unquoted or double-quoted
    /// text; not single-quoted or backslash-escaped text, not `shlex` text).
    pub expands: bool,
}

/// One shell word after quote removal, with the span of its bytes in the
/// file (quotes included) and where each run of its text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word as the program receives it (quotes and escapes removed,
    /// nothing expanded).
    pub text: String,
    /// The word's bytes in the file, from its first byte to its last (an
    /// opening or closing quote included).
    pub span: Span,
    /// Where the runs of `text` are in the file, in order; the first starts at
    /// text offset 0 unless `text` is empty.
    pub pieces: Vec<Piece>,
}

impl Word {
    /// A word whose text is known without shell quoting (an exec-form
    /// `CMD ["gunicorn", …]` element, a PM2 `args` token). The text is mapped
    /// onto `span` linearly: from `span.start + 1` when the span is two bytes
    /// longer than the text (a quoted string), otherwise from `span.start`
    /// (offsets are kept inside `span` when the lengths disagree).
    pub fn verbatim(text: &str, span: Span, expands: bool) -> Word {
        let len = (span.end - span.start) as usize;
        let file_start = if len == text.len() + 2 {
            span.start + 1
        } else {
            span.start
        };
        let pieces = if text.is_empty() {
            Vec::new()
        } else {
            vec![Piece {
                text_start: 0,
                file_start,
                expands,
            }]
        };
        Word {
            text: text.to_owned(),
            span,
            pieces,
        }
    }

    /// File offset of text byte `i` (`i == text.len()` gives `span.end`).
    pub fn file_offset(&self, i: usize) -> u32 {
        if i >= self.text.len() {
            return self.span.end;
        }
        let off = match self.piece_at(i) {
            Some(p) => p.file_start + (i as u32 - p.text_start),
            None => self.span.start,
        };
        off.clamp(self.span.start, self.span.end)
    }

    fn piece_at(&self, i: usize) -> Option<&Piece> {
        let idx = self.pieces.partition_point(|p| (p.text_start as usize) <= i);
        idx.checked_sub(1).map(|k| &self.pieces[k])
    }

    /// Whether the shell expands the byte at `i` (see [`Piece::expands`]).
    pub fn expands_at(&self, i: usize) -> bool {
        self.piece_at(i).is_some_and(|p| p.expands)
    }

    /// The span of text bytes `range` in the file.
    pub fn span_of(&self, range: Range<usize>) -> Span {
        let file = self.span.file;
        if range.start >= range.end {
            let at = self.file_offset(range.start);
            return Span {
                file,
                start: at,
                end: at,
            };
        }
        let last = self.text[..range.end].chars().next_back().map_or(1, char::len_utf8);
        let start = self.file_offset(range.start);
        let end = (self.file_offset(range.end - last) + last as u32).clamp(start, self.span.end);
        Span { file, start, end }
    }

    /// The part `range` of this word, as a word of its own.
    pub fn slice(&self, range: Range<usize>) -> Word {
        let span = self.span_of(range.clone());
        let mut pieces = Vec::new();
        for (k, p) in self.pieces.iter().enumerate() {
            let p_end = self
                .pieces
                .get(k + 1)
                .map_or(self.text.len(), |q| q.text_start as usize);
            let s = (p.text_start as usize).max(range.start);
            let e = p_end.min(range.end);
            if s < e {
                pieces.push(Piece {
                    text_start: (s - range.start) as u32,
                    file_start: p.file_start + (s as u32 - p.text_start),
                    expands: p.expands,
                });
            }
        }
        Word {
            text: self.text[range].to_owned(),
            span,
            pieces,
        }
    }
}

// ---------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
struct Mode {
    /// `#` at the start of a word starts a comment.
    comments: bool,
    /// `;`, `&`, `|`, `(`, `)`, `<`, `>` and newlines are operators.
    operators: bool,
    /// POSIX shell rules (`$…` and backquotes kept whole, `\` in double
    /// quotes escapes only `$`, `` ` ``, `"`, `\`, newline). Off: Python's
    /// `shlex.split` (what gunicorn applies to `GUNICORN_CMD_ARGS`).
    shell: bool,
}

const SHELL: Mode = Mode {
    comments: true,
    operators: true,
    shell: true,
};
const SHLEX: Mode = Mode {
    comments: false,
    operators: false,
    shell: false,
};

#[derive(Debug)]
enum Tok {
    Word(Word),
    Op(String, Span),
}

#[derive(Default)]
struct Builder {
    text: String,
    pieces: Vec<Piece>,
    start: Option<u32>,
    end: u32,
    quoted: bool,
}

impl Builder {
    fn touch(&mut self, start: u32, end: u32) {
        if self.start.is_none() {
            self.start = Some(start);
        }
        self.end = self.end.max(end);
    }

    fn push(&mut self, c: char, at: u32, expands: bool) {
        self.touch(at, at + c.len_utf8() as u32);
        let contiguous = self
            .pieces
            .last()
            .is_some_and(|p| p.expands == expands && p.file_start + (self.text.len() as u32 - p.text_start) == at);
        if !contiguous {
            self.pieces.push(Piece {
                text_start: self.text.len() as u32,
                file_start: at,
                expands,
            });
        }
        self.text.push(c);
    }

    fn is_empty(&self) -> bool {
        self.start.is_none()
    }

    fn finish(&mut self, file: FileId, toks: &mut Vec<Tok>) {
        if let Some(start) = self.start {
            let b = std::mem::take(self);
            toks.push(Tok::Word(Word {
                text: b.text,
                span: Span {
                    file,
                    start,
                    end: b.end,
                },
                pieces: b.pieces,
            }));
        }
    }
}

/// Operators, longest first.
#[rustfmt::skip]
const OPERATORS: &[&str] = &[
    "&>>", "&&", "&>", "||", "|&", ";;", ">>", ">&", "<&", ">|", "<>", "<<", ";", "&", "|", "(", ")", "<", ">",
];

fn is_redirection(op: &str) -> bool {
    op.contains('<') || op.contains('>')
}

struct Lexer<'a> {
    cs: Vec<(usize, char)>,
    map: &'a dyn Fn(usize) -> u32,
    file: FileId,
    mode: Mode,
}

impl Lexer<'_> {
    fn at(&self, k: usize) -> u32 {
        (self.map)(self.cs[k].0)
    }
    fn end_of(&self, k: usize) -> u32 {
        self.at(k) + self.cs[k].1.len_utf8() as u32
    }
    fn ch(&self, k: usize) -> Option<char> {
        self.cs.get(k).map(|&(_, c)| c)
    }

    fn run(&self) -> Result<Vec<Tok>, String> {
        let mut toks = Vec::new();
        let mut b = Builder::default();
        let mut k = 0;
        let n = self.cs.len();
        while k < n {
            let c = self.cs[k].1;
            match c {
                ' ' | '\t' | '\r' => {
                    b.finish(self.file, &mut toks);
                    k += 1;
                }
                '\n' => {
                    b.finish(self.file, &mut toks);
                    if self.mode.operators {
                        let at = self.at(k);
                        toks.push(Tok::Op(
                            "\n".into(),
                            Span {
                                file: self.file,
                                start: at,
                                end: at + 1,
                            },
                        ));
                    }
                    k += 1;
                }
                '#' if self.mode.comments && b.is_empty() => {
                    while k < n && self.cs[k].1 != '\n' {
                        k += 1;
                    }
                }
                '\'' => {
                    b.touch(self.at(k), self.end_of(k));
                    b.quoted = true;
                    k += 1;
                    loop {
                        match self.ch(k) {
                            None => return Err("unterminated single quote".into()),
                            Some('\'') => {
                                b.touch(self.at(k), self.end_of(k));
                                k += 1;
                                break;
                            }
                            Some(c) => {
                                b.push(c, self.at(k), false);
                                k += 1;
                            }
                        }
                    }
                }
                '"' => {
                    b.touch(self.at(k), self.end_of(k));
                    b.quoted = true;
                    k += 1;
                    loop {
                        match self.ch(k) {
                            None => return Err("unterminated double quote".into()),
                            Some('"') => {
                                b.touch(self.at(k), self.end_of(k));
                                k += 1;
                                break;
                            }
                            Some('\\') => {
                                let next = self.ch(k + 1);
                                let escapable = if self.mode.shell {
                                    matches!(next, Some('$' | '`' | '"' | '\\' | '\n'))
                                } else {
                                    matches!(next, Some('"' | '\\'))
                                };
                                if next == Some('\n') && self.mode.shell {
                                    k += 2;
                                } else if escapable {
                                    b.touch(self.at(k), self.end_of(k));
                                    b.push(next.unwrap_or('\\'), self.at(k + 1), false);
                                    k += 2;
                                } else {
                                    b.push('\\', self.at(k), self.mode.shell);
                                    k += 1;
                                }
                            }
                            Some('$' | '`') if self.mode.shell => k = self.expansion(k, &mut b)?,
                            Some(c) => {
                                b.push(c, self.at(k), self.mode.shell);
                                k += 1;
                            }
                        }
                    }
                }
                '\\' => match self.ch(k + 1) {
                    Some('\n') => k += 2,
                    Some(next) => {
                        b.touch(self.at(k), self.end_of(k));
                        b.quoted = true;
                        b.push(next, self.at(k + 1), false);
                        k += 2;
                    }
                    None => {
                        if !self.mode.shell {
                            return Err("no character after the final backslash".into());
                        }
                        b.push('\\', self.at(k), false);
                        k += 1;
                    }
                },
                '$' | '`' if self.mode.shell => k = self.expansion(k, &mut b)?,
                ';' | '&' | '|' | '(' | ')' | '<' | '>' if self.mode.operators => {
                    let rest: String = self.cs[k..].iter().take(3).map(|&(_, c)| c).collect();
                    let op = OPERATORS
                        .iter()
                        .find(|op| rest.starts_with(**op))
                        .copied()
                        .unwrap_or(";");
                    let mut start = self.at(k);
                    let mut text = String::new();
                    // `2>&1`: digits right before a redirection are its file descriptor.
                    if is_redirection(op) && !b.quoted && !b.is_empty() && b.text.bytes().all(|x| x.is_ascii_digit()) {
                        start = b.start.unwrap_or(start);
                        text = std::mem::take(&mut b).text;
                    } else {
                        b.finish(self.file, &mut toks);
                    }
                    text.push_str(op);
                    let len = op.chars().count();
                    let end = self.end_of(k + len - 1);
                    toks.push(Tok::Op(
                        text,
                        Span {
                            file: self.file,
                            start,
                            end,
                        },
                    ));
                    k += len;
                }
                c => {
                    b.push(c, self.at(k), self.mode.shell);
                    k += 1;
                }
            }
        }
        b.finish(self.file, &mut toks);
        Ok(toks)
    }

    /// `$(…)`, `${…}`, `$((…))`, `` `…` `` or a plain `$`, kept verbatim in
    /// the word (marked expandable). Returns the index after it.
    fn expansion(&self, k: usize, b: &mut Builder) -> Result<usize, String> {
        let c = self.cs[k].1;
        let (open, close, what) = match (c, self.ch(k + 1)) {
            ('`', _) => ('`', '`', "unterminated backquote"),
            ('$', Some('(')) => ('(', ')', "unterminated command substitution"),
            ('$', Some('{')) => ('{', '}', "unterminated parameter expansion"),
            _ => {
                b.push(c, self.at(k), true);
                return Ok(k + 1);
            }
        };
        let mut j = if c == '`' { k + 1 } else { k + 2 };
        let mut depth = 1;
        while depth > 0 {
            match self.ch(j) {
                None => return Err(what.into()),
                Some('\\') => j += 2,
                Some('\'') if open != '`' => {
                    j += 1;
                    while self.ch(j).is_some_and(|c| c != '\'') {
                        j += 1;
                    }
                    if self.ch(j).is_none() {
                        return Err(what.into());
                    }
                    j += 1;
                }
                Some(x) if x == close => {
                    depth -= 1;
                    j += 1;
                }
                Some(x) if x == open && open != '`' => {
                    depth += 1;
                    j += 1;
                }
                Some(_) => j += 1,
            }
        }
        let j = j.min(self.cs.len());
        for m in k..j {
            b.push(self.cs[m].1, self.at(m), true);
        }
        Ok(j)
    }
}

fn lex_with(text: &str, file: FileId, map: &dyn Fn(usize) -> u32, mode: Mode) -> Result<Vec<Tok>, String> {
    Lexer {
        cs: text.char_indices().collect(),
        map,
        file,
        mode,
    }
    .run()
}

fn lex_text(text: &str, base: Span, mode: Mode) -> Result<Vec<Tok>, String> {
    let start = base.start;
    lex_with(text, base.file, &move |j| start + j as u32, mode)
}

fn lex_word(word: &Word, mode: Mode) -> Result<Vec<Tok>, String> {
    lex_with(&word.text, word.span.file, &|j| word.file_offset(j), mode)
}

/// Split `text` (found at `base` in its file) into shell words, as `sh`
/// tokenises a line: single and double quotes, backslashes, `#` comments at
/// the start of a word, `$(…)`/`${…}`/backquotes kept whole. Control and
/// redirection operators (`&&`, `;`, `|`, `>`, `2>&1`…) come back as words of
/// their own; use [`split_commands`] to group words into commands.
/// Unterminated quotes are errors.
pub fn split(text: &str, base: Span) -> Result<Vec<Word>, String> {
    Ok(lex_text(text, base, SHELL)?
        .into_iter()
        .filter_map(|t| match t {
            Tok::Word(w) => Some(w),
            Tok::Op(op, span) if op != "\n" => Some(Word::verbatim(&op, span, false)),
            Tok::Op(..) => None,
        })
        .collect())
}

/// Split `text` into commands: words grouped between the control operators
/// `&&`, `||`, `;`, `&`, `|`, `(`, `)` and newlines. Redirections (`> log`,
/// `2>&1`) are dropped with their target.
pub fn split_commands(text: &str, base: Span) -> Result<Vec<Vec<Word>>, String> {
    Ok(group_commands(lex_text(text, base, SHELL)?))
}

/// [`split_commands`] on the text of a word that a shell runs again
/// (`sh -c "cd /app && gunicorn app:app"`), with spans into the file.
pub fn split_word_commands(word: &Word) -> Result<Vec<Vec<Word>>, String> {
    Ok(group_commands(lex_word(word, SHELL)?))
}

fn group_commands(toks: Vec<Tok>) -> Vec<Vec<Word>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut skip_target = false;
    for t in toks {
        match t {
            Tok::Word(w) => {
                if std::mem::take(&mut skip_target) {
                    continue;
                }
                cur.push(w);
            }
            Tok::Op(op, _) if is_redirection(&op) => skip_target = true,
            Tok::Op(..) => {
                skip_target = false;
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

// ---------------------------------------------------------------------------
// The parsed command
// ---------------------------------------------------------------------------

/// Which server a command starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ServerKind {
    Gunicorn,
    Uvicorn,
    Hypercorn,
    Daphne,
    /// `waitress-serve` / `python -m waitress`.
    Waitress,
    /// `flask run` (the development server).
    Flask,
    /// Django `manage.py runserver` / `django-admin runserver`.
    Runserver,
    /// `node script.js`, or `npm start` / `npm run X` / `yarn …` / `pnpm …`
    /// (then [`ServerCommand::script`] is `None` and the package.json script
    /// named by [`ServerCommand::subcommand`] decides).
    Node,
    /// `python app.py`: a script that may start a server itself
    /// (`app.run(…)`, `uvicorn.run(…)`); the script decides everything.
    PythonScript,
    /// uWSGI: `uwsgi --socket …`, `uwsgi --ini uwsgi.ini` (its sockets come
    /// from the command line, `UWSGI_*` variables and ini files: see
    /// [`uwsgi_config`]).
    Uwsgi,
}

impl ServerKind {
    /// The name users know the server by.
    pub fn name(self) -> &'static str {
        match self {
            ServerKind::Gunicorn => "gunicorn",
            ServerKind::Uvicorn => "uvicorn",
            ServerKind::Hypercorn => "hypercorn",
            ServerKind::Daphne => "daphne",
            ServerKind::Waitress => "waitress-serve",
            ServerKind::Flask => "flask run",
            ServerKind::Runserver => "runserver",
            ServerKind::Node => "node",
            ServerKind::PythonScript => "python",
            ServerKind::Uwsgi => "uwsgi",
        }
    }

    /// Whether the command line alone names a server (a Python server); `node
    /// x.js`, `npm run x` and `python x.py` may as well be one-off tasks.
    fn is_server(self) -> bool {
        !matches!(self, ServerKind::Node | ServerKind::PythonScript)
    }
}

/// Where an environment variable of a [`ServerCommand`] was set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvOrigin {
    /// In the environment of the shell that runs the command: `export A=1`
    /// earlier in the line, or `A=1 sh -c '…'` around it. The shell expands
    /// `$A` in the command with it.
    Inherited,
    /// `A=1 gunicorn …` or `env A=1 gunicorn …`: only the server's
    /// environment; `$A` on the same command line is expanded before it.
    Command,
}

/// `NAME=value`, with the spans of both parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: Word,
    pub value: Word,
    pub origin: EnvOrigin,
}

/// One option as found on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliOption {
    /// The option's canonical spelling in the program's table (`--bind` for
    /// `-b`, `--bi=`, `--bind=…`); as written when the program has no such
    /// option.
    pub name: String,
    /// The option as written (only the option part of `--bind=x` / `-bx`).
    pub word: Word,
    /// Its value, if it took one.
    pub value: Option<Word>,
}

/// Something in the command that the program itself would reject or read
/// differently from what it seems to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Lowercase, no trailing period.
    pub message: String,
    pub span: Span,
}

/// The options and arguments of a server, field by field. Every field keeps
/// the word that decided it: for options given several times, the last one
/// (what argparse / click / getopt keep), except the lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args {
    /// The application: gunicorn/uvicorn/hypercorn/daphne/waitress positional
    /// `module:variable`; flask `--app`/`-A`; uwsgi `-w/--module`,
    /// `--wsgi-file` (the last), else a positional `app.py`/`pkg.mod:app`.
    pub app: Option<Word>,
    /// Address-like values, in order: gunicorn and hypercorn `-b/--bind`,
    /// waitress `--listen` (each space-separated entry), daphne
    /// `-e/--endpoint` (Twisted endpoint strings), runserver's `[addr:]port`.
    pub binds: Vec<Word>,
    /// uvicorn/waitress `--host`, flask `--host/-h`, daphne `-b/--bind`.
    pub host: Option<Word>,
    /// uvicorn/waitress `--port`, flask `--port/-p`, daphne `-p/--port`.
    pub port: Option<Word>,
    /// uvicorn `--uds`, daphne `-u/--unix-socket`, waitress `--unix-socket`.
    pub uds: Option<Word>,
    /// uvicorn and daphne `--fd`.
    pub fd: Option<Word>,
    /// gunicorn and hypercorn `-c/--config`; uwsgi `--ini` (the last one:
    /// uWSGI reads them all, see `options`).
    pub config: Option<Word>,
    /// gunicorn/hypercorn `-w/--workers`, uvicorn `--workers`, uwsgi
    /// `-p/--processes/--workers`.
    pub workers: Option<Word>,
    /// gunicorn/hypercorn `-k/--worker-class`.
    pub worker_class: Option<Word>,
    /// gunicorn `--threads`, waitress `--threads`.
    pub threads: Option<Word>,
    /// gunicorn `-t/--timeout` (worker heartbeat); daphne `-t/--http-timeout`
    /// (request length); uwsgi `-t/--harakiri` (seconds a request may take).
    pub timeout: Option<Word>,
    /// gunicorn/hypercorn `--graceful-timeout`.
    pub graceful_timeout: Option<Word>,
    /// Idle keep-alive: gunicorn/hypercorn `--keep-alive`, uvicorn
    /// `--timeout-keep-alive`, waitress `--channel-timeout` (inactive
    /// connections).
    pub keepalive: Option<Word>,
    /// gunicorn and uwsgi `--chdir`.
    pub chdir: Option<Word>,
    /// gunicorn/Django `--pythonpath`, uvicorn `--app-dir`.
    pub pythonpath: Option<Word>,
    /// gunicorn/hypercorn `--certfile`, uvicorn `--ssl-certfile`, flask `--cert`.
    pub certfile: Option<Word>,
    /// gunicorn/hypercorn `--keyfile`, uvicorn `--ssl-keyfile`, flask `--key`.
    pub keyfile: Option<Word>,
    /// gunicorn and uwsgi `--reuse-port` (the flag's word).
    pub reuse_port: Option<Word>,
    /// gunicorn `-e/--env KEY=VALUE` (set for the application after the
    /// configuration is read: it does not change gunicorn's own defaults).
    pub raw_env: Vec<EnvVar>,
    /// Every option in order, the ones above included.
    pub options: Vec<CliOption>,
    /// Arguments that are not options, in order (the app included).
    pub positionals: Vec<Word>,
    /// What the program would reject or misread.
    pub problems: Vec<Problem>,
}

impl Args {
    /// The last occurrence of an option, by canonical name (`"--bind"`).
    pub fn option(&self, name: &str) -> Option<&CliOption> {
        self.options.iter().rev().find(|o| o.name == name)
    }
}

/// A server invocation found in a command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerCommand {
    pub kind: ServerKind,
    /// The word naming the server: `gunicorn`, `venv/bin/gunicorn`, the module
    /// after `python -m`, `flask`, `manage.py`/`django-admin`/`django`,
    /// `node`, `npm`/`yarn`/`pnpm`, or the script run by `python`.
    pub program: Word,
    /// `run` of `flask run`, `runserver`, the npm script (`start` of
    /// `npm start`, `dev` of `npm run dev`).
    pub subcommand: Option<Word>,
    /// The interpreter that runs the program: `python3`, `venv/bin/python`.
    pub interpreter: Option<Word>,
    /// The script: node's `server.js`, `manage.py` when run by `python`, the
    /// script of [`ServerKind::PythonScript`].
    pub script: Option<Word>,
    /// Wrapper words in front of the server, outermost first: `exec`, `env`,
    /// `nohup`, `sh`, `poetry`, `python`…
    pub wrappers: Vec<Word>,
    /// Environment set on the command line, in order (later wins).
    pub env: Vec<EnvVar>,
    /// `cd DIR` earlier on the line, `env -C DIR`, `npm --prefix DIR`, in
    /// order: the working directory the server starts in, relative to the
    /// one the command started in.
    pub cd: Vec<Word>,
    pub args: Args,
}

impl ServerCommand {
    /// The last value of an environment variable set on the command line.
    pub fn env_var(&self, name: &str) -> Option<&EnvVar> {
        self.env.iter().rev().find(|e| e.name.text == name)
    }
}

// ---------------------------------------------------------------------------
// Option tables and the option parser
// ---------------------------------------------------------------------------

/// How many values an option takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arity {
    Flag,
    Value,
    /// argparse `nargs="?"`: a value only when the next word is one.
    Optional,
}

/// Which [`Args`] field an option fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Other,
    App,
    Bind,
    Host,
    Port,
    Uds,
    Fd,
    Config,
    Workers,
    WorkerClass,
    Threads,
    Timeout,
    GracefulTimeout,
    KeepAlive,
    Chdir,
    PythonPath,
    Certfile,
    Keyfile,
    ReusePort,
    RawEnv,
}

#[derive(Debug, Clone, Copy)]
struct OptSpec {
    names: &'static [&'static str],
    arity: Arity,
    field: Field,
}

impl OptSpec {
    fn canonical(&self) -> &'static str {
        self.names
            .iter()
            .filter(|n| n.starts_with("--"))
            .max_by_key(|n| n.len())
            .unwrap_or(&self.names[0])
    }
}

const fn o(names: &'static [&'static str], arity: Arity, field: Field) -> OptSpec {
    OptSpec { names, arity, field }
}

/// How a program reads its options.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// Python argparse: unique prefixes of long options accepted, `--opt=v`,
    /// `-ov`, `-o=v`, flag clusters, options and positionals intermixed, a
    /// value may not start with `-`.
    Argparse,
    /// click: exact long names only, `--opt=v`, `-ov`, clusters, intermixed
    /// (commands); anything may be a value.
    Click,
    /// Python getopt (waitress): long options only, unique prefixes, `--opt=v`
    /// or `--opt v`, and option parsing stops at the first positional.
    Getopt,
    /// glibc `getopt_long` (uWSGI): unique prefixes of long options (several
    /// matches are ambiguous), `--opt=v` or `--opt v`, `-ov`, `-o v`, flag
    /// clusters, options and arguments in any order; a required value may
    /// start with `-`; an optional value only attached (`--opt=v`, `-ov`).
    GnuGetopt,
}

struct Program {
    name: &'static str,
    table: &'static [OptSpec],
    style: Style,
}

enum Lookup<'t> {
    Found(&'t OptSpec),
    Unknown,
    Ambiguous,
}

fn lookup_long<'t>(table: &'t [OptSpec], name: &str, style: Style) -> Lookup<'t> {
    if let Some(s) = table.iter().find(|s| s.names.contains(&name)) {
        return Lookup::Found(s);
    }
    if style == Style::Click || name.len() < 3 {
        return Lookup::Unknown;
    }
    let mut hits = table
        .iter()
        .filter(|s| s.names.iter().any(|n| n.starts_with("--") && n.starts_with(name)));
    match (hits.next(), hits.next()) {
        (Some(s), None) => Lookup::Found(s),
        (Some(_), Some(_)) => Lookup::Ambiguous,
        _ => Lookup::Unknown,
    }
}

fn lookup_short<'t>(table: &'t [OptSpec], name: &str) -> Option<&'t OptSpec> {
    table.iter().find(|s| s.names.contains(&name))
}

fn looks_negative_number(t: &str) -> bool {
    t.len() > 1 && t.starts_with('-') && t[1..].parse::<f64>().is_ok()
}

fn problem(args: &mut Args, span: Span, message: String) {
    args.problems.push(Problem { message, span });
}

/// Parse options and positionals. With `stop_at_positional`, stops at the
/// first positional (click groups) and returns its index.
fn parse_args(prog: &Program, words: &[Word], stop_at_positional: bool) -> (Args, Option<usize>) {
    let mut a = Args::default();
    let mut i = 0;
    let mut only_positionals = false;
    let mut getopt_stopped_at: Option<Span> = None;
    while i < words.len() {
        let w = &words[i];
        let t = w.text.as_str();
        // argparse reads `-6` as an option when the parser has options that look
        // like negative numbers (Django's `-6`), else as a number.
        let negative = looks_negative_number(t)
            && !prog
                .table
                .iter()
                .any(|s| s.names.iter().any(|n| looks_negative_number(n)));
        if only_positionals || t == "-" || !t.starts_with('-') || negative {
            if stop_at_positional && !only_positionals {
                return (a, Some(i));
            }
            if only_positionals && getopt_stopped_at.is_some() && t.starts_with('-') && t.len() > 1 {
                problem(
                    &mut a,
                    w.span,
                    format!(
                        "{} reads no options after the application: `{t}` is taken as another argument",
                        prog.name
                    ),
                );
            }
            a.positionals.push(w.clone());
            if prog.style == Style::Getopt && !only_positionals {
                only_positionals = true;
                getopt_stopped_at = Some(w.span);
            }
            i += 1;
            continue;
        }
        if t == "--" {
            only_positionals = true;
            i += 1;
            continue;
        }
        i += 1;
        if t.starts_with("--") {
            let (name, eq) = match t.find('=') {
                Some(e) => (&t[..e], Some(e)),
                None => (t, None),
            };
            let attached = eq.map(|e| w.slice(e + 1..t.len()));
            let opt_word = w.slice(0..name.len());
            match lookup_long(prog.table, name, prog.style) {
                Lookup::Found(spec) => {
                    let value = take_value(prog, spec, &opt_word, attached, words, &mut i, &mut a);
                    apply(&mut a, spec, opt_word, value);
                }
                found => {
                    let why = if matches!(found, Lookup::Ambiguous) {
                        "an ambiguous"
                    } else {
                        "no"
                    };
                    problem(
                        &mut a,
                        opt_word.span,
                        format!("{} has {why} option `{name}` and stops with a usage error", prog.name),
                    );
                    a.options.push(CliOption {
                        name: name.to_owned(),
                        word: opt_word,
                        value: attached,
                    });
                }
            }
            continue;
        }
        // Short options: `-b x`, `-bx`, `-b=x` (argparse), clusters `-Dw4`.
        if prog.style == Style::Argparse
            && let Some(e) = t.find('=')
            && let Some(spec) = lookup_short(prog.table, &t[..e])
        {
            let opt_word = w.slice(0..e);
            let value = take_value(
                prog,
                spec,
                &opt_word,
                Some(w.slice(e + 1..t.len())),
                words,
                &mut i,
                &mut a,
            );
            apply(&mut a, spec, opt_word, value);
            continue;
        }
        let mut pos = 1;
        while pos < t.len() {
            let c_len = t[pos..].chars().next().map_or(1, char::len_utf8);
            let name = format!("-{}", &t[pos..pos + c_len]);
            let opt_word = if pos == 1 {
                w.slice(0..1 + c_len)
            } else {
                w.slice(pos..pos + c_len)
            };
            let Some(spec) = (if prog.style == Style::Getopt {
                None
            } else {
                lookup_short(prog.table, &name)
            }) else {
                problem(
                    &mut a,
                    opt_word.span,
                    format!("{} has no option `{name}` and stops with a usage error", prog.name),
                );
                a.options.push(CliOption {
                    name,
                    word: opt_word,
                    value: None,
                });
                break;
            };
            pos += c_len;
            if spec.arity == Arity::Flag {
                apply(&mut a, spec, opt_word, None);
                continue;
            }
            let attached = (pos < t.len()).then(|| w.slice(pos..t.len()));
            let value = take_value(prog, spec, &opt_word, attached, words, &mut i, &mut a);
            apply(&mut a, spec, opt_word, value);
            break;
        }
    }
    (a, None)
}

/// Values accepted by gunicorn's `--proxy-protocol` (27.0.1
/// `validate_proxy_protocol`). Only these are taken as its optional value, so
/// `--proxy-protocol app:app` keeps the app (gunicorn 23 reads it as a flag).
const PROXY_PROTOCOL_VALUES: &[&str] = &["off", "false", "0", "none", "true", "auto", "1", "v1", "v2"];

fn take_value(
    prog: &Program,
    spec: &OptSpec,
    opt_word: &Word,
    attached: Option<Word>,
    words: &[Word],
    i: &mut usize,
    a: &mut Args,
) -> Option<Word> {
    match spec.arity {
        Arity::Flag => {
            if let Some(v) = attached {
                problem(
                    a,
                    v.span,
                    format!(
                        "{} option `{}` takes no value: `{}` makes it stop",
                        prog.name,
                        spec.canonical(),
                        v.text
                    ),
                );
            }
            None
        }
        Arity::Optional if prog.style == Style::GnuGetopt => attached,
        Arity::Optional => attached.or_else(|| {
            let next = words.get(*i)?;
            if PROXY_PROTOCOL_VALUES.contains(&next.text.to_ascii_lowercase().as_str()) {
                *i += 1;
                return Some(next.clone());
            }
            if !next.text.starts_with('-') {
                let msg = format!(
                    "gunicorn 24.1 and later read `{}` as the {} mode and stop; gunicorn 23 reads it as an argument",
                    next.text,
                    spec.canonical()
                );
                problem(a, next.span, msg);
            }
            None
        }),
        Arity::Value => {
            if attached.is_some() {
                return attached;
            }
            match words.get(*i) {
                Some(next)
                    if prog.style == Style::Argparse
                        && next.text.starts_with('-')
                        && next.text.len() > 1
                        && !looks_negative_number(&next.text) =>
                {
                    problem(
                        a,
                        opt_word.span,
                        format!(
                            "{} option `{}` expects a value and stops with a usage error",
                            prog.name, opt_word.text
                        ),
                    );
                    None
                }
                Some(next) => {
                    *i += 1;
                    Some(next.clone())
                }
                None => {
                    problem(
                        a,
                        opt_word.span,
                        format!(
                            "{} option `{}` expects a value and stops with a usage error",
                            prog.name, opt_word.text
                        ),
                    );
                    None
                }
            }
        }
    }
}

fn apply(a: &mut Args, spec: &OptSpec, word: Word, value: Option<Word>) {
    a.options.push(CliOption {
        name: spec.canonical().to_owned(),
        word: word.clone(),
        value: value.clone(),
    });
    let slot = match spec.field {
        Field::Other => return,
        Field::ReusePort => {
            a.reuse_port = Some(word);
            return;
        }
        Field::Bind => {
            if let Some(v) = value {
                if spec.canonical() == "--listen" {
                    // waitress `aslist`: whitespace-separated entries.
                    a.binds.extend(subwords(&v));
                } else {
                    a.binds.push(v);
                }
            }
            return;
        }
        Field::RawEnv => {
            if let Some(v) = value {
                match assignment_parts(&v, false) {
                    Some((name, value)) => a.raw_env.push(EnvVar {
                        name,
                        value,
                        origin: EnvOrigin::Command,
                    }),
                    None => problem(
                        a,
                        v.span,
                        format!("`{}` is not KEY=VALUE: gunicorn stops with an error", v.text),
                    ),
                }
            }
            return;
        }
        Field::App => &mut a.app,
        Field::Host => &mut a.host,
        Field::Port => &mut a.port,
        Field::Uds => &mut a.uds,
        Field::Fd => &mut a.fd,
        Field::Config => &mut a.config,
        Field::Workers => &mut a.workers,
        Field::WorkerClass => &mut a.worker_class,
        Field::Threads => &mut a.threads,
        Field::Timeout => &mut a.timeout,
        Field::GracefulTimeout => &mut a.graceful_timeout,
        Field::KeepAlive => &mut a.keepalive,
        Field::Chdir => &mut a.chdir,
        Field::PythonPath => &mut a.pythonpath,
        Field::Certfile => &mut a.certfile,
        Field::Keyfile => &mut a.keyfile,
    };
    if value.is_some() {
        *slot = value;
    }
}

/// The whitespace-separated parts of a word, as words.
fn subwords(w: &Word) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in w.text.char_indices().chain(std::iter::once((w.text.len(), ' '))) {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                out.push(w.slice(s..i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    out
}

/// `NAME=value` → (name, value). With `unquoted_name`, the name and `=` must
/// not be quoted or escaped (the shell's rule for assignments).
fn assignment_parts(w: &Word, unquoted_name: bool) -> Option<(Word, Word)> {
    let eq = w.text.find('=')?;
    let name = &w.text[..eq];
    let mut chars = name.chars();
    let first = chars.next()?;
    if !(first.is_ascii_alphabetic() || first == '_') || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    if unquoted_name {
        let p = w.pieces.first()?;
        let plain =
            p.file_start == w.span.start && p.expands && w.pieces.get(1).is_none_or(|q| q.text_start as usize > eq);
        if !plain {
            return None;
        }
    }
    Some((w.slice(0..eq), w.slice(eq + 1..w.text.len())))
}

/// Node v20.20.2 `node --help`: options that take a value, as `--opt=v` or
/// `--opt v` (V8 options such as `--max-old-space-size` need `=`; the
/// `--inspect*` family takes a value only with `=`).
#[rustfmt::skip]
const NODE_VALUE_OPTIONS: &[&str] = &[
    "--allow-fs-read", "--allow-fs-write", "--build-snapshot-config", "-C", "--conditions", "--cpu-prof-dir",
    "--cpu-prof-interval", "--cpu-prof-name", "--diagnostic-dir", "--disable-proto", "--disable-warning",
    "--dns-result-order", "--env-file", "--env-file-if-exists", "--experimental-default-type", "--loader",
    "--experimental-loader", "--experimental-policy", "--experimental-sea-config", "--heap-prof-dir",
    "--heap-prof-interval", "--heap-prof-name", "--heapsnapshot-near-heap-limit", "--heapsnapshot-signal",
    "--icu-data-dir", "--import", "--input-type", "--debug-port", "--inspect-port", "--inspect-publish-uid",
    "--max-http-header-size", "--network-family-autoselection-attempt-timeout", "--openssl-config",
    "--policy-integrity", "--redirect-warnings", "--report-directory", "--report-dir", "--report-filename",
    "--report-signal", "-r", "--require", "--secure-heap", "--secure-heap-min", "--snapshot-blob",
    "--test-concurrency", "--test-name-pattern", "--test-reporter", "--test-reporter-destination", "--test-shard",
    "--test-timeout", "--title", "--tls-cipher-list", "--tls-keylog", "--trace-event-categories",
    "--trace-event-file-pattern", "--trace-require-module", "--unhandled-rejections", "--use-largepages",
    "--v8-pool-size", "--watch-path",
];

/// Node options after which it runs no script file (eval, check, REPL,
/// test runner, `--run` of a package.json script in Node ≥ 22).
#[rustfmt::skip]
const NODE_NO_SCRIPT: &[&str] = &[
    "-e", "--eval", "-p", "--print", "-c", "--check", "-i", "--interactive", "--test", "-v", "--version", "-h",
    "--help", "--run", "--v8-options",
];

/// Launchers that are Python scripts (what `pip` installs into `bin/`).
#[rustfmt::skip]
const PYTHON_LAUNCHERS: &[&str] = &[
    "gunicorn", "uvicorn", "hypercorn", "daphne", "waitress-serve", "flask", "django-admin",
];

mod tables {
    //! Option tables read from the programs themselves (see each comment).
    //! Generated from the installed packages' argparse/click/getopt
    //! definitions, then kept by hand.
    use super::Arity::{Flag, Optional, Value};
    use super::Field::*;
    use super::{OptSpec, o};

    /// gunicorn 27.0.1 `gunicorn/config.py` (every `Setting.cli`, plus argparse's
    /// `-h` and gunicorn's `-v`); a superset of 23.0.0, where `--proxy-protocol`
    /// is a plain flag.
    pub(super) const GUNICORN_OPTIONS: &[OptSpec] = &[
        o(&["-v", "--version"], Flag, Other),
        o(&["-h", "--help"], Flag, Other),
        o(&["--access-logfile"], Value, Other),
        o(&["--access-logformat"], Value, Other),
        o(&["--asgi-disconnect-grace-period"], Value, Other),
        o(&["--asgi-lifespan"], Value, Other),
        o(&["--asgi-loop"], Value, Other),
        o(&["--backlog"], Value, Other),
        o(&["-b", "--bind"], Value, Bind),
        o(&["--ca-certs"], Value, Other),
        o(&["--capture-output"], Flag, Other),
        o(&["--casefold-http-method"], Flag, Other),
        o(&["--cert-reqs"], Value, Other),
        o(&["--certfile"], Value, Certfile),
        o(&["--chdir"], Value, Chdir),
        o(&["--check-config"], Flag, Other),
        o(&["--ciphers"], Value, Other),
        o(&["-c", "--config"], Value, Config),
        o(&["--control-socket"], Value, Other),
        o(&["--control-socket-mode"], Value, Other),
        o(&["-D", "--daemon"], Flag, Other),
        o(&["--dirty-app"], Value, Other),
        o(&["--dirty-graceful-timeout"], Value, Other),
        o(&["--dirty-threads"], Value, Other),
        o(&["--dirty-timeout"], Value, Other),
        o(&["--dirty-workers"], Value, Other),
        o(&["--disable-redirect-access-to-syslog"], Flag, Other),
        o(&["--do-handshake-on-connect"], Flag, Other),
        o(&["--dogstatsd-tags"], Value, Other),
        o(&["--enable-backlog-metric"], Flag, Other),
        o(&["-R", "--enable-stdio-inheritance"], Flag, Other),
        o(&["-e", "--env"], Value, RawEnv),
        o(&["--forwarded-allow-ips"], Value, Other),
        o(&["--forwarder-headers"], Value, Other),
        o(&["--graceful-timeout"], Value, GracefulTimeout),
        o(&["-g", "--group"], Value, Other),
        o(&["--header-map"], Value, Other),
        o(&["--http-parser"], Value, Other),
        o(&["--http-protocols"], Value, Other),
        o(&["--http2-cleartext"], Value, Other),
        o(&["--http2-initial-window-size"], Value, Other),
        o(&["--http2-max-concurrent-streams"], Value, Other),
        o(&["--http2-max-frame-size"], Value, Other),
        o(&["--http2-max-header-list-size"], Value, Other),
        o(&["--initgroups"], Flag, Other),
        o(&["--keep-alive"], Value, KeepAlive),
        o(&["--keyfile"], Value, Keyfile),
        o(&["--limit-request-field_size"], Value, Other),
        o(&["--limit-request-fields"], Value, Other),
        o(&["--limit-request-line"], Value, Other),
        o(&["--log-config"], Value, Other),
        o(&["--log-config-json"], Value, Other),
        o(&["--error-logfile", "--log-file"], Value, Other),
        o(&["--log-level"], Value, Other),
        o(&["--log-syslog"], Flag, Other),
        o(&["--log-syslog-facility"], Value, Other),
        o(&["--log-syslog-prefix"], Value, Other),
        o(&["--log-syslog-to"], Value, Other),
        o(&["--logger-class"], Value, Other),
        o(&["--max-requests"], Value, Other),
        o(&["--max-requests-jitter"], Value, Other),
        o(&["-n", "--name"], Value, Other),
        o(&["--no-control-socket"], Flag, Other),
        o(&["--no-sendfile"], Flag, Other),
        o(&["--paste-global"], Value, Other),
        o(&["--paste", "--paster"], Value, Other),
        o(&["--permit-obsolete-folding"], Flag, Other),
        o(&["--permit-unconventional-http-method"], Flag, Other),
        o(&["--permit-unconventional-http-version"], Flag, Other),
        o(&["-p", "--pid"], Value, Other),
        o(&["--preload"], Flag, Other),
        o(&["--print-config"], Flag, Other),
        o(&["--protocol"], Value, Other),
        o(&["--proxy-allow-from"], Value, Other),
        o(&["--proxy-protocol"], Optional, Other),
        o(&["--pythonpath"], Value, PythonPath),
        o(&["--reload"], Flag, Other),
        o(&["--reload-engine"], Value, Other),
        o(&["--reload-extra-file"], Value, Other),
        o(&["--reuse-port"], Flag, ReusePort),
        o(&["--root-path"], Value, Other),
        o(&["--spew"], Flag, Other),
        o(&["--ssl-version"], Value, Other),
        o(&["--statsd-host"], Value, Other),
        o(&["--statsd-prefix"], Value, Other),
        o(&["--strip-header-spaces"], Flag, Other),
        o(&["--suppress-ragged-eofs"], Flag, Other),
        o(&["--threads"], Value, Threads),
        o(&["-t", "--timeout"], Value, Timeout),
        o(&["-m", "--umask"], Value, Other),
        o(&["-u", "--user"], Value, Other),
        o(&["--uwsgi-allow-from"], Value, Other),
        o(&["--websocket-max-message-size"], Value, Other),
        o(&["-k", "--worker-class"], Value, WorkerClass),
        o(&["--worker-connections"], Value, Other),
        o(&["--worker-tmp-dir"], Value, Other),
        o(&["-w", "--workers"], Value, Workers),
    ];

    /// hypercorn 0.18.0 `hypercorn/__main__.py` (argparse).
    pub(super) const HYPERCORN_OPTIONS: &[OptSpec] = &[
        o(&["-h", "--help"], Flag, Other),
        o(&["--access-log"], Value, Other),
        o(&["--access-logfile"], Value, Other),
        o(&["--access-logformat"], Value, Other),
        o(&["--backlog"], Value, Other),
        o(&["-b", "--bind"], Value, Bind),
        o(&["--ca-certs"], Value, Other),
        o(&["--certfile"], Value, Certfile),
        o(&["--cert-reqs"], Value, Other),
        o(&["--ciphers"], Value, Other),
        o(&["-c", "--config"], Value, Config),
        o(&["-D", "--daemon"], Flag, Other),
        o(&["--debug"], Flag, Other),
        o(&["--error-log"], Value, Other),
        o(&["--error-logfile", "--log-file"], Value, Other),
        o(&["--graceful-timeout"], Value, GracefulTimeout),
        o(&["--read-timeout"], Value, Other),
        o(&["--max-requests"], Value, Other),
        o(&["--max-requests-jitter"], Value, Other),
        o(&["-g", "--group"], Value, Other),
        o(&["-k", "--worker-class"], Value, WorkerClass),
        o(&["--keep-alive"], Value, KeepAlive),
        o(&["--keyfile"], Value, Keyfile),
        o(&["--keyfile-password"], Value, Other),
        o(&["--insecure-bind"], Value, Other),
        o(&["--log-config"], Value, Other),
        o(&["--log-level"], Value, Other),
        o(&["-p", "--pid"], Value, Other),
        o(&["--quic-bind"], Value, Other),
        o(&["--reload"], Flag, Other),
        o(&["--root-path"], Value, Other),
        o(&["--server-name"], Value, Other),
        o(&["--statsd-host"], Value, Other),
        o(&["--statsd-prefix"], Value, Other),
        o(&["-m", "--umask"], Value, Other),
        o(&["-u", "--user"], Value, Other),
        o(&["--verify-mode"], Value, Other),
        o(&["--websocket-ping-interval"], Value, Other),
        o(&["-w", "--workers"], Value, Workers),
    ];

    /// daphne 4.2.3 `daphne/cli.py` (argparse).
    pub(super) const DAPHNE_OPTIONS: &[OptSpec] = &[
        o(&["-h", "--help"], Flag, Other),
        o(&["-p", "--port"], Value, Port),
        o(&["-b", "--bind"], Value, Host),
        o(&["--websocket_timeout"], Value, Other),
        o(&["--websocket_connect_timeout"], Value, Other),
        o(&["-u", "--unix-socket"], Value, Uds),
        o(&["--fd"], Value, Fd),
        o(&["-e", "--endpoint"], Value, Bind),
        o(&["-v", "--verbosity"], Value, Other),
        o(&["-t", "--http-timeout"], Value, Timeout),
        o(&["--access-log"], Value, Other),
        o(&["--log-fmt"], Value, Other),
        o(&["--ping-interval"], Value, Other),
        o(&["--ping-timeout"], Value, Other),
        o(&["--websocket-max-message-size"], Value, Other),
        o(&["--websocket-max-frame-size"], Value, Other),
        o(&["--application-close-timeout"], Value, Other),
        o(&["--root-path"], Value, Other),
        o(&["--proxy-headers"], Flag, Other),
        o(&["--proxy-headers-host"], Value, Other),
        o(&["--proxy-headers-port"], Value, Other),
        o(&["-s", "--server-name"], Value, Other),
        o(&["--no-server-name"], Flag, Other),
    ];

    /// Django 5.2.19 `runserver` (core + contrib.staticfiles, with BaseCommand's options; argparse).
    pub(super) const RUNSERVER_OPTIONS: &[OptSpec] = &[
        o(&["-h", "--help"], Flag, Other),
        o(&["--version"], Flag, Other),
        o(&["-v", "--verbosity"], Value, Other),
        o(&["--settings"], Value, Other),
        o(&["--pythonpath"], Value, PythonPath),
        o(&["--traceback"], Flag, Other),
        o(&["--no-color"], Flag, Other),
        o(&["--force-color"], Flag, Other),
        o(&["--skip-checks"], Flag, Other),
        o(&["--ipv6", "-6"], Flag, Other),
        o(&["--nothreading"], Flag, Other),
        o(&["--noreload"], Flag, Other),
        o(&["--nostatic"], Flag, Other),
        o(&["--insecure"], Flag, Other),
    ];

    /// uvicorn 0.54.0 `uvicorn/main.py` (click, `auto_envvar_prefix="UVICORN"`).
    pub(super) const UVICORN_OPTIONS: &[OptSpec] = &[
        o(&["--host"], Value, Host),
        o(&["--port"], Value, Port),
        o(&["--uds"], Value, Uds),
        o(&["--fd"], Value, Fd),
        o(&["--reload"], Flag, Other),
        o(&["--reload-dir"], Value, Other),
        o(&["--reload-include"], Value, Other),
        o(&["--reload-exclude"], Value, Other),
        o(&["--reload-delay"], Value, Other),
        o(&["--workers"], Value, Workers),
        o(&["--loop"], Value, Other),
        o(&["--http"], Value, Other),
        o(&["--http2"], Flag, Other),
        o(&["--ws"], Value, Other),
        o(&["--ws-max-size"], Value, Other),
        o(&["--ws-max-queue"], Value, Other),
        o(&["--ws-ping-interval"], Value, Other),
        o(&["--ws-ping-timeout"], Value, Other),
        o(&["--ws-per-message-deflate"], Value, Other),
        o(&["--lifespan"], Value, Other),
        o(&["--interface"], Value, Other),
        o(&["--env-file"], Value, Other),
        o(&["--log-config"], Value, Other),
        o(&["--log-level"], Value, Other),
        o(&["--access-log"], Flag, Other),
        o(&["--no-access-log"], Flag, Other),
        o(&["--use-colors"], Flag, Other),
        o(&["--no-use-colors"], Flag, Other),
        o(&["--proxy-headers"], Flag, Other),
        o(&["--no-proxy-headers"], Flag, Other),
        o(&["--server-header"], Flag, Other),
        o(&["--no-server-header"], Flag, Other),
        o(&["--date-header"], Flag, Other),
        o(&["--no-date-header"], Flag, Other),
        o(&["--forwarded-allow-ips"], Value, Other),
        o(&["--root-path"], Value, Other),
        o(&["--limit-concurrency"], Value, Other),
        o(&["--backlog"], Value, Other),
        o(&["--limit-max-requests"], Value, Other),
        o(&["--limit-max-requests-jitter"], Value, Other),
        o(&["--timeout-keep-alive"], Value, KeepAlive),
        o(&["--timeout-graceful-shutdown"], Value, Other),
        o(&["--timeout-worker-healthcheck"], Value, Other),
        o(&["--ssl-keyfile"], Value, Keyfile),
        o(&["--ssl-certfile"], Value, Certfile),
        o(&["--ssl-keyfile-password"], Value, Other),
        o(&["--ssl-version"], Value, Other),
        o(&["--ssl-cert-reqs"], Value, Other),
        o(&["--ssl-ca-certs"], Value, Other),
        o(&["--ssl-ciphers"], Value, Other),
        o(&["--header"], Value, Other),
        o(&["--version"], Flag, Other),
        o(&["--app-dir"], Value, PythonPath),
        o(&["--h11-max-incomplete-event-size"], Value, Other),
        o(&["--reset-contextvars"], Flag, Other),
        o(&["--factory"], Flag, Other),
        o(&["--help"], Flag, Other),
    ];

    /// Flask 3.1.3 `flask/cli.py` `FlaskGroup` options before the subcommand (click, `auto_envvar_prefix="FLASK"`).
    pub(super) const FLASK_GROUP_OPTIONS: &[OptSpec] = &[
        o(&["-e", "--env-file"], Value, Other),
        o(&["-A", "--app"], Value, App),
        o(&["--debug"], Flag, Other),
        o(&["--no-debug"], Flag, Other),
        o(&["--version"], Flag, Other),
        o(&["--help"], Flag, Other),
    ];

    /// Flask 3.1.3 `flask/cli.py` `run_command` (click; env `FLASK_RUN_<OPTION>`).
    pub(super) const FLASK_RUN_OPTIONS: &[OptSpec] = &[
        o(&["--debug"], Flag, Other),
        o(&["--no-debug"], Flag, Other),
        o(&["--host", "-h"], Value, Host),
        o(&["--port", "-p"], Value, Port),
        o(&["--cert"], Value, Certfile),
        o(&["--key"], Value, Keyfile),
        o(&["--reload"], Flag, Other),
        o(&["--no-reload"], Flag, Other),
        o(&["--debugger"], Flag, Other),
        o(&["--no-debugger"], Flag, Other),
        o(&["--with-threads"], Flag, Other),
        o(&["--without-threads"], Flag, Other),
        o(&["--extra-files"], Value, Other),
        o(&["--exclude-patterns"], Value, Other),
        o(&["--help"], Flag, Other),
    ];

    /// waitress 3.0.2 `waitress/adjustments.py` `Adjustments.parse_args` (getopt
    /// long options: every `_params` entry; booleans also as `--no-…`).
    pub(super) const WAITRESS_OPTIONS: &[OptSpec] = &[
        o(&["--help"], Flag, Other),
        o(&["--call"], Flag, Other),
        o(&["--host"], Value, Host),
        o(&["--port"], Value, Port),
        o(&["--ipv4"], Flag, Other),
        o(&["--no-ipv4"], Flag, Other),
        o(&["--ipv6"], Flag, Other),
        o(&["--no-ipv6"], Flag, Other),
        o(&["--listen"], Value, Bind),
        o(&["--threads"], Value, Threads),
        o(&["--trusted-proxy"], Value, Other),
        o(&["--trusted-proxy-count"], Value, Other),
        o(&["--trusted-proxy-headers"], Value, Other),
        o(&["--log-untrusted-proxy-headers"], Flag, Other),
        o(&["--no-log-untrusted-proxy-headers"], Flag, Other),
        o(&["--clear-untrusted-proxy-headers"], Flag, Other),
        o(&["--no-clear-untrusted-proxy-headers"], Flag, Other),
        o(&["--url-scheme"], Value, Other),
        o(&["--url-prefix"], Value, Other),
        o(&["--backlog"], Value, Other),
        o(&["--recv-bytes"], Value, Other),
        o(&["--send-bytes"], Value, Other),
        o(&["--outbuf-overflow"], Value, Other),
        o(&["--outbuf-high-watermark"], Value, Other),
        o(&["--inbuf-overflow"], Value, Other),
        o(&["--connection-limit"], Value, Other),
        o(&["--cleanup-interval"], Value, Other),
        o(&["--channel-timeout"], Value, KeepAlive),
        o(&["--log-socket-errors"], Flag, Other),
        o(&["--no-log-socket-errors"], Flag, Other),
        o(&["--max-request-header-size"], Value, Other),
        o(&["--max-request-body-size"], Value, Other),
        o(&["--expose-tracebacks"], Flag, Other),
        o(&["--no-expose-tracebacks"], Flag, Other),
        o(&["--ident"], Value, Other),
        o(&["--asyncore-loop-timeout"], Value, Other),
        o(&["--asyncore-use-poll"], Flag, Other),
        o(&["--no-asyncore-use-poll"], Flag, Other),
        o(&["--unix-socket"], Value, Uds),
        o(&["--unix-socket-perms"], Value, Other),
        o(&["--sockets"], Value, Other),
        o(&["--channel-request-lookahead"], Value, Other),
        o(&["--server-name"], Value, Other),
    ];

    /// uWSGI 2.0.31, the pip build (`pip install uwsgi`: core/uwsgi.c and the
    /// embedded plugins of buildconf/default.ini, python and http among them),
    /// read from `uwsgi --help` of that build; arities from the
    /// `struct uwsgi_option` tables of the uwsgi-2.0 sources. Here: the
    /// options lint502 reads, and every option with a short form (a short
    /// option is the first option declaring it: `-s` is `--socket`, `-p`
    /// `--processes`, `-w` `--module`). The rest are in the lists below.
    pub(super) const UWSGI_OPTIONS: &[OptSpec] = &[
        o(&["-s", "--socket"], Value, Other),
        o(&["--uwsgi-socket"], Value, Other),
        o(&["-p", "--processes"], Value, Workers),
        o(&["--workers"], Value, Workers),
        o(&["-t", "--harakiri"], Value, Timeout),
        o(&["--chdir"], Value, Chdir),
        o(&["-w", "--module"], Value, App),
        o(&["--wsgi"], Value, App),
        o(&["--wsgi-file"], Value, App),
        o(&["--file"], Value, App),
        o(&["--ini"], Value, Config),
        o(&["--threads"], Value, Threads),
        o(&["--pythonpath"], Value, PythonPath),
        o(&["--python-path"], Value, PythonPath),
        o(&["--pp"], Value, PythonPath),
        o(&["--reuse-port"], Flag, ReusePort),
        o(&["-A", "--sharedarea"], Value, Other),
        o(&["-C", "--chmod-socket"], Optional, Other),
        o(&["--chmod"], Optional, Other),
        o(&["-H", "--home"], Value, Other),
        o(&["--virtualenv"], Value, Other),
        o(&["--venv"], Value, Other),
        o(&["--pyhome"], Value, Other),
        o(&["-J", "--test"], Value, Other),
        o(&["-L", "--disable-logging"], Flag, Other),
        o(&["-M", "--master"], Flag, Other),
        o(&["-O", "--optimize"], Value, Other),
        o(&["-Q", "--spooler"], Value, Other),
        o(&["-R", "--max-requests"], Value, Other),
        o(&["-S", "--set"], Value, Other),
        o(&["-T", "--enable-threads"], Flag, Other),
        o(&["-a", "--abstract-socket"], Flag, Other),
        o(&["-b", "--buffer-size"], Value, Other),
        o(&["-c", "--cgi-mode"], Flag, Other),
        o(&["-d", "--daemonize"], Value, Other),
        o(&["-h", "--help"], Flag, Other),
        o(&["--usage"], Flag, Other),
        o(&["-i", "--single-interpreter"], Flag, Other),
        o(&["-l", "--listen"], Value, Other),
        o(&["-m", "--memory-report"], Flag, Other),
        o(&["-r", "--reaper"], Flag, Other),
        o(&["-v", "--max-vars"], Value, Other),
        o(&["-x", "--xmlconfig"], Value, Other),
        o(&["--xml"], Value, Other),
        o(&["-y", "--yaml"], Value, Other),
        o(&["--yml"], Value, Other),
        o(&["-z", "--socket-timeout"], Value, Other),
    ];

    /// The other uWSGI 2.0.31 options without a value (`no_argument`).
    #[rustfmt::skip]
    pub(super) const UWSGI_FLAGS: &[&str] = &[
        "--alarm-list", "--alarms-list", "--auto-procname", "--autoload", "--cache-no-expire",
        "--cache-report-freed-items", "--cache-use-last-modified", "--carbon-name-resolve", "--carbon-no-workers",
        "--carbon-resolve-names", "--carbon-use-metrics", "--catch-exceptions", "--cflags", "--cheap",
        "--cheaper-algo-list", "--cheaper-algos-list", "--cheaper-busyness-verbose", "--cheaper-list",
        "--check-static-docroot", "--clock-list", "--clocks-list", "--close-on-exec", "--close-on-exec2",
        "--command-mode", "--config-py", "--daemons-honour-stdin", "--die-on-idle", "--die-on-term",
        "--disable-sendfile", "--disable-write-exception", "--dot-h", "--drop-after-apps", "--drop-after-init",
        "--dump-options", "--early-emperor", "--emperor-graceful-shutdown", "--emperor-magic-exec",
        "--emperor-no-blacklist", "--emperor-nofollow", "--emperor-tyrant", "--emperor-tyrant-nofollow",
        "--enable-metrics", "--enable-proxy-protocol", "--end-blacklist", "--end-whitelist", "--exit-on-reload",
        "--fastrouter-cheap", "--fastrouter-fallback-on-no-key", "--force-gateway", "--freebind",
        "--gevent-early-monkey-patch", "--gevent-monkey-patch", "--gevent-wait-for-hub", "--harakiri-no-arh",
        "--harakiri-verbose", "--honour-range", "--honour-stdin", "--http-auto-chunked", "--http-auto-gzip",
        "--http-cheap", "--http-chunked-input", "--http-manage-rtsp", "--http-manage-source", "--http-raw-body",
        "--http-websockets", "--https-export-cert", "--if-not-reload", "--if-reload", "--ignore-script-name",
        "--ignore-sigpipe", "--ignore-write-errors", "--imperial-monitor-list", "--imperial-monitors-list", "--jailed",
        "--lazy", "--lazy-apps", "--log-4xx", "--log-5xx", "--log-format-strftime", "--log-master",
        "--log-master-req-stream", "--log-master-stream", "--log-micros", "--log-reopen", "--log-truncate",
        "--log-x-forwarded-for", "--log-zero", "--logfile-chown", "--logformat-strftime", "--logger-list",
        "--loggers-list", "--loop-list", "--loops-list", "--manage-script-name", "--master-as-root",
        "--metric-dir-restore", "--metrics-dir-restore", "--metrics-no-cores", "--nagios", "--never-swap",
        "--no-default-app", "--no-defer-accept", "--no-fd-passing", "--no-harakiri-after-req-hook",
        "--no-harakiri-arh", "--no-initgroups", "--no-orphans", "--no-server", "--no-site", "--no-threads-wait",
        "--paste-logger", "--persistent-ipcsem", "--plugin-list", "--plugins-list", "--propagate-touch",
        "--py-call-osafterfork", "--py-call-uwsgi-fork-hooks", "--python-version", "--rawrouter-cheap",
        "--rawrouter-xclient", "--re-fork", "--re-fork-as-root", "--re-fork-post-jail", "--refork", "--refork-as-root",
        "--refork-post-jail", "--reload-on-exception", "--reload-os-env", "--rsyslog-split-messages",
        "--setns-preopen", "--show-config", "--shutdown-sockets", "--skip-atexit", "--skip-atexit-teardown",
        "--skip-zero", "--so-keepalive", "--so-send-timeout", "--so-write-timeout", "--socket-send-timeout",
        "--socket-write-timeout", "--spooler-ordered", "--spooler-quiet", "--ssl-enable-sslv3", "--ssl-enable-tlsv1",
        "--ssl-enable3", "--ssl-option", "--ssl-verbose", "--sslrouter-cheap", "--sslrouter-sni",
        "--start-unsubscribed", "--start_response-nodelay", "--static-gzip-all", "--stats-http", "--stats-min",
        "--stats-minified", "--stats-no-cores", "--stats-no-metrics", "--strict", "--subscription-dotsplit",
        "--subscriptions-use-credentials", "--symcall-use-next", "--tcp-fast-open-client", "--tcp-fastopen-client",
        "--tcp-nodelay", "--threaded-logger", "--thunder-lock", "--ugreen", "--unsubscribe-on-graceful-reload",
        "--use-abort", "--vacuum", "--version", "--vhost", "--vhost-host", "--write-errors-exception-only",
        "--wsgi-accept-buffer", "--wsgi-accept-buffers", "--wsgi-disable-file-wrapper", "--wsgi-strict",
        "--zerg-fallback",
    ];

    /// The other uWSGI 2.0.31 options with an optional value (`optional_argument`).
    #[rustfmt::skip]
    pub(super) const UWSGI_OPTIONAL: &[&str] = &[
        "--check-cache", "--end-for", "--end-if", "--endfor", "--endif", "--exit", "--fastrouter-use-cache",
        "--fastrouter-use-socket", "--http-enable-proxy-protocol", "--http-keepalive", "--http-manage-expect",
        "--http-use-cache", "--http-use-socket", "--ksm", "--log-date", "--log-prefix", "--log-syslog", "--logdate",
        "--mule", "--mule-msg-size", "--need-app", "--pyshell", "--pyshell-oneshot", "--rawrouter-use-cache",
        "--rawrouter-use-socket", "--snmp", "--ssl-verify-depth", "--sslrouter-use-cache", "--sslrouter-use-socket",
    ];

    /// The other uWSGI 2.0.31 options with a value (`required_argument`).
    #[rustfmt::skip]
    pub(super) const UWSGI_VALUES: &[&str] = &[
        "--add-cache-item", "--add-gid", "--add-header", "--after-request-call", "--after-request-hook", "--alarm",
        "--alarm-backlog", "--alarm-cheap", "--alarm-fd", "--alarm-freq", "--alarm-listen-queue", "--alarm-lq",
        "--alarm-metric", "--alarm-msg-size", "--alarm-segfault", "--allowed-modifiers", "--async",
        "--attach-control-daemon", "--attach-daemon", "--attach-daemon2", "--auto-weight", "--backlog-alarm",
        "--backtrace-depth", "--binary-append-data", "--binary-path", "--binsh", "--blacklist", "--body-read-warning",
        "--brutal-reload-on-fd", "--build-plugin", "--cache", "--cache-blocksize", "--cache-expire-freq",
        "--cache-store", "--cache-store-sync", "--cache-sync", "--cache-udp-node", "--cache-udp-server", "--cache2",
        "--call-as-emperor", "--call-as-emperor1", "--call-as-emperor2", "--call-as-emperor4", "--call-as-root",
        "--call-as-user", "--call-as-user-atexit", "--call-as-vassal", "--call-as-vassal1", "--call-as-vassal3",
        "--call-asap", "--call-in-jail", "--call-post-app", "--call-post-jail", "--call-pre-app", "--call-pre-jail",
        "--callable", "--carbon", "--carbon-freq", "--carbon-hostname-dots", "--carbon-id", "--carbon-idle-avg",
        "--carbon-max-retry", "--carbon-retry-delay", "--carbon-root", "--carbon-timeout", "--cgroup",
        "--cgroup-dir-mode", "--cgroup-opt", "--chdir2", "--cheaper", "--cheaper-algo",
        "--cheaper-busyness-backlog-alert", "--cheaper-busyness-backlog-multiplier",
        "--cheaper-busyness-backlog-nonzero", "--cheaper-busyness-backlog-step", "--cheaper-busyness-max",
        "--cheaper-busyness-min", "--cheaper-busyness-multiplier", "--cheaper-busyness-penalty", "--cheaper-initial",
        "--cheaper-overload", "--cheaper-rss-limit-hard", "--cheaper-rss-limit-soft", "--cheaper-step",
        "--check-interval", "--check-mount", "--check-mountpoint", "--check-static", "--chown-socket", "--chroot",
        "--chunked-input-limit", "--chunked-input-timeout", "--clock", "--collect-header", "--config",
        "--connect-and-read", "--cpu-affinity", "--cron", "--cron-harakiri", "--cron-legion", "--cron2",
        "--daemonize2", "--declare-option", "--declare-option2", "--del-header", "--dlopen", "--early-envdir",
        "--emperor", "--emperor-broodlord", "--emperor-curse-tolerance", "--emperor-extra-ext",
        "--emperor-extra-extension", "--emperor-freq", "--emperor-max-throttle", "--emperor-on-demand-dir",
        "--emperor-on-demand-directory", "--emperor-on-demand-exec", "--emperor-on-demand-ext",
        "--emperor-on-demand-extension", "--emperor-pidfile", "--emperor-procname", "--emperor-proxy-socket",
        "--emperor-required-heartbeat", "--emperor-stats", "--emperor-stats-server", "--emperor-throttle",
        "--emperor-use-clone", "--emperor-wrapper", "--emperor-wrapper-fallback", "--emperor-wrapper-override",
        "--env", "--envdir", "--error-page-403", "--error-page-404", "--error-page-500", "--eval",
        "--evil-reload-on-as", "--evil-reload-on-rss", "--exception-handler", "--exec-as-emperor", "--exec-as-root",
        "--exec-as-user", "--exec-as-user-atexit", "--exec-as-vassal", "--exec-asap", "--exec-in-jail",
        "--exec-post-app", "--exec-post-jail", "--exec-pre-app", "--exec-pre-jail", "--extract", "--fallback-config",
        "--farm", "--fastcgi-modifier1", "--fastcgi-modifier2", "--fastcgi-nph-socket", "--fastcgi-socket",
        "--fastrouter", "--fastrouter-buffer-size", "--fastrouter-events", "--fastrouter-fallback", "--fastrouter-gid",
        "--fastrouter-gracetime", "--fastrouter-harakiri", "--fastrouter-post-buffering",
        "--fastrouter-post-buffering-dir", "--fastrouter-processes", "--fastrouter-quiet", "--fastrouter-resubscribe",
        "--fastrouter-resubscribe-bind", "--fastrouter-ss", "--fastrouter-stats", "--fastrouter-stats-server",
        "--fastrouter-subscription-fallback-key", "--fastrouter-subscription-server", "--fastrouter-subscription-slot",
        "--fastrouter-timeout", "--fastrouter-to", "--fastrouter-uid", "--fastrouter-use-base",
        "--fastrouter-use-code-string", "--fastrouter-use-pattern", "--fastrouter-workers", "--fastrouter-zerg",
        "--fd-safe", "--file-serve-mode", "--file-write", "--fileserve-mode", "--flock", "--flock-wait",
        "--flock-wait2", "--flock2", "--for", "--for-glob", "--for-readline", "--for-times", "--force-cwd",
        "--forkbomb-delay", "--fs-brutal-reload", "--fs-reload", "--fs-signal", "--ftok", "--get", "--gevent", "--gid",
        "--harakiri-graceful-signal", "--harakiri-graceful-timeout", "--harakiri-queue-threshold", "--heartbeat",
        "--hook-accepting", "--hook-accepting-once", "--hook-accepting1", "--hook-accepting1-once",
        "--hook-as-emperor", "--hook-as-gateway", "--hook-as-mule", "--hook-as-root", "--hook-as-user",
        "--hook-as-user-atexit", "--hook-as-vassal", "--hook-asap", "--hook-emperor-lost", "--hook-emperor-reload",
        "--hook-emperor-start", "--hook-emperor-stop", "--hook-in-jail", "--hook-master-start", "--hook-post-app",
        "--hook-post-fork", "--hook-post-jail", "--hook-pre-app", "--hook-pre-jail", "--hook-touch", "--http",
        "--http-buffer-size", "--http-connect-timeout", "--http-events", "--http-fallback", "--http-gid",
        "--http-gracetime", "--http-harakiri", "--http-headers-timeout", "--http-modifier1", "--http-modifier2",
        "--http-processes", "--http-quiet", "--http-resubscribe", "--http-server-name-as-http-host", "--http-socket",
        "--http-socket-modifier1", "--http-socket-modifier2", "--http-ss", "--http-stats", "--http-stats-server",
        "--http-stud-prefix", "--http-subscription-fallback-key", "--http-subscription-server", "--http-timeout",
        "--http-to", "--http-to-https", "--http-uid", "--http-use-base", "--http-use-code-string",
        "--http-use-pattern", "--http-var", "--http-workers", "--http-zerg", "--http11-socket", "--httprouter",
        "--https", "--https-session-context", "--https-socket", "--https-socket-modifier1", "--https-socket-modifier2",
        "--https2", "--idle", "--if-dir", "--if-directory", "--if-env", "--if-exists", "--if-file", "--if-hostname",
        "--if-not-dir", "--if-not-env", "--if-not-exists", "--if-not-file", "--if-not-hostname", "--if-not-opt",
        "--if-not-plugin", "--if-opt", "--if-plugin", "--ifdir", "--ifenv", "--ifexists", "--ifplugin",
        "--immediate-gid", "--immediate-uid", "--import", "--include", "--inherit", "--ini-paste",
        "--ini-paste-logged", "--inject-after", "--inject-before", "--iprint", "--legion", "--legion-attach-daemon",
        "--legion-cron", "--legion-death", "--legion-death-on-lord-error", "--legion-freq", "--legion-join",
        "--legion-lord", "--legion-mcast", "--legion-node", "--legion-node-joined", "--legion-node-left",
        "--legion-quorum", "--legion-scroll", "--legion-scroll-list-max-size", "--legion-scroll-max-size",
        "--legion-setup", "--legion-skew-tolerance", "--legion-smart-attach-daemon", "--legion-smart-attach-daemon2",
        "--legion-tolerance", "--legion-unlord", "--limit-as", "--limit-nproc", "--limit-post", "--listen-queue-alarm",
        "--load-file-in-cache", "--load-file-in-cache-gzip", "--lock-engine", "--locks", "--log-backupname",
        "--log-big", "--log-encoder", "--log-format", "--log-ioerror", "--log-master-bufsize", "--log-maxsize",
        "--log-req-encoder", "--log-sendfile", "--log-slow", "--log-socket", "--logfile-chmod", "--logformat",
        "--logger", "--logger-req", "--logto", "--logto2", "--loop", "--lq-alarm", "--map-socket", "--master-fifo",
        "--max-apps", "--max-fd", "--max-requests-delta", "--max-worker-lifetime", "--max-worker-lifetime-delta",
        "--mem-collector-freq", "--metric", "--metric-alarm", "--metric-dir", "--metric-threshold", "--metrics-dir",
        "--mime-file", "--mimefile", "--min-worker-lifetime", "--mode", "--mount", "--mount-as-emperor",
        "--mount-as-root", "--mount-as-vassal", "--mount-asap", "--mount-check", "--mount-in-jail",
        "--mount-post-jail", "--mount-pre-jail", "--mountpoint-check", "--mule-harakiri", "--mule-reload-mercy",
        "--mules", "--multicast", "--multicast-loop", "--multicast-ttl", "--namespace", "--namespace-keep-mount",
        "--namespace-net", "--need-plugin", "--need-plugins", "--notify-socket", "--ns", "--ns-net",
        "--offload-thread", "--offload-threads", "--paste", "--pause", "--pecan", "--pidfile", "--pidfile2", "--ping",
        "--ping-timeout", "--pivot-root", "--pivot_root", "--plugin", "--plugin-dir", "--plugins", "--plugins-dir",
        "--post-buffering", "--post-buffering-bufsize", "--post-pymodule-alias", "--print", "--print-sym",
        "--print-symbol", "--prio", "--privileged-binary-patch", "--privileged-binary-patch-arg", "--procname",
        "--procname-append", "--procname-master", "--procname-prefix", "--procname-prefix-spaced", "--profiler",
        "--protocol", "--pull-header", "--pump", "--puwsgi-socket", "--py", "--py-auto-reload",
        "--py-auto-reload-ignore", "--py-autoreload", "--py-executable", "--py-import", "--py-program-name",
        "--py-programname", "--py-sharedarea", "--py-sys-executable", "--py-tracebacker", "--pyargv", "--pyimport",
        "--pymodule-alias", "--pyrun", "--python", "--python-auto-reload", "--python-autoreload", "--python-import",
        "--python-raw", "--python-worker-override", "--queue", "--queue-blocksize", "--queue-store",
        "--queue-store-sync", "--raw-modifier1", "--raw-modifier2", "--raw-socket", "--rawrouter",
        "--rawrouter-buffer-size", "--rawrouter-events", "--rawrouter-fallback", "--rawrouter-gracetime",
        "--rawrouter-harakiri", "--rawrouter-max-retries", "--rawrouter-processes", "--rawrouter-quiet",
        "--rawrouter-ss", "--rawrouter-stats", "--rawrouter-stats-server", "--rawrouter-subscription-server",
        "--rawrouter-subscription-slot", "--rawrouter-timeout", "--rawrouter-to", "--rawrouter-use-base",
        "--rawrouter-use-code-string", "--rawrouter-use-pattern", "--rawrouter-workers", "--rawrouter-zerg",
        "--rbtimer", "--reload", "--reload-mercy", "--reload-on-as", "--reload-on-exception-repr",
        "--reload-on-exception-type", "--reload-on-exception-value", "--reload-on-fd", "--reload-on-rss",
        "--rem-header", "--remap-modifier", "--req-logger", "--resolve", "--response-header-collect",
        "--response-headers-limit", "--resume", "--rpc-max", "--rrdtool", "--rrdtool-freq", "--rrdtool-lib",
        "--rsyslog-packet-size", "--safe-fd", "--safe-pidfile", "--safe-pidfile2", "--scgi-modifier1",
        "--scgi-modifier2", "--scgi-nph-socket", "--scgi-socket", "--segfault-alarm", "--set-ph", "--set-placeholder",
        "--setns", "--setns-skip", "--setns-socket", "--setns-socket-skip", "--shared-import", "--shared-py-import",
        "--shared-pyimport", "--shared-python-import", "--shared-socket", "--signal", "--signal-bufsize",
        "--signal-rbtimer", "--signal-timer", "--signals-bufsize", "--smart-attach-daemon", "--smart-attach-daemon2",
        "--sni", "--sni-dir", "--sni-dir-ciphers", "--snmp-community", "--socket-protocol", "--socket-rcvbuf",
        "--socket-sndbuf", "--spooler-chdir", "--spooler-external", "--spooler-freq", "--spooler-frequency",
        "--spooler-harakiri", "--spooler-import", "--spooler-max-tasks", "--spooler-processes", "--spooler-py-import",
        "--spooler-pyimport", "--spooler-python-import", "--ssl-socket", "--ssl-tmp-dir", "--sslrouter",
        "--sslrouter-buffer-size", "--sslrouter-events", "--sslrouter-fallback", "--sslrouter-gracetime",
        "--sslrouter-harakiri", "--sslrouter-max-retries", "--sslrouter-processes", "--sslrouter-quiet",
        "--sslrouter-session-context", "--sslrouter-ss", "--sslrouter-stats", "--sslrouter-stats-server",
        "--sslrouter-subscription-server", "--sslrouter-timeout", "--sslrouter-to", "--sslrouter-use-base",
        "--sslrouter-use-code-string", "--sslrouter-use-pattern", "--sslrouter-workers", "--sslrouter-zerg",
        "--sslrouter2", "--st", "--static-cache-paths", "--static-cache-paths-name", "--static-check",
        "--static-expires-type", "--static-expires-type-mtime", "--static-gzip-dir", "--static-gzip-ext",
        "--static-gzip-prefix", "--static-gzip-suffix", "--static-index", "--static-map", "--static-map2",
        "--static-safe", "--static-skip-ext", "--stats", "--stats-push", "--stats-pusher-default-freq",
        "--stats-pushers-default-freq", "--stats-server", "--stop", "--subscribe", "--subscribe-freq",
        "--subscribe-to", "--subscribe-with-modifier1", "--subscribe2", "--subscription-algo",
        "--subscription-notify-socket", "--subscription-tolerance", "--subscriptions-credentials-check",
        "--subscriptions-sign-check", "--subscriptions-sign-check-tolerance", "--subscriptions-sign-skip-uid",
        "--suspend", "--suwsgi-socket", "--symcall", "--symcall-post-fork", "--symcall-register-rpc",
        "--tcp-fast-open", "--tcp-fastopen", "--thread-stack-size", "--thread-stacksize", "--threads-stack-size",
        "--threads-stacksize", "--timer", "--touch-chain-reload", "--touch-exec", "--touch-logreopen",
        "--touch-logrotate", "--touch-mules-reload", "--touch-reload", "--touch-signal", "--touch-spoolers-reload",
        "--touch-workers-reload", "--udp", "--ugreen-stacksize", "--uid", "--umask", "--umount-as-emperor",
        "--umount-as-root", "--umount-as-vassal", "--umount-asap", "--umount-in-jail", "--umount-post-jail",
        "--umount-pre-jail", "--undeferred-shared-socket", "--unenv", "--unique-cron", "--unique-cron-legion",
        "--unique-legion-cron", "--unprivileged-binary-patch", "--unprivileged-binary-patch-arg", "--unshare",
        "--unshare2", "--upload-progress", "--vassal-set", "--vassal-sos", "--vassal-sos-backlog", "--vassals-include",
        "--vassals-include-before", "--vassals-inherit", "--vassals-inherit-before", "--vassals-set",
        "--vassals-start-hook", "--vassals-stop-hook", "--wait-for-dir", "--wait-for-file", "--wait-for-fs",
        "--wait-for-fs-timeout", "--wait-for-iface", "--wait-for-iface-timeout", "--wait-for-interface",
        "--wait-for-interface-timeout", "--wait-for-mountpoint", "--wait-for-socket", "--wait-for-socket-timeout",
        "--wait-iface", "--wait-iface-timeout", "--wait-interface", "--wait-interface-timeout", "--web3",
        "--websocket-max-size", "--websocket-ping-freq", "--websocket-pong-tolerance", "--websockets-max-size",
        "--websockets-ping-freq", "--websockets-pong-tolerance", "--weight", "--whitelist", "--worker-exec",
        "--worker-exec2", "--worker-mount", "--worker-reload-mercy", "--write-errors-tolerance", "--wsgi-env-behavior",
        "--wsgi-env-behaviour", "--wsgi-lite", "--zerg", "--zerg-pool", "--zerg-server", "--zergpool",
    ];
}

/// uWSGI's whole option table: [`tables::UWSGI_OPTIONS`] first, then the
/// name lists.
fn uwsgi_table() -> &'static [OptSpec] {
    static TABLE: std::sync::LazyLock<Vec<OptSpec>> = std::sync::LazyLock::new(|| {
        let mut t = tables::UWSGI_OPTIONS.to_vec();
        for (names, arity) in [
            (tables::UWSGI_FLAGS, Arity::Flag),
            (tables::UWSGI_OPTIONAL, Arity::Optional),
            (tables::UWSGI_VALUES, Arity::Value),
        ] {
            t.extend(names.iter().map(|n| OptSpec {
                names: std::slice::from_ref(n),
                arity,
                field: Field::Other,
            }));
        }
        t
    });
    &TABLE
}

fn python_program(kind: ServerKind) -> Option<Program> {
    let (name, table, style) = match kind {
        ServerKind::Gunicorn => ("gunicorn", tables::GUNICORN_OPTIONS, Style::Argparse),
        ServerKind::Uvicorn => ("uvicorn", tables::UVICORN_OPTIONS, Style::Click),
        ServerKind::Hypercorn => ("hypercorn", tables::HYPERCORN_OPTIONS, Style::Argparse),
        ServerKind::Daphne => ("daphne", tables::DAPHNE_OPTIONS, Style::Argparse),
        ServerKind::Waitress => ("waitress-serve", tables::WAITRESS_OPTIONS, Style::Getopt),
        ServerKind::Flask => ("flask run", tables::FLASK_RUN_OPTIONS, Style::Click),
        ServerKind::Runserver => ("runserver", tables::RUNSERVER_OPTIONS, Style::Argparse),
        ServerKind::Uwsgi => ("uwsgi", uwsgi_table(), Style::GnuGetopt),
        ServerKind::Node | ServerKind::PythonScript => return None,
    };
    Some(Program { name, table, style })
}

// ---------------------------------------------------------------------------
// Finding the server in a command
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Default)]
struct Ctx {
    env: Vec<EnvVar>,
    cd: Vec<Word>,
    wrappers: Vec<Word>,
    interpreter: Option<Word>,
    depth: u8,
}

impl Ctx {
    fn build(self, kind: ServerKind, program: Word, args: Args) -> ServerCommand {
        ServerCommand {
            kind,
            program,
            subcommand: None,
            interpreter: self.interpreter,
            script: None,
            wrappers: self.wrappers,
            env: self.env,
            cd: self.cd,
            args,
        }
    }
}

/// The file name of a program path, without a Windows `.exe`.
fn program_name(t: &str) -> &str {
    let base = t.rsplit(['/', '\\']).next().unwrap_or(t);
    base.strip_suffix(".exe").unwrap_or(base)
}

fn is_python(name: &str) -> bool {
    let rest = name.strip_prefix("python").or_else(|| name.strip_prefix("pypy"));
    rest.is_some_and(|r| r.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn launcher_kind(name: &str) -> Option<ServerKind> {
    match name {
        "gunicorn" | "gunicorn3" => Some(ServerKind::Gunicorn),
        "uvicorn" => Some(ServerKind::Uvicorn),
        "hypercorn" => Some(ServerKind::Hypercorn),
        "daphne" => Some(ServerKind::Daphne),
        "waitress-serve" => Some(ServerKind::Waitress),
        // uWSGI's binary; Debian's `uwsgi-core`, and `uwsgi_python3`-style
        // names, which also load the plugins they name (core/init.c
        // `uwsgi_autoload_plugins_by_name`).
        "uwsgi" | "uwsgi-core" => Some(ServerKind::Uwsgi),
        n if n.starts_with("uwsgi_") => Some(ServerKind::Uwsgi),
        _ => None,
    }
}

/// Skip options (words starting with `-`) from `i`; `with_value` names
/// options whose value is the next word. Stops after `--`.
fn skip_options(words: &[Word], mut i: usize, with_value: &[&str]) -> usize {
    while let Some(w) = words.get(i) {
        let t = w.text.as_str();
        if t == "--" {
            return i + 1;
        }
        if !t.starts_with('-') || t == "-" {
            break;
        }
        i += if with_value.contains(&t) { 2 } else { 1 };
    }
    i
}

/// Like [`skip_options`], recording directory options (`--directory X`,
/// `--directory=X`) as `cd`.
fn skip_options_cd(words: &[Word], mut i: usize, with_value: &[&str], dir_opts: &[&str], cd: &mut Vec<Word>) -> usize {
    while let Some(w) = words.get(i) {
        let t = w.text.as_str();
        if t == "--" {
            return i + 1;
        }
        if !t.starts_with('-') || t == "-" {
            break;
        }
        if let Some((name, _)) = t.split_once('=')
            && dir_opts.contains(&name)
        {
            cd.push(w.slice(name.len() + 1..t.len()));
        } else if dir_opts.contains(&t) {
            if let Some(d) = words.get(i + 1) {
                cd.push(d.clone());
            }
            i += 1;
        } else if with_value.contains(&t) {
            i += 1;
        }
        i += 1;
    }
    i
}

/// `uv` options that take a value (uv 0.13.9 `uv run --help`, global options
/// included).
#[rustfmt::skip]
const UV_VALUE_OPTIONS: &[&str] = &[
    "--extra", "--no-extra", "--group", "--no-group", "--only-group", "--no-editable-package", "--env-file", "-w",
    "--with", "--with-editable", "--with-requirements", "--package", "--python-platform", "--index",
    "--default-index", "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--index-strategy",
    "--keyring-provider", "-P", "--upgrade-package", "--upgrade-group", "--resolution", "--prerelease",
    "--prerelease-package", "--fork-strategy", "--exclude-newer", "--exclude-newer-package", "--no-sources-package",
    "--reinstall-package", "--link-mode", "-C", "--config-setting", "--config-settings-package",
    "--no-build-isolation-package", "--no-build-package", "--no-binary-package", "--cache-dir", "--refresh-package",
    "-p", "--python", "--color", "--allow-insecure-host", "--directory", "--project", "--config-file",
];

fn parse_in(words: &[Word], mut ctx: Ctx) -> Option<ServerCommand> {
    let mut i = 0;
    let mut leading = true;
    loop {
        let w = words.get(i)?;
        if leading && let Some((name, value)) = assignment_parts(w, true) {
            ctx.env.push(EnvVar {
                name,
                value,
                origin: EnvOrigin::Command,
            });
            i += 1;
            continue;
        }
        leading = false;
        let name = program_name(&w.text);
        let wrapper = w.clone();
        match name {
            "exec" => i = skip_options(words, i + 1, &["-a"]),
            "nohup" | "then" | "do" | "else" | "{" | "!" | "command" | "time" | "stdbuf" | "ddtrace-run" => {
                i = skip_options(words, i + 1, &[]);
            }
            "nice" => i = skip_options(words, i + 1, &["-n", "--adjustment"]),
            "dumb-init" => i = skip_options(words, i + 1, &["-r", "--rewrite"]),
            "tini" | "tini-static" => i = skip_options(words, i + 1, &["-p", "-e"]),
            "sudo" => {
                i = skip_options(
                    words,
                    i + 1,
                    &["-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U", "-T", "-R"],
                )
            }
            "gosu" | "su-exec" | "setuidgid" | "s6-setuidgid" => i += 2,
            "newrelic-admin" if words.get(i + 1).is_some_and(|x| x.text == "run-program") => i += 2,
            // `watchmedo auto-restart [options] -- command`.
            "watchmedo" if words.get(i + 1).is_some_and(|x| x.text == "auto-restart") => {
                i += words[i..].iter().position(|x| x.text == "--")? + 1;
            }
            "opentelemetry-instrument" => {
                i += 1;
                while let Some(x) = words.get(i) {
                    let t = x.text.as_str();
                    if t == "--" {
                        i += 1;
                        break;
                    }
                    if !t.starts_with('-') {
                        break;
                    }
                    i += if t.contains('=') { 1 } else { 2 };
                }
            }
            "pipenv" if words.get(i + 1).is_some_and(|x| x.text == "run") => i += 2,
            "poetry" => {
                let j = skip_options_cd(words, i + 1, &["-P", "--project"], &["-C", "--directory"], &mut ctx.cd);
                if words.get(j)?.text != "run" {
                    return None;
                }
                i = skip_options(words, j + 1, &[]);
            }
            "uv" => {
                let j = skip_options_cd(words, i + 1, UV_VALUE_OPTIONS, &["--directory"], &mut ctx.cd);
                if words.get(j)?.text != "run" {
                    return None;
                }
                i = skip_options_cd(words, j + 1, UV_VALUE_OPTIONS, &["--directory"], &mut ctx.cd);
            }
            "env" => {
                i += 1;
                while let Some(x) = words.get(i) {
                    let t = x.text.as_str();
                    if t == "--" {
                        i += 1;
                        break;
                    }
                    if let Some(d) = t.strip_prefix("--chdir=") {
                        ctx.cd.push(x.slice(t.len() - d.len()..t.len()));
                        i += 1;
                    } else if t == "-C" || t == "--chdir" {
                        ctx.cd.extend(words.get(i + 1).cloned());
                        i += 2;
                    } else if t == "-u" || t == "--unset" {
                        i += 2;
                    } else if t == "-S" || t == "--split-string" {
                        // `env -S 'a b' c` runs `a b c`.
                        let mut rest = words.get(i + 1).and_then(|s| lex_word(s, SHLEX).ok()).map(words_of)?;
                        rest.extend_from_slice(words.get(i + 2..).unwrap_or_default());
                        ctx.wrappers.push(wrapper);
                        return parse_in(&rest, ctx);
                    } else if t.starts_with('-') && t != "-" {
                        i += 1;
                    } else if let Some((name, value)) = assignment_parts(x, false) {
                        ctx.env.push(EnvVar {
                            name,
                            value,
                            origin: EnvOrigin::Command,
                        });
                        i += 1;
                    } else {
                        break;
                    }
                }
            }
            "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" | "mksh" => return shell_in(words, i, ctx),
            _ if is_python(name) => return python_in(words, i, ctx),
            "node" | "nodejs" | "nodemon" | "ts-node" | "tsx" => return node_in(words, i, ctx),
            "npm" | "yarn" | "pnpm" => return npm_in(words, i, ctx),
            "manage.py" | "django-admin" | "django-admin.py" => {
                return django_in(w.clone(), &words[i + 1..], ctx);
            }
            "flask" => return flask_in(w.clone(), &words[i + 1..], ctx),
            _ => {
                let kind = launcher_kind(name)?;
                if kind == ServerKind::Uwsgi {
                    return uwsgi_in(w.clone(), &words[i + 1..], ctx);
                }
                return python_server(kind, w.clone(), &words[i + 1..], ctx);
            }
        }
        ctx.wrappers.push(wrapper);
    }
}

fn words_of(toks: Vec<Tok>) -> Vec<Word> {
    toks.into_iter()
        .filter_map(|t| match t {
            Tok::Word(w) => Some(w),
            Tok::Op(..) => None,
        })
        .collect()
}

/// `sh -c 'STRING'`, `bash -lc "…"`, `sh -ec …`: the server inside STRING.
fn shell_in(words: &[Word], i: usize, mut ctx: Ctx) -> Option<ServerCommand> {
    let mut j = i + 1;
    let mut saw_c = false;
    while let Some(w) = words.get(j) {
        let t = w.text.as_str();
        if t == "--" {
            j += 1;
            break;
        }
        if matches!(t, "-o" | "+o" | "-O" | "+O") {
            j += 2;
            continue;
        }
        if !(t.starts_with('-') || t.starts_with('+')) || t.len() < 2 {
            break;
        }
        saw_c |= t.starts_with('-') && !t.starts_with("--") && t.contains('c');
        j += 1;
    }
    // Without -c the shell runs a script file, which decides.
    if !saw_c || ctx.depth >= 4 {
        return None;
    }
    let commands = split_word_commands(words.get(j)?).ok()?;
    ctx.wrappers.push(words[i].clone());
    let env = ctx
        .env
        .iter()
        .map(|e| EnvVar {
            origin: EnvOrigin::Inherited,
            ..e.clone()
        })
        .collect();
    main_server(scan(
        &commands,
        Ctx {
            env,
            depth: ctx.depth + 1,
            ..ctx
        },
    ))
}

/// `python [options] -m MODULE …` / `python [options] SCRIPT …`.
fn python_in(words: &[Word], i: usize, mut ctx: Ctx) -> Option<ServerCommand> {
    ctx.interpreter = Some(words[i].clone());
    let mut j = i + 1;
    while let Some(w) = words.get(j) {
        let t = w.text.as_str();
        if t == "--" {
            j += 1;
            break;
        }
        if !t.starts_with('-') || t == "-" {
            break;
        }
        j += 1;
        if let Some(long) = t.strip_prefix("--") {
            match long {
                "check-hash-based-pycs" => j += 1,
                "help" | "version" | "help-env" | "help-xoptions" | "help-all" => return None,
                _ => {}
            }
            continue;
        }
        for (k, c) in t.char_indices().skip(1) {
            let rest = k + c.len_utf8();
            match c {
                'm' => {
                    let module = if rest < t.len() {
                        w.slice(rest..t.len())
                    } else {
                        j += 1;
                        words.get(j - 1)?.clone()
                    };
                    return python_module(module, &words[j..], ctx);
                }
                'c' | 'h' | '?' | 'V' => return None,
                'W' | 'X' => {
                    if rest == t.len() {
                        j += 1;
                    }
                    break;
                }
                _ => {}
            }
        }
    }
    let script = words.get(j)?;
    if script.text == "-" {
        return None;
    }
    let name = program_name(&script.text);
    let rest = &words[j + 1..];
    if name == "manage.py" || name == "django-admin" || name == "django-admin.py" {
        return django_in(script.clone(), rest, ctx);
    }
    if name == "flask" {
        return flask_in(script.clone(), rest, ctx);
    }
    if let Some(kind) = launcher_kind(name) {
        if kind == ServerKind::Uwsgi {
            // pyuwsgi's `uwsgi` console script, run by its interpreter.
            return uwsgi_in(script.clone(), rest, ctx);
        }
        return python_server(kind, script.clone(), rest, ctx);
    }
    let args = Args {
        positionals: rest.to_vec(),
        ..Args::default()
    };
    let mut sc = ctx.build(ServerKind::PythonScript, script.clone(), args);
    sc.script = Some(script.clone());
    Some(sc)
}

fn python_module(module: Word, rest: &[Word], ctx: Ctx) -> Option<ServerCommand> {
    match module.text.as_str() {
        "gunicorn" | "gunicorn.app.wsgiapp" => python_server(ServerKind::Gunicorn, module, rest, ctx),
        "uvicorn" => python_server(ServerKind::Uvicorn, module, rest, ctx),
        "hypercorn" => python_server(ServerKind::Hypercorn, module, rest, ctx),
        "daphne" => python_server(ServerKind::Daphne, module, rest, ctx),
        "waitress" => python_server(ServerKind::Waitress, module, rest, ctx),
        "flask" => flask_in(module, rest, ctx),
        "django" => django_in(module, rest, ctx),
        "pyuwsgi" => uwsgi_in(module, rest, ctx),
        _ => None,
    }
}

/// gunicorn, uvicorn, hypercorn, daphne, waitress: options, then the app.
fn python_server(kind: ServerKind, program: Word, rest: &[Word], ctx: Ctx) -> Option<ServerCommand> {
    let prog = python_program(kind)?;
    let (mut args, _) = parse_args(&prog, rest, false);
    args.app = args.positionals.first().cloned();
    if kind != ServerKind::Gunicorn
        && let Some(extra) = args.positionals.get(1)
    {
        let span = extra.span;
        let msg = format!(
            "{} takes one application: `{}` makes it stop with a usage error",
            prog.name, extra.text
        );
        problem(&mut args, span, msg);
    }
    if kind == ServerKind::Waitress {
        waitress_conflicts(&mut args);
    }
    Some(ctx.build(kind, program, args))
}

/// `uwsgi [options] [files]` (glibc `getopt_long`, arguments anywhere). The
/// app is `-w/--module`/`--wsgi-file`, else what the python plugin's magic
/// takes from an argument (`uwsgi_python_magic`: `app.py`, `app.wsgi`,
/// `pkg.mod:app`). uWSGI reads the other arguments as configuration files
/// ([`uwsgi_config`]).
fn uwsgi_in(program: Word, rest: &[Word], ctx: Ctx) -> Option<ServerCommand> {
    let prog = python_program(ServerKind::Uwsgi)?;
    let (mut args, _) = parse_args(&prog, rest, false);
    if args.app.is_none() {
        args.app = args
            .positionals
            .iter()
            .rfind(|p| {
                let t = p.text.as_str();
                t.ends_with(".py") || t.ends_with(".wsgi") || (t.contains(':') && t.contains('.'))
            })
            .cloned();
    }
    Some(ctx.build(ServerKind::Uwsgi, program, args))
}

/// waitress `Adjustments.__init__`: these combinations raise ValueError.
fn waitress_conflicts(args: &mut Args) {
    let listen = args.option("--listen").map(|o| o.word.span);
    let host_port = args.host.as_ref().or(args.port.as_ref()).map(|w| w.span);
    let uds = args.uds.as_ref().map(|w| w.span);
    if let (Some(l), Some(_)) = (listen, host_port) {
        problem(
            args,
            l,
            "waitress rejects --listen together with --host or --port".into(),
        );
    }
    if let (Some(u), true) = (uds, listen.is_some() || host_port.is_some()) {
        problem(
            args,
            u,
            "waitress rejects --unix-socket together with --listen, --host or --port".into(),
        );
    }
}

/// `flask [--app X] [--debug] run [options]`.
fn flask_in(program: Word, rest: &[Word], ctx: Ctx) -> Option<ServerCommand> {
    let group = Program {
        name: "flask",
        table: tables::FLASK_GROUP_OPTIONS,
        style: Style::Click,
    };
    let (group_args, at) = parse_args(&group, rest, true);
    let sub = rest.get(at?)?;
    if sub.text != "run" {
        return None;
    }
    let prog = python_program(ServerKind::Flask)?;
    let (mut args, _) = parse_args(&prog, &rest[at? + 1..], false);
    if let Some(extra) = args.positionals.first() {
        let span = extra.span;
        let msg = format!(
            "flask run takes no arguments: `{}` makes it stop with a usage error",
            extra.text
        );
        problem(&mut args, span, msg);
    }
    args.app = group_args.app;
    args.options.splice(0..0, group_args.options);
    args.problems.splice(0..0, group_args.problems);
    let mut sc = ctx.build(ServerKind::Flask, program, args);
    sc.subcommand = Some(sub.clone());
    Some(sc)
}

/// `manage.py runserver [options] [addrport]` (also `django-admin`,
/// `python -m django`).
fn django_in(program: Word, rest: &[Word], ctx: Ctx) -> Option<ServerCommand> {
    let sub = rest.first()?;
    if sub.text != "runserver" {
        return None;
    }
    let prog = python_program(ServerKind::Runserver)?;
    let (mut args, _) = parse_args(&prog, &rest[1..], false);
    if let Some(addrport) = args.positionals.first() {
        args.binds.push(addrport.clone());
    }
    if let Some(extra) = args.positionals.get(1) {
        let span = extra.span;
        let msg = format!(
            "runserver takes one [addr:]port: `{}` makes it stop with a usage error",
            extra.text
        );
        problem(&mut args, span, msg);
    }
    let script = (program_name(&program.text) == "manage.py").then(|| program.clone());
    let mut sc = ctx.build(ServerKind::Runserver, program, args);
    sc.subcommand = Some(sub.clone());
    sc.script = script;
    Some(sc)
}

/// Value options of the node runners (from their `--help`): nodemon 3,
/// ts-node 10, tsx 4. `nodemon --exec CMD` runs a command, not a script.
fn runner_value_options(runner: &str) -> &'static [&'static str] {
    match runner {
        "nodemon" => &[
            "-w", "--watch", "-e", "--ext", "-i", "--ignore", "-d", "--delay", "--signal", "--config",
        ],
        "ts-node" => &[
            "-P",
            "--project",
            "-C",
            "--compiler",
            "-O",
            "--compiler-options",
            "--cwd",
        ],
        "tsx" => &["--tsconfig"],
        _ => &[],
    }
}

/// `node [options] script [args]`; also `nodemon`, `ts-node`, `tsx` (a
/// script they run, not a command given with `--exec`).
fn node_in(words: &[Word], i: usize, ctx: Ctx) -> Option<ServerCommand> {
    let runner = match program_name(&words[i].text) {
        "nodejs" => "node",
        other => other,
    };
    let mut args = Args::default();
    let mut j = i + 1;
    while let Some(w) = words.get(j) {
        let t = w.text.as_str();
        if t == "--" {
            j += 1;
            break;
        }
        if !t.starts_with('-') || t == "-" {
            break;
        }
        let name = t.split('=').next().unwrap_or(t);
        let runner_value = runner_value_options(runner).contains(&name);
        if !runner_value && (NODE_NO_SCRIPT.contains(&name) || matches!(name, "-x" | "--exec")) {
            return None;
        }
        j += 1;
        let value = if name.len() < t.len() {
            Some(w.slice(name.len() + 1..t.len()))
        } else if runner_value || NODE_VALUE_OPTIONS.contains(&name) {
            j += 1;
            words.get(j - 1).cloned()
        } else {
            None
        };
        args.options.push(CliOption {
            name: name.to_owned(),
            word: w.slice(0..name.len()),
            value,
        });
    }
    let script = words.get(j)?.clone();
    if script.text == "-" {
        return None;
    }
    args.positionals = words[j + 1..].to_vec();
    let name = program_name(&script.text);
    if PYTHON_LAUNCHERS.contains(&name) {
        let msg = format!(
            "node runs `{}`, a Python launcher: it fails with a SyntaxError",
            script.text
        );
        problem(&mut args, script.span, msg);
    }
    let mut sc = ctx.build(ServerKind::Node, words[i].clone(), args);
    sc.script = Some(script);
    Some(sc)
}

/// npm scripts that build, test or prepare rather than serve.
#[rustfmt::skip]
const NON_SERVING_SCRIPT_PREFIXES: &[&str] = &[
    "build", "test", "lint", "format", "fmt", "typecheck", "type-check", "tsc", "check", "clean", "migrate", "seed",
    "install", "ci", "prepare", "postinstall", "preinstall", "generate", "codegen", "compile", "e2e", "coverage",
];

fn is_serving_script(name: &str) -> bool {
    !NON_SERVING_SCRIPT_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// `npm start`, `npm run X`, `yarn start`, `yarn dev`, `pnpm start`…
fn npm_in(words: &[Word], i: usize, mut ctx: Ctx) -> Option<ServerCommand> {
    let tool = program_name(&words[i].text);
    let dir_opts: &[&str] = match tool {
        "npm" => &["--prefix", "-C"],
        "yarn" => &["--cwd"],
        _ => &["-C", "--dir"],
    };
    let j = skip_options_cd(
        words,
        i + 1,
        &["--workspace", "-w", "--filter", "-F"],
        dir_opts,
        &mut ctx.cd,
    );
    let sub = words.get(j)?;
    let (script, rest) = match sub.text.as_str() {
        "start" => (sub, j + 1),
        "run" | "run-script" => {
            let k = skip_options(words, j + 1, &[]);
            (words.get(k)?, k + 1)
        }
        // `yarn dev`, `pnpm serve`: scripts run without `run`.
        s if tool != "npm" && (s == "server" || ["start", "serve", "dev", "prod"].iter().any(|p| s.starts_with(p))) => {
            (sub, j + 1)
        }
        _ => return None,
    };
    if !is_serving_script(&script.text) {
        return None;
    }
    let after = words.get(rest..).unwrap_or_default();
    // Words after `--` go to the script; before it they are npm's.
    let rest = match after.iter().position(|w| w.text == "--") {
        Some(p) => &after[p + 1..],
        None => after,
    };
    let args = Args {
        positionals: rest.to_vec(),
        ..Args::default()
    };
    let mut sc = ctx.build(ServerKind::Node, words[i].clone(), args);
    sc.subcommand = Some(script.clone());
    Some(sc)
}

/// Words that are control operators (unquoted: span as long as the text).
fn operator_word(w: &Word) -> Option<&str> {
    let t = w.text.as_str();
    let unquoted = (w.span.end - w.span.start) as usize == t.len();
    let op = t.trim_start_matches(|c: char| c.is_ascii_digit());
    (unquoted && !op.is_empty() && OPERATORS.contains(&op) && (op.len() == t.len() || is_redirection(op))).then_some(op)
}

/// Group the words of [`split`] into commands at operator words.
fn regroup(words: &[Word]) -> Vec<Vec<Word>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    let mut skip_target = false;
    for w in words {
        match operator_word(w) {
            Some(op) if is_redirection(op) => skip_target = true,
            Some(_) => {
                skip_target = false;
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            None if std::mem::take(&mut skip_target) => {}
            None => cur.push(w.clone()),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Every server command in a list of commands, in order, each with the
/// `cd` and `export` that precede it on the line.
fn scan(commands: &[Vec<Word>], base: Ctx) -> Vec<ServerCommand> {
    let mut env = base.env.clone();
    let mut cd = base.cd.clone();
    let mut out = Vec::new();
    for cmd in commands {
        let Some(first) = cmd.first() else { continue };
        match first.text.as_str() {
            "cd" | "pushd" => {
                cd.extend(cmd.get(1).cloned());
                continue;
            }
            "export" => {
                for w in &cmd[1..] {
                    if let Some((name, value)) = assignment_parts(w, false) {
                        env.push(EnvVar {
                            name,
                            value,
                            origin: EnvOrigin::Inherited,
                        });
                    }
                }
                continue;
            }
            _ => {}
        }
        let ctx = Ctx {
            env: env.clone(),
            cd: cd.clone(),
            ..base.clone()
        };
        out.extend(parse_in(cmd, ctx));
    }
    out
}

/// The server a line starts: the first Python server, else the last
/// `node`/`npm`/`python script` (in `node migrate.js && node server.js`, the
/// last one keeps running).
pub fn main_server(found: Vec<ServerCommand>) -> Option<ServerCommand> {
    let first_server = found.iter().position(|s| s.kind.is_server());
    let mut found = found;
    match first_server {
        Some(p) => Some(found.swap_remove(p)),
        None => found.pop(),
    }
}

/// The server invocation in one command (or in a whole line split by
/// [`split`]: unquoted operator words separate commands), skipping wrappers
/// (`exec`, `env A=1`, `A=1`, `nohup`, `sh -c '…'`, `python -m`, `pipenv
/// run`, `poetry run`, `uv run`…). `None` when no server is started
/// (`npm ci`, `pip install …`, `python manage.py migrate`).
pub fn parse_command(words: &[Word]) -> Option<ServerCommand> {
    main_server(scan(&regroup(words), Ctx::default()))
}

/// Every server invocation in a list of commands ([`split_commands`]), with
/// the `cd DIR` and `export A=1` that precede each.
pub fn parse_commands(commands: &[Vec<Word>]) -> Vec<ServerCommand> {
    scan(commands, Ctx::default())
}

/// Split a shell line and return the server it starts (see [`main_server`]).
pub fn parse_command_line(text: &str, base: Span) -> Result<Option<ServerCommand>, String> {
    Ok(main_server(parse_commands(&split_commands(text, base)?)))
}

/// `GUNICORN_CMD_ARGS`: split as gunicorn does (Python `shlex.split`: quotes
/// and backslashes, no comments, no expansion) and read with gunicorn's
/// option table. `span` is where `value` is in its file (mapped as
/// [`Word::verbatim`] does).
pub fn gunicorn_cmd_args(value: &str, span: Span) -> Result<Args, String> {
    gunicorn_cmd_args_word(&Word::verbatim(value, span, false))
}

/// [`gunicorn_cmd_args`] for a value that is a word of a command line
/// (`GUNICORN_CMD_ARGS="--bind=:9000" gunicorn app:app`), with exact spans.
pub fn gunicorn_cmd_args_word(value: &Word) -> Result<Args, String> {
    let words = words_of(lex_word(value, SHLEX)?);
    let prog = python_program(ServerKind::Gunicorn).ok_or("no gunicorn table")?;
    let (mut args, _) = parse_args(&prog, &words, false);
    if let Some(app) = args.positionals.first() {
        let span = app.span;
        let msg = format!(
            "gunicorn ignores arguments in GUNICORN_CMD_ARGS: `{}` is not read as the application",
            app.text
        );
        problem(&mut args, span, msg);
    }
    Ok(args)
}

// ---------------------------------------------------------------------------
// Defaults, environment, listeners
// ---------------------------------------------------------------------------

/// An environment lookup: a variable's value and where it is set.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<(String, Span)>;

/// Where each server listens when nothing configures it.
pub fn default_bind(kind: ServerKind) -> Option<&'static str> {
    match kind {
        // gunicorn 27.0.1 (= 23.0.0) config.py `Bind.default` when PORT is
        // unset; see `gunicorn_default_bind`.
        ServerKind::Gunicorn => Some("127.0.0.1:8000"),
        // uvicorn 0.54.0 main.py: `--host` default "127.0.0.1", `--port` 8000.
        ServerKind::Uvicorn => Some("127.0.0.1:8000"),
        // hypercorn 0.18.0 config.py `_bind = ["127.0.0.1:8000"]`.
        ServerKind::Hypercorn => Some("127.0.0.1:8000"),
        // daphne 4.2.3 cli.py `DEFAULT_HOST`, `DEFAULT_PORT`.
        ServerKind::Daphne => Some("127.0.0.1:8000"),
        // waitress 3.0.2 adjustments.py `host = "0.0.0.0"`, `port = 8080`
        // (PORT is not read).
        ServerKind::Waitress => Some("0.0.0.0:8080"),
        // Flask 3.1.3 cli.py `run_command`: `--host` 127.0.0.1, `--port` 5000.
        ServerKind::Flask => Some("127.0.0.1:5000"),
        // Django 5.2.19 runserver.py `default_addr`, `default_port`.
        ServerKind::Runserver => Some("127.0.0.1:8000"),
        // Nothing on the command line says; the code does.
        ServerKind::Node | ServerKind::PythonScript => None,
        // uWSGI listens only where a socket option says; without one it
        // stops (`The -s/--socket option is missing and stdin is not a
        // socket.`, observed with 2.0.31).
        ServerKind::Uwsgi => None,
    }
}

/// The port a server adds to an address given without one: gunicorn
/// `util.parse_address` 8000, hypercorn `_create_sockets` 8000, waitress its
/// `port` (8080), daphne `DEFAULT_PORT`.
fn default_port(kind: ServerKind) -> &'static str {
    match kind {
        ServerKind::Waitress => "8080",
        ServerKind::Flask => "5000",
        _ => "8000",
    }
}

/// Where a server listens, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// As written, completed where the server completes it:
    /// `127.0.0.1:8000`, `[::1]:8000`, `:8000` (all interfaces), `*:8080`
    /// (waitress: all), `unix:/run/x.sock`, `fd://3`, or an unexpanded
    /// `0.0.0.0:$PORT` when the environment is not known.
    pub address: String,
    /// The decisions that led to the address, most decisive first: the
    /// option or variable that set it, then defaults and expansions applied.
    pub decided_by: Vec<(String, Span)>,
    /// Nothing configured it: the server's default address.
    pub default: bool,
}

impl Listener {
    /// The address taken apart.
    pub fn endpoint(&self) -> Endpoint {
        parse_endpoint(&self.address)
    }
}

/// A listener address taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    /// `host` as written without brackets (`""` and `*` mean all interfaces,
    /// as do `0.0.0.0` and `::`); `port` as written (may be `$PORT`).
    Tcp {
        host: String,
        port: String,
    },
    Unix(String),
    Fd(String),
    /// Not understood (a Twisted endpoint string, say).
    Other(String),
}

/// Take apart a [`Listener::address`] (also reads `tcp://` and `unix://`).
pub fn parse_endpoint(address: &str) -> Endpoint {
    if let Some(path) = address.strip_prefix("unix:") {
        return Endpoint::Unix(path.strip_prefix("//").unwrap_or(path).to_owned());
    }
    if let Some(fd) = address.strip_prefix("fd://") {
        return Endpoint::Fd(fd.to_owned());
    }
    let a = address.strip_prefix("tcp://").unwrap_or(address);
    let parts = match a.strip_prefix('[') {
        Some(rest) => rest.split_once("]:"),
        None => a.rsplit_once(':').filter(|(h, _)| !h.contains(':')),
    };
    match parts {
        Some((host, port)) => Endpoint::Tcp {
            host: host.to_owned(),
            port: port.to_owned(),
        },
        None => Endpoint::Other(address.to_owned()),
    }
}

/// gunicorn's default bind (27.0.1 config.py `Bind`, same in 23.0.0):
/// `0.0.0.0:$PORT` when PORT is set in gunicorn's environment, else
/// `127.0.0.1:8000`. (`-e PORT=…` does not count: it is applied later.)
pub fn gunicorn_default_bind(env: EnvLookup) -> Listener {
    match env("PORT") {
        Some((port, span)) => Listener {
            address: format!("0.0.0.0:{port}"),
            decided_by: vec![(
                format!("PORT={port} in the environment: gunicorn's default bind is 0.0.0.0:$PORT"),
                span,
            )],
            default: true,
        },
        None => Listener {
            address: "127.0.0.1:8000".into(),
            decided_by: Vec::new(),
            default: true,
        },
    }
}

/// A word's text with `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
/// `${NAME:=default}` expanded where the shell would expand them
/// ([`Piece::expands`]). A variable the lookup does not know is kept as
/// written, unless the reference has a default. Returns the text and one
/// decision per expansion.
pub fn expand(word: &Word, env: EnvLookup) -> (String, Vec<(String, Span)>) {
    let t = word.text.as_str();
    let mut out = String::new();
    let mut why = Vec::new();
    let mut i = 0;
    while let Some(c) = t[i..].chars().next() {
        if c == '$'
            && word.expands_at(i)
            && let Some(p) = parse_parameter(&t[i..])
        {
            let reference = &t[i..i + p.len];
            match (env(p.name), p.default) {
                (Some((v, span)), d) if !(v.is_empty() && p.colon && d.is_some()) => {
                    why.push((format!("{}={v} in the environment", p.name), span));
                    out.push_str(&v);
                }
                (_, Some(d)) => {
                    why.push((
                        format!("{} is not set: `{reference}` gives `{d}`", p.name),
                        word.span_of(i..i + p.len),
                    ));
                    out.push_str(d);
                }
                (_, None) => out.push_str(reference),
            }
            i += p.len;
            continue;
        }
        out.push(c);
        i += c.len_utf8();
    }
    (out, why)
}

struct Parameter<'a> {
    name: &'a str,
    default: Option<&'a str>,
    colon: bool,
    len: usize,
}

fn parse_parameter(s: &str) -> Option<Parameter<'_>> {
    let name_len = |x: &str| {
        x.bytes()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_')
            .count()
    };
    let valid = |n: &str| n.bytes().next().is_some_and(|c| c.is_ascii_alphabetic() || c == b'_');
    if let Some(body) = s.strip_prefix("${") {
        let close = body.find('}')?;
        let inner = &body[..close];
        let name = &inner[..name_len(inner)];
        if !valid(name) {
            return None;
        }
        let op = &inner[name.len()..];
        let (default, colon) = if op.is_empty() {
            (None, false)
        } else if let Some(d) = op.strip_prefix(":-").or_else(|| op.strip_prefix(":=")) {
            (Some(d), true)
        } else if let Some(d) = op.strip_prefix('-').or_else(|| op.strip_prefix('=')) {
            (Some(d), false)
        } else {
            return None;
        };
        return Some(Parameter {
            name,
            default,
            colon,
            len: close + 3,
        });
    }
    let body = s.strip_prefix('$')?;
    let name = &body[..name_len(body)];
    valid(name).then_some(Parameter {
        name,
        default: None,
        colon: false,
        len: name.len() + 1,
    })
}

/// Where the server listens: [`effective_listeners_with_config`] for a
/// server whose configuration file sets no bind (or is not known).
pub fn effective_listeners(cmd: &ServerCommand, env: EnvLookup) -> Vec<Listener> {
    effective_listeners_with_config(cmd, env, None)
}

/// Where the server listens, with the decisions that led there. `env` is the
/// environment the command runs in (a Dockerfile `ENV`, systemd
/// `Environment=`, a compose `environment:`); the command's own assignments
/// come first. `config_binds` is the `bind` a configuration file sets
/// (gunicorn `-c`/`gunicorn.conf.py`, hypercorn `-c`), if any.
///
/// Precedence, per server:
/// - gunicorn: `-b` on the command line > `--bind` in `GUNICORN_CMD_ARGS` >
///   config file > `0.0.0.0:$PORT` if PORT is set > `127.0.0.1:8000`
///   (app/base.py `load_config`, config.py `Bind`).
/// - uvicorn: `--uds` > `--fd` > `--host`:`--port`; each option from the
///   command line, else `UVICORN_<NAME>` (click `auto_envvar_prefix`), else
///   127.0.0.1 / 8000. PORT is ignored.
/// - hypercorn: `-b` (and `--insecure-bind`) > config file > 127.0.0.1:8000.
/// - daphne: `-e` endpoints, `-b`:`-p`, `-u`, `--fd` all listen; a host
///   without port gets 8000, a port without host 127.0.0.1; nothing at all
///   gives 127.0.0.1:8000.
/// - waitress: `--unix-socket` alone, else each `--listen`, else
///   `--host`:`--port` (0.0.0.0 / 8080). No environment variables.
/// - flask run: `--host`/`--port`, else `FLASK_RUN_HOST`/`FLASK_RUN_PORT`,
///   else 127.0.0.1 / 5000.
/// - runserver: `[addr:]port`, else 127.0.0.1:8000 (`[::1]` with `-6`).
/// - uwsgi: every socket option, from `UWSGI_*` variables and the command
///   line ([`uwsgi_config`] without ini files: a `--ini` gives an unknown
///   listener here).
/// - node, npm, python scripts: nothing from the command line (empty).
pub fn effective_listeners_with_config(
    cmd: &ServerCommand,
    env: EnvLookup,
    config_binds: Option<&[(String, Span)]>,
) -> Vec<Listener> {
    let server_env = |name: &str| {
        cmd.env_var(name)
            .map(|e| (e.value.text.clone(), e.value.span))
            .or_else(|| env(name))
    };
    let shell_env = |name: &str| {
        cmd.env
            .iter()
            .rev()
            .find(|e| e.origin == EnvOrigin::Inherited && e.name.text == name)
            .map(|e| (e.value.text.clone(), e.value.span))
            .or_else(|| env(name))
    };
    let cx = Cx {
        cmd,
        server_env: &server_env,
        shell_env: &shell_env,
    };
    match cmd.kind {
        ServerKind::Gunicorn => cx.gunicorn(config_binds),
        ServerKind::Hypercorn => cx.hypercorn(config_binds),
        ServerKind::Uvicorn => cx.uvicorn(),
        ServerKind::Daphne => cx.daphne(),
        ServerKind::Waitress => cx.waitress(),
        ServerKind::Flask => cx.flask(),
        ServerKind::Runserver => cx.runserver(),
        ServerKind::Uwsgi => uwsgi_config(cmd, env, &|_| None)
            .listeners
            .into_iter()
            .map(|u| u.listener)
            .collect(),
        ServerKind::Node | ServerKind::PythonScript => Vec::new(),
    }
}

struct Cx<'a> {
    cmd: &'a ServerCommand,
    server_env: EnvLookup<'a>,
    shell_env: EnvLookup<'a>,
}

/// One part of an address (host or port) and why.
struct Part {
    text: String,
    why: Vec<(String, Span)>,
    default: bool,
}

impl Cx<'_> {
    fn name(&self) -> &'static str {
        self.cmd.kind.name()
    }

    /// An address from a command-line word (expanded), completed with the
    /// server's default port when it has none.
    fn listener_from(&self, w: &Word, what: String, shell: bool) -> Listener {
        let (text, mut expanded) = if shell {
            expand(w, self.shell_env)
        } else {
            (w.text.clone(), Vec::new())
        };
        let mut decided_by = vec![(what, w.span)];
        decided_by.append(&mut expanded);
        let address = self.complete_port(text, w.span, &mut decided_by);
        Listener {
            address,
            decided_by,
            default: false,
        }
    }

    fn complete_port(&self, addr: String, span: Span, why: &mut Vec<(String, Span)>) -> String {
        if addr.starts_with("unix:") || addr.starts_with("fd://") {
            return addr;
        }
        let bare = addr.strip_prefix("tcp://").unwrap_or(&addr);
        let has_port = match bare.strip_prefix('[') {
            Some(rest) => rest.contains("]:"),
            None => bare.contains(':'),
        };
        if has_port {
            return addr;
        }
        let port = default_port(self.cmd.kind);
        why.push((format!("`{bare}` has no port: {} uses {port}", self.name()), span));
        format!("{addr}:{port}")
    }

    /// A host or port: the command line, else an environment variable, else
    /// the default.
    fn part(&self, cli: Option<&Word>, option: &str, env_name: Option<&str>, default: &str) -> Part {
        if let Some(w) = cli {
            let (text, mut expanded) = expand(w, self.shell_env);
            let mut why = vec![(format!("{option} {} on the command line", w.text), w.span)];
            why.append(&mut expanded);
            return Part {
                text,
                why,
                default: false,
            };
        }
        if let Some(name) = env_name
            && let Some((v, span)) = (self.server_env)(name)
        {
            return Part {
                text: v.clone(),
                why: vec![(format!("{name}={v} in the environment"), span)],
                default: false,
            };
        }
        let why = vec![(
            format!("{}'s default {option} is {default}", self.name()),
            self.cmd.program.span,
        )];
        Part {
            text: default.to_owned(),
            why,
            default: true,
        }
    }

    fn host_port(&self, host: Part, port: Part) -> Listener {
        let address = if host.text.contains(':') && !host.text.starts_with('[') {
            format!("[{}]:{}", host.text, port.text)
        } else {
            format!("{}:{}", host.text, port.text)
        };
        let default = host.default && port.default;
        let mut decided_by = host.why;
        decided_by.extend(port.why);
        Listener {
            address,
            decided_by,
            default,
        }
    }

    fn default_listener(&self, reason: String) -> Listener {
        let address = default_bind(self.cmd.kind).unwrap_or_default().to_owned();
        let what = format!("{reason}: {}'s default is {address}", self.name());
        Listener {
            address,
            decided_by: vec![(what, self.cmd.program.span)],
            default: true,
        }
    }

    fn tls_note(&self, listeners: &mut [Listener]) {
        if let Some(cert) = &self.cmd.args.certfile {
            for l in listeners.iter_mut() {
                l.decided_by
                    .push((format!("{} sets TLS: this listener speaks https", cert.text), cert.span));
            }
        }
    }

    fn gunicorn(&self, config: Option<&[(String, Span)]>) -> Vec<Listener> {
        let mut out: Vec<Listener> = self
            .cmd
            .args
            .binds
            .iter()
            .map(|w| self.listener_from(w, format!("--bind {} on the command line", w.text), true))
            .collect();
        let mut notes = Vec::new();
        if out.is_empty() {
            let cmd_args = match self.cmd.env_var("GUNICORN_CMD_ARGS") {
                Some(e) => Some((gunicorn_cmd_args_word(&e.value), e.value.span)),
                None => (self.server_env)("GUNICORN_CMD_ARGS").map(|(v, s)| (gunicorn_cmd_args(&v, s), s)),
            };
            match cmd_args {
                Some((Ok(a), _)) => {
                    out = a
                        .binds
                        .iter()
                        .map(|w| self.listener_from(w, format!("--bind {} in GUNICORN_CMD_ARGS", w.text), false))
                        .collect();
                }
                Some((Err(e), span)) => {
                    notes.push((
                        format!("GUNICORN_CMD_ARGS does not split ({e}): gunicorn stops with an error"),
                        span,
                    ));
                }
                None => {}
            }
        }
        if out.is_empty()
            && let Some(binds) = config
        {
            out = binds
                .iter()
                .map(|(b, span)| {
                    let mut decided_by = vec![(format!("bind {b} in the config file"), *span)];
                    let address = self.complete_port(b.clone(), *span, &mut decided_by);
                    Listener {
                        address,
                        decided_by,
                        default: false,
                    }
                })
                .collect();
            if binds.is_empty() {
                return out;
            }
        }
        if out.is_empty() {
            let mut l = gunicorn_default_bind(self.server_env);
            let what = "no bind on the command line, in GUNICORN_CMD_ARGS or in a config file";
            let reason = if l.decided_by.is_empty() {
                format!("{what}: gunicorn's default is 127.0.0.1:8000")
            } else {
                what.to_owned()
            };
            l.decided_by.insert(0, (reason, self.cmd.program.span));
            out.push(l);
        }
        for l in &mut out {
            l.decided_by.extend(notes.iter().cloned());
        }
        self.tls_note(&mut out);
        out
    }

    fn hypercorn(&self, config: Option<&[(String, Span)]>) -> Vec<Listener> {
        let a = &self.cmd.args;
        let mut out: Vec<Listener> = a
            .binds
            .iter()
            .map(|w| self.listener_from(w, format!("--bind {} on the command line", w.text), true))
            .collect();
        let tls = a.certfile.is_some() && a.keyfile.is_some();
        if out.is_empty()
            && let Some(binds) = config
        {
            for (b, span) in binds {
                let mut decided_by = vec![(format!("bind {b} in the config file"), *span)];
                let address = self.complete_port(b.clone(), *span, &mut decided_by);
                out.push(Listener {
                    address,
                    decided_by,
                    default: false,
                });
            }
        }
        if out.is_empty() {
            out.push(self.default_listener("no --bind".into()));
        }
        if tls {
            self.tls_note(&mut out);
            // `--insecure-bind` listens in plain HTTP next to the TLS binds
            // (config.py `create_sockets`; ignored without TLS).
            for o in a.options.iter().filter(|o| o.name == "--insecure-bind") {
                if let Some(v) = &o.value {
                    out.push(self.listener_from(v, format!("--insecure-bind {} on the command line", v.text), true));
                }
            }
        }
        out
    }

    fn uvicorn(&self) -> Vec<Listener> {
        let a = &self.cmd.args;
        let socket = |cli: Option<&Word>, option: &str, env_name: &str, prefix: &str| -> Option<Listener> {
            let (text, why) = match cli {
                Some(w) => {
                    let (t, mut e) = expand(w, self.shell_env);
                    let mut why = vec![(format!("{option} {} on the command line", w.text), w.span)];
                    why.append(&mut e);
                    (t, why)
                }
                None => {
                    let (v, span) = (self.server_env)(env_name)?;
                    (v.clone(), vec![(format!("{env_name}={v} in the environment"), span)])
                }
            };
            Some(Listener {
                address: format!("{prefix}{text}"),
                decided_by: why,
                default: false,
            })
        };
        // config.py `bind_socket`: uds, else fd, else host/port.
        if let Some(l) = socket(a.uds.as_ref(), "--uds", "UVICORN_UDS", "unix:") {
            return vec![l];
        }
        if let Some(l) = socket(a.fd.as_ref(), "--fd", "UVICORN_FD", "fd://") {
            return vec![l];
        }
        let host = self.part(a.host.as_ref(), "--host", Some("UVICORN_HOST"), "127.0.0.1");
        let port = self.part(a.port.as_ref(), "--port", Some("UVICORN_PORT"), "8000");
        let mut out = vec![self.host_port(host, port)];
        self.tls_note(&mut out);
        out
    }

    fn flask(&self) -> Vec<Listener> {
        let a = &self.cmd.args;
        let host = self.part(a.host.as_ref(), "--host", Some("FLASK_RUN_HOST"), "127.0.0.1");
        let port = self.part(a.port.as_ref(), "--port", Some("FLASK_RUN_PORT"), "5000");
        let mut out = vec![self.host_port(host, port)];
        self.tls_note(&mut out);
        out
    }

    fn daphne(&self) -> Vec<Listener> {
        let a = &self.cmd.args;
        let mut out: Vec<Listener> = a.binds.iter().map(|w| self.twisted_endpoint(w)).collect();
        if a.host.is_some() || a.port.is_some() {
            let host = self.part(a.host.as_ref(), "--bind", None, "127.0.0.1");
            let port = self.part(a.port.as_ref(), "--port", None, "8000");
            out.push(self.host_port(host, port));
        }
        if let Some(w) = &a.uds {
            out.push(Listener {
                address: format!("unix:{}", w.text),
                decided_by: vec![(format!("--unix-socket {} on the command line", w.text), w.span)],
                default: false,
            });
        }
        if let Some(w) = &a.fd {
            out.push(Listener {
                address: format!("fd://{}", w.text),
                decided_by: vec![(format!("--fd {} on the command line", w.text), w.span)],
                default: false,
            });
        }
        if out.is_empty() {
            out.push(self.default_listener("no --bind, --port, --unix-socket, --fd or --endpoint".into()));
        }
        out
    }

    /// A Twisted endpoint description (`tcp:8000:interface=0.0.0.0`,
    /// `tcp:port=8000`, `unix:/run/x.sock`, `unix:path=…`, `fd:fileno=3`).
    fn twisted_endpoint(&self, w: &Word) -> Listener {
        let (text, mut expanded) = expand(w, self.shell_env);
        let mut decided_by = vec![(format!("--endpoint {} on the command line", w.text), w.span)];
        decided_by.append(&mut expanded);
        let mut parts = text.split(':');
        let kind = parts.next().unwrap_or_default();
        let mut positional = Vec::new();
        let mut named = Vec::new();
        for p in parts {
            match p.split_once('=') {
                Some((k, v)) => named.push((k, v)),
                None => positional.push(p),
            }
        }
        let get = |key: &str, pos: usize| {
            named
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| *v)
                .or_else(|| positional.get(pos).copied())
        };
        let address = match kind {
            "tcp" | "tcp6" | "ssl" => match get("port", 0) {
                Some(port) => {
                    let host = get("interface", 1).unwrap_or("");
                    if host.is_empty() {
                        decided_by.push(("no interface: twisted listens on all interfaces".into(), w.span));
                    }
                    if host.contains(':') {
                        format!("[{host}]:{port}")
                    } else {
                        format!("{host}:{port}")
                    }
                }
                None => text.clone(),
            },
            "unix" => get("address", 0)
                .or_else(|| get("path", 0))
                .map_or(text.clone(), |p| format!("unix:{p}")),
            "fd" => get("fileno", 0).map_or(text.clone(), |f| format!("fd://{f}")),
            _ => text.clone(),
        };
        Listener {
            address,
            decided_by,
            default: false,
        }
    }

    fn waitress(&self) -> Vec<Listener> {
        let a = &self.cmd.args;
        // server.py `create_server`: a unix socket replaces the TCP listeners.
        if let Some(w) = &a.uds {
            let (text, _) = expand(w, self.shell_env);
            return vec![Listener {
                address: format!("unix:{text}"),
                decided_by: vec![(format!("--unix-socket {} on the command line", w.text), w.span)],
                default: false,
            }];
        }
        if !a.binds.is_empty() {
            return a
                .binds
                .iter()
                .map(|w| self.listener_from(w, format!("--listen {} on the command line", w.text), true))
                .collect();
        }
        let host = self.part(a.host.as_ref(), "--host", None, "0.0.0.0");
        let port = self.part(a.port.as_ref(), "--port", None, "8080");
        vec![self.host_port(host, port)]
    }

    fn runserver(&self) -> Vec<Listener> {
        let a = &self.cmd.args;
        let ipv6 = a.option("--ipv6");
        let default_addr = if ipv6.is_some() { "::1" } else { "127.0.0.1" };
        let Some(w) = a.binds.first() else {
            let mut l = self.default_listener("no [addr:]port".into());
            if let Some(o) = ipv6 {
                l.address = "[::1]:8000".into();
                l.decided_by
                    .push(("-6: the default address is ::1".into(), o.word.span));
            }
            return vec![l];
        };
        let (text, mut expanded) = expand(w, self.shell_env);
        let mut decided_by = vec![(format!("runserver {} on the command line", w.text), w.span)];
        decided_by.append(&mut expanded);
        let (addr, port) = match text.rsplit_once(':') {
            Some((addr, port)) if !addr.is_empty() => (addr.to_owned(), port.to_owned()),
            _ => {
                decided_by.push((format!("no address: runserver uses {default_addr}"), w.span));
                (default_addr.to_owned(), text.clone())
            }
        };
        let addr = if addr == "0" {
            decided_by.push(("runserver reads the address 0 as 0.0.0.0".into(), w.span));
            "0.0.0.0".to_owned()
        } else {
            addr
        };
        let address = if addr.contains(':') && !addr.starts_with('[') {
            format!("[{addr}]:{port}")
        } else {
            format!("{addr}:{port}")
        };
        vec![Listener {
            address,
            decided_by,
            default: false,
        }]
    }
}

/// The configuration file a server reads, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigChoice {
    /// As written (`gunicorn.conf.py`, `python:pkg.conf`, `file:x.py`), or
    /// `gunicorn.conf.py` for gunicorn's default.
    pub path: String,
    pub decided_by: Vec<(String, Span)>,
    /// gunicorn's default: `./gunicorn.conf.py` in the working directory
    /// (after [`ServerCommand::cd`]), read only if it exists.
    pub default: bool,
}

/// Which configuration file gunicorn or hypercorn reads. gunicorn (27.0.1
/// app/base.py `load_config`): `-c` on the command line, else `--config` in
/// `GUNICORN_CMD_ARGS`, else `gunicorn.conf.py` in the working directory
/// (`--chdir` does not move it). hypercorn: `-c` only. Others: `None`.
pub fn config_file(cmd: &ServerCommand, env: EnvLookup) -> Option<ConfigChoice> {
    let from_cli = |w: &Word| ConfigChoice {
        path: w.text.clone(),
        decided_by: vec![(format!("--config {} on the command line", w.text), w.span)],
        default: false,
    };
    match cmd.kind {
        ServerKind::Hypercorn => cmd.args.config.as_ref().map(from_cli),
        ServerKind::Gunicorn => {
            if let Some(w) = &cmd.args.config {
                return Some(from_cli(w));
            }
            let cmd_args = match cmd.env_var("GUNICORN_CMD_ARGS") {
                Some(e) => gunicorn_cmd_args_word(&e.value).ok(),
                None => env("GUNICORN_CMD_ARGS").and_then(|(v, s)| gunicorn_cmd_args(&v, s).ok()),
            };
            if let Some(w) = cmd_args.and_then(|a| a.config) {
                return Some(ConfigChoice {
                    path: w.text.clone(),
                    decided_by: vec![(format!("--config {} in GUNICORN_CMD_ARGS", w.text), w.span)],
                    default: false,
                });
            }
            Some(ConfigChoice {
                path: "gunicorn.conf.py".into(),
                decided_by: vec![(
                    "no --config: gunicorn reads ./gunicorn.conf.py if it exists".into(),
                    cmd.program.span,
                )],
                default: true,
            })
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// uWSGI
// ---------------------------------------------------------------------------

/// A uWSGI ini file of the repository: the options of its `[uwsgi]` sections,
/// in order, values as written (`parse::launch::parse_uwsgi_ini`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UwsgiIni {
    pub file: FileId,
    /// The file as messages name it (`deploy/uwsgi.ini`).
    pub display: String,
    /// `(key, value, span of the value)`.
    pub options: Vec<(String, String, Span)>,
}

/// The repository's ini file for a path that a command or an ini names
/// (`/srv/app/uwsgi.ini`: a path on the server), if any.
pub type UwsgiIniLookup<'a> = &'a dyn Fn(&str) -> Option<UwsgiIni>;

/// One option of a uWSGI configuration, after uWSGI's expansions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UwsgiOption {
    /// As uWSGI looks it up (exactly: `http_socket` is not `http-socket`);
    /// command-line options by their long name (`-s` is `socket`, `-p`
    /// `processes`).
    pub name: String,
    /// The value after uWSGI's expansions; `""` for a flag given alone.
    pub value: String,
    /// False when an expansion is left open: an unset `$(VAR)`, `@(file)`, a
    /// `%(name)` no option defines, a shell `$VAR` no launcher sets, or a
    /// magic variable of the server (`%d`, `%n`, `%k`…).
    pub known: bool,
    pub span: Span,
    /// `socket = /run/app.sock in deploy/uwsgi.ini`, `--socket :3031 on the
    /// command line`, `UWSGI_SOCKET=:3031 in the environment`.
    pub origin: String,
    /// The expansions applied, for notes.
    pub expanded: Vec<(String, Span)>,
}

/// A socket uWSGI binds, with the protocol it speaks there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UwsgiListener {
    pub listener: Listener,
    /// `uwsgi`, `http` (`http-socket`, `https-socket` and the `http`/`https`
    /// routers), `fastcgi`, `scgi`, uWSGI's own `raw` and `puwsgi`, or
    /// `unknown` (a `protocol` lint502 does not know or cannot read).
    pub protocol: &'static str,
    /// `https-socket`, `https`, `suwsgi-socket`/`ssl-socket`.
    pub tls: bool,
    /// The address is fully known (no open expansion, no unread file).
    pub known: bool,
}

/// A uWSGI instance's configuration as uWSGI assembles it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UwsgiConfig {
    /// Every option in the order uWSGI reads them: `UWSGI_*` variables, then
    /// the command line with each `--ini` file's options where it is named
    /// (uWSGI loads it at once), then the files named as arguments (glibc
    /// `getopt_long` moves arguments after the options).
    pub options: Vec<UwsgiOption>,
    /// Every socket, in order. List options accumulate: a `--socket` on the
    /// command line adds to the ini's `socket` lines (observed with 2.0.31).
    pub listeners: Vec<UwsgiListener>,
    /// The repository's ini files read.
    pub files: Vec<FileId>,
    /// Configuration files named but not read (outside the checked files,
    /// another `[section]`, XML/YAML/JSON): each adds an unknown listener.
    pub unread: Vec<(String, Span)>,
}

impl UwsgiConfig {
    /// The value uWSGI keeps for a single-valued option (the last one), by
    /// any of its names (`&["processes", "workers"]`).
    pub fn last(&self, names: &[&str]) -> Option<&UwsgiOption> {
        self.options.iter().rev().find(|o| names.contains(&o.name.as_str()))
    }

    /// `harakiri` / `-t`: seconds a request may run before uWSGI kills the
    /// worker.
    pub fn harakiri(&self) -> Option<&UwsgiOption> {
        self.last(&["harakiri"])
    }

    /// `-p/--processes/--workers`.
    pub fn processes(&self) -> Option<&UwsgiOption> {
        self.last(&["processes", "workers"])
    }

    /// The application's environment: every `env = KEY=VALUE`, in order.
    pub fn app_env(&self) -> Vec<(&str, &str)> {
        self.options
            .iter()
            .filter(|o| o.name == "env")
            .filter_map(|o| o.value.split_once('='))
            .collect()
    }
}

/// Options that make uWSGI listen: (name, protocol, TLS). No protocol: the
/// `protocol`/`socket-protocol` option's, else uwsgi (core/socket.c
/// `uwsgi_set_sockets_protocols`; `protocol = http` turning `socket =` into
/// HTTP was observed with 2.0.31). `http`/`https` start uWSGI's HTTP router
/// on the address (plugins/http), which forwards to the first socket (or to
/// one on 127.0.0.1 with a random port that it adds, not listed here).
const UWSGI_SOCKET_OPTIONS: &[(&str, Option<&str>, bool)] = &[
    ("socket", None, false),
    ("uwsgi-socket", Some("uwsgi"), false),
    ("suwsgi-socket", Some("uwsgi"), true),
    ("ssl-socket", Some("uwsgi"), true),
    ("http-socket", Some("http"), false),
    ("http11-socket", Some("http"), false),
    ("https-socket", Some("http"), true),
    ("fastcgi-socket", Some("fastcgi"), false),
    ("fastcgi-nph-socket", Some("fastcgi"), false),
    ("scgi-socket", Some("scgi"), false),
    ("scgi-nph-socket", Some("scgi"), false),
    ("raw-socket", Some("raw"), false),
    ("puwsgi-socket", Some("puwsgi"), false),
    ("http", Some("http"), false),
    ("https", Some("http"), true),
];

/// Options uWSGI also reads from `UWSGI_<NAME>` variables (core/utils.c
/// `parse_sys_envs`: `UWSGI_HTTP_SOCKET` is `http-socket`, read before the
/// command line; `UWSGI_INI` loads a file, observed with 2.0.31). lint502
/// looks up the ones it uses.
const UWSGI_ENV_OPTIONS: &[&str] = &[
    "ini",
    "shared-socket",
    "socket",
    "uwsgi-socket",
    "http-socket",
    "https-socket",
    "fastcgi-socket",
    "scgi-socket",
    "http",
    "https",
    "protocol",
    "socket-protocol",
    "processes",
    "workers",
    "harakiri",
    "chdir",
    "module",
    "wsgi-file",
    "callable",
    "buffer-size",
    "socket-timeout",
];

/// Nested configuration files followed at most this deep (`ini = other.ini`).
const UWSGI_MAX_DEPTH: usize = 8;

/// The protocol a `protocol = NAME` gives default sockets.
fn uwsgi_protocol(name: &str) -> &'static str {
    match name.trim() {
        "uwsgi" | "suwsgi" => "uwsgi",
        "http" | "http11" | "https" => "http",
        "fastcgi" | "fastcgi-nph" => "fastcgi",
        "scgi" | "scgi-nph" => "scgi",
        "raw" => "raw",
        "puwsgi" => "puwsgi",
        _ => "unknown",
    }
}

/// One option while uWSGI collects them.
struct UwsgiRaw {
    name: String,
    value: String,
    span: Span,
    origin: String,
    /// Read from a file: magic `%X` variables apply.
    file: bool,
    known: bool,
    why: Vec<(String, Span)>,
}

struct UwsgiReader<'a> {
    inis: UwsgiIniLookup<'a>,
    raw: Vec<UwsgiRaw>,
    files: Vec<FileId>,
    unread: Vec<(String, Span)>,
}

impl UwsgiReader<'_> {
    /// Add an option; options that load configuration at once
    /// (`UWSGI_OPT_IMMEDIATE`: `ini`, `include`, `yaml`…) add the file's
    /// options right after it.
    fn push(&mut self, raw: UwsgiRaw, depth: usize) {
        let (name, value, span) = (raw.name.clone(), raw.value.clone(), raw.span);
        self.raw.push(raw);
        match name.as_str() {
            "ini" => self.load_ini(&value, span, depth),
            "include" | "inherit" | "config" => self.load_file(&value, span, depth),
            "xmlconfig" | "xml" | "yaml" | "yml" | "json" | "js" => self.unread.push((
                format!("uwsgi reads {value} ({name}), which lint502 does not read: its sockets are unknown"),
                span,
            )),
            _ => {}
        }
    }

    /// A configuration file by its extension (core/uwsgi.c `uwsgi_opt_load`).
    fn load_file(&mut self, path: &str, span: Span, depth: usize) {
        let (file, _) = uwsgi_split_section(path);
        if file.ends_with(".ini") {
            self.load_ini(path, span, depth);
        } else if [".xml", ".yaml", ".yml", ".json", ".js"]
            .iter()
            .any(|e| file.ends_with(e))
        {
            self.unread.push((
                format!("uwsgi reads {path}, which lint502 does not read (ini files only): its sockets are unknown"),
                span,
            ));
        }
    }

    /// `--ini FILE[:section]` (core/ini.c): the `[uwsgi]` section unless
    /// another is named.
    fn load_ini(&mut self, path: &str, span: Span, depth: usize) {
        let (file, section) = uwsgi_split_section(path);
        if let Some(sec) = section.filter(|s| *s != "uwsgi") {
            self.unread.push((
                format!("uwsgi reads section [{sec}] of {file}; lint502 reads [uwsgi] sections only: its sockets are unknown"),
                span,
            ));
            return;
        }
        if depth >= UWSGI_MAX_DEPTH {
            return;
        }
        let name = file.rsplit('/').next().unwrap_or(file);
        let found = if name.contains(['$', '%', '@']) {
            None
        } else {
            (self.inis)(file)
        };
        let Some(ini) = found else {
            self.unread.push((
                format!("uwsgi reads {file}, which is not among the checked files: its sockets are unknown"),
                span,
            ));
            return;
        };
        self.files.push(ini.file);
        for (k, v, s) in ini.options {
            let origin = if v.is_empty() {
                format!("{k} in {}", ini.display)
            } else {
                format!("{k} = {v} in {}", ini.display)
            };
            self.push(
                UwsgiRaw {
                    name: k,
                    value: v,
                    span: s,
                    origin,
                    file: true,
                    known: true,
                    why: Vec::new(),
                },
                depth + 1,
            );
        }
    }

    /// uWSGI's expansion passes, then the listeners.
    fn finish(mut self, env: EnvLookup) -> UwsgiConfig {
        // Files: magic variables (core/utils.c `magic_sub`, at read time).
        // All: `$(VAR)` from the environment, then `@(file)` (core/uwsgi.c
        // `uwsgi_apply_config_pass`, in this order); a reference that does
        // not resolve stays as written (observed: `$(UNSET)` reached bind).
        for r in &mut self.raw {
            if r.file {
                let (text, known) = uwsgi_magic(&r.value);
                r.value = text;
                r.known &= known;
            }
            let mut why = Vec::new();
            let (text, known) = uwsgi_references(&r.value, '$', &mut |name| {
                env(name).map(|(v, s)| {
                    why.push((format!("{name}={v} in the environment"), s));
                    v
                })
            });
            r.value = text;
            r.known &= known;
            let (text, known) = uwsgi_references(&r.value, '@', &mut |_| None);
            r.value = text;
            r.known &= known;
            r.why.extend(why);
        }
        // `%(name)`: the first option of that name (core/config.c
        // `uwsgi_manage_placeholder`), defined anywhere, even later
        // (observed); any option that is not one of uWSGI's is a placeholder.
        for i in 0..self.raw.len() {
            let mut why = Vec::new();
            let (text, known) = self.placeholders(&self.raw[i].value, 0, &mut why);
            let r = &mut self.raw[i];
            r.value = text;
            r.known &= known;
            r.why.extend(why);
        }
        let options: Vec<UwsgiOption> = self
            .raw
            .into_iter()
            .map(|r| UwsgiOption {
                name: r.name,
                value: r.value,
                known: r.known,
                span: r.span,
                origin: r.origin,
                expanded: r.why,
            })
            .collect();
        let mut listeners = uwsgi_listeners(&options);
        for (why, span) in &self.unread {
            listeners.push(UwsgiListener {
                listener: Listener {
                    address: "unknown".into(),
                    decided_by: vec![(why.clone(), *span)],
                    default: false,
                },
                protocol: "unknown",
                tls: false,
                known: false,
            });
        }
        UwsgiConfig {
            options,
            listeners,
            files: self.files,
            unread: self.unread,
        }
    }

    /// `text` with `%(name)` replaced by the first option `name`'s value,
    /// itself expanded (uWSGI scans a substituted value again).
    fn placeholders(&self, text: &str, depth: usize, why: &mut Vec<(String, Span)>) -> (String, bool) {
        let mut hit_known = true;
        let (out, known) = uwsgi_references(text, '%', &mut |name| {
            // `%(a b + 1)`: concatenation and arithmetic; not evaluated.
            if name.contains(' ') || depth >= UWSGI_MAX_DEPTH {
                return None;
            }
            let r = self.raw.iter().find(|r| r.name == name)?;
            let (v, k) = self.placeholders(&r.value, depth + 1, why);
            hit_known &= k && r.known;
            why.push((format!("%({name}) is `{v}` ({})", r.origin), r.span));
            Some(v)
        });
        (out, known && hit_known)
    }
}

/// `FILE:section` (core/ini.c: the last `:`, when a section follows).
fn uwsgi_split_section(path: &str) -> (&str, Option<&str>) {
    match path.rsplit_once(':') {
        Some((file, sec)) if !sec.is_empty() && !sec.contains('/') && !file.is_empty() => (file, Some(sec)),
        _ => (path, None),
    }
}

/// uWSGI's magic variables in a file's text (core/utils.c `magic_sub`):
/// `%%` is `%`, `%(` stays for the placeholder pass, and any other `%X` is a
/// value of the server (`%d` the file's folder, `%n` its name, `%k` the CPU
/// count, `%h` the host name…) or nothing: not known here.
fn uwsgi_magic(value: &str) -> (String, bool) {
    let mut out = String::with_capacity(value.len());
    let mut known = true;
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('%') => {
                chars.next();
                out.push('%');
            }
            Some('(') | None => out.push('%'),
            Some(x) => {
                chars.next();
                out.push('%');
                out.push(x);
                known = false;
            }
        }
    }
    (out, known)
}

/// Replace `S(name)` references (`S` is `$`, `@` or `%`; nested parentheses
/// count, as in `uwsgi_apply_config_pass`) with what `resolve` gives; a
/// reference it does not resolve stays as written and makes the text unknown.
fn uwsgi_references(text: &str, symbol: char, resolve: &mut dyn FnMut(&str) -> Option<String>) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut known = true;
    let mut rest = text;
    let open: String = [symbol, '('].iter().collect();
    while let Some(at) = rest.find(open.as_str()) {
        out.push_str(&rest[..at]);
        let inner_start = at + 2;
        let mut depth = 0usize;
        let mut close = None;
        for (i, c) in rest[inner_start..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth == 0 => {
                    close = Some(inner_start + i);
                    break;
                }
                ')' => depth -= 1,
                _ => {}
            }
        }
        let Some(close) = close else {
            out.push_str(&rest[at..]);
            return (out, known);
        };
        match resolve(&rest[inner_start..close]) {
            Some(v) => out.push_str(&v),
            None => {
                out.push_str(&rest[at..=close]);
                known = false;
            }
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    (out, known)
}

/// Whether a word still holds a shell variable no launcher set (`$PORT`).
fn has_shell_variable(text: &str) -> bool {
    text.match_indices('$')
        .any(|(i, _)| text[i + 1..].starts_with(|c: char| c == '{' || c == '_' || c.is_ascii_alphanumeric()))
}

/// A socket option's value as a lint502 address (core/socket.c
/// `uwsgi_new_socket`, `uwsgi_bind_sockets`): `=N` is shared socket N, `fd://N`
/// a file descriptor, a value without `:` a unix socket (`@name` abstract),
/// else TCP `host:port` with the port read as C's `atoi` does (digits up to
/// the first other character: `:8000 # web` binds 8000, observed), `:port`
/// for all IPv4 interfaces. Port 0, `*` (auto-IP) and open expansions are
/// not known.
fn uwsgi_address(
    value: &str,
    known: bool,
    shared: &[(String, bool)],
    why: &mut Vec<(String, Span)>,
    span: Span,
) -> (String, bool) {
    let v = value.trim_start();
    if let Some(n) = v.strip_prefix('=') {
        let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
        let k: usize = digits.parse().unwrap_or(0);
        return match shared.get(k) {
            Some((addr, ok)) => {
                why.push((format!("={k} is shared-socket {k}, {addr}"), span));
                (addr.clone(), *ok && known)
            }
            None => (v.to_owned(), false),
        };
    }
    if let Some(fd) = v.strip_prefix("fd://") {
        return (format!("fd://{fd}"), known);
    }
    let Some(colon) = v.rfind(':') else {
        return (format!("unix:{v}"), known && !v.is_empty());
    };
    let (host, port_text) = (&v[..colon], &v[colon + 1..]);
    let digits: String = port_text
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    if !known || host.contains('*') || digits.parse::<u32>().unwrap_or(0) == 0 {
        return (v.to_owned(), false);
    }
    if digits.len() != port_text.len() {
        why.push((
            format!(
                "uWSGI reads the port as {digits} and ignores `{}`",
                &port_text[digits.len()..]
            ),
            span,
        ));
    }
    (format!("{host}:{digits}"), true)
}

/// The sockets of a configuration, in order.
fn uwsgi_listeners(options: &[UwsgiOption]) -> Vec<UwsgiListener> {
    let default_protocol = options
        .iter()
        .rev()
        .find(|o| o.name == "protocol" || o.name == "socket-protocol");
    let mut shared: Vec<(String, bool)> = Vec::new();
    let mut out = Vec::new();
    for o in options {
        if o.name == "shared-socket" || o.name == "undeferred-shared-socket" {
            let (addr, known) = uwsgi_address(&o.value, o.known, &[], &mut Vec::new(), o.span);
            shared.push((addr, known));
            continue;
        }
        let Some(&(_, protocol, tls)) = UWSGI_SOCKET_OPTIONS.iter().find(|(n, ..)| *n == o.name) else {
            continue;
        };
        let mut decided_by = vec![(o.origin.clone(), o.span)];
        decided_by.extend(o.expanded.iter().cloned());
        let protocol = match (protocol, default_protocol) {
            (Some(p), _) => p,
            (None, Some(d)) => {
                let p = if d.known { uwsgi_protocol(&d.value) } else { "unknown" };
                decided_by.push((format!("{}: `socket` speaks {p}", d.origin), d.span));
                p
            }
            (None, None) => "uwsgi",
        };
        // `addr,cert,key[,ciphers[,ca]]` (core/uwsgi.c `uwsgi_opt_add_ssl_socket`,
        // plugins/http/https.c `uwsgi_opt_https`).
        let value = if tls {
            o.value.split(',').next().unwrap_or_default()
        } else {
            o.value.as_str()
        };
        let (address, known) = uwsgi_address(value, o.known, &shared, &mut decided_by, o.span);
        if o.name == "http" || o.name == "https" {
            decided_by.push((
                format!(
                    "`{}` starts uWSGI's HTTP router here, which forwards to the workers",
                    o.name
                ),
                o.span,
            ));
        }
        out.push(UwsgiListener {
            listener: Listener {
                address,
                decided_by,
                default: false,
            },
            protocol,
            tls,
            known,
        });
    }
    out
}

/// How uWSGI started by `cmd` is configured: `UWSGI_*` variables (`env`,
/// and the command's own `VAR=value`), the command line in order with each
/// `--ini` file read where it is named, then the ini files named as
/// arguments (`uwsgi uwsgi.ini`), each looked up with `inis`. Shell
/// variables in the command line expand from the environment of the shell;
/// uWSGI's `$(VAR)` from the server's environment.
pub fn uwsgi_config(cmd: &ServerCommand, env: EnvLookup, inis: UwsgiIniLookup) -> UwsgiConfig {
    let server_env = |name: &str| {
        cmd.env_var(name)
            .map(|e| (e.value.text.clone(), e.value.span))
            .or_else(|| env(name))
    };
    let shell_env = |name: &str| {
        cmd.env
            .iter()
            .rev()
            .find(|e| e.origin == EnvOrigin::Inherited && e.name.text == name)
            .map(|e| (e.value.text.clone(), e.value.span))
            .or_else(|| env(name))
    };
    let mut r = UwsgiReader {
        inis,
        raw: Vec::new(),
        files: Vec::new(),
        unread: Vec::new(),
    };
    for name in UWSGI_ENV_OPTIONS {
        let var = format!("UWSGI_{}", name.to_ascii_uppercase().replace('-', "_"));
        if let Some((v, span)) = server_env(&var) {
            let origin = format!("{var}={v} in the environment");
            r.push(
                UwsgiRaw {
                    name: (*name).to_owned(),
                    value: v,
                    span,
                    origin,
                    file: false,
                    known: true,
                    why: Vec::new(),
                },
                0,
            );
        }
    }
    for o in &cmd.args.options {
        let name = o.name.trim_start_matches('-').to_owned();
        // In a cluster (`-Ms x`) the option's word is its letter alone.
        let written = if o.word.text.starts_with('-') {
            o.word.text.clone()
        } else {
            format!("-{}", o.word.text)
        };
        let raw = match &o.value {
            Some(w) => {
                let (text, why) = expand(w, &shell_env);
                UwsgiRaw {
                    name,
                    known: !has_shell_variable(&text),
                    value: text,
                    span: w.span,
                    origin: format!("{written} {} on the command line", w.text),
                    file: false,
                    why,
                }
            }
            None => UwsgiRaw {
                name,
                value: String::new(),
                span: o.word.span,
                origin: format!("{written} on the command line"),
                file: false,
                known: true,
                why: Vec::new(),
            },
        };
        r.push(raw, 0);
    }
    // Arguments: configuration files by extension, after every option
    // (observed: `uwsgi a.ini --socket X` binds X first).
    for p in &cmd.args.positionals {
        if !p.text.starts_with('[') {
            let (text, _) = expand(p, &shell_env);
            r.load_file(&text, p.span, 0);
        }
    }
    r.finish(&server_env)
}

/// The configuration of a uWSGI ini file that no launcher in the repository
/// uses (`uwsgi --ini FILE` started elsewhere, or an Emperor vassal): its own
/// options, without an environment.
pub fn uwsgi_ini_config(ini: &UwsgiIni, inis: UwsgiIniLookup) -> UwsgiConfig {
    let mut r = UwsgiReader {
        inis,
        raw: Vec::new(),
        files: Vec::new(),
        unread: Vec::new(),
    };
    r.files.push(ini.file);
    for (k, v, s) in &ini.options {
        let origin = if v.is_empty() {
            format!("{k} in {}", ini.display)
        } else {
            format!("{k} = {v} in {}", ini.display)
        };
        r.push(
            UwsgiRaw {
                name: k.clone(),
                value: v.clone(),
                span: *s,
                origin,
                file: true,
                known: true,
                why: Vec::new(),
            },
            1,
        );
    }
    r.finish(&|_| None)
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(3);

    fn base(text: &str) -> Span {
        Span::new(F, 10, 10 + text.len())
    }

    /// (text, source at span) for each word; the text is placed at offset 10.
    fn words(text: &str) -> Vec<(String, String)> {
        let src = format!("{}{text}", " ".repeat(10));
        split(text, base(text))
            .unwrap()
            .iter()
            .map(|w| (w.text.clone(), src[w.span.range()].to_owned()))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    }

    fn cmd(text: &str) -> ServerCommand {
        parse_command_line(text, base(text))
            .unwrap()
            .unwrap_or_else(|| panic!("no server in {text}"))
    }

    fn no_env(_: &str) -> Option<(String, Span)> {
        None
    }

    fn addresses(c: &ServerCommand, env: EnvLookup) -> Vec<String> {
        effective_listeners(c, env).into_iter().map(|l| l.address).collect()
    }

    #[test]
    fn split_quotes_escapes_and_spans() {
        assert_eq!(
            words(r#"a "b c" 'd e'f g\ h "i\"j" "\x""#),
            pairs(&[
                ("a", "a"),
                ("b c", "\"b c\""),
                ("d ef", "'d e'f"),
                ("g h", "g\\ h"),
                ("i\"j", "\"i\\\"j\""),
                ("\\x", "\"\\x\""),
            ])
        );
        // Empty quoted words are words.
        assert_eq!(words(r#"a "" ''"#), pairs(&[("a", "a"), ("", "\"\""), ("", "''")]));
    }

    #[test]
    fn split_comments_continuations_and_operators() {
        assert_eq!(words("a #b c\nd"), pairs(&[("a", "a"), ("d", "d")]));
        assert_eq!(words("a#b"), pairs(&[("a#b", "a#b")]));
        assert_eq!(
            words("gunicorn \\\n  -w 2"),
            pairs(&[("gunicorn", "gunicorn"), ("-w", "-w"), ("2", "2")])
        );
        assert_eq!(
            words("cd /x&&exec a 2>&1 >>log|b;c"),
            pairs(&[
                ("cd", "cd"),
                ("/x", "/x"),
                ("&&", "&&"),
                ("exec", "exec"),
                ("a", "a"),
                ("2>&", "2>&"),
                ("1", "1"),
                (">>", ">>"),
                ("log", "log"),
                ("|", "|"),
                ("b", "b"),
                (";", ";"),
                ("c", "c"),
            ])
        );
        // Quoted operators are words.
        assert_eq!(words("'&&' \\;"), pairs(&[("&&", "'&&'"), (";", "\\;")]));
    }

    #[test]
    fn split_keeps_substitutions_whole() {
        assert_eq!(
            words(r#"-w $(nproc --all) -t "${T:-30}" `echo a b` $((1 + 2))"#),
            pairs(&[
                ("-w", "-w"),
                ("$(nproc --all)", "$(nproc --all)"),
                ("-t", "-t"),
                ("${T:-30}", "\"${T:-30}\""),
                ("`echo a b`", "`echo a b`"),
                ("$((1 + 2))", "$((1 + 2))"),
            ])
        );
        assert_eq!(
            split("a ${B", base("a ${B")).unwrap_err(),
            "unterminated parameter expansion"
        );
        assert_eq!(split("a `b", base("a `b")).unwrap_err(), "unterminated backquote");
    }

    #[test]
    fn pieces_record_expansion() {
        let text = r#"a$X"$Y"'$Z'\$W"#;
        let w = &split(text, base(text)).unwrap()[0];
        assert_eq!(w.text, "a$X$Y$Z$W");
        let expands: Vec<bool> = (0..w.text.len()).map(|i| w.expands_at(i)).collect();
        assert_eq!(expands, [true, true, true, true, true, false, false, false, true]);
        assert_eq!(w.span, Span::new(F, 10, 10 + text.len()));
        // `$W` came from `\$W`: the `$` maps after the backslash.
        assert_eq!(w.file_offset(7), 10 + 12);
        assert_eq!(w.span_of(3..5), Span::new(F, 10 + 4, 10 + 6));
        assert_eq!(w.slice(3..9).text, "$Y$Z$W");
    }

    #[test]
    fn verbatim_words_map_linearly() {
        let w = Word::verbatim("0.0.0.0:8000", Span::new(F, 100, 114), false);
        assert_eq!(w.span_of(8..12), Span::new(F, 109, 113));
        let w = Word::verbatim("abc", Span::new(F, 5, 8), true);
        assert_eq!(w.span_of(1..2), Span::new(F, 6, 7));
        // Lengths disagree (escapes in the source): offsets stay inside the span.
        let w = Word::verbatim("a\"b", Span::new(F, 0, 6), true);
        assert_eq!(w.span_of(0..3), Span::new(F, 0, 3));
        assert!(w.span_of(2..3).end <= 6);
    }

    #[test]
    fn shlex_mode_for_gunicorn_cmd_args() {
        // shlex: no comments, `$` is literal, `\` in double quotes escapes only `"` and `\`.
        let v = r#"--bind=:8000 #x "a\$b""#;
        let a = gunicorn_cmd_args(v, Span::new(F, 0, v.len())).unwrap();
        let texts: Vec<&str> = a.positionals.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["#x", "a\\$b"]);
        assert_eq!(a.binds[0].text, ":8000");
        assert!(!a.binds[0].expands_at(0));
        assert_eq!(a.problems.len(), 1);
    }

    #[test]
    fn argparse_clusters_prefixes_and_optional_values() {
        let c = cmd("gunicorn -Dw4 --preload --proxy-protocol v2 --max-req 100 app:app");
        assert_eq!(c.args.workers.as_ref().unwrap().text, "4");
        let names: Vec<&str> = c.args.options.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(
            names,
            ["--daemon", "--workers", "--preload", "--proxy-protocol", "--max-req"]
        );
        assert_eq!(
            c.args.option("--proxy-protocol").unwrap().value.as_ref().unwrap().text,
            "v2"
        );
        // `--max-req` is a prefix of `--max-requests` and `--max-requests-jitter`.
        assert_eq!(
            c.args.problems[0].message,
            "gunicorn has an ambiguous option `--max-req` and stops with a usage error"
        );
        let c = cmd("gunicorn --max-requests-j 5 --proxy-protocol app:app");
        assert_eq!(
            c.args
                .option("--max-requests-jitter")
                .unwrap()
                .value
                .as_ref()
                .unwrap()
                .text,
            "5"
        );
        assert_eq!(c.args.app.as_ref().unwrap().text, "app:app");
        assert!(
            c.args.problems[0]
                .message
                .starts_with("gunicorn 24.1 and later read `app:app` as the --proxy-protocol")
        );
        let c = cmd("gunicorn --preload=yes app:app");
        assert_eq!(
            c.args.problems[0].message,
            "gunicorn option `--preload` takes no value: `yes` makes it stop"
        );
    }

    #[test]
    fn click_reads_values_literally() {
        // click: `-p=5000` gives the value `=5000` (flask then rejects it as a number).
        let c = cmd("flask run -p=5000 -h0.0.0.0");
        assert_eq!(c.args.port.as_ref().unwrap().text, "=5000");
        assert_eq!(c.args.host.as_ref().unwrap().text, "0.0.0.0");
        // click takes a value that looks like an option; no prefixes.
        let c = cmd("uvicorn --root-path --x app:app --hos 0.0.0.0");
        assert_eq!(
            c.args.option("--root-path").unwrap().value.as_ref().unwrap().text,
            "--x"
        );
        assert_eq!(
            c.args.problems[0].message,
            "uvicorn has no option `--hos` and stops with a usage error"
        );
    }

    #[test]
    fn getopt_has_no_short_options() {
        let c = cmd("waitress-serve -p 8080 app:app");
        assert_eq!(
            c.args.problems[0].message,
            "waitress-serve has no option `-p` and stops with a usage error"
        );
        let c = cmd("waitress-serve --listen='127.0.0.1:8080 [::1]:8080 *' app:app");
        let binds: Vec<&str> = c.args.binds.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(binds, ["127.0.0.1:8080", "[::1]:8080", "*"]);
        assert_eq!(addresses(&c, &no_env), ["127.0.0.1:8080", "[::1]:8080", "*:8080"]);
        let c = cmd("waitress-serve --listen=:80 --host=x app:app");
        assert_eq!(
            c.args.problems[0].message,
            "waitress rejects --listen together with --host or --port"
        );
    }

    #[test]
    fn wrappers() {
        let c = cmd("sudo -u www-data -E gosu app tini -s -- su-exec app nice -n 5 time exec -a web gunicorn app:app");
        assert_eq!(c.kind, ServerKind::Gunicorn);
        let w: Vec<&str> = c.wrappers.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(w, ["sudo", "gosu", "tini", "su-exec", "nice", "time", "exec"]);
        let c = cmd("opentelemetry-instrument --traces_exporter console --metrics_exporter=none uvicorn a:b");
        assert_eq!(c.kind, ServerKind::Uvicorn);
        let c = cmd("pipenv run python -m daphne a.asgi:application");
        assert_eq!(
            (c.kind, c.interpreter.as_ref().unwrap().text.as_str()),
            (ServerKind::Daphne, "python")
        );
        let c = cmd("uv run --directory backend --with gunicorn gunicorn a:b");
        assert_eq!(c.cd[0].text, "backend");
        let c = cmd("env -i -C /srv --unset=X HOME=/root env -S 'gunicorn -w 2' app:app");
        assert_eq!(c.cd[0].text, "/srv");
        assert_eq!(c.env_var("HOME").unwrap().value.text, "/root");
        assert_eq!(c.args.app.as_ref().unwrap().text, "app:app");
        assert_eq!(c.args.workers.as_ref().unwrap().text, "2");
        let c = cmd("poetry -C api run uvicorn a:b");
        assert_eq!((c.cd[0].text.as_str(), c.kind), ("api", ServerKind::Uvicorn));
        let c = cmd("/opt/venv/bin/python3.12 -X dev -Wignore -m hypercorn a:b");
        assert_eq!(c.kind, ServerKind::Hypercorn);
        let c = cmd("python -mgunicorn a:b");
        assert_eq!(
            (c.program.text.as_str(), c.program.span),
            ("gunicorn", Span::new(F, 19, 27))
        );
        let c = cmd("watchmedo auto-restart -d . -p '*.py' -R -- gunicorn3 a:b");
        assert_eq!(
            (c.kind, c.wrappers[0].text.as_str()),
            (ServerKind::Gunicorn, "watchmedo")
        );
        let c = cmd("nodemon -e js,json --watch src src/index.js");
        assert_eq!(
            (c.kind, c.script.unwrap().text.as_str()),
            (ServerKind::Node, "src/index.js")
        );
        assert!(
            parse_command_line("nodemon --exec 'npm start'", base("nodemon --exec 'npm start'"))
                .unwrap()
                .is_none()
        );
        let c = cmd("ts-node -P tsconfig.json server.ts");
        assert_eq!(c.script.unwrap().text, "server.ts");
        let c = cmd(r"'C:\venv\Scripts\waitress-serve.exe' --port=80 a:b");
        assert_eq!(c.kind, ServerKind::Waitress);
        assert!(
            parse_command_line("poetry install", base("poetry install"))
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn shells_inherit_env_and_cd() {
        let c = cmd("cd /srv && PORT=9000 bash -ec 'cd app; exec gunicorn -b :$PORT app:app'");
        let cd: Vec<&str> = c.cd.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(cd, ["/srv", "app"]);
        assert_eq!(c.env[0].origin, EnvOrigin::Inherited);
        assert_eq!(addresses(&c, &no_env), [":9000"]);
        // The prefix assignment is not seen by `$PORT` on the same command.
        let c = cmd("PORT=9000 gunicorn -b :$PORT app:app");
        assert_eq!(addresses(&c, &no_env), [":$PORT"]);
        let c = cmd("sh -c \"sh -c 'uvicorn a:b --port 1'\"");
        assert_eq!(c.wrappers.len(), 2);
        assert_eq!(c.args.port.as_ref().unwrap().text, "1");
    }

    #[test]
    fn main_server_choice() {
        let c = cmd("python manage.py migrate && python seed.py && gunicorn proj.wsgi & node worker.js");
        assert_eq!(c.kind, ServerKind::Gunicorn);
        let c = cmd("python init_db.py; python app.py");
        assert_eq!(c.script.unwrap().text, "app.py");
        let c = cmd("if [ -f x ]; then yarn dev; else yarn start; fi");
        assert_eq!(c.subcommand.unwrap().text, "start");
        let c = cmd("pnpm --dir web run serve");
        assert_eq!(
            (c.cd[0].text.as_str(), c.subcommand.unwrap().text.as_str()),
            ("web", "serve")
        );
        let all =
            parse_commands(&split_commands("gunicorn a:b; uvicorn c:d", base("gunicorn a:b; uvicorn c:d")).unwrap());
        assert_eq!(all.len(), 2);
    }

    #[test]
    fn parse_command_on_split_words() {
        let text = "cd /app && exec gunicorn app:app > /dev/null";
        let c = parse_command(&split(text, base(text)).unwrap()).unwrap();
        assert_eq!(c.cd[0].text, "/app");
        assert_eq!(c.args.positionals.len(), 1);
        // A quoted `&&` is an argument.
        let text = "gunicorn '&&' app:app";
        let c = parse_command(&split(text, base(text)).unwrap()).unwrap();
        assert_eq!(c.args.app.unwrap().text, "&&");
    }

    #[test]
    fn defaults_table() {
        use ServerKind::*;
        let got: Vec<Option<&str>> = [
            Gunicorn,
            Uvicorn,
            Hypercorn,
            Daphne,
            Waitress,
            Flask,
            Runserver,
            Node,
            PythonScript,
            Uwsgi,
        ]
        .into_iter()
        .map(default_bind)
        .collect();
        assert_eq!(
            got,
            [
                Some("127.0.0.1:8000"),
                Some("127.0.0.1:8000"),
                Some("127.0.0.1:8000"),
                Some("127.0.0.1:8000"),
                Some("0.0.0.0:8080"),
                Some("127.0.0.1:5000"),
                Some("127.0.0.1:8000"),
                None,
                None,
                None
            ]
        );
        let port = |n: &str| (n == "PORT").then(|| ("3000".to_owned(), Span::new(F, 1, 5)));
        let l = gunicorn_default_bind(&port);
        assert_eq!((l.address.as_str(), l.default), ("0.0.0.0:3000", true));
        assert_eq!(l.decided_by[0].1, Span::new(F, 1, 5));
        assert_eq!(gunicorn_default_bind(&no_env).address, "127.0.0.1:8000");
    }

    #[test]
    fn environment_configures_servers() {
        let env = |n: &str| {
            let v = match n {
                "UVICORN_UDS" => "/run/u.sock",
                "FLASK_RUN_HOST" => "0.0.0.0",
                "PORT" => "7000",
                _ => return None,
            };
            Some((v.to_owned(), Span::new(FileId(9), 0, v.len())))
        };
        assert_eq!(addresses(&cmd("uvicorn a:b --port 1"), &env), ["unix:/run/u.sock"]);
        assert_eq!(addresses(&cmd("flask run"), &env), ["0.0.0.0:5000"]);
        assert_eq!(addresses(&cmd("hypercorn a:b"), &env), ["127.0.0.1:8000"]);
        assert_eq!(addresses(&cmd("waitress-serve a:b"), &env), ["0.0.0.0:8080"]);
        assert_eq!(addresses(&cmd("gunicorn a:b"), &env), ["0.0.0.0:7000"]);
        // `-e PORT=…` is applied after the defaults are computed.
        assert_eq!(addresses(&cmd("gunicorn -e PORT=1 a:b"), &no_env), ["127.0.0.1:8000"]);
        assert_eq!(addresses(&cmd("node server.js"), &env), Vec::<String>::new());
    }

    #[test]
    fn config_binds_and_tls() {
        let c = cmd("gunicorn -c conf.py a:b");
        let binds = [
            ("unix:/run/g.sock".to_owned(), Span::new(F, 0, 1)),
            ("0.0.0.0".to_owned(), Span::new(F, 2, 3)),
        ];
        let got: Vec<String> = effective_listeners_with_config(&c, &no_env, Some(&binds))
            .into_iter()
            .map(|l| l.address)
            .collect();
        assert_eq!(got, ["unix:/run/g.sock", "0.0.0.0:8000"]);
        assert!(effective_listeners_with_config(&c, &no_env, Some(&[])).is_empty());
        let c = cmd("gunicorn -b :1 -c conf.py a:b");
        let got = effective_listeners_with_config(&c, &no_env, Some(&binds));
        assert_eq!(got[0].address, ":1");
        let c = cmd("hypercorn --certfile c --keyfile k -b 0.0.0.0:443 --insecure-bind 0.0.0.0:80 a:b");
        let got = effective_listeners(&c, &no_env);
        assert_eq!(
            got.iter().map(|l| l.address.as_str()).collect::<Vec<_>>(),
            ["0.0.0.0:443", "0.0.0.0:80"]
        );
        assert_eq!(got[0].decided_by[1].0, "c sets TLS: this listener speaks https");
        let c = cmd("python manage.py runserver -6");
        assert_eq!(addresses(&c, &no_env), ["[::1]:8000"]);
        let c = cmd("python manage.py runserver [::]:8000");
        assert_eq!(addresses(&c, &no_env), ["[::]:8000"]);
    }

    #[test]
    fn expansion_forms() {
        let env = |n: &str| match n {
            "A" => Some(("1".to_owned(), Span::new(F, 0, 1))),
            "E" => Some((String::new(), Span::new(F, 0, 0))),
            _ => None,
        };
        let x = |t: &str| expand(&split(t, base(t)).unwrap()[0], &env).0;
        assert_eq!(
            x("$A:${A}:${B:-2}:${B-3}:${E:-4}:${E-5}:$B:'$A':$1"),
            "1:1:2:3:4::$B:$A:$1"
        );
        assert_eq!(x("${B:=6}"), "6");
        assert_eq!(x("${A:?x}"), "${A:?x}");
    }

    #[test]
    fn endpoints() {
        assert_eq!(
            parse_endpoint("unix:///run/x.sock"),
            Endpoint::Unix("/run/x.sock".into())
        );
        assert_eq!(parse_endpoint("fd://3"), Endpoint::Fd("3".into()));
        assert_eq!(
            parse_endpoint("tcp://[::1]:80"),
            Endpoint::Tcp {
                host: "::1".into(),
                port: "80".into()
            }
        );
        assert_eq!(
            parse_endpoint(":8000"),
            Endpoint::Tcp {
                host: String::new(),
                port: "8000".into()
            }
        );
        assert_eq!(
            parse_endpoint("*:8080"),
            Endpoint::Tcp {
                host: "*".into(),
                port: "8080".into()
            }
        );
        assert_eq!(parse_endpoint("::1"), Endpoint::Other("::1".into()));
    }

    // --- uWSGI -------------------------------------------------------------

    const INI: FileId = FileId(4);

    /// An ini file from `(key, value)` pairs, spans at made-up offsets.
    fn ini(display: &str, options: &[(&str, &str)]) -> UwsgiIni {
        UwsgiIni {
            file: INI,
            display: display.into(),
            options: options
                .iter()
                .enumerate()
                .map(|(i, (k, v))| ((*k).into(), (*v).into(), Span::new(INI, i * 10, i * 10 + v.len())))
                .collect(),
        }
    }

    /// (address, protocol, known) of each listener.
    fn sockets(cfg: &UwsgiConfig) -> Vec<(String, &'static str, bool)> {
        cfg.listeners
            .iter()
            .map(|u| (u.listener.address.clone(), u.protocol, u.known))
            .collect()
    }

    fn l(a: &str, p: &'static str, k: bool) -> (String, &'static str, bool) {
        (a.to_owned(), p, k)
    }

    #[test]
    fn uwsgi_table_is_the_whole_2_0_31_build() {
        let t = uwsgi_table();
        let names: Vec<&str> = t
            .iter()
            .flat_map(|s| s.names.iter().copied())
            .filter(|n| n.starts_with("--"))
            .collect();
        // `uwsgi --help` of the pip build lists 943 long options.
        assert_eq!(names.len(), 943);
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), names.len(), "a name is listed twice");
        let arity = |n: &str| t.iter().find(|s| s.names.contains(&n)).map(|s| s.arity);
        assert_eq!(arity("--master"), Some(Arity::Flag));
        assert_eq!(arity("--http-socket"), Some(Arity::Value));
        assert_eq!(arity("--chmod-socket"), Some(Arity::Optional));
        assert_eq!(arity("--vacuum"), Some(Arity::Flag));
        // Short options map to the first option declaring them.
        assert_eq!(lookup_short(t, "-s").map(OptSpec::canonical), Some("--socket"));
        assert_eq!(lookup_short(t, "-p").map(OptSpec::canonical), Some("--processes"));
        assert_eq!(lookup_short(t, "-w").map(OptSpec::canonical), Some("--module"));
    }

    #[test]
    fn uwsgi_getopt_values_and_optional_arguments() {
        // A required value is taken even when it starts with `-`; an optional
        // one only when attached.
        let c = cmd("uwsgi --chmod-socket 664 --logto -x -C660 --socket=:1");
        let opts: Vec<(String, Option<String>)> = c
            .args
            .options
            .iter()
            .map(|o| (o.name.clone(), o.value.as_ref().map(|w| w.text.clone())))
            .collect();
        assert_eq!(
            opts,
            [
                ("--chmod-socket".to_owned(), None),
                ("--logto".to_owned(), Some("-x".to_owned())),
                ("--chmod-socket".to_owned(), Some("660".to_owned())),
                ("--socket".to_owned(), Some(":1".to_owned())),
            ]
        );
        assert_eq!(c.args.positionals[0].text, "664");
        assert!(c.args.problems.is_empty(), "{:?}", c.args.problems);
        let c = cmd("uwsgi --master=1 --bogus x");
        let msgs: Vec<&str> = c.args.problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "uwsgi option `--master` takes no value: `1` makes it stop",
                "uwsgi has no option `--bogus` and stops with a usage error"
            ]
        );
    }

    #[test]
    fn uwsgi_options_accumulate_in_uwsgi_order() {
        // Observed with 2.0.31 (`uwsgi socket N bound to …` order): UWSGI_*
        // variables first, then the command line with `--ini` read in place,
        // then argument files.
        let a = ini(
            "deploy/a.ini",
            &[("socket", "127.0.0.1:18501"), ("harakiri", "20"), ("harakiri", "40")],
        );
        let lookup = |p: &str| p.ends_with("a.ini").then(|| a.clone());
        let env = |n: &str| (n == "UWSGI_SOCKET").then(|| ("127.0.0.1:18509".to_owned(), Span::new(F, 0, 1)));
        let c = cmd("uwsgi a.ini --socket 127.0.0.1:18502 -t 10 --http-socket :18510");
        let cfg = uwsgi_config(&c, &env, &lookup);
        assert_eq!(
            sockets(&cfg),
            [
                l("127.0.0.1:18509", "uwsgi", true),
                l("127.0.0.1:18502", "uwsgi", true),
                l(":18510", "http", true),
                l("127.0.0.1:18501", "uwsgi", true),
            ]
        );
        assert_eq!(cfg.files, [INI]);
        // The positional ini comes after the options: its `harakiri` wins.
        assert_eq!(cfg.harakiri().map(|o| o.value.as_str()), Some("40"));
        assert_eq!(
            cfg.listeners[3].listener.decided_by[0].0,
            "socket = 127.0.0.1:18501 in deploy/a.ini"
        );
        let c = cmd("uwsgi --ini /etc/uwsgi/a.ini -t 10");
        let cfg = uwsgi_config(&c, &no_env, &lookup);
        assert_eq!(cfg.harakiri().map(|o| o.value.as_str()), Some("10"));
        // Not in the repository: one unknown listener.
        let cfg = uwsgi_config(&cmd("uwsgi --ini b.ini:prod --yaml c.yml"), &no_env, &lookup);
        assert_eq!(
            sockets(&cfg),
            [l("unknown", "unknown", false), l("unknown", "unknown", false)]
        );
        assert!(cfg.unread[0].0.contains("section [prod]"), "{:?}", cfg.unread);
    }

    #[test]
    fn uwsgi_expansions() {
        let i = ini(
            "uwsgi.ini",
            &[
                ("socket", "%(base):%(port)"),
                ("base", "127.0.0.1"),
                ("port", "18504"),
                ("http-socket", "127.0.0.1:$(UWV_PORT)"),
                ("fastcgi-socket", "%d/app.sock"),
                ("scgi-socket", "/run/100%%.sock"),
                ("socket", "127.0.0.1:18506 # a comment"),
                ("http_socket", "127.0.0.1:18507"),
                ("raw-socket", "@(file)"),
                ("puwsgi-socket", "%(nothing):1"),
            ],
        );
        let cfg = uwsgi_ini_config(&i, &|_| None);
        assert_eq!(
            sockets(&cfg),
            [
                l("127.0.0.1:18504", "uwsgi", true),
                l("127.0.0.1:$(UWV_PORT)", "http", false),
                l("unix:%d/app.sock", "fastcgi", false),
                l("unix:/run/100%.sock", "scgi", true),
                l("127.0.0.1:18506", "uwsgi", true),
                l("unix:@(file)", "raw", false),
                l("%(nothing):1", "puwsgi", false),
            ]
        );
        let why: Vec<&str> = cfg.listeners[0]
            .listener
            .decided_by
            .iter()
            .map(|(w, _)| w.as_str())
            .collect();
        assert_eq!(
            why,
            [
                "socket = %(base):%(port) in uwsgi.ini",
                "%(base) is `127.0.0.1` (base = 127.0.0.1 in uwsgi.ini)",
                "%(port) is `18504` (port = 18504 in uwsgi.ini)"
            ]
        );
        assert_eq!(
            cfg.listeners[4].listener.decided_by[1].0,
            "uWSGI reads the port as 18506 and ignores ` # a comment`"
        );
        // With the variable set (the launcher's environment).
        let c = cmd("uwsgi --ini uwsgi.ini");
        let env = |n: &str| (n == "UWV_PORT").then(|| ("18505".to_owned(), Span::new(F, 0, 1)));
        let cfg = uwsgi_config(&c, &env, &|_| Some(i.clone()));
        assert_eq!(cfg.listeners[1].listener.address, "127.0.0.1:18505");
        assert!(cfg.listeners[1].known);
        // A placeholder that refers to itself stops.
        let loop_ini = ini("x.ini", &[("a", "%(a)"), ("socket", "%(a)")]);
        let cfg = uwsgi_ini_config(&loop_ini, &|_| None);
        assert!(!cfg.listeners[0].known);
    }

    #[test]
    fn uwsgi_protocols_shared_sockets_and_tls() {
        // Observed with 2.0.31: `protocol = http` makes `socket` speak HTTP
        // (curl got 200), not `uwsgi-socket`; `=0` maps to shared socket 0.
        let i = ini(
            "g.ini",
            &[
                ("socket", "127.0.0.1:18530"),
                ("uwsgi-socket", "127.0.0.1:18532"),
                ("protocol", "http"),
                ("shared-socket", "127.0.0.1:18533"),
                ("http-socket", "=0"),
                ("https-socket", "0.0.0.0:8443,c.pem,k.pem"),
                ("https", ":443,c.pem,k.pem"),
                ("http", "=3"),
                ("socket", "fd://3"),
                ("socket", "127.0.0.1:0"),
                ("socket", "192.168.*:3031"),
            ],
        );
        let cfg = uwsgi_ini_config(&i, &|_| None);
        assert_eq!(
            sockets(&cfg),
            [
                l("127.0.0.1:18530", "http", true),
                l("127.0.0.1:18532", "uwsgi", true),
                l("127.0.0.1:18533", "http", true),
                l("0.0.0.0:8443", "http", true),
                l(":443", "http", true),
                l("=3", "http", false),
                l("fd://3", "http", true),
                l("127.0.0.1:0", "http", false),
                l("192.168.*:3031", "http", false),
            ]
        );
        let tls: Vec<bool> = cfg.listeners.iter().map(|u| u.tls).collect();
        assert_eq!(tls, [false, false, false, true, true, false, false, false, false]);
        assert_eq!(cfg.processes(), None);
        // No socket at all: uWSGI stops (observed), nothing listens.
        let cfg = uwsgi_ini_config(&ini("e.ini", &[("wsgi-file", "app.py"), ("master", "")]), &|_| None);
        assert!(cfg.listeners.is_empty());
        let cfg = uwsgi_ini_config(
            &ini("f.ini", &[("env", "A=1"), ("env", "B=x=y"), ("env", "C")]),
            &|_| None,
        );
        assert_eq!(cfg.app_env(), [("A", "1"), ("B", "x=y")]);
    }

    #[test]
    fn uwsgi_nested_ini_files() {
        let inner = UwsgiIni {
            file: FileId(5),
            ..ini("common.ini", &[("socket", "/run/app.sock"), ("ini", "outer.ini")])
        };
        let outer = ini("outer.ini", &[("ini", "%d/common.ini"), ("processes", "4")]);
        let lookup = |p: &str| {
            if p.ends_with("common.ini") {
                Some(inner.clone())
            } else {
                Some(outer.clone())
            }
        };
        let cfg = uwsgi_ini_config(&outer, &lookup);
        // Loops stop at the depth limit; the socket is read once per level.
        assert!(cfg.files.len() <= UWSGI_MAX_DEPTH + 1);
        assert_eq!(cfg.listeners[0].listener.address, "unix:/run/app.sock");
        assert_eq!(cfg.processes().map(|o| o.value.as_str()), Some("4"));
    }

    /// Random command lines and ini files: reading a uWSGI configuration
    /// never panics, and spans stay inside their text.
    #[test]
    fn uwsgi_random_configurations_never_panic() {
        const ALPHABET: &[&str] = &[
            " ",
            "uwsgi ",
            "-s",
            "-M",
            "-Ms",
            "--socket",
            "--http",
            "=",
            ":",
            "--ini ",
            "a.ini",
            "x.ini:s",
            "$(",
            "%(",
            "@(",
            ")",
            "%",
            "%d",
            "$P",
            "=0",
            ",",
            "fd://",
            "*",
            "0",
            "3031",
            "/run/a.sock",
            "'",
            "\"",
            "-",
            "é",
            "--shared-socket ",
            "--protocol ",
        ];
        for (round, text) in crate::text::random_texts(0x5757, 3_000, 32, ALPHABET).enumerate() {
            let b = base(&text);
            let Ok(Some(c)) = parse_command_line(&text, b) else {
                continue;
            };
            let opts: Vec<(String, String)> = text.split(' ').map(|w| ("socket".to_owned(), w.to_owned())).collect();
            let i = UwsgiIni {
                file: INI,
                display: "r.ini".into(),
                options: opts
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone(), Span::new(INI, 0, 0)))
                    .collect(),
            };
            let names = ["socket", "ini", "protocol", "shared-socket", "http", "base"];
            let mixed = UwsgiIni {
                options: i
                    .options
                    .iter()
                    .enumerate()
                    .map(|(k, (_, v, s))| (names[(k + round) % names.len()].to_owned(), v.clone(), *s))
                    .collect(),
                ..i.clone()
            };
            let lookup = |_: &str| Some(mixed.clone());
            let cfg = uwsgi_config(&c, &no_env, &lookup);
            for u in &cfg.listeners {
                for (_, s) in &u.listener.decided_by {
                    if s.file == F {
                        assert!(s.end as usize <= 10 + text.len(), "{text:?}");
                    }
                }
            }
            let _ = uwsgi_ini_config(&i, &lookup);
        }
    }
}
