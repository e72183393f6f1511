//! X007: a backend on the host binds every interface while nginx on the same
//! host reaches it over loopback: the app's port is open to the network,
//! beside the proxy.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::address::{self, Bind, BindHost, Reach};
use crate::model::nginx::Endpoint;
use crate::rules::cross::{connects, is_local, listener_text, target_text};
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "X007",
    name: "backend-exposed-beside-proxy",
    group: Group::Suspicious,
    severity: Severity::Warning,
    summary: "a backend binds all interfaces while nginx reaches it over loopback: its port bypasses the proxy",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/X007.md"),
};

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    let mut seen: Vec<crate::source::Span> = Vec::new();
    for c in connects(d) {
        let Endpoint::Tcp { host, port } = c.endpoint else {
            continue;
        };
        if !is_local(host) {
            continue;
        }
        for b in &d.backends.backends {
            // Only processes known to run on the host beside nginx: in a
            // container or on a platform, all interfaces is how the proxy
            // reaches the app; a shell script or a gunicorn config file alone
            // may be a container's.
            if !b.on_host || b.contained {
                continue;
            }
            for l in &b.listeners {
                let Some(bind @ Bind::Tcp { host: h, .. }) = &l.bind else {
                    continue;
                };
                if !matches!(h, BindHost::AnyV4 | BindHost::AnyV6) || address::reaches(host, *port, bind) != Reach::Yes
                {
                    continue;
                }
                if seen.contains(&l.span) {
                    continue;
                }
                seen.push(l.span);
                let loopback = format!("127.0.0.1:{port}");
                // Point at what decided the host, when one decision did.
                let span = l
                    .decided_by
                    .iter()
                    .find(|(why, _)| why.contains("host") || why.contains("all interfaces"))
                    .map_or(l.span, |(_, s)| *s);
                let diag = cx
                    .diagnostic(
                        span,
                        format!("binds {}", address::describe(bind)),
                        format!(
                            "{}, all interfaces, while nginx reaches it over loopback ({} sends to {}), expected {}",
                            listener_text(cx.db, b, l),
                            c.directive,
                            target_text(host, *port),
                            loopback
                        ),
                    )
                    .with_label(c.span, format!("nginx connects to {}", target_text(host, *port)))
                    .with_note(format!(
                        "any machine that can reach this host can send requests to port {port} directly, past nginx's TLS, limits and access rules and any CDN or WAF in front; a socket bound to 0.0.0.0 or [::] accepts connections to every address of the host (observed: testdata/observed/backends.md, case 5)"
                    ))
                    .with_help(format!("bind the backend to {loopback} (nginx on the same host still reaches it)"));
                cx.report(diag);
            }
        }
    }
}
