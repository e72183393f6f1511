//! NGX012: an upstream's `keepalive` cache that a location cannot use,
//! because it proxies with HTTP/1.0 or sends `Connection: close` (the
//! defaults before nginx 1.29.7): every request opens a new connection.

use std::collections::BTreeSet;

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::nginx::TargetKind;
use crate::model::proxy::{upstream_http, upstream_keepalive};
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "NGX012",
    name: "upstream-keepalive-unused",
    group: Group::Suspicious,
    severity: Severity::Info,
    summary: "`keepalive` in an upstream does nothing for a location that proxies with HTTP/1.0 or `Connection: close`",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/NGX012.md"),
};

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    let modern = d.nginx_version.keepalive_by_default();
    let mut seen = BTreeSet::new();
    for t in &d.nginx.targets {
        if t.directive != "proxy_pass" {
            continue;
        }
        let (TargetKind::Upstream(ui), Some(li)) = (&t.kind, t.location) else {
            continue;
        };
        let Some(u) = d.nginx.upstreams.get(*ui) else { continue };
        let ka = upstream_keepalive(&u.directives, modern);
        // Only an explicit cache: the implicit one of 1.29.7 comes with
        // HTTP/1.1 and no `Connection: close` unless a location asks for them.
        let Some(ka_span) = ka.connections.span else { continue };
        if ka.connections.value == 0 {
            continue;
        }
        let Some(loc) = d.nginx.locations.get(li) else { continue };
        let http = upstream_http(&loc.settings, modern);
        if http.keeps_connections() != Some(false) {
            continue;
        }
        if !seen.insert((*ui, li)) {
            continue;
        }
        let version = &d.nginx_version.how;
        let why = if http.http_version.value == "1.0" {
            match http.http_version.span {
                Some(_) => "it sets `proxy_http_version 1.0`".to_owned(),
                None => format!(
                    "it has no `proxy_http_version 1.1`, and nginx before 1.29.7 speaks HTTP/1.0 to upstreams ({version})"
                ),
            }
        } else {
            match http.connection.span {
                Some(_) => "it sends `Connection: close` (`proxy_set_header Connection close`)".to_owned(),
                None => format!(
                    "it does not clear the `Connection` header, and nginx before 1.29.7 sends `Connection: close` ({version})"
                ),
            }
        };
        let mut diag = cx
            .diagnostic(
                ka_span,
                "this cache is never used",
                format!(
                    "upstream `{}` keeps `keepalive {}` idle connections, but the location at this {} cannot reuse them: {why}",
                    u.name, ka.connections.value, t.directive
                ),
            )
            .with_label(t.span, "proxies here without keep-alive");
        for s in [http.http_version.span, http.connection.span].into_iter().flatten() {
            diag = diag.with_label(s, "set here");
        }
        diag = diag
            .with_note("each request opens a new connection to the backend (observed: testdata/observed/backends.md, case 32)")
            .with_help("add `proxy_http_version 1.1;` and `proxy_set_header Connection \"\";` to the location, or drop `keepalive`; keep the backend's idle timeout longer than nginx's `keepalive_timeout` (X016)");
        cx.report(diag);
    }
}
