//! LNT001: a file the real program would refuse to read.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "LNT001",
    name: "parse-error",
    group: Group::Tool,
    severity: Severity::Error,
    summary: "a file has a syntax error: the program that reads it refuses to start",
    inputs: &[
        FileKind::Nginx,
        FileKind::Pm2,
        FileKind::Gunicorn,
        FileKind::Launch,
        FileKind::Requirements,
    ],
    doc: include_str!("../../../lints/LNT001.md"),
};

pub fn check(cx: &mut Checker) {
    for (file, e) in &cx.model.nginx.syntax_errors {
        let path = &cx.db.get(*file).display;
        let line = e
            .line
            .unwrap_or_else(|| cx.db.get(*file).line_col(e.span.start as usize).0 as u32);
        let d = cx
            .diagnostic(
                e.span,
                "nginx stops reading here",
                format!("nginx syntax error: {}", e.message),
            )
            .with_note(format!("`nginx -t` says: {} in {}:{}", e.message, path, line))
            .with_note("nginx refuses to start or reload with this file, so every site it serves is down")
            .with_help("run `lint502 parse FILE` to see how lint502 (and nginx) read the statements before this point");
        cx.report(d);
    }
    for (file, e) in &cx.model.backends.syntax_errors {
        let d = cx
            .diagnostic(
                e.span,
                "lint502 stops reading here",
                format!("syntax error: {}", e.message),
            )
            .with_note(format!(
                "{} cannot be read past this point; the settings after it are not checked",
                cx.db.get(*file).display
            ));
        cx.report(d);
    }
    // Requirement files the deployment installs: pip stops at the first bad
    // line (`pip install -r` fails, nothing is installed).
    if let Some(deps) = &cx.model.deps {
        for (file, rf) in &deps.requirement_files {
            if !deps.installed.contains(file) {
                continue;
            }
            for e in &rf.errors {
                let d = cx
                    .diagnostic(e.span, "pip stops here", format!("requirements syntax error: {}", e.message))
                    .with_note(format!(
                        "`pip install -r {}` fails on this line and installs nothing: the deploy leaves the old packages (or none) in place",
                        cx.db.get(*file).display
                    ));
                cx.report(d);
            }
        }
    }
}
