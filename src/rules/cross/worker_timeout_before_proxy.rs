//! X013: nginx's read timeout was raised, but the backend still kills a
//! request at its default limit: gunicorn's `sync` worker `timeout` (30 s)
//! is shorter than the `*_read_timeout` of a location that sends requests
//! to it.

use std::collections::BTreeSet;

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::proxy::format_msec;
use crate::rules::cross::{route_settings, routes};
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "X013",
    name: "worker-timeout-before-proxy",
    group: Group::Suspicious,
    severity: Severity::Warning,
    summary: "nginx's read timeout was raised, but gunicorn's sync worker still kills requests at its default 30 s: slow requests end in 500/502",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/X013.md"),
};

/// How the backend kills a slow request, for messages.
pub fn killer(server: &str) -> (&'static str, &'static str) {
    if server == "uwsgi" {
        ("uWSGI", "`harakiri`")
    } else {
        ("gunicorn", "the `sync` worker's `timeout`")
    }
}

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    let mut seen = BTreeSet::new();
    for r in routes(d) {
        let Some(limit) = &r.backend.tuning.request_limit else {
            continue;
        };
        let Some(limit_s) = limit.value.filter(|s| *s > 0) else {
            continue;
        };
        let Some(eff) = route_settings(d, &r) else { continue };
        let read = eff.read_timeout;
        // Only nginx's timeout was raised, and the backend's limit is its
        // default: someone meant slow requests to finish, and the worker
        // still kills them. A limit set on purpose below nginx's timeout is
        // the recommended order (the backend ends the request and logs it;
        // X014 covers the reverse), and the stock pair (gunicorn 30 s, nginx
        // 60 s) was chosen by nobody: both stay quiet.
        if limit.given || read.span.is_none() {
            continue;
        }
        if limit_s * 1000 >= read.value {
            continue;
        }
        if !seen.insert((limit.span, read.span.unwrap_or(r.target.span))) {
            continue;
        }
        let (who, what) = killer(r.backend.server);
        let read_name = format!(
            "{}_read_timeout",
            crate::rules::cross::family_of(&r.target.directive).map_or("proxy", |f| f.prefix())
        );
        let read_how = match read.span {
            Some(_) => format!("`{read_name}` is {}", format_msec(read.value)),
            None => format!("`{read_name}` is nginx's default, {}", format_msec(read.value)),
        };
        let mut diag = cx
            .diagnostic(
                limit.span,
                format!("{who} kills the request after {limit_s} s"),
                format!(
                    "{who} kills a request after {limit_s} s ({}), but nginx waits {} for it ({read_how}): requests slower than {limit_s} s fail in the worker instead of finishing",
                    limit.how,
                    format_msec(read.value)
                ),
            )
            .with_label(
                read.span.unwrap_or(r.target.span),
                match read.span {
                    Some(_) => format!("nginx waits {} here", format_msec(read.value)),
                    None => format!("nginx waits {} (its default) for this {}", format_msec(read.value), r.target.directive),
                },
            );
        if r.backend.server == "uwsgi" {
            diag = diag.with_note(format!(
                "uWSGI's {what} kills the worker mid-request; nginx logs \"upstream prematurely closed connection\" and answers 502"
            ));
        } else {
            diag = diag.with_note(
                "the arbiter logs [CRITICAL] WORKER TIMEOUT and aborts the worker: a request in Python code gets gunicorn's 500 page, one stuck in C code gets nothing and nginx answers 502 (observed: testdata/observed/backends.md, case 31)",
            );
        }
        diag = diag.with_help(format!(
            "raise {what} above nginx's {} (or lower nginx's), or move slow work out of the request; a `gthread` or async worker heartbeats while a request runs",
            format_msec(read.value)
        ));
        cx.report(diag);
    }
}
