//! X002: nginx and the backend agree on the port but not on the address: a
//! loopback alias (`127.0.0.2` vs `127.0.0.1`), or a compose service name
//! while the backend binds loopback inside its container.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::address;
use crate::model::nginx::Endpoint;
use crate::rules::cross::{Verdict, candidates, connects, is_local, judge_tcp, listener_text, target_text};
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "X002",
    name: "proxy-host-mismatch",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "nginx and the backend use the same port on addresses that cannot meet: every request ends in 502",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/X002.md"),
};

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    for c in connects(d) {
        let Endpoint::Tcp { host, port } = c.endpoint else {
            continue;
        };
        let cands = candidates(d, host);
        let Verdict::HostMismatch(b, l) = judge_tcp(&cands, host, *port) else {
            continue;
        };
        let listen = l
            .bind
            .as_ref()
            .map(address::describe)
            .unwrap_or_else(|| l.address.clone());
        let why = if is_local(host) {
            "a socket bound to one loopback address accepts connections to that address only".to_string()
        } else {
            format!("\"{host}\" is another container: its loopback interface is not the one nginx connects to")
        };
        let diag = cx
            .diagnostic(
                c.span,
                format!("connects to {}", target_text(host, *port)),
                format!(
                    "{} sends to {}, but {}, expected the same address or 0.0.0.0",
                    c.directive,
                    target_text(host, *port),
                    listener_text(cx.db, b, l)
                ),
            )
            .with_label(l.span, format!("{} listens on {listen}", b.server))
            .with_note(format!("{why}; nginx's connect() is refused and it answers 502 (observed: testdata/observed/backends.md, case 3)"))
            .with_help(if is_local(host) {
                format!("proxy to {} or bind the backend to {}", listen, target_text(host, *port))
            } else {
                format!("bind the backend to 0.0.0.0:{port} inside its container (the port stays private unless published)")
            });
        cx.report(diag);
    }
}
