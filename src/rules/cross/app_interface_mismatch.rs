//! X011: the server calls the app through the wrong interface: an ASGI app
//! (FastAPI, Starlette, Quart, Django's `get_asgi_application()`) under a
//! WSGI gunicorn worker, or a WSGI app (Flask, Django's
//! `get_wsgi_application()`) under uvicorn or its gunicorn worker.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "X011",
    name: "app-interface-mismatch",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "an ASGI app under a WSGI worker (or a WSGI app under uvicorn): every request fails with 500",
    inputs: &[FileKind::Launch, FileKind::Pm2, FileKind::Gunicorn],
    doc: include_str!("../../../lints/X011.md"),
};

/// gunicorn's own worker classes (gunicorn 23/27 `workers/__init__.py`):
/// they call the app as WSGI.
fn wsgi_worker(w: Option<&str>) -> bool {
    match w {
        None => true,
        Some(w) => {
            matches!(
                w.trim(),
                "sync" | "gthread" | "gevent" | "gevent_wsgi" | "gevent_pywsgi" | "eventlet" | "tornado"
            ) || w.trim().starts_with("gunicorn.workers.")
        }
    }
}

/// The uvicorn worker classes: they call the app as ASGI.
fn asgi_worker(w: Option<&str>) -> bool {
    w.is_some_and(|w| w.trim().starts_with("uvicorn.workers.") || w.trim().starts_with("uvicorn_worker."))
}

pub fn check(cx: &mut Checker) {
    let Some(m) = cx.model.deps.as_ref() else { return };
    for a in &m.apps {
        let s = &a.served;
        let worker = s.worker.as_ref().map(|(w, _)| w.as_str());
        let calls_as = match s.server {
            "gunicorn" if wsgi_worker(worker) => "WSGI",
            "gunicorn" if asgi_worker(worker) => "ASGI",
            "uvicorn" if s.interface.as_deref().is_none_or(|i| i != "wsgi") => "ASGI",
            "uvicorn" => "WSGI",
            "daphne" => "ASGI",
            _ => continue,
        };
        let is = if a.asgi { "ASGI" } else { "WSGI" };
        let art = |x: &str| if x == "ASGI" { "an" } else { "a" };
        if calls_as == is {
            continue;
        }
        let how = match (&s.worker, s.server) {
            (Some((w, _)), "gunicorn") => format!("gunicorn's `{w}` worker"),
            (None, "gunicorn") => "gunicorn's default `sync` worker".to_owned(),
            (_, server) => server.to_owned(),
        };
        let fix = if a.asgi {
            "run it with `-k uvicorn.workers.UvicornWorker` (or `uvicorn_worker.UvicornWorker`), or serve it with uvicorn"
        } else if s.server == "uvicorn" {
            "serve it with gunicorn (or another WSGI server), or pass `--interface wsgi` to uvicorn"
        } else {
            "use a WSGI worker class (`sync`, `gthread`) for a WSGI app"
        };
        let mut d = cx
            .diagnostic(
                s.span,
                format!(
                    "{how} calls `{}:{}` as {calls_as}, but it is {} {is} app",
                    s.module,
                    s.variable,
                    art(is)
                ),
                format!(
                    "{how} calls the app as {calls_as}, but `{}` is made by `{}`, {} {is} app; expected {} {calls_as} app",
                    s.variable,
                    a.constructor,
                    art(is),
                    art(calls_as)
                ),
            )
            .with_label(a.at, format!("`{}` makes {} {is} app here", a.constructor, art(is)))
            .with_note(
                "every request fails with 500: the server calls the app with the other interface's arguments \
                 (observed: gunicorn sync and gthread workers with FastAPI — `TypeError: FastAPI.__call__() missing 1 \
                 required positional argument: 'send'`; uvicorn with Flask — `Flask.__call__() missing 1 required \
                 positional argument: 'start_response'`; testdata/observed/backends.md, case 27)",
            )
            .with_help(fix);
        if let Some((_, span)) = &s.worker {
            d = d.with_label(*span, "the worker class");
        }
        cx.report(d);
    }
}
