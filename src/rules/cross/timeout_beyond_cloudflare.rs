//! X015: a site behind Cloudflare allows requests longer than 100 s.
//! Cloudflare's proxy waits 100 s for the origin's response headers and
//! then answers 524 itself (Cloudflare docs, "Error 524: a timeout
//! occurred"; Enterprise plans can raise it), so an nginx read timeout or a
//! backend limit above 100 s is never reached.
//!
//! Cloudflare is detected from the nginx configuration a location inherits:
//! `real_ip_header CF-Connecting-IP`, or `set_real_ip_from` with one of
//! Cloudflare's published ranges (https://www.cloudflare.com/ips/).

use std::collections::BTreeSet;

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::nginx::Location;
use crate::model::proxy::{Family, effective_in};
use crate::rules::cross::{route_settings, routes};
use crate::rules::{Checker, Group, RuleMeta};
use crate::source::Span;

pub const META: RuleMeta = RuleMeta {
    code: "X015",
    name: "timeout-beyond-cloudflare",
    group: Group::Suspicious,
    severity: Severity::Warning,
    summary: "behind Cloudflare, a timeout above 100 s is never reached: slow requests end in Cloudflare's 524",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/X015.md"),
};

/// Cloudflare's proxy timeout for responses (seconds).
const CLOUDFLARE_SECS: u64 = 100;

/// Cloudflare's published ranges (https://www.cloudflare.com/ips-v4/ and
/// ips-v6/, read 2026-11), as configurations write them.
const CLOUDFLARE_RANGES: &[&str] = &[
    "173.245.48.0/20",
    "103.21.244.0/22",
    "103.22.200.0/22",
    "103.31.4.0/22",
    "141.101.64.0/18",
    "108.162.192.0/18",
    "190.93.240.0/20",
    "188.114.96.0/20",
    "197.234.240.0/22",
    "198.41.128.0/17",
    "162.158.0.0/15",
    "104.16.0.0/13",
    "104.24.0.0/14",
    "172.64.0.0/13",
    "131.0.72.0/22",
    "2400:cb00::/32",
    "2606:4700::/32",
    "2803:f800::/32",
    "2405:b500::/32",
    "2405:8100::/32",
    "2a06:98c0::/29",
    "2c0f:f248::/32",
];

/// The directive that shows the location is behind Cloudflare.
fn cloudflare(loc: &Location) -> Option<(Span, String)> {
    if let Some(s) = loc.settings.get("real_ip_header")
        && let Some((args, span)) = s.values.last()
        && args.first().is_some_and(|h| h.eq_ignore_ascii_case("CF-Connecting-IP"))
    {
        return Some((*span, "`real_ip_header CF-Connecting-IP`".to_owned()));
    }
    let s = loc.settings.get("set_real_ip_from")?;
    s.values.iter().find_map(|(args, span)| {
        let a = args.first()?;
        CLOUDFLARE_RANGES
            .contains(&a.as_str())
            .then(|| (*span, format!("`set_real_ip_from {a}` (a Cloudflare range)")))
    })
}

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    let mut seen = BTreeSet::new();
    let mut report = |cx: &mut Checker, at: Span, what: String, secs: u64, cf: &(Span, String)| {
        if !seen.insert(at) {
            return;
        }
        let diag = cx
            .diagnostic(at, format!("{secs} s is never reached"), format!(
                "{what} lets a request run {secs} s, but the site is behind Cloudflare ({}), which answers 524 when the origin has not responded within {CLOUDFLARE_SECS} s: requests slower than that fail at the edge",
                cf.1
            ))
            .with_label(cf.0, "Cloudflare in front")
            .with_note("documented by Cloudflare (error 524); not observed locally: Cloudflare's edge does not run on loopback")
            .with_help(format!("keep requests under {CLOUDFLARE_SECS} s (a background job and a status URL for long work), or serve the slow path from a hostname that is not proxied by Cloudflare"));
        cx.report(diag);
    };
    // nginx's own read timeouts in locations behind Cloudflare.
    for loc in &d.nginx.locations {
        let Some(cf) = cloudflare(loc) else { continue };
        for family in Family::ALL {
            let Ok(eff) = effective_in(&loc.settings, family) else {
                continue;
            };
            let Some(span) = eff.read_timeout.span else { continue };
            if eff.read_timeout.value > CLOUDFLARE_SECS * 1000 {
                let what = format!("nginx's `{}`", family.directive("read_timeout"));
                report(cx, span, what, eff.read_timeout.value / 1000, &cf);
            }
        }
    }
    // Backend limits raised above 100 s, reached from such a location.
    for r in routes(d) {
        let Some(loc) = d.nginx.locations.get(r.location) else {
            continue;
        };
        let Some(cf) = cloudflare(loc) else { continue };
        if route_settings(d, &r).is_none() {
            continue;
        }
        let Some(limit) = &r.backend.tuning.request_limit else {
            continue;
        };
        let Some(secs) = limit.value else { continue };
        if limit.given && secs > CLOUDFLARE_SECS {
            report(
                cx,
                limit.span,
                format!("{} ({})", r.backend.server, limit.how),
                secs,
                &cf,
            );
        }
    }
}
