//! X006: nginx listens on an address a backend on the same host binds.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::address::{overlaps, parse_nginx_listen};
use crate::rules::cross::listener_text;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "X006",
    name: "nginx-listen-conflict",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "nginx listens on an address a backend on the same host binds: whichever starts second fails",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/X006.md"),
};

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    for s in &d.nginx.servers {
        for listen in &s.listens {
            let Some(nb) = parse_nginx_listen(&listen.value) else {
                continue;
            };
            let hit = d
                .backends
                .backends
                .iter()
                .filter(|b| b.on_host && !b.reuse_port)
                .find_map(|b| {
                    b.listeners
                        .iter()
                        .find(|l| l.bind.as_ref().is_some_and(|bb| overlaps(&nb, bb)))
                        .map(|l| (b, l))
                });
            let Some((b, l)) = hit else { continue };
            let diag = cx
                .diagnostic(
                    listen.span,
                    format!("nginx listens on {}", listen.value),
                    format!(
                        "nginx listens on {}, but {}, expected nginx and the backend on different ports",
                        listen.value,
                        listener_text(cx.db, b, l)
                    ),
                )
                .with_label(l.span, format!("{} binds {}", b.server, l.address))
                .with_note("`nginx -t` passes, but whichever process starts second cannot bind: nginx stops with `bind() to … failed (98: Address already in use)` / `still could not bind()` (observed: testdata/observed/backends.md, case 16); a backend exits as in X004")
                .with_help("let the backend listen on a private port (127.0.0.1:8000) and have nginx proxy to it");
            cx.report(diag);
        }
    }
}
