//! NGX005: `proxy_pass` (or uwsgi/fastcgi/grpc/scgi_pass) to a bare name that
//! is neither an `upstream` block nor a host with a port.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::nginx::{Endpoint, TargetKind};
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "NGX005",
    name: "upstream-host-not-found",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "`proxy_pass` names neither an `upstream` nor a host with a port: nginx refuses to start",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/NGX005.md"),
};

/// A single-label name without a port, not an IP address and not
/// `localhost`: what an upstream name looks like.
fn looks_like_upstream_name(host: &str) -> bool {
    !host.is_empty()
        && !host.contains('.')
        && !host.contains(':')
        && host != "localhost"
        && host.parse::<std::net::IpAddr>().is_err()
        && host.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

pub fn check(cx: &mut Checker) {
    let nginx = &cx.model.nginx;
    for t in &nginx.targets {
        if t.location.is_none() || t.port.is_some() {
            continue;
        }
        let TargetKind::Direct(Endpoint::Tcp { host, .. }) = &t.kind else {
            continue;
        };
        if !looks_like_upstream_name(host) {
            continue;
        }
        let near = nginx
            .upstreams
            .iter()
            .filter(|u| !u.stream)
            .map(|u| (crate::model::nginx::edit_distance(&u.name, host), u))
            .filter(|(d, _)| *d <= 3)
            .min_by_key(|(d, u)| (*d, u.name.clone()));
        let known: Vec<&str> = nginx
            .upstreams
            .iter()
            .filter(|u| !u.stream)
            .map(|u| u.name.as_str())
            .collect();
        let expected = if known.is_empty() {
            "an upstream block of that name or a host with a port".to_string()
        } else {
            format!("one of the upstreams ({}) or a host with a port", known.join(", "))
        };
        let mut d = cx
            .diagnostic(t.span, "no upstream has this name", format!("{} sends to \"{host}\", which is not an upstream, expected {expected}", t.directive))
            .with_note(format!(
                "`nginx -t` says: host not found in upstream \"{host}\" — nginx resolves the name at startup and refuses to start or reload"
            ));
        if let Some((_, u)) = near {
            d = d
                .with_label(u.name_span, "did you mean this upstream?")
                .with_help(format!("use `{}` as in the upstream block", u.name));
        } else {
            d = d.with_help(format!(
                "define `upstream {host} {{ server 127.0.0.1:8000; }}` in http, or write the address with its port"
            ));
        }
        cx.report(d);
    }
}
