//! X004: two backends on the same host bind the same address: the second
//! cannot start.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::address::overlaps;
use crate::model::backend::{Backend, BackendListener};
use crate::rules::cross::listener_text;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "X004",
    name: "backend-address-conflict",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "two backends on one host bind the same address: the second one cannot start",
    inputs: &[FileKind::Pm2, FileKind::Launch],
    doc: include_str!("../../../lints/X004.md"),
};

pub fn check(cx: &mut Checker) {
    let backends: Vec<&Backend> = cx
        .model
        .backends
        .backends
        .iter()
        .filter(|b| b.on_host && !b.reuse_port)
        .collect();
    let mut seen: Vec<(&Backend, &BackendListener)> = Vec::new();
    for b in backends {
        for l in &b.listeners {
            let Some(bind) = &l.bind else { continue };
            let first = seen
                .iter()
                .find(|(fb, fl)| !std::ptr::eq(*fb, b) && fl.bind.as_ref().is_some_and(|x| overlaps(x, bind)));
            if let Some((fb, fl)) = first {
                let d = cx
                    .diagnostic(
                        l.span,
                        format!("{} binds {} here", b.server, l.address),
                        format!(
                            "{} ({}) binds {}, but {}; expected each backend on its own address",
                            b.server,
                            b.origin,
                            l.address,
                            listener_text(cx.db, fb, fl)
                        ),
                    )
                    .with_label(fl.span, format!("{} binds {} first", fb.server, fl.address))
                    .with_note("the second process fails with [Errno 98] Address already in use; gunicorn retries, logs \"Can't connect to\" and exits 1 (observed: testdata/observed/backends.md, case 11), so whatever nginx sends there goes to the other app or ends in 502")
                    .with_help("give each backend its own port or socket (or use --reuse-port on purpose)");
                cx.report(d);
            }
            seen.push((b, l));
        }
    }
}
