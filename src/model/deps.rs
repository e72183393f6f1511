//! Dependencies that crash the boot: what the app imports, from the real
//! entrypoint, against what the deployment installs.
//!
//! Steps (each a named assumption where the text cannot decide):
//! 1. **Installed requirements.** The requirement files the deployment
//!    installs: the ones a Dockerfile, shell script, Procfile/compose command
//!    or CI workflow names in `pip install -r FILE` (`--requirement`), with
//!    their `-r` includes (constraints are not requirements). When nothing
//!    names one: `requirements.txt` in the checked folder, else every
//!    `requirements*.txt` / `requirements/*.txt` there, plus `pyproject.toml`
//!    `[project] dependencies`, Poetry dependencies and `Pipfile`
//!    `[packages]`. No requirement file at all: imports are not judged (a
//!    repository that installs its packages some other way is not reported).
//! 2. **What they provide.** Each declared distribution, everything it
//!    brings along (its own dependencies and the extras named, from
//!    `data/python/extras.tsv`), and the top-level modules each provides
//!    (`data/python/import-names.tsv`, then pattern rules, then the name
//!    itself).
//! 3. **The target Python** decides the standard library: `.python-version`,
//!    `runtime.txt`, a Dockerfile `FROM python:3.X`, an interpreter path
//!    `python3.X` in a launcher, `requires-python`; the newest known when
//!    none says.
//! 4. **Reach.** From each entrypoint the launchers load (gunicorn/uvicorn
//!    app specs, a `python app.py` script, Django's settings and the
//!    `INSTALLED_APPS` / `MIDDLEWARE` entries it names), module-level imports
//!    are followed through first-party modules: those files load at boot.
//!    When no entrypoint is known, every file outside tests is read, at
//!    warning level.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::model::pyapp::{PyApp, Reach};
use crate::model::value::Value;
use crate::parse::python::{Import, ImportKind};
use crate::parse::requirements::{self, IncludeKind, RequirementsFile};
use crate::source::{FileId, SourceDb, SourceFile, Span};

/// The newest Python version lint502 knows (the target when nothing says).
pub const NEWEST_PYTHON: (u8, u8) = (3, 14);

/// One declared distribution.
#[derive(Debug, Clone)]
pub struct Declared {
    /// PEP 503 name.
    pub canonical: String,
    pub written: String,
    pub extras: Vec<String>,
    /// The requirement's name in its file.
    pub span: Span,
    /// The version specifier as written (`>=2,<2.1`; empty: any version).
    pub specifier: String,
}

/// What an import resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provider {
    Stdlib,
    FirstParty,
    /// A declared distribution provides it.
    Declared(String),
    /// A distribution that a declared one brings along provides it (the
    /// declared one, the one that provides it).
    Brought(String, String),
    /// Nothing declared provides it: the distributions that would.
    Missing(Vec<String>),
    /// A standard-library module the target Python no longer has (the
    /// version that removed it).
    Removed((u8, u8)),
}

/// An import the app makes, judged.
#[derive(Debug, Clone)]
pub struct ImportUse {
    pub file: FileId,
    pub import: Import,
    /// The top-level module (`yaml` of `yaml.loader`).
    pub top: String,
    /// How its file is reached from an entrypoint (None: no entrypoint is
    /// known, every file is read).
    pub reach: Option<Reach>,
    pub provider: Provider,
}

/// A framework feature that imports a package of its own when it is used
/// (FastAPI's `Form` needs python-multipart), judged like an import.
#[derive(Debug, Clone)]
pub struct FeatureUse {
    pub file: FileId,
    /// The import of the feature, or the string that names it.
    pub span: Span,
    /// What is used, for messages: "fastapi `Form`".
    pub feature: String,
    /// The modules it imports: any one of them does (`psycopg` or
    /// `psycopg2` for Django's PostgreSQL backend).
    pub modules: Vec<String>,
    /// It fails when a response is made (500), not while the app loads.
    pub at_request: bool,
    /// What lint502 saw happen without the package (for the note).
    pub observed: &'static str,
    pub reach: Option<Reach>,
    /// The first module's provider when one is provided; else `Missing`
    /// with the distributions that would provide any of them.
    pub provider: Provider,
}

/// An app a server loads, and whether its constructor makes it an ASGI or a
/// WSGI app.
#[derive(Debug, Clone)]
pub struct AppInterface {
    pub served: crate::model::entry::Served,
    /// The constructor by dotted path (`fastapi.FastAPI`).
    pub constructor: String,
    pub asgi: bool,
    /// The assignment's value (`FastAPI(title="x")`).
    pub at: Span,
}

/// ASGI and WSGI app constructors by dotted path (the frameworks' own
/// documentation of how to serve them; Django `django/core/asgi.py`,
/// `django/core/wsgi.py`).
fn app_interface(constructor: &str) -> Option<bool> {
    Some(match constructor {
        "fastapi.FastAPI"
        | "fastapi.applications.FastAPI"
        | "starlette.applications.Starlette"
        | "quart.Quart"
        | "quart.app.Quart"
        | "django.core.asgi.get_asgi_application"
        | "channels.routing.ProtocolTypeRouter"
        | "litestar.Litestar"
        | "falcon.asgi.App"
        | "socketio.ASGIApp" => true,
        "flask.Flask"
        | "flask.app.Flask"
        | "django.core.wsgi.get_wsgi_application"
        | "bottle.Bottle"
        | "bottle.default_app"
        | "falcon.App"
        | "falcon.API"
        | "socketio.WSGIApp" => false,
        _ => return None,
    })
}

/// What the variable a server loads is made by: the last unconditional
/// top-level assignment to it, when its value is a call of an imported name.
fn resolve_app(module: &crate::parse::python::Module, text: &str, variable: &str) -> Option<(String, bool, Span)> {
    let dotted = crate::model::handlers::constructor_of(module, text, variable)?;
    let asgi = app_interface(&dotted)?;
    let a = module
        .assignments
        .iter()
        .rfind(|a| a.target.value == variable && !a.conditional)?;
    Some((dotted, asgi, a.value.span))
}

/// Something the launcher itself imports (a server, a worker class).
#[derive(Debug, Clone)]
pub struct LauncherNeed {
    /// The distribution it needs (canonical).
    pub dist: String,
    /// The module it imports.
    pub module: String,
    /// Why: "gunicorn is run from the virtualenv", "worker_class
    /// uvicorn.workers.UvicornWorker".
    pub why: String,
    pub span: Span,
}

/// An entrypoint: a module a launcher loads, or a script it runs.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Dotted module (`netbox.wsgi`), when given as a module.
    pub module: Option<String>,
    /// A script file in the repository (`python app.py`).
    pub file: Option<PathBuf>,
    /// Folders the launcher adds to `sys.path` (gunicorn `--chdir`,
    /// `--pythonpath`), as written on the server.
    pub paths: Vec<String>,
    pub span: Span,
}

#[derive(Debug, Default)]
pub struct DepsModel {
    /// Problems met following `-r`/`-c` in the installed requirement files:
    /// the include's path span, what went wrong, and pip's wording.
    pub include_problems: Vec<(Span, requirements::IncludeProblemKind, String)>,
    /// Every requirements file read (for syntax errors).
    pub requirement_files: Vec<(FileId, RequirementsFile)>,
    /// Requirement files the deployment installs, and why they were chosen.
    pub installed: Vec<FileId>,
    pub installed_why: String,
    pub declared: Vec<Declared>,
    pub python: (u8, u8),
    /// What decided the Python version (None: the newest known).
    pub python_why: Option<(String, Span)>,
    pub entries: Vec<Entry>,
    pub uses: Vec<ImportUse>,
    /// Framework features the app uses that import a package of their own.
    pub features: Vec<FeatureUse>,
    /// Apps servers load, with the interface their constructor gives them.
    pub apps: Vec<AppInterface>,
    /// Route handlers of FastAPI, Starlette and Quart in the files read
    /// (see [`crate::model::handlers`]).
    pub handlers: Vec<crate::model::handlers::Handler>,
    pub needs: Vec<LauncherNeed>,
    /// The virtualenv whose metadata was read, when the checked folder has one.
    /// Installed versions in that virtualenv (canonical name → version).
    pub venv_versions: std::collections::HashMap<String, String>,
    pub venv: Option<PathBuf>,
    /// Whether imports were judged at all (some requirement file exists).
    pub judged: bool,
}

/// Requirement-like files in the checked folders: `requirements*.txt`,
/// `requirements/*.txt`, `*.in` beside them is not installed.
fn is_requirements_name(p: &Path) -> bool {
    let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let in_req_dir = p
        .parent()
        .and_then(|d| d.file_name())
        .is_some_and(|d| d == "requirements" || d == "reqs");
    (name.starts_with("requirements") && name.ends_with(".txt")) || (in_req_dir && name.ends_with(".txt"))
}

/// `pip install … -r FILE` / `--requirement FILE` in a text, with offsets:
/// shell lines (`RUN pip install -r requirements.txt && …`) and exec-form
/// arrays (`["pip", "install", "-r", "reqs.txt"]`). Only the words after
/// `install` and before the next `&&`, `;`, `|` count.
fn pip_install_files(text: &str) -> Vec<(String, usize)> {
    let clean = |w: &str| {
        w.trim_matches(|c| matches!(c, '"' | '\'' | ',' | '[' | ']' | ';'))
            .to_owned()
    };
    let mut out = Vec::new();
    for (ln_start, line) in line_starts(text) {
        let words: Vec<(usize, String)> = split_ws(line).into_iter().map(|(at, w)| (at, clean(w))).collect();
        let mut i = 0;
        while i < words.len() {
            let is_pip = {
                let w = words[i].1.rsplit('/').next().unwrap_or("");
                w == "pip" || w == "pip3" || w.starts_with("pip3.") || w == "uv"
            };
            let python_m_pip = words[i].1 == "-m" && words.get(i + 1).is_some_and(|(_, w)| w == "pip");
            if !(is_pip || python_m_pip) {
                i += 1;
                continue;
            }
            let mut j = i + 1 + usize::from(python_m_pip);
            if words.get(j).is_some_and(|(_, w)| w == "pip") {
                j += 1;
            }
            if words.get(j).map(|(_, w)| w.as_str()) != Some("install") {
                i += 1;
                continue;
            }
            j += 1;
            while j < words.len() {
                let (at, w) = (&words[j].0, words[j].1.as_str());
                if matches!(w, "&&" | "||" | ";" | "|") {
                    break;
                }
                if w == "-r" || w == "--requirement" {
                    if let Some((at2, f)) = words.get(j + 1) {
                        out.push((f.clone(), ln_start + at2));
                    }
                    j += 2;
                    continue;
                }
                if let Some(f) = w.strip_prefix("--requirement=").or_else(|| w.strip_prefix("-r"))
                    && !f.is_empty()
                {
                    out.push((f.to_owned(), ln_start + at));
                }
                j += 1;
            }
            i = j;
        }
    }
    out
}

fn line_starts(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        out.push((at, l.trim_end_matches(['\n', '\r'])));
        at += l.len();
    }
    out
}

fn split_ws(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((s, &line[s..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, &line[s..]));
    }
    out
}

/// `3.12` from `python:3.12-slim`, `python3.12`, `3.12.4`, `python-3.11.4`.
pub fn version_in(s: &str) -> Option<(u8, u8)> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'3' && b.get(i + 1) == Some(&b'.') && (i == 0 || !b[i - 1].is_ascii_digit()) {
            let minor: String = s[i + 2..].chars().take_while(char::is_ascii_digit).collect();
            if let Ok(m) = minor.parse::<u8>()
                && (6..=20).contains(&m)
            {
                return Some((3, m));
            }
        }
        i += 1;
    }
    None
}

/// Read a small file into the database (None when missing or too large).
fn load(db: &mut SourceDb, path: &Path) -> Option<FileId> {
    let bytes = crate::source::read_bounded(path).ok()?;
    // pip decodes a requirements file with a UTF-16 byte-order mark (Windows'
    // `pip freeze > requirements.txt` in PowerShell writes one), so lint502
    // reads its text, not its bytes; positions then count in that text.
    let bytes = crate::source::decode_utf16(&bytes).unwrap_or(bytes);
    let display = crate::source::display_path(path);
    Some(db.add(SourceFile::new(path.to_path_buf(), display, bytes)))
}

/// Everything `build` needs from the rest of the model.
pub struct DepsInputs<'a> {
    pub checked: &'a [PathBuf],
    /// Every file a walk of `checked` found ([`crate::discover::walk`]);
    /// `None` walks again.
    pub walked: Option<&'a [PathBuf]>,
    /// Launcher files' ids (Dockerfiles, scripts, units, compose…) whose text
    /// may name `pip install -r`.
    pub launcher_files: Vec<FileId>,
    pub entries: Vec<Entry>,
    /// Launcher needs found by the backend model.
    pub needs: Vec<LauncherNeed>,
    /// Apps servers load by spec (`model::entry::served`).
    pub served: Vec<crate::model::entry::Served>,
    /// Python versions launchers name (interpreter paths, `FROM python:`).
    pub versions: Vec<((u8, u8), String, Span)>,
    /// The target Python the configuration states (`python-version`): wins
    /// over everything the repository says.
    pub python: Option<((u8, u8), String, Span)>,
    /// `[module-names]` of the configuration: an import name and the
    /// distributions that provide it, beside the tables.
    pub module_names: Vec<(String, Vec<String>)>,
}

pub fn build(db: &mut SourceDb, inputs: DepsInputs<'_>) -> (DepsModel, PyApp) {
    let mut m = DepsModel {
        python: NEWEST_PYTHON,
        entries: inputs.entries.clone(),
        needs: inputs.needs,
        ..DepsModel::default()
    };
    let timer = crate::timing::Timer::new();
    let mut app = match inputs.walked {
        Some(files) => PyApp::from_files(inputs.checked, files),
        None => PyApp::scan(inputs.checked),
    };
    timer.lap("python scan");
    let mut base: Vec<PathBuf> = inputs
        .checked
        .iter()
        .map(|r| {
            if r.is_file() {
                r.parent().map(Path::to_path_buf).unwrap_or_default()
            } else {
                r.clone()
            }
        })
        .collect();
    // Each folder once (many files named in one folder; see `PyApp::from_files`).
    let mut seen_base = std::collections::HashSet::new();
    base.retain(|b| seen_base.insert(b.clone()));

    // 1. Requirement files, and which are installed.
    // Requirement files at most four levels down (`requirements/prod.txt`,
    // `deploy/docker/requirements.txt`).
    let mut candidates: Vec<PathBuf> = Vec::new();
    for b in &base {
        let near = |p: &Path| p.strip_prefix(b).is_ok_and(|r| r.components().count() <= 4);
        match inputs.walked {
            Some(files) if inputs.checked.iter().all(|c| !c.is_file()) => {
                candidates.extend(files.iter().filter(|p| near(p) && is_requirements_name(p)).cloned());
            }
            _ => {
                for entry in walkdir::WalkDir::new(b)
                    .max_depth(4)
                    .sort_by_file_name()
                    .into_iter()
                    .filter_entry(|e| {
                        !(e.file_type().is_dir() && e.depth() > 0 && crate::discover::is_skipped_dir(e.path()))
                    })
                    .flatten()
                {
                    if entry.file_type().is_file() && is_requirements_name(entry.path()) {
                        candidates.push(entry.path().to_path_buf());
                    }
                }
            }
        }
    }
    let mut named: Vec<(PathBuf, String)> = Vec::new();
    for id in &inputs.launcher_files {
        let text = db.get(*id).text.clone();
        let dir = db.get(*id).path.parent().map(Path::to_path_buf).unwrap_or_default();
        for (f, _) in pip_install_files(&text) {
            // A path on the server or in the build context: its longest tail
            // that is one of the candidates.
            let wanted = Path::new(&f);
            let hit = candidates
                .iter()
                .filter(|c| {
                    let tail: PathBuf = wanted
                        .components()
                        .filter(|x| matches!(x, std::path::Component::Normal(_)))
                        .collect();
                    c.ends_with(&tail) || dir.join(wanted) == **c
                })
                .min_by_key(|c| c.components().count())
                .cloned();
            if let Some(h) = hit
                && !named.iter().any(|(p, _)| *p == h)
            {
                named.push((h, db.get(*id).display.clone()));
            }
        }
    }
    let roots: Vec<PathBuf> = if !named.is_empty() {
        m.installed_why = format!(
            "installed by {}",
            named.iter().map(|(_, w)| w.as_str()).collect::<Vec<_>>().join(", ")
        );
        named.iter().map(|(p, _)| p.clone()).collect()
    } else {
        let top: Vec<PathBuf> = candidates
            .iter()
            .filter(|c| base.iter().any(|b| c.parent() == Some(b.as_path())))
            .cloned()
            .collect();
        let main: Vec<PathBuf> = top
            .iter()
            .filter(|c| c.ends_with("requirements.txt"))
            .cloned()
            .collect();
        if !main.is_empty() {
            m.installed_why = "requirements.txt (no deploy step names a file)".into();
            main
        } else {
            m.installed_why = "every requirements file in the checked folder (no deploy step names one)".into();
            if top.is_empty() { candidates.clone() } else { top }
        }
    };
    let mut manifests: Vec<crate::parse::manifest::Manifest> = Vec::new();
    let mut seen_files: HashMap<PathBuf, FileId> = HashMap::new();
    // `-r`/`-c` read only inside the checked folders (`crate::contain`).
    let fence = crate::contain::Roots::of(inputs.checked);
    let inside = |p: &Path| fence.contains(p);
    for root in &roots {
        let mut read = |p: &Path| -> Option<(FileId, String)> {
            if let Some(id) = seen_files.get(p) {
                return Some((*id, db.get(*id).text.clone()));
            }
            let id = load(db, p)?;
            seen_files.insert(p.to_path_buf(), id);
            Some((id, db.get(id).text.clone()))
        };
        let resolved = requirements::resolve_includes_within(root, IncludeKind::Requirement, &inside, &mut read);
        for p in resolved.problems {
            if !m.include_problems.iter().any(|(s, _, _)| *s == p.at.1) {
                m.include_problems.push((p.at.1, p.kind, p.message));
            }
        }
        for f in resolved.files {
            let Some(id) = seen_files.get(&f.path).copied() else {
                continue;
            };
            if m.requirement_files.iter().any(|(x, _)| *x == id) {
                continue;
            }
            let parsed = requirements::parse(id, &db.get(id).text);
            if f.kind == IncludeKind::Requirement {
                m.installed.push(id);
                for r in &parsed.requirements {
                    if let Some(n) = &r.name {
                        m.declared.push(Declared {
                            canonical: n.canonical.clone(),
                            written: n.written.clone(),
                            extras: r.extras.iter().map(|e| e.value.to_ascii_lowercase()).collect(),
                            span: n.span,
                            specifier: r.specifier.as_ref().map(|x| x.text.clone()).unwrap_or_default(),
                        });
                    }
                }
            }
            m.requirement_files.push((id, parsed));
        }
    }
    // Manifests: `pyproject.toml` / `Pipfile` / `setup.cfg` in the checked
    // folder. Their main dependencies count when a deploy step installs the
    // project itself (`pip install .`, `poetry install`, `uv sync`,
    // `pipenv install`), or when no requirements file is installed at all.
    let installs_project = inputs.launcher_files.iter().any(|id| {
        let t = &db.get(*id).text;
        [
            "pip install .",
            "pip install -e .",
            "poetry install",
            "uv sync",
            "pipenv install",
            "pip3 install .",
        ]
        .iter()
        .any(|p| t.contains(p))
    });
    if installs_project || m.installed.is_empty() {
        for b in &base {
            for name in ["pyproject.toml", "Pipfile", "setup.cfg"] {
                let p = b.join(name);
                let Some(kind) = crate::parse::manifest::kind_of(&p) else {
                    continue;
                };
                let Some(id) = load(db, &p) else { continue };
                let manifest = crate::parse::manifest::parse(id, &db.get(id).text, kind);
                let mut any = false;
                for d in &manifest.dependencies {
                    if d.group != crate::parse::manifest::DependencyGroup::Main {
                        continue;
                    }
                    if let Some(n) = &d.requirement.name {
                        if n.canonical == "python" {
                            continue;
                        }
                        any = true;
                        m.declared.push(Declared {
                            canonical: n.canonical.clone(),
                            written: n.written.clone(),
                            extras: d
                                .requirement
                                .extras
                                .iter()
                                .map(|e| e.value.to_ascii_lowercase())
                                .collect(),
                            span: n.span,
                            specifier: d
                                .requirement
                                .specifier
                                .as_ref()
                                .map(|x| x.text.clone())
                                .unwrap_or_default(),
                        });
                    }
                }
                if any {
                    m.installed.push(id);
                    if m.installed_why.is_empty() || !installs_project {
                        m.installed_why = format!("the dependencies of {name}");
                    }
                }
                manifests.push(manifest);
            }
        }
    }
    m.judged = !m.installed.is_empty();

    timer.lap("python requirements");
    // 3. Target Python.
    let mut version: Option<((u8, u8), String, Span)> = inputs.python.clone();
    for b in &base {
        for (name, what) in [(".python-version", ".python-version"), ("runtime.txt", "runtime.txt")] {
            let p = b.join(name);
            if version.is_none()
                && let Some(id) = load(db, &p)
                && let Some(v) = version_in(&db.get(id).text)
            {
                let len = db.get(id).text.trim_end().len();
                version = Some((v, format!("{what} says {}.{}", v.0, v.1), Span::new(id, 0, len)));
            }
        }
    }
    if version.is_none() {
        version = inputs
            .versions
            .iter()
            .map(|(v, why, span)| (*v, why.clone(), *span))
            .next();
    }
    if version.is_none() {
        version = manifests.iter().find_map(|mf| {
            let v = python_from_manifest(mf)?;
            let r = mf.python.first()?;
            Some((
                v,
                format!("requires-python `{}` allows at most {}.{}", r.text.value, v.0, v.1),
                r.text.span,
            ))
        });
    }
    if let Some((v, why, span)) = version {
        m.python = v;
        m.python_why = Some((why, span));
    }

    timer.lap("python version");
    // The apps servers load (needs no requirement file).
    for served in &inputs.served {
        let Some(i) = app.resolve_entry(&served.module) else {
            continue;
        };
        let found = app
            .parsed(db, i)
            .and_then(|(f, module)| resolve_app(module, &db.get(*f).text, &served.variable));
        if let Some((constructor, asgi, at)) = found {
            m.apps.push(AppInterface {
                served: served.clone(),
                constructor,
                asgi,
                at,
            });
        }
    }
    let mut entry_files: Vec<usize> = Vec::new();
    for e in &m.entries {
        if let Some(f) = &e.file {
            // A script path on the server: the file with the longest tail
            // in common (`/srv/app/manage.py` → `manage.py`).
            let parts: Vec<_> = f
                .components()
                .filter(|c| matches!(c, std::path::Component::Normal(_)))
                .collect();
            let hit = (0..parts.len()).find_map(|k| {
                let tail: PathBuf = parts[k..].iter().collect();
                app.files
                    .iter()
                    .enumerate()
                    .filter(|(_, x)| x.ends_with(&tail))
                    .min_by_key(|(_, x)| x.components().count())
                    .map(|(i, _)| i)
            });
            if let Some(i) = hit {
                entry_files.push(i);
            }
        }
        if let Some(module) = &e.module
            && let Some(i) = app.resolve_entry(module)
        {
            entry_files.push(i);
        }
    }
    entry_files.sort();
    entry_files.dedup();
    // Without requirements nor entrypoints, the app's files are not read.
    if !m.judged && entry_files.is_empty() {
        return (m, app);
    }
    let reach: Vec<(usize, Option<Reach>)> = if entry_files.is_empty() {
        (0..app.files.len())
            .filter(|i| !is_test_path(&app.files[*i]))
            .map(|i| (i, None))
            .collect()
    } else {
        let r = app.reach(db, &entry_files, &django_string_imports);
        let mut v: Vec<(usize, Option<Reach>)> = r.into_iter().map(|(i, how)| (i, Some(how))).collect();
        v.sort_by_key(|(i, _)| *i);
        v
    };
    timer.lap("python reach");
    m.handlers = crate::model::handlers::collect(&mut app, db, &reach);
    // 2 and 4: judge the imports.
    if !m.judged {
        return (m, app);
    }
    // A virtualenv in the checked folder: its metadata wins over the tables.
    let venv = base.iter().find_map(|b| crate::model::venv::find(b, &fence));
    m.venv = venv.as_ref().map(|v| v.root.clone());
    m.venv_versions = venv.as_ref().map(|v| v.versions.clone()).unwrap_or_default();
    let mut provided = provided_modules(&m.declared, venv.as_ref());
    // `[module-names]` of the configuration: a declared distribution provides
    // the module named, whatever the tables and the virtualenv say.
    for (module, dists) in &inputs.module_names {
        let canon: Vec<String> = dists.iter().map(|d| crate::model::pydata::canonical_name(d)).collect();
        if let Some(d) = m.declared.iter().find(|d| canon.contains(&d.canonical)) {
            provided.insert(module.clone(), (d.canonical.clone(), d.canonical.clone()));
        }
    }
    let sqlalchemy_21 = sqlalchemy_is_21(&m.declared);
    for (i, how) in reach {
        let Some((file, mut module, strings, features)) = app.parsed(db, i).map(|(f, m)| {
            (
                *f,
                m.imports.clone(),
                settings_string_imports(m),
                feature_needs(m, sqlalchemy_21),
            )
        }) else {
            continue;
        };
        for f in features {
            let mut provider = Provider::Missing(Vec::new());
            let mut would: Vec<String> = Vec::new();
            for module in &f.modules {
                let top = module.split('.').next().unwrap_or("");
                match judge(top, module, &app, &provided, m.python) {
                    Provider::Missing(w) => would.extend(w),
                    p => {
                        provider = p;
                        break;
                    }
                }
            }
            if let Provider::Missing(_) = provider {
                would.dedup();
                provider = Provider::Missing(would);
            }
            m.features.push(FeatureUse {
                file,
                span: f.span,
                feature: f.feature,
                modules: f.modules,
                at_request: f.at_request,
                observed: f.observed,
                reach: how,
                provider,
            });
        }
        // Django settings: the apps and middleware it names are imported
        // while the app loads, like a module-level import.
        for (dotted, span) in strings {
            module.push(Import {
                module: dotted,
                level: 0,
                names: Vec::new(),
                kind: ImportKind::Import,
                span,
                statement: span,
                context: Default::default(),
            });
        }
        for imp in module {
            if imp.level > 0 || imp.context.type_checking || imp.module.is_empty() {
                continue;
            }
            if matches!(imp.kind, ImportKind::ImportModule | ImportKind::DunderImport) && imp.module.contains('{') {
                continue;
            }
            let top = imp.module.split('.').next().unwrap_or("").to_owned();
            if top.is_empty() || top == "__future__" || top == "__main__" {
                continue;
            }
            let provider = judge(&top, &imp.module, &app, &provided, m.python);
            m.uses.push(ImportUse {
                file,
                import: imp,
                top,
                reach: how,
                provider,
            });
        }
    }
    (m, app)
}

/// A feature found in one file (see [`feature_needs`]).
struct FeatureFound {
    span: Span,
    feature: String,
    modules: Vec<String>,
    at_request: bool,
    observed: &'static str,
}

/// Whether the SQLAlchemy the deployment installs is 2.1 or newer, whose
/// `postgresql://` means psycopg (3) and `oracle://` oracledb; 2.0 and older
/// mean psycopg2 and cx_Oracle (observed with SQLAlchemy 2.1.9:
/// `sqlalchemy.dialects.registry.load("postgresql")` is the psycopg dialect;
/// SQLAlchemy 2.0 docs, "Dialects"). Unpinned means the newest: 2.1.
fn sqlalchemy_is_21(declared: &[Declared]) -> bool {
    let Some(d) = declared
        .iter()
        .find(|d| matches!(d.canonical.as_str(), "sqlalchemy" | "flask-sqlalchemy" | "sqlmodel"))
    else {
        return true;
    };
    if d.canonical != "sqlalchemy" {
        return true;
    }
    let spec = d.specifier.replace(' ', "");
    // An upper bound or a pin below 2.1.
    !(spec.contains("==1.")
        || spec.contains("==2.0")
        || spec.contains("~=1.")
        || spec.contains("~=2.0.")
        || spec.contains("<2.1")
        || spec.contains("<=2.0")
        || spec.contains("<2,")
        || spec.ends_with("<2")
        || spec.contains("<2.0"))
}

/// Framework features a module uses that import a package of their own.
/// A feature counts as used when the module imports its name (importing
/// `Form` from fastapi is for declaring a form route); the failure times
/// are what lint502 saw with FastAPI 0.165.0, Starlette 1.10.0, Pydantic
/// 2.14.3, SQLAlchemy 2.1.9 and Django 5.2.19 without the package
/// (`testdata/observed/backends.md`, case 26).
fn feature_needs(module: &crate::parse::python::Module, sqlalchemy_21: bool) -> Vec<FeatureFound> {
    let mut out = Vec::new();
    for imp in &module.imports {
        if imp.context.type_checking || imp.context.guarded || imp.kind != ImportKind::From {
            continue;
        }
        for n in &imp.names {
            let (modules, at_request, observed): (&[&str], bool, &'static str) = match (imp.module.as_str(), n.as_str())
            {
                ("fastapi" | "fastapi.param_functions" | "fastapi.params", "Form" | "File" | "UploadFile") => (
                    &["python_multipart", "multipart"],
                    false,
                    "RuntimeError: Form data requires \"python-multipart\" to be installed, raised when the route is declared",
                ),
                ("pydantic" | "pydantic.networks", "EmailStr" | "NameEmail") => (
                    &["email_validator"],
                    false,
                    "ImportError: email-validator is not installed, raised when a model class using it is defined",
                ),
                ("fastapi.templating" | "starlette.templating", "Jinja2Templates") => (
                    &["jinja2"],
                    false,
                    "ImportError: jinja2 must be installed to use Jinja2Templates, raised when it is created",
                ),
                ("fastapi.responses", "ORJSONResponse") => (
                    &["orjson"],
                    true,
                    "AssertionError: orjson must be installed to use ORJSONResponse, raised for each response",
                ),
                ("fastapi.responses", "UJSONResponse") => (
                    &["ujson"],
                    true,
                    "AssertionError: ujson must be installed to use UJSONResponse, raised for each response",
                ),
                _ => continue,
            };
            out.push(FeatureFound {
                span: imp.statement,
                feature: format!("{} `{n}`", imp.module.split('.').next().unwrap_or("")),
                modules: modules.iter().map(|m| (*m).to_owned()).collect(),
                at_request: at_request || imp.context.function,
                observed,
            });
        }
    }
    // Database drivers: Django `DATABASES[…]["ENGINE"]`, and SQLAlchemy
    // URLs in literal strings of a module that uses SQLAlchemy.
    let uses_sqlalchemy = module.imports.iter().any(|i| {
        matches!(
            i.module.split('.').next().unwrap_or(""),
            "sqlalchemy" | "flask_sqlalchemy" | "sqlmodel"
        )
    });
    for a in &module.assignments {
        if a.conditional {
            continue;
        }
        let mut strings: Vec<(String, Span, bool)> = Vec::new();
        collect_strings(&a.value, None, &mut strings);
        for (s, span, is_engine) in strings {
            if is_engine && a.target.value == "DATABASES" {
                if let Some(modules) = django_engine_driver(&s) {
                    out.push(FeatureFound {
                        span,
                        feature: format!("Django's database ENGINE `{s}`"),
                        modules: modules.iter().map(|m| (*m).to_owned()).collect(),
                        at_request: false,
                        observed: "django.core.exceptions.ImproperlyConfigured: Error loading MySQLdb module, raised while django.setup() loads the apps",
                    });
                }
            } else if (uses_sqlalchemy || a.target.value.contains("SQLALCHEMY"))
                && let Some((scheme, modules)) = sqlalchemy_driver(&s, sqlalchemy_21)
            {
                out.push(FeatureFound {
                    span,
                    feature: format!("the SQLAlchemy URL scheme `{scheme}://`"),
                    modules: modules.iter().map(|m| (*m).to_owned()).collect(),
                    at_request: false,
                    observed: "ModuleNotFoundError, raised by create_engine() (at module level: while the app loads)",
                });
            }
        }
    }
    out
}

/// Literal strings in a value, with whether each is the value of an
/// `ENGINE` key. Environment lookups are not followed: their default is
/// what a developer machine uses, not necessarily the server.
fn collect_strings(v: &crate::model::value::Spanned<Value>, key: Option<&str>, out: &mut Vec<(String, Span, bool)>) {
    match &v.value {
        Value::Str(s) => out.push((s.clone(), v.span, key == Some("ENGINE"))),
        Value::List(items) => {
            for i in items {
                collect_strings(i, None, out);
            }
        }
        Value::Map(entries) => {
            for (k, val) in entries {
                collect_strings(val, Some(&k.value), out);
            }
        }
        _ => {}
    }
}

/// The driver modules a Django database backend imports (Django 5.2
/// `django/db/backends/*/base.py`): any one of them does.
fn django_engine_driver(engine: &str) -> Option<&'static [&'static str]> {
    let last = engine.rsplit('.').next().unwrap_or("");
    match last {
        "postgresql" | "postgresql_psycopg2" | "postgis" => Some(&["psycopg", "psycopg2"]),
        "mysql" => Some(&["MySQLdb"]),
        "oracle" => Some(&["oracledb", "cx_Oracle"]),
        _ => None,
    }
}

/// The driver module a SQLAlchemy URL needs: `dialect+driver://…`, or the
/// dialect's default driver (SQLAlchemy 2.1 / 2.0, see [`sqlalchemy_is_21`]).
fn sqlalchemy_driver(url: &str, v21: bool) -> Option<(String, &'static [&'static str])> {
    let (scheme, rest) = url.split_once("://")?;
    if rest.is_empty() && !scheme.starts_with("sqlite") {
        return None;
    }
    let (dialect, driver) = match scheme.split_once('+') {
        Some((d, v)) => (d, Some(v)),
        None => (scheme, None),
    };
    let modules: &'static [&'static str] = match (dialect, driver) {
        ("postgresql" | "postgres", None) if v21 => &["psycopg"],
        ("postgresql" | "postgres", None) => &["psycopg2"],
        ("postgresql", Some("psycopg2" | "psycopg2cffi")) => &["psycopg2"],
        ("postgresql", Some("psycopg" | "psycopg_async")) => &["psycopg"],
        ("postgresql", Some("asyncpg")) => &["asyncpg"],
        ("postgresql", Some("pg8000")) => &["pg8000"],
        ("mysql" | "mariadb", None | Some("mysqldb")) => &["MySQLdb"],
        ("mysql" | "mariadb", Some("pymysql")) => &["pymysql"],
        ("mysql" | "mariadb", Some("aiomysql")) => &["aiomysql"],
        ("mysql" | "mariadb", Some("asyncmy")) => &["asyncmy"],
        ("mysql", Some("mysqlconnector")) => &["mysql.connector"],
        ("mariadb", Some("mariadbconnector")) => &["mariadb"],
        ("sqlite", Some("aiosqlite")) => &["aiosqlite"],
        ("oracle", None) if v21 => &["oracledb"],
        ("oracle", None | Some("cx_oracle")) => &["cx_Oracle"],
        ("oracle", Some("oracledb")) => &["oracledb"],
        ("mssql", None | Some("pyodbc")) => &["pyodbc"],
        ("mssql", Some("pymssql")) => &["pymssql"],
        ("mssql", Some("aioodbc")) => &["aioodbc"],
        _ => return None,
    };
    // `postgres://` is not a name SQLAlchemy 1.4+ accepts at all
    // (NoSuchModuleError); that is a different failure, left alone.
    if dialect == "postgres" {
        return None;
    }
    Some((scheme.to_owned(), modules))
}

/// The newest Python a manifest's `requires-python` allows, when it sets an
/// upper bound (`<3.12` → 3.11, `==3.11.*`, `~=3.10.0`, `<=3.11`); None for
/// an open range (the newest known Python stays the assumption).
fn python_from_manifest(m: &crate::parse::manifest::Manifest) -> Option<(u8, u8)> {
    let text = &m.python.first()?.text.value;
    let mut best: Option<(u8, u8)> = None;
    for part in text.split(',') {
        let p = part.trim();
        let Some((op, ver)) = ["==", "<=", "~=", "<"]
            .iter()
            .find_map(|op| p.strip_prefix(op).map(|v| (*op, v.trim())))
        else {
            continue;
        };
        let mut nums = ver.split('.').map(|x| x.trim_end_matches('*').parse::<u8>().ok());
        let (Some(Some(major)), Some(Some(minor))) = (nums.next(), nums.next()) else {
            continue;
        };
        let patch_given = ver.split('.').nth(2).is_some_and(|x| x != "*");
        let v = match op {
            "<" if !patch_given => (major, minor.checked_sub(1)?),
            "~=" if !patch_given => continue,
            _ => (major, minor),
        };
        best = Some(best.map_or(v, |b: (u8, u8)| b.min(v)));
    }
    best
}

/// Files of tests and docs: not loaded by the app (fallback mode only).
fn is_test_path(p: &Path) -> bool {
    p.components().any(|c| {
        let s = c.as_os_str().to_string_lossy();
        matches!(
            s.as_ref(),
            "tests" | "test" | "testing" | "docs" | "doc" | "examples" | "scripts" | "migrations"
        )
    }) || p
        .file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("test_") || n.ends_with("_test.py") || n == "conftest.py" || n == "setup.py")
}

/// Top-level modules the declared distributions provide, each with the
/// declared distribution it comes through and the one that provides it.
fn provided_modules(
    declared: &[Declared],
    venv: Option<&crate::model::venv::Venv>,
) -> HashMap<String, (String, String)> {
    let mut out: HashMap<String, (String, String)> = HashMap::new();
    let of = |dist: &str| -> Vec<String> {
        match venv.and_then(|v| v.modules.get(dist)) {
            Some(ms) => ms.clone(),
            None => crate::model::pydata::modules_of(dist)
                .into_iter()
                .map(|m| m.to_string())
                .collect(),
        }
    };
    for d in declared {
        for m in of(&d.canonical) {
            out.entry(m).or_insert((d.canonical.clone(), d.canonical.clone()));
        }
        if let Some(v) = venv {
            for b in v.closure(&d.canonical) {
                for m in of(&b) {
                    out.entry(m).or_insert((d.canonical.clone(), b.clone()));
                }
            }
        }
        let extras: Vec<&str> = d.extras.iter().map(String::as_str).collect();
        for b in crate::model::pydata::brings_along(&d.canonical, &extras) {
            for m in crate::model::pydata::modules_of(b) {
                out.entry(m.to_string()).or_insert((d.canonical.clone(), b.to_string()));
            }
        }
    }
    out
}

fn judge(
    top: &str,
    full: &str,
    app: &PyApp,
    provided: &HashMap<String, (String, String)>,
    python: (u8, u8),
) -> Provider {
    if app.is_first_party(top) {
        return Provider::FirstParty;
    }
    // A dotted name a distribution provides (`google.cloud.storage`).
    let mut prefix = full.to_string();
    loop {
        if let Some((declared, by)) = provided.get(&prefix) {
            return if declared == by {
                Provider::Declared(declared.clone())
            } else {
                Provider::Brought(declared.clone(), by.clone())
            };
        }
        match prefix.rfind('.') {
            Some(i) => prefix.truncate(i),
            None => break,
        }
    }
    if crate::model::pydata::is_stdlib(top, python) {
        return Provider::Stdlib;
    }
    if let Some(v) = crate::model::pydata::removed_in(top, python) {
        return Provider::Removed(v);
    }
    let mut would: Vec<String> = crate::model::pydata::distributions_providing(top)
        .into_iter()
        .map(str::to_owned)
        .collect();
    if would.is_empty() {
        would.push(top.replace('_', "-").to_ascii_lowercase());
    }
    Provider::Missing(would)
}

/// Django: a settings module's `INSTALLED_APPS` and `MIDDLEWARE` entries are
/// imported while the app loads (`django.setup()` populates the apps
/// registry, the WSGI handler loads the middleware); the settings module is
/// the one `DJANGO_SETTINGS_MODULE` names in the entry file.
fn django_string_imports(app: &mut PyApp, db: &mut SourceDb, i: usize) -> Vec<usize> {
    // What the file names, read while it is borrowed; resolved after.
    let (settings, strings) = {
        let Some((file, module)) = app.parsed(db, i) else {
            return Vec::new();
        };
        let text = &db.get(*file).text;
        let mut settings: Option<String> = None;
        if let Some(at) = text.find("DJANGO_SETTINGS_MODULE") {
            let rest = &text[at + "DJANGO_SETTINGS_MODULE".len()..];
            let rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
            // The first quoted dotted name after it on the line:
            // `setdefault("DJANGO_SETTINGS_MODULE", "proj.settings")`.
            settings = rest
                .split(['"', '\''])
                .find(|q| {
                    !q.is_empty()
                        && q.split('.')
                            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'))
                })
                .map(str::to_owned);
        }
        let strings: Vec<String> = settings_string_imports(module).into_iter().map(|(s, _)| s).collect();
        (settings, strings)
    };
    let mut out = Vec::new();
    if let Some(s) = settings.and_then(|s| app.resolve(&s)) {
        out.push(s);
    }
    for s in strings {
        // `app.apps.AppConfig` or `pkg.middleware.Class`: the longest
        // prefix that is a first-party module.
        let mut p = s;
        loop {
            if let Some(t) = app.resolve(&p) {
                out.push(t);
                break;
            }
            match p.rfind('.') {
                Some(k) => p.truncate(k),
                None => break,
            }
        }
    }
    out
}

/// The string imports of a Django settings file, as imports of their top
/// modules (for third-party apps: `rest_framework`, `corsheaders`).
pub fn settings_string_imports(module: &crate::parse::python::Module) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    for a in &module.assignments {
        if !matches!(
            a.target.value.as_str(),
            "INSTALLED_APPS" | "MIDDLEWARE" | "MIDDLEWARE_CLASSES"
        ) {
            continue;
        }
        if let Value::List(items) = &a.value.value {
            for item in items {
                if let Value::Str(s) = &item.value {
                    out.push((s.clone(), item.span));
                }
            }
        }
    }
    out
}

/// Python versions the launchers name: a Dockerfile `FROM python:3.X`, an
/// interpreter path `python3.X` (PM2 `interpreter`, a command line).
pub fn launcher_versions(db: &SourceDb, m: &crate::model::backend::BackendModel) -> Vec<((u8, u8), String, Span)> {
    let mut out = Vec::new();
    for (_, l) in &m.launches {
        if let Some(from) = l.extra.iter().find(|(k, _)| k == "FROM").map(|(_, v)| v)
            && let Value::Str(image) = &from.value
            && image.starts_with("python:")
            && let Some(v) = version_in(image)
        {
            out.push((v, format!("the Dockerfile builds FROM {image}"), from.span));
        }
        if let Some(c) = &l.command
            && let Some(word) = c.value.split_whitespace().find(|w| w.contains("python3."))
            && let Some(v) = version_in(word)
        {
            out.push((v, format!("the launcher runs {word}"), c.span));
        }
    }
    for (_, f) in &m.pm2 {
        for app in &f.apps {
            if let Some(i) = &app.interpreter
                && let Value::Str(s) = &i.value
                && s.contains("python3.")
                && let Some(v) = version_in(s)
            {
                out.push((v, format!("PM2 runs the app with {s}"), i.span));
            }
        }
    }
    let _ = db;
    out
}

/// Distributions declared, by canonical name.
pub fn declared_names(m: &DepsModel) -> HashSet<&str> {
    m.declared.iter().map(|d| d.canonical.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pip_install_lines() {
        let text = "RUN pip install --no-cache-dir -r requirements/prod.txt && rm -rf /tmp\n\
                    RUN pip3 install -rrequirements.txt\npip install --requirement=req/base.txt\n\
                    RUN [\"pip\", \"install\", \"-r\", \"reqs.txt\"]\necho -r nothing\n";
        let got: Vec<String> = pip_install_files(text).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            got,
            vec!["requirements/prod.txt", "requirements.txt", "req/base.txt", "reqs.txt"]
        );
    }

    #[test]
    fn requires_python_upper_bounds() {
        let v = |text: &str| {
            let toml = format!("[project]\nname = \"x\"\nrequires-python = \"{text}\"\n");
            let m = crate::parse::manifest::parse(FileId(0), &toml, crate::parse::manifest::ManifestKind::PyProject);
            python_from_manifest(&m)
        };
        assert_eq!(v(">=3.8,<3.12"), Some((3, 11)));
        assert_eq!(v("==3.11.*"), Some((3, 11)));
        assert_eq!(v("~=3.10.0"), Some((3, 10)));
        assert_eq!(v("<=3.12"), Some((3, 12)));
        assert_eq!(v(">=3.10"), None);
        assert_eq!(v("~=3.10"), None);
    }

    #[test]
    fn versions() {
        assert_eq!(version_in("python:3.12-slim"), Some((3, 12)));
        assert_eq!(version_in("/usr/bin/python3.9"), Some((3, 9)));
        assert_eq!(version_in("python-3.11.4"), Some((3, 11)));
        assert_eq!(version_in("3.13\n"), Some((3, 13)));
        assert_eq!(version_in("node:20"), None);
        assert_eq!(version_in("13.1"), None);
    }
}
