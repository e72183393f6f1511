//! NGX007: a file includes itself, directly or through other files.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::nginx::IncludeProblem;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "NGX007",
    name: "include-cycle",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "files include each other in a loop: nginx crashes or fails with \"Too many open files\"",
    inputs: &[FileKind::Nginx],
    doc: include_str!("../../../lints/NGX007.md"),
};

pub fn check(cx: &mut Checker) {
    for p in &cx.model.nginx.include_problems {
        match p {
            IncludeProblem::Cycle { span, value, chain } => {
                let mut d = cx.diagnostic(
                    *span,
                    "this include leads back here",
                    format!("include \"{value}\" includes a file that is already being read, expected includes without a loop"),
                );
                for s in chain {
                    d = d.with_label(*s, "included from here");
                }
                cx.report(
                    d.with_note("nginx has no loop check: it reads the files again and again until it runs out of file descriptors (\"Too many open files\") or stack (it crashed with SIGSEGV when observed)")
                        .with_help("remove one of the includes in the loop"),
                );
            }
            IncludeProblem::TooDeep { span } => {
                let d = cx.diagnostic(
                    *span,
                    "include nesting too deep",
                    format!(
                        "includes nest more than {} levels deep, expected a shallow include tree",
                        crate::model::nginx::MAX_INCLUDE_DEPTH
                    ),
                );
                cx.report(d);
            }
            IncludeProblem::TooLarge { span } => {
                let d = cx.diagnostic(
                    *span,
                    "not expanded",
                    format!(
                        "includes expand to more than {} statements, expected each file to be included a bounded number of times",
                        crate::model::nginx::MAX_EXPANDED_STATEMENTS
                    ),
                );
                cx.report(d);
            }
            _ => {}
        }
    }
}
