//! The Python application in a repository: its files, the folders Python
//! would import them from, which modules are first-party, and which files
//! run when a launcher loads the app (module-level imports followed from the
//! entrypoint).
//!
//! Import roots (folders on `sys.path`), named assumptions:
//! - the checked folder itself, and `src/` in it;
//! - every folder without `__init__.py` that holds a package (a folder with
//!   `__init__.py`): the usual parent of a project's top-level packages
//!   (NetBox's `netbox/`, a Django project's folder of `manage.py`);
//! - the folder that makes an entrypoint module resolve (`netbox.wsgi`
//!   found at `netbox/netbox/wsgi.py` makes `netbox/` a root).
//!
//! First-party modules are the packages (folders with `__init__.py`, or
//! namespace packages: folders holding `.py` files) and `.py` files directly
//! in a root. They are never reported as missing.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, mpsc};

use crate::parse::python::{Import, Module};
use crate::source::{FileId, SourceDb, SourceFile};

/// More Python files than this are not indexed (a guard against vendored
/// trees and hostile input).
pub const MAX_PY_FILES: usize = 50_000;

/// At most this many threads parse Python files at once.
pub const PARSE_THREADS: usize = 8;

#[derive(Debug, Default)]
pub struct PyApp {
    /// Every `.py` file found, sorted.
    pub files: Vec<PathBuf>,
    pub roots: Vec<PathBuf>,
    /// Top-level names importable from a root.
    pub first_party: HashSet<String>,
    /// Parsed files, by index into `files`.
    parsed: HashMap<usize, (FileId, Module)>,
    by_path: HashMap<PathBuf, usize>,
}

/// How a file is reached from the entrypoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    /// Imported while the app loads (module-level imports all the way).
    Boot,
    /// Imported only when some function runs.
    Runtime,
}

impl PyApp {
    /// Find the Python files under `roots` (the checked paths).
    pub fn scan(checked: &[PathBuf]) -> PyApp {
        let mut files = Vec::new();
        let mut bases = Vec::new();
        for root in checked {
            let base = if root.is_file() {
                root.parent().map(Path::to_path_buf).unwrap_or_default()
            } else {
                root.clone()
            };
            bases.push(base.clone());
            let walker = walkdir::WalkDir::new(&base)
                .follow_links(true)
                .sort_by_file_name()
                .into_iter()
                .filter_entry(|e| {
                    !(e.file_type().is_dir() && e.depth() > 0 && crate::discover::is_skipped_dir(e.path()))
                });
            files.extend(
                walker
                    .flatten()
                    .filter(|e| e.file_type().is_file())
                    .map(|e| e.into_path()),
            );
        }
        PyApp::from_files(&bases, &files)
    }

    /// As [`PyApp::scan`], from the files a walk of `checked` already found
    /// ([`crate::discover::walk`]: symlinks followed, skipped folders left
    /// out). A file named in `checked` stands for its folder, which the
    /// walk did not enter: that folder is walked here.
    pub fn from_files(checked: &[PathBuf], walked: &[PathBuf]) -> PyApp {
        let mut app = PyApp::default();
        let mut dirs_with_py: HashSet<PathBuf> = HashSet::new();
        let mut extra: Vec<PathBuf> = Vec::new();
        // Each folder once: `lint502 check $(git ls-files)` names hundreds of files in a few folders,
        // and walking a file's folder once per file was quadratic (942 corpus files: 4.6 s).
        let mut seen_bases: HashSet<PathBuf> = HashSet::new();
        for root in checked {
            let base = if root.is_file() {
                let base = root.parent().map(Path::to_path_buf).unwrap_or_default();
                if !seen_bases.insert(base.clone()) {
                    continue;
                }
                extra.extend(PyApp::scan(std::slice::from_ref(&base)).files);
                base
            } else {
                if !seen_bases.insert(root.clone()) {
                    continue;
                }
                root.clone()
            };
            app.add_root(&base);
            let src = base.join("src");
            if src.is_dir() {
                app.add_root(&src);
            }
        }
        for p in walked.iter().chain(&extra) {
            if app.files.len() >= MAX_PY_FILES {
                break;
            }
            if p.extension().is_some_and(|e| e == "py") {
                if let Some(parent) = p.parent() {
                    dirs_with_py.insert(parent.to_path_buf());
                }
                app.files.push(p.clone());
            }
        }
        app.files.sort();
        app.files.dedup();
        // Parents of top-level packages.
        let known: HashSet<&Path> = app.files.iter().map(PathBuf::as_path).collect();
        let has_init = |d: &Path| known.contains(d.join("__init__.py").as_path());
        let mut parents: Vec<PathBuf> = dirs_with_py
            .iter()
            .filter(|d| has_init(d))
            .filter_map(|d| d.parent().map(Path::to_path_buf))
            .filter(|p| !has_init(p))
            .collect();
        parents.sort();
        parents.dedup();
        for p in parents {
            app.add_root(&p);
        }
        app.by_path = app.files.iter().enumerate().map(|(i, p)| (p.clone(), i)).collect();
        app.first_party = app.top_names();
        app
    }

    fn add_root(&mut self, dir: &Path) {
        if !self.roots.iter().any(|r| r == dir) {
            self.roots.push(dir.to_path_buf());
        }
    }

    /// The top-level names importable from the roots.
    fn top_names(&self) -> HashSet<String> {
        let mut names = HashSet::new();
        let roots: HashSet<&Path> = self.roots.iter().map(PathBuf::as_path).collect();
        for f in &self.files {
            // A file directly in a root, or in a folder directly in a root
            // (a package or a namespace package).
            let Some(parent) = f.parent() else { continue };
            if roots.contains(parent)
                && let Some(stem) = f.file_stem().and_then(|s| s.to_str())
            {
                names.insert(stem.to_owned());
            }
            let mut dir = parent;
            while let Some(up) = dir.parent() {
                if roots.contains(up)
                    && let Some(n) = dir.file_name().and_then(|s| s.to_str())
                {
                    names.insert(n.to_owned());
                }
                dir = up;
                if dir.as_os_str().is_empty() {
                    break;
                }
            }
        }
        names
    }

    /// Whether a top-level module name is the app's own.
    pub fn is_first_party(&self, top: &str) -> bool {
        self.first_party.contains(top)
    }

    /// The file of a dotted module, from any root (a module file, or a
    /// package's `__init__.py`).
    pub fn resolve(&self, dotted: &str) -> Option<usize> {
        if dotted.is_empty() {
            return None;
        }
        let rel: PathBuf = dotted.split('.').collect();
        for root in &self.roots {
            let base = root.join(&rel);
            let file = base.with_extension("py");
            if let Some(i) = self.by_path.get(&file) {
                return Some(*i);
            }
            if let Some(i) = self.by_path.get(&base.join("__init__.py")) {
                return Some(*i);
            }
        }
        None
    }

    /// Resolve an entrypoint module that may live under a root lint502 did
    /// not guess: any file whose path ends with the module's path makes its
    /// folder a root.
    pub fn resolve_entry(&mut self, dotted: &str) -> Option<usize> {
        if let Some(i) = self.resolve(dotted) {
            return Some(i);
        }
        let parts: Vec<&str> = dotted.split('.').collect();
        let as_file: PathBuf = parts.iter().collect::<PathBuf>().with_extension("py");
        let as_pkg: PathBuf = parts.iter().collect::<PathBuf>().join("__init__.py");
        let found = self
            .files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.ends_with(&as_file) || f.ends_with(&as_pkg))
            .min_by_key(|(_, f)| f.components().count())
            .map(|(i, f)| (i, f.clone()))?;
        let (i, f) = found;
        let up = if f.ends_with(&as_pkg) {
            parts.len() + 1
        } else {
            parts.len()
        };
        let mut root = f.as_path();
        for _ in 0..up {
            root = root.parent()?;
        }
        let root = root.to_path_buf();
        self.add_root(&root);
        self.first_party = self.top_names();
        Some(i)
    }

    /// The dotted module of a file (relative to the first root holding it).
    pub fn module_of(&self, i: usize) -> Option<String> {
        let f = self.files.get(i)?;
        let root = self
            .roots
            .iter()
            .filter(|r| f.starts_with(r))
            .max_by_key(|r| r.components().count())?;
        let rel = f.strip_prefix(root).ok()?;
        let mut parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let last = parts.pop()?;
        if last != "__init__.py" {
            parts.push(last.trim_end_matches(".py").to_owned());
        }
        Some(parts.join("."))
    }

    /// Parse a file once (reading it into the source database).
    pub fn parsed(&mut self, db: &mut SourceDb, i: usize) -> Option<&(FileId, Module)> {
        if !self.parsed.contains_key(&i) {
            let path = self.files.get(i)?.clone();
            let bytes = crate::source::read_bounded(&path).ok()?;
            let display = crate::source::display_path(&path);
            let id = db.add(SourceFile::new(path, display, bytes));
            let module = crate::parse::python::parse_module(id, &db.get(id).text);
            self.parsed.insert(i, (id, module));
        }
        self.parsed.get(&i)
    }

    /// Read file `i` and hand it to the pool's parsers, unless it is parsed
    /// or on its way. File ids are given here, on the calling thread, in
    /// request order, so they do not depend on timing.
    fn request(&mut self, db: &mut SourceDb, pool: &mut Option<Pool<'_>>, i: usize) {
        let Some(pool) = pool.as_mut() else { return };
        if self.parsed.contains_key(&i) || pool.pending.contains(&i) {
            return;
        }
        let Some(path) = self.files.get(i).cloned() else { return };
        let Ok(bytes) = crate::source::read_bounded(&path) else {
            return;
        };
        let display = crate::source::display_path(&path);
        let id = db.add(SourceFile::new(path, display, bytes));
        if pool.jobs.send((i, id, db.get(id).text.clone())).is_ok() {
            pool.pending.insert(i);
        }
    }

    /// Wait until file `i` is parsed, if the pool has it. While waiting,
    /// this thread parses queued files itself.
    fn wait(&mut self, pool: &mut Option<Pool<'_>>, i: usize) {
        let Some(pool) = pool.as_mut() else { return };
        while pool.pending.contains(&i) {
            let got = match pool.done.try_recv() {
                Ok(r) => Some(r),
                Err(mpsc::TryRecvError::Disconnected) => None,
                Err(mpsc::TryRecvError::Empty) => {
                    // `try_lock`: a worker may hold the lock while it waits for a job.
                    let job = pool.job_rx.try_lock().ok().and_then(|rx| rx.try_recv().ok());
                    match job {
                        Some((j, id, text)) => Some((j, id, crate::parse::python::parse_module(id, &text))),
                        None => pool.done.recv().ok(),
                    }
                }
            };
            let Some((j, id, module)) = got else {
                pool.pending.clear();
                return;
            };
            pool.pending.remove(&j);
            self.parsed.insert(j, (id, module));
        }
    }

    /// The first-party files an import brings in: the module, and for
    /// `from pkg import name`, `pkg/name.py` when it exists.
    pub fn targets(&self, from: usize, imp: &Import) -> Vec<usize> {
        let base = if imp.level > 0 {
            let Some(me) = self.module_of(from) else {
                return Vec::new();
            };
            let is_pkg = self.files.get(from).is_some_and(|f| f.ends_with("__init__.py"));
            let mut parts: Vec<&str> = me.split('.').collect();
            // The package of a module is its parent; a package is its own.
            let drop = imp.level as usize - usize::from(is_pkg);
            if drop > parts.len() {
                return Vec::new();
            }
            parts.truncate(parts.len() - drop);
            let mut m = parts.join(".");
            if !imp.module.is_empty() {
                if !m.is_empty() {
                    m.push('.');
                }
                m.push_str(&imp.module);
            }
            m
        } else {
            imp.module.clone()
        };
        let mut out = Vec::new();
        if let Some(i) = self.resolve(&base) {
            out.push(i);
        }
        for n in &imp.names {
            let sub = if base.is_empty() {
                n.clone()
            } else {
                format!("{base}.{n}")
            };
            if let Some(i) = self.resolve(&sub) {
                out.push(i);
            }
        }
        out
    }

    /// Files reached from the entry files, and how: module-level imports
    /// (not in a function, not under `TYPE_CHECKING`) keep `Boot`; anything
    /// reached through a function-level import is `Runtime`. Extra edges
    /// (string imports such as Django's `INSTALLED_APPS`) come from `extra`.
    pub fn reach(
        &mut self,
        db: &mut SourceDb,
        entries: &[usize],
        extra: &dyn Fn(&mut PyApp, &mut SourceDb, usize) -> Vec<usize>,
    ) -> HashMap<usize, Reach> {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(PARSE_THREADS);
        if threads < 2 {
            return self.reach_with(db, entries, extra, None);
        }
        // Parsing is a pure function of a file's text: files are parsed on
        // worker threads as soon as an import names them, while this thread
        // follows the imports of those already parsed.
        let (jobs, job_rx) = mpsc::channel::<(usize, FileId, String)>();
        let (done_tx, done) = mpsc::channel::<(usize, FileId, Module)>();
        let job_rx = Mutex::new(job_rx);
        std::thread::scope(|s| {
            // This thread parses too, while it waits (see `wait`).
            for _ in 1..threads {
                let done_tx = done_tx.clone();
                let job_rx = &job_rx;
                s.spawn(move || {
                    loop {
                        let job = match job_rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => break,
                        };
                        let Ok((i, id, text)) = job else { break };
                        let module = crate::parse::python::parse_module(id, &text);
                        if done_tx.send((i, id, module)).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(done_tx);
            let pool = Pool {
                jobs,
                job_rx: &job_rx,
                done,
                pending: HashSet::new(),
            };
            // The pool is dropped when this returns: the workers then stop.
            self.reach_with(db, entries, extra, Some(pool))
        })
    }

    fn reach_with(
        &mut self,
        db: &mut SourceDb,
        entries: &[usize],
        extra: &dyn Fn(&mut PyApp, &mut SourceDb, usize) -> Vec<usize>,
        mut pool: Option<Pool<'_>>,
    ) -> HashMap<usize, Reach> {
        let mut seen: HashMap<usize, Reach> = HashMap::new();
        let mut queue: VecDeque<(usize, Reach)> = entries.iter().map(|e| (*e, Reach::Boot)).collect();
        for e in entries {
            self.request(db, &mut pool, *e);
        }
        // Boot first (breadth-first), so a file reached both ways is Boot.
        let mut later: VecDeque<(usize, Reach)> = VecDeque::new();
        while let Some((i, how)) = queue.pop_front().or_else(|| later.pop_front()) {
            match seen.get(&i) {
                Some(r) if *r <= how => continue,
                _ => {}
            }
            seen.insert(i, how);
            self.wait(&mut pool, i);
            let imports: Vec<Import> = match self.parsed(db, i) {
                Some((_, m)) => m.imports.clone(),
                None => continue,
            };
            let mut next_files: Vec<(usize, Reach)> = Vec::new();
            for imp in &imports {
                if imp.context.type_checking {
                    continue;
                }
                let next = if how == Reach::Boot && !imp.context.function {
                    Reach::Boot
                } else {
                    Reach::Runtime
                };
                for t in self.targets(i, imp) {
                    next_files.push((t, next));
                }
            }
            for t in extra(self, db, i) {
                next_files.push((t, how));
            }
            for (t, next) in next_files {
                if !seen.contains_key(&t) {
                    self.request(db, &mut pool, t);
                }
                if next == Reach::Boot {
                    queue.push_back((t, next));
                } else {
                    later.push_back((t, next));
                }
            }
            if seen.len() > MAX_PY_FILES {
                break;
            }
        }
        // Files requested but never needed are still parsed by the workers;
        // their results are collected so the pool ends cleanly.
        if let Some(p) = pool.as_mut() {
            let pending: Vec<usize> = p.pending.iter().copied().collect();
            for i in pending {
                self.wait(&mut pool, i);
            }
        }
        seen
    }
}

/// The parser threads of [`PyApp::reach`]: jobs out, parsed modules back.
struct Pool<'a> {
    jobs: mpsc::Sender<(usize, FileId, String)>,
    job_rx: &'a Mutex<mpsc::Receiver<(usize, FileId, String)>>,
    done: mpsc::Receiver<(usize, FileId, Module)>,
    pending: HashSet<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(tag: &str, files: &[(&str, &str)]) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("lint502-pyapp-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (p, text) in files {
            let path = dir.join(p);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    #[test]
    fn roots_first_party_and_reach() {
        let dir = tree(
            "reach",
            &[
                ("manage.py", "import os\n"),
                ("proj/__init__.py", ""),
                ("proj/wsgi.py", "from .settings import X\nfrom app import views\n"),
                ("proj/settings.py", "X = 1\n"),
                ("app/__init__.py", ""),
                (
                    "app/views.py",
                    "import yaml\nfrom . import helpers\ndef f():\n    from app import slow\n",
                ),
                ("app/helpers.py", "import requests\n"),
                ("app/slow.py", "import pandas\n"),
                ("app/unused.py", "import numpy\n"),
                ("src/lib/__init__.py", ""),
                ("tools/x/__init__.py", ""),
            ],
        );
        let mut app = PyApp::scan(std::slice::from_ref(&dir));
        for n in ["proj", "app", "manage", "lib", "x"] {
            assert!(app.is_first_party(n), "{n} should be first-party");
        }
        assert!(!app.is_first_party("yaml"));
        let mut db = SourceDb::new();
        let entry = app.resolve_entry("proj.wsgi").expect("entry");
        let reach = app.reach(&mut db, &[entry], &|_, _, _| Vec::new());
        let mut got: Vec<(String, Reach)> = reach
            .iter()
            .map(|(i, r)| (app.module_of(*i).unwrap_or_default(), *r))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                ("app".to_string(), Reach::Boot),
                ("app.helpers".to_string(), Reach::Boot),
                ("app.slow".to_string(), Reach::Runtime),
                ("app.views".to_string(), Reach::Boot),
                ("proj.settings".to_string(), Reach::Boot),
                ("proj.wsgi".to_string(), Reach::Boot),
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn parallel_reach_equals_sequential_reach() {
        // A wide tree: 60 modules imported from the entry, each importing two more.
        let mut files: Vec<(String, String)> = vec![("pkg/__init__.py".into(), String::new())];
        let mut entry = String::new();
        for k in 0..60 {
            entry.push_str(&format!("from pkg import m{k}\n"));
            files.push((
                format!("pkg/m{k}.py"),
                format!("import pkg.n{k}\ndef f():\n    import pkg.r{k}\n"),
            ));
            files.push((format!("pkg/n{k}.py"), format!("import dep{k}\n")));
            files.push((format!("pkg/r{k}.py"), "import late\n".into()));
        }
        files.push(("pkg/main.py".into(), entry));
        let refs: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let dir = tree("parallel", &refs);
        let run = |parallel: bool| {
            let mut app = PyApp::scan(std::slice::from_ref(&dir));
            let mut db = SourceDb::new();
            let entry = app.resolve_entry("pkg.main").expect("entry");
            let reach = if parallel {
                app.reach(&mut db, &[entry], &|_, _, _| Vec::new())
            } else {
                app.reach_with(&mut db, &[entry], &|_, _, _| Vec::new(), None)
            };
            let mut got: Vec<(String, Reach, Vec<String>)> = reach
                .iter()
                .map(|(i, r)| {
                    let imports = app
                        .parsed(&mut db, *i)
                        .map(|(_, m)| m.imports.iter().map(|x| x.module.clone()).collect());
                    (app.module_of(*i).unwrap_or_default(), *r, imports.unwrap_or_default())
                })
                .collect();
            got.sort();
            got
        };
        let sequential = run(false);
        assert_eq!(sequential.len(), 2 + 60 * 3, "main, pkg and three modules per branch");
        assert!(sequential.contains(&("pkg.r7".into(), Reach::Runtime, vec!["late".into()])));
        assert_eq!(run(true), sequential);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn entry_under_an_unguessed_root() {
        let dir = tree("entry", &[("deploy/app/server/main.py", "import fastapi\n")]);
        let mut app = PyApp::scan(std::slice::from_ref(&dir));
        assert!(!app.is_first_party("server"));
        let i = app.resolve_entry("server.main").expect("found by suffix");
        assert_eq!(app.module_of(i).as_deref(), Some("server.main"));
        assert!(app.is_first_party("server"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
