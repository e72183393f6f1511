//! X016: nginx keeps idle connections to a backend longer than the backend
//! keeps them: a request nginx sends on a connection the backend is closing
//! is lost (the keep-alive race).
//!
//! nginx keeps upstream connections only for an `upstream{}` block with a
//! keep-alive cache (`keepalive N`, or by default from nginx 1.29.7), and
//! only when the location speaks HTTP/1.1 without `Connection: close`
//! (explicit before 1.29.7). A `proxy_pass` to a literal address has no
//! cache (backend-semantics.md §4.1).

use std::collections::BTreeSet;

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::proxy::{Family, format_msec, upstream_http, upstream_keepalive};
use crate::rules::cross::{family_of, routes};
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "X016",
    name: "upstream-keepalive-race",
    group: Group::Suspicious,
    severity: Severity::Warning,
    summary: "nginx keeps idle upstream connections longer than the backend does: now and then a request (mostly POST) ends in 502",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/X016.md"),
};

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    let modern = d.nginx_version.keepalive_by_default();
    let mut seen = BTreeSet::new();
    for r in routes(d) {
        let Some(ui) = r.upstream else { continue };
        if family_of(&r.target.directive) != Some(Family::Proxy) {
            continue;
        }
        let Some(u) = d.nginx.upstreams.get(ui) else { continue };
        let ka = upstream_keepalive(&u.directives, modern);
        if ka.connections.value == 0 {
            continue;
        }
        let Some(loc) = d.nginx.locations.get(r.location) else {
            continue;
        };
        let http = upstream_http(&loc.settings, modern);
        if http.keeps_connections() != Some(true) {
            continue;
        }
        let Some(idle) = &r.backend.tuning.idle else { continue };
        let Some(idle_s) = idle.value else { continue };
        if idle_s * 1000 > ka.timeout.value {
            continue;
        }
        if !seen.insert((ui, idle.span)) {
            continue;
        }
        let at = ka.connections.span.unwrap_or(u.name_span);
        let cache = match ka.connections.span {
            Some(_) => format!("`keepalive {}`", ka.connections.value),
            None => format!(
                "{} keeps 32 idle connections by default ({})",
                "nginx 1.29.7 and later", d.nginx_version.how
            ),
        };
        let nginx_idle = match ka.timeout.span {
            Some(_) => format!("`keepalive_timeout` {}", format_msec(ka.timeout.value)),
            None => format!(
                "{} (nginx's default `keepalive_timeout`)",
                format_msec(ka.timeout.value)
            ),
        };
        let backend = match &r.backend.tuning.worker {
            Some(w) if r.backend.server == "gunicorn" => {
                format!("gunicorn's `{}` worker", w.value.as_deref().unwrap_or("?"))
            }
            _ => r.backend.server.to_owned(),
        };
        let mut diag = cx
            .diagnostic(
                at,
                "nginx keeps idle connections to this upstream",
                format!(
                    "nginx keeps idle connections to upstream `{}` for {nginx_idle}, but {backend} closes an idle connection after {idle_s} s ({}): a request nginx sends as the backend closes the connection is lost",
                    u.name, idle.how
                ),
            )
            .with_label(idle.span, format!("{backend} closes idle connections after {idle_s} s"))
            .with_note(format!("the cache: {cache}; {} speaks HTTP/{} to it", r.target.directive, http.http_version.value));
        if let Some(s) = ka.timeout.span {
            diag = diag.with_label(s, format!("nginx keeps them {}", format_msec(ka.timeout.value)));
        }
        // `proxy_next_upstream` decides which requests nginx retries on a
        // fresh connection after the race (ngx_http_upstream_next): by
        // default idempotent ones; `off` none; `non_idempotent` POSTs too.
        let next: Vec<String> = loc
            .settings
            .get("proxy_next_upstream")
            .and_then(|s| s.values.last())
            .map(|(args, _)| args.clone())
            .unwrap_or_default();
        let retried = if next.iter().any(|a| a == "off") {
            "`proxy_next_upstream off` is set here, so nginx retries nothing: any request on such a connection, GET included, ends in 502 \"upstream prematurely closed connection\""
        } else if next.iter().any(|a| a == "non_idempotent") {
            "`proxy_next_upstream … non_idempotent` makes nginx resend even POST, PUT and PATCH on another connection, so they may run twice on the backend"
        } else {
            "nginx retries GET and HEAD on another connection, but not POST, PUT or PATCH: those end in 502 \"upstream prematurely closed connection\""
        };
        diag = diag
            .with_note(format!("{retried} (observed with 3 of 61 POSTs, and no failed GET: testdata/observed/backends.md, case 32)"))
            .with_help(format!(
                "make the backend keep idle connections longer than nginx does (e.g. {}), or set `keepalive_timeout` in the upstream below {idle_s} s",
                match r.backend.server {
                    "gunicorn" => format!("`keepalive = {}` in the gunicorn config", ka.timeout.value / 1000 + 5),
                    "uvicorn" => format!("`--timeout-keep-alive {}`", ka.timeout.value / 1000 + 5),
                    "node" => format!("`server.keepAliveTimeout = {}`", (ka.timeout.value / 1000 + 5) * 1000),
                    _ => format!("an idle timeout of {} s", ka.timeout.value / 1000 + 5),
                }
            ));
        cx.report(diag);
    }
}
