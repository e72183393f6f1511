//! PM004: a PM2 `script` with spaces and `args`: PM2 runs the script as a
//! shell command and replaces the args.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::pm2::truthy;
use crate::model::value::Value;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PM004",
    name: "script-args-dropped",
    group: Group::Suspicious,
    severity: Severity::Warning,
    summary: "a PM2 `script` with spaces runs as `bash -c`, and the app's `args` are silently dropped",
    inputs: &[FileKind::Pm2],
    doc: include_str!("../../../lints/PM004.md"),
};

pub fn check(cx: &mut Checker) {
    for (_, file) in &cx.model.backends.pm2 {
        for app in &file.apps {
            let Some(script) = &app.script else { continue };
            let Some(text) = script.value.as_str() else { continue };
            if !text.contains(' ') {
                continue;
            }
            let Some(args) = &app.args else { continue };
            let empty = match &args.raw.value {
                Value::List(xs) => xs.is_empty(),
                v => !truthy(v),
            };
            if empty {
                continue;
            }
            let name = app.name.as_ref().and_then(|n| n.value.as_str()).unwrap_or("");
            let shown = match &args.list {
                Some(list) => list.iter().map(|a| a.value.as_str()).collect::<Vec<_>>().join(" "),
                None => "these args".into(),
            };
            let d = cx
                .diagnostic(
                    args.raw.span,
                    "ignored",
                    format!(
                        "pm2 app \"{name}\" has a script with spaces, so PM2 runs `bash -c \"{text}\"` and drops `{shown}`, expected the arguments in one place"
                    ),
                )
                .with_label(script.span, "a command line, not a file")
                .with_note("PM2 replaces `args` with [\"-c\", script] when the script contains a space (lib/Common.js `verifyConfs`, PM2 7.0.4); observed: `script: \"gunicorn app:app\", args: \"-b 127.0.0.1:18203\"` listened on gunicorn's default 127.0.0.1:8000 and nginx got 502 on 18203 (testdata/observed/backends.md, case 19)")
                .with_help("put the program alone in `script` and everything else in `args`, or move the args into the script string");
            cx.report(d);
        }
    }
}
