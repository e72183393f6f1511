//! NGX003: a directive with the wrong number of arguments.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::nginx::ProblemKind;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "NGX003",
    name: "invalid-argument-count",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "a directive has the wrong number of arguments: nginx refuses to start",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/NGX003.md"),
};

pub fn check(cx: &mut Checker) {
    for p in &cx.model.nginx.problems {
        let ProblemKind::InvalidArgs { given, expected } = &p.kind else {
            continue;
        };
        let d = cx
            .diagnostic(
                p.statement,
                format!("{given} argument{}", if *given == 1 { "" } else { "s" }),
                format!(
                    "\"{}\" has {given} argument{}, expected {expected}",
                    p.name,
                    if *given == 1 { "" } else { "s" }
                ),
            )
            .with_note(format!("`nginx -t` says: {}", p.nginx_message()))
            .with_help("a value with spaces must be quoted; a missing `;` merges two directives into one");
        cx.report(d);
    }
}
