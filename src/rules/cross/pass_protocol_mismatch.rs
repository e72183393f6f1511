//! X009: nginx speaks one protocol to a backend that speaks another:
//! `uwsgi_pass`, `fastcgi_pass`, `scgi_pass` or `grpc_pass` to an HTTP
//! server, or `proxy_pass` (HTTP) to gunicorn's uwsgi protocol; for uWSGI,
//! per socket: `proxy_pass` to a `socket` (uwsgi protocol), `uwsgi_pass` to
//! an `http-socket` or `http` router.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::Deployment;
use crate::model::address::{self, Bind, Reach};
use crate::model::backend::{Backend, BackendListener};
use crate::model::nginx::{Endpoint, TargetKind};
use crate::rules::cross::{candidates, listener_text, target_text};
use crate::rules::{Checker, Group, RuleMeta};
use crate::source::Span;

pub const META: RuleMeta = RuleMeta {
    code: "X009",
    name: "pass-protocol-mismatch",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "nginx speaks uwsgi, FastCGI, SCGI or gRPC to a backend that speaks HTTP (or the reverse): every request fails",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/X009.md"),
};

/// The protocol a pass directive speaks, as lint502 names it.
fn spoken(directive: &str) -> Option<&'static str> {
    Some(match directive {
        "proxy_pass" => "http",
        "uwsgi_pass" => "uwsgi",
        "fastcgi_pass" => "fastcgi",
        "scgi_pass" => "scgi",
        "grpc_pass" => "grpc",
        _ => return None,
    })
}

/// Protocols lint502 judges: the ones nginx speaks. uWSGI's own `raw` and
/// `puwsgi` sockets, and `unknown`, are left alone.
const JUDGED: &[&str] = &["http", "uwsgi", "fastcgi", "scgi", "grpc"];

/// What goes wrong with uWSGI, as observed (testdata/observed/backends.md,
/// case 23; the `http` router case in lints/X009.md), with its source.
fn uwsgi_outcome(spoken: &str, backend: &Backend, listener: &BackendListener) -> String {
    let cfg = backend.uwsgi.as_deref();
    let number = |names: &[&str]| {
        cfg.and_then(|c| c.last(names))
            .filter(|o| o.known)
            .and_then(|o| o.value.trim().parse::<u64>().ok())
    };
    let router = listener.decided_by.iter().any(|(what, _)| what.contains("HTTP router"));
    let case = |c: &str| format!("observed: testdata/observed/backends.md, case {c}");
    match (spoken, listener.protocol(backend)) {
        ("http", "uwsgi") => match number(&["buffer-size"]) {
            // `GET` read as a uwsgi header: datasize = `E`,`T` = 21573.
            Some(size) if size >= 21573 => {
                let timeout = number(&["socket-timeout"]).unwrap_or(4);
                format!(
                    "uWSGI reads nginx's `GET …` as a uwsgi packet of 21573 bytes (the `ET` of `GET`), which fits `buffer-size = {size}`: it waits for the rest and drops the connection after `socket-timeout` ({timeout} s) without a log line, and nginx answers 502 (`upstream prematurely closed connection`) ({})",
                    case("23d")
                )
            }
            _ => format!(
                "uWSGI reads nginx's `GET …` as a uwsgi packet of 21573 bytes (the `ET` of `GET`), logs `invalid request block size: 21573 (max 4096)...skip` and closes, and nginx answers 502 at once (`upstream prematurely closed connection`); with a `buffer-size` of 21573 or more uWSGI waits instead and the 502 comes after `socket-timeout` (4 s) ({}, 23d)",
                case("23a")
            ),
        },
        ("uwsgi", "http") if router => "uWSGI's HTTP router waits for an HTTP request line that never comes; nginx gives up after `uwsgi_read_timeout` (60 s) and answers 504 (observed with uWSGI 2.0.31 and nginx 1.22.1: lints/X009.md)".into(),
        ("uwsgi", "http") => {
            let timeout = number(&["socket-timeout"]).unwrap_or(4);
            format!(
                "uWSGI's HTTP parser waits for a request line that never comes and drops the connection after `socket-timeout` ({timeout} s) without a log line; nginx answers 502 (`upstream prematurely closed connection`) ({})",
                case("23e")
            )
        }
        _ => "uWSGI cannot parse what nginx sends, and the request fails (not observed for this pair)".into(),
    }
}

/// What goes wrong, as observed (testdata/observed/backends.md).
fn outcome(spoken: &str, backend: &Backend) -> &'static str {
    match (spoken, backend.server) {
        ("uwsgi", "gunicorn") => {
            "gunicorn waits for an HTTP request line that never comes; its sync worker is killed at `timeout` (30 s) and nginx relays gunicorn's 500 page (case 10) — with a longer timeout nginx gives up first with 504 (case 10e)"
        }
        ("uwsgi", "uvicorn") => {
            "uvicorn answers `Invalid HTTP request received` and nginx returns 400 at once (case 10d)"
        }
        ("fastcgi", "gunicorn") => {
            "nginx cannot read gunicorn's HTTP reply as FastCGI (`upstream sent unsupported FastCGI protocol version: 72`) and answers 502 — after gunicorn's 30 s worker timeout (case 22a)"
        }
        ("fastcgi", _) => {
            "nginx cannot read the HTTP reply as FastCGI (`upstream sent unsupported FastCGI protocol version: 72`) and answers 502 (case 22b)"
        }
        ("scgi", "gunicorn") => {
            "gunicorn's worker waits until its 30 s timeout and nginx relays its 500 page (case 22c)"
        }
        ("scgi", _) => "the backend waits for more of the request and nginx gives up with 504 after 60 s (case 22d)",
        ("grpc", _) => {
            "nginx speaks HTTP/2 and reads the HTTP/1.1 reply as a frame (`upstream sent too large http2 frame`): 502 at once (case 22e, 22f)"
        }
        ("http", _) => {
            "gunicorn reads nginx's HTTP request as a uwsgi packet (`Unsupported uWSGI modifier1: 71`, the `G` of `GET`) and every request gets a 500 at once (case 24)"
        }
        _ => "the backend cannot parse what nginx sends, and the request fails",
    }
}

fn reached<'a>(d: &'a Deployment, e: &Endpoint) -> Option<(&'a Backend, &'a BackendListener)> {
    match e {
        Endpoint::Tcp { host, port } => candidates(d, host).into_iter().find_map(|b| {
            b.listeners.iter().find_map(|l| match &l.bind {
                Some(bind @ Bind::Tcp { .. }) if address::reaches(host, *port, bind) == Reach::Yes => Some((b, l)),
                _ => None,
            })
        }),
        Endpoint::Unix { path } => d.backends.backends.iter().find_map(|b| {
            b.listeners
                .iter()
                .find(|l| matches!(&l.bind, Some(Bind::Unix { path: p }) if p == path))
                .map(|l| (b, l))
        }),
        Endpoint::Variable => None,
    }
}

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    let n = &d.nginx;
    for t in &n.targets {
        let Some(speaks) = spoken(&t.directive) else { continue };
        let endpoints: Vec<(&Endpoint, Span)> = match &t.kind {
            TargetKind::Direct(e) => vec![(e, t.span)],
            TargetKind::Upstream(i) => n
                .upstreams
                .get(*i)
                .map(|u| u.servers.iter().map(|s| (&s.endpoint, s.span)).collect())
                .unwrap_or_default(),
        };
        for (e, span) in endpoints {
            let Some((b, l)) = reached(d, e) else { continue };
            // Only servers whose protocol lint502 knows: the Python servers
            // speak HTTP (gunicorn also uwsgi), uWSGI what each socket says;
            // node may speak anything.
            if b.server == "node" || (speaks == "grpc" && b.server == "hypercorn") {
                continue;
            }
            let proto = l.protocol(b);
            if proto == speaks || !JUDGED.contains(&proto) {
                continue;
            }
            let shown = match e {
                Endpoint::Tcp { host, port } => target_text(host, *port),
                Endpoint::Unix { path } => format!("unix:{path}"),
                Endpoint::Variable => continue,
            };
            let fix = match (speaks, b.server, proto) {
                ("uwsgi", "gunicorn", _) => {
                    format!("use `proxy_pass http://{shown}` (or start gunicorn 27+ with `--protocol uwsgi`)")
                }
                ("http", "uwsgi", "uwsgi") => format!(
                    "use `uwsgi_pass {shown}` with `include uwsgi_params`, or make uWSGI speak HTTP there (`http-socket` instead of `socket`)"
                ),
                (_, "uwsgi", "http") => format!(
                    "use `proxy_pass http://{shown}`: uWSGI speaks HTTP there (or use `socket` in uWSGI for `uwsgi_pass`)"
                ),
                (_, "uwsgi", other) => {
                    format!("make nginx and uWSGI speak the same protocol: this socket speaks {other}")
                }
                ("http", _, _) => {
                    format!("use `uwsgi_pass {shown}` (and `include uwsgi_params`), or drop `--protocol uwsgi`")
                }
                _ => format!("use `proxy_pass http://{shown}`: {} speaks HTTP", b.server),
            };
            let label = if b.server == "uwsgi" {
                format!("uWSGI speaks {proto} on this socket")
            } else {
                format!("{} speaks {proto}", b.server)
            };
            let note = if b.server == "uwsgi" {
                uwsgi_outcome(speaks, b, l)
            } else {
                format!("{} (observed: testdata/observed/backends.md)", outcome(speaks, b))
            };
            let diag = cx
                .diagnostic(
                    span,
                    format!("speaks {speaks}"),
                    format!(
                        "{} speaks {} to {}, but {} speaking {}, expected the same protocol on both sides",
                        t.directive,
                        speaks,
                        shown,
                        listener_text(cx.db, b, l),
                        proto
                    ),
                )
                .with_label(l.span, label)
                .with_note(note)
                .with_help(fix);
            cx.report(diag);
        }
    }
}
