//! PM005: a PM2 app with no restart backoff: a crash at boot becomes a
//! tight restart loop, and PM2 gives up on the app after 16 tries.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::value::Value;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PM005",
    name: "no-restart-backoff",
    group: Group::Style,
    severity: Severity::Info,
    summary: "a PM2 app sets none of max_restarts, min_uptime, restart_delay, exp_backoff_restart_delay: a crash at boot restarts it 16 times in a few seconds, then PM2 stops it",
    inputs: &[FileKind::Pm2],
    doc: include_str!("../../../lints/PM005.md"),
};

pub fn check(cx: &mut Checker) {
    for (_, file) in &cx.model.backends.pm2 {
        for app in &file.apps {
            let set = [
                &app.max_restarts,
                &app.min_uptime,
                &app.restart_delay,
                &app.exp_backoff_restart_delay,
            ]
            .iter()
            .any(|v| v.is_some());
            if set {
                continue;
            }
            // `autorestart: false` never restarts (PM006 says so).
            if app
                .autorestart
                .as_ref()
                .is_some_and(|a| super::autorestart_off::is_off(&a.value))
            {
                continue;
            }
            // A spread or an unreadable part may set the options out of sight.
            let hidden = match &app.value.value {
                Value::Map(entries) => entries.iter().any(|(k, _)| k.value.starts_with("...")),
                _ => true,
            };
            if hidden || app.script.is_none() {
                continue;
            }
            let name = app.name.as_ref().and_then(|n| n.value.as_str());
            let span = app.name.as_ref().map_or(app.span, |n| n.span);
            // PM2 names an app without `name` after its script's file name.
            let default_name = app.script.as_ref().and_then(|sc| sc.value.as_str()).map(|sc| {
                let file = sc.rsplit('/').next().unwrap_or(sc);
                file.split('.').next().unwrap_or(file).to_string()
            });
            let shown = match (name, default_name) {
                (Some(n), _) => format!("pm2 app \"{n}\""),
                (None, Some(d)) => format!("pm2 app \"{d}\" (named after its script)"),
                (None, None) => "pm2 app".to_string(),
            };
            let d = cx
                .diagnostic(
                    span,
                    "restarted without a pause",
                    format!(
                        "{shown} sets no restart backoff: a crash at boot restarts it 16 times in a few seconds, then pm2 stops it, expected exp_backoff_restart_delay (or restart_delay, min_uptime, max_restarts)"
                    ),
                )
                .with_note("PM2's defaults are max_restarts 16 and min_uptime 1000 ms with no delay between restarts: an app that exits within a second of starting 16 times in a row is marked `errored` and never started again (\"too many unstable restarts\"); nginx answers 502 from then on, even after the cause (a database not up yet at boot) is gone (observed with PM2 7.0.4: testdata/observed/backends.md, case 17)")
                .with_help("add `exp_backoff_restart_delay: 100`: PM2 then waits 100 ms, 150 ms, … up to 15 s between restarts and keeps trying");
            cx.report(d);
        }
    }
}
