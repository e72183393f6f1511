//! X005: nginx speaks TLS (`https://`, `grpcs://`) to a backend that speaks
//! plain HTTP, or plain HTTP (`http://`, `grpc://`) to a backend that
//! speaks TLS.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::address::{self, Bind, Reach};
use crate::model::nginx::{Endpoint, TargetKind};
use crate::rules::cross::{candidates, listener_text, target_text};
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "X005",
    name: "proxy-tls-mismatch",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "nginx and the backend disagree on TLS (https:// to plain HTTP, or http:// to TLS): every request ends in 502",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/X005.md"),
};

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    let n = &d.nginx;
    for t in &n.targets {
        let nginx_tls = match (t.directive.as_str(), t.scheme.as_deref()) {
            (_, Some("https" | "grpcs")) => true,
            ("proxy_pass" | "grpc_pass", _) => false,
            _ => continue,
        };
        let endpoints: Vec<(&Endpoint, crate::source::Span)> = match &t.kind {
            TargetKind::Direct(e) => vec![(e, t.span)],
            TargetKind::Upstream(i) => n.upstreams[*i].servers.iter().map(|s| (&s.endpoint, s.span)).collect(),
        };
        for (e, span) in endpoints {
            let Endpoint::Tcp { host, port } = e else { continue };
            let cands = candidates(d, host);
            let hit = cands.iter().find_map(|b| {
                b.listeners.iter().find_map(|l| match &l.bind {
                    Some(bind @ Bind::Tcp { .. }) if address::reaches(host, *port, bind) == Reach::Yes => Some((*b, l)),
                    _ => None,
                })
            });
            let Some((b, l)) = hit else { continue };
            if b.tls == nginx_tls {
                continue;
            }
            if !nginx_tls {
                let scheme = t.scheme.as_deref().unwrap_or("http");
                let diag = cx
                    .diagnostic(
                        span,
                        format!("plain {scheme} to {}", target_text(host, *port)),
                        format!(
                            "{} speaks plain HTTP ({scheme}://) to {}, but the backend there speaks TLS ({}), expected {}s:// or a backend without a certificate",
                            t.directive,
                            target_text(host, *port),
                            listener_text(cx.db, b, l),
                            scheme
                        ),
                    )
                    .with_label(l.span, format!("{} listens with TLS", b.server))
                    .with_note("the backend's TLS handshake reads nginx's request line as a broken ClientHello and closes the connection; nginx logs `upstream prematurely closed connection while reading response header from upstream` and answers 502 at once (observed with gunicorn 27.0.1 and uvicorn 0.54.0: testdata/observed/backends.md, case 21)")
                    .with_help(format!("use `{}s://…` (and `proxy_ssl_verify` for a real certificate), or drop the backend's certificate behind a proxy on the same host", scheme));
                cx.report(diag);
                continue;
            }
            let diag = cx
                .diagnostic(
                    span,
                    format!("TLS to {}", target_text(host, *port)),
                    format!(
                        "{} speaks TLS ({}://) to {}, but the backend there speaks plain HTTP ({}), expected http:// or a certificate on the backend",
                        t.directive,
                        t.scheme.as_deref().unwrap_or("https"),
                        target_text(host, *port),
                        listener_text(cx.db, b, l)
                    ),
                )
                .with_label(l.span, format!("{} listens without TLS", b.server))
                .with_note("nginx's TLS handshake fails: SSL_do_handshake() failed (… wrong version number) while SSL handshaking to upstream, and it answers 502 — at once with gunicorn 27, after the 30 s worker timeout with gunicorn 23 (observed: testdata/observed/backends.md, case 9)")
                .with_help("use `proxy_pass http://…` for a backend on the same host or network");
            cx.report(diag);
        }
    }
}
