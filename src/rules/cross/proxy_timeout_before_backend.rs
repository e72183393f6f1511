//! X014: nginx stops waiting before the backend's own limit: the backend
//! was given a longer request limit (gunicorn `sync` `timeout`, uWSGI
//! `harakiri`) than the `*_read_timeout` of a location that sends requests
//! to it, so the requests it was tuned to allow end in 504.

use std::collections::BTreeSet;

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::proxy::format_msec;
use crate::rules::cross::worker_timeout_before_proxy::killer;
use crate::rules::cross::{family_of, route_settings, routes};
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "X014",
    name: "proxy-timeout-before-backend",
    group: Group::Suspicious,
    severity: Severity::Warning,
    summary: "nginx's read timeout is shorter than the request limit the backend was given: slow requests end in 504",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/X014.md"),
};

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    let mut seen = BTreeSet::new();
    for r in routes(d) {
        let Some(limit) = &r.backend.tuning.request_limit else {
            continue;
        };
        // Only a limit someone raised: the default is not a statement that
        // requests may take that long.
        if !limit.given {
            continue;
        }
        let Some(limit_s) = limit.value else { continue };
        let Some(eff) = route_settings(d, &r) else { continue };
        let read = eff.read_timeout;
        // 0 disables the backend's limit: any nginx timeout comes first, but
        // nobody said how long requests may take.
        if limit_s == 0 || read.value >= limit_s * 1000 {
            continue;
        }
        let at = read.span.unwrap_or(r.target.span);
        if !seen.insert((at, limit.span)) {
            continue;
        }
        let (who, what) = killer(r.backend.server);
        let read_name = format!(
            "{}_read_timeout",
            family_of(&r.target.directive).map_or("proxy", |f| f.prefix())
        );
        let read_how = match read.span {
            Some(_) => format!("`{read_name}` is {}", format_msec(read.value)),
            None => format!("no `{read_name}`: nginx's default is {}", format_msec(read.value)),
        };
        let diag = cx
            .diagnostic(
                at,
                format!("nginx gives up after {}", format_msec(read.value)),
                format!(
                    "nginx gives up on a response after {} ({read_how}), but {who} lets a request run {limit_s} s ({}): requests between {} and {limit_s} s end in 504",
                    format_msec(read.value),
                    limit.how,
                    format_msec(read.value)
                ),
            )
            .with_label(limit.span, format!("{who} allows {limit_s} s here"))
            .with_note(
                "nginx logs \"upstream timed out (110: Connection timed out) while reading response header from upstream\" and answers 504 while the backend is still working (observed: testdata/observed/backends.md, case 31)",
            )
            .with_help(format!(
                "set `{read_name} {limit_s}s;` (or more) where this location proxies, so that {what} is the limit that applies"
            ));
        cx.report(diag);
    }
}
