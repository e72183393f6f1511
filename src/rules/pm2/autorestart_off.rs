//! PM006: `autorestart: false`: one crash and the app stays down.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::value::Value;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PM006",
    name: "autorestart-off",
    group: Group::Suspicious,
    severity: Severity::Warning,
    summary: "a PM2 app sets `autorestart: false`: after one crash it stays down and nginx answers 502",
    inputs: &[FileKind::Pm2],
    doc: include_str!("../../../lints/PM006.md"),
};

pub fn check(cx: &mut Checker) {
    for (_, file) in &cx.model.backends.pm2 {
        for app in &file.apps {
            let Some(auto) = &app.autorestart else { continue };
            if !is_off(&auto.value) {
                continue;
            }
            let name = app.name.as_ref().and_then(|n| n.value.as_str());
            let shown = name
                .map(|n| format!("pm2 app \"{n}\""))
                .unwrap_or_else(|| "pm2 app".to_string());
            let d = cx
                .diagnostic(auto.span, "restarts turned off", format!(
                    "{shown} sets `autorestart: false`: after one crash pm2 leaves it stopped, expected autorestart true (pm2's default)"
                ))
                .with_note("with autorestart off PM2 marks an app that exits `stopped` and does not start it again; nginx answers 502 until someone runs `pm2 restart` (PM2 7.0.3 lib/God.js `handleExit`: an app whose `autorestart` is `false`, or the string \"false\", is not restarted)")
                .with_help("remove `autorestart: false`; for a one-shot job that must not restart, run it outside the apps nginx proxies to (or use `cron_restart` for a periodic task)");
            cx.report(d);
        }
    }
}

/// PM2's test in `God.handleExit`: `autorestart === false || autorestart === "false"`.
pub(crate) fn is_off(v: &Value) -> bool {
    matches!(v, Value::Bool(false)) || v.as_str() == Some("false")
}
