//! PM003: PM2 runs a Python program with node, because no interpreter says
//! otherwise.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::pm2::{self, Interpreter};
use crate::rules::pm2::python_program;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PM003",
    name: "python-run-by-node",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "PM2 runs a Python program (a venv's gunicorn or uvicorn) with node: it crashes at once, every time",
    inputs: &[FileKind::Pm2],
    doc: include_str!("../../../lints/PM003.md"),
};

pub fn check(cx: &mut Checker) {
    for (_, file) in &cx.model.backends.pm2 {
        for app in &file.apps {
            let Some(script) = &app.script else { continue };
            let Some(text) = script.value.as_str() else { continue };
            let Some(interp) = pm2::interpreter(app) else { continue };
            if !interp.is_node() || pm2::cluster_mode(app) == Some(true) {
                // Cluster mode is PM002's.
                continue;
            }
            let Some(program) = python_program(text, script.span) else {
                continue;
            };
            let name = app.name.as_ref().and_then(|n| n.value.as_str()).unwrap_or("");
            let (span, why) = match (&interp, &app.interpreter) {
                (Interpreter::Given(i), Some(v)) => (v.span, format!("`interpreter: \"{i}\"`")),
                _ => (
                    script.span,
                    "no `interpreter`, and PM2 runs a script without a known extension with node".to_string(),
                ),
            };
            let mut d = cx
                .diagnostic(
                    span,
                    "run with node",
                    format!(
                        "pm2 app \"{name}\" runs {program} `{text}` with node ({why}), expected `interpreter: \"none\"` or the virtualenv's python"
                    ),
                )
                .with_note("a console script such as venv/bin/gunicorn is a Python file with a `#!` line; node reads it as JavaScript and throws a SyntaxError, PM2 restarts it until it marks it errored, and nginx answers 502 (observed with PM2 7.0.4: testdata/observed/backends.md, case 18)")
                .with_help("add `interpreter: \"none\"` to run the script through its `#!` line (or `interpreter: \"/path/to/venv/bin/python\"`)");
            if span != script.span {
                d = d.with_label(script.span, format!("{program}, not JavaScript"));
            }
            cx.report(d);
        }
    }
}
