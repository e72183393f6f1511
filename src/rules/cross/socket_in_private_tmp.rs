//! X008: a backend's systemd unit has `PrivateTmp=yes` and its unix socket
//! is under `/tmp` or `/var/tmp`: the socket lands in the unit's private
//! directory, where nginx never looks.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::address::Bind;
use crate::model::nginx::Endpoint;
use crate::rules::cross::{connects, listener_text};
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "X008",
    name: "socket-in-private-tmp",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "a backend with systemd PrivateTmp creates its socket under /tmp: nginx cannot see it, every request ends in 502",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/X008.md"),
};

fn in_tmp(path: &str) -> bool {
    ["/tmp/", "/var/tmp/"].iter().any(|p| path.starts_with(p))
}

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    for c in connects(d) {
        let Endpoint::Unix { path } = c.endpoint else { continue };
        if !in_tmp(path) {
            continue;
        }
        for b in &d.backends.backends {
            let Some(private) = b.private_tmp else { continue };
            let Some(l) = b
                .listeners
                .iter()
                .find(|l| matches!(&l.bind, Some(Bind::Unix { path: p }) if p == path))
            else {
                continue;
            };
            let diag = cx
                .diagnostic(
                    c.span,
                    "not visible to nginx",
                    format!(
                        "{} connects to unix:{path}, but {} in a private /tmp (PrivateTmp=yes), expected the socket outside /tmp and /var/tmp",
                        c.directive,
                        listener_text(cx.db, b, l)
                    ),
                )
                .with_label(l.span, format!("{} creates the socket here", b.server))
                .with_label(private, "gives the unit its own /tmp and /var/tmp")
                .with_note("systemd mounts a fresh /tmp for the unit: the socket exists only inside the unit's mount namespace, and nginx's connect() fails with (2: No such file or directory) — every request ends in 502 (observed with a private /tmp mount namespace: testdata/observed/backends.md, case 20)")
                .with_help("put the socket under /run (systemd `RuntimeDirectory=app` gives /run/app, owned by the unit's user), e.g. unix:/run/app/app.sock, and point nginx there");
            cx.report(diag);
        }
    }
}
