//! PY007: `pip install -r` fails on a `-r`/`-c` line that names a file pip cannot open, or a loop.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::parse::requirements::IncludeProblemKind;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PY007",
    name: "requirements-include-failed",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "a `-r`/`-c` line names a missing file or closes a loop: `pip install -r` fails and installs nothing",
    inputs: &[FileKind::Requirements],
    doc: include_str!("../../../lints/PY007.md"),
};

pub fn check(cx: &mut Checker) {
    let Some(deps) = &cx.model.deps else { return };
    for (span, kind, message) in &deps.include_problems {
        let written = cx.db.get(span.file).text.get(span.range()).unwrap_or("").to_string();
        let d = match kind {
            IncludeProblemKind::Unreadable => cx
                .diagnostic(
                    *span,
                    "pip cannot open this file",
                    format!("requirements file \"{written}\" does not exist or cannot be read, expected a file beside this one"),
                )
                .with_note(format!("`pip install -r` stops with: ERROR: {message}, and installs nothing"))
                .with_help("paths after -r and -c are relative to the file that names them, not to the working directory"),
            IncludeProblemKind::Cycle => cx
                .diagnostic(
                    *span,
                    "this line leads back to a file being read",
                    format!("requirements file \"{written}\" includes itself through -r/-c, expected includes without a loop"),
                )
                .with_note(format!(
                    "pip 26.3 stops with: ERROR: {message}; pip 23.2 recursed until Python's RecursionError (exit 2)"
                ))
                .with_help("remove one of the -r/-c lines in the loop"),
            _ => continue,
        };
        cx.report(d);
    }
}
