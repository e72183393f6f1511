//! NGX002: a directive in a block where nginx does not accept it.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::nginx::ProblemKind;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "NGX002",
    name: "directive-not-allowed-here",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "a directive stands in a block where nginx does not accept it: nginx refuses to start",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/NGX002.md"),
};

pub fn check(cx: &mut Checker) {
    for p in &cx.model.nginx.problems {
        let ProblemKind::NotAllowed { allowed } = &p.kind else {
            continue;
        };
        let places = if allowed.is_empty() {
            "no block lint502 knows".to_string()
        } else {
            allowed.join(", ")
        };
        let d = cx
            .diagnostic(
                p.span,
                format!("in {}", p.context),
                format!("\"{}\" is not allowed in {}, expected in {}", p.name, p.context, places),
            )
            .with_note(format!("`nginx -t` says: {}", p.nginx_message()))
            .with_help(format!(
                "move it into a {} block",
                allowed.first().copied().unwrap_or("suitable")
            ));
        cx.report(d);
    }
}
