//! pip requirements files (`requirements.txt`, `constraints.txt`, pip-compile
//! `.in` inputs), read as pip 26.3 reads them, and the PEP 508 dependency
//! specifiers they hold (also used by [`super::manifest`]).
//!
//! Authority: pip 26.3 (`src/pip/_internal/req/req_file.py`,
//! `req/constructors.py`, `cli/cmdoptions.py`, `models/link.py`) and the
//! `packaging` 26.3 it vendors (`_tokenizer.py`, `_parser.py`,
//! `specifiers.py`, `markers.py`, `utils.py`, `version.py`). The user-facing
//! format is documented in pip's `docs/html/reference/requirements-file-format.md`.
//!
//! How a file is read, in pip's order:
//!
//! 1. **Decoding** ([`parse_bytes`]): a BOM (UTF-8, UTF-16, UTF-32), else a
//!    PEP 263 `coding:` comment in the first two lines, else UTF-8. pip falls
//!    back to the locale's encoding; lint502 keeps the bytes it cannot decode
//!    as [`crate::source::INVALID_BYTE_STANDIN`].
//! 2. **Logical lines** (`preprocess`): `str.splitlines`; a line ending in
//!    `\` is joined to the next one with the backslashes removed and no space
//!    added, except a comment line, which never continues; comments
//!    (`#` at the start of a line or after whitespace, so `#egg=` and
//!    `#sha256=` survive) are cut *after* joining; `strip`; empty lines
//!    dropped; `${NAME}` (`[A-Z0-9_]+` only) replaced by the environment
//!    variable when it is set and not empty, left as it is otherwise.
//! 3. **Line split** (`break_args_options`, `grammar/requirements.pest`):
//!    the requirement is everything before the first space-separated token
//!    starting with `-`; the rest goes through `shlex` and `optparse`.
//! 4. **Options**: global options (`-i`, `--extra-index-url`, `-f`, …), the
//!    nested files (`-r`, `-c`), editables (`-e`), and the per-requirement
//!    options (`--hash`, `-C`/`--config-settings`). Long options may be
//!    abbreviated (optparse), `-rfile`, `-r file`, `--requirement=file` and
//!    `--requirement file` are all the same.
//! 5. **Requirements** (`parse_req_from_line`, `parse_editable`): PEP 508
//!    (`name[extras] specifiers ; markers`, `name @ url`), bare URLs, local
//!    paths and archives (a wheel file name gives `name==version`, an
//!    `#egg=` fragment gives the name), editables.
//!
//! pip stops at the first bad line; lint502 reports one [`SyntaxError`] per
//! bad line, in pip's wording, and reads the others. lint502 never looks at
//! the disk: where pip asks whether a path exists, it assumes what a working
//! checkout would answer (see [`Target::Path`]).

use std::collections::HashMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};

use pest::Parser;
use pest::iterators::Pair;

use super::SyntaxError;
use crate::model::value::Spanned;
use crate::source::{FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/requirements.pest"]
struct LineGrammar;

// ====================================================================== types

/// What a requirements file says.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RequirementsFile {
    /// Requirement lines, editables included, in file order.
    pub requirements: Vec<Requirement>,
    /// `-r` / `-c` lines, in file order (not followed: see [`resolve_includes`]).
    pub includes: Vec<Include>,
    /// Global options (index, find-links, binary controls, hashes mode, …).
    pub options: Vec<GlobalOption>,
    /// Options pip parses and then ignores (an `--index-url` on a requirement
    /// line, a second `-r` on one line, a `--hash` without a requirement…).
    pub ignored_options: Vec<IgnoredOption>,
    /// Every `${NAME}` pip would try to expand, in file order.
    pub env_vars: Vec<EnvVar>,
    /// Comments, leader included in the span.
    pub comments: Vec<Comment>,
    /// One per bad line, in pip's wording.
    pub errors: Vec<SyntaxError>,
}

/// One requirement: a PEP 508 line, a URL, a local path or archive, or an
/// editable (`-e`).
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    /// The project name, when pip knows it: the PEP 508 name, the name in a
    /// wheel's file name, or an `#egg=` fragment. `None` for an unnamed
    /// requirement (a directory, an sdist, a URL without `#egg=`), which pip
    /// names only after building it.
    pub name: Option<Name>,
    /// Extras as written (`requests[socks]`), in order.
    pub extras: Vec<Spanned<String>>,
    /// Version specifiers (`>=1.2,<2`); `None` when there are none.
    pub specifier: Option<SpecifierSet>,
    /// The environment marker (`; python_version < "3.11"`).
    pub marker: Option<Marker>,
    /// Where the distribution comes from.
    pub target: Target,
    /// `-e` / `--editable`.
    pub editable: bool,
    /// `--hash=algo:digest` options of the line (dropped by pip on editables).
    pub hashes: Vec<Hash>,
    /// `-C` / `--config-settings KEY=VAL` options of the line.
    pub config_settings: Vec<ConfigSetting>,
    /// The requirement text pip parsed (after preprocessing, without the
    /// spaces around it).
    pub text: String,
    /// Where that text is.
    pub span: Span,
    /// The 1-based line pip reports (the first line of a continued line).
    pub line: u32,
}

/// A project name as written, with its PEP 503 normal form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub written: String,
    /// [`canonical_name`] of `written`.
    pub canonical: String,
    pub span: Span,
    pub origin: NameOrigin,
}

/// Where a requirement's name was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameOrigin {
    /// The PEP 508 name (`name[extras]…`, `name @ url`).
    Pep508,
    /// A URL's `#egg=name` fragment.
    EggFragment,
    /// A wheel file name (`name-version-…-tags.whl`): pip requires
    /// `name==version`.
    WheelFilename,
    /// A key of a TOML table (Poetry, Pipfile).
    TableKey,
}

/// Version specifiers, packaging's `SpecifierSet`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecifierSet {
    /// As written (without the parentheses of `name (>=1)`).
    pub text: String,
    pub span: Span,
    pub specifiers: Vec<Specifier>,
}

impl SpecifierSet {
    /// packaging's `str(SpecifierSet)`: the specifiers without spaces,
    /// sorted, joined with `,`.
    pub fn normalized(&self) -> String {
        let mut v: Vec<String> = self
            .specifiers
            .iter()
            .map(|s| format!("{}{}", s.operator.as_str(), s.version))
            .collect();
        v.sort();
        v.join(",")
    }
}

/// One version specifier: `>=1.2`, `==1.*`, `===foobar`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specifier {
    pub operator: Operator,
    /// The version, spaces stripped (`1.*`, `2.0rc1`, anything after `===`).
    pub version: String,
    pub span: Span,
}

/// PEP 440 comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `~=`
    Compatible,
    /// `==` (also `==1.*`)
    Equal,
    /// `!=`
    NotEqual,
    /// `<=`
    LessEqual,
    /// `>=`
    GreaterEqual,
    /// `<`
    Less,
    /// `>`
    Greater,
    /// `===` (string equality)
    Arbitrary,
}

impl Operator {
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Compatible => "~=",
            Operator::Equal => "==",
            Operator::NotEqual => "!=",
            Operator::LessEqual => "<=",
            Operator::GreaterEqual => ">=",
            Operator::Less => "<",
            Operator::Greater => ">",
            Operator::Arbitrary => "===",
        }
    }
    fn from_prefix(s: &str) -> Option<(Operator, usize)> {
        [
            ("===", Operator::Arbitrary),
            ("~=", Operator::Compatible),
            ("==", Operator::Equal),
            ("!=", Operator::NotEqual),
            ("<=", Operator::LessEqual),
            (">=", Operator::GreaterEqual),
            ("<", Operator::Less),
            (">", Operator::Greater),
        ]
        .into_iter()
        .find(|(p, _)| s.starts_with(p))
        .map(|(p, o)| (o, p.len()))
    }
}

/// An environment marker (PEP 508): the text after `;`, checked and parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub text: String,
    pub span: Span,
    pub expr: MarkerExpr,
}

impl fmt::Display for Marker {
    /// packaging's `str(Marker)`: normalized variable names, `"`-quoted
    /// values, extra names normalized, redundant parentheses dropped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_marker(&marker_items(&self.expr), true))
    }
}

/// A marker expression. `and` binds tighter than `or`, as in packaging's
/// evaluation; parentheses are kept as [`MarkerExpr::Group`].
#[derive(Debug, Clone, PartialEq)]
pub enum MarkerExpr {
    /// `lhs op rhs`.
    Compare {
        lhs: MarkerOperand,
        op: MarkerOp,
        rhs: MarkerOperand,
        span: Span,
    },
    /// Two or more operands joined by `and`.
    And(Vec<MarkerExpr>),
    /// Two or more operands joined by `or`.
    Or(Vec<MarkerExpr>),
    /// `( … )`.
    Group(Box<MarkerExpr>, Span),
}

/// A side of a marker comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum MarkerOperand {
    /// A marker variable, by its normal name (`os.name` is `os_name`,
    /// `python_implementation` is `platform_python_implementation`).
    Variable(Spanned<String>),
    /// A quoted string, unquoted (Python escapes applied, as
    /// `ast.literal_eval` does).
    Literal(Spanned<String>),
}

/// Marker operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerOp {
    Version(Operator),
    In,
    NotIn,
}

impl MarkerOp {
    pub fn as_str(self) -> &'static str {
        match self {
            MarkerOp::Version(o) => o.as_str(),
            MarkerOp::In => "in",
            MarkerOp::NotIn => "not in",
        }
    }
}

/// Where a requirement's distribution comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An index (PyPI or `--index-url`): a name, maybe with specifiers.
    Index,
    /// A URL: `name @ url`, a bare `https://…` / `git+https://…` line, a
    /// `file:` URL, or a VCS editable. `url` is the URL pip fetches (for
    /// `-e git://…` pip adds the `git+`).
    Url {
        url: String,
        /// `git`, `hg`, `svn` or `bzr` for a VCS URL.
        vcs: Option<String>,
        span: Span,
    },
    /// A local path (relative to pip's working directory): a project
    /// directory (pip requires `setup.py` or `pyproject.toml` in it) or an
    /// archive (`.whl`, `.tar.gz`, `.zip`, …). pip checks the disk here;
    /// lint502 assumes that a path that is not an archive names a project
    /// directory, and a non-URL editable too.
    Path { path: String, archive: bool, span: Span },
}

/// `--hash=algo:digest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hash {
    pub algorithm: String,
    pub digest: String,
    /// The option, `--hash` included.
    pub span: Span,
}

/// `-C KEY=VAL` / `--config-settings KEY=VAL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigSetting {
    pub key: String,
    pub value: String,
    pub span: Span,
}

/// A nested file: `-r file` or `-c file`.
#[derive(Debug, Clone, PartialEq)]
pub struct Include {
    /// The path (or URL) as written; relative to the including file.
    pub path: Spanned<String>,
    pub kind: IncludeKind,
    /// The whole logical line.
    pub span: Span,
    pub line: u32,
}

/// Requirements (`-r`) or constraints (`-c`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncludeKind {
    Requirement,
    Constraint,
}

/// A global option line.
#[derive(Debug, Clone, PartialEq)]
pub struct GlobalOption {
    pub kind: OptionKind,
    /// The option as written (`-i`, `--index-url`, `--extra-index`).
    pub option: Spanned<String>,
    /// Its value, for options that take one.
    pub value: Option<Spanned<String>>,
    pub line: u32,
}

/// pip's requirements-file global options (`SUPPORTED_OPTIONS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OptionKind {
    /// `-i`, `--index-url`, `--pypi-url`
    IndexUrl,
    /// `--extra-index-url`
    ExtraIndexUrl,
    /// `--no-index`
    NoIndex,
    /// `-f`, `--find-links`
    FindLinks,
    /// `--no-binary`
    NoBinary,
    /// `--only-binary`
    OnlyBinary,
    /// `--prefer-binary`
    PreferBinary,
    /// `--require-hashes`
    RequireHashes,
    /// `--no-require-hashes`
    NoRequireHashes,
    /// `--pre`
    Pre,
    /// `--all-releases`
    AllReleases,
    /// `--only-final`
    OnlyFinal,
    /// `--trusted-host`
    TrustedHost,
    /// `--use-feature`
    UseFeature,
}

/// An option pip reads and then ignores.
#[derive(Debug, Clone, PartialEq)]
pub struct IgnoredOption {
    /// The option as written, with its value.
    pub option: Spanned<String>,
    pub reason: IgnoredReason,
    pub line: u32,
}

/// Why pip ignores an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoredReason {
    /// A global option on a requirement line: only `--hash` and
    /// `--config-settings` apply to a requirement (`handle_line`).
    OnRequirementLine,
    /// Anything but the `-r`/`-c` on a nested-file line: pip follows the
    /// file and drops the rest of the line.
    OnIncludeLine,
    /// A second `-r`, `-c` or `-e` on one line: pip takes the first.
    Repeated,
    /// `--hash` on a line without a requirement (pip warns).
    HashWithoutRequirement,
    /// `--hash` on an editable: editables take only `--config-settings`.
    HashOnEditable,
}

/// A `${NAME}` reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvVar {
    pub name: String,
    pub span: Span,
    /// The value it was replaced by (see [`parse_with_env`]); `None` when it
    /// stayed literal (unset or empty).
    pub value: Option<String>,
}

/// A comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// The text after `#`.
    pub text: String,
    /// From `#` to the end of the (logical) line.
    pub span: Span,
}

// ==================================================================== entry

/// Read a requirements file's text (as [`crate::source::SourceFile::text`]
/// holds it; a leading BOM is skipped). `${NAME}` references stay literal,
/// as pip leaves unset variables: they are listed in
/// [`RequirementsFile::env_vars`]. For a file that may be UTF-16/32 or
/// declare a `coding:`, [`parse_bytes`] on the file's bytes decodes it as
/// pip does (same spans).
pub fn parse(file: FileId, text: &str) -> RequirementsFile {
    parse_with_env(file, text, &|_| None)
}

/// [`parse`], with `${NAME}` replaced by `env(NAME)` when that gives a
/// non-empty value (pip uses `os.getenv`). Spans of replaced text cover the
/// `${NAME}`.
pub fn parse_with_env(file: FileId, text: &str, env: &dyn Fn(&str) -> Option<String>) -> RequirementsFile {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => read(file, rest, &Offsets::Shift(3), env),
        None => read(file, text, &Offsets::Shift(0), env),
    }
}

/// Read a requirements file from its bytes, decoded as pip decodes them
/// (`_decode_req_file`). Spans are byte offsets into `bytes`, also for a
/// UTF-16 or UTF-32 file.
pub fn parse_bytes(file: FileId, bytes: &[u8]) -> RequirementsFile {
    let (text, offsets) = decode(bytes);
    read(file, &text, &offsets, &|_| None)
}

/// PEP 503 normalization (`packaging.utils.canonicalize_name`): lower case,
/// and every run of `-`, `_` and `.` becomes one `-`.
pub fn canonical_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !sep {
                out.push('-');
            }
            sep = true;
        } else {
            sep = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Parse one PEP 508 string as `packaging.requirements.Requirement` does
/// (what build backends do with `[project] dependencies` and
/// `install_requires`). `span(a, b)` turns byte offsets of `text` into a
/// span. The error message is packaging's (without its source echo); its
/// span covers packaging's caret.
pub fn parse_pep508(text: &str, span: &dyn Fn(usize, usize) -> Span) -> Result<Requirement, SyntaxError> {
    let parsed = Pep508::new(text, 0, span)
        .requirement()
        .map_err(|e| e.into_syntax(span, ""))?;
    let full = span(0, text.len());
    let target = match &parsed.url {
        Some(u) => Target::Url {
            url: u.value.clone(),
            vcs: vcs_of(&u.value),
            span: u.span,
        },
        None => Target::Index,
    };
    Ok(Requirement {
        name: Some(parsed.name),
        extras: parsed.extras,
        specifier: parsed.specifier,
        marker: parsed.marker,
        target,
        editable: false,
        hashes: Vec::new(),
        config_settings: Vec::new(),
        text: text.to_owned(),
        span: full,
        line: 0,
    })
}

/// Parse a version specifier list such as `requires-python` (`>=3.9,<4`),
/// as packaging's `SpecifierSet(text)`: comma-separated, empty items
/// skipped, each one a whole PEP 440 specifier. Error: "Invalid specifier: '…'".
pub fn parse_specifier_set(text: &str, span: &dyn Fn(usize, usize) -> Span) -> Result<SpecifierSet, SyntaxError> {
    let mut specifiers = Vec::new();
    let mut at = 0;
    for item in text.split(',') {
        let (a, b) = py_strip_range(item);
        if a < b {
            let s = &item[a..b];
            match match_specifier(s, 0) {
                Some(end) if end == s.len() => specifiers.push(make_specifier(s, at + a, span)),
                _ => {
                    return Err(SyntaxError {
                        message: format!("Invalid specifier: {}", py_repr(s)),
                        span: span(at + a, at + b),
                        line: None,
                    });
                }
            }
        }
        at += item.len() + 1;
    }
    Ok(SpecifierSet {
        text: text.to_owned(),
        span: span(0, text.len()),
        specifiers,
    })
}

/// Parse a marker expression alone (packaging's `Marker(text)`).
pub fn parse_marker(text: &str, span: &dyn Fn(usize, usize) -> Span) -> Result<Marker, SyntaxError> {
    let mut p = Pep508::new(text, 0, span);
    p.full_marker().map_err(|e| e.into_syntax(span, ""))
}

// ================================================================ decoding

/// Where the bytes of decoded text came from.
enum Offsets {
    /// Text byte `i` is file byte `i + n`.
    Shift(usize),
    /// File offset of every text byte, plus one entry for the end.
    Table(Vec<u32>),
}

impl Offsets {
    fn at(&self, i: usize) -> usize {
        match self {
            Offsets::Shift(n) => i + n,
            Offsets::Table(t) => t.get(i).or(t.last()).map_or(i, |&v| v as usize),
        }
    }
}

/// pip's `_decode_req_file`: BOM, PEP 263 comment, UTF-8. Undecodable bytes
/// become the upstream stand-in (pip would try the locale's encoding).
fn decode(bytes: &[u8]) -> (String, Offsets) {
    const UTF8: &[u8] = b"\xef\xbb\xbf";
    if let Some(rest) = bytes.strip_prefix(UTF8) {
        return (crate::source::same_length_text(rest).0, Offsets::Shift(3));
    }
    // pip's order: UTF-32 before UTF-16, whose LE BOM is a prefix of UTF-32 LE's.
    let boms: [(&[u8], usize, bool); 5] = [
        (b"\xff\xfe\x00\x00", 4, false),
        (b"\x00\x00\xfe\xff", 4, true),
        (b"\xff\xfe", 2, false),
        (b"\xfe\xff", 2, true),
        (b"", 0, false),
    ];
    for (bom, unit, big) in boms {
        if unit > 0 && bytes.starts_with(bom) {
            return decode_units(bytes, bom.len(), unit, big);
        }
    }
    for line in bytes.split(|&b| b == b'\n').take(2) {
        if line.first() == Some(&b'#')
            && let Some(enc) = pep263_encoding(line)
        {
            let norm = enc.to_ascii_lowercase().replace('_', "-");
            if matches!(
                norm.as_str(),
                "latin-1" | "latin1" | "iso-8859-1" | "iso8859-1" | "l1" | "cp819" | "8859" | "iso-ir-100"
            ) {
                let text: String = bytes.iter().map(|&b| b as char).collect();
                let mut table = Vec::with_capacity(text.len() + 1);
                for (i, c) in text.chars().enumerate() {
                    table.extend(std::iter::repeat_n(i as u32, c.len_utf8()));
                }
                table.push(bytes.len() as u32);
                return (text, Offsets::Table(table));
            }
            break;
        }
    }
    (crate::source::same_length_text(bytes).0, Offsets::Shift(0))
}

/// `coding[:=]\s*([-\w.]+)` (bytes pattern: ASCII classes).
fn pep263_encoding(line: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(line);
    let mut from = 0;
    while let Some(k) = text[from..].find("coding") {
        let mut i = from + k + 6;
        let b = text.as_bytes();
        if matches!(b.get(i), Some(b':') | Some(b'=')) {
            i += 1;
            while matches!(b.get(i), Some(b' ' | b'\t' | b'\r' | b'\x0b' | b'\x0c')) {
                i += 1;
            }
            let start = i;
            while b
                .get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
            {
                i += 1;
            }
            if i > start {
                return Some(text[start..i].to_owned());
            }
        }
        from += k + 6;
    }
    None
}

/// UTF-16 / UTF-32 after a BOM, with the file offset of every text byte.
fn decode_units(bytes: &[u8], bom: usize, unit: usize, big: bool) -> (String, Offsets) {
    let mut text = String::new();
    let mut table = Vec::new();
    let read = |i: usize| -> Option<u32> {
        let b = bytes.get(i..i + unit)?;
        Some(match (unit, big) {
            (2, false) => u16::from_le_bytes([b[0], b[1]]) as u32,
            (2, true) => u16::from_be_bytes([b[0], b[1]]) as u32,
            (_, false) => u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            (_, true) => u32::from_be_bytes([b[0], b[1], b[2], b[3]]),
        })
    };
    let mut i = bom;
    while i < bytes.len() {
        let start = i;
        let c = match read(i) {
            None => {
                i = bytes.len();
                '\u{fffd}'
            }
            Some(u) if unit == 2 && (0xd800..0xdc00).contains(&u) => match read(i + 2) {
                Some(lo) if (0xdc00..0xe000).contains(&lo) => {
                    i += 4;
                    char::from_u32(0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00)).unwrap_or('\u{fffd}')
                }
                _ => {
                    i += 2;
                    '\u{fffd}'
                }
            },
            Some(u) => {
                i += unit;
                char::from_u32(u).unwrap_or('\u{fffd}')
            }
        };
        text.push(c);
        table.extend(std::iter::repeat_n(start as u32, c.len_utf8()));
    }
    table.push(bytes.len() as u32);
    (text, Offsets::Table(table))
}

// ============================================================ logical lines

/// A logical line: text after pip's preprocessing, with, for every byte,
/// where it came from in the decoded text.
#[derive(Debug, Default, Clone)]
struct Logical {
    text: String,
    /// Decoded-text offset of each byte.
    starts: Vec<u32>,
    /// Decoded-text offset just after the source of each byte.
    ends: Vec<u32>,
}

impl Logical {
    /// Append `s`, which is `decoded[at..at + s.len()]`.
    fn push_src(&mut self, s: &str, at: usize) {
        self.text.push_str(s);
        for k in 0..s.len() {
            self.starts.push((at + k) as u32);
            self.ends.push((at + k + 1) as u32);
        }
    }
    /// Append text that stands for `decoded[start..end]`.
    fn push_synthetic(&mut self, s: &str, start: usize, end: usize) {
        self.text.push_str(s);
        for _ in 0..s.len() {
            self.starts.push(start as u32);
            self.ends.push(end as u32);
        }
    }
    fn append(&mut self, other: Logical) {
        self.text.push_str(&other.text);
        self.starts.extend(other.starts);
        self.ends.extend(other.ends);
    }
    /// The sub-line `a..b` (byte offsets, on char boundaries).
    fn slice(&self, a: usize, b: usize) -> Logical {
        Logical {
            text: self.text[a..b].to_owned(),
            starts: self.starts[a..b].to_vec(),
            ends: self.ends[a..b].to_vec(),
        }
    }
    /// Decoded-text range of the bytes `a..b`.
    fn range(&self, a: usize, b: usize) -> (usize, usize) {
        let n = self.text.len();
        if b > a && b <= n {
            (self.starts[a] as usize, self.ends[b - 1] as usize)
        } else if a < n {
            let p = self.starts[a] as usize;
            (p, p)
        } else {
            let p = self.ends.last().map_or(0, |&e| e as usize);
            (p, p)
        }
    }
}

/// `str.splitlines` boundaries.
fn line_break_len(s: &str, i: usize) -> Option<usize> {
    let rest = &s[i..];
    let c = rest.chars().next()?;
    match c {
        '\r' if rest.as_bytes().get(1) == Some(&b'\n') => Some(2),
        '\n' | '\r' | '\u{0b}' | '\u{0c}' | '\u{1c}' | '\u{1d}' | '\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
            Some(c.len_utf8())
        }
        _ => None,
    }
}

/// Python's `str.isspace()` (and so the `\s` of a `str` pattern).
fn py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `\w` for `str` patterns.
fn py_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `s.strip()` as a byte range.
fn py_strip_range(s: &str) -> (usize, usize) {
    let a = s.len() - s.trim_start_matches(py_space).len();
    let b = s.trim_end_matches(py_space).len();
    if b < a { (a, a) } else { (a, b) }
}

/// `COMMENT_RE.match(line)`: `(^|\s+)#` at the start.
fn is_comment_line(line: &str) -> bool {
    line.trim_start_matches(py_space).starts_with('#')
}

/// pip's `preprocess`: (1-based line number, logical line) pairs.
fn logical_lines(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
    vars: &mut Vec<(usize, usize, String, Option<String>)>,
    comments: &mut Vec<(usize, usize, String)>,
) -> Vec<(u32, Logical)> {
    // splitlines
    let mut physical = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < text.len() {
        if let Some(n) = line_break_len(text, i) {
            physical.push((start, i));
            i += n;
            start = i;
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    if start < text.len() {
        physical.push((start, text.len()));
    }

    // join_lines
    let mut joined: Vec<(u32, Logical)> = Vec::new();
    let mut pending: Option<(u32, Logical)> = None;
    for (k, &(s, e)) in physical.iter().enumerate() {
        let no = (k + 1) as u32;
        let line = &text[s..e];
        let comment = is_comment_line(line);
        if !line.ends_with('\\') || comment {
            let mut l = Logical::default();
            if comment {
                l.push_synthetic(" ", s, s);
            }
            l.push_src(line, s);
            match pending.take() {
                Some((first, mut acc)) => {
                    acc.append(l);
                    joined.push((first, acc));
                }
                None => joined.push((no, l)),
            }
        } else {
            let lead = line.len() - line.trim_start_matches('\\').len();
            let body = line.trim_matches('\\');
            let (_, acc) = pending.get_or_insert_with(|| (no, Logical::default()));
            acc.push_src(body, s + lead);
        }
    }
    if let Some(p) = pending {
        joined.push(p);
    }

    // ignore_comments, expand_env_variables
    let mut out = Vec::new();
    for (no, l) in joined {
        let mut cut = l.text.len();
        let mut prev_space = true;
        for (p, c) in l.text.char_indices() {
            if c == '#' && prev_space {
                cut = p;
                break;
            }
            prev_space = py_space(c);
        }
        if cut < l.text.len() {
            let (a, b) = l.range(cut, l.text.len());
            comments.push((a, b, l.text[cut + 1..].to_owned()));
        }
        let (a, b) = py_strip_range(&l.text[..cut]);
        if a == b {
            continue;
        }
        let l = l.slice(a, b);
        out.push((no, expand_vars(l, env, vars)));
    }
    out
}

/// `${NAME}` with `NAME` in `[A-Z0-9_]+`.
fn expand_vars(
    l: Logical,
    env: &dyn Fn(&str) -> Option<String>,
    vars: &mut Vec<(usize, usize, String, Option<String>)>,
) -> Logical {
    if !l.text.contains("${") {
        return l;
    }
    let mut out = Logical::default();
    let b = l.text.as_bytes();
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        if b[i] == b'$' && b.get(i + 1) == Some(&b'{') {
            let mut j = i + 2;
            while j < b.len() && (b[j].is_ascii_uppercase() || b[j].is_ascii_digit() || b[j] == b'_') {
                j += 1;
            }
            if j > i + 2 && b.get(j) == Some(&b'}') {
                let name = &l.text[i + 2..j];
                let value = env(name).filter(|v| !v.is_empty());
                let (s, e) = l.range(i, j + 1);
                vars.push((s, e, name.to_owned(), value.clone()));
                if let Some(v) = value {
                    out.append(l.slice(copied, i));
                    out.push_synthetic(&v, s, e);
                    copied = j + 1;
                }
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    out.append(l.slice(copied, l.text.len()));
    out
}

// ================================================================= reading

/// Turns logical-line offsets into file spans.
struct Ctx<'a> {
    file: FileId,
    offsets: &'a Offsets,
}

impl Ctx<'_> {
    fn span(&self, l: &Logical, a: usize, b: usize) -> Span {
        let (s, e) = l.range(a, b);
        Span::new(self.file, self.offsets.at(s), self.offsets.at(e))
    }
    fn text_span(&self, s: usize, e: usize) -> Span {
        Span::new(self.file, self.offsets.at(s), self.offsets.at(e))
    }
}

fn read(file: FileId, text: &str, offsets: &Offsets, env: &dyn Fn(&str) -> Option<String>) -> RequirementsFile {
    let cx = Ctx { file, offsets };
    let mut out = RequirementsFile::default();
    let mut vars = Vec::new();
    let mut comments = Vec::new();
    let lines = logical_lines(text, env, &mut vars, &mut comments);
    out.env_vars = vars
        .into_iter()
        .map(|(s, e, name, value)| EnvVar {
            name,
            span: cx.text_span(s, e),
            value,
        })
        .collect();
    out.comments = comments
        .into_iter()
        .map(|(s, e, text)| Comment {
            text,
            span: cx.text_span(s, e),
        })
        .collect();
    for (no, l) in &lines {
        read_line(&cx, *no, l, &mut out);
    }
    out
}

/// A shell word of the options part.
#[derive(Debug, Clone)]
struct Word {
    value: String,
    start: usize,
    end: usize,
    /// Written without quotes or escapes: offsets inside `value` are
    /// offsets in the line.
    plain: bool,
}

/// The pieces of a logical line (`break_args_options` + `shlex.split`).
enum LineParts {
    Split {
        args: Option<(usize, usize)>,
        words: Vec<Word>,
    },
    /// shlex failed on the options part starting here.
    Unsplittable { options: usize },
}

fn split_line(text: &str) -> LineParts {
    let Ok(mut pairs) = LineGrammar::parse(Rule::line, text) else {
        // The grammar accepts every non-empty line; be safe anyway.
        return LineParts::Split {
            args: Some((0, text.len())),
            words: Vec::new(),
        };
    };
    let mut args = None;
    let mut words = Vec::new();
    let Some(line) = pairs.next() else {
        return LineParts::Split { args, words };
    };
    for p in line.into_inner() {
        match p.as_rule() {
            Rule::args => args = Some((p.as_span().start(), p.as_span().end())),
            Rule::options => {
                let Some(inner) = p.clone().into_inner().next() else {
                    continue;
                };
                if inner.as_rule() == Rule::unsplittable {
                    return LineParts::Unsplittable {
                        options: p.as_span().start(),
                    };
                }
                for w in inner.into_inner().filter(|w| w.as_rule() == Rule::word) {
                    words.push(word_of(w));
                }
            }
            _ => {}
        }
    }
    LineParts::Split { args, words }
}

fn word_of(w: Pair<'_, Rule>) -> Word {
    let (start, end) = (w.as_span().start(), w.as_span().end());
    let mut value = String::new();
    let mut plain = true;
    for piece in w.into_inner() {
        match piece.as_rule() {
            Rule::bare => value.push_str(piece.as_str()),
            Rule::escaped | Rule::single_quoted | Rule::double_quoted => {
                plain = false;
                for inner in piece.into_inner() {
                    match inner.as_rule() {
                        Rule::double_escape => value.push_str(inner.as_str().get(1..).unwrap_or_default()),
                        _ => value.push_str(inner.as_str()),
                    }
                }
            }
            _ => {}
        }
    }
    Word {
        value,
        start,
        end,
        plain,
    }
}

fn read_line(cx: &Ctx<'_>, no: u32, l: &Logical, out: &mut RequirementsFile) {
    let line_span = cx.span(l, 0, l.text.len());
    let error = |message: String, a: usize, b: usize| SyntaxError {
        message,
        span: cx.span(l, a, b),
        line: Some(no),
    };
    let (args, words) = match split_line(&l.text) {
        LineParts::Split { args, words } => (args, words),
        LineParts::Unsplittable { options, .. } => {
            out.errors.push(error(
                format!(
                    "Invalid requirement: {}\nCould not split options: {}",
                    l.text,
                    &l.text[options..]
                ),
                options,
                l.text.len(),
            ));
            return;
        }
    };
    let opts = match optparse(&words) {
        Ok(o) => o,
        Err(OptError {
            message,
            command,
            start,
            end,
        }) => {
            let message = if command {
                message
            } else {
                format!("Invalid requirement: {}\npip: error: {message}", l.text)
            };
            out.errors.push(error(message, start, end));
            return;
        }
    };
    let spanned = |s: &str, a: usize, b: usize| Spanned::new(s.to_owned(), cx.span(l, a, b));
    let hit_text = |h: &Hit| spanned(&l.text[h.start..h.end], h.start, h.end);
    let first_editable = opts.iter().find(|h| h.opt == Opt::Editable);

    // The requirement: the args, else the first -e value.
    let req: Option<(Val, bool)> = match (args, first_editable) {
        (Some((a, b)), first) => Some((
            Val {
                text: l.text[a..b].to_owned(),
                start: a,
                end: b,
                exact: true,
            },
            first.is_some(),
        )),
        (None, Some(h)) => h.value.clone().map(|v| (v, true)),
        (None, None) => None,
    };
    if let Some((val, editable)) = req {
        // A requirement line: only --hash and --config-settings apply.
        let mut hashes = Vec::new();
        let mut config_settings = Vec::new();
        // The -e that supplied the requirement, when there are no args.
        let source = if args.is_none() {
            opts.iter().position(|h| h.opt == Opt::Editable)
        } else {
            None
        };
        for (k, h) in opts.iter().enumerate() {
            let value = h.value.as_ref().map(|v| v.text.as_str()).unwrap_or_default();
            if Some(k) == source {
                continue;
            }
            match h.opt {
                Opt::Hash if editable => out.ignored_options.push(IgnoredOption {
                    option: hit_text(h),
                    reason: IgnoredReason::HashOnEditable,
                    line: no,
                }),
                Opt::Hash => {
                    let (algo, digest) = value.split_once(':').unwrap_or((value, ""));
                    hashes.push(Hash {
                        algorithm: algo.to_owned(),
                        digest: digest.to_owned(),
                        span: cx.span(l, h.start, h.end),
                    });
                }
                Opt::ConfigSettings => {
                    let (key, val) = value.split_once('=').unwrap_or((value, ""));
                    config_settings.push(ConfigSetting {
                        key: key.to_owned(),
                        value: val.to_owned(),
                        span: cx.span(l, h.start, h.end),
                    });
                }
                _ => out.ignored_options.push(IgnoredOption {
                    option: hit_text(h),
                    reason: if h.opt == Opt::Editable {
                        IgnoredReason::Repeated
                    } else {
                        IgnoredReason::OnRequirementLine
                    },
                    line: no,
                }),
            }
        }
        let text = val.text.as_str();
        let (a, b) = (val.start, val.end);
        // Offsets in a quoted value do not map onto the line: its parts
        // all get the span of the whole word.
        let lspan = |x: usize, y: usize| {
            if val.exact {
                cx.span(l, a + x, a + y)
            } else {
                cx.span(l, a, b)
            }
        };
        let parts = if editable {
            pip_editable(text, &lspan)
        } else {
            pip_line(text, &lspan)
        };
        let (ta, tb) = py_strip_range(text);
        match parts {
            Ok(p) => out.requirements.push(Requirement {
                name: p.name,
                extras: p.extras,
                specifier: p.specifier,
                marker: p.marker,
                target: p.target,
                editable,
                hashes,
                config_settings,
                text: text[ta..tb].to_owned(),
                span: lspan(ta, tb),
                line: no,
            }),
            Err(mut e) => {
                e.line = Some(no);
                out.errors.push(e);
            }
        }
        return;
    }

    // A nested file: the first -r, else the first -c; the rest is dropped.
    let first_r = opts.iter().position(|h| h.opt == Opt::Requirement);
    let first_c = opts.iter().position(|h| h.opt == Opt::Constraint);
    if let Some(k) = first_r.or(first_c) {
        let h = &opts[k];
        let kind = if h.opt == Opt::Requirement {
            IncludeKind::Requirement
        } else {
            IncludeKind::Constraint
        };
        if let Some(v) = &h.value {
            out.includes.push(Include {
                path: spanned(&v.text, v.start, v.end),
                kind,
                span: line_span,
                line: no,
            });
        }
        for (j, other) in opts.iter().enumerate() {
            if j != k {
                out.ignored_options.push(IgnoredOption {
                    option: hit_text(other),
                    reason: if matches!(other.opt, Opt::Requirement | Opt::Constraint) {
                        IgnoredReason::Repeated
                    } else {
                        IgnoredReason::OnIncludeLine
                    },
                    line: no,
                });
            }
        }
        return;
    }

    // An option line.
    for h in &opts {
        let kind = match h.opt {
            Opt::Hash => {
                out.ignored_options.push(IgnoredOption {
                    option: hit_text(h),
                    reason: IgnoredReason::HashWithoutRequirement,
                    line: no,
                });
                continue;
            }
            Opt::ConfigSettings => {
                out.ignored_options.push(IgnoredOption {
                    option: hit_text(h),
                    reason: IgnoredReason::OnRequirementLine,
                    line: no,
                });
                continue;
            }
            Opt::Requirement | Opt::Constraint | Opt::Editable => continue,
            Opt::IndexUrl => OptionKind::IndexUrl,
            Opt::ExtraIndexUrl => OptionKind::ExtraIndexUrl,
            Opt::NoIndex => OptionKind::NoIndex,
            Opt::FindLinks => OptionKind::FindLinks,
            Opt::NoBinary => OptionKind::NoBinary,
            Opt::OnlyBinary => OptionKind::OnlyBinary,
            Opt::PreferBinary => OptionKind::PreferBinary,
            Opt::RequireHashes => OptionKind::RequireHashes,
            Opt::NoRequireHashes => OptionKind::NoRequireHashes,
            Opt::Pre => OptionKind::Pre,
            Opt::AllReleases => OptionKind::AllReleases,
            Opt::OnlyFinal => OptionKind::OnlyFinal,
            Opt::TrustedHost => OptionKind::TrustedHost,
            Opt::UseFeature => OptionKind::UseFeature,
        };
        out.options.push(GlobalOption {
            kind,
            option: spanned(&l.text[h.start..h.opt_end], h.start, h.opt_end),
            value: h.value.as_ref().map(|v| spanned(&v.text, v.start, v.end)),
            line: no,
        });
    }
}

// ================================================================ optparse

/// The options pip's line parser knows (`SUPPORTED_OPTIONS` +
/// `SUPPORTED_OPTIONS_REQ`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opt {
    IndexUrl,
    ExtraIndexUrl,
    NoIndex,
    Constraint,
    Requirement,
    Editable,
    FindLinks,
    NoBinary,
    OnlyBinary,
    PreferBinary,
    RequireHashes,
    NoRequireHashes,
    Pre,
    AllReleases,
    OnlyFinal,
    TrustedHost,
    UseFeature,
    Hash,
    ConfigSettings,
}

const LONG_OPTIONS: &[(&str, Opt)] = &[
    ("--index-url", Opt::IndexUrl),
    ("--pypi-url", Opt::IndexUrl),
    ("--extra-index-url", Opt::ExtraIndexUrl),
    ("--no-index", Opt::NoIndex),
    ("--constraint", Opt::Constraint),
    ("--requirement", Opt::Requirement),
    ("--editable", Opt::Editable),
    ("--find-links", Opt::FindLinks),
    ("--no-binary", Opt::NoBinary),
    ("--only-binary", Opt::OnlyBinary),
    ("--prefer-binary", Opt::PreferBinary),
    ("--require-hashes", Opt::RequireHashes),
    ("--no-require-hashes", Opt::NoRequireHashes),
    ("--pre", Opt::Pre),
    ("--all-releases", Opt::AllReleases),
    ("--only-final", Opt::OnlyFinal),
    ("--trusted-host", Opt::TrustedHost),
    ("--use-feature", Opt::UseFeature),
    ("--hash", Opt::Hash),
    ("--config-settings", Opt::ConfigSettings),
];

const SHORT_OPTIONS: &[(char, Opt)] = &[
    ('i', Opt::IndexUrl),
    ('c', Opt::Constraint),
    ('r', Opt::Requirement),
    ('e', Opt::Editable),
    ('f', Opt::FindLinks),
    ('C', Opt::ConfigSettings),
];

/// `--use-feature` choices in pip 26.3.
const FEATURES: &[&str] = &[
    "fast-deps",
    "inprocess-build-deps",
    "venv-isolation",
    "truststore",
    "no-binary-enable-wheel-cache",
    "build-constraint",
];

/// pip's `STRONG_HASHES`.
const STRONG_HASHES: &[&str] = &["sha256", "sha384", "sha512"];

impl Opt {
    fn takes_value(self) -> bool {
        !matches!(
            self,
            Opt::NoIndex | Opt::PreferBinary | Opt::RequireHashes | Opt::NoRequireHashes | Opt::Pre
        )
    }
}

/// One option found by optparse.
#[derive(Debug)]
struct Hit {
    opt: Opt,
    /// Start of the option text in the line.
    start: usize,
    /// End of the option name (before `=value` or a glued short value).
    opt_end: usize,
    /// End of the option and its value.
    end: usize,
    /// The value.
    value: Option<Val>,
}

/// An option's value (unquoted), and where it is in the line.
#[derive(Debug, Clone)]
struct Val {
    text: String,
    start: usize,
    end: usize,
    /// `text` is `line[start..end]` byte for byte (no quotes, escapes).
    exact: bool,
}

struct OptError {
    message: String,
    /// A `CommandError` (printed as is), not an optparse error.
    command: bool,
    start: usize,
    end: usize,
}

/// `optparse.OptionParser.parse_args` over shell words: long options with
/// unique-prefix abbreviations and `=value`, short options with glued or
/// separate values, `--` ends the options, other words are ignored (pip
/// never looks at optparse's leftover arguments). Then pip's option
/// callbacks check `--hash`, `--config-settings`, the binary and release
/// controls, and `--use-feature`'s choices.
fn optparse(words: &[Word]) -> Result<Vec<Hit>, OptError> {
    let mut hits: Vec<Hit> = Vec::new();
    let mut i = 0;
    let err = |message: String, w: &Word| OptError {
        message,
        command: false,
        start: w.start,
        end: w.end,
    };
    while i < words.len() {
        let w = &words[i];
        let arg = w.value.as_str();
        if arg == "--" {
            break;
        }
        if arg.starts_with("--") {
            let (name, explicit) = match arg.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (arg, None),
            };
            let opt_end = if w.plain { w.start + name.len() } else { w.end };
            let (full, opt) = match_long(name).map_err(|m| err(m, w))?;
            i += 1;
            let value = if opt.takes_value() {
                match explicit {
                    Some(v) => Some(Val {
                        text: v.to_owned(),
                        start: if w.plain { w.start + name.len() + 1 } else { w.start },
                        end: w.end,
                        exact: w.plain,
                    }),
                    None => match words.get(i) {
                        Some(n) => {
                            i += 1;
                            Some(Val {
                                text: n.value.clone(),
                                start: n.start,
                                end: n.end,
                                exact: n.plain,
                            })
                        }
                        None => return Err(err(format!("{full} option requires 1 argument"), w)),
                    },
                }
            } else if explicit.is_some() {
                return Err(err(format!("{full} option does not take a value"), w));
            } else {
                None
            };
            let end = value.as_ref().map_or(w.end, |v| v.end.max(w.end));
            check_value(opt, full, value.as_ref().map(|v| v.text.as_str()), w.start, end)?;
            hits.push(Hit {
                opt,
                start: w.start,
                opt_end,
                end,
                value,
            });
        } else if arg.len() > 1 && arg.starts_with('-') {
            // A cluster of short options; every short option pip knows
            // takes a value, so the first one ends the cluster.
            let Some(ch) = arg[1..].chars().next() else {
                i += 1;
                continue;
            };
            let Some(&(_, opt)) = SHORT_OPTIONS.iter().find(|(c, _)| *c == ch) else {
                return Err(err(format!("no such option: -{ch}"), w));
            };
            let flag = format!("-{ch}");
            let glued = &arg[1 + ch.len_utf8()..];
            let opt_end = if w.plain { w.start + 1 + ch.len_utf8() } else { w.end };
            i += 1;
            let value = if !glued.is_empty() {
                Val {
                    text: glued.to_owned(),
                    start: if w.plain { opt_end } else { w.start },
                    end: w.end,
                    exact: w.plain,
                }
            } else {
                match words.get(i) {
                    Some(n) => {
                        i += 1;
                        Val {
                            text: n.value.clone(),
                            start: n.start,
                            end: n.end,
                            exact: n.plain,
                        }
                    }
                    None => return Err(err(format!("{flag} option requires 1 argument"), w)),
                }
            };
            let end = value.end.max(w.end);
            check_value(opt, &flag, Some(&value.text), w.start, end)?;
            hits.push(Hit {
                opt,
                start: w.start,
                opt_end,
                end,
                value: Some(value),
            });
        } else {
            i += 1;
        }
    }
    Ok(hits)
}

/// optparse's `_match_abbrev` over the long options.
fn match_long(name: &str) -> Result<(&'static str, Opt), String> {
    if let Some(&(n, o)) = LONG_OPTIONS.iter().find(|(n, _)| *n == name) {
        return Ok((n, o));
    }
    let mut possible: Vec<&(&str, Opt)> = LONG_OPTIONS.iter().filter(|(n, _)| n.starts_with(name)).collect();
    match possible.len() {
        0 => Err(format!("no such option: {name}")),
        1 => Ok((possible[0].0, possible[0].1)),
        _ => {
            possible.sort_by_key(|(n, _)| *n);
            let names: Vec<&str> = possible.iter().map(|(n, _)| *n).collect();
            Err(format!("ambiguous option: {name} ({}?)", names.join(", ")))
        }
    }
}

/// pip's option callbacks and optparse's `choices`.
fn check_value(opt: Opt, opt_str: &str, value: Option<&str>, start: usize, end: usize) -> Result<(), OptError> {
    let value = value.unwrap_or_default();
    let fail = |message: String, command: bool| {
        Err(OptError {
            message,
            command,
            start,
            end,
        })
    };
    match opt {
        Opt::Hash => match value.split_once(':') {
            None => fail(
                format!("Arguments to {opt_str} must be a hash name followed by a value, like --hash=sha256:abcde..."),
                false,
            ),
            Some((algo, _)) if !STRONG_HASHES.contains(&algo) => fail(
                format!(
                    "Allowed hash algorithms for {opt_str} are {}.",
                    STRONG_HASHES.join(", ")
                ),
                false,
            ),
            Some(_) => Ok(()),
        },
        Opt::ConfigSettings if !value.contains('=') => {
            fail(format!("Arguments to {opt_str} must be of the form KEY=VAL"), false)
        }
        Opt::NoBinary | Opt::OnlyBinary if value.starts_with('-') => {
            fail("--no-binary / --only-binary option requires 1 argument.".into(), true)
        }
        Opt::AllReleases | Opt::OnlyFinal if value.starts_with('-') => {
            fail("--all-releases / --only-final option requires 1 argument.".into(), true)
        }
        Opt::UseFeature if !FEATURES.contains(&value) => fail(
            format!(
                "option {opt_str}: invalid choice: {} (choose from {})",
                py_repr(value),
                FEATURES.iter().map(|f| py_repr(f)).collect::<Vec<_>>().join(", ")
            ),
            false,
        ),
        _ => Ok(()),
    }
}

// ============================================================ pip's forms

/// What pip makes of a requirement string (`RequirementParts`).
struct Parts {
    name: Option<Name>,
    extras: Vec<Spanned<String>>,
    specifier: Option<SpecifierSet>,
    marker: Option<Marker>,
    target: Target,
}

/// The VCS schemes pip knows (`vcs.all_schemes`).
const VCS_SCHEMES: &[&str] = &[
    "bzr+http",
    "bzr+https",
    "bzr+ssh",
    "bzr+sftp",
    "bzr+ftp",
    "bzr+lp",
    "bzr+file",
    "git+http",
    "git+https",
    "git+ssh",
    "git+git",
    "git+file",
    "hg+file",
    "hg+http",
    "hg+https",
    "hg+ssh",
    "hg+static-http",
    "svn+ssh",
    "svn+http",
    "svn+https",
    "svn+svn",
    "svn+file",
];

/// `urllib.parse.urlsplit(s).scheme` (lower case; empty when none).
fn url_scheme(s: &str) -> String {
    let s = s.trim_start_matches(|c: char| c <= ' ');
    let Some(i) = s.find(':') else {
        return String::new();
    };
    let head = &s[..i];
    let first = head.chars().next();
    if i > 0
        && first.is_some_and(|c| c.is_ascii_alphabetic())
        && head
            .chars()
            .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        head.chars()
            .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
            .collect::<String>()
            .to_ascii_lowercase()
    } else {
        String::new()
    }
}

/// pip's `is_url`.
fn is_url(s: &str) -> bool {
    let scheme = url_scheme(s);
    matches!(scheme.as_str(), "http" | "https" | "file" | "ftp") || VCS_SCHEMES.contains(&scheme.as_str())
}

/// `git` for `git+https://…`.
fn vcs_of(url: &str) -> Option<String> {
    let scheme = url_scheme(url);
    VCS_SCHEMES
        .contains(&scheme.as_str())
        .then(|| scheme.split('+').next().unwrap_or_default().to_owned())
}

/// pip's `_looks_like_path` on POSIX (`os.sep` is `/`, no `altsep`).
fn looks_like_path(s: &str) -> bool {
    s.contains('/') || s.starts_with('.')
}

/// `urlsplit(url)`: (netloc, path) with the path percent-decoded.
fn url_netloc_path(url: &str) -> (String, String) {
    let scheme_len = url_scheme(url).len();
    let mut rest = if scheme_len > 0 {
        url.trim_start_matches(|c: char| c <= ' ')
            .get(scheme_len + 1..)
            .unwrap_or_default()
            .to_owned()
    } else {
        url.to_owned()
    };
    rest.retain(|c| !matches!(c, '\t' | '\r' | '\n'));
    let mut netloc = String::new();
    if let Some(after) = rest.strip_prefix("//") {
        let cut = after.find(['/', '?', '#']).unwrap_or(after.len());
        netloc = after[..cut].to_owned();
        rest = after[cut..].to_owned();
    }
    if let Some(k) = rest.find('#') {
        rest.truncate(k);
    }
    if let Some(k) = rest.find('?') {
        rest.truncate(k);
    }
    (netloc, percent_decode(&rest))
}

/// `urllib.parse.quote(path)` (what `pathname2url` does on POSIX).
fn quote_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(h, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `Link.filename`: the last path component, else the host.
fn url_filename(url: &str) -> String {
    let (netloc, path) = url_netloc_path(url);
    let trimmed = path.trim_end_matches('/');
    let base = trimmed.rsplit('/').next().unwrap_or_default();
    if !base.is_empty() {
        return base.to_owned();
    }
    netloc.rsplit('@').next().unwrap_or_default().to_owned()
}

/// pip's `splitext`: `posixpath.splitext`, with `.tar` kept in front of
/// the last extension.
fn pip_splitext(path: &str) -> (&str, &str) {
    let sep = path.rfind('/').map_or(0, |i| i + 1);
    let (mut base, mut ext) = (path, "");
    if let Some(dot) = path.rfind('.')
        && dot > sep
        && path[sep..dot].chars().any(|c| c != '.')
    {
        (base, ext) = (&path[..dot], &path[dot..]);
    }
    if base.to_ascii_lowercase().ends_with(".tar") && base.len() >= 4 && base.is_char_boundary(base.len() - 4) {
        let cut = base.len() - 4;
        return (&path[..cut], &path[cut..]);
    }
    (base, ext)
}

/// pip's `ARCHIVE_EXTENSIONS`.
const ARCHIVE_EXTENSIONS: &[&str] = &[
    ".zip",
    ".whl",
    ".tar.bz2",
    ".tbz",
    ".tar.gz",
    ".tgz",
    ".tar",
    ".tar.xz",
    ".txz",
    ".tlz",
    ".tar.lz",
    ".tar.lzma",
];

/// `is_archive_file(normpath(path))`.
fn is_archive(path: &str) -> bool {
    let norm = posix_normpath(path);
    ARCHIVE_EXTENSIONS.contains(&pip_splitext(&norm).1.to_ascii_lowercase().as_str())
}

/// `posixpath.normpath`, enough to find the last component.
fn posix_normpath(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for c in path.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if !absolute {
                    parts.push("..");
                }
            }
            _ => parts.push(c),
        }
    }
    let joined = parts.join("/");
    match (absolute, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

/// pip's `strip_extras`: `^(.+)(\[[^\]]+\])$` → (path, extras text and
/// its offset). For a requirement line pip matches the absolute path, so
/// `(.+)` may stand for nothing written (`head_optional`); for an editable
/// it matches the text as written.
fn strip_extras(s: &str, head_optional: bool) -> (&str, Option<(usize, &str)>) {
    if s.ends_with(']')
        && let Some(open) = s.rfind('[')
        && (open > 0 || head_optional)
        && open + 2 < s.len()
        && !s[open + 1..s.len() - 1].contains(']')
    {
        let head = s[..open].trim_end_matches(py_space);
        return (head, Some((open, &s[open..])));
    }
    (s, None)
}

/// `_convert_extras`: `Requirement("placeholder" + extras.lower()).extras`.
/// An error here is an uncaught exception in pip (a traceback whose last
/// line is packaging's message).
fn convert_extras(
    extras: &str,
    at: usize,
    span: &dyn Fn(usize, usize) -> Span,
) -> Result<Vec<Spanned<String>>, SyntaxError> {
    const PLACEHOLDER: &str = "placeholder";
    let lower = extras.to_lowercase();
    let text = format!("{PLACEHOLDER}{lower}");
    // Lowercasing may change a character's length (`İ` → `i̇`): each byte of
    // `lower` maps back to the start of the character of `extras` it came
    // from, so a span never lands inside a character (found by fuzzing).
    // `str::to_lowercase` differs from lowercasing each character only for
    // a final sigma, which has the same length either way.
    let mut back: Vec<usize> = Vec::with_capacity(lower.len() + 1);
    for (i, c) in extras.char_indices() {
        let n: usize = c.to_lowercase().map(char::len_utf8).sum();
        back.extend(std::iter::repeat_n(i, n));
    }
    let aligned = back.len() == lower.len();
    back.push(extras.len());
    let start_of = |local: usize| -> usize {
        let k = local.saturating_sub(PLACEHOLDER.len());
        if aligned {
            back[k.min(lower.len())]
        } else {
            let mut k = k.min(extras.len());
            while !extras.is_char_boundary(k) {
                k -= 1;
            }
            k
        }
    };
    let end_of = |local: usize| -> usize {
        let k = local.saturating_sub(PLACEHOLDER.len()).min(lower.len());
        let o = start_of(local);
        // Inside a character's expansion: the end of that character.
        if aligned && k > 0 && back[k - 1] == o && k < lower.len() {
            return extras[o..].chars().next().map_or(o, |c| o + c.len_utf8());
        }
        o
    };
    let shifted = |a: usize, b: usize| {
        let a = start_of(a);
        let b = end_of(b).max(a);
        span(at + a, at + b)
    };
    let parsed = Pep508::new(&text, 0, &shifted).requirement().map_err(|e| SyntaxError {
        message: e.message,
        span: shifted(e.start, e.end),
        line: None,
    })?;
    Ok(parsed.extras)
}

/// The `#egg=` fragment (`[#&]egg=([^&]*)`), checked as pip does.
fn egg_fragment(url: &str) -> Result<Option<(usize, &str)>, String> {
    let b = url.as_bytes();
    let mut i = 0;
    while let Some(k) = url[i..].find("egg=") {
        let at = i + k;
        if at > 0 && matches!(b[at - 1], b'#' | b'&') {
            let start = at + 4;
            let end = url[start..].find('&').map_or(url.len(), |e| start + e);
            let frag = &url[start..end];
            let ok = !frag.is_empty()
                && frag
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
                && frag.as_bytes()[0].is_ascii_alphanumeric()
                && frag.as_bytes()[frag.len() - 1].is_ascii_alphanumeric();
            if !ok {
                return Err(format!("The '{frag}' egg fragment is invalid"));
            }
            return Ok(Some((start, frag)));
        }
        i = at + 4;
    }
    Ok(None)
}

fn name_from(written: &str, span: Span, origin: NameOrigin) -> Name {
    Name {
        written: written.to_owned(),
        canonical: canonical_name(written),
        span,
        origin,
    }
}

/// Name and version from a wheel URL or path (`Wheel(link.filename)`).
fn wheel_name(filename: &str, name_span: Span, whole: Span) -> Result<(Name, SpecifierSet), String> {
    let stem = filename.strip_suffix(".whl").unwrap_or(filename);
    let parts = wheel_parts(stem)?;
    let name = name_from(parts.0, name_span, NameOrigin::WheelFilename);
    let version = parts.1;
    Ok((
        name,
        SpecifierSet {
            text: format!("=={version}"),
            span: whole,
            specifiers: vec![Specifier {
                operator: Operator::Equal,
                version,
                span: whole,
            }],
        },
    ))
}

/// `packaging.utils.parse_wheel_filename` on the name without `.whl`:
/// (name part, normalized version).
fn wheel_parts(stem: &str) -> Result<(&str, String), String> {
    let repr = py_repr(stem);
    let dashes = stem.matches('-').count();
    if dashes != 4 && dashes != 5 {
        return Err(format!("Invalid wheel filename (wrong number of parts): {repr}"));
    }
    let parts: Vec<&str> = stem.splitn(dashes - 1, '-').collect();
    let name = parts[0];
    if name.contains("__") || name.is_empty() || !name.chars().all(|c| py_word(c) || c == '.') {
        return Err(format!("Invalid project name: {repr}"));
    }
    let Some(version) = pep440::normalize(parts[1]) else {
        return Err(format!("Invalid wheel filename (invalid version): {repr}"));
    };
    if dashes == 5 && !parts[2].starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("Invalid build number: {} in {repr}", parts[2]));
    }
    let tags = parts[parts.len() - 1];
    let components: Vec<&str> = tags.split('-').collect();
    if components.iter().any(|c| c.split('.').any(str::is_empty)) || components.len() != 3 {
        return Err(format!("Invalid wheel filename (invalid tag component): {repr}"));
    }
    let identifier =
        |s: &str| s.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_') && s.chars().all(py_word);
    if !components[0].split('.').all(identifier) {
        return Err(format!("Invalid wheel filename (invalid tag component): {repr}"));
    }
    Ok((name, version))
}

/// pip's `parse_req_from_line` for a non-editable requirement.
fn pip_line(text: &str, span: &dyn Fn(usize, usize) -> Span) -> Result<Parts, SyntaxError> {
    let whole_err = |message: String| SyntaxError {
        message,
        span: span(0, text.len()),
        line: None,
    };
    // Markers: split at the first ";" ("; " for a URL), before anything else.
    let sep = if is_url(text) { "; " } else { ";" };
    let (req, marker) = match text.find(sep) {
        Some(k) => {
            let name_part = &text[..k];
            let m_at = k + sep.len();
            let raw = &text[m_at..];
            let (a, b) = py_strip_range(raw);
            let marker = if a == b {
                None
            } else {
                let at = m_at + a;
                let mspan = |x: usize, y: usize| span(at + x, at + y);
                let mut p = Pep508::new(&raw[a..b], 0, &mspan);
                match p.full_marker() {
                    Ok(m) => Some(m),
                    Err(e) => {
                        let (na, nb) = py_strip_range(name_part);
                        return Err(e.into_syntax(
                            &mspan,
                            &format!("Invalid requirement: {}: ", py_repr(&name_part[na..nb])),
                        ));
                    }
                }
            };
            (&text[..k], marker)
        }
        None => (text, None),
    };
    let (na, nb) = py_strip_range(req);
    let name = &req[na..nb];
    let nspan = |x: usize, y: usize| span(na + x, na + y);

    if is_url(name) {
        let url_span = nspan(0, name.len());
        let mut egg = egg_fragment(name).map_err(&whole_err)?;
        let mut url = name.to_owned();
        if url_scheme(name) == "file" && name.contains("../") {
            // pip rebuilds a relative file: URL from its normalized path,
            // which drops the fragment (and so the #egg= name).
            let (_, path) = url_netloc_path(name);
            url = format!("file://{}", quote_path(&posix_normpath(&path)));
            egg = None;
        }
        let target = Target::Url {
            url,
            vcs: vcs_of(name),
            span: url_span,
        };
        let filename = url_filename(name);
        if pip_splitext(&filename).1 == ".whl" {
            let at = name.find(&filename).unwrap_or(0);
            let (n, spec) = wheel_name(&filename, nspan(at, at + filename.len()), url_span).map_err(&whole_err)?;
            return Ok(Parts {
                name: Some(n),
                extras: Vec::new(),
                specifier: Some(spec),
                marker,
                target,
            });
        }
        return Ok(Parts {
            name: egg.map(|(at, e)| name_from(e, nspan(at, at + e.len()), NameOrigin::EggFragment)),
            extras: Vec::new(),
            specifier: None,
            marker,
            target,
        });
    }

    // A path, an archive, or PEP 508. pip strips the extras off the
    // normalized absolute path (`normpath` drops a trailing `/`, `.`…).
    let norm = posix_normpath(name);
    let (path, extras_text) = if norm == name {
        let (path, e) = strip_extras(name, true);
        (path, e.map(|(at, e)| (Some(at), e)))
    } else {
        match strip_extras(&norm, true) {
            (_, Some((_, e))) => match name.rfind(e) {
                // Where the extras are in the text as written.
                Some(at) => (name[..at].trim_end_matches(py_space), Some((Some(at), e))),
                None => (name, Some((None, e))),
            },
            (_, None) => (name, None),
        }
    };
    let extras = match extras_text {
        Some((Some(at), e)) => convert_extras(e, at, &nspan)?,
        // Normalizing changed the extras' text, so they are not in the line
        // as written: an error points at the whole path (offsets into the
        // normalized text would land anywhere, even inside a character).
        Some((None, e)) => convert_extras(e, 0, &|_, _| nspan(0, name.len()))?,
        None => Vec::new(),
    };
    let archive = is_archive(path);
    let path_target = |archive: bool| Target::Path {
        path: path.to_owned(),
        archive,
        span: nspan(0, path.len()),
    };
    let mut as_path = None;
    if looks_like_path(name) && !archive && url_scheme(name).len() <= 1 {
        // pip: an installable directory if it exists. lint502: it does,
        // unless the line is valid PEP 508 (then no such directory exists).
        if Pep508::new(name, 0, &nspan).requirement().is_err() {
            as_path = Some(path_target(false));
        }
    } else if archive {
        // pip takes a file URL unless the file is missing and the text
        // reads as `name @ url` (lint502 assumes the file is missing).
        let pep508_url = name.split_once('@').is_some_and(|(before, _)| !looks_like_path(before));
        if !pep508_url {
            as_path = Some(path_target(true));
        }
    }
    if let Some(target) = as_path {
        let norm = posix_normpath(path);
        let filename = norm.rsplit('/').next().unwrap_or_default();
        let (pname, specifier) = if archive && pip_splitext(filename).1 == ".whl" {
            let at = path.rfind(filename).unwrap_or(0);
            let (n, s) =
                wheel_name(filename, nspan(at, at + filename.len()), nspan(0, path.len())).map_err(&whole_err)?;
            (Some(n), Some(s))
        } else {
            (None, None)
        };
        return Ok(Parts {
            name: pname,
            extras,
            specifier,
            marker,
            target,
        });
    }

    // A requirement specifier.
    // pip's InstallRequirement keeps the extras stripped off the end of the
    // line (lower-cased) when there are any, else the PEP 508 ones.
    match Pep508::new(name, 0, &nspan).requirement() {
        Ok(r) => Ok(Parts {
            target: match &r.url {
                Some(u) => Target::Url {
                    url: u.value.clone(),
                    vcs: vcs_of(&u.value),
                    span: u.span,
                },
                None => Target::Index,
            },
            name: Some(r.name),
            extras: if extras.is_empty() { r.extras } else { extras },
            specifier: r.specifier,
            marker: marker.or(r.marker),
        }),
        Err(e) => {
            let hint = if name.contains('/') {
                format!("\nHint: It looks like a path. File '{name}' does not exist.")
            } else if name.contains('=')
                && !["~=", "==", "!=", "<=", ">=", "<", ">", "==="]
                    .iter()
                    .any(|o| name.contains(o))
            {
                "\nHint: = is not a valid operator. Did you mean == ?".to_owned()
            } else {
                String::new()
            };
            let mut err = e.into_syntax(&nspan, &format!("Invalid requirement: {}: ", py_repr(name)));
            err.message.push_str(&hint);
            Err(err)
        }
    }
}

/// pip's `parse_editable` (`-e`).
fn pip_editable(text: &str, span: &dyn Fn(usize, usize) -> Span) -> Result<Parts, SyntaxError> {
    let whole_err = |message: String| SyntaxError {
        message,
        span: span(0, text.len()),
        line: None,
    };
    // `name[extras] @ url ; marker`
    if let Ok(r) = Pep508::new(text, 0, span).requirement()
        && let Some(u) = &r.url
    {
        egg_fragment(&u.value).map_err(&whole_err)?;
        let target = Target::Url {
            url: u.value.clone(),
            vcs: vcs_of(&u.value),
            span: u.span,
        };
        return check_editable(text, &target, Some(r.name), span).map(|name| Parts {
            name,
            extras: r.extras,
            specifier: r.specifier,
            marker: r.marker,
            target,
        });
    }
    // pip's own syntax: a local path (with extras) or a VCS URL.
    let (no_extras, extras_text) = strip_extras(text, false);
    let extras = match extras_text {
        Some((at, e)) => convert_extras(e, at, span)?,
        None => Vec::new(),
    };
    if url_scheme(no_extras).len() <= 1 {
        // A directory: lint502 assumes it exists (pip checks).
        return Ok(Parts {
            name: None,
            extras,
            specifier: None,
            marker: None,
            target: Target::Path {
                path: no_extras.to_owned(),
                archive: false,
                span: span(0, no_extras.len()),
            },
        });
    }
    let (url, extras, egg_in) = if no_extras.to_ascii_lowercase().starts_with("file:") {
        (no_extras.to_owned(), extras, no_extras)
    } else {
        let lower = text.to_ascii_lowercase();
        let url = ["bzr", "git", "hg", "svn"]
            .iter()
            .find(|v| lower.starts_with(&format!("{v}:")))
            .map_or_else(|| text.to_owned(), |v| format!("{v}+{text}"));
        (url, Vec::new(), text)
    };
    let egg = egg_fragment(&url).map_err(&whole_err)?;
    let name = egg.map(|(_, e)| {
        let at = egg_in.rfind(e).unwrap_or(0);
        name_from(e, span(at, at + e.len()), NameOrigin::EggFragment)
    });
    let target = Target::Url {
        vcs: vcs_of(&url),
        url,
        span: span(0, text.len()),
    };
    check_editable(text, &target, name, span).map(|name| Parts {
        name,
        extras,
        specifier: None,
        marker: None,
        target,
    })
}

/// The end of `parse_editable`: a VCS or `file:` URL, and a name for VCS.
fn check_editable(
    text: &str,
    target: &Target,
    name: Option<Name>,
    span: &dyn Fn(usize, usize) -> Span,
) -> Result<Option<Name>, SyntaxError> {
    let Target::Url { url, vcs, .. } = target else {
        return Ok(name);
    };
    let file = url.starts_with("file:");
    if vcs.is_none() && !file {
        return Err(SyntaxError {
            message: format!(
                "{text} is not a valid editable requirement. It should either be a path to a local project or a \
                 VCS URL (beginning with {}).",
                VCS_SCHEMES.join(", ")
            ),
            span: span(0, text.len()),
            line: None,
        });
    }
    if name.is_none() && !file {
        return Err(SyntaxError {
            message: format!(
                "Could not detect requirement name for '{text}', please specify one with your_package_name @ URL"
            ),
            span: span(0, text.len()),
            line: None,
        });
    }
    Ok(name)
}

// ================================================================= PEP 508

/// A PEP 508 parse error: packaging's message, and the range its `~~~^`
/// marks (packaging's span `(start, end)` puts the caret under `end`; here
/// `end` is exclusive and clamped to the text), relative to the parsed
/// string.
#[derive(Debug)]
struct PErr {
    message: String,
    start: usize,
    end: usize,
}

impl PErr {
    fn into_syntax(self, span: &dyn Fn(usize, usize) -> Span, prefix: &str) -> SyntaxError {
        SyntaxError {
            message: format!("{prefix}{}", self.message),
            span: span(self.start, self.end),
            line: None,
        }
    }
}

/// A parsed PEP 508 requirement.
struct Pep508Req {
    name: Name,
    extras: Vec<Spanned<String>>,
    url: Option<Spanned<String>>,
    specifier: Option<SpecifierSet>,
    marker: Option<Marker>,
}

/// A flat marker list as packaging's parser builds it: atoms joined by
/// `and` / `or`, groups nested.
enum MItem {
    Atom(MarkerExpr),
    And,
    Or,
}

/// packaging's tokenizer and recursive-descent parser
/// (`packaging/_tokenizer.py`, `packaging/_parser.py`), with the same
/// tokens, the same order of checks and the same messages.
struct Pep508<'a> {
    s: &'a str,
    pos: usize,
    span: &'a dyn Fn(usize, usize) -> Span,
    /// Open marker parentheses.
    depth: usize,
}

/// Marker parentheses nested deeper than this stop the parse with
/// lint502's own error (packaging recurses once per level and fails with a
/// `RecursionError` near a thousand); the limit keeps the native stack
/// bounded.
pub const MAX_MARKER_NESTING: usize = 100;

impl<'a> Pep508<'a> {
    fn new(s: &'a str, pos: usize, span: &'a dyn Fn(usize, usize) -> Span) -> Pep508<'a> {
        Pep508 { s, pos, span, depth: 0 }
    }

    /// packaging's `raise_syntax_error(message, span_start, span_end)`.
    fn err<T>(&self, message: impl Into<String>, start: usize, end: usize) -> Result<T, PErr> {
        let mut end = (end + 1).min(self.s.len());
        while !self.s.is_char_boundary(end) {
            end += 1;
        }
        Err(PErr {
            message: message.into(),
            start: start.min(end),
            end,
        })
    }
    fn expected<T>(&self, what: &str) -> Result<T, PErr> {
        self.err(format!("Expected {what}"), self.pos, self.pos)
    }

    fn char_before(&self, i: usize) -> Option<char> {
        self.s[..i].chars().next_back()
    }
    fn char_at(&self, i: usize) -> Option<char> {
        self.s[i..].chars().next()
    }
    /// `\b` at `i`.
    fn boundary(&self, i: usize) -> bool {
        self.char_before(i).is_some_and(py_word) != self.char_at(i).is_some_and(py_word)
    }

    // ---- tokens: each returns the end of the token at `pos`, if any.

    fn t_lit(&self, lit: &str) -> Option<usize> {
        self.s[self.pos..].starts_with(lit).then(|| self.pos + lit.len())
    }
    fn t_ws(&self) -> Option<usize> {
        let n = self.s[self.pos..]
            .bytes()
            .take_while(|b| *b == b' ' || *b == b'\t')
            .count();
        (n > 0).then_some(self.pos + n)
    }
    fn t_end(&self) -> bool {
        self.pos >= self.s.len()
    }
    fn t_identifier(&self) -> Option<usize> {
        let b = self.s.as_bytes();
        if !b.get(self.pos).is_some_and(u8::is_ascii_alphanumeric) || !self.boundary(self.pos) {
            return None;
        }
        let mut end = self.pos + 1;
        while b
            .get(end)
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
        {
            end += 1;
        }
        // `\b` at the end: back off to a word boundary.
        (self.pos + 1..=end).rev().find(|&e| self.boundary(e))
    }
    fn t_word(&self, words: &[&str]) -> Option<usize> {
        if !self.boundary(self.pos) {
            return None;
        }
        words.iter().find_map(|w| {
            let end = self.t_lit(w)?;
            self.boundary(end).then_some(end)
        })
    }
    fn t_variable(&self) -> Option<usize> {
        self.t_word(&[
            "python_version",
            "python_full_version",
            "os.name",
            "os_name",
            "sys.platform",
            "sys_platform",
            "platform_release",
            "platform_system",
            "platform.version",
            "platform_version",
            "platform.machine",
            "platform_machine",
            "platform.python_implementation",
            "platform_python_implementation",
            "python_implementation",
            "implementation_name",
            "implementation_version",
            "extras",
            "extra",
            "dependency_groups",
        ])
    }
    fn t_quoted(&self) -> Option<usize> {
        let q = self.char_at(self.pos).filter(|c| *c == '\'' || *c == '"')?;
        let close = self.s[self.pos + 1..].find(q)?;
        Some(self.pos + 1 + close + 1)
    }
    fn t_op(&self) -> Option<usize> {
        ["===", "==", "~=", "!=", "<=", ">=", "<", ">"]
            .iter()
            .find_map(|o| self.t_lit(o))
    }
    fn t_url(&self) -> Option<usize> {
        let n = self.s[self.pos..]
            .bytes()
            .take_while(|b| *b != b' ' && *b != b'\t')
            .count();
        (n > 0).then_some(self.pos + n)
    }
    fn t_local_trail(&self) -> Option<usize> {
        let b = self.s.as_bytes();
        let mut i = self.pos;
        if b.get(i) != Some(&b'+') {
            return None;
        }
        i += 1;
        let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        let run = |i: usize| b[i..].iter().take_while(|c| alnum(c)).count();
        let n = run(i);
        if n == 0 {
            return None;
        }
        i += n;
        while i + 1 < b.len() && matches!(b[i], b'-' | b'_' | b'.') && run(i + 1) > 0 {
            i += 1 + run(i + 1);
        }
        Some(i)
    }

    fn consume_ws(&mut self) {
        if let Some(e) = self.t_ws() {
            self.pos = e;
        }
    }

    fn spanned(&self, a: usize, b: usize) -> Spanned<String> {
        Spanned::new(self.s[a..b].to_owned(), (self.span)(a, b))
    }

    // ---- grammar

    /// `requirement = WS? IDENTIFIER WS? extras WS? requirement_details END`
    fn requirement(&mut self) -> Result<Pep508Req, PErr> {
        self.consume_ws();
        let Some(end) = self.t_identifier() else {
            return self.expected("package name at the start of dependency specifier");
        };
        let name_at = self.pos;
        self.pos = end;
        let name = name_from(&self.s[name_at..end], (self.span)(name_at, end), NameOrigin::Pep508);
        self.consume_ws();
        let extras = self.extras()?;
        self.consume_ws();
        let (url, specifier, marker) = self.details()?;
        if !self.t_end() {
            return self.expected("end of dependency specifier");
        }
        Ok(Pep508Req {
            name,
            extras,
            url,
            specifier,
            marker,
        })
    }

    /// `AT URL (WS marker?)? | specifier WS? marker?`
    #[allow(clippy::type_complexity)]
    fn details(&mut self) -> Result<(Option<Spanned<String>>, Option<SpecifierSet>, Option<Marker>), PErr> {
        if let Some(e) = self.t_lit("@") {
            self.pos = e;
            self.consume_ws();
            let url_start = self.pos;
            let Some(e) = self.t_url() else {
                return self.expected("URL after @");
            };
            self.pos = e;
            let url = Some(self.spanned(url_start, e));
            if self.t_end() {
                return Ok((url, None, None));
            }
            let Some(e) = self.t_ws() else {
                return self.expected("whitespace after URL");
            };
            self.pos = e;
            if self.t_end() {
                return Ok((url, None, None));
            }
            let marker = self.requirement_marker(url_start, "semicolon (after URL and whitespace)")?;
            return Ok((url, None, Some(marker)));
        }
        let spec_start = self.pos;
        let specifier = self.specifier()?;
        self.consume_ws();
        if self.t_end() {
            return Ok((None, specifier, None));
        }
        let expected = if specifier.is_some() {
            "comma (within version specifier), semicolon (after version specifier)"
        } else {
            "semicolon (after name with no version specifier)"
        };
        let marker = self.requirement_marker(spec_start, expected)?;
        Ok((None, specifier, Some(marker)))
    }

    /// `SEMICOLON marker WS?`
    fn requirement_marker(&mut self, span_start: usize, expected: &str) -> Result<Marker, PErr> {
        let Some(e) = self.t_lit(";") else {
            return self.err(format!("Expected {expected} or end"), span_start, self.pos);
        };
        self.pos = e;
        let start = self.pos;
        let expr = self.marker()?;
        let (a, b) = py_strip_range(&self.s[start..self.pos]);
        self.consume_ws();
        Ok(Marker {
            text: self.s[start + a..start + b].to_owned(),
            span: (self.span)(start + a, start + b),
            expr,
        })
    }

    /// `extras = (LEFT_BRACKET WS? extras_list? WS? RIGHT_BRACKET)?`
    fn extras(&mut self) -> Result<Vec<Spanned<String>>, PErr> {
        let Some(e) = self.t_lit("[") else {
            return Ok(Vec::new());
        };
        let open = self.pos;
        self.pos = e;
        self.consume_ws();
        let mut extras = Vec::new();
        if let Some(e) = self.t_identifier() {
            extras.push(self.spanned(self.pos, e));
            self.pos = e;
            loop {
                self.consume_ws();
                if self.t_identifier().is_some() {
                    return self.expected("comma between extra names");
                }
                let Some(e) = self.t_lit(",") else { break };
                self.pos = e;
                self.consume_ws();
                let Some(e) = self.t_identifier() else {
                    return self.expected("extra name after comma");
                };
                extras.push(self.spanned(self.pos, e));
                self.pos = e;
            }
        }
        self.consume_ws();
        match self.t_lit("]") {
            Some(e) => self.pos = e,
            None => {
                return self.err(
                    "Expected matching RIGHT_BRACKET for LEFT_BRACKET, after extras",
                    open,
                    self.pos,
                );
            }
        }
        Ok(extras)
    }

    /// `specifier = LEFT_PARENTHESIS WS? version_many WS? RIGHT_PARENTHESIS | WS? version_many WS?`
    fn specifier(&mut self) -> Result<Option<SpecifierSet>, PErr> {
        let open = self.t_lit("(").map(|e| {
            let at = self.pos;
            self.pos = e;
            at
        });
        self.consume_ws();
        let start = self.pos;
        let mut specifiers = Vec::new();
        let mut end = start;
        while let Some(e) = match_specifier(self.s, self.pos) {
            let tok_start = self.pos;
            let tok = &self.s[tok_start..e];
            self.pos = e;
            if self.t_lit(".*").is_some() {
                let message = if tok.starts_with("!=") || (tok.starts_with("==") && !tok.starts_with("===")) {
                    ".* suffix cannot be used with pre-release, post-release, dev or local versions"
                } else {
                    ".* suffix can only be used with `==` or `!=` operators"
                };
                return self.err(message, tok_start, self.pos + 1);
            }
            if self.t_local_trail().is_some() {
                return self.err(
                    "Local version label can only be used with `==` or `!=` operators",
                    tok_start,
                    self.pos,
                );
            }
            if tok.starts_with("===") && tok.contains(',') {
                // SpecifierSet splits the token at its commas.
                let bad = tok
                    .split(',')
                    .skip(1)
                    .map(str::trim)
                    .find(|p| !p.is_empty() && match_specifier(p, 0) != Some(p.len()));
                if let Some(bad) = bad {
                    return self.err(
                        format!("Invalid specifier: {}", py_repr(bad)),
                        tok_start,
                        e.saturating_sub(1),
                    );
                }
            }
            specifiers.push(make_specifier(tok, tok_start, self.span));
            end = e;
            self.consume_ws();
            let Some(c) = self.t_lit(",") else { break };
            self.pos = c;
            self.consume_ws();
        }
        self.consume_ws();
        if let Some(open) = open {
            match self.t_lit(")") {
                Some(e) => self.pos = e,
                None => {
                    return self.err(
                        "Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier",
                        open,
                        self.pos,
                    );
                }
            }
        }
        if specifiers.is_empty() {
            return Ok(None);
        }
        Ok(Some(SpecifierSet {
            text: self.s[start..end].to_owned(),
            span: (self.span)(start, end),
            specifiers,
        }))
    }

    /// `Marker(text)`: a marker, then the end.
    fn full_marker(&mut self) -> Result<Marker, PErr> {
        let start = self.pos;
        let expr = self.marker()?;
        if !self.t_end() {
            return self.expected("end of marker expression");
        }
        let (a, b) = py_strip_range(&self.s[start..]);
        Ok(Marker {
            text: self.s[start + a..start + b].to_owned(),
            span: (self.span)(start + a, start + b),
            expr,
        })
    }

    /// `marker = marker_atom (BOOLOP marker_atom)*`
    fn marker(&mut self) -> Result<MarkerExpr, PErr> {
        let mut items = vec![MItem::Atom(self.marker_atom()?)];
        while let Some(e) = self.t_word(&["or", "and"]) {
            items.push(if &self.s[self.pos..e] == "or" {
                MItem::Or
            } else {
                MItem::And
            });
            self.pos = e;
            items.push(MItem::Atom(self.marker_atom()?));
        }
        Ok(build_marker(items))
    }

    /// `WS? ( LEFT_PARENTHESIS WS? marker WS? RIGHT_PARENTHESIS | marker_item ) WS?`
    fn marker_atom(&mut self) -> Result<MarkerExpr, PErr> {
        self.consume_ws();
        let expr = if let Some(e) = self.t_lit("(") {
            let open = self.pos;
            if self.depth >= MAX_MARKER_NESTING {
                return self.err(
                    format!("marker parentheses nested deeper than {MAX_MARKER_NESTING} levels"),
                    open,
                    open,
                );
            }
            self.depth += 1;
            self.pos = e;
            self.consume_ws();
            let inner = self.marker()?;
            self.depth -= 1;
            self.consume_ws();
            match self.t_lit(")") {
                Some(e) => self.pos = e,
                None => {
                    return self.err(
                        "Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after marker expression",
                        open,
                        self.pos,
                    );
                }
            }
            MarkerExpr::Group(Box::new(inner), (self.span)(open, self.pos))
        } else {
            self.marker_item()?
        };
        self.consume_ws();
        Ok(expr)
    }

    /// `WS? marker_var WS? marker_op WS? marker_var WS?`
    fn marker_item(&mut self) -> Result<MarkerExpr, PErr> {
        self.consume_ws();
        let start = self.pos;
        let lhs = self.marker_var()?;
        self.consume_ws();
        let op = self.marker_op()?;
        self.consume_ws();
        let rhs = self.marker_var()?;
        let end = self.pos;
        self.consume_ws();
        Ok(MarkerExpr::Compare {
            lhs,
            op,
            rhs,
            span: (self.span)(start, end),
        })
    }

    /// `VARIABLE | QUOTED_STRING`
    fn marker_var(&mut self) -> Result<MarkerOperand, PErr> {
        if let Some(e) = self.t_variable() {
            let written = &self.s[self.pos..e];
            let mut name = written.replace('.', "_");
            if name == "python_implementation" {
                name = "platform_python_implementation".into();
            }
            let span = (self.span)(self.pos, e);
            self.pos = e;
            return Ok(MarkerOperand::Variable(Spanned::new(name, span)));
        }
        if let Some(e) = self.t_quoted() {
            let raw = &self.s[self.pos..e];
            let Some(value) = py_string_literal(raw) else {
                return self.err("Invalid quoted string", self.pos, e);
            };
            let span = (self.span)(self.pos, e);
            self.pos = e;
            return Ok(MarkerOperand::Literal(Spanned::new(value, span)));
        }
        self.expected("a marker variable or quoted string")
    }

    /// `IN | NOT WS IN | OP`
    fn marker_op(&mut self) -> Result<MarkerOp, PErr> {
        if let Some(e) = self.t_word(&["in"]) {
            self.pos = e;
            return Ok(MarkerOp::In);
        }
        if let Some(e) = self.t_word(&["not"]) {
            self.pos = e;
            let Some(e) = self.t_ws() else {
                return self.expected("whitespace after 'not'");
            };
            self.pos = e;
            let Some(e) = self.t_word(&["in"]) else {
                return self.expected("'in' after 'not'");
            };
            self.pos = e;
            return Ok(MarkerOp::NotIn);
        }
        if let Some(e) = self.t_op() {
            let (op, _) = Operator::from_prefix(&self.s[self.pos..e]).unwrap_or((Operator::Equal, 2));
            self.pos = e;
            return Ok(MarkerOp::Version(op));
        }
        self.expected("marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in")
    }
}

/// `or` of `and`s, from packaging's flat list.
fn build_marker(items: Vec<MItem>) -> MarkerExpr {
    let mut ors: Vec<Vec<MarkerExpr>> = vec![Vec::new()];
    for item in items {
        match item {
            MItem::Atom(e) => {
                if let Some(last) = ors.last_mut() {
                    last.push(e);
                }
            }
            MItem::And => {}
            MItem::Or => ors.push(Vec::new()),
        }
    }
    let mut ands: Vec<MarkerExpr> = ors
        .into_iter()
        .filter_map(|mut v| match v.len() {
            0 => None,
            1 => v.pop(),
            _ => Some(MarkerExpr::And(v)),
        })
        .collect();
    if ands.len() == 1 {
        ands.pop().unwrap_or(MarkerExpr::And(Vec::new()))
    } else {
        MarkerExpr::Or(ands)
    }
}

/// A specifier token, split into operator and version.
fn make_specifier(tok: &str, at: usize, span: &dyn Fn(usize, usize) -> Span) -> Specifier {
    let (a, b) = py_strip_range(tok);
    let t = &tok[a..b];
    let (operator, n) = Operator::from_prefix(t).unwrap_or((Operator::Equal, 0));
    let version = t[n..].trim_matches(py_space).to_owned();
    Specifier {
        operator,
        version,
        span: span(at + a, at + b),
    }
}

/// packaging's `Specifier._specifier_regex_str` (VERBOSE, IGNORECASE),
/// matched at `i`: the end of the specifier token.
fn match_specifier(s: &str, i: usize) -> Option<usize> {
    let rest = &s[i..];
    let skip_ws = |j: usize| -> usize { j + s[j..].len() - s[j..].trim_start_matches(py_space).len() };
    if rest.starts_with("===") {
        let j = skip_ws(i + 3);
        let n = s[j..]
            .find(|c: char| py_space(c) || c == ';' || c == ')')
            .unwrap_or(s.len() - j);
        return Some(j + n);
    }
    let b = s.as_bytes();
    let digits = |j: usize| b[j.min(b.len())..].iter().take_while(|c| c.is_ascii_digit()).count();
    // `v? (N!)? N(.N)*`, with at least `min_parts` release numbers.
    let version_start = |j: usize, min_parts: usize| -> Option<usize> {
        let mut j = skip_ws(j);
        if matches!(b.get(j), Some(b'v' | b'V')) {
            j += 1;
        }
        let n = digits(j);
        if n > 0 && b.get(j + n) == Some(&b'!') && digits(j + n + 1) > 0 {
            j += n + 1;
        }
        let n = digits(j);
        if n == 0 {
            return None;
        }
        j += n;
        let mut parts = 1;
        while b.get(j) == Some(&b'.') && digits(j + 1) > 0 {
            j += 1 + digits(j + 1);
            parts += 1;
        }
        (parts >= min_parts).then_some(j)
    };
    let lower_at = |j: usize, w: &str| s.get(j..j + w.len()).is_some_and(|t| t.eq_ignore_ascii_case(w));
    let sep = |j: usize| -> usize { usize::from(matches!(b.get(j), Some(b'-' | b'_' | b'.'))) };
    // `[-_.]? (alpha|beta|preview|pre|a|b|c|rc) [-_.]? [0-9]*`
    let pre = |j: usize| -> usize {
        for with_sep in [true, false] {
            let k = if with_sep {
                let n = sep(j);
                if n == 0 {
                    continue;
                }
                j + n
            } else {
                j
            };
            if let Some(l) = ["alpha", "beta", "preview", "pre", "a", "b", "c", "rc"]
                .iter()
                .find(|l| lower_at(k, l))
            {
                let k = k + l.len();
                let k = k + sep(k);
                return k + digits(k);
            }
        }
        j
    };
    // `(-[0-9]+) | ([-_.]? (post|rev|r) [-_.]? [0-9]*)`
    let post = |j: usize| -> usize {
        if b.get(j) == Some(&b'-') && digits(j + 1) > 0 {
            return j + 1 + digits(j + 1);
        }
        for with_sep in [true, false] {
            let k = if with_sep {
                let n = sep(j);
                if n == 0 {
                    continue;
                }
                j + n
            } else {
                j
            };
            if let Some(l) = ["post", "rev", "r"].iter().find(|l| lower_at(k, l)) {
                let k = k + l.len();
                let k = k + sep(k);
                return k + digits(k);
            }
        }
        j
    };
    // `[-_.]? dev [-_.]? [0-9]*`
    let dev = |j: usize| -> usize {
        for with_sep in [true, false] {
            let k = if with_sep {
                let n = sep(j);
                if n == 0 {
                    continue;
                }
                j + n
            } else {
                j
            };
            if lower_at(k, "dev") {
                let k = k + 3;
                let k = k + sep(k);
                return k + digits(k);
            }
        }
        j
    };
    // `\+[a-z0-9]+([-_.][a-z0-9]+)*`
    let local = |j: usize| -> usize {
        if b.get(j) != Some(&b'+') {
            return j;
        }
        let run = |k: usize| {
            b[k.min(b.len())..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric())
                .count()
        };
        let n = run(j + 1);
        if n == 0 {
            return j;
        }
        let mut k = j + 1 + n;
        while sep(k) == 1 && run(k + 1) > 0 {
            k += 1 + run(k + 1);
        }
        k
    };
    if rest.starts_with("==") || rest.starts_with("!=") {
        let j = version_start(i + 2, 1)?;
        if s[j..].starts_with(".*") {
            return Some(j + 2);
        }
        return Some(local(dev(post(pre(j)))));
    }
    if rest.starts_with("~=") {
        let j = version_start(i + 2, 2)?;
        return Some(dev(post(pre(j))));
    }
    for op in ["<=", ">=", "<", ">"] {
        if rest.starts_with(op) {
            return version_start(i + op.len(), 1).map(|j| dev(post(pre(j))));
        }
    }
    None
}

/// `ast.literal_eval` of a quoted string token (`'…'` or `"…"`, no quote
/// inside): Python's escape sequences. `None` where Python raises.
fn py_string_literal(raw: &str) -> Option<String> {
    let inner = raw.get(1..raw.len().checked_sub(1)?)?;
    if inner.contains('\0') {
        return None;
    }
    let mut out = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(e) = chars.next() else {
            // A backslash before the closing quote escapes it.
            return None;
        };
        let hex = |chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize| -> Option<u32> {
            let mut v = 0u32;
            for _ in 0..n {
                v = v * 16 + chars.next()?.to_digit(16)?;
            }
            Some(v)
        };
        match e {
            '\n' => {}
            '\\' | '\'' | '"' => out.push(e),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '0'..='7' => {
                let mut v = e.to_digit(8)?;
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'x' => out.push(char::from_u32(hex(&mut chars, 2)?).unwrap_or('\u{fffd}')),
            'u' => out.push(char::from_u32(hex(&mut chars, 4)?).unwrap_or('\u{fffd}')),
            'U' => {
                let v = hex(&mut chars, 8)?;
                if v > 0x10ffff {
                    return None;
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'N' => {
                // A named character: lint502 has no name table; it checks the form.
                if chars.next()? != '{' {
                    return None;
                }
                let mut name = String::new();
                loop {
                    match chars.next()? {
                        '}' => break,
                        c => name.push(c),
                    }
                }
                if name.is_empty() {
                    return None;
                }
                out.push('\u{fffd}');
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Some(out)
}

/// Python's `repr()` of a string.
fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
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
            c if !py_printable(c) => {
                let v = c as u32;
                if v < 0x100 {
                    out.push_str(&format!("\\x{v:02x}"));
                } else if v < 0x10000 {
                    out.push_str(&format!("\\u{v:04x}"));
                } else {
                    out.push_str(&format!("\\U{v:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// An approximation of Python's `str.isprintable()` for one character.
fn py_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    !(c.is_control()
        || (c.is_whitespace())
        || matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}')
        || ('\u{e000}'..='\u{f8ff}').contains(&c))
}

// ===================================================== marker formatting

/// packaging's marker list shape, for `str(Marker)`.
enum FItem<'a> {
    Compare(&'a MarkerExpr),
    Op(&'static str),
    List(Vec<FItem<'a>>),
}

fn marker_items(e: &MarkerExpr) -> Vec<FItem<'_>> {
    fn push<'a>(e: &'a MarkerExpr, out: &mut Vec<FItem<'a>>) {
        match e {
            MarkerExpr::Compare { .. } => out.push(FItem::Compare(e)),
            MarkerExpr::Group(inner, _) => out.push(FItem::List(marker_items(inner))),
            MarkerExpr::And(v) | MarkerExpr::Or(v) => {
                let op = if matches!(e, MarkerExpr::And(_)) { "and" } else { "or" };
                for (k, x) in v.iter().enumerate() {
                    if k > 0 {
                        out.push(FItem::Op(op));
                    }
                    push(x, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    push(e, &mut out);
    out
}

/// packaging's `_format_marker`.
fn format_marker(items: &[FItem<'_>], first: bool) -> String {
    if let [only] = items {
        match only {
            FItem::List(inner) => return format_marker(inner, first),
            FItem::Compare(e) => return format_compare(e),
            FItem::Op(o) => return (*o).to_owned(),
        }
    }
    let inner: Vec<String> = items
        .iter()
        .map(|i| match i {
            FItem::Compare(e) => format_compare(e),
            FItem::Op(o) => (*o).to_owned(),
            FItem::List(l) => format_marker(l, false),
        })
        .collect();
    if first {
        inner.join(" ")
    } else {
        format!("({})", inner.join(" "))
    }
}

fn format_compare(e: &MarkerExpr) -> String {
    let MarkerExpr::Compare { lhs, op, rhs, .. } = e else {
        return String::new();
    };
    fn var(o: &MarkerOperand) -> Option<&str> {
        match o {
            MarkerOperand::Variable(v) => Some(v.value.as_str()),
            MarkerOperand::Literal(_) => None,
        }
    }
    // `_normalize_extra_values`
    let normalize_l = matches!(var(rhs), Some("extra" | "extras" | "dependency_groups"));
    let normalize_r = var(lhs) == Some("extra");
    let side = |o: &MarkerOperand, normalize: bool| match o {
        MarkerOperand::Variable(v) => v.value.clone(),
        MarkerOperand::Literal(v) => {
            let value = if normalize {
                canonical_name(&v.value)
            } else {
                v.value.clone()
            };
            if !value.contains('"') {
                format!("\"{value}\"")
            } else {
                format!("'{value}'")
            }
        }
    };
    format!("{} {} {}", side(lhs, normalize_l), op.as_str(), side(rhs, normalize_r))
}

// ================================================================= PEP 440

/// PEP 440 versions (`packaging.version.Version`), for wheel file names.
mod pep440 {
    /// The normalized form (`str(Version(text))`), or `None` when packaging
    /// rejects the text.
    pub(super) fn normalize(text: &str) -> Option<String> {
        let t = text.trim_matches(super::py_space);
        let lower = t.to_ascii_lowercase();
        let b = lower.as_bytes();
        let mut i = 0;
        let digits = |i: usize| b[i.min(b.len())..].iter().take_while(|c| c.is_ascii_digit()).count();
        let num = |a: usize, n: usize| -> String {
            let s = lower[a..a + n].trim_start_matches('0');
            if s.is_empty() { "0".into() } else { s.to_owned() }
        };
        let sep = |i: usize| usize::from(matches!(b.get(i), Some(b'.' | b'_' | b'-')));
        if b.get(i) == Some(&b'v') {
            i += 1;
        }
        let mut out = String::new();
        let n = digits(i);
        if n > 0 && b.get(i + n) == Some(&b'!') {
            let e = num(i, n);
            if e != "0" {
                out.push_str(&e);
                out.push('!');
            }
            i += n + 1;
        }
        let n = digits(i);
        if n == 0 {
            return None;
        }
        out.push_str(&num(i, n));
        i += n;
        while b.get(i) == Some(&b'.') && digits(i + 1) > 0 {
            let n = digits(i + 1);
            out.push('.');
            out.push_str(&num(i + 1, n));
            i += 1 + n;
        }
        // pre-release
        let labels = [
            ("alpha", "a"),
            ("a", "a"),
            ("beta", "b"),
            ("b", "b"),
            ("preview", "rc"),
            ("pre", "rc"),
            ("c", "rc"),
            ("rc", "rc"),
        ];
        let k = i + sep(i);
        if let Some((l, norm)) = labels.iter().find(|(l, _)| lower[k..].starts_with(l)) {
            let mut j = k + l.len();
            let s = sep(j);
            let n = digits(j + s);
            let value = if n > 0 {
                let v = num(j + s, n);
                j += s + n;
                v
            } else {
                "0".into()
            };
            out.push_str(norm);
            out.push_str(&value);
            i = j;
        }
        // post-release
        if b.get(i) == Some(&b'-') && digits(i + 1) > 0 {
            let n = digits(i + 1);
            out.push_str(".post");
            out.push_str(&num(i + 1, n));
            i += 1 + n;
        } else {
            let k = i + sep(i);
            if let Some(l) = ["post", "rev", "r"].iter().find(|l| lower[k..].starts_with(*l)) {
                let mut j = k + l.len();
                let s = sep(j);
                let n = digits(j + s);
                let value = if n > 0 {
                    let v = num(j + s, n);
                    j += s + n;
                    v
                } else {
                    "0".into()
                };
                out.push_str(".post");
                out.push_str(&value);
                i = j;
            }
        }
        // dev release
        let k = i + sep(i);
        if lower[k..].starts_with("dev") {
            let mut j = k + 3;
            let s = sep(j);
            let n = digits(j + s);
            let value = if n > 0 {
                let v = num(j + s, n);
                j += s + n;
                v
            } else {
                "0".into()
            };
            out.push_str(".dev");
            out.push_str(&value);
            i = j;
        }
        // local version
        if b.get(i) == Some(&b'+') {
            let rest = &lower[i + 1..];
            let parts: Vec<&str> = rest.split(['.', '_', '-']).collect();
            if parts
                .iter()
                .any(|p| p.is_empty() || !p.bytes().all(|c| c.is_ascii_alphanumeric()))
            {
                return None;
            }
            out.push('+');
            out.push_str(&parts.join("."));
            i = lower.len();
        }
        (i == lower.len()).then_some(out)
    }
}

// ================================================================ includes

/// A file reached through `-r` / `-c`.
#[derive(Debug, Clone, PartialEq)]
pub struct IncludedFile {
    pub path: PathBuf,
    /// How pip reads it: a `-r` makes requirements even inside a constraints
    /// file (pip's `_parse_and_recurse` resets the kind), a `-c` makes
    /// constraints, which are not requirements.
    pub kind: IncludeKind,
    /// The including file and the span of the `-r`/`-c` value there.
    pub included_from: Option<(PathBuf, Span)>,
    /// 0 for the root.
    pub depth: usize,
}

/// A nested file that was not read.
#[derive(Debug, Clone, PartialEq)]
pub struct IncludeProblem {
    pub kind: IncludeProblemKind,
    /// pip's message where pip has one.
    pub message: String,
    /// The including file and the span of the `-r`/`-c` value.
    pub at: (PathBuf, Span),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeProblemKind {
    /// The file includes one of the files that include it (pip: "…
    /// recursively references itself in …").
    Cycle,
    /// Nested deeper than [`MAX_INCLUDE_DEPTH`].
    TooDeep,
    /// `read` could not read it (pip: "Could not open requirements file").
    Unreadable,
    /// An `http(s):`/`file:` URL: pip fetches it; lint502 does not.
    Remote,
    /// A path outside the checked folders (`crate::contain`): not read.
    Outside,
}

/// `-r`/`-c` chains deeper than this stop (pip has no limit but Python's
/// recursion limit).
pub const MAX_INCLUDE_DEPTH: usize = 32;

/// Every file reached from `root` through `-r`/`-c`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResolvedIncludes {
    /// The root first, then depth-first in file order (pip's order). A file
    /// included twice from different places is listed twice.
    pub files: Vec<IncludedFile>,
    pub problems: Vec<IncludeProblem>,
}

/// Follow `-r` and `-c` from `root` (read as `root_kind`), each path
/// relative to the including file, as pip's `_parse_and_recurse` does.
/// `read` returns a file's id and text, or `None` when it cannot be read.
/// Paths are joined and normalized lexically (pip uses `abspath`).
pub fn resolve_includes(
    root: &Path,
    root_kind: IncludeKind,
    read: &mut dyn FnMut(&Path) -> Option<(FileId, String)>,
) -> ResolvedIncludes {
    resolve_includes_within(root, root_kind, &|_| true, read)
}

/// [`resolve_includes`], reading only paths `inside` accepts: the others are
/// reported ([`IncludeProblemKind::Outside`]) and not read.
pub fn resolve_includes_within(
    root: &Path,
    root_kind: IncludeKind,
    inside: &dyn Fn(&Path) -> bool,
    read: &mut dyn FnMut(&Path) -> Option<(FileId, String)>,
) -> ResolvedIncludes {
    let mut out = ResolvedIncludes::default();
    let root = normalize_path(root);
    out.files.push(IncludedFile {
        path: root.clone(),
        kind: root_kind,
        included_from: None,
        depth: 0,
    });
    // Each file of the current chain, with the file that included it.
    let mut chain: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    chain.insert(root.clone(), None);
    if let Some((id, text)) = read(&root) {
        walk(&root, id, &text, 0, &mut chain, inside, read, &mut out);
    }
    out
}

#[allow(clippy::too_many_arguments)] // the walk's state, passed down the recursion
fn walk(
    path: &Path,
    id: FileId,
    text: &str,
    depth: usize,
    chain: &mut HashMap<PathBuf, Option<PathBuf>>,
    inside: &dyn Fn(&Path) -> bool,
    read: &mut dyn FnMut(&Path) -> Option<(FileId, String)>,
    out: &mut ResolvedIncludes,
) {
    let parsed = parse(id, text);
    let dir = path.parent().unwrap_or(Path::new(""));
    for inc in parsed.includes {
        let at = (path.to_path_buf(), inc.path.span);
        let written = inc.path.value.as_str();
        let problem = |kind, message| IncludeProblem {
            kind,
            message,
            at: at.clone(),
        };
        if matches!(url_scheme(written).as_str(), "http" | "https" | "file") {
            out.problems.push(problem(
                IncludeProblemKind::Remote,
                format!("{written} is a URL: pip fetches it, lint502 does not"),
            ));
            continue;
        }
        let target = normalize_path(&dir.join(written));
        if let Some(first) = chain.get(&target) {
            let tail = first
                .as_ref()
                .map(|f| format!(" and again in {}", f.display()))
                .unwrap_or_default();
            out.problems.push(problem(
                IncludeProblemKind::Cycle,
                format!(
                    "{} recursively references itself in {}{tail}",
                    target.display(),
                    path.display()
                ),
            ));
            continue;
        }
        if depth + 1 > MAX_INCLUDE_DEPTH {
            out.problems.push(problem(
                IncludeProblemKind::TooDeep,
                format!("requirements files nested deeper than {MAX_INCLUDE_DEPTH} levels"),
            ));
            continue;
        }
        if !inside(&target) {
            out.problems.push(problem(
                IncludeProblemKind::Outside,
                format!("{} is outside the checked folders", target.display()),
            ));
            continue;
        }
        let Some((child_id, child_text)) = read(&target) else {
            let what = match inc.kind {
                IncludeKind::Requirement => "requirements",
                IncludeKind::Constraint => "constraint",
            };
            out.problems.push(problem(
                IncludeProblemKind::Unreadable,
                format!("Could not open {what} file: {}", target.display()),
            ));
            continue;
        };
        out.files.push(IncludedFile {
            path: target.clone(),
            kind: inc.kind,
            included_from: Some(at.clone()),
            depth: depth + 1,
        });
        chain.insert(target.clone(), Some(path.to_path_buf()));
        walk(&target, child_id, &child_text, depth + 1, chain, inside, read, out);
        chain.remove(&target);
    }
}

/// Lexical `normpath`: `.` dropped, `..` resolved where possible.
fn normalize_path(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(0);

    fn one(text: &str) -> Requirement {
        let f = parse(F, text);
        assert!(f.errors.is_empty(), "{text:?}: {:?}", f.errors);
        assert_eq!(f.requirements.len(), 1, "{text:?}: {:?}", f.requirements);
        f.requirements[0].clone()
    }
    fn err(text: &str) -> SyntaxError {
        let f = parse(F, text);
        assert_eq!(f.errors.len(), 1, "{text:?}: {f:?}");
        f.errors[0].clone()
    }
    fn at(text: &str, span: Span) -> &str {
        &text[span.range()]
    }
    fn name(r: &Requirement) -> &str {
        r.name.as_ref().map_or("", |n| n.canonical.as_str())
    }
    fn spec(r: &Requirement) -> String {
        r.specifier.as_ref().map(SpecifierSet::normalized).unwrap_or_default()
    }

    // ------------------------------------------------------------ grammar

    #[test]
    fn grammar_splits_args_and_options() {
        use pest::{consumes_to, parses_to};
        parses_to! {
            parser: LineGrammar,
            input: "foo --hash=x",
            rule: Rule::line,
            tokens: [line(0, 12, [args(0, 3), options(4, 12, [words(4, 12, [word(4, 12, [bare(4, 12)])])]), EOI(12, 12)])]
        };
        parses_to! {
            parser: LineGrammar,
            input: "-r 'a b'",
            rule: Rule::line,
            tokens: [line(0, 8, [options(0, 8, [words(0, 8, [
                word(0, 2, [bare(0, 2)]),
                word(3, 8, [single_quoted(3, 8, [single_text(4, 7)])])
            ])]), EOI(8, 8)])]
        };
        parses_to! {
            parser: LineGrammar,
            input: "-r \"x",
            rule: Rule::line,
            tokens: [line(0, 5, [options(0, 5, [unsplittable(0, 5)]), EOI(5, 5)])]
        };
    }

    #[test]
    fn shell_words() {
        let words = |s: &str| match split_line(s) {
            LineParts::Split { words, .. } => words.into_iter().map(|w| w.value).collect::<Vec<_>>(),
            LineParts::Unsplittable { .. } => vec!["<unsplittable>".to_owned()],
        };
        assert_eq!(
            words(r#"-r "a \"b\" \c" x\ y 'q\'"#),
            ["-r", r#"a "b" \c"#, "x y", r"q\"]
        );
        assert_eq!(words("-r ''"), ["-r", ""]);
        assert_eq!(words("-r a\\"), ["<unsplittable>"]);
        assert_eq!(
            words("foo\t--hash=x"),
            Vec::<String>::new(),
            "a tab does not split args from options"
        );
    }

    // -------------------------------------------------------------- names

    #[test]
    fn canonical_names() {
        assert_eq!(canonical_name("Django"), "django");
        assert_eq!(canonical_name("zope.interface"), "zope-interface");
        assert_eq!(canonical_name("Foo__Bar-.baz"), "foo-bar-baz");
        assert_eq!(canonical_name("PIL"), "pil");
    }

    // ----------------------------------------------------- preprocessing

    #[test]
    fn continuation_joins_without_space() {
        let text = "requ\\\nests==2.31.0\n";
        let r = one(text);
        assert_eq!(r.text, "requests==2.31.0");
        let n = r.name.as_ref().unwrap();
        assert_eq!(n.written, "requests");
        assert_eq!(at(text, n.span), "requ\\\nests");
        assert_eq!(r.line, 1);
    }

    #[test]
    fn comment_lines_and_comments() {
        // A comment line ending in a backslash does not continue.
        let f = parse(F, "# note \\\ndjango\n");
        assert_eq!(f.requirements.len(), 1);
        // A continued line whose comment swallows the next line.
        let f = parse(F, "pyyaml # c \\\nswallowed\nsix\n");
        let names: Vec<&str> = f.requirements.iter().map(name).collect();
        assert_eq!(names, ["pyyaml", "six"]);
        assert_eq!(f.comments[0].text, " c swallowed");
        // `#` not after whitespace is not a comment.
        let e = err("pkg#x\n");
        assert!(e.message.starts_with("Invalid requirement: 'pkg#x'"), "{}", e.message);
        let text = "https://h/p-1.0.tar.gz#egg=p  # real\n";
        let f = parse(F, text);
        assert_eq!(name(&f.requirements[0]), "p");
        assert_eq!(at(text, f.comments[0].span), "# real");
    }

    #[test]
    fn leading_and_trailing_backslashes_of_continued_lines() {
        let r = one("\\\\six\\\\\n==1.16.0\n");
        assert_eq!(r.text, "six==1.16.0");
    }

    #[test]
    fn python_line_breaks() {
        let f = parse(F, "a==1\r\nb==2\rc==3\x0cd==4\u{2028}e==5");
        let lines: Vec<(u32, &str)> = f.requirements.iter().map(|r| (r.line, name(r))).collect();
        assert_eq!(lines, [(1, "a"), (2, "b"), (3, "c"), (4, "d"), (5, "e")]);
    }

    #[test]
    fn env_vars_stay_literal_and_are_recorded() {
        let text = "https://${USER_1}:${TOKEN}@h.example/p-1.0.tar.gz\n${lower} $HOME %X%\n";
        let f = parse(F, text);
        let vars: Vec<(&str, &str)> = f.env_vars.iter().map(|v| (v.name.as_str(), at(text, v.span))).collect();
        assert_eq!(vars, [("USER_1", "${USER_1}"), ("TOKEN", "${TOKEN}")]);
        assert!(f.env_vars.iter().all(|v| v.value.is_none()));
        let Target::Url { url, .. } = &f.requirements[0].target else {
            panic!("{:?}", f.requirements[0].target)
        };
        assert!(url.contains("${TOKEN}"));
    }

    #[test]
    fn env_vars_expand_with_an_environment() {
        let text = "${PKG}==1.0\n--index-url https://${HOST}/simple\n${EMPTY}x\n";
        let env = |n: &str| match n {
            "PKG" => Some("requests".to_owned()),
            "HOST" => Some("pypi.example".to_owned()),
            "EMPTY" => Some(String::new()),
            _ => None,
        };
        let f = parse_with_env(F, text, &env);
        let r = &f.requirements[0];
        assert_eq!(name(r), "requests");
        assert_eq!(at(text, r.name.as_ref().unwrap().span), "${PKG}");
        assert_eq!(
            f.options[0].value.as_ref().unwrap().value,
            "https://pypi.example/simple"
        );
        assert_eq!(f.env_vars[2].value, None, "an empty value stays literal");
        assert_eq!(f.errors.len(), 1, "{:?}", f.errors);
    }

    // ----------------------------------------------------------- options

    #[test]
    fn include_spellings() {
        let text = "-r a.txt\n-rb.txt\n--requirement=c.txt\n--requirement d.txt\n--req=e.txt\n-c f.txt\n\
                    --constraint=g.txt\n-r \"h i.txt\"\n";
        let f = parse(F, text);
        let incs: Vec<(&str, IncludeKind)> = f.includes.iter().map(|i| (i.path.value.as_str(), i.kind)).collect();
        use IncludeKind::*;
        assert_eq!(
            incs,
            [
                ("a.txt", Requirement),
                ("b.txt", Requirement),
                ("c.txt", Requirement),
                ("d.txt", Requirement),
                ("f.txt", Constraint),
                ("g.txt", Constraint),
                ("h i.txt", Requirement)
            ]
        );
        assert_eq!(at(text, f.includes[1].path.span), "b.txt");
        assert_eq!(at(text, f.includes[2].path.span), "c.txt");
        assert_eq!(at(text, f.includes[6].path.span), "\"h i.txt\"");
        assert_eq!(
            f.errors[0].message,
            "Invalid requirement: --req=e.txt\npip: error: ambiguous option: --req (--require-hashes, --requirement?)"
        );
        assert_eq!(f.errors[0].line, Some(5));
    }

    #[test]
    fn global_options() {
        let text = "-i https://a/simple\n--extra-index=https://b/simple\n--no-index\n-f/w\n--no-binary :all:\n\
                    --only-binary=lxml\n--prefer-binary\n--require-hashes\n--no-require-hashes\n--pre\n\
                    --all-releases a\n--only-final :all:\n--trusted-host h\n--use-feature=fast-deps\n--pypi-url u\n";
        let f = parse(F, text);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        use OptionKind::*;
        let kinds: Vec<OptionKind> = f.options.iter().map(|o| o.kind).collect();
        assert_eq!(
            kinds,
            [
                IndexUrl,
                ExtraIndexUrl,
                NoIndex,
                FindLinks,
                NoBinary,
                OnlyBinary,
                PreferBinary,
                RequireHashes,
                NoRequireHashes,
                Pre,
                AllReleases,
                OnlyFinal,
                TrustedHost,
                UseFeature,
                IndexUrl
            ]
        );
        assert_eq!(f.options[1].option.value, "--extra-index");
        assert_eq!(at(text, f.options[1].value.as_ref().unwrap().span), "https://b/simple");
        assert_eq!(f.options[3].value.as_ref().unwrap().value, "/w");
        assert_eq!(f.options[2].value, None);
    }

    #[test]
    fn option_errors_in_pips_words() {
        let cases = [
            ("-x", "Invalid requirement: -x\npip: error: no such option: -x"),
            (
                "--bogus",
                "Invalid requirement: --bogus\npip: error: no such option: --bogus",
            ),
            (
                "-r",
                "Invalid requirement: -r\npip: error: -r option requires 1 argument",
            ),
            (
                "--no-index=1",
                "Invalid requirement: --no-index=1\npip: error: --no-index option does not take a value",
            ),
            (
                "--no-binary -x",
                "--no-binary / --only-binary option requires 1 argument.",
            ),
            (
                "--only-final -a",
                "--all-releases / --only-final option requires 1 argument.",
            ),
            ("-r 'x", "Invalid requirement: -r 'x\nCould not split options: -r 'x"),
            (
                "--use-feature=x",
                "Invalid requirement: --use-feature=x\npip: error: option --use-feature: invalid choice: 'x' (choose \
                 from 'fast-deps', 'inprocess-build-deps', 'venv-isolation', 'truststore', \
                 'no-binary-enable-wheel-cache', 'build-constraint')",
            ),
            (
                "a==1 --hash=md5:x",
                "Invalid requirement: a==1 --hash=md5:x\npip: error: Allowed hash algorithms for --hash are sha256, \
                 sha384, sha512.",
            ),
            (
                "a==1 --hash=x",
                "Invalid requirement: a==1 --hash=x\npip: error: Arguments to --hash must be a hash name followed by \
                 a value, like --hash=sha256:abcde...",
            ),
            (
                "a==1 -C x",
                "Invalid requirement: a==1 -C x\npip: error: Arguments to -C must be of the form KEY=VAL",
            ),
        ];
        for (line, message) in cases {
            assert_eq!(err(line).message, message, "{line}");
        }
    }

    #[test]
    fn ignored_options() {
        let text = "a==1 --index-url https://x\n-r x.txt --pre\n--hash=sha256:00\n-e . --hash=sha256:00\n-r a -c b\n";
        let f = parse(F, text);
        let got: Vec<(&str, IgnoredReason)> = f
            .ignored_options
            .iter()
            .map(|o| (o.option.value.as_str(), o.reason))
            .collect();
        use IgnoredReason::*;
        assert_eq!(
            got,
            [
                ("--index-url https://x", OnRequirementLine),
                ("--pre", OnIncludeLine),
                ("--hash=sha256:00", HashWithoutRequirement),
                ("--hash=sha256:00", HashOnEditable),
                ("-c b", Repeated)
            ]
        );
        assert!(f.options.is_empty());
    }

    // -------------------------------------------------------------- PEP 508

    #[test]
    fn pep508_parts_and_spans() {
        let text = "Requests [Socks , Security] ( >=2.8.1, ==2.8.* ) ; python_version >= \"3.8\"";
        let r = one(text);
        let n = r.name.as_ref().unwrap();
        assert_eq!((n.written.as_str(), n.canonical.as_str()), ("Requests", "requests"));
        assert_eq!(at(text, n.span), "Requests");
        let extras: Vec<&str> = r.extras.iter().map(|e| e.value.as_str()).collect();
        assert_eq!(extras, ["Socks", "Security"]);
        let s = r.specifier.as_ref().unwrap();
        assert_eq!(at(text, s.span), ">=2.8.1, ==2.8.*");
        assert_eq!(s.normalized(), "==2.8.*,>=2.8.1");
        assert_eq!(at(text, s.specifiers[1].span), "==2.8.*");
        let m = r.marker.as_ref().unwrap();
        assert_eq!(m.text, "python_version >= \"3.8\"");
        assert_eq!(at(text, m.span), m.text);
        assert_eq!(r.target, Target::Index);
    }

    #[test]
    fn specifier_forms() {
        for (text, want) in [
            ("p===1.0-odd+x", "===1.0-odd+x"),
            ("p==1.0+local.1", "==1.0+local.1"),
            ("p~=1.4.2", "~=1.4.2"),
            ("p!=1.5.*", "!=1.5.*"),
            ("p<=v2!1.0.dev3", "<=v2!1.0.dev3"),
            ("p==1.0rc1.post2.dev3", "==1.0rc1.post2.dev3"),
            ("p>= 1.0 ,", ">=1.0"),
            ("p==1.0-1", "==1.0-1"),
        ] {
            assert_eq!(spec(&one(text)), want, "{text}");
        }
    }

    #[test]
    fn marker_tree_and_normal_form() {
        let r = one("p; os.name == 'nt' and (python_version < \"3\" or extra == \"Foo_Bar\") or \"x\" in extras");
        let m = r.marker.unwrap();
        assert_eq!(
            m.to_string(),
            "os_name == \"nt\" and (python_version < \"3\" or extra == \"foo-bar\") or \"x\" in extras"
        );
        let MarkerExpr::Or(ors) = &m.expr else {
            panic!("{:?}", m.expr)
        };
        assert_eq!(ors.len(), 2);
        let MarkerExpr::And(ands) = &ors[0] else {
            panic!("{:?}", ors[0])
        };
        assert!(matches!(&ands[1], MarkerExpr::Group(..)));
        let MarkerExpr::Compare { lhs, op, rhs, .. } = &ands[0] else {
            panic!()
        };
        assert_eq!(
            lhs,
            &MarkerOperand::Variable(Spanned::new("os_name".into(), Span::new(F, 3, 10)))
        );
        assert_eq!(*op, MarkerOp::Version(Operator::Equal));
        assert!(matches!(rhs, MarkerOperand::Literal(l) if l.value == "nt"));
        assert_eq!(
            one("p; ((os_name == \"a\"))").marker.unwrap().to_string(),
            "os_name == \"a\""
        );
        assert_eq!(
            one("p; python_implementation=='x\\u00e9'").marker.unwrap().to_string(),
            "platform_python_implementation == \"xé\""
        );
        assert_eq!(one("p;").marker, None);
    }

    #[test]
    fn pep508_errors_in_packagings_words() {
        let cases = [
            (
                "foo bar",
                "Invalid requirement: 'foo bar': Expected semicolon (after name with no version specifier) or end",
                "b",
            ),
            (
                "_foo",
                "Invalid requirement: '_foo': Expected package name at the start of dependency specifier",
                "_",
            ),
            (
                "foo>=1.0.*",
                "Invalid requirement: 'foo>=1.0.*': .* suffix can only be used with `==` or `!=` operators",
                ">=1.0.*",
            ),
            (
                "foo==1.0a1.*",
                "Invalid requirement: 'foo==1.0a1.*': .* suffix cannot be used with pre-release, post-release, dev or local versions",
                "==1.0a1.*",
            ),
            (
                "foo>=1+l",
                "Invalid requirement: 'foo>=1+l': Local version label can only be used with `==` or `!=` operators",
                ">=1+",
            ),
            (
                "foo[bar",
                "Invalid requirement: 'foo[bar': Expected matching RIGHT_BRACKET for LEFT_BRACKET, after extras",
                "[bar",
            ),
            (
                "foo (>=1",
                "Invalid requirement: 'foo (>=1': Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier",
                "(>=1",
            ),
            (
                "foo; os_name",
                "Invalid requirement: 'foo': Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in",
                "",
            ),
            (
                "foo; os_name not 'a'",
                "Invalid requirement: 'foo': Expected 'in' after 'not'",
                "'",
            ),
            (
                "foo; os_name == 'a' x",
                "Invalid requirement: 'foo': Expected end of marker expression",
                "x",
            ),
            (
                "foo; os_name == 'a\\x4'",
                "Invalid requirement: 'foo': Invalid quoted string",
                "'a\\x4'",
            ),
            (
                "foo; bogus == 'a'",
                "Invalid requirement: 'foo': Expected a marker variable or quoted string",
                "b",
            ),
            (
                "foo=1.0",
                "Invalid requirement: 'foo=1.0': Expected semicolon (after name with no version specifier) or end\nHint: = is not a valid operator. Did you mean == ?",
                "=",
            ),
            (
                "foo===1,2",
                "Invalid requirement: 'foo===1,2': Invalid specifier: '2'",
                "===1,2",
            ),
            ("foo[a b]", "Expected comma between extra names", "b"),
            (
                "x[platform:dpkg]",
                "Expected matching RIGHT_BRACKET for LEFT_BRACKET, after extras",
                "[platform:",
            ),
        ];
        for (text, message, under) in cases {
            let e = err(text);
            assert_eq!(e.message, message, "{text}");
            assert!(
                at(text, e.span).starts_with(under),
                "{text}: span {:?} is {:?}",
                e.span,
                at(text, e.span)
            );
        }
    }

    #[test]
    fn one_error_per_line_and_the_rest_is_read() {
        let f = parse(F, "good==1\nbad bad\n-x\nalso-good\n");
        let names: Vec<&str> = f.requirements.iter().map(name).collect();
        assert_eq!(names, ["good", "also-good"]);
        let lines: Vec<Option<u32>> = f.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [Some(2), Some(3)]);
    }

    // ------------------------------------------------------- URLs, paths

    #[test]
    fn urls_and_archives() {
        let text = "https://h/p/Foo_Bar-1.0.0-py3-none-any.whl";
        let r = one(text);
        let n = r.name.as_ref().unwrap();
        assert_eq!((n.canonical.as_str(), n.origin), ("foo-bar", NameOrigin::WheelFilename));
        assert_eq!(at(text, n.span), "Foo_Bar-1.0.0-py3-none-any.whl");
        assert_eq!(spec(&r), "==1.0.0");
        let r = one("https://h/p/foo-01.0_rc1-py3-none-any.whl");
        assert_eq!(spec(&r), "==1.0rc1", "pip normalizes the wheel's version");
        let r = one("https://h/p/foo-1.0-1-py3-none-any.whl");
        assert_eq!(spec(&r), "==1.0", "with five parts, the third is the build tag");

        let text = "git+ssh://git@h/o/r.git#egg=Repo_Name&subdirectory=src";
        let r = one(text);
        assert_eq!(at(text, r.name.as_ref().unwrap().span), "Repo_Name");
        assert_eq!(r.name.as_ref().unwrap().origin, NameOrigin::EggFragment);
        let Target::Url { vcs, .. } = &r.target else { panic!() };
        assert_eq!(vcs.as_deref(), Some("git"));

        let r = one("https://h/foo.tar.gz; python_version < \"3.9\"");
        assert!(r.marker.is_some() && r.name.is_none());
        let r = one("https://h/foo.tar.gz;python_version<\"3.9\"");
        assert!(r.marker.is_none(), "a URL needs \"; \" before its marker");

        let r = one("name[x] @ git+https://h/o/n.git@v1 ; python_version >= \"3.8\"");
        assert_eq!((name(&r), r.extras.len(), r.marker.is_some()), ("name", 1, true));
        assert!(
            matches!(&r.target, Target::Url { url, vcs: Some(v), .. } if url == "git+https://h/o/n.git@v1" && v == "git")
        );

        let r = one("file://../rel/project#egg=lost");
        assert_eq!(r.name, None);
        assert!(matches!(&r.target, Target::Url { url, .. } if url == "file:///rel/project"));

        assert_eq!(
            err("https://h/p.tar.gz#egg=p[x]").message,
            "The 'p[x]' egg fragment is invalid"
        );
        assert_eq!(
            err("https://h/bad.whl").message,
            "Invalid wheel filename (wrong number of parts): 'bad'"
        );
        assert_eq!(
            err("https://h/foo-x-py3-none-any.whl").message,
            "Invalid wheel filename (invalid version): 'foo-x-py3-none-any'"
        );
        assert!(
            err("git://h/o/r.git#egg=r")
                .message
                .contains("Hint: It looks like a path.")
        );
    }

    #[test]
    fn local_paths() {
        for (text, archive, named) in [
            (".", false, ""),
            ("./project", false, ""),
            ("../sibling", false, ""),
            ("/abs/project", false, ""),
            ("project/sub", false, ""),
            ("./d/foo-1.0.tar.gz", true, ""),
            ("foo-1.0.tar.gz", true, ""),
            ("d/Foo_Bar-2.0-py2.py3-none-any.whl", true, "foo-bar"),
        ] {
            let r = one(text);
            assert!(
                matches!(&r.target, Target::Path { archive: a, path, .. } if *a == archive && path == text),
                "{text}: {:?}",
                r.target
            );
            assert_eq!(name(&r), named, "{text}");
        }
        let r = one("./project[Dev, test]");
        let extras: Vec<&str> = r.extras.iter().map(|e| e.value.as_str()).collect();
        assert_eq!(extras, ["dev", "test"], "pip lower-cases path extras");
        assert!(matches!(&r.target, Target::Path { path, .. } if path == "./project"));
        // A line that looks like a path but is PEP 508 stays PEP 508.
        let r = one("name @ ./local/name-1.0.tar.gz");
        assert_eq!(name(&r), "name");
        assert!(matches!(&r.target, Target::Url { url, .. } if url == "./local/name-1.0.tar.gz"));
    }

    #[test]
    fn editables() {
        let r = one("-e .");
        assert!(r.editable && matches!(&r.target, Target::Path { path, .. } if path == "."));
        let text = "--editable=./p[Dev]";
        let r = one(text);
        assert_eq!(r.extras[0].value, "dev");
        assert_eq!(at(text, r.span), "./p[Dev]");
        let r = one("-e git://h/o/r.git#egg=old");
        assert!(matches!(&r.target, Target::Url { url, .. } if url == "git+git://h/o/r.git#egg=old"));
        assert_eq!(name(&r), "old");
        let r = one("-e p[x] @ git+https://h/p.git ; python_version >= \"3.8\"");
        // shlex splits the line: only `p[x]` is the editable, the directory `p`.
        assert_eq!((name(&r), r.extras[0].value.as_str()), ("", "x"));
        assert!(matches!(&r.target, Target::Path { path, .. } if path == "p"));
        let r = one("-e \"p[x] @ git+https://h/p.git ; python_version >= '3.8'\"");
        assert_eq!((name(&r), r.marker.is_some()), ("p", true));
        let r = one("-e ./first -e ./second");
        assert!(matches!(&r.target, Target::Path { path, .. } if path == "./first"));
        assert_eq!(
            err("-e git+https://h/r.git").message,
            "Could not detect requirement name for 'git+https://h/r.git', please specify one with your_package_name @ URL"
        );
        assert!(err("-e https://h/p.tar.gz#egg=p").message.starts_with(
            "https://h/p.tar.gz#egg=p is not a valid editable requirement. It should either be a path to a local \
             project or a VCS URL (beginning with bzr+http, "
        ));
        let r = one("-e ./p -C k=v");
        assert_eq!(r.config_settings[0].key, "k");
    }

    #[test]
    fn hashes() {
        let text = "pkg==1.0 \\\n    --hash=sha256:00aa \\\n    --hash sha512:11\n";
        let r = one(text);
        let hashes: Vec<(&str, &str, &str)> = r
            .hashes
            .iter()
            .map(|h| (h.algorithm.as_str(), h.digest.as_str(), at(text, h.span)))
            .collect();
        assert_eq!(
            hashes,
            [
                ("sha256", "00aa", "--hash=sha256:00aa"),
                ("sha512", "11", "--hash sha512:11")
            ]
        );
        assert_eq!(r.text, "pkg==1.0");
    }

    // ---------------------------------------------------------- decoding

    /// Found by fuzzing: extras whose text changes when the path is normalized
    /// (`a//b` → `a/b`) or lowercased (`İ` → `i̇`, one byte longer) gave error
    /// spans computed on the changed text, which could end inside a character.
    #[test]
    fn extras_error_spans_stay_on_characters() {
        let mut errors = 0;
        for line in [
            "€/x[a//b]",
            "./€€[a//b]",
            "-e €/x[a//b]",
            "€/x[a/./b]",
            "./pkg[İ]",
            "./pkg[aİb]",
            "./pkg[İx,]",
            "-e ./pkg[İ]",
            "./pkg[a, İ]",
        ] {
            let f = parse(F, line);
            errors += f.errors.len();
            for e in &f.errors {
                let (a, b) = (e.span.start as usize, e.span.end as usize);
                assert!(
                    a <= b && b <= line.len() && line.is_char_boundary(a) && line.is_char_boundary(b),
                    "{line:?}: span {a}..{b} ({})",
                    e.message
                );
            }
        }
        assert_eq!(errors, 9, "one error per line");
    }

    #[test]
    fn decodes_boms_with_byte_spans() {
        let body = "# x\r\nrequests==2.0\r\n";
        let mut bytes = vec![0xff, 0xfe];
        for u in body.encode_utf16() {
            bytes.extend(u.to_le_bytes());
        }
        let f = parse_bytes(F, &bytes);
        let r = &f.requirements[0];
        let n = r.name.as_ref().unwrap();
        // "requests" starts at character 5 of the body: byte 2 + 2 * 5.
        assert_eq!((n.span.start, n.span.end), (12, 28));
        let mut utf8 = b"\xef\xbb\xbf".to_vec();
        utf8.extend(body.as_bytes());
        let f = parse_bytes(F, &utf8);
        assert_eq!(f.requirements[0].name.as_ref().unwrap().span.start, 8);
        assert_eq!(
            parse(F, "\u{feff}requests").requirements[0]
                .name
                .as_ref()
                .unwrap()
                .span
                .start,
            3
        );
        let latin = b"# -*- coding: latin-1 -*-\ncaf\xe9 # x\nrequests\n";
        let f = parse_bytes(F, latin);
        assert_eq!(f.errors.len(), 1);
        assert_eq!(f.requirements[0].name.as_ref().unwrap().span.start, 35);
    }

    // ---------------------------------------------------------- includes

    #[test]
    fn resolves_includes_relative_with_cycles() {
        let files: HashMap<PathBuf, &str> = [
            (
                "r/base.txt",
                "-r sub/a.txt\n-c c.txt\n-r https://h/x.txt\n-r missing.txt\n",
            ),
            ("r/sub/a.txt", "-r ../base.txt\n-r b.txt\nx\n"),
            ("r/sub/b.txt", "y\n"),
            ("r/c.txt", "-r sub/b.txt\n"),
        ]
        .into_iter()
        .map(|(p, t)| (PathBuf::from(p), t))
        .collect();
        let mut read = |p: &Path| files.get(p).map(|t| (F, (*t).to_owned()));
        let got = resolve_includes(Path::new("r/./base.txt"), IncludeKind::Requirement, &mut read);
        let listed: Vec<(String, IncludeKind, usize)> = got
            .files
            .iter()
            .map(|f| (f.path.display().to_string(), f.kind, f.depth))
            .collect();
        use IncludeKind::*;
        assert_eq!(
            listed,
            [
                ("r/base.txt".into(), Requirement, 0),
                ("r/sub/a.txt".into(), Requirement, 1),
                ("r/sub/b.txt".into(), Requirement, 2),
                ("r/c.txt".into(), Constraint, 1),
                // pip: a -r inside a constraints file gives requirements.
                ("r/sub/b.txt".into(), Requirement, 2),
            ]
        );
        let problems: Vec<IncludeProblemKind> = got.problems.iter().map(|p| p.kind).collect();
        use IncludeProblemKind::*;
        assert_eq!(problems, [Cycle, Remote, Unreadable]);
        assert_eq!(
            got.problems[0].message,
            "r/base.txt recursively references itself in r/sub/a.txt"
        );
    }

    #[test]
    fn include_depth_is_limited() {
        let mut read = |p: &Path| {
            let n: usize = p.file_stem()?.to_str()?.parse().ok()?;
            Some((F, format!("-r {}.txt\n", n + 1)))
        };
        let got = resolve_includes(Path::new("0.txt"), IncludeKind::Requirement, &mut read);
        assert_eq!(got.files.len(), MAX_INCLUDE_DEPTH + 1);
        assert_eq!(got.problems[0].kind, IncludeProblemKind::TooDeep);
    }

    // --------------------------------------------------- public helpers

    #[test]
    fn standalone_parsers() {
        let span = |a: usize, b: usize| Span::new(F, a + 10, b + 10);
        let r = parse_pep508("flask[async]>=2 ; python_version>'3'", &span).unwrap();
        assert_eq!((name(&r), spec(&r).as_str()), ("flask", ">=2"));
        assert_eq!(r.name.unwrap().span, Span::new(F, 10, 15));
        assert!(parse_pep508("./x", &span).is_err());
        let s = parse_specifier_set(">=3.9, <4", &span).unwrap();
        assert_eq!(s.normalized(), "<4,>=3.9");
        assert_eq!(s.specifiers[1].span, Span::new(F, 17, 19));
        assert_eq!(
            parse_specifier_set(">=3.9, ^4", &span).unwrap_err().message,
            "Invalid specifier: '^4'"
        );
        assert!(parse_marker("os_name == 'nt'", &span).is_ok());
        assert!(parse_marker("os_name", &span).is_err());
    }

    #[test]
    fn pep440_normal_forms() {
        for (v, n) in [
            ("1.0", Some("1.0")),
            ("v1.0", Some("1.0")),
            ("01.02", Some("1.2")),
            ("1.0-1", Some("1.0.post1")),
            ("1.0.post", Some("1.0.post0")),
            ("1.0alpha2", Some("1.0a2")),
            ("1.0c1", Some("1.0rc1")),
            ("1.0-dev", Some("1.0.dev0")),
            ("0!1.0+Ab-c_d", Some("1.0+ab.c.d")),
            ("1!2", Some("1!2")),
            ("x", None),
            ("1.0+", None),
            ("1..0", None),
        ] {
            assert_eq!(pep440::normalize(v).as_deref(), n, "{v}");
        }
    }

    // ---------------------------------------------------------- robustness

    #[test]
    fn marker_nesting_is_bounded() {
        let nested = |n: usize| format!("p; {}os_name == 'a'{}", "(".repeat(n), ")".repeat(n));
        assert!(one(&nested(MAX_MARKER_NESTING)).marker.is_some());
        let e = err(&nested(MAX_MARKER_NESTING + 1));
        assert_eq!(
            e.message,
            "Invalid requirement: 'p': marker parentheses nested deeper than 100 levels"
        );
        let f = parse(F, &format!("p; {}", "(".repeat(200_000)));
        assert_eq!(f.errors.len(), 1);
    }

    #[test]
    fn never_panics_and_spans_stay_inside() {
        const ALPHABET: &[&str] = &[
            "a",
            "Z",
            "0",
            "1",
            ".",
            "-",
            "_",
            " ",
            "\t",
            "\n",
            "\r\n",
            "\\",
            "\\\n",
            "#",
            "#egg=",
            "[",
            "]",
            "(",
            ")",
            ",",
            ";",
            "; ",
            "@",
            " @ ",
            "==",
            ">=",
            "~=",
            "===",
            "!=",
            "<",
            ".*",
            "+",
            "'",
            "\"",
            "${A}",
            "${",
            "}",
            "-r",
            "-e ",
            "-c",
            "--hash=sha256:",
            "--hash",
            "-C",
            "--index-url",
            "--no",
            "=",
            "os_name",
            "python_version",
            " and ",
            " or ",
            " not in ",
            "in",
            "extra",
            "é",
            "\u{2028}",
            "\x0c",
            "http://",
            "git+https://",
            "file:",
            "./",
            "../",
            "/",
            ".whl",
            ".tar.gz",
            "-py3-none-any",
            "\u{feff}",
            "\0",
        ];
        for text in crate::text::random_texts(0x9e9, 10_000, 64, ALPHABET) {
            let f = parse(F, &text);
            let env = |_: &str| Some("v a l".to_owned());
            let g = parse_with_env(F, &text, &env);
            let spans = f
                .requirements
                .iter()
                .chain(g.requirements.iter())
                .flat_map(|r| {
                    [
                        Some(r.span),
                        r.name.as_ref().map(|n| n.span),
                        r.specifier.as_ref().map(|s| s.span),
                    ]
                })
                .flatten()
                .chain(f.errors.iter().chain(g.errors.iter()).map(|e| e.span))
                .chain(f.comments.iter().map(|c| c.span))
                .chain(f.env_vars.iter().map(|v| v.span));
            for s in spans {
                assert!(
                    s.start <= s.end && s.end as usize <= text.len(),
                    "{text:?}: span {s:?} outside the text"
                );
                assert!(text.is_char_boundary(s.start as usize) && text.is_char_boundary(s.end as usize));
            }
        }
        for text in crate::text::random_texts(0xb17e5, 3_000, 32, &["\u{ff}", "\u{fe}", "\0", "a", "\n", "é", "\\"]) {
            let bytes: Vec<u8> = text.chars().map(|c| c as u32 as u8).collect();
            let _ = parse_bytes(F, &bytes);
        }
    }
}
