//! X017: an `async def` route handler of FastAPI, Starlette or Quart makes
//! a call that blocks the event loop (`time.sleep`, `requests.get`, a
//! synchronous database connect…). Under gunicorn's UvicornWorker the
//! arbiter kills the worker once the loop has blocked longer than
//! `timeout`: every request in flight on it gets 502. Under uvicorn, every
//! other request of the process waits.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::Deployment;
use crate::model::backend::Backend;
use crate::model::handlers::Handler;
use crate::parse::python::CallSite;
use crate::rules::{Checker, Group, RuleMeta};
use crate::source::Span;

pub const META: RuleMeta = RuleMeta {
    code: "X017",
    name: "blocking-call-in-async-handler",
    group: Group::Suspicious,
    severity: Severity::Warning,
    summary: "an `async def` route handler calls blocking code (time.sleep, requests, a sync DB connect): the event loop stalls; under gunicorn's UvicornWorker the worker is killed after `timeout` (502)",
    inputs: &[
        FileKind::Requirements,
        FileKind::Launch,
        FileKind::Pm2,
        FileKind::Gunicorn,
    ],
    doc: include_str!("../../../lints/X017.md"),
};

/// What a blocking call waits for, and what to use instead.
struct Blocking {
    waits: &'static str,
    instead: &'static str,
}

const HTTP_METHODS: &[&str] = &["get", "post", "put", "patch", "delete", "head", "options", "request"];

/// A call that blocks the calling thread until it is done, by the callee's
/// dotted path (each library's own documentation: `time.sleep`, requests,
/// httpx's `Client` against `AsyncClient`, `urllib.request`, `subprocess`,
/// the DB-API `connect` of psycopg2, PyMySQL, mysqlclient and sqlite3).
fn blocking(callee: &str) -> Option<Blocking> {
    let http = Blocking {
        waits: "waits for an HTTP response",
        instead: "an async client (`httpx.AsyncClient`, aiohttp)",
    };
    let method_of = |prefixes: &[&str], extra: &[&str]| {
        prefixes.iter().any(|p| {
            callee
                .strip_prefix(p)
                .is_some_and(|m| HTTP_METHODS.contains(&m) || extra.contains(&m))
        })
    };
    if method_of(&["requests.", "requests.api."], &[]) {
        return Some(http);
    }
    if method_of(
        &[
            "requests.Session().",
            "requests.session().",
            "requests.sessions.Session().",
        ],
        &["send"],
    ) {
        return Some(http);
    }
    if method_of(&["httpx."], &["stream"]) || method_of(&["httpx.Client()."], &["send", "stream"]) {
        return Some(http);
    }
    Some(match callee {
        "time.sleep" => Blocking {
            waits: "sleeps",
            instead: "`await asyncio.sleep(…)`",
        },
        "urllib.request.urlopen" => http,
        "subprocess.run" | "subprocess.call" | "subprocess.check_call" | "subprocess.check_output" | "os.system" => {
            Blocking {
                waits: "waits for a child process",
                instead: "`await asyncio.create_subprocess_exec(…)`",
            }
        }
        "psycopg2.connect" | "pymysql.connect" | "MySQLdb.connect" | "sqlite3.connect" => Blocking {
            waits: "opens a database connection",
            instead: "an async driver (asyncpg, aiomysql, aiosqlite)",
        },
        "socket.create_connection" => Blocking {
            waits: "opens a TCP connection",
            instead: "`await asyncio.open_connection(…)`",
        },
        _ => return None,
    })
}

/// A launcher that runs an app on an event loop.
struct Server<'a> {
    /// `gunicorn`, `uvicorn`, `hypercorn`, `daphne`.
    server: &'static str,
    /// The module of the app spec (None: started from code).
    module: Option<String>,
    /// The app spec (or the call that starts the server), and what to say
    /// there.
    span: Span,
    label: String,
    backend: Option<&'a Backend>,
    /// gunicorn's worker class (a uvicorn worker); None for the others.
    worker: Option<(String, Span)>,
}

/// gunicorn's `timeout` of the backend that runs a server.
fn heartbeat<'a>(s: &Server<'a>) -> Option<&'a crate::model::tuning::Knob<u64>> {
    s.backend.and_then(|b| b.tuning.heartbeat.as_ref())
}

fn asgi_worker(w: &str) -> bool {
    w.starts_with("uvicorn.workers.") || w.starts_with("uvicorn_worker.")
}

/// The launchers that serve an app on an event loop: uvicorn (not with
/// `--interface wsgi`), hypercorn, daphne, gunicorn with a uvicorn worker;
/// and uvicorn started from code (`uvicorn.run(…)` in a script).
fn servers(model: &Deployment) -> Vec<Server<'_>> {
    let mut out = Vec::new();
    for served in crate::model::entry::served(&model.backends) {
        let backend = model.backends.backends.iter().find(|b| {
            b.command
                .as_ref()
                .and_then(|c| c.args.app.as_ref())
                .is_some_and(|a| a.span == served.span)
        });
        let worker = backend
            .and_then(|b| b.tuning.worker.as_ref())
            .and_then(|k| k.value.clone().map(|v| (v, k.span)))
            .or_else(|| served.worker.clone());
        let on_loop = match served.server {
            "gunicorn" => worker.as_ref().is_some_and(|(w, _)| asgi_worker(w.trim())),
            "uvicorn" => served.interface.as_deref().is_none_or(|i| i != "wsgi"),
            "hypercorn" | "daphne" => true,
            _ => false,
        };
        if !on_loop {
            continue;
        }
        let worker = worker.filter(|_| served.server == "gunicorn");
        let label = match &worker {
            Some((w, _)) => format!(
                "{} serves `{}:{}` with `{w}`",
                served.server, served.module, served.variable
            ),
            None => format!("{} serves `{}:{}`", served.server, served.module, served.variable),
        };
        out.push(Server {
            server: served.server,
            module: Some(served.module),
            span: served.span,
            label,
            backend,
            worker,
        });
    }
    // `python main.py` where main.py calls `uvicorn.run(app, …)`.
    for b in &model.backends.backends {
        let from_code = b
            .command
            .as_ref()
            .is_some_and(|c| c.kind == crate::parse::command::ServerKind::PythonScript);
        if from_code && b.server == "uvicorn" {
            let span = b.tuning.idle.as_ref().map_or(b.span, |k| k.span);
            out.push(Server {
                server: "uvicorn",
                module: None,
                span,
                label: format!("uvicorn runs the app ({})", b.origin),
                backend: Some(b),
                worker: None,
            });
        }
    }
    out
}

/// The servers that run a handler: those loading its module, else all.
fn servers_of<'s, 'a>(all: &'s [Server<'a>], h: &Handler) -> Vec<&'s Server<'a>> {
    let same: Vec<&Server> = all
        .iter()
        .filter(|s| s.module.is_some() && h.module == s.module)
        .collect();
    if same.is_empty() { all.iter().collect() } else { same }
}

pub fn check(cx: &mut Checker) {
    let Some(m) = cx.model.deps.as_ref() else { return };
    let all = servers(cx.model);
    // A function registered twice (a decorator and `add_api_route`) is
    // reported once.
    let mut seen: Vec<Span> = Vec::new();
    for h in &m.handlers {
        if !h.function.is_async || seen.contains(&h.function.header) {
            continue;
        }
        seen.push(h.function.header);
        for c in &h.function.calls {
            report(cx, h, c, &all);
        }
    }
}

fn report(cx: &mut Checker, h: &Handler, c: &CallSite, all: &[Server]) {
    if c.nested || c.offloaded {
        return;
    }
    let Some(callee) = c.callee.as_deref() else { return };
    let Some(b) = blocking(callee) else { return };
    let name = &h.function.name.value;
    let runs = servers_of(all, h);
    let what = format!("`{callee}` {} inside `async def {name}`", b.waits);

    // `timeout = 0` turns the arbiter's check off: the loop only stalls.
    let gunicorn = runs
        .iter()
        .find(|s| s.server == "gunicorn" && heartbeat(s).is_none_or(|k| k.value != Some(0)));
    let mut notes = Vec::new();
    let message = match (gunicorn, runs.first()) {
        (Some(s), _) => {
            let (w, _) = s.worker.clone().unwrap_or_default();
            let (timeout, how) = match heartbeat(s) {
                Some(k) => match k.value {
                    Some(v) => (format!("`timeout` of {v} s"), k.how.clone()),
                    None => ("`timeout`".to_owned(), k.how.clone()),
                },
                None => ("`timeout` of 30 s".to_owned(), "gunicorn's default".to_owned()),
            };
            notes.push(format!(
                "while the call blocks, the worker's event loop sends no heartbeat; after its {timeout} ({how}) the gunicorn arbiter logs \
                 `WORKER TIMEOUT`, kills the worker with SIGABRT, and every request in flight on it gets 502 from nginx; \
                 requests not yet accepted wait for the replacement worker (observed: gunicorn 27.0.1 + `{w}`, \
                 `--timeout 5`, `time.sleep(10)` in an `async def` route: 502 after about 5 s for it and for a request \
                 awaiting on the same worker; testdata/observed/backends.md, case 28)"
            ));
            format!(
                "{what}, a {} route run by gunicorn's `{w}`: the event loop stalls, and past gunicorn's {timeout} the worker is killed (502); expected an awaitable call or a plain `def` handler",
                h.framework
            )
        }
        (None, Some(s)) => {
            let server = match &s.worker {
                Some((w, _)) => format!("gunicorn's `{w}` (`timeout` 0: never killed)"),
                None => s.server.to_owned(),
            };
            notes.push(format!(
                "{server} runs every request of a process on one event loop: while the call blocks, no other request is \
                 read or answered (observed with uvicorn 0.54.0: a request sent 0.5 s after one that sleeps 3 s in \
                 an `async def` route was answered after 2.5 s; with `def`, after 5 ms; testdata/observed/backends.md, \
                 case 28)"
            ));
            format!(
                "{what}, a {} route served by {server}: every other request on that process waits while it blocks; expected an awaitable call or a plain `def` handler",
                h.framework
            )
        }
        (None, None) => {
            notes.push(
                "no launcher that runs this app on an event loop was found (gunicorn with a uvicorn worker, uvicorn, \
                 hypercorn, daphne); whichever runs it, the loop stalls for every request of that process \
                 (testdata/observed/backends.md, case 28)"
                    .to_owned(),
            );
            format!(
                "{what}, a {} route: the event loop stalls for every request of the process while it blocks; expected an awaitable call or a plain `def` handler",
                h.framework
            )
        }
    };
    let mut d = cx
        .diagnostic(c.span, format!("`{callee}` blocks the event loop"), message)
        .with_label(
            h.route,
            match &h.receiver {
                Some(r) => format!("`{name}` is an `async def` route of `{r}`"),
                None => format!("`{name}` is an `async def` endpoint of this route"),
            },
        );
    for s in runs.iter().take(3) {
        d = d.with_label(s.span, s.label.clone());
        if let Some((_, span)) = &s.worker
            && *span != s.span
        {
            d = d.with_label(*span, "the worker class");
        }
    }
    for n in notes {
        d = d.with_note(n);
    }
    d = d.with_help(format!(
        "use {}, wrap the call in `await asyncio.to_thread(…)` / `await run_in_threadpool(…)`, or declare the handler with `def` (the framework then runs it in a thread pool)",
        b.instead
    ));
    cx.report(d);
}
