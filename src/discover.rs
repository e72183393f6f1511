//! Finding deployment files in a repository.
//!
//! Nginx files are recognised by place and name, then by content:
//! - `nginx.conf`, `*.nginx`, and any file in a `sites-available/` or
//!   `sites-enabled/` folder are taken as nginx by name;
//! - `*.conf` files in `conf.d/`, `snippets/` or under a folder named `nginx`
//!   are taken when their content does not look like another format (an INI
//!   `[section]` or `key = value` first line: supervisor, systemd, php-fpm);
//! - any other `.conf`, `.template`, `.tmpl` or extension-less file is taken
//!   when a line starts with `http {`, `server {`, `events {`, `stream {` or
//!   `upstream NAME {` at the top level of the file.
//!
//! Walking skips `.git`, `node_modules`, `__pycache__`, `target`, `venv`,
//! `.venv` and any folder that holds a `pyvenv.cfg` (a virtualenv); symlinks
//! are followed and loops are reported once, not followed.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

/// Files larger than this are not read (a config this size is not a config).
pub const MAX_FILE_SIZE: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    Nginx,
    /// A PM2 ecosystem file (`.js`/`.cjs`/`.mjs`, `.json`/`.json5`, `.yaml`/`.yml`).
    Pm2,
    /// A Gunicorn configuration file (Python, read statically).
    Gunicorn,
    /// A file that launches a server: Procfile, systemd unit, Dockerfile,
    /// compose file, supervisor program, shell script, and uWSGI ini files
    /// (what `uwsgi --ini` reads; `parse::launch`).
    Launch,
    /// A configuration template (Jinja, Liquid, Go, ERB): found, not checked.
    Template,
    /// Python dependencies: requirement files and the app's Python files.
    /// Not produced by [`discover`]: the dependency model finds them itself
    /// (`model::deps`); rules name it as their input.
    Requirements,
    /// Deploy steps: shell scripts, Makefiles, CI workflows, PM2 `deploy`.
    /// Not produced by [`discover`]: the deploy model picks them from the
    /// walked files (`model::deploy`); rules name it as their input.
    Deploy,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Nginx => "nginx",
            FileKind::Pm2 => "pm2",
            FileKind::Gunicorn => "gunicorn",
            FileKind::Launch => "launch",
            FileKind::Template => "template",
            FileKind::Requirements => "requirements",
            FileKind::Deploy => "deploy",
        }
    }
}

/// Template markup on one line: `{{ name }}` (Jinja, Liquid, Go, Handlebars),
/// `{% tag %}` or `<% ruby %>`. nginx's own `${var}` is not a template, and a
/// Lua table `{{1, 2}}` is not taken for one (the inside must start with a
/// letter, `.`, `-` or `#`).
pub fn template_syntax(text: &str) -> Option<&'static str> {
    for line in text.lines() {
        if let Some(i) = line.find("{{") {
            let rest = &line[i + 2..];
            if let Some(j) = rest.find("}}") {
                let inner = rest[..j].trim_start();
                if inner
                    .starts_with(|c: char| c.is_ascii_alphabetic() || matches!(c, '.' | '-' | '#' | '/' | '>' | '!'))
                {
                    return Some("Jinja/Go/Handlebars");
                }
            }
        }
        if let Some(i) = line.find("{%")
            && line[i..].contains("%}")
        {
            return Some("Jinja/Liquid");
        }
        if let Some(i) = line.find("<%")
            && line[i..].contains("%>")
        {
            return Some("ERB");
        }
    }
    None
}

#[derive(Debug, Clone)]
pub struct Found {
    pub path: PathBuf,
    pub kind: FileKind,
    /// Why lint502 took the file to be this kind (shown by `--verbose`).
    pub reason: String,
}

/// A path that could not be walked or read; reported on one line.
#[derive(Debug, Clone)]
pub struct WalkError {
    pub path: PathBuf,
    pub message: String,
    /// Whether the run can no longer be called clean (an unreadable file).
    /// A symlink loop is reported but not fatal: nothing was left unread.
    pub fatal: bool,
}

const SKIP_DIRS: &[&str] = &[
    ".git",
    "node_modules",
    "__pycache__",
    "target",
    "venv",
    ".venv",
    ".hg",
    ".svn",
    ".tox",
];

pub fn is_skipped_dir(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    SKIP_DIRS.contains(&name) || path.join("pyvenv.cfg").is_file()
}

/// Walk `paths` (files or folders) and return the files lint502 understands,
/// sorted by path.
pub fn discover(paths: &[PathBuf]) -> (Vec<Found>, Vec<WalkError>) {
    let w = walk(paths);
    (w.found, w.errors)
}

/// What one walk of the checked paths saw.
pub struct Walked {
    /// The files lint502 understands, sorted by path.
    pub found: Vec<Found>,
    pub errors: Vec<WalkError>,
    /// Every regular file under the checked folders (not the files named
    /// on the command line), in walk order: the Python side takes its
    /// `.py` files and requirement files from here instead of walking again.
    pub files: Vec<PathBuf>,
}

/// [`discover`], keeping the list of every file walked.
pub fn walk(paths: &[PathBuf]) -> Walked {
    let mut files = Vec::new();
    let mut found = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        if root.is_file() {
            // An explicit file is taken when it can be recognised at all; a
            // file named on the command line is sniffed whatever its name.
            match classify(root, true) {
                Some(f) => found.push(f),
                None => errors.push(WalkError {
                    path: root.clone(),
                    message: "not a file lint502 recognises (nginx configuration)".into(),
                    fatal: true,
                }),
            }
            continue;
        }
        if !root.exists() {
            errors.push(WalkError {
                path: root.clone(),
                message: "no such file or directory".into(),
                fatal: true,
            });
            continue;
        }
        // A symlink that leads out of the checked folders is not followed (`crate::contain`).
        let fence = crate::contain::Roots::of(std::slice::from_ref(root));
        let leaving = std::cell::RefCell::new(Vec::new());
        let walker = WalkDir::new(root)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() > 0 && e.path_is_symlink() && !fence.contains(e.path()) {
                    leaving.borrow_mut().push(e.path().to_path_buf());
                    return false;
                }
                e.depth() == 0 || !(e.file_type().is_dir() && is_skipped_dir(e.path()))
            });
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => {
                    if let Some(f) = classify(e.path(), false) {
                        found.push(f);
                    }
                    files.push(e.into_path());
                }
                Ok(_) => {}
                Err(err) => {
                    let path = err.path().map(Path::to_path_buf).unwrap_or_else(|| root.clone());
                    let is_loop = err.loop_ancestor().is_some();
                    let message = if is_loop {
                        "symlink loop: this folder links back to one of its parents; not followed".to_string()
                    } else {
                        err.io_error().map(|e| e.to_string()).unwrap_or_else(|| err.to_string())
                    };
                    errors.push(WalkError {
                        path,
                        message,
                        fatal: !is_loop,
                    });
                }
            }
        }
        for path in leaving.into_inner() {
            errors.push(WalkError {
                path,
                message: "symlink to a path outside the checked folders; not followed".into(),
                fatal: false,
            });
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found.dedup_by(|a, b| a.path == b.path);
    Walked { found, errors, files }
}

fn parent_names(path: &Path) -> Vec<&str> {
    path.parent()
        .map(|p| p.components().filter_map(|c| c.as_os_str().to_str()).collect())
        .unwrap_or_default()
}

/// Decide whether `path` is an nginx file, and why.
pub fn classify(path: &Path, explicit: bool) -> Option<Found> {
    let name = path.file_name()?.to_str()?;
    let parents = parent_names(path);
    let parent = parents.last().copied().unwrap_or("");
    let nginx = |reason: String| {
        Some(Found {
            path: path.to_path_buf(),
            kind: FileKind::Nginx,
            reason,
        })
    };

    if let Some(found) = classify_backend(path, name) {
        return Some(found);
    }
    if let Some(found) = classify_launch(path, name) {
        return Some(found);
    }
    let by_name = if name == "nginx.conf" {
        Some("nginx: named nginx.conf".to_string())
    } else if name.ends_with(".nginx") {
        Some("nginx: *.nginx file".to_string())
    } else if parent == "sites-available" || parent == "sites-enabled" {
        Some(format!("nginx: in a {parent}/ folder"))
    } else {
        None
    };
    let is_conf = name.ends_with(".conf");
    let sniff_ext =
        is_conf || name.ends_with(".template") || name.ends_with(".tmpl") || !name.contains('.') || explicit;
    if by_name.is_none() && !sniff_ext {
        return None;
    }
    // A file taken by name is taken even when its head cannot be read as
    // text: the loader then reports it on one line.
    let text = read_head(path);
    if let Some(kind) = text.as_deref().and_then(template_syntax) {
        return Some(Found {
            path: path.to_path_buf(),
            kind: FileKind::Template,
            reason: format!("skipped: a {kind} template, not nginx syntax (check the rendered file instead)"),
        });
    }
    if let Some(reason) = by_name {
        return nginx(reason);
    }
    let text = text?;
    let placed = is_conf && (parent == "conf.d" || parent == "snippets" || parents.contains(&"nginx"));
    if placed && !looks_like_other_format(&text) && looks_like_nginx_statements(&text) {
        let place = if parent == "conf.d" || parent == "snippets" {
            format!("a {parent}/ folder")
        } else {
            "a folder named nginx".into()
        };
        return nginx(format!("nginx: *.conf in {place}"));
    }
    if let Some(block) = top_level_block(&text) {
        return nginx(format!("nginx: top-level `{block} {{` block"));
    }
    if explicit && looks_like_nginx_statements(&text) && !looks_like_other_format(&text) {
        return nginx("nginx: named on the command line, reads as nginx statements".into());
    }
    None
}

/// The first 64 KiB of a file as text (lossy); None when unreadable or binary.
fn read_head(path: &Path) -> Option<String> {
    use std::io::Read;
    let f = std::fs::File::open(path).ok()?;
    let mut buf = Vec::new();
    f.take(64 * 1024).read_to_end(&mut buf).ok()?;
    if buf.contains(&0) {
        return None;
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

fn meaningful_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with(';'))
}

/// INI-like files (supervisor, systemd, php-fpm pools) share `.conf`.
fn looks_like_other_format(text: &str) -> bool {
    match meaningful_lines(text).next() {
        Some(l) => l.starts_with('[') || (l.contains('=') && !l.ends_with(';') && !l.ends_with('{')),
        None => false,
    }
}

/// Some statement ends in `;` or opens a block.
fn looks_like_nginx_statements(text: &str) -> bool {
    meaningful_lines(text)
        .take(50)
        .any(|l| l.ends_with(';') || l.ends_with('{') || l.contains("; #"))
}

/// A top-level `http {`, `server {`, `events {`, `stream {` or `upstream x {`.
fn top_level_block(text: &str) -> Option<&'static str> {
    let mut depth: i32 = 0;
    for line in text.lines() {
        let t = line.trim_start();
        if t.starts_with('#') {
            continue;
        }
        if depth == 0 {
            let mut words = t.split_whitespace();
            let first = words.next().unwrap_or("");
            let rest: Vec<&str> = words.collect();
            let opens = |n: usize| rest.get(n).is_some_and(|w| w.starts_with('{')) || (n == 0 && first.ends_with('{'));
            let kw = first.trim_end_matches('{');
            let hit = match kw {
                "http" | "server" | "events" | "stream" => opens(0),
                "upstream" => rest.len() >= 2 && opens(1),
                _ => false,
            };
            if hit {
                return Some(match kw {
                    "http" => "http",
                    "server" => "server",
                    "events" => "events",
                    "stream" => "stream",
                    _ => "upstream",
                });
            }
        }
        for c in t.split('#').next().unwrap_or("").chars() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
        }
        if depth < 0 {
            depth = 0;
        }
    }
    None
}

/// PM2 ecosystem files and Gunicorn configuration files.
///
/// PM2: `ecosystem.config.{js,cjs,mjs,json,json5,yaml,yml}`, `ecosystem.{json,yaml,yml}`,
/// `process.json`, `pm2.{json,yaml,yml}` by name; any other `*.config.{js,cjs,mjs}`
/// or `.json`/`.json5`/`.yaml`/`.yml` when its head declares `apps` and a
/// `script` (what PM2 requires of an app).
/// Gunicorn: `gunicorn.conf.py`, `gunicorn_conf.py`, `gunicorn_config.py`,
/// `gunicorn.config.py`, `config/gunicorn.py`, and any `gunicorn*.py` whose
/// head assigns `bind`, `workers` or `worker_class` at the top level.
fn classify_backend(path: &Path, name: &str) -> Option<Found> {
    let found = |kind: FileKind, reason: String| {
        Some(Found {
            path: path.to_path_buf(),
            kind,
            reason,
        })
    };
    let lower = name.to_ascii_lowercase();
    let pm2_names = [
        "ecosystem.config.js",
        "ecosystem.config.cjs",
        "ecosystem.config.mjs",
        "ecosystem.config.json",
        "ecosystem.config.json5",
        "ecosystem.config.yaml",
        "ecosystem.config.yml",
        "ecosystem.json",
        "ecosystem.yaml",
        "ecosystem.yml",
        "process.json",
        "pm2.json",
        "pm2.yaml",
        "pm2.yml",
    ];
    if pm2_names.contains(&lower.as_str()) {
        return found(FileKind::Pm2, format!("pm2: named {name}"));
    }
    let gunicorn_names = [
        "gunicorn.conf.py",
        "gunicorn_conf.py",
        "gunicorn_config.py",
        "gunicorn.config.py",
    ];
    let parent = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("");
    if gunicorn_names.contains(&lower.as_str()) || (lower == "gunicorn.py" && parent == "config") {
        return found(FileKind::Gunicorn, format!("gunicorn: named {name}"));
    }
    if lower.starts_with("gunicorn") && lower.ends_with(".py") {
        let head = read_head(path)?;
        let assigns = head.lines().any(|l| {
            let l = l.trim_end();
            ["bind", "workers", "worker_class"].iter().any(|k| {
                l.strip_prefix(k)
                    .is_some_and(|r| r.trim_start().starts_with('=') && !r.trim_start().starts_with("=="))
            })
        });
        return assigns.then(|| Found {
            path: path.to_path_buf(),
            kind: FileKind::Gunicorn,
            reason: "gunicorn: a gunicorn*.py that sets bind/workers/worker_class".into(),
        });
    }
    let js_config = [".config.js", ".config.cjs", ".config.mjs"]
        .iter()
        .any(|e| lower.ends_with(e));
    let data = [".json", ".json5", ".yaml", ".yml"].iter().any(|e| lower.ends_with(e));
    if js_config || data {
        let head = read_head(path)?;
        let apps_key =
            head.contains("\"apps\"") || head.contains("'apps'") || head.contains("apps:") || head.contains("apps :");
        let declares_apps = apps_key && head.contains("script") && !lower.starts_with("package");
        if declares_apps {
            return found(FileKind::Pm2, "pm2: declares `apps` with a `script`".into());
        }
    }
    None
}

/// Files that start a server (see `parse::launch::kind_of`): by name first
/// (Procfile, Dockerfile, compose, `.service`/`.socket`, `uwsgi.ini`), then by
/// content for shell scripts, supervisor `.conf`/`.ini`, uWSGI `.ini` files
/// (a `[uwsgi]` section; an `.ini` without one keeps its other readings) and
/// unit files under `systemd/`.
fn classify_launch(path: &Path, name: &str) -> Option<Found> {
    let found = |kind: crate::parse::launch::LaunchSource| {
        Some(Found {
            path: path.to_path_buf(),
            kind: FileKind::Launch,
            reason: format!("launch: {} file", kind.as_str()),
        })
    };
    if let Some(kind) = crate::parse::launch::kind_of(path, "") {
        return found(kind);
    }
    let lower = name.to_ascii_lowercase();
    let ext = lower.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
    if !matches!(ext, "sh" | "bash" | "conf" | "ini" | "") && name.contains('.') {
        return None;
    }
    let head = read_head(path)?;
    crate::parse::launch::kind_of(path, &head).and_then(found)
}
