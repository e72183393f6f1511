//! NGX006: a simple directive followed by a block, or a block directive
//! ended with `;`.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::nginx::ProblemKind;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "NGX006",
    name: "block-directive-mismatch",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "a simple directive opens a block, or a block directive ends with `;`: nginx refuses to start",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/NGX006.md"),
};

pub fn check(cx: &mut Checker) {
    for p in &cx.model.nginx.problems {
        let (message, label, help) = match p.kind {
            ProblemKind::NotTerminated => (
                format!(
                    "\"{}\" is followed by \"{{\", expected \";\" (it takes no block)",
                    p.name
                ),
                "a `;` is missing before this block",
                "end the directive with `;`; if the block belongs to the next directive, its name is missing",
            ),
            ProblemKind::NoOpeningBrace => (
                format!("\"{}\" ends with \";\", expected a block \"{{ … }}\"", p.name),
                "this directive needs a block",
                "replace the `;` with a block `{ … }`",
            ),
            _ => continue,
        };
        let d = cx
            .diagnostic(p.terminator, label, message)
            .with_label(p.span, "directive")
            .with_note(format!("`nginx -t` says: {}", p.nginx_message()))
            .with_help(help);
        cx.report(d);
    }
}
