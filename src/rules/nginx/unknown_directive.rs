//! NGX004: a directive name nginx and the common modules do not define.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::nginx::ProblemKind;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "NGX004",
    name: "unknown-directive",
    group: Group::Suspicious,
    severity: Severity::Warning,
    summary: "a directive no known nginx module defines: a typo, or a module that must be loaded",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/NGX004.md"),
};

pub fn check(cx: &mut Checker) {
    for p in &cx.model.nginx.problems {
        if let ProblemKind::Removed(r) = &p.kind {
            let d = cx
                .diagnostic(
                    p.span,
                    format!("removed in nginx {}", r.removed_in),
                    format!(
                        "\"{}\" was removed in nginx {}, expected a directive current nginx knows",
                        p.name, r.removed_in
                    ),
                )
                .with_note(format!(
                    "nginx {} and later refuse to start: unknown directive \"{}\"; older versions accept it",
                    r.removed_in, p.name
                ))
                .with_help(r.advice);
            cx.report(d);
            continue;
        }
        let ProblemKind::Unknown { suggestion } = &p.kind else {
            continue;
        };
        let mut d = cx
            .diagnostic(p.span, "unknown directive", format!("unknown directive \"{}\", expected a directive of nginx or a loaded module", p.name))
            .with_note(format!(
                "`nginx -t` says: unknown directive \"{}\" — unless a module that defines it is loaded (lint502 knows nginx and common third-party modules; NGINX Plus directives are not in its table)",
                p.name
            ));
        if let Some(s) = suggestion {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        cx.report(d);
    }
}
