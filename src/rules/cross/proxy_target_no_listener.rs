//! X001: nginx sends requests to a port where no backend of the deployment
//! listens.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::address;
use crate::model::nginx::Endpoint;
use crate::rules::cross::{Verdict, candidates, connects, judge_tcp, listener_text, target_text};
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "X001",
    name: "proxy-target-no-listener",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "nginx proxies to a port where no backend listens: every request ends in 502",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/X001.md"),
};

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    for c in connects(d) {
        let Endpoint::Tcp { host, port } = c.endpoint else {
            continue;
        };
        let cands = candidates(d, host);
        let Verdict::NoListener(b, l) = judge_tcp(&cands, host, *port) else {
            continue;
        };
        let listen = l
            .bind
            .as_ref()
            .map(address::describe)
            .unwrap_or_else(|| l.address.clone());
        let mut diag = cx
            .diagnostic(
                c.span,
                "nothing listens here",
                format!(
                    "{} sends to {}, but no backend listens there; {}",
                    c.directive,
                    target_text(host, *port),
                    listener_text(cx.db, b, l)
                ),
            )
            .with_label(l.span, format!("{} listens on {listen}", b.server));
        for (why, span) in l.decided_by.iter().skip(1) {
            diag = diag.with_label(*span, why.clone());
        }
        let port_hint = match &l.bind {
            Some(address::Bind::Tcp { port: p, .. }) if p != port => format!("did you mean port {p}? "),
            _ => String::new(),
        };
        diag = diag
            .with_note("nginx's connect() fails with (111: Connection refused) and it answers 502 Bad Gateway (observed: testdata/observed/backends.md, case 1)")
            .with_help(format!("{port_hint}make the nginx target and the backend's bind name the same address"));
        cx.report(diag);
    }
}
