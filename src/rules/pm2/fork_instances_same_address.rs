//! PM001: a PM2 app runs several instances in fork mode, each binding the
//! same fixed address: all but one cannot start.

use crate::diagnostic::Severity;
use crate::discover::FileKind;
use crate::model::address::Bind;
use crate::model::value::Value;
use crate::rules::{Checker, Group, RuleMeta};

pub const META: RuleMeta = RuleMeta {
    code: "PM001",
    name: "fork-instances-same-address",
    group: Group::Correctness,
    severity: Severity::Error,
    summary: "a PM2 app starts several fork-mode instances on one fixed address: all but one crash-loop",
    inputs: &[FileKind::Pm2],
    doc: include_str!("../../../lints/PM001.md"),
};

/// How many processes `instances` asks for: PM2 reads 0, -1 and "max" as
/// one per CPU (several), a number as itself.
fn several(v: &Value) -> Option<String> {
    match v {
        Value::Int(n) if *n > 1 => Some(format!("{n} fork-mode instances")),
        Value::Int(0) | Value::Int(-1) => Some("one fork-mode instance per CPU".into()),
        Value::Str(s) if s.eq_ignore_ascii_case("max") => Some("one fork-mode instance per CPU".into()),
        Value::Str(s) => s
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 1)
            .map(|n| format!("{n} fork-mode instances")),
        _ => None,
    }
}

pub fn check(cx: &mut Checker) {
    for b in &cx.model.backends.backends {
        let Some(instances) = &b.pm2_instances else { continue };
        let Some(count) = several(&instances.value) else {
            continue;
        };
        if b.pm2_cluster || b.reuse_port {
            continue;
        }
        let Some(l) = b
            .listeners
            .iter()
            .find(|l| matches!(l.bind, Some(Bind::Tcp { .. }) | Some(Bind::Unix { .. })))
        else {
            continue;
        };
        let d = cx
            .diagnostic(
                instances.span,
                count.clone(),
                format!(
                    "pm2 {} starts {count} of {}, all binding {}, expected one instance or one address each",
                    b.origin.trim_start_matches("PM2 "),
                    b.server,
                    l.address
                ),
            )
            .with_label(l.span, format!("every instance binds {}", l.address))
            .with_note("the first instance binds; the others fail with [Errno 98] Address already in use and PM2 restarts them again and again (observed with PM2 7.0.4 and gunicorn 27.0.1: testdata/observed/backends.md, case 14)")
            .with_help(format!("use `instances: 1` and {}'s own workers (`-w`/`--workers`) for more processes", b.server));
        cx.report(d);
    }
}
