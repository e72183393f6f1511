//! LNT005: a file names a path outside the checked folders; lint502 does not read it.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::nginx::IncludeProblem;
use crate::parse::requirements::IncludeProblemKind;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "LNT005",
    name: "outside-checked-folders",
    group: Group::Tool,
    severity: Severity::Info,
    summary: "an `include` or `-r` names a path outside the checked folders: not read, not checked",
    inputs: &[FileKind::Nginx, FileKind::Requirements],
    doc: include_str!("../../../lints/LNT005.md"),
};

pub fn check(cx: &mut Checker) {
    for p in &cx.model.nginx.include_problems {
        let IncludeProblem::Outside {
            span,
            value,
            path,
            absolute,
        } = p
        else {
            continue;
        };
        // Shown with `..` taken lexically: the file itself is never looked at.
        let shown = crate::contain::lexical(path)
            .map(|p| crate::source::display_path(&p))
            .unwrap_or_else(|| crate::source::display_path(path));
        let mut d = if *absolute {
            cx.diagnostic(
                *span,
                "a path on the server",
                format!(
                    "include \"{value}\" is an absolute path that no folder of the checked tree stands for: not read"
                ),
            )
        } else {
            cx.diagnostic(
                *span,
                format!("resolves to {shown}"),
                format!("include \"{value}\" reaches outside the checked folders, to {shown}: not read"),
            )
        }
        .with_note("lint502 reads only inside the folders it checks, so the statements in that file are not checked");
        if *absolute && value.starts_with("/etc/nginx/") {
            d = d.with_help("if a folder of the repository is copied to /etc/nginx, say which: --nginx-prefix DIR");
        } else {
            d = d.with_help("check the folder that holds both files, or move the file into the repository");
        }
        cx.report(d);
    }
    if let Some(deps) = &cx.model.deps {
        for (span, kind, _) in &deps.include_problems {
            if *kind != IncludeProblemKind::Outside {
                continue;
            }
            let written = cx.db.get(span.file).text.get(span.range()).unwrap_or("").to_string();
            let d = cx
                .diagnostic(
                    *span,
                    "outside the checked folders",
                    format!("requirements file \"{written}\" lies outside the checked folders: not read"),
                )
                .with_note("the packages it lists are not counted as declared, and its lines are not checked")
                .with_help("check the folder that holds both files, or move the file into the repository");
            cx.report(d);
        }
    }
}
