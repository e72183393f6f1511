//! NGX009: an upstream that requests are sent to has every server marked
//! `down`.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::nginx::TargetKind;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "NGX009",
    name: "upstream-all-down",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "every server of an upstream in use is marked `down`: every request ends in 502",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/NGX009.md"),
};

pub fn check(cx: &mut Checker) {
    let n = &cx.model.nginx;
    let mut done = Vec::new();
    for t in &n.targets {
        let TargetKind::Upstream(i) = t.kind else { continue };
        if done.contains(&i) {
            continue;
        }
        done.push(i);
        let u = &n.upstreams[i];
        if u.servers.is_empty() || !u.servers.iter().all(|s| s.params.iter().any(|p| p == "down")) {
            continue;
        }
        let mut d = cx.diagnostic(
            u.name_span,
            "no server of this upstream can be used",
            format!(
                "every server of upstream \"{}\" is marked `down`, expected at least one server without `down`",
                u.name
            ),
        );
        for s in &u.servers {
            d = d.with_label(s.statement, "down");
        }
        d = d
            .with_label(t.span, "requests go to this upstream")
            .with_note("nginx answers 502 and logs `no live upstreams while connecting to upstream` (observed with nginx 1.22.1: testdata/observed/backends.md, case 15); `nginx -t` passes")
            .with_help("remove `down` from the server that should take traffic");
        cx.report(d);
    }
}
