//! NGX001: `include` names a file that does not exist.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::nginx::IncludeProblem;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "NGX001",
    name: "include-not-found",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "`include` names a file that does not exist: nginx refuses to start",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/NGX001.md"),
};

pub fn check(cx: &mut Checker) {
    for p in &cx.model.nginx.include_problems {
        match p {
            IncludeProblem::Missing { span, value, looked_at } => {
                let shown = crate::source::display_path(looked_at);
                let d = cx
                    .diagnostic(
                        *span,
                        format!("nginx looks for {shown}"),
                        format!("included file \"{value}\" does not exist"),
                    )
                    .with_note(format!(
                        "`nginx -t` says: open() \"{value}\" failed (2: No such file or directory)"
                    ))
                    .with_help("add the file, fix the path, or use a glob (nginx accepts a glob that matches nothing)");
                cx.report(d);
            }
            IncludeProblem::Unreadable { span, path, error } => {
                let shown = crate::source::display_path(path);
                let d = cx.diagnostic(
                    *span,
                    format!("cannot read {shown}"),
                    format!("included file cannot be read: {error}"),
                );
                cx.report(d);
            }
            _ => {}
        }
    }
}
