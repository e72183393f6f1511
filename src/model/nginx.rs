//! The Nginx side of the model: every nginx file read (with includes resolved
//! as nginx resolves them), what `nginx -t` would refuse, and the request
//! path: servers, locations, upstreams and the targets of `*_pass`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use crate::model::directives::{Context, Ending, ModuleType, Table, Verdict, child_context};
use crate::parse::SyntaxError;
use crate::parse::nginx::{self, Body, Directive, HANDLER_BLOCKS};
use crate::source::{FileId, SourceDb, SourceFile, Span};

/// Includes nest at most this deep. nginx has no limit of its own: each level
/// holds a file descriptor, so the process's open-file limit (often 1024)
/// ends a runaway chain; lint502 stops well before that.
pub const MAX_INCLUDE_DEPTH: usize = 200;
/// At most this many nginx files are read in one run (include bombs).
pub const MAX_NGINX_FILES: usize = 10_000;
/// A configuration whose includes expand to more statements than this is
/// not expanded further (files included many times over multiply).
pub const MAX_EXPANDED_STATEMENTS: usize = 1_000_000;

/// Blocks inside blocks, across includes, before the walk stops (see `Walk::level`).
pub const MAX_LEVEL_DEPTH: usize = 512;

/// A directive after includes are inlined: its file, itself, and (for a block) the include chain it was
/// read under.
type Flat<'a> = (FileId, &'a Directive, Vec<(FileId, Span)>);

/// Files that nginx packages install next to nginx.conf. A repository often
/// leaves them out; an include of one that is missing from the repository is
/// assumed to be satisfied on the server (Debian's nginx-common and the
/// official nginx image ship these).
pub const STOCK_FILES: &[&str] = &[
    "fastcgi.conf",
    "fastcgi_params",
    "koi-utf",
    "koi-win",
    "mime.types",
    "proxy_params",
    "scgi_params",
    "uwsgi_params",
    "win-utf",
    "snippets/fastcgi-php.conf",
    "snippets/snakeoil.conf",
    "modules-enabled/*.conf",
];

/// How a file entered the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// A main configuration (top-level `http`, `events`, `stream` or `mail`).
    Main,
    /// A file of `server {}`/`upstream {}` blocks, checked in `http` context.
    Site,
    /// A file included by another; checked in its includer's context.
    Included,
    /// A fragment nobody includes; checked in the context where it fits best.
    Snippet,
}

#[derive(Debug, Clone)]
pub struct FileInfo {
    pub id: FileId,
    pub role: Role,
    /// The context its top-level directives were checked in.
    pub context: &'static str,
    /// A main configuration's last top-level `user` directive: its
    /// arguments and the statement's span (None for other files).
    pub user: Option<(Vec<String>, Span)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// `unknown directive "x"`, with the closest known name.
    Unknown { suggestion: Option<&'static str> },
    /// A directive that newer nginx versions removed.
    Removed(&'static crate::model::directives::Removed),
    /// `"x" directive is not allowed here`, with where it is allowed.
    NotAllowed { allowed: Vec<&'static str> },
    /// `directive "x" is not terminated by ";"`.
    NotTerminated,
    /// `directive "x" has no opening "{"`.
    NoOpeningBrace,
    /// `invalid number of arguments in "x" directive`.
    InvalidArgs { given: usize, expected: String },
}

/// What nginx's directive handler would refuse.
#[derive(Debug, Clone)]
pub struct DirectiveProblem {
    pub kind: ProblemKind,
    pub name: String,
    /// The directive name.
    pub span: Span,
    /// The whole statement up to `;` or `{`.
    pub statement: Span,
    /// The `;`/`{` (nginx reports the line of this byte).
    pub terminator: Span,
    pub context: &'static str,
}

impl DirectiveProblem {
    /// What `nginx -t` prints for this problem (without ` in file:line`).
    pub fn nginx_message(&self) -> String {
        let n = &self.name;
        match &self.kind {
            ProblemKind::Unknown { .. } | ProblemKind::Removed(_) => format!("unknown directive \"{n}\""),
            ProblemKind::NotAllowed { .. } => format!("\"{n}\" directive is not allowed here"),
            ProblemKind::NotTerminated => format!("directive \"{n}\" is not terminated by \";\""),
            ProblemKind::NoOpeningBrace => format!("directive \"{n}\" has no opening \"{{\""),
            ProblemKind::InvalidArgs { .. } => format!("invalid number of arguments in \"{n}\" directive"),
        }
    }
}

#[derive(Debug, Clone)]
pub enum IncludeProblem {
    /// A literal include path that does not exist.
    Missing {
        span: Span,
        value: String,
        looked_at: PathBuf,
    },
    /// A file that includes itself, directly or through others.
    Cycle {
        span: Span,
        value: String,
        chain: Vec<Span>,
    },
    /// Nesting deeper than [`MAX_INCLUDE_DEPTH`].
    TooDeep { span: Span },
    /// A path outside the checked folders (`crate::contain`): not read.
    /// `absolute`: an absolute path that no `--nginx-prefix`/detected prefix
    /// maps into the repository (else a relative path that climbs out, or a
    /// symlink that points out).
    Outside {
        span: Span,
        value: String,
        path: PathBuf,
        absolute: bool,
    },
    /// Expansion beyond [`MAX_EXPANDED_STATEMENTS`].
    TooLarge { span: Span },
    /// The file exists but could not be read.
    Unreadable { span: Span, path: PathBuf, error: String },
}

/// Where a request is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Tcp {
        host: String,
        port: u16,
    },
    Unix {
        path: String,
    },
    /// The address contains variables: known only at request time.
    Variable,
}

#[derive(Debug, Clone)]
pub struct Listen {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Server {
    pub span: Span,
    pub listens: Vec<Listen>,
    pub names: Vec<(String, Span)>,
    pub locations: Vec<usize>,
}

/// An effective setting: the directive occurrences that apply at a level,
/// after nginx's inheritance (a level that sets a directive replaces what it
/// inherits; several occurrences at one level accumulate, as with
/// `proxy_set_header`).
#[derive(Debug, Clone)]
pub struct Setting {
    pub values: Vec<(Vec<String>, Span)>,
    depth: usize,
}

pub type Settings = BTreeMap<String, Setting>;

#[cfg(test)]
impl Setting {
    /// A setting made in a test, as if written at the top level.
    pub(crate) fn of(values: Vec<(Vec<String>, Span)>) -> Setting {
        Setting { values, depth: 0 }
    }
}

#[derive(Debug, Clone)]
pub struct Location {
    pub server: usize,
    pub modifier: Option<String>,
    pub path: String,
    pub span: Span,
    /// Effective settings in this location (http → server → location).
    pub settings: Settings,
}

#[derive(Debug, Clone)]
pub struct UpstreamServer {
    pub endpoint: Endpoint,
    pub value: String,
    pub span: Span,
    /// The parameters after the address (`weight=2`, `down`, `backup`, …).
    pub params: Vec<String>,
    /// The whole `server …;` statement.
    pub statement: Span,
}

#[derive(Debug, Clone)]
pub struct Upstream {
    pub name: String,
    pub span: Span,
    pub name_span: Span,
    pub servers: Vec<UpstreamServer>,
    /// The other directives of the block (`keepalive 16`,
    /// `keepalive_timeout 75s`, `least_conn`): name, arguments, statement.
    pub directives: Vec<(String, Vec<String>, Span)>,
    pub stream: bool,
    /// The nginx instance it belongs to: the configuration prefix its file
    /// was read under. A repository may hold several deployments; names
    /// resolve within one.
    pub group: PathBuf,
}

/// Where a `*_pass` sends requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetKind {
    /// An `upstream` block, by index.
    Upstream(usize),
    /// A host/port or socket written in place.
    Direct(Endpoint),
}

#[derive(Debug, Clone)]
pub struct Target {
    /// `proxy_pass`, `uwsgi_pass`, `fastcgi_pass`, `grpc_pass`, `scgi_pass`.
    pub directive: String,
    pub value: String,
    pub span: Span,
    /// The location it sits in (None: `if`/`limit_except` outside the model,
    /// or stream `server`).
    pub location: Option<usize>,
    pub scheme: Option<String>,
    /// The host part as written (upstream name or host), without port.
    pub host: String,
    pub port: Option<u16>,
    /// Resolved once all upstreams are known.
    pub kind: TargetKind,
    /// The nginx instance it belongs to (see [`Upstream::group`]).
    pub group: PathBuf,
}

#[derive(Debug, Default)]
pub struct NginxModel {
    pub files: Vec<FileInfo>,
    pub syntax_errors: Vec<(FileId, SyntaxError)>,
    pub problems: Vec<DirectiveProblem>,
    pub include_problems: Vec<IncludeProblem>,
    pub servers: Vec<Server>,
    pub locations: Vec<Location>,
    /// The merged settings of each http `server` block, with its span:
    /// nginx merges the http level into each server and checks the result
    /// (`ngx_http_merge_servers`), as it does for each location.
    pub levels: Vec<(Span, Settings)>,
    pub upstreams: Vec<Upstream>,
    pub targets: Vec<Target>,
    /// Absolute roots mapped into the repository (`/etc/nginx` → `deploy/nginx`).
    pub prefix_map: Vec<(PathBuf, PathBuf)>,
    /// Variables the configuration defines (without `$`): by `set` (with the
    /// literal value when it has no variables), or by `map`, `geo`,
    /// `split_clients` (value decided per request: None).
    pub defined_vars: Vec<(String, Option<String>)>,
    /// Read errors for files that were discovered but could not be read.
    pub read_errors: Vec<(PathBuf, String)>,
}

/// Options that change how includes resolve.
#[derive(Debug, Clone, Default)]
pub struct NginxOptions {
    /// The folder that plays `/etc/nginx` (overrides detection).
    pub prefix: Option<PathBuf>,
    /// The nginx version the deployment runs (`--nginx-version`; default:
    /// detected, see [`crate::model::nginx_version`]).
    pub version: Option<String>,
}

/// Outcome of resolving one `include`.
#[derive(Debug, Clone)]
enum Resolved {
    /// Shared: a glob that thousands of files include is one list, not thousands of copies.
    Files(Rc<[FileId]>),
    /// Not read: outside the repository, a stock file, or a glob with no match.
    Nothing,
    Missing(PathBuf),
    Unreadable(PathBuf, String),
}

/// Read and parse every nginx file, follow includes, check directives and
/// build the request path.
pub fn build(
    db: &mut SourceDb,
    discovered: &[PathBuf],
    opts: &NginxOptions,
    roots: &crate::contain::Roots,
) -> NginxModel {
    let mut b = Builder::new(roots.clone());
    let mut ids = Vec::new();
    for path in discovered {
        match b.load(db, path) {
            Ok(id) => ids.push(id),
            Err(e) => b.model.read_errors.push((path.clone(), e)),
        }
    }
    b.model.prefix_map = match &opts.prefix {
        Some(p) => vec![(PathBuf::from("/etc/nginx"), p.clone())],
        None => b.detect_prefix_map(db, &ids),
    };

    // Main configurations first: their includes decide the context of the
    // files they pull in.
    let mains: Vec<FileId> = ids.iter().copied().filter(|id| b.is_main(*id)).collect();
    for &id in &mains {
        let prefix = db.get(id).path.parent().map(Path::to_path_buf).unwrap_or_default();
        b.load_closure(db, id, &prefix);
        b.check_root(id, Role::Main, Context::MAIN, &prefix);
    }
    for &id in &mains {
        let prefix = db.get(id).path.parent().map(Path::to_path_buf).unwrap_or_default();
        b.cover_reachable(id, &prefix);
    }
    for &id in &ids {
        if b.covered.contains(&id) {
            continue;
        }
        let prefix = b.site_prefix(db, id);
        b.load_closure(db, id, &prefix);
        if b.is_site(id) {
            b.check_root(id, Role::Site, Context::HTTP, &prefix);
            b.cover_reachable(id, &prefix);
        }
    }
    for &id in &ids {
        if b.covered.contains(&id) {
            continue;
        }
        let prefix = b.site_prefix(db, id);
        // A fragment nobody includes: check it where it fits best (fewest
        // "not allowed here"), trying http, server, location in that order,
        // as the corpus ground truth does (nginx-syntax.tsv `wrap`).
        let best = [Context::HTTP, Context::SERVER, Context::LOCATION]
            .into_iter()
            .min_by_key(|cx| b.count_not_allowed(id, *cx, &prefix))
            .unwrap_or(Context::HTTP);
        b.check_root(id, Role::Snippet, best, &prefix);
    }
    b.resolve_targets();
    b.model
}

struct Builder {
    asts: HashMap<FileId, nginx::File>,
    by_path: HashMap<PathBuf, FileId>,
    /// (include argument span, prefix) → what it resolves to.
    resolved: HashMap<(Span, PathBuf), Resolved>,
    model: NginxModel,
    seen_problems: HashSet<(Span, String)>,
    covered: HashSet<FileId>,
    /// Glob pattern → what it resolves to, listed and loaded once however many files include it.
    globs: HashMap<String, (Resolved, Option<(PathBuf, bool)>)>,
    /// Prefix → files whose includes `load_closure` has followed under it.
    closed: HashMap<PathBuf, HashSet<FileId>>,
    /// The folders includes may read from (`crate::contain`).
    roots: crate::contain::Roots,
    /// Include statements already reported as reaching outside `roots`.
    outside_reported: HashSet<Span>,
}

/// The walk's output for one level, used to count problems in dry runs.
struct Walk<'a> {
    asts: &'a HashMap<FileId, nginx::File>,
    resolved: &'a HashMap<(Span, PathBuf), Resolved>,
    prefix: &'a Path,
    problems: Vec<DirectiveProblem>,
    include_problems: Vec<IncludeProblem>,
    included: Vec<(FileId, &'static str)>,
    servers: Vec<Server>,
    locations: Vec<Location>,
    levels: Vec<(Span, Settings)>,
    upstreams: Vec<Upstream>,
    targets: Vec<Target>,
    defined_vars: Vec<(String, Option<String>)>,
    /// Files currently being included (cycle detection), with the include span.
    stack: Vec<(FileId, Span)>,
    /// Statements expanded so far (see [`MAX_EXPANDED_STATEMENTS`]).
    expanded: usize,
    /// Include statements that already have a problem (one each).
    reported: HashSet<Span>,
}

/// What a block belongs to, for model facts.
#[derive(Clone, Copy)]
enum Owner {
    None,
    Server(usize),
    Location(usize, usize),
    Upstream(usize),
}

impl Builder {
    fn new(roots: crate::contain::Roots) -> Builder {
        Builder {
            asts: HashMap::new(),
            by_path: HashMap::new(),
            resolved: HashMap::new(),
            model: NginxModel::default(),
            seen_problems: HashSet::new(),
            covered: HashSet::new(),
            globs: HashMap::new(),
            closed: HashMap::new(),
            roots,
            outside_reported: HashSet::new(),
        }
    }

    fn load(&mut self, db: &mut SourceDb, path: &Path) -> Result<FileId, String> {
        let canon = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if let Some(id) = self.by_path.get(&canon) {
            return Ok(*id);
        }
        if self.asts.len() >= MAX_NGINX_FILES {
            return Err(format!("more than {MAX_NGINX_FILES} nginx files; not read"));
        }
        let bytes = crate::source::read_bounded(path)?;
        let display = crate::source::display_path(path);
        let id = db.add(SourceFile::new(path.to_path_buf(), display, bytes));
        let ast = match crate::source::utf16_bom(&db.get(id).bytes) {
            // nginx reads bytes: the mark and the first letter make its first
            // word (observed with nginx 1.22.1: `unknown directive "\xFF\xFEs"`).
            // Reading the rest as nginx statements only adds noise.
            Some(encoding) => {
                let first = db.get(id).bytes.get(2).copied().filter(u8::is_ascii_graphic);
                let word = first.map(|b| (b as char).to_string()).unwrap_or_default();
                let mark = if encoding == "UTF-16 LE" {
                    "\\xFF\\xFE"
                } else {
                    "\\xFE\\xFF"
                };
                nginx::File {
                    directives: Vec::new(),
                    error: Some(crate::parse::SyntaxError {
                        message: format!(
                            "unknown directive \"{mark}{word}\" (the file is {encoding} text; nginx reads bytes: save it as UTF-8)"
                        ),
                        span: crate::source::Span::new(id, 0, 2),
                        line: None,
                    }),
                    ..Default::default()
                }
            }
            None => nginx::parse(id, &db.get(id).text),
        };
        if let Some(e) = &ast.error {
            self.model.syntax_errors.push((id, e.clone()));
        }
        self.asts.insert(id, ast);
        self.by_path.insert(canon, id);
        Ok(id)
    }

    fn top(&self, id: FileId) -> &[Directive] {
        self.asts.get(&id).map(|f| f.directives.as_slice()).unwrap_or(&[])
    }

    /// The last top-level `user` directive of a file (nginx's workers run
    /// as it; `socket_perm::nginx_users`).
    fn user_of(&self, id: FileId) -> Option<(Vec<String>, Span)> {
        self.top(id)
            .iter()
            .rev()
            .find(|d| d.name() == "user")
            .map(|d| (d.args.iter().map(|a| a.value.clone()).collect(), d.span))
    }

    fn is_main(&self, id: FileId) -> bool {
        self.top(id)
            .iter()
            .any(|d| d.block.is_some() && matches!(d.name(), "http" | "events" | "stream" | "mail"))
    }

    fn is_site(&self, id: FileId) -> bool {
        self.top(id).iter().any(|d| d.block.is_some() && d.name() == "server")
    }

    /// The prefix for a file that no main configuration includes: the folder
    /// that plays /etc/nginx when one was found, else the parent of a
    /// `sites-*`/`conf.d`/`snippets` folder, else the file's own folder.
    fn site_prefix(&self, db: &SourceDb, id: FileId) -> PathBuf {
        let path = &db.get(id).path;
        // The nearest folder above the file that looks like an nginx prefix
        // (holds nginx.conf, mime.types, conf.d/, snippets/ or sites-*/): a
        // repository may hold several deployments, each with its own.
        for dir in path.ancestors().skip(1).take(3) {
            let looks = ["nginx.conf", "mime.types"].iter().any(|f| dir.join(f).is_file())
                || ["conf.d", "snippets", "sites-available", "sites-enabled"]
                    .iter()
                    .any(|d| dir.join(d).is_dir());
            if looks {
                return dir.to_path_buf();
            }
        }
        if let Some(dir) = self.map_path("/etc/nginx", Path::new("")) {
            return dir;
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if matches!(name, "sites-available" | "sites-enabled" | "conf.d" | "snippets") {
            return dir.parent().unwrap_or(dir).to_path_buf();
        }
        dir.to_path_buf()
    }

    /// Find which repository folder plays each absolute root that includes
    /// name (`/etc/nginx`, `/config/nginx`, …): for every absolute include,
    /// every candidate folder votes for the split root/rest where
    /// `folder/rest` exists; the folder with most votes wins the root.
    fn detect_prefix_map(&self, db: &SourceDb, ids: &[FileId]) -> Vec<(PathBuf, PathBuf)> {
        let mut candidates: Vec<PathBuf> = Vec::new();
        for id in ids {
            let mut p = db.get(*id).path.parent();
            for _ in 0..3 {
                let Some(dir) = p else { break };
                if !candidates.iter().any(|c| c == dir) {
                    candidates.push(dir.to_path_buf());
                }
                p = dir.parent();
            }
        }
        let mut votes: HashMap<(PathBuf, PathBuf), usize> = HashMap::new();
        // Each candidate path is looked up once: thousands of files that include the same glob would otherwise
        // list and sort its folder once each (tests/hostile.rs, include bomb).
        let mut seen: HashMap<PathBuf, bool> = HashMap::new();
        let mut patterns: HashMap<String, Option<glob::Pattern>> = HashMap::new();
        let mut path_matches = |p: PathBuf| *seen.entry(p).or_insert_with_key(|p| path_matches(p, &mut patterns));
        for id in ids {
            let mut values = Vec::new();
            collect_includes(self.top(*id), &mut values);
            for v in values {
                let p = Path::new(&v);
                if !p.is_absolute() {
                    // Relative includes of site files resolve against the
                    // prefix: they vote for the folder playing /etc/nginx.
                    if !self.is_main(*id) {
                        for c in &candidates {
                            if path_matches(c.join(p)) {
                                *votes.entry((PathBuf::from("/etc/nginx"), c.clone())).or_default() += 1;
                            }
                        }
                    }
                    continue;
                }
                // The longest tail of the path that exists under some
                // candidate decides the root: `/etc/nginx/sites-enabled/*`
                // found as `deploy/nginx/sites-enabled/*` maps `/etc/nginx`.
                let comps: Vec<Component> = p.components().collect();
                for k in 2..comps.len() {
                    let root: PathBuf = comps[..k].iter().collect();
                    let rest: PathBuf = comps[k..].iter().collect();
                    // A lone wildcard (`*.conf`) matches too much to say
                    // which folder is meant: it needs a folder or a literal
                    // file name to vote.
                    if comps.len() - k == 1 && rest.to_string_lossy().contains(['*', '?', '[']) {
                        break;
                    }
                    let hits: Vec<&PathBuf> = candidates.iter().filter(|c| path_matches(c.join(&rest))).collect();
                    if hits.is_empty() {
                        continue;
                    }
                    // Vote for the most specific root: `/etc` → `repo` found
                    // through `nginx/conf.d/x.conf` is really `/etc/nginx` →
                    // `repo/nginx` (so `/etc/letsencrypt/…` stays outside).
                    // The last two components stay in the rest.
                    let extra: Vec<Component> = comps[k..comps.len().saturating_sub(2).max(k)].to_vec();
                    let mut root = root;
                    for e in &extra {
                        root.push(e);
                    }
                    for c in hits {
                        let mut dir = c.clone();
                        for e in &extra {
                            dir.push(e);
                        }
                        *votes.entry((root.clone(), dir)).or_default() += 1;
                    }
                    break;
                }
            }
        }
        let mut best: BTreeMap<PathBuf, (usize, PathBuf)> = BTreeMap::new();
        for ((root, dir), n) in votes {
            let e = best.entry(root).or_insert((0, dir.clone()));
            let shorter = dir.components().count() < e.1.components().count();
            if n > e.0 || (n == e.0 && (shorter || (dir.components().count() == e.1.components().count() && dir < e.1)))
            {
                *e = (n, dir);
            }
        }
        // Prefer the most specific root for each folder (`/etc/nginx` over `/etc`).
        let mut out: Vec<(PathBuf, PathBuf)> = best.into_iter().map(|(r, (_, d))| (r, d)).collect();
        out.sort_by(|a, b| {
            b.0.components()
                .count()
                .cmp(&a.0.components().count())
                .then(a.0.cmp(&b.0))
        });
        let mut kept: Vec<(PathBuf, PathBuf)> = Vec::new();
        for (root, dir) in out {
            if kept.iter().any(|(r, d)| r.starts_with(&root) && *d == dir) {
                continue;
            }
            kept.push((root, dir));
        }
        kept
    }

    /// Map an include argument to a path on disk, or None when it points
    /// outside the repository.
    fn map_path(&self, value: &str, prefix: &Path) -> Option<PathBuf> {
        let p = Path::new(value);
        if !p.is_absolute() {
            return Some(prefix.join(p));
        }
        for (root, dir) in &self.model.prefix_map {
            if let Ok(rest) = p.strip_prefix(root) {
                return Some(dir.join(rest));
            }
        }
        None
    }

    /// What an include argument resolves to, and the first path it names
    /// that lies outside the checked folders (not read; see `crate::contain`).
    fn resolve(&mut self, db: &mut SourceDb, value: &str, prefix: &Path) -> (Resolved, Option<(PathBuf, bool)>) {
        let rel = Path::new(value);
        let stock = STOCK_FILES.iter().any(|s| rel.ends_with(s) || value.ends_with(s));
        let Some(path) = self.map_path(value, prefix) else {
            // An absolute path no prefix maps into the repository: a file of
            // the server, not of the repository. Stock files go unsaid.
            // A glob there may match nothing (nginx accepts that), so only a literal path is said.
            let is_glob = value.contains(['*', '?', '[']);
            let outside = (!stock && !is_glob && !self.roots.is_unbounded()).then(|| (rel.to_path_buf(), true));
            return (Resolved::Nothing, outside);
        };
        let is_glob = value.contains(['*', '?', '[']);
        if is_glob {
            let pattern = path.to_string_lossy().into_owned();
            if let Some(r) = self.globs.get(&pattern) {
                return r.clone();
            }
            // The folder part of the pattern must be inside before anything is listed.
            let dir: PathBuf = path
                .components()
                .take_while(|c| !c.as_os_str().to_string_lossy().contains(['*', '?', '[']))
                .collect();
            if !self.roots.contains(&dir) {
                let r = (Resolved::Nothing, Some((path.clone(), false)));
                self.globs.insert(pattern, r.clone());
                return r;
            }
            let mut matches: Vec<PathBuf> = match glob::glob(&pattern) {
                Ok(paths) => paths.filter_map(Result::ok).filter(|p| p.is_file()).collect(),
                Err(_) => Vec::new(),
            };
            // nginx sorts glob matches (glob(3) without GLOB_NOSORT).
            matches.sort();
            let mut ids = Vec::new();
            let mut unreadable = None;
            let mut outside = None;
            for m in matches {
                if !self.roots.contains(&m) {
                    outside.get_or_insert((m, false));
                    continue;
                }
                match self.load(db, &m) {
                    Ok(id) => ids.push(id),
                    Err(e) => {
                        unreadable = Some(Resolved::Unreadable(m, e));
                        break;
                    }
                }
            }
            let r = unreadable.unwrap_or_else(|| Resolved::Files(ids.into()));
            self.globs.insert(pattern, (r.clone(), outside.clone()));
            return (r, outside);
        }
        // Checked before the file is looked at: whether a file outside exists is not ours to learn.
        if !self.roots.contains(&path) {
            return (Resolved::Nothing, Some((path, false)));
        }
        if !path.exists() {
            return if stock {
                (Resolved::Nothing, None)
            } else {
                (Resolved::Missing(path), None)
            };
        }
        match self.load(db, &path) {
            Ok(id) => (Resolved::Files(Rc::from([id])), None),
            Err(e) => (Resolved::Unreadable(path, e), None),
        }
    }

    /// Read every file reachable through includes from `root`.
    fn load_closure(&mut self, db: &mut SourceDb, root: FileId, prefix: &Path) {
        // A file closed before under this prefix has its whole closure loaded already.
        let mut closed = self.closed.remove(prefix).unwrap_or_default();
        let mut todo = vec![root];
        // Each resolved list is queued once: an include bomb (every file including the glob that matches them
        // all) costs one pass over the list, not one per file.
        let mut queued: HashSet<*const FileId> = HashSet::new();
        while let Some(id) = todo.pop() {
            if !closed.insert(id) {
                continue;
            }
            let mut incs = Vec::new();
            collect_include_spans(self.top(id), &mut incs);
            for (span, value) in incs {
                let key = (span, prefix.to_path_buf());
                if self.resolved.contains_key(&key) {
                    if let Some(Resolved::Files(ids)) = self.resolved.get(&key)
                        && queued.insert(ids.as_ptr())
                    {
                        todo.extend(ids.iter().copied().filter(|i| !closed.contains(i)));
                    }
                    continue;
                }
                let (r, outside) = self.resolve(db, &value, prefix);
                if let Some((path, absolute)) = outside
                    && self.outside_reported.insert(span)
                {
                    self.model.include_problems.push(IncludeProblem::Outside {
                        span,
                        value: value.clone(),
                        path,
                        absolute,
                    });
                }
                if let Resolved::Files(ids) = &r
                    && queued.insert(ids.as_ptr())
                {
                    todo.extend(ids.iter().copied().filter(|i| !closed.contains(i)));
                }
                self.resolved.insert(key, r);
            }
        }
        self.closed.insert(prefix.to_path_buf(), closed);
    }

    /// Every file the includes of `root` reach under `prefix` (after `load_closure`), each list once.
    fn reachable(&self, root: FileId, prefix: &Path) -> Vec<FileId> {
        let mut seen = HashSet::from([root]);
        let mut queued: HashSet<*const FileId> = HashSet::new();
        let mut todo = vec![root];
        let mut out = Vec::new();
        while let Some(id) = todo.pop() {
            let mut incs = Vec::new();
            collect_include_spans(self.top(id), &mut incs);
            for (span, _) in incs {
                if let Some(Resolved::Files(ids)) = self.resolved.get(&(span, prefix.to_path_buf()))
                    && queued.insert(ids.as_ptr())
                {
                    for &f in ids.iter() {
                        if seen.insert(f) {
                            out.push(f);
                            todo.push(f);
                        }
                    }
                }
            }
        }
        out
    }

    /// Files the includes of `root` reach but the walk did not expand (it stopped at a limit) are included all
    /// the same: they are not roots of their own, and must not each be walked again.
    fn cover_reachable(&mut self, root: FileId, prefix: &Path) {
        for f in self.reachable(root, prefix) {
            if self.covered.insert(f) {
                self.model.files.push(FileInfo {
                    id: f,
                    role: Role::Included,
                    context: "unchecked",
                    user: None,
                });
            }
        }
    }

    /// Check a file that no other includes, as `role`, from context `cx`.
    fn check_root(&mut self, id: FileId, role: Role, cx: Context, prefix: &Path) {
        let user = (role == Role::Main).then(|| self.user_of(id)).flatten();
        self.model.files.push(FileInfo {
            id,
            role,
            context: cx.describe(),
            user,
        });
        self.covered.insert(id);
        self.walk_root(id, Some(cx), prefix);
    }

    fn walk_root(&mut self, id: FileId, cx: Option<Context>, prefix: &Path) {
        let w = Walk::run(&self.asts, &self.resolved, prefix, id, cx);
        let Walk {
            problems,
            include_problems,
            included,
            servers,
            locations,
            levels,
            upstreams,
            targets,
            defined_vars,
            ..
        } = w;
        self.model.levels.extend(levels);
        for v in defined_vars {
            if !self.model.defined_vars.contains(&v) {
                self.model.defined_vars.push(v);
            }
        }
        for (f, context) in included {
            if self.covered.insert(f) {
                self.model.files.push(FileInfo {
                    id: f,
                    role: Role::Included,
                    context,
                    user: None,
                });
            }
        }
        for p in problems {
            if self
                .seen_problems
                .insert((p.span, p.name.clone() + "\u{0}" + &format!("{:?}", p.kind)))
            {
                self.model.problems.push(p);
            }
        }
        for p in include_problems {
            let span = match &p {
                IncludeProblem::Missing { span, .. }
                | IncludeProblem::Cycle { span, .. }
                | IncludeProblem::TooDeep { span }
                | IncludeProblem::Outside { span, .. }
                | IncludeProblem::TooLarge { span }
                | IncludeProblem::Unreadable { span, .. } => *span,
            };
            if self.seen_problems.insert((span, "include".into())) {
                self.model.include_problems.push(p);
            }
        }
        // Offset indices of the walk's facts into the model's vectors.
        let (s0, l0, u0) = (
            self.model.servers.len(),
            self.model.locations.len(),
            self.model.upstreams.len(),
        );
        for mut s in servers {
            for l in &mut s.locations {
                *l += l0;
            }
            self.model.servers.push(s);
        }
        for mut l in locations {
            l.server += s0;
            self.model.locations.push(l);
        }
        for mut t in targets {
            if let Some(l) = &mut t.location {
                *l += l0;
            }
            if let TargetKind::Upstream(u) = &mut t.kind {
                *u += u0;
            }
            self.model.targets.push(t);
        }
        self.model.upstreams.extend(upstreams);
    }

    fn count_not_allowed(&self, id: FileId, cx: Context, prefix: &Path) -> usize {
        let w = Walk::run(&self.asts, &self.resolved, prefix, id, Some(cx));
        w.problems
            .iter()
            .filter(|p| matches!(p.kind, ProblemKind::NotAllowed { .. }))
            .count()
    }

    /// Targets name upstreams that may be defined anywhere in `http`, before
    /// or after the server that uses them.
    fn resolve_targets(&mut self) {
        let by_name: HashMap<(&Path, &str, bool), usize> = self
            .model
            .upstreams
            .iter()
            .enumerate()
            .map(|(i, u)| ((u.group.as_path(), u.name.as_str(), u.stream), i))
            .collect();
        for t in &mut self.model.targets {
            // `upstream backend` + `proxy_pass http://backend:8000` is not a
            // reference to the upstream (nginx: `upstream "backend" may not
            // have port 8000`), so only port-less names resolve.
            if t.port.is_some() {
                continue;
            }
            let stream = t.location.is_none() && t.directive == "proxy_pass" && t.scheme.is_none();
            if let Some(i) = by_name.get(&(t.group.as_path(), t.host.as_str(), stream)) {
                t.kind = TargetKind::Upstream(*i);
            }
        }
    }
}

impl<'a> Walk<'a> {
    /// Walk one root file, checking directives in `cx` (None: no checks).
    fn run(
        asts: &'a HashMap<FileId, nginx::File>,
        resolved: &'a HashMap<(Span, PathBuf), Resolved>,
        prefix: &'a Path,
        id: FileId,
        cx: Option<Context>,
    ) -> Walk<'a> {
        let mut w = Walk {
            asts,
            resolved,
            prefix,
            problems: Vec::new(),
            include_problems: Vec::new(),
            included: Vec::new(),
            servers: Vec::new(),
            locations: Vec::new(),
            levels: Vec::new(),
            upstreams: Vec::new(),
            targets: Vec::new(),
            defined_vars: Vec::new(),
            stack: vec![(id, Span::default())],
            expanded: 0,
            reported: HashSet::new(),
        };
        let items: Vec<(FileId, &Directive)> = w.top(id).iter().map(|d| (id, d)).collect();
        w.level(items, cx, &Settings::new(), 0, Owner::None);
        w
    }

    fn top(&self, id: FileId) -> &'a [Directive] {
        self.asts.get(&id).map(|f| f.directives.as_slice()).unwrap_or(&[])
    }

    /// Expand includes at one level (nginx reads included files in place),
    /// checking each directive in `cx` on the way.
    fn flatten(&mut self, items: Vec<(FileId, &'a Directive)>, cx: Option<Context>, out: &mut Vec<Flat<'a>>) {
        for (file, d) in items {
            if let Some(cx) = cx {
                self.check(cx, d);
            }
            if d.name() == "include" && d.block.is_none() && d.args.len() == 1 {
                let arg = &d.args[0];
                let key = (arg.span, self.prefix.to_path_buf());
                match self.resolved.get(&key) {
                    Some(Resolved::Files(ids)) => {
                        for &inc in ids.iter() {
                            // Every inclusion considered counts, refused ones too, and each include statement
                            // reports one problem: a glob that thousands of files include again stays bounded
                            // (tests/hostile.rs, include bomb).
                            self.expanded += 1;
                            if self.expanded > MAX_EXPANDED_STATEMENTS {
                                if self.reported.insert(arg.span) {
                                    self.include_problems.push(IncludeProblem::TooLarge { span: arg.span });
                                }
                                break;
                            }
                            if let Some(pos) = self.stack.iter().position(|(f, _)| *f == inc) {
                                if self.reported.insert(arg.span) {
                                    let chain = self.stack[pos + 1..].iter().map(|(_, s)| *s).collect();
                                    self.include_problems.push(IncludeProblem::Cycle {
                                        span: arg.span,
                                        value: arg.value.clone(),
                                        chain,
                                    });
                                }
                                continue;
                            }
                            if self.stack.len() > MAX_INCLUDE_DEPTH {
                                if self.reported.insert(arg.span) {
                                    self.include_problems.push(IncludeProblem::TooDeep { span: arg.span });
                                }
                                continue;
                            }
                            let cost = count_statements(self.top(inc));
                            if self.expanded + cost > MAX_EXPANDED_STATEMENTS {
                                if self.reported.insert(arg.span) {
                                    self.include_problems.push(IncludeProblem::TooLarge { span: arg.span });
                                }
                                continue;
                            }
                            self.expanded += cost;
                            self.included
                                .push((inc, cx.map(|c| c.describe()).unwrap_or("unchecked")));
                            self.stack.push((inc, arg.span));
                            let sub: Vec<(FileId, &Directive)> = self.top(inc).iter().map(|d| (inc, d)).collect();
                            self.flatten(sub, cx, out);
                            self.stack.pop();
                        }
                    }
                    Some(Resolved::Missing(path)) => self.include_problems.push(IncludeProblem::Missing {
                        span: arg.span,
                        value: arg.value.clone(),
                        looked_at: path.clone(),
                    }),
                    Some(Resolved::Unreadable(path, e)) => self.include_problems.push(IncludeProblem::Unreadable {
                        span: arg.span,
                        path: path.clone(),
                        error: e.clone(),
                    }),
                    Some(Resolved::Nothing) | None => {}
                }
                continue;
            }
            // A block keeps the include chain it was read under: `level` restores it while it walks
            // the block, so that an include inside the block sees the files it is already inside
            // (fuzzing found `location / { include conf.d/*.conf; }` in conf.d recursing until the stack
            // overflowed).
            let chain = if d.block.is_some() {
                self.stack.clone()
            } else {
                Vec::new()
            };
            out.push((file, d, chain));
        }
    }

    fn check(&mut self, cx: Context, d: &Directive) {
        let ending = if d.block.is_some() {
            Ending::Block
        } else {
            Ending::Semicolon
        };
        let kind = match Table::get().check(cx, d.name(), d.args.len(), ending) {
            Verdict::Ok(_) => return,
            Verdict::Unknown => ProblemKind::Unknown {
                suggestion: suggest(d.name()),
            },
            Verdict::Removed(r) => ProblemKind::Removed(r),
            Verdict::NotAllowed(allowed) => ProblemKind::NotAllowed { allowed },
            Verdict::NotTerminated => ProblemKind::NotTerminated,
            Verdict::NoOpeningBrace => ProblemKind::NoOpeningBrace,
            Verdict::InvalidArgs(cmd) => ProblemKind::InvalidArgs {
                given: d.args.len(),
                expected: crate::model::directives::describe_args(cmd.flags),
            },
        };
        self.problems.push(DirectiveProblem {
            kind,
            name: d.name().to_owned(),
            span: d.name.span,
            statement: d.name.span.to(d.terminator),
            terminator: d.terminator,
            context: cx.describe(),
        });
    }

    /// One block level: expand includes, compute effective settings, record
    /// facts, then descend into child blocks with the completed settings.
    fn level(
        &mut self,
        items: Vec<(FileId, &'a Directive)>,
        cx: Option<Context>,
        inherited: &Settings,
        depth: usize,
        owner: Owner,
    ) -> Settings {
        let mut flat = Vec::new();
        self.flatten(items, cx, &mut flat);
        let mut settings = inherited.clone();
        for (_, d, _) in &flat {
            if d.block.is_some() {
                continue;
            }
            let args: Vec<String> = d.args.iter().map(|a| a.value.clone()).collect();
            let entry = settings.entry(d.name().to_owned()).or_insert(Setting {
                values: Vec::new(),
                depth,
            });
            if entry.depth < depth {
                *entry = Setting {
                    values: Vec::new(),
                    depth,
                };
            }
            entry.values.push((args, d.span));
        }
        for (_, d, _) in &flat {
            self.fact(d, cx, owner);
        }
        for (file, d, chain) in flat {
            let Some(block) = &d.block else { continue };
            // Blocks nest at most MAX_NESTING deep in one file; through includes a walk this deep is a
            // runaway, stopped before the native stack is.
            if depth > MAX_LEVEL_DEPTH {
                if self.reported.insert(d.span) {
                    self.include_problems.push(IncludeProblem::TooDeep { span: d.span });
                }
                continue;
            }
            let Body::Directives(children) = &block.body else {
                continue;
            };
            let child_cx = cx.and_then(|cx| child_context(cx, d.name()));
            if cx.is_some() && child_cx.is_none() && HANDLER_BLOCKS.contains(&d.name()) {
                continue;
            }
            let items: Vec<(FileId, &Directive)> = children.iter().map(|c| (file, c)).collect();
            let child_owner = match (cx, d.name()) {
                (Some(c), "server") if c == Context::HTTP => {
                    self.servers.push(Server {
                        span: d.span,
                        listens: Vec::new(),
                        names: Vec::new(),
                        locations: Vec::new(),
                    });
                    Owner::Server(self.servers.len() - 1)
                }
                (Some(c), "location") if c.module_type == crate::model::directives::ModuleType::Http => {
                    let server = match owner {
                        Owner::Server(s) | Owner::Location(s, _) => Some(s),
                        _ => None,
                    };
                    match server {
                        Some(s) => {
                            let (modifier, path) = match d.args.as_slice() {
                                [m, p] => (Some(m.value.clone()), p.value.clone()),
                                [p] => (None, p.value.clone()),
                                _ => (None, String::new()),
                            };
                            self.locations.push(Location {
                                server: s,
                                modifier,
                                path,
                                span: d.span,
                                settings: Settings::new(),
                            });
                            let li = self.locations.len() - 1;
                            self.servers[s].locations.push(li);
                            Owner::Location(s, li)
                        }
                        None => Owner::None,
                    }
                }
                // Recorded even where nginx refuses it (NGX002 reports that),
                // so that its name still resolves and no second error follows.
                (Some(c), "upstream") if matches!(c.module_type, ModuleType::Http | ModuleType::Stream) => {
                    self.upstreams.push(Upstream {
                        name: d.arg(0).unwrap_or_default().to_owned(),
                        span: d.span,
                        name_span: d.args.first().map(|a| a.span).unwrap_or(d.name.span),
                        servers: Vec::new(),
                        directives: Vec::new(),
                        stream: c.module_type == ModuleType::Stream,
                        group: self.prefix.to_path_buf(),
                    });
                    Owner::Upstream(self.upstreams.len() - 1)
                }
                // `if` and `limit_except` stay inside their location.
                _ => owner,
            };
            let outer = std::mem::replace(&mut self.stack, chain);
            let s = self.level(items, child_cx, &settings, depth + 1, child_owner);
            self.stack = outer;
            match (child_owner, d.name()) {
                (Owner::Location(_, li), "location") => self.locations[li].settings = s,
                // nginx merges (and checks) each server's settings too.
                (Owner::Server(_), "server") if child_cx == Some(Context::SERVER) => self.levels.push((d.span, s)),
                _ => {}
            }
        }
        settings
    }

    /// Record the model facts a directive states.
    fn fact(&mut self, d: &Directive, cx: Option<Context>, owner: Owner) {
        match d.name() {
            "set" if d.block.is_none() => {
                if let (Some(var), Some(val)) = (d.arg(0), d.arg(1)) {
                    let literal = (!val.contains('$')).then(|| val.to_owned());
                    self.defined_vars
                        .push((var.trim_start_matches('$').to_owned(), literal));
                }
            }
            "map" | "geo" | "split_clients" if d.block.is_some() => {
                // map $src $dst { … }; geo [$src] $dst { … }; split_clients "str" $dst { … }
                if let Some(var) = d.args.last() {
                    self.defined_vars
                        .push((var.value.trim_start_matches('$').to_owned(), None));
                }
            }
            _ => {}
        }
        match (owner, d.name()) {
            (Owner::Server(s), "listen") if d.block.is_none() => {
                if let Some(a) = d.args.first() {
                    self.servers[s].listens.push(Listen {
                        value: a.value.clone(),
                        span: a.span,
                    });
                }
            }
            (Owner::Server(s), "server_name") => {
                for a in &d.args {
                    self.servers[s].names.push((a.value.clone(), a.span));
                }
            }
            (Owner::Upstream(u), "server") if d.block.is_none() => {
                if let Some(a) = d.args.first() {
                    let endpoint = parse_address(&a.value, None).0;
                    self.upstreams[u].servers.push(UpstreamServer {
                        endpoint,
                        value: a.value.clone(),
                        span: a.span,
                        params: d.args[1..].iter().map(|p| p.value.clone()).collect(),
                        statement: d.span,
                    });
                }
            }
            (Owner::Upstream(u), name) if d.block.is_none() && name != "server" => {
                self.upstreams[u].directives.push((
                    name.to_owned(),
                    d.args.iter().map(|a| a.value.clone()).collect(),
                    d.span,
                ));
            }
            (_, name @ ("proxy_pass" | "uwsgi_pass" | "fastcgi_pass" | "grpc_pass" | "scgi_pass"))
                if d.block.is_none() =>
            {
                let Some(a) = d.args.first() else { return };
                let location = match owner {
                    Owner::Location(_, l) => Some(l),
                    _ => None,
                };
                let is_http = cx.is_some_and(|c| c.module_type == crate::model::directives::ModuleType::Http);
                let mut t = parse_target(name, &a.value, a.span, location, is_http);
                t.group = self.prefix.to_path_buf();
                self.targets.push(t);
            }
            _ => {}
        }
    }
}

/// Split `scheme://host:port/uri` of a `*_pass` argument (nginx's
/// `ngx_parse_url` for the parts lint502 needs). Default ports: http 80,
/// https 443, grpc 80, grpcs 443; uwsgi/fastcgi/scgi have none.
pub fn parse_target(directive: &str, value: &str, span: Span, location: Option<usize>, http: bool) -> Target {
    let (scheme, rest) = match value.split_once("://") {
        Some((s, r)) => (Some(s.to_ascii_lowercase()), r),
        None => (None, value),
    };
    // Only proxy_pass's http/https schemes carry a default port; nginx says
    // `no port in upstream` for uwsgi/fastcgi/scgi/grpc_pass without one
    // (observed with nginx 1.22.1 -t, lints/NGX005.md).
    let default_port = match scheme.as_deref() {
        Some("http") => Some(80),
        Some("https") => Some(443),
        _ => None,
    };
    let _ = http;
    let (endpoint, host, port) = parse_address(rest, default_port);
    Target {
        directive: directive.to_owned(),
        value: value.to_owned(),
        span,
        location,
        scheme,
        host,
        port,
        kind: TargetKind::Direct(endpoint),
        group: PathBuf::new(),
    }
}

/// Parse `host[:port][/uri]`, `[v6]:port`, `unix:/path[:/uri]`.
/// Returns the endpoint, the host as written and the explicit port.
pub fn parse_address(s: &str, default_port: Option<u16>) -> (Endpoint, String, Option<u16>) {
    if s.contains('$') {
        return (Endpoint::Variable, s.to_owned(), None);
    }
    if let Some(path) = s.strip_prefix("unix:") {
        // `unix:/tmp/app.sock:/uri` — the URI follows a colon.
        let path = path.split_once(':').map(|(p, _)| p).unwrap_or(path);
        return (Endpoint::Unix { path: path.to_owned() }, format!("unix:{path}"), None);
    }
    let authority = s.split('/').next().unwrap_or("");
    let (host, port_str) = if let Some(rest) = authority.strip_prefix('[') {
        match rest.split_once(']') {
            Some((h, p)) => (h.to_owned(), p.strip_prefix(':')),
            None => (rest.to_owned(), None),
        }
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h.to_owned(), Some(p)),
            _ => (authority.to_owned(), None),
        }
    };
    let port = port_str.and_then(|p| p.parse::<u16>().ok());
    let effective = port.or(default_port).unwrap_or(80);
    (
        Endpoint::Tcp {
            host: host.clone(),
            port: effective,
        },
        host,
        port,
    )
}

/// Statements in a file, at every depth.
fn count_statements(ds: &[Directive]) -> usize {
    let mut n = 0;
    let mut stack: Vec<&[Directive]> = vec![ds];
    while let Some(level) = stack.pop() {
        n += level.len();
        for d in level {
            stack.push(d.children());
        }
    }
    n
}

fn collect_includes(ds: &[Directive], out: &mut Vec<String>) {
    let mut v = Vec::new();
    collect_include_spans(ds, &mut v);
    out.extend(v.into_iter().map(|(_, s)| s));
}

/// Every `include` argument in a file (any depth), with its span.
fn collect_include_spans(ds: &[Directive], out: &mut Vec<(Span, String)>) {
    let mut stack: Vec<&[Directive]> = vec![ds];
    while let Some(level) = stack.pop() {
        for d in level {
            if d.name() == "include" && d.block.is_none() && d.args.len() == 1 {
                out.push((d.args[0].span, d.args[0].value.clone()));
            }
            let children = d.children();
            if !children.is_empty() {
                stack.push(children);
            }
        }
    }
}

/// Whether a path (or glob) names at least one existing file.
/// Whether `p` names a file, or as a glob matches one. A wildcard only in the
/// last component (`conf.d/*.conf`, nearly every include) lists the folder
/// once with the pattern compiled once per run (`patterns`); `glob::glob`
/// compiled every component per call, which was a sixth of a typical check.
/// Same matching rules as `glob::glob` (`MatchOptions::new()`).
fn path_matches(p: &Path, patterns: &mut HashMap<String, Option<glob::Pattern>>) -> bool {
    let s = p.to_string_lossy();
    if !s.contains(['*', '?', '[']) {
        return p.is_file();
    }
    let literal_parent = p.parent().filter(|d| !d.to_string_lossy().contains(['*', '?', '[']));
    let (Some(parent), Some(name)) = (literal_parent, p.file_name()) else {
        return glob::glob(&s)
            .map(|mut g| g.any(|m| m.is_ok_and(|m| m.is_file())))
            .unwrap_or(false);
    };
    let name = name.to_string_lossy();
    let Some(pattern) = patterns
        .entry(name.to_string())
        .or_insert_with(|| glob::Pattern::new(&name).ok())
    else {
        return false;
    };
    let dir = if parent.as_os_str().is_empty() {
        Path::new(".")
    } else {
        parent
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries
        .flatten()
        .any(|e| pattern.matches(&e.file_name().to_string_lossy()) && e.path().is_file())
}

/// The known directive closest to `name` (edit distance ≤ 2), for "did you mean".
pub fn suggest(name: &str) -> Option<&'static str> {
    let mut best: Option<(usize, &'static str)> = None;
    let mut near = crate::text::Near::new(name);
    for cand in Table::get().names() {
        // Byte lengths two apart can still be within two edits when the
        // name has non-ASCII characters; Near compares character counts.
        if name.is_ascii() && cand.len().abs_diff(name.len()) > 2 {
            continue;
        }
        let Some(d) = near.distance_within(cand, 2) else {
            continue;
        };
        if best.is_none_or(|(bd, bc)| d < bd || (d == bd && cand < bc)) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c)
}

/// Check one file on its own in a given context (None: no directive checks),
/// as if included there; includes resolve against the file's folder. Used by
/// differential tests against `nginx -t` and by `lint502 parse`.
pub fn check_in_context(db: &mut SourceDb, path: &Path, cx: Option<Context>) -> Result<NginxModel, String> {
    // `lint502 parse` and the differential tests: a file on its own, includes unfenced.
    let mut b = Builder::new(crate::contain::Roots::unbounded());
    let id = b.load(db, path)?;
    let prefix = path.parent().map(Path::to_path_buf).unwrap_or_default();
    b.load_closure(db, id, &prefix);
    let role = if b.is_main(id) { Role::Main } else { Role::Snippet };
    let user = (role == Role::Main).then(|| b.user_of(id)).flatten();
    b.model.files.push(FileInfo {
        id,
        role,
        context: cx.map(|c| c.describe()).unwrap_or("unchecked"),
        user,
    });
    b.covered.insert(id);
    b.walk_root(id, cx, &prefix);
    b.resolve_targets();
    Ok(b.model)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `path_matches` answers as `glob::glob` (which it replaces for a
    /// wildcard in the last component) on files, folders, dot files, invalid
    /// patterns and wildcards in a folder name.
    #[test]
    fn path_matches_agrees_with_glob() {
        let dir = std::env::temp_dir().join(format!("lint502-path-matches-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for f in [
            "conf.d/a.conf",
            "conf.d/.hidden",
            "conf.d/sub/b.conf",
            "sites/x",
            "empty/.keep",
        ] {
            let p = dir.join(f);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(&p, "").expect("write");
        }
        std::fs::create_dir_all(dir.join("dirs/only.conf")).expect("mkdir");
        let by_glob = |p: &Path| {
            glob::glob(&p.to_string_lossy())
                .map(|mut g| g.any(|m| m.is_ok_and(|m| m.is_file())))
                .unwrap_or(false)
        };
        let mut patterns = HashMap::new();
        let mut agreed = 0;
        for pat in [
            "conf.d/*.conf",
            "conf.d/*",
            "conf.d/.h*",
            "conf.d/*.nope",
            "conf.d/[ab].conf",
            "conf.d/[",
            "*/a.conf",
            "conf.d/*/b.conf",
            "sites/?",
            "dirs/*.conf",
            "empty/*",
            "missing/*",
            "conf.d/a.conf",
        ] {
            let p = dir.join(pat);
            assert_eq!(path_matches(&p, &mut patterns), by_glob(&p), "{pat}");
            agreed += usize::from(by_glob(&p));
        }
        assert!(agreed >= 7, "too few matching cases to compare: {agreed}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
