//! PM002: a PM2 app in cluster mode whose script is not JavaScript: node's
//! cluster module loads it as JavaScript, and it never starts.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::pm2;
use crate::rules::pm2::python_program;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PM002",
    name: "cluster-mode-not-node",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "a PM2 app runs a Python program in cluster mode: node loads it as JavaScript and it never starts",
    inputs: &[FileKind::Pm2],
    doc: include_str!("../../../lints/PM002.md"),
};

pub fn check(cx: &mut Checker) {
    for (_, file) in &cx.model.backends.pm2 {
        for app in &file.apps {
            let Some(mode) = &app.exec_mode else { continue };
            if pm2::cluster_mode(app) != Some(true) {
                continue;
            }
            let Some(script) = &app.script else { continue };
            let Some(text) = script.value.as_str() else { continue };
            if text.contains(' ') {
                continue;
            }
            let Some(program) = python_program(text, script.span) else {
                continue;
            };
            let name = app.name.as_ref().and_then(|n| n.value.as_str()).unwrap_or("");
            let d = cx
                .diagnostic(
                    mode.span,
                    "cluster mode",
                    format!(
                        "pm2 app \"{name}\" runs {program} `{text}` in cluster mode, but cluster mode loads the script into node as JavaScript, expected exec_mode \"fork\""
                    ),
                )
                .with_label(script.span, format!("{program}, not JavaScript"))
                .with_note("PM2's cluster mode forks node workers that `require()` the script whatever `interpreter` says; each throws a SyntaxError, PM2 restarts it 15 times and marks it errored, and nginx answers 502 (observed with PM2 7.0.4: testdata/observed/backends.md, case 17)")
                .with_help("use `exec_mode: \"fork\"` with `instances: 1`, and the server's own workers (`--workers`) for more processes");
            cx.report(d);
        }
    }
}
