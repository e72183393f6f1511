//! X019: uWSGI reads a whole request (the uwsgi packet, or the HTTP request
//! line and headers on an `http-socket`) into `buffer-size` bytes, 4096 by
//! default, while nginx accepts request headers up to
//! `large_client_header_buffers` (4 × 8k by default). A request between the
//! two limits passes nginx and is dropped by uWSGI: "invalid request block
//! size: N (max 4096)...skip", a reset, and a 502.

use std::collections::BTreeSet;

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::proxy::{format_size, parse_size};
use crate::rules::cross::routes;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "X019",
    name: "uwsgi-buffer-below-nginx",
    group: Group::Suspicious,
    severity: Severity::Warning,
    summary: "uWSGI's `buffer-size` (4096 by default) is smaller than the request headers nginx accepts: requests with large cookies end in 502",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/X019.md"),
};

/// uWSGI's default `buffer-size` (uwsgi docs, Options: "set internal buffer
/// size", default 4096).
const UWSGI_DEFAULT: u64 = 4096;

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    let mut seen = BTreeSet::new();
    for r in routes(d) {
        let Some(cfg) = r.backend.uwsgi.as_deref() else {
            continue;
        };
        // Only where the two speak the same protocol: a mismatch fails on
        // every request (X009), whatever the headers.
        let matched = matches!(
            (r.target.directive.as_str(), r.listener.protocol(r.backend)),
            ("uwsgi_pass", "uwsgi") | ("proxy_pass", "http")
        );
        if !matched {
            continue;
        }
        let (size, span, how) = match cfg.last(&["buffer-size"]) {
            Some(o) => {
                let Some(n) = o.known.then(|| o.value.trim().parse::<u64>().ok()).flatten() else {
                    continue;
                };
                (n, o.span, format!("`buffer-size = {n}`"))
            }
            None => (
                UWSGI_DEFAULT,
                r.listener.span,
                "uWSGI's default `buffer-size`".to_owned(),
            ),
        };
        let Some(loc) = d.nginx.locations.get(r.location) else {
            continue;
        };
        // `large_client_header_buffers number size`: nginx accepts a request
        // line or a header line up to `size` (default 4 8k).
        let (header_max, nginx_span) = match loc
            .settings
            .get("large_client_header_buffers")
            .and_then(|s| s.values.last())
        {
            Some((args, s)) => match args.get(1).and_then(|v| parse_size(v).ok()) {
                Some(n) => (n, Some(*s)),
                None => continue,
            },
            None => (8192, None),
        };
        if size >= header_max || !seen.insert((span, nginx_span)) {
            continue;
        }
        let nginx_how = match nginx_span {
            Some(_) => format!(
                "`large_client_header_buffers` lets one header line be {}",
                format_size(header_max)
            ),
            None => "nginx's default `large_client_header_buffers 4 8k` lets one header line be 8k".to_owned(),
        };
        let mut diag = cx
            .diagnostic(span, format!("uWSGI reads at most {size} bytes of request"), format!(
                "uWSGI reads a request's headers into {size} bytes ({how}), but {nginx_how}: a request with a large cookie or token passes nginx and is dropped by uWSGI"
            ))
            .with_label(nginx_span.unwrap_or(r.target.span), format!("nginx accepts header lines up to {}", format_size(header_max)));
        diag = diag
            .with_note("uWSGI logs \"invalid request block size: 4896 (max 4096)...skip\" and resets the connection; nginx logs \"recv() failed (104: Connection reset by peer) while reading response header from upstream\" and answers 502, for the users whose cookies are that large (observed: testdata/observed/backends.md, case 35)")
            .with_help(format!("set `buffer-size = {}` in the uWSGI configuration (up to 65535)", header_max.clamp(32768, 65535)));
        cx.report(diag);
    }
}
