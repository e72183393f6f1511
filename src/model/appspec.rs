//! App specs: the module and attribute a server loads (`gunicorn
//! pkg.wsgi:application`, `uvicorn main:app`, gunicorn's `wsgi_app`), and
//! whether the repository holds them where the launcher makes Python look.
//!
//! Where Python looks (observed with gunicorn 27.0.1, uvicorn 0.54.0,
//! hypercorn 0.18.0 and daphne 4.2.3, testdata/observed/backends.md case 29):
//! the server's working directory — gunicorn's `chdir` (default: the
//! directory it was started in) — and the folders gunicorn's `pythonpath`,
//! uvicorn's `--app-dir` and the `PYTHONPATH` variable add. The working
//! directory comes from the launcher:
//! - a Procfile: its own folder (platforms and foreman run the processes
//!   from the folder that holds it);
//! - systemd `WorkingDirectory=`, supervisor `directory=`, an absolute PM2
//!   `cwd`, an absolute `cd` in a shell script: a path on the server. It is
//!   taken to be the launcher's folder or one of its parents in the
//!   repository (the repository checked out there), or any folder of the
//!   repository named like its last component;
//! - a Dockerfile: `WORKDIR` inside the image, whose files are what `COPY`
//!   and `ADD` put there, from the build context (the Dockerfile's folder or
//!   one of its parents: the ones where every copied path exists);
//! - then `cd` on the command line, and gunicorn's `--chdir`.
//!
//! Anything else leaves the directory unknown, and the spec is not judged:
//! no working directory (systemd without `WorkingDirectory=`, PM2 without
//! `cwd`, compose services), variables in the spec or the paths,
//! `GUNICORN_CMD_ARGS`, environment files that may set `PYTHONPATH`. A
//! module that is not in the repository is not reported when a requirement
//! or the repository's virtualenv provides it, nor — unless a module with
//! a close name is there — when it could come from anywhere else.

use std::collections::HashSet;
use std::path::{Component, Path, PathBuf};

use crate::contain::Roots;
use crate::model::backend::{Backend, BackendModel};
use crate::model::deps::DepsModel;
use crate::model::pyapp::PyApp;
use crate::model::value::Value;
use crate::parse::command::{ServerCommand, ServerKind};
use crate::parse::launch::{Launch, LaunchSource};
use crate::parse::python::{BindingKind, ImportKind, Module};
use crate::source::{FileId, SourceDb, SourceFile, Span};

/// An app spec that does not load.
#[derive(Debug, Clone)]
pub struct SpecProblem {
    /// `gunicorn`, `uvicorn`, `hypercorn`, `daphne`.
    pub server: &'static str,
    /// The spec as written (`main:app`).
    pub spec: String,
    pub span: Span,
    /// The dotted module (`main`).
    pub module: String,
    /// The attribute looked up (`app`; `application`, gunicorn's default).
    pub attribute: String,
    /// The spec names no attribute: the server's default applies.
    pub default_attribute: bool,
    /// How the directories were decided, most decisive last
    /// (`WorkingDirectory=/srv/app`, `--chdir app`).
    pub decided_by: Vec<(String, Span)>,
    /// Where Python looks, for messages (`the repository root`, `app/`,
    /// `/app in the image`).
    pub searched: Vec<String>,
    /// Assumptions the result rests on, for notes.
    pub notes: Vec<String>,
    /// The server option that adds a folder to search (`--chdir`,
    /// `--app-dir`), for suggestions.
    pub dir_option: Option<&'static str>,
    pub kind: ProblemKind,
}

#[derive(Debug, Clone)]
pub enum ProblemKind {
    /// The module is in none of the places searched.
    MissingModule {
        /// The dotted prefix Python reports missing (`app` of `app.main`
        /// when there is no `app` at all).
        missing: String,
        /// A file of the repository that is this module from another folder.
        elsewhere: Option<Elsewhere>,
        /// A module of a close name that is there.
        close: Option<String>,
    },
    /// The module is found, and binds no such name at top level.
    MissingAttribute {
        file: FileId,
        /// A bound name close to the one asked for, or an app object, with
        /// where it is bound.
        nearest: Option<(String, Span)>,
    },
}

/// The module's file elsewhere in the repository.
#[derive(Debug, Clone)]
pub struct Elsewhere {
    /// The file, as displayed (`app/main.py`).
    pub file: String,
    /// The folder that would have to be searched, relative to the working
    /// directory (`app`), when it is below it.
    pub folder: Option<String>,
    /// The module's dotted name from the working directory (`app.main`),
    /// when every folder on the way is a valid module name.
    pub dotted: Option<String>,
}

/// Folders that never hold the app a server loads (a match there is not a
/// suggestion).
const NOT_APP_DIRS: &[&str] = &[
    "tests",
    "test",
    "testing",
    "docs",
    "doc",
    "examples",
    "example",
    "site-packages",
    "node_modules",
    "migrations",
];

/// Every app spec of the deployment that does not load.
pub fn build(
    db: &mut SourceDb,
    backends: &BackendModel,
    app: &mut PyApp,
    deps: &DepsModel,
    checked: &[PathBuf],
) -> Vec<SpecProblem> {
    let roots: Vec<PathBuf> = checked
        .iter()
        .map(|c| {
            if c.is_file() {
                c.parent().map(Path::to_path_buf).unwrap_or_default()
            } else {
                c.clone()
            }
        })
        .map(|r| normalize(&r))
        .collect();
    // `lint502 check $(git ls-files)`: hundreds of files share a few folders.
    let mut roots = roots;
    roots.sort();
    roots.dedup();
    // Folders that hold Python files, and their parents up to a root.
    let mut dirs: HashSet<PathBuf> = HashSet::new();
    for f in &app.files {
        let mut d = f.parent().map(normalize);
        while let Some(x) = d {
            if !roots.iter().any(|r| x.starts_with(r)) || !dirs.insert(x.clone()) {
                break;
            }
            d = x.parent().map(Path::to_path_buf);
        }
    }
    let fence = Roots::of(checked);
    let installed = installed_modules(deps, &roots, &fence);
    let cx = Cx {
        roots,
        installed,
        fence,
        dirs: dirs.into_iter().collect(),
    };
    let mut out = Vec::new();
    for b in &backends.backends {
        if let Some(p) = judge_backend(db, backends, app, &cx, b) {
            out.push(p);
        }
    }
    out
}

struct Cx {
    roots: Vec<PathBuf>,
    /// What may be read: the checked folders with symlinks resolved.
    fence: Roots,
    /// Folders of the repository that hold Python files (and their parents).
    dirs: Vec<PathBuf>,
    /// Top-level modules that installed distributions provide.
    installed: HashSet<String>,
}

/// Top-level modules the declared requirements and the repository's
/// virtualenv provide (a virtualenv in or just below one of `bases`, the
/// checked folders).
fn installed_modules(deps: &DepsModel, bases: &[PathBuf], fence: &Roots) -> HashSet<String> {
    let mut out = HashSet::new();
    for d in &deps.declared {
        for m in crate::model::pydata::modules_of(&d.canonical) {
            out.insert(m.to_string());
        }
        out.insert(d.canonical.replace('-', "_"));
    }
    for base in bases {
        if let Some(v) = crate::model::venv::find(on_disk(base), fence) {
            for ms in v.modules.values() {
                out.extend(ms.iter().cloned());
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Places: folders of the repository, or of an image built from it
// ---------------------------------------------------------------------------

/// What a Dockerfile copies into the image: a file or a folder's contents.
#[derive(Debug, Clone, PartialEq)]
struct Mount {
    /// The path in the image.
    at: String,
    /// The repository file or folder; None: files lint502 cannot see
    /// (`COPY --from=…`).
    src: Option<PathBuf>,
}

/// A folder Python may import from.
#[derive(Debug, Clone, PartialEq)]
enum Loc {
    Repo(PathBuf),
    /// A folder in a container image, and what the Dockerfile copies there.
    Image {
        path: String,
        mounts: Vec<Mount>,
    },
}

impl Loc {
    /// The repository paths that are `rel` below this folder, except those
    /// that resolve outside the checked folders (a symlink out, a `COPY ..`):
    /// those are neither listed, probed nor read (`crate::contain`).
    fn repo_paths(&self, rel: &Path, fence: &Roots) -> Vec<PathBuf> {
        let mut out = self.repo_paths_unfenced(rel);
        out.retain(|p| fence.contains(on_disk(p)));
        out
    }

    /// Whether `rel` below this folder is a repository path the fence keeps
    /// lint502 from (see [`Loc::repo_paths`]).
    fn fenced_out(&self, rel: &Path, fence: &Roots) -> bool {
        self.repo_paths_unfenced(rel)
            .iter()
            .any(|p| !fence.contains(on_disk(p)))
    }

    fn repo_paths_unfenced(&self, rel: &Path) -> Vec<PathBuf> {
        match self {
            Loc::Repo(d) => vec![d.join(rel)],
            Loc::Image { path, mounts } => {
                let want = join_str(path, &rel.to_string_lossy());
                let mut out = Vec::new();
                for m in mounts {
                    let Some(src) = &m.src else { continue };
                    if want == m.at {
                        out.push(src.clone());
                    } else if let Some(rest) = want.strip_prefix(&format!("{}/", m.at.trim_end_matches('/')))
                        && on_disk(src).is_dir()
                    {
                        out.push(src.join(rest));
                    }
                }
                out
            }
        }
    }

    fn has_dir(&self, rel: &Path, fence: &Roots) -> bool {
        if self.repo_paths(rel, fence).iter().any(|p| on_disk(p).is_dir()) {
            return true;
        }
        match self {
            Loc::Repo(_) => false,
            Loc::Image { path, mounts } => {
                let want = join_str(path, &rel.to_string_lossy());
                let prefix = format!("{}/", want.trim_end_matches('/'));
                mounts.iter().any(|m| m.src.is_some() && m.at.starts_with(&prefix))
            }
        }
    }

    fn files(&self, rel: &Path, fence: &Roots) -> Vec<PathBuf> {
        self.repo_paths(rel, fence)
            .into_iter()
            .filter(|p| p.is_file())
            .collect()
    }

    /// Whether `rel` may be something lint502 cannot see: an image path at
    /// or under (or above) what a `COPY --from` put there.
    fn opaque(&self, rel: &Path) -> bool {
        let Loc::Image { path, mounts } = self else {
            return false;
        };
        let want = join_str(path, &rel.to_string_lossy());
        mounts.iter().filter(|m| m.src.is_none()).any(|m| {
            let at = m.at.trim_end_matches('/');
            want == at || want.starts_with(&format!("{at}/")) || at.starts_with(&format!("{want}/")) || at.is_empty()
        })
    }

    /// A compiled module (`name.cpython-312-x86_64-linux-gnu.so`, `name.pyc`)
    /// in the folder `rel` names the parent of.
    fn has_compiled(&self, rel: &Path, fence: &Roots) -> bool {
        let Some(name) = rel.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            return false;
        };
        let parent = rel.parent().unwrap_or(Path::new(""));
        self.repo_paths(parent, fence).iter().any(|d| {
            std::fs::read_dir(on_disk(d)).is_ok_and(|rd| {
                rd.flatten().any(|e| {
                    let n = e.file_name().to_string_lossy().into_owned();
                    n.strip_prefix(&name).is_some_and(|rest| {
                        rest.starts_with('.') && (rest.ends_with(".so") || rest.ends_with(".pyd") || rest == ".pyc")
                    })
                })
            })
        })
    }

    /// Names of modules and packages directly in the folder `rel`.
    fn names_in(&self, rel: &Path, fence: &Roots) -> Vec<String> {
        let mut out = Vec::new();
        for d in self.repo_paths(rel, fence) {
            let Ok(rd) = std::fs::read_dir(on_disk(&d)) else {
                continue;
            };
            for e in rd.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                let p = e.path();
                if p.is_dir() {
                    if is_identifier(&n) {
                        out.push(n);
                    }
                } else if let Some(stem) = n.strip_suffix(".py")
                    && is_identifier(stem)
                {
                    out.push(stem.to_owned());
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// For messages.
    fn display(&self, cx: &Cx) -> String {
        match self {
            Loc::Repo(d) => repo_display(cx, d),
            Loc::Image { path, .. } => format!("{path} in the image"),
        }
    }
}

fn repo_display(cx: &Cx, d: &Path) -> String {
    for r in &cx.roots {
        if let Ok(rel) = d.strip_prefix(r) {
            let s = rel.to_string_lossy().replace('\\', "/");
            return if s.is_empty() {
                "the repository root".to_owned()
            } else {
                format!("{s}/")
            };
        }
    }
    crate::source::display_path(d)
}

/// The path to hand to the file system: `.` for the empty path (the
/// checked folder when it is the current directory).
fn on_disk(p: &Path) -> &Path {
    if p.as_os_str().is_empty() { Path::new(".") } else { p }
}

/// A path without `.` and with `..` applied (no file system access).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let up = out.components().next_back() == Some(Component::ParentDir);
                if (up || !out.pop()) && !p.is_absolute() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `base` joined with `rel` as image paths (`/app` + `src` → `/app/src`).
fn join_str(base: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|s| !s.is_empty()).collect()
    };
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            x => parts.push(x),
        }
    }
    format!("/{}", parts.join("/"))
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_') && chars.all(|c| c.is_alphanumeric() || c == '_')
}

impl Cx {
    fn inside(&self, p: &Path) -> bool {
        self.roots.iter().any(|r| p.starts_with(r))
    }

    /// The launcher's folder and its parents inside the repository.
    fn bases(&self, launcher_dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut d = Some(normalize(launcher_dir));
        while let Some(x) = d {
            if !self.inside(&x) {
                break;
            }
            d = x.parent().map(Path::to_path_buf);
            out.push(x);
            if out.len() > 64 {
                break;
            }
        }
        out
    }

    /// The repository folders an absolute path on the server may be: the
    /// launcher's folder and its parents, and folders named like the path's
    /// last component.
    fn map_abs(&self, path: &str, launcher_dir: &Path) -> Vec<Loc> {
        let mut out: Vec<PathBuf> = self.bases(launcher_dir);
        out.reverse();
        if let Some(last) = path.split('/').rfind(|c| !c.is_empty() && *c != ".") {
            let mut named: Vec<PathBuf> = self
                .dirs
                .iter()
                .filter(|d| d.file_name().is_some_and(|n| n.to_string_lossy() == last))
                .cloned()
                .collect();
            named.sort();
            out.extend(named);
        }
        let mut seen = HashSet::new();
        out.into_iter()
            .filter(|d| seen.insert(d.clone()))
            .map(Loc::Repo)
            .collect()
    }

    /// `loc` then `rel` (a relative folder); None when it leaves the
    /// repository or is not there.
    fn join(&self, loc: &Loc, rel: &str) -> Option<Loc> {
        match loc {
            Loc::Repo(d) => {
                let p = normalize(&d.join(rel));
                (self.inside(&p) && on_disk(&p).is_dir()).then_some(Loc::Repo(p))
            }
            Loc::Image { path, mounts } => Some(Loc::Image {
                path: join_str(path, rel),
                mounts: mounts.clone(),
            }),
        }
    }

    /// Folders after a `cd`/`--chdir`/pythonpath entry `dir` from `locs`.
    fn go(&self, locs: &[Loc], dir: &str, launcher_dir: &Path) -> Vec<Loc> {
        if dir.starts_with('/') {
            // An image keeps its files; a server path maps onto the repository.
            let images: Vec<Loc> = locs
                .iter()
                .filter_map(|l| match l {
                    Loc::Image { mounts, .. } => Some(Loc::Image {
                        path: join_str("/", dir),
                        mounts: mounts.clone(),
                    }),
                    Loc::Repo(_) => None,
                })
                .collect();
            if !images.is_empty() {
                return images;
            }
            return self.map_abs(dir, launcher_dir);
        }
        let mut out: Vec<Loc> = Vec::new();
        for l in locs {
            if let Some(x) = self.join(l, dir)
                && !out.contains(&x)
            {
                out.push(x);
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------
// Launchers: where each backend starts
// ---------------------------------------------------------------------------

/// Where a backend's server starts, and what decided it.
struct Start {
    locs: Vec<Loc>,
    why: Vec<(String, Span)>,
    /// `PYTHONPATH` the launcher sets (entries, with the span).
    pythonpath: Vec<(String, Span)>,
    /// Something may add folders lint502 cannot see (an environment file,
    /// a variable): a missing module is not reported.
    path_unknown: bool,
    launcher_dir: PathBuf,
    notes: Vec<String>,
}

fn contains(outer: Span, inner: Span) -> bool {
    outer.file == inner.file && outer.start <= inner.start && inner.end <= outer.end
}

fn has_var(s: &str) -> bool {
    s.contains(['$', '%', '`', '{', '~'])
}

/// The folder of a shell script for `$(dirname "$0")`-like words, and what
/// follows them.
fn script_dir_rest(w: &str) -> Option<&str> {
    let w = w.trim_matches('"');
    for p in [
        "$(dirname \"$0\")",
        "$(dirname $0)",
        "$(dirname \"${BASH_SOURCE[0]}\")",
        "$(dirname ${BASH_SOURCE[0]})",
        "$(dirname \"$BASH_SOURCE\")",
        "`dirname $0`",
        "`dirname \"$0\"`",
        "${0%/*}",
        "$(cd \"$(dirname \"$0\")\" && pwd)",
        "$(cd $(dirname $0) && pwd)",
        "$(cd \"$(dirname \"${BASH_SOURCE[0]}\")\" && pwd)",
    ] {
        if let Some(rest) = w.strip_prefix(p) {
            let rest = rest.trim_start_matches('"').trim_start_matches('/');
            return Some(rest.trim_matches('"'));
        }
    }
    None
}

/// The note for a server path taken to be folders of the repository.
fn assumed(cx: &Cx, path: &str, locs: &[Loc]) -> String {
    let shown: Vec<String> = locs.iter().map(|l| l.display(cx)).collect();
    format!(
        "`{path}` is a path on the server; lint502 takes it to be {} (the repository checked out there)",
        or_list(&shown)
    )
}

/// `a`, `a or b`, `a, b or c`.
pub fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn launch_of<'m>(m: &'m BackendModel, b: &Backend) -> Option<&'m (FileId, Launch)> {
    m.launches
        .iter()
        .filter(|(f, l)| *f == b.span.file && contains(l.span, b.span))
        .min_by_key(|(_, l)| l.span.end - l.span.start)
}

fn start_of(db: &SourceDb, m: &BackendModel, cx: &Cx, b: &Backend, cmd: &ServerCommand) -> Option<Start> {
    let file = b.span.file;
    let launcher_dir = db.get(file).path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut s = Start {
        locs: Vec::new(),
        why: Vec::new(),
        pythonpath: Vec::new(),
        path_unknown: false,
        launcher_dir: launcher_dir.clone(),
        notes: Vec::new(),
    };
    let mut env_pythonpath: Option<(String, Span)> = None;
    let mut known = false;
    if let Some((_, l)) = launch_of(m, b) {
        if let Some(v) = l.env_var("PYTHONPATH") {
            match &v.value {
                Value::Str(p) => env_pythonpath = Some((p.clone(), v.span)),
                _ => s.path_unknown = true,
            }
        }
        if l.env_var("GUNICORN_CMD_ARGS").is_some() {
            return None;
        }
        if !l.env_files.is_empty() {
            s.path_unknown = true;
        }
        match l.source {
            LaunchSource::Procfile => {
                s.locs = vec![Loc::Repo(normalize(&launcher_dir))];
                known = true;
            }
            LaunchSource::Systemd | LaunchSource::Supervisor => {
                if let Some(w) = &l.workdir {
                    let dir = w.value.trim().trim_start_matches(['-', '!', '+']);
                    if !dir.starts_with('/') || has_var(dir) {
                        return None;
                    }
                    let key = if l.source == LaunchSource::Systemd {
                        "WorkingDirectory"
                    } else {
                        "directory"
                    };
                    s.locs = cx.map_abs(dir, &launcher_dir);
                    s.notes.push(assumed(cx, dir, &s.locs));
                    s.why.push((format!("{key}={dir}"), w.span));
                    known = true;
                }
            }
            LaunchSource::Shell => {
                if let Some(w) = &l.workdir {
                    if let Some(rest) = script_dir_rest(&w.value) {
                        let here = Loc::Repo(normalize(&launcher_dir));
                        s.locs = if rest.is_empty() {
                            vec![here]
                        } else if has_var(rest) {
                            return None;
                        } else {
                            cx.go(&[here], rest, &launcher_dir)
                        };
                        s.why.push((format!("cd {}", w.value), w.span));
                        known = true;
                    } else if w.value.starts_with('/') && !has_var(&w.value) {
                        s.locs = cx.map_abs(&w.value, &launcher_dir);
                        s.notes.push(assumed(cx, &w.value, &s.locs));
                        s.why.push((format!("cd {}", w.value), w.span));
                        known = true;
                    } else {
                        return None;
                    }
                }
            }
            LaunchSource::Dockerfile => {
                let workdir = l.workdir.as_ref().map_or("/".to_owned(), |w| w.value.clone());
                if has_var(&workdir) {
                    return None;
                }
                let images = image_locs(db, cx, file, l, &workdir, &launcher_dir)?;
                s.locs = images;
                match &l.workdir {
                    Some(w) => s.why.push((format!("WORKDIR {}", w.value), w.span)),
                    None => s.why.push(("no WORKDIR: the image's /".to_owned(), l.span)),
                }
                known = true;
            }
            LaunchSource::Compose | LaunchSource::Uwsgi => return None,
        }
    } else if let Some((_, pm2file)) = m.pm2.iter().find(|(f, _)| *f == file) {
        let a = pm2file.apps.iter().find(|a| contains(a.span, b.span))?;
        for var in ["PYTHONPATH", "GUNICORN_CMD_ARGS"] {
            if let Some(v) = crate::model::pm2::env_value(a, None, var) {
                if var == "GUNICORN_CMD_ARGS" {
                    return None;
                }
                match &v.value {
                    Value::Str(p) => env_pythonpath = Some((p.clone(), v.span)),
                    _ => s.path_unknown = true,
                }
            }
        }
        if let Some(c) = &a.cwd
            && let Value::Str(dir) = &c.value
            && dir.starts_with('/')
            && !has_var(dir)
        {
            s.locs = cx.map_abs(dir, &launcher_dir);
            s.notes.push(assumed(cx, dir, &s.locs));
            s.why.push((format!("cwd \"{dir}\""), c.span));
            known = true;
        }
    } else {
        return None;
    }
    if cmd.env_var("GUNICORN_CMD_ARGS").is_some() {
        return None;
    }
    if let Some(e) = cmd.env_var("PYTHONPATH") {
        env_pythonpath = Some((e.value.text.clone(), e.value.span));
    }
    // `cd` on the command line.
    for w in &cmd.cd {
        let t = w.text.as_str();
        if let Some(rest) = script_dir_rest(t) {
            // `cd "$(dirname "$0")"` in a one-line command: the script is the launcher.
            let here = vec![Loc::Repo(normalize(&launcher_dir))];
            s.locs = if rest.is_empty() {
                here
            } else {
                cx.go(&here, rest, &launcher_dir)
            };
            known = true;
        } else if has_var(t) || t == "-" {
            return None;
        } else if t.starts_with('/') {
            s.locs = cx.go(&s.locs, t, &launcher_dir);
            if s.locs.iter().all(|l| matches!(l, Loc::Repo(_))) {
                s.notes.push(assumed(cx, t, &s.locs));
            }
            known = true;
        } else if known {
            s.locs = cx.go(&s.locs, t, &launcher_dir);
        } else {
            return None;
        }
        s.why.push((format!("cd {t}"), w.span));
    }
    if let Some((p, span)) = env_pythonpath {
        if has_var(&p) {
            s.path_unknown = true;
        }
        for e in p.split(':').filter(|e| !e.is_empty()) {
            s.pythonpath.push((e.to_owned(), span));
        }
    }
    known.then_some(s)
}

// ---------------------------------------------------------------------------
// Dockerfile: what the final stage copies where
// ---------------------------------------------------------------------------

/// The logical lines of a Dockerfile (continuations joined), with the offset
/// of each line's start.
fn docker_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 0;
    let mut offset = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        if cur.is_empty() {
            start = offset;
        }
        offset += raw.len();
        let trimmed = line.trim_start();
        if cur.is_empty() && trimmed.starts_with('#') {
            continue;
        }
        if let Some(body) = line.strip_suffix('\\') {
            cur.push_str(body);
            cur.push(' ');
            continue;
        }
        if !cur.is_empty() && trimmed.starts_with('#') {
            continue;
        }
        cur.push_str(line);
        out.push((start, std::mem::take(&mut cur)));
    }
    if !cur.is_empty() {
        out.push((start, cur));
    }
    out
}

/// One `COPY`/`ADD`: its sources (relative to the build context) and its
/// destination in the image.
struct Copy {
    srcs: Vec<String>,
    dest: String,
    dest_is_dir: bool,
    /// `--from=…`: the files come from another stage or image.
    from_elsewhere: bool,
}

/// The copies of the final stage; None when lint502 cannot follow them
/// (`--from`, variables, archives, a stage built on another stage).
fn docker_copies(text: &str, stage: Span) -> Option<Vec<Copy>> {
    let lines = docker_lines(text);
    if text.lines().take(5).any(|l| {
        let l = l.trim().to_ascii_lowercase();
        l.starts_with('#') && l.replace(' ', "").starts_with("#escape=`")
    }) {
        return None;
    }
    let mut stage_names: Vec<String> = Vec::new();
    for (_, l) in &lines {
        let words: Vec<&str> = l.split_whitespace().collect();
        if words.first().is_some_and(|w| w.eq_ignore_ascii_case("FROM"))
            && let Some(i) = words.iter().position(|w| w.eq_ignore_ascii_case("AS"))
            && let Some(n) = words.get(i + 1)
        {
            stage_names.push(n.to_ascii_lowercase());
        }
    }
    let mut copies = Vec::new();
    let mut workdir = "/".to_owned();
    for (at, l) in &lines {
        if *at < stage.start as usize || *at >= stage.end as usize {
            continue;
        }
        let trimmed = l.trim();
        let (kw, rest) = trimmed.split_once(char::is_whitespace).unwrap_or((trimmed, ""));
        let kw = kw.to_ascii_uppercase();
        let rest = rest.trim();
        match kw.as_str() {
            "FROM" => {
                let image = rest
                    .split_whitespace()
                    .find(|w| !w.starts_with("--"))
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if stage_names.contains(&image) {
                    return None;
                }
            }
            "WORKDIR" => {
                if has_var(rest) {
                    return None;
                }
                workdir = join_str(&workdir, rest.trim_matches('"'));
            }
            "COPY" | "ADD" => {
                if rest.contains("<<") {
                    continue;
                }
                let mut words: Vec<String> = Vec::new();
                let mut rest = rest;
                let mut from_elsewhere = false;
                while let Some(w) = rest.split_whitespace().next().filter(|w| w.starts_with("--")) {
                    if w.starts_with("--parents") {
                        return None;
                    }
                    from_elsewhere |= w.starts_with("--from");
                    rest = rest[rest.find(w).map_or(0, |i| i + w.len())..].trim_start();
                }
                if rest.starts_with('[') {
                    let v: Vec<String> = serde_json::from_str(rest).ok()?;
                    words.extend(v);
                } else {
                    words.extend(rest.split_whitespace().map(|w| w.trim_matches('"').to_owned()));
                }
                if words.len() < 2 || (!from_elsewhere && words.iter().any(|w| has_var(w))) {
                    return None;
                }
                let dest_raw = words.pop().unwrap_or_default();
                let mut srcs = Vec::new();
                for s in words {
                    if s.contains("://") {
                        continue;
                    }
                    if kw == "ADD"
                        && [".tar", ".tgz", ".tar.gz", ".tar.bz2", ".tar.xz", ".txz", ".tbz2"]
                            .iter()
                            .any(|e| s.ends_with(e))
                    {
                        return None;
                    }
                    srcs.push(s);
                }
                if srcs.is_empty() {
                    continue;
                }
                let dest_is_dir = dest_raw.ends_with('/') || srcs.len() > 1 || dest_raw == "." || dest_raw == "./";
                if has_var(&dest_raw) {
                    return None;
                }
                copies.push(Copy {
                    dest: join_str(&workdir, &dest_raw),
                    srcs,
                    dest_is_dir,
                    from_elsewhere,
                });
            }
            _ => {}
        }
    }
    Some(copies)
}

/// The working directory in the image built from a Dockerfile, once per
/// possible build context.
fn image_locs(db: &SourceDb, cx: &Cx, file: FileId, l: &Launch, workdir: &str, dir: &Path) -> Option<Vec<Loc>> {
    let copies = docker_copies(&db.get(file).text, l.span)?;
    let mut out = Vec::new();
    for ctx in cx.bases(dir) {
        let mut mounts = Vec::new();
        let mut all_exist = true;
        for c in &copies {
            if c.from_elsewhere {
                mounts.push(Mount {
                    at: c.dest.clone(),
                    src: None,
                });
                continue;
            }
            for s in &c.srcs {
                let globbed = s.contains(['*', '?', '[']);
                let src_rel = if globbed {
                    Path::new(s).parent().map(Path::to_path_buf).unwrap_or_default()
                } else {
                    PathBuf::from(s)
                };
                let src = normalize(&ctx.join(&src_rel));
                if !cx.inside(&src) || !on_disk(&src).exists() {
                    all_exist = false;
                    continue;
                }
                if on_disk(&src).is_dir() {
                    mounts.push(Mount {
                        at: c.dest.clone(),
                        src: Some(src),
                    });
                } else {
                    let name = src
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    mounts.push(Mount {
                        at: join_str(&c.dest, &name),
                        src: Some(src.clone()),
                    });
                    if !c.dest_is_dir {
                        mounts.push(Mount {
                            at: c.dest.clone(),
                            src: Some(src),
                        });
                    }
                }
            }
        }
        if all_exist && copies.iter().any(|c| !c.from_elsewhere) {
            out.push(Loc::Image {
                path: join_str("/", workdir),
                mounts,
            });
        }
    }
    (!out.is_empty()).then_some(out)
}

// ---------------------------------------------------------------------------
// Specs
// ---------------------------------------------------------------------------

/// A spec read: module, attribute, whether the attribute was written.
fn parse_spec(server: ServerKind, spec: &str) -> Option<(String, String, bool)> {
    let spec = spec.trim();
    if has_var(spec) || spec.contains('/') {
        return None;
    }
    let (module, obj, written) = match server {
        ServerKind::Gunicorn => match spec.split_once(':') {
            Some((m, o)) => (m, o, true),
            None => (spec, "application", false),
        },
        ServerKind::Uvicorn | ServerKind::Daphne => {
            let (m, o) = spec.split_once(':')?;
            (m, o, true)
        }
        ServerKind::Hypercorn => {
            let s = match spec.split_once(':') {
                Some((mode, rest)) if rest.contains(':') && matches!(mode, "asgi" | "wsgi") => rest,
                _ => spec,
            };
            match s.split_once(':') {
                Some((m, o)) => (m, o, true),
                None => (s, "app", false),
            }
        }
        _ => return None,
    };
    if !module.split('.').all(is_identifier) {
        return None;
    }
    // `name`, `name(args)` (gunicorn, hypercorn), `name.attr` (uvicorn, daphne).
    let name: String = obj
        .trim()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    let after = obj.trim()[name.len()..].trim_start();
    let ok = match server {
        ServerKind::Gunicorn | ServerKind::Hypercorn => after.is_empty() || after.starts_with('('),
        _ => after.is_empty() || after.starts_with('.'),
    };
    if !ok || !is_identifier(&name) {
        return None;
    }
    Some((module.to_owned(), name, written))
}

/// The app spec of a backend, with its span: the command line's, else
/// gunicorn's `wsgi_app`.
fn spec_of(m: &BackendModel, b: &Backend, cmd: &ServerCommand) -> Option<(String, Span)> {
    if let Some(a) = &cmd.args.app {
        return Some((a.text.clone(), a.span));
    }
    if cmd.kind != ServerKind::Gunicorn {
        return None;
    }
    let cfg = b
        .gunicorn_config
        .and_then(|f| m.gunicorn.iter().find(|(id, _)| *id == f))?;
    let v = cfg.1.get("wsgi_app")?;
    v.value.as_str().map(|s| (s.to_owned(), v.span))
}

fn judge_backend(db: &mut SourceDb, m: &BackendModel, app: &mut PyApp, cx: &Cx, b: &Backend) -> Option<SpecProblem> {
    let cmd = b.command.as_deref()?;
    if cmd.kind == ServerKind::PythonScript && b.server == "uvicorn" {
        return judge_script(db, m, app, cx, b, cmd);
    }
    let server = match cmd.kind {
        ServerKind::Gunicorn => "gunicorn",
        ServerKind::Uvicorn => "uvicorn",
        ServerKind::Hypercorn => "hypercorn",
        ServerKind::Daphne => "daphne",
        _ => return None,
    };
    let (spec, span) = spec_of(m, b, cmd)?;
    let (module, attribute, written) = parse_spec(cmd.kind, &spec)?;
    let mut start = start_of(db, m, cx, b, cmd)?;
    // gunicorn: `--chdir`, else the config file's `chdir`.
    let cfg = b
        .gunicorn_config
        .and_then(|f| m.gunicorn.iter().find(|(id, _)| *id == f))
        .map(|(_, c)| c);
    let mut chdir: Option<(String, Span, String)> = None;
    if cmd.kind == ServerKind::Gunicorn {
        if let Some(c) = &cmd.args.chdir {
            chdir = Some((c.text.clone(), c.span, format!("--chdir {}", c.text)));
        } else if let Some(v) = cfg.and_then(|c| c.get("chdir")) {
            let Value::Str(s) = &v.value else { return None };
            chdir = Some((s.clone(), v.span, format!("chdir = \"{s}\"")));
        }
    }
    if let Some((dir, span, why)) = chdir {
        if has_var(&dir) {
            return None;
        }
        start.locs = cx.go(&start.locs, &dir, &start.launcher_dir);
        if dir.starts_with('/') && start.locs.iter().all(|l| matches!(l, Loc::Repo(_))) {
            // The working directory before `--chdir` no longer matters.
            start.notes.clear();
            start.notes.push(assumed(cx, &dir, &start.locs));
        }
        start.why.push((why, span));
    }
    if start.locs.is_empty() {
        return None;
    }
    // Folders added to sys.path.
    let mut extra: Vec<(String, Span)> = std::mem::take(&mut start.pythonpath);
    if let Some(p) = &cmd.args.pythonpath {
        if cmd.kind == ServerKind::Gunicorn {
            extra.extend(p.text.split(',').map(|e| (e.trim().to_owned(), p.span)));
        } else {
            extra.push((p.text.clone(), p.span));
        }
    } else if cmd.kind == ServerKind::Gunicorn
        && let Some(v) = cfg.and_then(|c| c.get("pythonpath"))
    {
        match &v.value {
            Value::Str(s) => extra.extend(s.split(',').map(|e| (e.trim().to_owned(), v.span))),
            _ => start.path_unknown = true,
        }
    }
    let mut entries: Vec<Loc> = Vec::new();
    for (e, _) in extra.iter().filter(|(e, _)| !e.is_empty()) {
        if has_var(e) {
            start.path_unknown = true;
            continue;
        }
        for l in cx.go(&start.locs, e, &start.launcher_dir) {
            if !entries.contains(&l) {
                entries.push(l);
            }
        }
    }
    for l in &start.locs {
        if !entries.contains(l) {
            entries.push(l.clone());
        }
    }
    let parts: Vec<&str> = module.split('.').collect();
    let searched: Vec<String> = entries.iter().map(|l| l.display(cx)).collect();
    let kind = match resolve(&entries, &parts, &cx.fence) {
        Resolved::Files(files) => missing_attribute(db, app, &cx.fence, &files, &attribute)?,
        Resolved::Namespace => return None,
        Resolved::Missing { depth } => {
            if start.path_unknown {
                return None;
            }
            missing_module(cx, app, &entries, &start.locs, &parts, depth)?
        }
    };
    Some(SpecProblem {
        server,
        spec,
        span,
        module,
        attribute,
        default_attribute: !written,
        decided_by: start.why,
        searched,
        notes: start.notes,
        dir_option: match cmd.kind {
            ServerKind::Gunicorn => Some("--chdir"),
            ServerKind::Uvicorn => Some("--app-dir"),
            _ => None,
        },
        kind,
    })
}

/// The script a `python script.py` launcher runs, as the backend model read
/// it (a file of the source database whose path ends with the script's).
fn script_file(db: &SourceDb, cx: &Cx, b: &Backend, script: &str) -> Option<FileId> {
    if has_var(script) {
        return None;
    }
    let launcher_dir = db
        .get(b.span.file)
        .path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let bases = cx.bases(&launcher_dir);
    let wanted: Vec<&str> = script.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
    let tail = |p: &Path| crate::text::common_tail(p, &wanted);
    let mut best: Vec<(usize, FileId)> = db
        .iter()
        .filter(|(_, f)| f.path.extension().is_some_and(|e| e == "py"))
        .filter(|(_, f)| bases.iter().any(|d| normalize(&f.path).starts_with(d)))
        .map(|(id, f)| (tail(&f.path), id))
        .filter(|(n, _)| *n > 0)
        .collect();
    // The same file may be read twice (by the backend model and by the
    // dependency check): one id per path.
    let mut seen = HashSet::new();
    best.retain(|(_, id)| seen.insert(normalize(&db.get(*id).path)));
    best.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
    match best.as_slice() {
        [(n, id), rest @ ..] if rest.first().is_none_or(|(m, _)| m < n) => Some(*id),
        _ => None,
    }
}

/// `python app/run.py` whose code calls `uvicorn.run("main:app")`: Python
/// puts the script's folder first on `sys.path` (the working directory is
/// not on it), so the module is looked up there.
fn judge_script(
    db: &mut SourceDb,
    m: &BackendModel,
    app: &mut PyApp,
    cx: &Cx,
    b: &Backend,
    cmd: &ServerCommand,
) -> Option<SpecProblem> {
    if cmd.wrappers.iter().any(|w| w.text == "-m") {
        return None;
    }
    let script = cmd.script.as_ref()?;
    let file = script_file(db, cx, b, &script.text)?;
    let module = crate::parse::python::parse_script(file, &db.get(file).text);
    let server = crate::model::code::python_server(&module, &|_| None)?;
    let call = module.calls.iter().find(|c| c.span == server.span)?;
    if call.args.iter().any(|a| a.keyword.as_deref() == Some("app_dir")) {
        return None;
    }
    let target = call
        .args
        .iter()
        .find(|a| a.keyword.as_deref() == Some("app"))
        .or_else(|| call.args.iter().find(|a| a.keyword.is_none()))?;
    let Value::Str(spec) = &target.value.value else {
        return None;
    };
    let (module_name, attribute, written) = parse_spec(ServerKind::Uvicorn, spec)?;
    let dir = normalize(db.get(file).path.parent().unwrap_or(Path::new("")));
    let mut entries = vec![Loc::Repo(dir)];
    // `PYTHONPATH` from the launcher comes first.
    let mut path_unknown = false;
    let launcher_dir = db
        .get(b.span.file)
        .path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let env = launch_of(m, b)
        .and_then(|(_, l)| l.env_var("PYTHONPATH"))
        .map(|v| v.value.clone())
        .or_else(|| {
            m.pm2
                .iter()
                .filter(|(f, _)| *f == b.span.file)
                .flat_map(|(_, p)| p.apps.iter())
                .find(|a| contains(a.span, b.span))
                .and_then(|a| crate::model::pm2::env_value(a, None, "PYTHONPATH"))
                .map(|v| v.value.clone())
        })
        .or_else(|| cmd.env_var("PYTHONPATH").map(|e| Value::Str(e.value.text.clone())));
    if launch_of(m, b).is_some_and(|(_, l)| !l.env_files.is_empty()) {
        path_unknown = true;
    }
    match env {
        Some(Value::Str(p)) => {
            for e in p.split(':').filter(|e| !e.is_empty()) {
                if has_var(e) || !e.starts_with('/') {
                    path_unknown = true;
                } else {
                    entries.extend(cx.map_abs(e, &launcher_dir));
                }
            }
        }
        Some(_) => path_unknown = true,
        None => {}
    }
    let parts: Vec<&str> = module_name.split('.').collect();
    let searched: Vec<String> = entries.iter().map(|l| l.display(cx)).collect();
    let kind = match resolve(&entries, &parts, &cx.fence) {
        Resolved::Files(files) => missing_attribute(db, app, &cx.fence, &files, &attribute)?,
        Resolved::Namespace => return None,
        Resolved::Missing { depth } => {
            if path_unknown {
                return None;
            }
            missing_module(cx, app, &entries, &entries[..1], &parts, depth)?
        }
    };
    let shown = db.get(file).display.clone();
    Some(SpecProblem {
        server: "uvicorn",
        spec: spec.clone(),
        span: target.value.span,
        module: module_name,
        attribute,
        default_attribute: !written,
        decided_by: vec![(format!("`python {}` runs the script", script.text), script.span)],
        searched,
        notes: vec![format!(
            "Python puts the folder of the script it runs (`{shown}`) first on `sys.path`, not the working directory"
        )],
        dir_option: None,
        kind,
    })
}

enum Resolved {
    /// The module's files (one per folder that has it).
    Files(Vec<PathBuf>),
    /// A namespace package (a folder without `__init__.py`), or a compiled
    /// module: not judged further.
    Namespace,
    /// Not found: the first dotted part missing everywhere.
    Missing { depth: usize },
}

/// Find a dotted module in the folders Python searches. Packages are
/// merged across folders (as namespace packages are), which can only find
/// more than Python does.
fn resolve(entries: &[Loc], parts: &[&str], fence: &Roots) -> Resolved {
    let mut files = Vec::new();
    let mut namespace = false;
    let mut depth = 0;
    for e in entries {
        for i in 0..parts.len() {
            let rel: PathBuf = parts[..=i].iter().collect();
            // Behind a symlink out of the checked folders: not looked at,
            // so nothing is claimed about it (as for an opaque image path).
            if e.opaque(&rel) || e.fenced_out(&rel, fence) {
                namespace = true;
                break;
            }
            if i + 1 < parts.len() {
                if !e.has_dir(&rel, fence) {
                    if e.has_compiled(&rel, fence) {
                        namespace = true;
                    }
                    depth = depth.max(i);
                    break;
                }
                continue;
            }
            let mut found = e.files(&rel.join("__init__.py"), fence);
            found.extend(e.files(&rel.with_extension("py"), fence));
            if !found.is_empty() {
                files.extend(found);
            } else if e.has_dir(&rel, fence) || e.has_compiled(&rel, fence) {
                namespace = true;
            } else {
                depth = depth.max(i);
            }
        }
    }
    if !files.is_empty() {
        files.dedup();
        Resolved::Files(files)
    } else if namespace {
        Resolved::Namespace
    } else {
        Resolved::Missing { depth }
    }
}

/// Edit distance with adjacent transpositions (optimal string alignment):
/// `mian` is one edit from `main`.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for i in 0..=a.len() {
        d[i * w] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(w) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
        }
    }
    d[a.len() * w + b.len()]
}

/// The closest name within a typo's distance.
fn closest<'a>(want: &str, names: impl Iterator<Item = &'a str>) -> Option<String> {
    let limit = if want.chars().count() <= 4 { 1 } else { 2 };
    names
        .filter(|n| *n != want)
        .map(|n| (distance(want, n), n))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, n)| n.to_owned())
}

fn missing_module(
    cx: &Cx,
    app: &PyApp,
    entries: &[Loc],
    cwd: &[Loc],
    parts: &[&str],
    depth: usize,
) -> Option<ProblemKind> {
    let top = parts.first()?;
    let missing_name = parts[..=depth.min(parts.len() - 1)].join(".");
    if cx.installed.contains(*top) || crate::model::pydata::is_stdlib(top, crate::model::deps::NEWEST_PYTHON) {
        return None;
    }
    // The module from another folder of the repository.
    let as_file: PathBuf = parts.iter().collect::<PathBuf>().with_extension("py");
    let as_pkg: PathBuf = parts.iter().collect::<PathBuf>().join("__init__.py");
    let mut hits: Vec<&PathBuf> = app
        .files
        .iter()
        .filter(|f| f.ends_with(&as_file) || f.ends_with(&as_pkg))
        .filter(|f| {
            !f.components().any(|c| {
                let n = c.as_os_str().to_string_lossy();
                NOT_APP_DIRS.contains(&n.as_ref())
            })
        })
        .collect();
    hits.sort_by_key(|f| f.components().count());
    if let Some(hit) = hits.first() {
        let up = parts.len() + usize::from(hit.ends_with(&as_pkg));
        let mut root = hit.as_path();
        for _ in 0..up {
            root = root.parent()?;
        }
        let root = normalize(root);
        if project_installs(cx, &root) {
            return None;
        }
        // Relative to the working directory, when below it.
        let mut folder = None;
        let mut dotted = None;
        for l in cwd {
            // The folder that would have to be searched, from the working
            // directory (in the image: where a `COPY` put it).
            let rel: Option<PathBuf> = match l {
                Loc::Repo(d) => root.strip_prefix(d).ok().map(Path::to_path_buf),
                Loc::Image { path, mounts } => mounts.iter().find_map(|m| {
                    let src = m.src.as_ref()?;
                    let inner = root.strip_prefix(src).ok()?;
                    let at = join_str(&m.at, &inner.to_string_lossy());
                    let base = format!("{}/", path.trim_end_matches('/'));
                    at.strip_prefix(&base).map(PathBuf::from)
                }),
            };
            if let Some(rel) = rel {
                let comps: Vec<String> = rel
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if comps.is_empty() {
                    continue;
                }
                folder = Some(comps.join("/"));
                if comps.iter().all(|c| is_identifier(c)) {
                    dotted = Some(format!("{}.{}", comps.join("."), parts.join(".")));
                }
                break;
            }
        }
        return Some(ProblemKind::MissingModule {
            missing: missing_name,
            elsewhere: Some(Elsewhere {
                file: cx
                    .roots
                    .iter()
                    .find_map(|r| normalize(hit).strip_prefix(r).ok().map(Path::to_path_buf))
                    .map_or_else(
                        || crate::source::display_path(hit),
                        |p| p.to_string_lossy().replace('\\', "/"),
                    ),
                folder,
                dotted,
            }),
            close: None,
        });
    }
    // A close name where Python looks.
    let missing = parts.get(depth)?;
    let parent: PathBuf = parts[..depth].iter().collect();
    let mut names: Vec<String> = entries.iter().flat_map(|e| e.names_in(&parent, &cx.fence)).collect();
    names.sort();
    names.dedup();
    let close = closest(missing, names.iter().map(String::as_str));
    // Inside a regular package of the repository, a missing submodule is
    // certain; elsewhere only a close name makes a typo likely.
    let in_regular_package = depth > 0
        && entries
            .iter()
            .any(|e| !e.files(&parent.join("__init__.py"), &cx.fence).is_empty());
    if close.is_none() && !in_regular_package {
        return None;
    }
    let close = close.map(|c| {
        let mut p: Vec<String> = parts[..depth].iter().map(|s| (*s).to_owned()).collect();
        p.push(c);
        p.join(".")
    });
    Some(ProblemKind::MissingModule {
        missing: missing_name,
        elsewhere: None,
        close,
    })
}

/// Whether a packaging file may install the folder `root` holds as import
/// root (src layout, or a folder the packaging file names).
fn project_installs(cx: &Cx, root: &Path) -> bool {
    let name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut d = root.parent();
    while let Some(x) = d {
        if !cx.inside(x) {
            break;
        }
        for f in ["pyproject.toml", "setup.py", "setup.cfg"] {
            let p = x.join(f);
            if p.is_file() && cx.fence.contains(&p) {
                if name == "src" {
                    return true;
                }
                if let Ok(bytes) = crate::source::read_bounded(&p)
                    && let text = String::from_utf8_lossy(&bytes)
                    && (text.contains(&format!("\"{name}\"")) || text.contains(&format!("'{name}'")))
                {
                    return true;
                }
            }
        }
        d = x.parent();
    }
    false
}

/// The module's parse, from the Python app's index when it has the file;
/// a file outside the checked folders is not read.
fn parsed(db: &mut SourceDb, app: &mut PyApp, fence: &Roots, path: &Path) -> Option<(FileId, Module)> {
    if let Ok(i) = app.files.binary_search_by(|f| f.as_path().cmp(path)) {
        return app.parsed(db, i).cloned();
    }
    if let Some(id) = db.find(path) {
        return Some((id, crate::parse::python::parse_module(id, &db.get(id).text)));
    }
    if !fence.contains(path) {
        return None;
    }
    let bytes = crate::source::read_bounded(path).ok()?;
    let id = db.add(SourceFile::new(
        path.to_path_buf(),
        crate::source::display_path(path),
        bytes,
    ));
    Some((id, crate::parse::python::parse_module(id, &db.get(id).text)))
}

/// App objects by the constructor that makes them (for suggestions).
const APP_MAKERS: &[&str] = &[
    "Flask",
    "FastAPI",
    "Starlette",
    "Quart",
    "Litestar",
    "Sanic",
    "Bottle",
    "Falcon",
    "get_wsgi_application",
    "get_asgi_application",
    "ProtocolTypeRouter",
    "ASGIApp",
    "WSGIApp",
    "create_app",
    "make_app",
    "default_app",
    "WhiteNoise",
    "DispatcherMiddleware",
    "ProxyFix",
];

fn missing_attribute(
    db: &mut SourceDb,
    app: &mut PyApp,
    fence: &Roots,
    files: &[PathBuf],
    name: &str,
) -> Option<ProblemKind> {
    let mut first: Option<(FileId, Option<(String, Span)>)> = None;
    for f in files {
        let (id, module) = parsed(db, app, fence, f)?;
        if module.error.is_some() {
            return None;
        }
        let text = db.get(id).text.clone();
        if binds(&module, name) || dynamic(&module, &text, name) || mentions(&text, name) {
            return None;
        }
        // A package's submodule is an attribute once anything imports it.
        if f.ends_with("__init__.py")
            && let Some(dir) = f.parent()
            && (dir.join(format!("{name}.py")).is_file() || dir.join(name).is_dir())
        {
            return None;
        }
        if first.is_none() {
            let bound: Vec<(&str, Span)> = module
                .assignments
                .iter()
                .map(|a| (a.target.value.as_str(), a.target.span))
                .chain(module.bindings.iter().map(|b| (b.name.value.as_str(), b.name.span)))
                .filter(|(n, _)| !n.starts_with('_'))
                .collect();
            let span_of = |n: &str| bound.iter().find(|(b, _)| *b == n).map(|(_, s)| *s);
            let nearest = closest(name, bound.iter().map(|(n, _)| *n))
                .and_then(|n| span_of(&n).map(|s| (n, s)))
                .or_else(|| {
                    module.assignments.iter().find_map(|a| {
                        let v = text.get(a.value.span.range())?;
                        let callee = v.split('(').next()?.trim();
                        let last = callee.rsplit('.').next()?;
                        (v.contains('(') && APP_MAKERS.contains(&last) && !a.target.value.starts_with('_'))
                            .then(|| (a.target.value.clone(), a.target.span))
                    })
                });
            first = Some((id, nearest));
        }
    }
    let (file, nearest) = first?;
    Some(ProblemKind::MissingAttribute { file, nearest })
}

/// A top-level assignment, `def`, `class` or import binds `name`.
fn binds(m: &Module, name: &str) -> bool {
    m.assignments.iter().any(|a| a.target.value == name)
        || m.bindings.iter().any(|b| {
            b.name.value == name
                && matches!(
                    b.kind,
                    BindingKind::Function | BindingKind::Class | BindingKind::Import(_)
                )
        })
}

/// The module may bind names lint502 cannot list: `from x import *`, a
/// module `__getattr__`, `globals()`, `setattr`, `exec`, `global name`.
fn dynamic(m: &Module, text: &str, name: &str) -> bool {
    let star = m
        .imports
        .iter()
        .any(|i| i.kind == ImportKind::From && i.names.is_empty() && !i.context.function);
    star || [
        "import *",
        "__getattr__",
        "globals()",
        "setattr(",
        "exec(",
        "vars()",
        "locals()",
        "sys.modules",
        "__dict__",
        "__all__",
    ]
    .iter()
    .any(|p| text.contains(p))
        || text
            .lines()
            .any(|l| l.trim_start().starts_with("global ") && mentions(l.trim_start(), name))
}

/// `name` appears in the code as a word (comments and strings left out,
/// attribute access `x.name` and the module path of `from x.name import`
/// too): it may be bound in a way the parser does not list.
fn mentions(text: &str, name: &str) -> bool {
    let code = code_only(text);
    for line in code.lines() {
        let t = line.trim_start();
        let t = match t.strip_prefix("from ") {
            Some(rest) => rest.split_once(" import ").map_or("", |(_, names)| names),
            None => t,
        };
        let bytes = t.as_bytes();
        let mut i = 0;
        while let Some(at) = t[i..].find(name) {
            let s = i + at;
            let e = s + name.len();
            let before = t[..s].chars().next_back();
            let after = t[e..].chars().next();
            let word = !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
                && !after.is_some_and(|c| c.is_alphanumeric() || c == '_');
            if word {
                return true;
            }
            i = e;
            if i >= bytes.len() {
                break;
            }
        }
    }
    false
}

/// The text with comments and string literals blanked (lengths kept).
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'#' {
            while i < b.len() && b[i] != b'\n' {
                out.push(' ');
                i += 1;
            }
            continue;
        }
        if c == b'\'' || c == b'"' {
            let triple = i + 2 < b.len() && b[i + 1] == c && b[i + 2] == c;
            let q = if triple { 3 } else { 1 };
            out.push_str(&" ".repeat(q));
            i += q;
            while i < b.len() {
                if b[i] == b'\\' {
                    out.push_str("  ");
                    i += 2;
                    continue;
                }
                if b[i] == c && (!triple || (i + 2 < b.len() && b[i + 1] == c && b[i + 2] == c)) {
                    out.push_str(&" ".repeat(q));
                    i += q;
                    break;
                }
                if b[i] == b'\n' && !triple {
                    break;
                }
                out.push(if b[i] == b'\n' { '\n' } else { ' ' });
                i += 1;
            }
            continue;
        }
        // Keep multi-byte characters whole.
        let ch = text[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8().max(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs() {
        let g = |s| parse_spec(ServerKind::Gunicorn, s);
        assert_eq!(g("main:app"), Some(("main".into(), "app".into(), true)));
        assert_eq!(g("pkg.wsgi"), Some(("pkg.wsgi".into(), "application".into(), false)));
        assert_eq!(
            g("app:create_app(debug=True)"),
            Some(("app".into(), "create_app".into(), true))
        );
        assert_eq!(g("$APP"), None);
        assert_eq!(g("main:app.server"), None);
        let u = |s| parse_spec(ServerKind::Uvicorn, s);
        assert_eq!(u("main"), None);
        assert_eq!(u("main:app.server"), Some(("main".into(), "app".into(), true)));
        let h = |s| parse_spec(ServerKind::Hypercorn, s);
        assert_eq!(h("asgi:main:app"), Some(("main".into(), "app".into(), true)));
        assert_eq!(h("main"), Some(("main".into(), "app".into(), false)));
        assert_eq!(h("src/main.py:app"), None);
    }

    #[test]
    fn paths_and_words() {
        assert_eq!(join_str("/app", "src"), "/app/src");
        assert_eq!(join_str("/app", "/code"), "/code");
        assert_eq!(join_str("/app", "../x/./y"), "/x/y");
        assert_eq!(normalize(Path::new("a/./b/../c")), PathBuf::from("a/c"));
        assert_eq!(distance("mian", "main"), 1);
        assert_eq!(distance("app", "application"), 8);
        assert_eq!(distance("", "ab"), 2);
        assert_eq!(closest("app", ["api", "application"].into_iter()), Some("api".into()));
        assert_eq!(closest("app", ["application"].into_iter()), None);
        assert_eq!(script_dir_rest("\"$(dirname \"$0\")/..\""), Some(".."));
        assert_eq!(script_dir_rest("$(dirname $0)"), Some(""));
        assert_eq!(script_dir_rest("/srv/app"), None);
    }

    #[test]
    fn mentions_skip_strings_comments_and_attributes() {
        let text = "# app here\nx = 'app'\napplication = make()\nrequest.app\nfrom app.main import thing\n";
        assert!(!mentions(text, "app"));
        assert!(mentions("app, other = make()\n", "app"));
        assert!(mentions("with make() as app:\n    pass\n", "app"));
        assert!(mentions("from x import app\n", "app"));
        assert!(!mentions("s = \"\"\"\napp\n\"\"\"\n", "app"));
    }

    fn tree(tag: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("lint502-appspec-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (p, text) in files {
            let path = dir.join(p);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    #[test]
    fn modules_in_folders_and_images() {
        let dir = tree(
            "resolve",
            &[
                ("app/main.py", "app = 1\n"),
                ("pkg/__init__.py", ""),
                ("pkg/wsgi.py", ""),
                ("ns/mod.py", ""),
                ("src/svc/api.py", ""),
            ],
        );
        let here = vec![Loc::Repo(dir.clone())];
        assert!(matches!(
            resolve(&here, &["main"], &Roots::unbounded()),
            Resolved::Missing { depth: 0 }
        ));
        assert!(matches!(
            resolve(&here, &["app", "main"], &Roots::unbounded()),
            Resolved::Files(_)
        ));
        assert!(matches!(
            resolve(&here, &["pkg", "nope"], &Roots::unbounded()),
            Resolved::Missing { depth: 1 }
        ));
        assert!(matches!(
            resolve(&here, &["ns"], &Roots::unbounded()),
            Resolved::Namespace
        ));
        let image = Loc::Image {
            path: "/code".into(),
            mounts: vec![Mount {
                at: "/code/src".into(),
                src: Some(dir.join("src")),
            }],
        };
        assert!(matches!(
            resolve(
                std::slice::from_ref(&image),
                &["src", "svc", "api"],
                &Roots::unbounded()
            ),
            Resolved::Files(_)
        ));
        assert!(matches!(
            resolve(&[image], &["svc", "api"], &Roots::unbounded()),
            Resolved::Missing { .. }
        ));
        let from_stage = Loc::Image {
            path: "/code".into(),
            mounts: vec![Mount {
                at: "/code".into(),
                src: None,
            }],
        };
        assert!(matches!(
            resolve(&[from_stage], &["anything"], &Roots::unbounded()),
            Resolved::Namespace
        ));
        let cx = Cx {
            roots: vec![dir.clone()],
            fence: Roots::unbounded(),
            dirs: vec![dir.clone(), dir.join("app"), dir.join("src"), dir.join("src/svc")],
            installed: HashSet::new(),
        };
        assert_eq!(
            cx.map_abs("/srv/shop/src", &dir.join("deploy")),
            vec![
                Loc::Repo(dir.clone()),
                Loc::Repo(dir.join("deploy")),
                Loc::Repo(dir.join("src"))
            ]
        );
        assert_eq!(cx.go(&here, "app", &dir), vec![Loc::Repo(dir.join("app"))]);
        assert_eq!(cx.go(&here, "missing", &dir), Vec::<Loc>::new());
        assert_eq!(cx.go(&here, "..", &dir), Vec::<Loc>::new());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn bindings_and_dynamic_modules() {
        let m = |src: &str| crate::parse::python::parse_module(FileId(0), src);
        let text = "from flask import Flask\napplication = Flask(__name__)\n";
        assert!(binds(&m(text), "application"));
        assert!(!binds(&m(text), "app") && !dynamic(&m(text), text, "app") && !mentions(text, "app"));
        let star = "from application import *\n";
        assert!(dynamic(&m(star), star, "app"));
        let getattr = "def __getattr__(name):\n    return 1\n";
        assert!(dynamic(&m(getattr), getattr, "app"));
        let global = "def init():\n    global app\n    app = make()\ninit()\n";
        assert!(dynamic(&m(global), global, "app"));
    }

    #[test]
    fn dockerfile_copies() {
        let text = "FROM python:3.12 AS build\nRUN pip wheel .\nFROM python:3.12-slim\nWORKDIR /code\n\
                    COPY ./requirements.txt /code/\nCOPY ./app \\\n  /code/app\nCMD [\"uvicorn\", \"app.main:app\"]\n";
        let start = text.find("FROM python:3.12-slim").unwrap_or(0);
        let copies = docker_copies(text, Span::new(FileId(0), start, text.len())).unwrap_or_default();
        let got: Vec<(String, String, bool)> = copies
            .iter()
            .map(|c| (c.srcs.join(" "), c.dest.clone(), c.dest_is_dir))
            .collect();
        assert_eq!(
            got,
            vec![
                ("./requirements.txt".into(), "/code".into(), true),
                ("./app".into(), "/code/app".into(), false)
            ]
        );
        let from_stage = "FROM python AS base\nCOPY . /app\nFROM base\nCMD gunicorn app:app\n";
        let start = from_stage.find("FROM base").unwrap_or(0);
        assert!(docker_copies(from_stage, Span::new(FileId(0), start, from_stage.len())).is_none());
    }
}
