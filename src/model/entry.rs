//! What the launchers load into Python, for the dependency check: the app
//! modules and scripts they start (entrypoints), and the packages the
//! launcher itself imports (the server run from a virtualenv, a worker
//! class).

use crate::model::backend::BackendModel;
use crate::model::deps::{Entry, LauncherNeed};
use crate::model::value::Value;
use crate::parse::command::{ServerCommand, ServerKind};
use crate::source::Span;

/// The server commands the backends run (the backend model read them from
/// the launchers: PM2 apps, systemd, compose, Dockerfiles, …).
fn commands(m: &BackendModel) -> impl Iterator<Item = &ServerCommand> {
    m.backends.iter().filter_map(|b| b.command.as_deref())
}

/// A program path inside a virtualenv (`/srv/app/venv/bin/gunicorn`,
/// `.venv/bin/python`, `env/bin/uvicorn`).
fn in_virtualenv(path: &str) -> bool {
    let p = path.replace('\\', "/");
    p.contains("/bin/")
        && ["venv/", ".venv/", "virtualenv/", "/env/", "virtualenvs/"]
            .iter()
            .any(|v| p.contains(v) || p.starts_with(v.trim_start_matches('/')))
}

/// The distribution a gunicorn worker class needs (gunicorn 23/27
/// `workers/__init__.py` SUPPORTED_WORKERS, and the uvicorn classes).
fn worker_dist(class: &str) -> Option<(&'static str, &'static str)> {
    let c = class.trim();
    if c.starts_with("uvicorn.workers.") {
        return Some(("uvicorn", "uvicorn"));
    }
    if c.starts_with("uvicorn_worker.") {
        return Some(("uvicorn-worker", "uvicorn_worker"));
    }
    match c {
        "gevent" | "gevent_wsgi" | "gevent_pywsgi" | "gunicorn.workers.ggevent.GeventWorker" => {
            Some(("gevent", "gevent"))
        }
        "eventlet" | "gunicorn.workers.geventlet.EventletWorker" => Some(("eventlet", "eventlet")),
        "tornado" | "gunicorn.workers.gtornado.TornadoWorker" => Some(("tornado", "tornado")),
        _ => None,
    }
}

/// The module of an app spec (`pkg.wsgi:application` → `pkg.wsgi`,
/// `main:create_app()` → `main`, `app` → `app`).
fn spec_module(spec: &str) -> Option<String> {
    let m = spec.split(':').next()?.trim();
    let ok = !m.is_empty()
        && m.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'));
    ok.then(|| m.to_owned())
}

/// An app a server loads by spec (`module:variable`), and how it calls it.
#[derive(Debug, Clone)]
pub struct Served {
    /// "gunicorn", "uvicorn", "hypercorn", "daphne".
    pub server: &'static str,
    /// gunicorn's effective worker class (command line, else its config
    /// file) with its span; None: the default, `sync`.
    pub worker: Option<(String, Span)>,
    /// The module and the variable of the spec (gunicorn's default variable
    /// is `application`).
    pub module: String,
    pub variable: String,
    pub span: Span,
    /// uvicorn's `--interface` (`auto`, `asgi3`, `asgi2`, `wsgi`), as given.
    pub interface: Option<String>,
}

/// The apps the servers load, with the worker that calls them. Factories
/// (`module:create_app()`) and specs with variables are left out.
pub fn served(m: &BackendModel) -> Vec<Served> {
    let mut out = Vec::new();
    for b in &m.backends {
        let Some(cmd) = b.command.as_deref() else { continue };
        let server = match cmd.kind {
            ServerKind::Gunicorn => "gunicorn",
            ServerKind::Uvicorn => "uvicorn",
            ServerKind::Hypercorn => "hypercorn",
            ServerKind::Daphne => "daphne",
            _ => continue,
        };
        let Some(app) = &cmd.args.app else { continue };
        let Some(module) = spec_module(&app.text) else { continue };
        let variable = match app.text.split_once(':') {
            Some((_, v)) => v.trim().to_owned(),
            None if server == "gunicorn" => "application".to_owned(),
            None => continue,
        };
        if variable.is_empty() || !variable.chars().all(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let mut worker = cmd.args.worker_class.as_ref().map(|w| (w.text.clone(), w.span));
        if worker.is_none()
            && server == "gunicorn"
            && let Some(cfg) = b
                .gunicorn_config
                .and_then(|f| m.gunicorn.iter().find(|(id, _)| *id == f))
                .map(|(_, c)| c)
            && let Some(v) = cfg.get("worker_class")
        {
            worker = match &v.value {
                Value::Str(s) => Some((s.clone(), v.span)),
                // Computed: unknown, so the app is not judged.
                _ => continue,
            };
        }
        let interface = cmd
            .args
            .options
            .iter()
            .find(|o| o.name == "--interface")
            .and_then(|o| o.value.as_ref())
            .map(|v| v.text.clone());
        out.push(Served {
            server,
            worker,
            module,
            variable,
            span: app.span,
            interface,
        });
    }
    out
}

pub fn entries_and_needs(m: &BackendModel) -> (Vec<Entry>, Vec<LauncherNeed>) {
    let mut entries = Vec::new();
    let mut needs = Vec::new();
    for cmd in commands(m) {
        let mut paths = Vec::new();
        if let Some(c) = &cmd.args.chdir {
            paths.push(c.text.clone());
        }
        if let Some(p) = &cmd.args.pythonpath {
            paths.extend(p.text.split(',').map(str::to_owned));
        }
        match cmd.kind {
            ServerKind::Gunicorn
            | ServerKind::Uvicorn
            | ServerKind::Hypercorn
            | ServerKind::Daphne
            | ServerKind::Waitress => {
                if let Some(app) = &cmd.args.app
                    && let Some(module) = spec_module(&app.text)
                {
                    entries.push(Entry {
                        module: Some(module),
                        file: None,
                        paths: paths.clone(),
                        span: app.span,
                    });
                }
                // The server program from a virtualenv must be installed there.
                let from_venv = in_virtualenv(&cmd.program.text)
                    || cmd.interpreter.as_ref().is_some_and(|i| in_virtualenv(&i.text));
                if from_venv {
                    let dist = match cmd.kind {
                        ServerKind::Waitress => "waitress",
                        k => k.name(),
                    };
                    needs.push(LauncherNeed {
                        dist: dist.to_owned(),
                        module: dist.replace('-', "_"),
                        why: format!("`{}` runs {dist} from the project's virtualenv", cmd.program.text),
                        span: cmd.program.span,
                    });
                }
                if let Some(w) = &cmd.args.worker_class
                    && let Some((dist, module)) = worker_dist(&w.text)
                {
                    needs.push(LauncherNeed {
                        dist: dist.to_owned(),
                        module: module.to_owned(),
                        why: format!("the worker class `{}` imports {module}", w.text),
                        span: w.span,
                    });
                }
            }
            ServerKind::PythonScript | ServerKind::Runserver => {
                if let Some(s) = &cmd.script {
                    entries.push(Entry {
                        module: None,
                        file: Some(s.text.clone().into()),
                        paths: paths.clone(),
                        span: s.span,
                    });
                }
            }
            ServerKind::Flask => {
                if let Some(app) = &cmd.args.app
                    && let Some(module) = spec_module(&app.text.trim_end_matches(".py").replace('/', "."))
                {
                    entries.push(Entry {
                        module: Some(module),
                        file: None,
                        paths: paths.clone(),
                        span: app.span,
                    });
                }
            }
            _ => {}
        }
    }
    // gunicorn config files: `wsgi_app` and `worker_class`.
    for (_, cfg) in &m.gunicorn {
        if let Some(v) = cfg.get("wsgi_app")
            && let Value::Str(s) = &v.value
            && let Some(module) = spec_module(s)
        {
            entries.push(Entry {
                module: Some(module),
                file: None,
                paths: Vec::new(),
                span: v.span,
            });
        }
        if let Some(v) = cfg.get("worker_class")
            && let Value::Str(s) = &v.value
            && let Some((dist, module)) = worker_dist(s)
        {
            needs.push(LauncherNeed {
                dist: dist.to_owned(),
                module: module.to_owned(),
                why: format!("the worker class `{s}` imports {module}"),
                span: v.span,
            });
        }
    }
    (entries, needs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_and_venvs() {
        assert_eq!(spec_module("netbox.wsgi").as_deref(), Some("netbox.wsgi"));
        assert_eq!(spec_module("app.main:create_app()").as_deref(), Some("app.main"));
        assert_eq!(spec_module("$APP"), None);
        assert!(in_virtualenv("/opt/netbox/venv/bin/gunicorn"));
        assert!(in_virtualenv(".venv/bin/uvicorn"));
        assert!(in_virtualenv("venv/bin/python"));
        assert!(!in_virtualenv("/usr/bin/gunicorn"));
        assert!(!in_virtualenv("gunicorn"));
        assert_eq!(
            worker_dist("uvicorn.workers.UvicornWorker"),
            Some(("uvicorn", "uvicorn"))
        );
        assert_eq!(worker_dist("gthread"), None);
    }
}
