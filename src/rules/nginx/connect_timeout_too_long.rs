//! NGX011: a `*_connect_timeout` above 75 s. nginx's documentation says
//! the value "usually cannot exceed 75 seconds": the kernel gives up on a
//! connection attempt by itself, and a backend that has not accepted within
//! a few seconds is down or dropping packets.

use std::collections::BTreeSet;

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::proxy::{Family, format_msec, parse_msec};
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "NGX011",
    name: "connect-timeout-too-long",
    group: Group::Suspicious,
    severity: Severity::Info,
    summary: "a `*_connect_timeout` above 75 s: the kernel ends the connection attempt first, and clients wait minutes for a 504",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/NGX011.md"),
};

/// nginx's documented ceiling (ngx_http_proxy_module, proxy_connect_timeout).
const DOCUMENTED_MAX_MS: u64 = 75_000;

pub fn check(cx: &mut Checker) {
    let d = cx.model;
    let mut seen = BTreeSet::new();
    for loc in &d.nginx.locations {
        for family in Family::ALL {
            let name = family.directive("connect_timeout");
            let Some(setting) = loc.settings.get(&name) else {
                continue;
            };
            for (args, span) in &setting.values {
                let Some(ms) = args.first().and_then(|a| parse_msec(a).ok()) else {
                    continue;
                };
                if ms <= DOCUMENTED_MAX_MS || !seen.insert(*span) {
                    continue;
                }
                let diag = cx
                    .diagnostic(*span, format!("{} connect timeout", format_msec(ms)), format!(
                        "`{name}` is {}, but a connection attempt usually cannot last longer than 75 s: the kernel gives up first (Linux with the default tcp_syn_retries = 6: after about 130 s, and nginx then answers 502)",
                        format_msec(ms)
                    ))
                    .with_note("observed: with `proxy_connect_timeout 300s` and a backend whose SYNs are dropped, nginx answered 502 \"connect() failed (110: Connection timed out) while connecting to upstream\" after 135 s (testdata/observed/backends.md, case 33)")
                    .with_help(format!("a backend that has not accepted a connection within a few seconds is down; set `{name}` to a few seconds (nginx's default is 60 s) and raise `{}` for slow responses instead", family.directive("read_timeout")));
                cx.report(diag);
            }
        }
    }
}
