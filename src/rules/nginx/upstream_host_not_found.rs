//! NGX005: a `*_pass` target nginx cannot resolve when it loads the
//! configuration: a bare name that is no `upstream` (`proxy_pass`), or a host
//! without a port (`uwsgi_pass`, `fastcgi_pass`, `scgi_pass`, `grpc_pass`).

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::nginx::{Endpoint, Target, TargetKind, Upstream};
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "NGX005",
    name: "upstream-host-not-found",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "a `*_pass` names neither an `upstream` nor a host with a port: nginx refuses to start",
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

/// What nginx says about this target, if it refuses it.
fn nginx_error(t: &Target) -> Option<String> {
    let TargetKind::Direct(Endpoint::Tcp { host, .. }) = &t.kind else {
        return None;
    };
    if t.location.is_none() || t.port.is_some() {
        return None;
    }
    if t.directive == "proxy_pass" {
        // http/https carry a default port; nginx resolves the name at start.
        return looks_like_upstream_name(host).then(|| format!("host not found in upstream \"{host}\""));
    }
    Some(format!("no port in upstream \"{host}\""))
}

pub fn check(cx: &mut Checker) {
    let nginx = &cx.model.nginx;
    for t in &nginx.targets {
        let Some(nginx_says) = nginx_error(t) else { continue };
        let host = &t.host;
        let same: Vec<&Upstream> = nginx
            .upstreams
            .iter()
            .filter(|u| !u.stream && u.group == t.group)
            .collect();
        let mut measure = crate::text::Near::new(host);
        let near = same
            .iter()
            .filter_map(|u| Some((measure.distance_within(&u.name, 3)?, *u)))
            .min_by_key(|(d, u)| (*d, u.name.clone()));
        let mut known: Vec<&str> = same.iter().map(|u| u.name.as_str()).collect();
        known.sort_unstable();
        known.dedup();
        let expected = if known.is_empty() {
            "an upstream block of that name or a host with a port".to_string()
        } else {
            format!("one of the upstreams ({}) or a host with a port", known.join(", "))
        };
        let mut d = cx
            .diagnostic(
                t.span,
                "no upstream has this name",
                format!("{} sends to \"{host}\", which is not an upstream, expected {expected}", t.directive),
            )
            .with_note(format!(
                "`nginx -t` says: {nginx_says} — nginx checks this when it loads the configuration and refuses to start or reload"
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
