//! X009: nginx speaks one protocol to a backend that speaks another:
//! `uwsgi_pass`, `fastcgi_pass`, `scgi_pass` or `grpc_pass` to an HTTP
//! server, or `proxy_pass` (HTTP) to gunicorn's uwsgi protocol.

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
            // speak HTTP (gunicorn also uwsgi); node may speak anything.
            if b.server == "node" || (speaks == "grpc" && b.server == "hypercorn") {
                continue;
            }
            if b.protocol == speaks {
                continue;
            }
            let shown = match e {
                Endpoint::Tcp { host, port } => target_text(host, *port),
                Endpoint::Unix { path } => format!("unix:{path}"),
                Endpoint::Variable => continue,
            };
            let fix = match (speaks, b.server) {
                ("uwsgi", "gunicorn") => {
                    format!("use `proxy_pass http://{shown}` (or start gunicorn 27+ with `--protocol uwsgi`)")
                }
                ("http", _) => {
                    format!("use `uwsgi_pass {shown}` (and `include uwsgi_params`), or drop `--protocol uwsgi`")
                }
                _ => format!("use `proxy_pass http://{shown}`: {} speaks HTTP", b.server),
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
                        b.protocol
                    ),
                )
                .with_label(l.span, format!("{} speaks {}", b.server, b.protocol))
                .with_note(format!(
                    "{} (observed: testdata/observed/backends.md)",
                    outcome(speaks, b)
                ))
                .with_help(fix);
            cx.report(diag);
        }
    }
}
