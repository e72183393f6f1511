//! X003: nginx connects to a unix socket path no backend creates.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::address::Bind;
use crate::model::nginx::Endpoint;
use crate::rules::cross::connects;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "X003",
    name: "unix-socket-mismatch",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "nginx connects to a unix socket that no backend creates: every request ends in 502",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/X003.md"),
};

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    let sockets: Vec<_> = d
        .backends
        .backends
        .iter()
        .flat_map(|b| b.listeners.iter().map(move |l| (b, l)))
        .filter(|(_, l)| matches!(l.bind, Some(Bind::Unix { .. })))
        .collect();
    // A listener that depends on an unknown value could be anything.
    let unknown = d
        .backends
        .backends
        .iter()
        .flat_map(|b| &b.listeners)
        .any(|l| l.bind.is_none());
    if sockets.is_empty() || unknown {
        return;
    }
    for c in connects(d) {
        let Endpoint::Unix { path } = c.endpoint else { continue };
        if sockets
            .iter()
            .any(|(_, l)| matches!(&l.bind, Some(Bind::Unix { path: p }) if p == path))
        {
            continue;
        }
        let (b, l) = sockets
            .iter()
            .min_by_key(|(_, l)| match &l.bind {
                Some(Bind::Unix { path: p }) => crate::text::edit_distance(p, path),
                _ => usize::MAX,
            })
            .copied()
            .expect("sockets is not empty");
        let diag = cx
            .diagnostic(
                c.span,
                "no backend creates this socket",
                format!("{} connects to unix:{}, but {}", c.directive, path, crate::rules::cross::listener_text(cx.db, b, l)),
            )
            .with_label(l.span, format!("{} creates this socket", b.server))
            .with_note("nginx logs [crit] connect() to unix:… failed (2: No such file or directory) and answers 502 (observed: testdata/observed/backends.md, case 6)")
            .with_help("use the same socket path on both sides");
        cx.report(diag);
    }
}
